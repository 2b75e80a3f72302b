#!/usr/bin/env bash
# The Node client's tests, as Maven's integration-test phase runs them (clients/node/pom.xml): npm ci, then node --test
# against the real obol.jar (OBOL_JAR). Without node/npm the tests are skipped with one line, unless
# OBOL_CLIENTS_REQUIRED=1 (CI) makes that a failure.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "clients/node: node and npm are not installed; the Node client's tests are skipped"
  [ "${OBOL_CLIENTS_REQUIRED:-0}" = 1 ] && { echo "OBOL_CLIENTS_REQUIRED=1: failing"; exit 1; }
  exit 0
fi
if ! diff -r ../../proto/src/main/proto/obol proto/obol >/dev/null; then
  echo "clients/node/proto differs from proto/src/main/proto: run 'npm run sync-proto' in clients/node and commit it"
  exit 1
fi
npm ci --no-audit --no-fund --silent
node --test test/
