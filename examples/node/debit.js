// Usage: OBOL_API_KEY=obol_… [OBOL_TARGET=host:port] node debit.js [account] [feature] [target]
//   (defaults: demo, image, and OBOL_TARGET or 127.0.0.1:50051)
// Loads the public contract straight from proto/ and calls CheckAndDebit, then GetBalance, sending the API key as
// `authorization: Bearer <key>` (the key needs the scopes wallet:debit and wallet:read).
const path = require('path');
const crypto = require('crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const protoRoot = path.resolve(__dirname, '../../proto/src/main/proto');
const definition = protoLoader.loadSync('obol/v1/wallet_service.proto', {
  includeDirs: [protoRoot],
  keepCase: true, // field names exactly as in the .proto (account_id, request_id)
  longs: String, // int64 amounts arrive as strings: never lose precision
  enums: String,
  defaults: true,
});
const obol = grpc.loadPackageDefinition(definition).obol.v1;

const [account = 'demo', feature = 'image', target = process.env.OBOL_TARGET || '127.0.0.1:50051'] =
  process.argv.slice(2);
const wallet = new obol.WalletService(target, grpc.credentials.createInsecure());
if (!process.env.OBOL_API_KEY) {
  console.error('set OBOL_API_KEY, e.g. export OBOL_API_KEY=$(cat obol-data/admin-key)');
  process.exit(2);
}
const auth = new grpc.Metadata();
auth.set('authorization', `Bearer ${process.env.OBOL_API_KEY}`);

wallet.CheckAndDebit(
  { account_id: account, feature, request_id: crypto.randomUUID(), metadata: { caller: 'node-example' } },
  auth,
  (err, res) => {
    if (err) {
      console.error(`error ${grpc.status[err.code]}: ${err.details}`);
      process.exit(1);
    }
    console.log('CheckAndDebit', JSON.stringify(res));
    wallet.GetBalance({ account_id: account, asset: 'ASSET_TOKEN' }, auth, (err2, balance) => {
      if (err2) {
        console.error(`error ${grpc.status[err2.code]}: ${err2.details}`);
        process.exit(1);
      }
      console.log('GetBalance', JSON.stringify(balance.wallets[0]));
      wallet.close();
    });
  });
