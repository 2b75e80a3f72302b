// Usage: OBOL_API_KEY=obol_… node call.js <Service> <Method> ['<json request>'] [target]
//   node call.js AccountService SetSeatCount '{"account_id":"t-1","seat_count":3,"request_id":"s-1"}'
//   node call.js WalletService GetBalance '{"account_id":"demo"}'
// Calls any obol.v1 RPC with stubs loaded from the public contract in proto/ (no grpcurl needed). Errors print the
// gRPC status and the google.rpc.ErrorInfo reason Obol attaches. The key is sent as `authorization: Bearer <key>`.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const protoRoot = path.resolve(__dirname, '../../proto/src/main/proto');
const definition = protoLoader.loadSync([
  'obol/v1/wallet_service.proto',
  'obol/v1/account_service.proto',
  'obol/v1/admin_service.proto',
], {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: String, // int64 amounts as strings: never lose precision
  enums: String,
  defaults: true,
});
const obol = grpc.loadPackageDefinition(definition).obol.v1;

const [service, method, json = '{}', target = '127.0.0.1:50051'] = process.argv.slice(2);
if (!obol[service] || !obol[service].service[method]) {
  console.error('usage: node call.js <WalletService|AccountService|AdminService> <Method> [json] [target]');
  process.exit(2);
}
if (!process.env.OBOL_API_KEY) {
  console.error('set OBOL_API_KEY, e.g. export OBOL_API_KEY=$(cat obol-data/admin-key)');
  process.exit(2);
}
const auth = new grpc.Metadata();
auth.set('authorization', `Bearer ${process.env.OBOL_API_KEY}`);
const client = new obol[service](target, grpc.credentials.createInsecure());
client[method](JSON.parse(json), auth, (err, res) => {
  if (err) {
    // grpc-status-details-bin carries a google.rpc.Status; its ErrorInfo reason is readable in the raw bytes too.
    const details = err.metadata && err.metadata.get('grpc-status-details-bin')[0];
    const reason = details ? (details.toString('latin1').match(/[A-Z][A-Z0-9_]{3,}/g) || []).join(' ') : '';
    console.error(`error ${grpc.status[err.code]}: ${err.details}${reason ? ` (${reason})` : ''}`);
    process.exit(1);
  }
  console.log(JSON.stringify(res));
  client.close();
});
