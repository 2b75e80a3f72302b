// Usage: OBOL_API_KEY=obol_… [OBOL_TARGET=host:port] node debit.js [account] [feature] [target]
//   (defaults: demo, image, and OBOL_TARGET or 127.0.0.1:50051)
// CheckAndDebit, then GetBalance, through the Node client (clients/node, @obol/client): the key is sent as
// `authorization: Bearer <key>` (it needs the scopes wallet:debit and wallet:read), every call has a deadline, and an
// error is an ObolError with the gRPC code and Obol's ErrorInfo reason and field.
const crypto = require('crypto');
const { Obol, ObolError } = require('@obol/client');

const [account = 'demo', feature = 'image', target = process.env.OBOL_TARGET || '127.0.0.1:50051'] =
  process.argv.slice(2);
if (!process.env.OBOL_API_KEY) {
  console.error('set OBOL_API_KEY, e.g. export OBOL_API_KEY=$(cat obol-data/admin-key)');
  process.exit(2);
}

async function main() {
  const obol = new Obol({ target, apiKey: process.env.OBOL_API_KEY });
  try {
    const debit = await obol.checkAndDebit({
      account_id: account, feature, request_id: crypto.randomUUID(), metadata: { caller: 'node-example' } });
    console.log('CheckAndDebit', JSON.stringify(debit));
    const balance = await obol.getBalance({ account_id: account, asset: 'ASSET_TOKEN' });
    console.log('GetBalance', JSON.stringify(balance.wallets[0]));
  } catch (e) {
    if (!(e instanceof ObolError)) throw e;
    console.error(`error ${e.codeName}: ${e.details}${e.reason ? ` (${e.reason}${e.field ? `, field ${e.field}` : ''})` : ''}`);
    process.exitCode = 1;
  } finally {
    obol.close();
  }
}
main();
