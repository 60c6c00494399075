#!/usr/bin/env bash
# Regenerates the committed stubs in src/fer_client/v1 from proto/fer/v1/fer.proto.
# Needs: pip install grpcio-tools googleapis-common-protos (protoc ships inside grpcio-tools).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROTO_ROOT="${FER_PROTO_ROOT:-$HERE/../../proto}"
PY="${PYTHON:-python3}"
OUT="$HERE/src/fer_client/v1"
GOOGLE_PROTOS="$("$PY" -c 'import google.rpc, os; print(os.path.dirname(os.path.dirname(list(google.rpc.__path__)[0])))')"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$PY" -m grpc_tools.protoc -I "$PROTO_ROOT" -I "$GOOGLE_PROTOS" \
  --python_out="$TMP" --pyi_out="$TMP" --grpc_python_out="$TMP" "$PROTO_ROOT/fer/v1/fer.proto"
# protoc writes absolute imports (`from fer.v1 import fer_pb2`); make them package-relative so the
# stubs live inside fer_client and do not claim a top-level `fer` package.
sed -i 's/^from fer\.v1 import fer_pb2 as/from . import fer_pb2 as/' "$TMP/fer/v1/fer_pb2_grpc.py"
cp "$TMP/fer/v1/fer_pb2.py" "$TMP/fer/v1/fer_pb2.pyi" "$TMP/fer/v1/fer_pb2_grpc.py" "$OUT/"
sha256sum "$PROTO_ROOT/fer/v1/fer.proto" | cut -d' ' -f1 > "$OUT/fer.proto.sha256"
echo "generated stubs in $OUT"
