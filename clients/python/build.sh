#!/bin/sh
# The Python client's build, run by pom.xml (and usable by hand from any directory):
#
#   sh clients/python/build.sh generate   # protoc + grpc_python_plugin -> clients/python/target/python/
#   sh clients/python/build.sh test       # the unittest suite against a real obol.jar ($OBOL_JAR)
#
# It needs Debian's protobuf-compiler, protobuf-compiler-grpc, python3-grpcio and python3-protobuf. When one is
# missing it skips with a message, unless OBOL_CLIENTS_REQUIRED=1 (CI), where it fails.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT="$HERE/target/python"
PYTHON="${OBOL_PYTHON:-/usr/bin/python3}"
PROTOC="${OBOL_PROTOC:-protoc}"
PLUGIN="${OBOL_GRPC_PYTHON_PLUGIN:-grpc_python_plugin}"
APT_LINE="apt-get install -y protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf"

missing=""
command -v "$PROTOC" >/dev/null 2>&1 || missing="$missing protoc(protobuf-compiler)"
PLUGIN_PATH=$(command -v "$PLUGIN" 2>/dev/null || true)
[ -n "$PLUGIN_PATH" ] || missing="$missing grpc_python_plugin(protobuf-compiler-grpc)"
if [ -x "$PYTHON" ] || command -v "$PYTHON" >/dev/null 2>&1; then
  "$PYTHON" -c 'import grpc' >/dev/null 2>&1 || missing="$missing python-module-grpc(python3-grpcio)"
  "$PYTHON" -c 'import google.protobuf' >/dev/null 2>&1 || missing="$missing python-module-google.protobuf(python3-protobuf)"
else
  missing="$missing $PYTHON(python3)"
fi

if [ -n "$missing" ]; then
  if [ "${OBOL_CLIENTS_REQUIRED:-}" = "1" ]; then
    echo "clients/python: FAILED: missing$missing, and OBOL_CLIENTS_REQUIRED=1. Install them: $APT_LINE" >&2
    exit 1
  fi
  echo "clients/python: SKIPPED ($1): missing$missing. Install them with: $APT_LINE (OBOL_CLIENTS_REQUIRED=1 makes this a failure)" >&2
  exit 0
fi

case "${1:-}" in
  generate)
    rm -rf "$OUT"
    mkdir -p "$OUT"
    # Obol's contract, and the vendored google.rpc Status / ErrorInfo; the well-known types (timestamp, any, duration)
    # come from protoc's own include directory (Debian: /usr/include).
    set -- -I"$ROOT/proto/src/main/proto" -I"$HERE/proto"
    [ -d /usr/include/google/protobuf ] && set -- "$@" -I/usr/include
    "$PROTOC" "$@" \
      --python_out="$OUT" --pyi_out="$OUT" \
      --grpc_python_out="$OUT" --plugin=protoc-gen-grpc_python="$PLUGIN_PATH" \
      "$ROOT"/proto/src/main/proto/obol/v1/*.proto
    "$PROTOC" "$@" --python_out="$OUT" --pyi_out="$OUT" \
      "$HERE/proto/google/rpc/status.proto" "$HERE/proto/google/rpc/error_details.proto"
    cp -R "$HERE/src/obol_client" "$OUT/"
    # The generated obol/ and google/rpc/ are namespace packages (no __init__.py), so they merge with the system's
    # google.protobuf. Import everything once, so a broken generation fails the build here, not in the tests.
    PYTHONPATH="$OUT" "$PYTHON" -c 'import obol_client, obol_client.proto; print("clients/python: generated into '"$OUT"'")'
    ;;
  test)
    if [ ! -f "$OUT/obol_client/__init__.py" ]; then
      echo "clients/python: $OUT is empty: run 'sh $0 generate' (or mvn -pl clients/python -am verify) first" >&2
      exit 1
    fi
    OBOL_JAR="${OBOL_JAR:-$ROOT/app/target/obol.jar}"
    export OBOL_JAR
    cd "$HERE"
    PYTHONPATH="$OUT${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" -m unittest discover -s tests -t . -v
    ;;
  *)
    echo "usage: $0 generate|test" >&2
    exit 2
    ;;
esac
