#!/usr/bin/env bash
# Regenerates ferv1/*.pb.go from proto/fer/v1/fer.proto (run via `go generate ./...`).
# protoc is not on the Go module proxy, so this uses the protoc shipped inside the PyPI package
# grpcio-tools, plus the protoc-gen-go / protoc-gen-go-grpc plugins from the Go proxy:
#   pip install grpcio-tools googleapis-common-protos
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
#   go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
set -euo pipefail
MOD="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROTO_ROOT="${FER_PROTO_ROOT:-$MOD/../../proto}"
PY="${PYTHON:-python3}"
GOOGLE_PROTOS="$("$PY" -c 'import google.rpc, os; print(os.path.dirname(os.path.dirname(list(google.rpc.__path__)[0])))')"
export PATH="$(go env GOPATH)/bin:$PATH"
"$PY" -m grpc_tools.protoc -I "$PROTO_ROOT" -I "$GOOGLE_PROTOS" \
  --go_out="$MOD" --go_opt=module=github.com/fer-server/fer/clients/go \
  --go-grpc_out="$MOD" --go-grpc_opt=module=github.com/fer-server/fer/clients/go \
  "$PROTO_ROOT/fer/v1/fer.proto"
sha256sum "$PROTO_ROOT/fer/v1/fer.proto" | cut -d' ' -f1 > "$MOD/ferv1/fer.proto.sha256"
echo "generated $MOD/ferv1"
