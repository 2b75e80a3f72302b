#!/usr/bin/env bash
# Obol's Connect face called by the official Connect client, as Maven's integration-test phase runs it
# (clients/connect-node-test/pom.xml): npm ci without the generator, then node --test against the real obol.jar
# (OBOL_JAR). Without node/npm the tests are skipped with one line, unless OBOL_CLIENTS_REQUIRED=1 (CI) makes that a
# failure. The stubs in gen/ are committed; when the contract changed since they were generated, this fails.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "clients/connect-node-test: node and npm are not installed; the Connect client's tests are skipped"
  [ "${OBOL_CLIENTS_REQUIRED:-0}" = 1 ] && { echo "OBOL_CLIENTS_REQUIRED=1: failing"; exit 1; }
  exit 0
fi
if [ "$(node proto-hash.js)" != "$(cat gen/PROTO_SHA256)" ]; then
  echo "clients/connect-node-test/gen is older than proto/src/main/proto: run 'npm install && npm run generate' in clients/connect-node-test and commit gen/"
  exit 1
fi
npm ci --omit=dev --no-audit --no-fund --silent
node --test test/
