#!/usr/bin/env bash
# Checks and times the chain on a GPU machine: CUDA and TensorRT providers, required (no silent
# CPU fallback), figures written to benchmarks/results/gpu-*.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no GPU visible (nvidia-smi missing or failing); nothing to check" >&2
  exit 2
fi
nvidia-smi -L
mvn -q -B -Pgpu -DskipTests install
for provider in cuda tensorrt; do
  echo "== $provider"
  extra=(--server-arg=--provider=$provider --server-arg=--set=provider-required=true
         --server-arg=--set=max-batch=32 --server-arg=--set=max-batch-delay-us=1000)
  [ "$provider" = tensorrt ] && extra+=(--server-arg=--set=tensorrt-fp16=true
                                       --server-arg=--set=tensorrt-engine-cache=/tmp/fer-trt-cache)
  bin/fer bench --seconds 10 --out benchmarks/results/gpu-$provider "${extra[@]}"
done
