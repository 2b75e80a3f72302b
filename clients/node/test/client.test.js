'use strict';
// The client against a real Obol: `java -jar app/target/obol.jar` (OBOL_JAR) on its embedded PostgreSQL, free ports,
// a bootstrap admin key; and, for the retry logic only, a fake gRPC server that fails twice with UNAVAILABLE.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { Obol, ObolError } = require('..');

const ADMIN_KEY = 'obol_node_client_test_admin_key_0123456789abcdef';
const JAR = path.resolve(process.env.OBOL_JAR || path.join(__dirname, '../../../app/target/obol.jar'));

let obolProcess;
let target;
let admin;
let logFile;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

before(async () => {
  assert.ok(fs.existsSync(JAR), `${JAR} is missing: build app first (mvn -pl clients/node -am verify)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obol-node-client-'));
  const grpcPort = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OBOL_')));
  Object.assign(env, {
    OBOL_DATA_DIR: path.join(dir, 'data'),
    OBOL_GRPC_PORT: String(grpcPort),
    OBOL_HTTP_PORT: String(await freePort()),
    OBOL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    OBOL_DEMO_SEED: 'false',
  });
  logFile = path.join(dir, 'obol.log');
  const log = fs.openSync(logFile, 'w');
  obolProcess = spawn('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', JAR],
    { env, stdio: ['ignore', log, log] });
  target = `localhost:${grpcPort}`;
  admin = new Obol({ target, apiKey: ADMIN_KEY, deadlineMs: 10000, maxAttempts: 1 });
  const until = Date.now() + 120000;
  for (;;) {
    try {
      await admin.listFeatures({});
      return;
    } catch (e) {
      if (obolProcess.exitCode !== null || Date.now() > until) {
        throw new Error(`Obol did not start: ${e.message}\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
});

after(async () => {
  if (admin) admin.close();
  if (obolProcess && obolProcess.exitCode === null) {
    const exited = new Promise((r) => obolProcess.on('exit', r));
    obolProcess.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20000))]);
    if (obolProcess.exitCode === null) obolProcess.kill('SIGKILL');
  }
});

/** A fresh account with `tokens` granted by the admin key, and a client with a key bound to it. */
async function accountWithKey(tokens) {
  const account = `node-${crypto.randomUUID()}`;
  if (tokens > 0) {
    await admin.grant({ account_id: account, asset: 'ASSET_TOKEN', amount: String(tokens),
      source: 'GRANT_SOURCE_PROMO', reason: 'node client test', request_id: `seed-${account}` });
  }
  const key = await admin.createApiKey({ name: `node ${account}`, scopes: ['wallet:debit', 'wallet:read'],
    account_id: account, request_id: `key-${account}` });
  return { account, app: new Obol({ target, apiKey: key.secret, deadlineMs: 10000 }) };
}

test('a debit is allowed and lowers the balance', async () => {
  const { account, app } = await accountWithKey(100);
  const debit = await app.checkAndDebit({ account_id: account, feature: 'image', request_id: 'd1' });
  assert.equal(debit.allowed, true);
  assert.equal(debit.debited, '50');
  assert.equal(debit.balance, '50');
  const balance = await app.getBalance({ account_id: account, asset: 'ASSET_TOKEN' });
  assert.equal(balance.wallets[0].balance, '50');
  app.close();
});

test('a denial is an answer, not an error', async () => {
  const { account, app } = await accountWithKey(10);
  const debit = await app.checkAndDebit({ account_id: account, feature: 'image', request_id: 'd1' });
  assert.equal(debit.allowed, false);
  assert.equal(debit.denial_reason, 'DENIAL_REASON_INSUFFICIENT_BALANCE');
  assert.equal(debit.balance, '10');
  app.close();
});

test('a retry with the same request_id returns the first answer and debits once', async () => {
  const { account, app } = await accountWithKey(100);
  const request = { account_id: account, feature: 'audio', request_id: 'same' };
  const first = await app.checkAndDebit(request);
  const again = await app.checkAndDebit(request);
  assert.deepEqual(again, first);
  const balance = await app.getBalance({ account_id: account, asset: 'ASSET_TOKEN' });
  assert.equal(balance.wallets[0].balance, '75');
  app.close();
});

test('the same request_id with other content is a conflict', async () => {
  const { account, app } = await accountWithKey(100);
  await app.checkAndDebit({ account_id: account, feature: 'audio', request_id: 'r' });
  await assert.rejects(app.checkAndDebit({ account_id: account, feature: 'image', request_id: 'r' }), (e) => {
    assert.ok(e instanceof ObolError);
    assert.equal(e.codeName, 'FAILED_PRECONDITION');
    assert.equal(e.reason, 'REQUEST_ID_CONFLICT');
    return true;
  });
  app.close();
});

test('a refused key is UNAUTHENTICATED with its reason', async () => {
  const stranger = new Obol({ target, apiKey: 'obol_key_not_a_real_one_0123456789abcdefghij', maxAttempts: 1 });
  await assert.rejects(stranger.getBalance({ account_id: 'x' }), (e) => {
    assert.equal(e.code, grpc.status.UNAUTHENTICATED);
    assert.equal(e.reason, 'API_KEY_INVALID');
    return true;
  });
  stranger.close();
});

test('a bad argument names its reason and field', async () => {
  await assert.rejects(admin.checkAndDebit({ account_id: 'has space', feature: 'image', request_id: 'b1' }), (e) => {
    assert.equal(e.codeName, 'INVALID_ARGUMENT');
    assert.equal(e.reason, 'INVALID_CHARACTERS');
    assert.equal(e.field, 'account_id');
    assert.equal(e.domain, 'obol');
    return true;
  });
});

test('UNAVAILABLE is retried with the same request, then answered', async () => {
  const definition = protoLoader.loadSync('obol/v1/wallet_service.proto', {
    includeDirs: [path.join(__dirname, '../proto')], keepCase: true, longs: String,
    enums: String, defaults: true });
  const { WalletService } = grpc.loadPackageDefinition(definition).obol.v1;
  const seen = [];
  const server = new grpc.Server();
  server.addService(WalletService.service, {
    CheckAndDebit(call, callback) {
      seen.push({ request: call.request, auth: call.metadata.get('authorization')[0] });
      if (seen.length < 3) callback({ code: grpc.status.UNAVAILABLE, details: 'try again' });
      else callback(null, { allowed: true, debit_id: 'dbt_fake', debited: '5', balance: '95' });
    },
  });
  const port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0',
    grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const client = new Obol({ target: `127.0.0.1:${port}`, apiKey: 'k'.repeat(40), deadlineMs: 10000 });
  try {
    const answer = await client.checkAndDebit({ account_id: 'a', feature: 'image', request_id: 'retry-1' });
    assert.equal(answer.debit_id, 'dbt_fake');
    assert.equal(seen.length, 3);
    assert.ok(seen.every((s) => s.request.request_id === 'retry-1'));
    assert.ok(seen.every((s) => s.auth === `Bearer ${'k'.repeat(40)}`));

    seen.length = 0;
    const once = new Obol({ target: `127.0.0.1:${port}`, apiKey: 'k'.repeat(40), maxAttempts: 1 });
    await assert.rejects(once.checkAndDebit({ account_id: 'a', feature: 'image', request_id: 'r2' }),
      (e) => e.code === grpc.status.UNAVAILABLE && e.reason === '');
    assert.equal(seen.length, 1);
    once.close();
  } finally {
    client.close();
    server.forceShutdown();
  }
});
