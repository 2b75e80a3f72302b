'use strict';
// @obol/client: a small promise-based wrapper over stubs generated at load time from Obol's public contract
// (obol.v1, the same .proto files every other client is built from).
//
//   const { Obol } = require('@obol/client');
//   const obol = new Obol({ target: 'localhost:50051', apiKey: process.env.OBOL_API_KEY });
//   const debit = await obol.checkAndDebit({ account_id: 'demo', feature: 'image', request_id: 'job-42' });
//   obol.close();
//
// Every RPC of WalletService, AccountService and AdminService is a method named in camelCase (CheckAndDebit ->
// checkAndDebit), taking the request as a plain object with the .proto's field names and resolving to the response.
// A deadline applies to every call (all attempts together); UNAVAILABLE is retried with the same request, so with the
// same request_id (Obol's writes are idempotent by it), a few times with a jittered backoff. Any other failure rejects
// with one error type, ObolError, carrying the gRPC code and the google.rpc.ErrorInfo reason, field and metadata.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

/**
 * The contract ships with the package (./proto: a copy of the repository's proto/src/main/proto that run-tests.sh
 * checks is identical, so it cannot drift; `npm run sync-proto` refreshes it).
 */
function protoRoot() {
  return path.join(__dirname, 'proto');
}

const SERVICES = ['WalletService', 'AccountService', 'AdminService'];
const definition = protoLoader.loadSync(
  ['obol/v1/wallet_service.proto', 'obol/v1/account_service.proto', 'obol/v1/admin_service.proto'],
  {
    includeDirs: [protoRoot()],
    keepCase: true, // field names exactly as in the .proto (account_id, request_id)
    longs: String, // int64 amounts as strings: never lose precision
    enums: String,
    defaults: true,
  });
const obolPackage = grpc.loadPackageDefinition(definition).obol.v1;

// google.rpc.Status and ErrorInfo (vendored from googleapis, Apache-2.0): the details Obol attaches to every error.
const rpcRoot = new protobuf.Root();
rpcRoot.resolvePath = (origin, target) => {
  const vendored = path.join(__dirname, 'vendor', target);
  return fs.existsSync(vendored) ? vendored : protobuf.util.path.resolve(origin, target);
};
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
const RpcStatus = rpcRoot.lookupType('google.rpc.Status');
const ErrorInfo = rpcRoot.lookupType('google.rpc.ErrorInfo');
const ERROR_INFO_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

/** The one error of this client: a gRPC failure with what Obol said about it. */
class ObolError extends Error {
  constructor(code, message, info, rpc) {
    super(`${grpc.status[code] || code}${info && info.reason ? ` ${info.reason}` : ''}: ${message}`);
    this.name = 'ObolError';
    /** The gRPC status code (a number; grpc.status names it) and its name, e.g. 3 and 'INVALID_ARGUMENT'. */
    this.code = code;
    this.codeName = grpc.status[code] || String(code);
    this.details = message;
    /** The ErrorInfo reason, e.g. 'REQUEST_ID_CONFLICT'; '' when the failure did not come from Obol (a deadline). */
    this.reason = (info && info.reason) || '';
    this.domain = (info && info.domain) || '';
    this.metadata = (info && info.metadata) || {};
    /** The request field at fault (ErrorInfo metadata 'field'), or null. */
    this.field = this.metadata.field || null;
    this.rpc = rpc;
  }

  static from(err, rpc) {
    let info = null;
    const details = err.metadata && err.metadata.get('grpc-status-details-bin');
    if (details && details.length > 0) {
      try {
        const status = RpcStatus.decode(details[0]);
        const any = (status.details || []).find((d) => d.type_url === ERROR_INFO_URL);
        if (any) info = ErrorInfo.toObject(ErrorInfo.decode(any.value), { defaults: true });
      } catch (e) {
        // Not a google.rpc.Status: the error keeps its code and message.
      }
    }
    return new ObolError(err.code, err.details || err.message, info, rpc);
  }
}

function camel(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isLocal(target) {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(target);
}

class Obol {
  /**
   * @param {object} options
   * @param {string} options.target host:port of Obol's gRPC port
   * @param {string} options.apiKey sent as `authorization: Bearer <key>` on every call
   * @param {number} [options.deadlineMs=5000] for a whole call, retries included
   * @param {number} [options.maxAttempts=3] attempts of a call answered UNAVAILABLE (1 = no retry)
   * @param {boolean|Buffer} [options.tls] true: TLS with the system's roots; a Buffer: TLS trusting that PEM;
   *   default: plaintext for localhost targets, TLS otherwise
   */
  constructor({ target, apiKey, deadlineMs = 5000, maxAttempts = 3, tls } = {}) {
    if (!target) throw new TypeError('target (host:port) is required');
    if (!apiKey) throw new TypeError('apiKey is required');
    if (!(deadlineMs > 0)) throw new TypeError('deadlineMs must be > 0');
    if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 10)) {
      throw new TypeError('maxAttempts must be an integer from 1 to 10');
    }
    const useTls = tls === undefined ? !isLocal(target) : Boolean(tls);
    const credentials = useTls
      ? grpc.credentials.createSsl(Buffer.isBuffer(tls) ? tls : null)
      : grpc.credentials.createInsecure();
    this.deadlineMs = deadlineMs;
    this.maxAttempts = maxAttempts;
    this.apiKey = apiKey;
    this.stubs = [];
    let channel = null;
    for (const service of SERVICES) {
      const Stub = obolPackage[service];
      const stub = channel
        ? new Stub(target, credentials, { channelOverride: channel })
        : new Stub(target, credentials);
      channel = channel || stub.getChannel();
      this.stubs.push(stub);
      for (const [rpc, method] of Object.entries(Stub.service)) {
        if (method.requestStream || method.responseStream) continue;
        const name = camel(rpc);
        if (this[name]) throw new Error(`two RPCs would be obol.${name}: ${service}.${rpc}`);
        this[name] = (request = {}) => this.call(stub, rpc, `${service}/${rpc}`, request);
      }
    }
  }

  /** One call: the deadline over all attempts; UNAVAILABLE retried with the very same request. */
  async call(stub, rpc, fullName, request) {
    const deadline = Date.now() + this.deadlineMs;
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${this.apiKey}`);
    let backoffMs = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await new Promise((resolve, reject) => {
          stub[rpc](request, metadata, { deadline: new Date(deadline) }, (err, response) =>
            (err ? reject(err) : resolve(response)));
        });
      } catch (err) {
        const retry = err.code === grpc.status.UNAVAILABLE && attempt < this.maxAttempts;
        const pauseMs = Math.min(2000, backoffMs) * (0.5 + crypto.randomInt(1000) / 1000);
        if (!retry || Date.now() + pauseMs >= deadline) throw ObolError.from(err, fullName);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        backoffMs *= 2;
      }
    }
  }

  close() {
    for (const stub of this.stubs) stub.close();
  }
}

module.exports = { Obol, ObolError, status: grpc.status };
