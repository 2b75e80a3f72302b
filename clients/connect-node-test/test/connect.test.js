// Obol's Connect face (HTTP/JSON on the HTTP port) called by the official Connect client: @connectrpc/connect-node
// over HTTP/1.1 with the JSON format, and the stubs protoc-gen-es generated from the contract (gen/). Against a real
// Obol: `java -jar app/target/obol.jar` (OBOL_JAR) on its embedded PostgreSQL, free ports, a bootstrap admin key.
// Nothing here speaks gRPC: a broken Connect face fails every test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { WalletService } from '../gen/obol/v1/wallet_service_pb.js';
import { AdminService } from '../gen/obol/v1/admin_service_pb.js';
import { Asset, DenialReason, GrantSource } from '../gen/obol/v1/common_pb.js';
import { ErrorInfoSchema } from '../gen/google/rpc/error_details_pb.js';

const ADMIN_KEY = 'obol_connect_node_test_admin_key_0123456789abcdef';
const here = path.dirname(fileURLToPath(import.meta.url));
const JAR = path.resolve(process.env.OBOL_JAR || path.join(here, '../../../app/target/obol.jar'));

let obolProcess;
let logFile;
let baseUrl;
let transport;

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

/** The call options that carry an API key: Obol wants `authorization: Bearer <secret>` on every RPC. */
function as(key) {
  return { headers: { authorization: `Bearer ${key}` }, timeoutMs: 15000 };
}

before(async () => {
  assert.ok(fs.existsSync(JAR), `${JAR} is missing: build app first (mvn -pl clients/connect-node-test -am verify)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obol-connect-node-'));
  const httpPort = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OBOL_')));
  Object.assign(env, {
    OBOL_DATA_DIR: path.join(dir, 'data'),
    OBOL_GRPC_PORT: String(await freePort()),
    OBOL_HTTP_PORT: String(httpPort),
    OBOL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    OBOL_DEMO_SEED: 'false',
  });
  logFile = path.join(dir, 'obol.log');
  const log = fs.openSync(logFile, 'w');
  obolProcess = spawn('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', JAR],
    { env, stdio: ['ignore', log, log] });
  baseUrl = `http://127.0.0.1:${httpPort}`;
  transport = createConnectTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: false });
  // Ready when the health endpoint says so (not a Connect call: a broken Connect face fails the tests, not this).
  const until = Date.now() + 120000;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/health/readiness`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (obolProcess.exitCode !== null || Date.now() > until) {
      throw new Error(`Obol did not start:\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
});

after(async () => {
  if (obolProcess && obolProcess.exitCode === null) {
    const exited = new Promise((r) => obolProcess.on('exit', r));
    obolProcess.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20000))]);
    if (obolProcess.exitCode === null) obolProcess.kill('SIGKILL');
  }
});

/** A fresh account with `tokens` granted by the admin key (WalletService.Grant), and a key bound to it. */
async function accountWithKey(tokens) {
  const account = `connect-${randomUUID()}`;
  const wallet = createClient(WalletService, transport);
  const admin = createClient(AdminService, transport);
  if (tokens > 0) {
    const grant = await wallet.grant({ accountId: account, asset: Asset.TOKEN, amount: BigInt(tokens),
      source: GrantSource.PROMO, reason: 'connect-node test', requestId: `seed-${account}` }, as(ADMIN_KEY));
    assert.equal(grant.balance, BigInt(tokens));
  }
  const key = await admin.createApiKey({ name: `connect ${account}`, scopes: ['wallet:debit', 'wallet:read'],
    accountId: account, requestId: `key-${account}` }, as(ADMIN_KEY));
  return { account, key: key.secret, wallet };
}

test('CheckAndDebit over Connect is allowed and debits', async () => {
  const { account, key, wallet } = await accountWithKey(100);
  const debit = await wallet.checkAndDebit({ accountId: account, feature: 'image', requestId: 'd1' }, as(key));
  assert.equal(debit.allowed, true);
  assert.equal(debit.debited, 50n);
  assert.equal(debit.balance, 50n);
  assert.ok(debit.debitId.length > 0);
  const balance = await wallet.getBalance({ accountId: account, asset: Asset.TOKEN }, as(key));
  assert.equal(balance.wallets[0].balance, 50n);
});

test('an insufficient balance is an answer (allowed=false), not an error', async () => {
  const { account, key, wallet } = await accountWithKey(10);
  const debit = await wallet.checkAndDebit({ accountId: account, feature: 'image', requestId: 'd1' }, as(key));
  assert.equal(debit.allowed, false);
  assert.equal(debit.denialReason, DenialReason.INSUFFICIENT_BALANCE);
  assert.equal(debit.debitId, '');
  assert.equal(debit.balance, 10n);
});

test('a retry with the same request_id returns the first answer (same debit_id) and debits once', async () => {
  const { account, key, wallet } = await accountWithKey(100);
  const request = { accountId: account, feature: 'audio', requestId: 'same' };
  const first = await wallet.checkAndDebit(request, as(key));
  const again = await wallet.checkAndDebit(request, as(key));
  assert.equal(first.allowed, true);
  assert.equal(again.debitId, first.debitId);
  assert.equal(again.balance, first.balance);
  assert.equal(again.debited, first.debited);
  const balance = await wallet.getBalance({ accountId: account, asset: Asset.TOKEN }, as(key));
  assert.equal(balance.wallets[0].balance, 100n - first.debited);
});

test('a refused key is Connect code unauthenticated with ErrorInfo API_KEY_INVALID', async () => {
  const wallet = createClient(WalletService, transport);
  await assert.rejects(
    wallet.getBalance({ accountId: 'x' }, as('obol_key_not_a_real_one_0123456789abcdefghij')),
    (e) => {
      assert.ok(e instanceof ConnectError, String(e));
      assert.equal(e.code, Code.Unauthenticated);
      const [info] = e.findDetails(ErrorInfoSchema);
      assert.equal(info?.reason, 'API_KEY_INVALID');
      return true;
    });
});

test('an invalid argument carries google.rpc.ErrorInfo with its reason and field', async () => {
  const wallet = createClient(WalletService, transport);
  await assert.rejects(
    wallet.checkAndDebit({ accountId: 'has space', feature: 'image', requestId: 'b1' }, as(ADMIN_KEY)),
    (e) => {
      assert.ok(e instanceof ConnectError, String(e));
      assert.equal(e.code, Code.InvalidArgument);
      assert.equal(e.details[0]?.type, 'google.rpc.ErrorInfo');
      const infos = e.findDetails(ErrorInfoSchema);
      assert.equal(infos.length, 1);
      assert.equal(infos[0].domain, 'obol');
      assert.equal(infos[0].reason, 'INVALID_CHARACTERS');
      assert.equal(infos[0].metadata.field, 'account_id');
      return true;
    });
});
