// Usage: OBOL_API_KEY=obol_… [OBOL_TARGET=host:port] node call.js <Service> <Method> ['<json request>'] [target]
//   node call.js AccountService SetSeatCount '{"account_id":"t-1","seat_count":3,"request_id":"s-1"}'
//   node call.js WalletService GetBalance '{"account_id":"demo"}'
//   node call.js AccountService RunMonthlyCharges '{"as_of":"2026-12-01T00:00:00Z","request_id":"run-2026-12"}'
// The target is the argument, else OBOL_TARGET, else 127.0.0.1:50051. Timestamps (google.protobuf.Timestamp) are
// written and printed as RFC 3339 strings, as in proto-JSON.
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

const TIMESTAMP = 'google.protobuf.Timestamp';

/** The message fields of `typeName` (a fully qualified name), keyed by field name: the type name of each. */
function messageFields(typeName) {
  const message = definition[typeName.replace(/^\./, '')];
  const fields = {};
  for (const field of (message && message.type && message.type.field) || []) {
    // proto-loader names a type of the same package relatively ("ApiKey"), others fully ("google.protobuf.Timestamp")
    const name = field.typeName.replace(/^\./, '');
    if (field.type === 'TYPE_MESSAGE') fields[field.name] = definition[name] ? name : `obol.v1.${name}`;
  }
  return fields;
}

/** Walks `value` (of message type `typeName`), turning each Timestamp with `convert`; repeated fields too. */
function mapTimestamps(value, typeName, convert) {
  if (value === null || typeof value !== 'object') return value;
  const fields = messageFields(typeName);
  for (const [name, fieldType] of Object.entries(fields)) {
    if (value[name] === undefined || value[name] === null) continue;
    const each = (v) => (fieldType === TIMESTAMP ? convert(v, name) : mapTimestamps(v, fieldType, convert));
    value[name] = Array.isArray(value[name]) ? value[name].map(each) : each(value[name]);
  }
  return value;
}

/** "2026-12-01T00:00:00Z" (or an offset, or fractional seconds) -> {seconds, nanos}; objects pass through. */
function toTimestamp(text, field) {
  if (typeof text !== 'string') return text;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const millis = match ? Date.parse(match[1] + match[3]) : NaN;
  if (Number.isNaN(millis)) {
    console.error(`${field}: "${text}" is not an RFC 3339 timestamp (e.g. 2026-12-01T00:00:00Z)`);
    process.exit(2);
  }
  const nanos = match[2] ? Number(match[2].slice(1).padEnd(9, '0')) : 0;
  return { seconds: String(Math.floor(millis / 1000)), nanos };
}

/** {seconds, nanos} -> RFC 3339 in UTC. */
function fromTimestamp(ts) {
  if (!ts || ts.seconds === undefined) return ts;
  const iso = new Date(Number(ts.seconds) * 1000).toISOString().replace('.000Z', 'Z');
  return ts.nanos ? iso.replace('Z', `.${String(ts.nanos).padStart(9, '0').replace(/0+$/, '')}Z`) : iso;
}

const [service, method, json = '{}', target = process.env.OBOL_TARGET || '127.0.0.1:50051'] = process.argv.slice(2);
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
const rpc = client[method];
let request;
try {
  request = JSON.parse(json);
} catch (e) {
  console.error(`the request is not JSON: ${e.message}`);
  process.exit(2);
}
const requestType = obol[service].service[method].requestType.type.name;
const responseType = obol[service].service[method].responseType.type.name;
mapTimestamps(request, `obol.v1.${requestType}`, toTimestamp);
rpc.call(client, request, auth, (err, res) => {
  if (err) {
    // grpc-status-details-bin carries a google.rpc.Status; its ErrorInfo reason is readable in the raw bytes too.
    const details = err.metadata && err.metadata.get('grpc-status-details-bin')[0];
    const reason = details ? (details.toString('latin1').match(/[A-Z][A-Z0-9_]{3,}/g) || []).join(' ') : '';
    console.error(`error ${grpc.status[err.code]}: ${err.details}${reason ? ` (${reason})` : ''}`);
    process.exit(1);
  }
  console.log(JSON.stringify(mapTimestamps(res, `obol.v1.${responseType}`, fromTimestamp)));
  client.close();
});
