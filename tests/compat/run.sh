#!/usr/bin/env bash
# Open Inference Protocol v2 compatibility run with the official tools, against a running server:
#   FER_TARGET=127.0.0.1:50161 tests/compat/run.sh
# Installs what it needs under tests/compat (git-ignored): a Python venv in .venv (tritonclient,
# grpcio, pytest), grpcurl in .bin (go install), perf_analyzer in .bin/perf_analyzer. Then:
#   1. grpcurl lists and calls the services through server reflection;
#   2. pytest: tritonclient's ServerReady / ModelMetadata / ModelInfer / streaming on real faces,
#      compared with fer.v1's RecognizeImage;
#   3. perf_analyzer measures the `fer` model (face tensors, then images) and prints its figures.
# Exits non-zero when any step fails. PERF_ANALYZER=skip leaves step 3 out.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
TARGET="${FER_TARGET:-127.0.0.1:50161}"
export FER_TARGET="$TARGET"
export FER_DATA="${FER_DATA:-$REPO/../shared/data}"
VENV="$HERE/.venv"
BIN="$HERE/.bin"
PY="$VENV/bin/python"
failures=()

step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; failures+=("$*"); }
die() { echo "run.sh: $*" >&2; exit 2; }

install_python() {
  if [[ ! -x "$PY" ]]; then
    python3 -m venv "$VENV" || die "cannot create $VENV"
  fi
  "$PY" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt" || die "pip install failed"
}

install_grpcurl() {
  [[ -x "$BIN/grpcurl" ]] && return
  command -v go >/dev/null || die "go is needed to install grpcurl"
  mkdir -p "$BIN"
  GOBIN="$BIN" go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@${GRPCURL_VERSION:-latest}" \
    || die "go install grpcurl failed"
}

# perf_analyzer comes from PyPI's perf-analyzer wheel (a native binary). Its wheels are tagged
# manylinux_2_38: the binary needs glibc >= 2.38 and libstdc++ >= GCC 13, so pip refuses them on
# Debian 12 (glibc 2.36). We fetch the wheel for that platform tag anyway, and when the binary
# cannot start with the system libraries, run it under the C and C++ runtime of Debian 13
# (libc6, libstdc++6, libgcc-s1 fetched with apt-get download into .bin/sysroot, nothing
# installed system-wide) through that glibc's own dynamic loader.
install_perf_analyzer() {
  local dir="$BIN/perf_analyzer-pkg" wrapper="$BIN/perf_analyzer"
  [[ -x "$wrapper" ]] && "$wrapper" --version >/dev/null 2>&1 && return
  mkdir -p "$BIN"
  if [[ ! -x "$dir/perf_analyzer/bin/perf_analyzer" ]]; then
    rm -rf "$BIN/wheels" "$dir"
    "$PY" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform manylinux_2_38_x86_64 -d "$BIN/wheels" "perf-analyzer>=2.58" \
      || { echo "pip cannot fetch the perf-analyzer wheel"; return 1; }
    "$PY" -m zipfile -e "$BIN"/wheels/perf_analyzer-*.whl "$dir" || return 1
    chmod +x "$dir/perf_analyzer/bin/perf_analyzer"
  fi
  local exe="$dir/perf_analyzer/bin/perf_analyzer"
  if "$exe" --version >/dev/null 2>&1; then
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$exe" > "$wrapper"
  else
    echo "perf_analyzer does not start with this system's libraries:"
    "$exe" --version 2>&1 | sed 's/^/  /' | head -3
    echo "running it under Debian 13's glibc/libstdc++ instead (.bin/sysroot)"
    fetch_newer_runtime || return 1
    local lib="$BIN/sysroot/usr/lib/x86_64-linux-gnu"
    printf '#!/bin/sh\nexec "%s" --library-path "%s:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" "%s" "$@"\n' \
      "$lib/ld-linux-x86-64.so.2" "$lib" "$exe" > "$wrapper"
  fi
  chmod +x "$wrapper"
  "$wrapper" --version
}

fetch_newer_runtime() {
  [[ -x "$BIN/sysroot/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ]] && return
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "needs apt-get and dpkg-deb"; return 1; }
  local apt="$BIN/apt"
  rm -rf "$apt" && mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
  # The Debian mirror this machine's apt already uses, with the next release's suite.
  local mirror
  mirror=$(grep -hoE '^URIs: *[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | sed 's/^URIs: *//')
  [[ -n "$mirror" ]] || mirror=$(grep -hoE '^deb +[^ ]+/debian ' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}')
  [[ -n "$mirror" ]] || { echo "no Debian mirror in this machine's apt sources"; return 1; }
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$apt/sources.list"
  # Private lists and cache: the system's apt configuration and state are left as they are.
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1
    -o APT::Sandbox::User=root -o Acquire::Languages=none
    -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
    -o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false)
  apt-get -q "${opts[@]}" update >/dev/null || { echo "apt-get update (trixie) failed"; return 1; }
  (cd "$apt/debs" && apt-get -q "${opts[@]}" download libc6 libstdc++6 libgcc-s1 >/dev/null) \
    || { echo "apt-get download failed"; return 1; }
  for deb in "$apt"/debs/*.deb; do dpkg-deb -x "$deb" "$BIN/sysroot"; done
}

wait_for_server() {
  for _ in $(seq 1 120); do
    "$BIN/grpcurl" -plaintext -max-time 2 "$TARGET" inference.GRPCInferenceService/ServerReady 2>/dev/null \
      | grep -q '"ready": true' && return 0
    sleep 1
  done
  die "no ready server at $TARGET (start one: see docs/oip.md)"
}

step "install (venv, grpcurl, perf_analyzer)"
install_python
install_grpcurl
PERF_OK=1
if [[ "${PERF_ANALYZER:-}" != "skip" ]]; then
  install_perf_analyzer || { PERF_OK=0; fail "perf_analyzer could not be installed or started"; }
fi
wait_for_server

step "grpcurl: services through reflection"
G=("$BIN/grpcurl" -plaintext -max-time 30)
services="$("${G[@]}" "$TARGET" list)" || fail "grpcurl list"
echo "$services"
for s in inference.GRPCInferenceService fer.v1.Recognition; do
  grep -qx "$s" <<<"$services" || fail "reflection does not list $s"
done
"${G[@]}" "$TARGET" describe inference.GRPCInferenceService | head -20 || fail "grpcurl describe"
out="$("${G[@]}" "$TARGET" inference.GRPCInferenceService/ServerReady)" && echo "$out"
grep -q '"ready": true' <<<"$out" || fail "grpcurl ServerReady"
out="$("${G[@]}" -d '{"name": "fer"}' "$TARGET" inference.GRPCInferenceService/ModelMetadata)" && echo "$out" | head -30
grep -q '"name": "face"' <<<"$out" || fail "grpcurl ModelMetadata"
FACE="$(ls "$FER_DATA"/fer2013/validation/happy/* 2>/dev/null | head -1)"
if [[ -n "$FACE" ]]; then
  # One encoded face crop as a BYTES tensor: 4-byte little-endian length, then the bytes.
  body="$("$PY" - "$FACE" <<'PY'
import base64, json, struct, sys
data = open(sys.argv[1], "rb").read()
raw = base64.b64encode(struct.pack("<I", len(data)) + data).decode()
print(json.dumps({"model_name": "fer", "id": "grpcurl",
                  "inputs": [{"name": "image", "datatype": "BYTES", "shape": [1, 1]}],
                  "outputs": [{"name": "scores", "parameters": {"classification": {"int64_param": 1}}}],
                  "raw_input_contents": [raw]}))
PY
)"
  out="$("${G[@]}" -d "$body" "$TARGET" inference.GRPCInferenceService/ModelInfer)" || fail "grpcurl ModelInfer"
  echo "$out" | head -40
  label="$("$PY" -c 'import base64,json,sys; r=json.load(sys.stdin); print(base64.b64decode((r.get("rawOutputContents") or r["raw_output_contents"])[0])[4:].decode())' <<<"$out")" \
    || fail "grpcurl ModelInfer gave no classification"
  echo "top class of $(basename "$FACE") through grpcurl: $label"
  out="$("${G[@]}" -d '{}' "$TARGET" fer.v1.Recognition/ListPipelines)" || fail "grpcurl fer.v1 ListPipelines"
fi

step "pytest: tritonclient vs fer.v1"
(cd "$HERE" && "$PY" -m pytest -v -s -p no:cacheprovider) || fail "pytest"

if [[ "${PERF_ANALYZER:-}" != "skip" && "$PERF_OK" == 1 ]]; then
  step "perf_analyzer: model fer"
  work="$(mktemp -d)"
  # Real faces as input data: normalised tensors for `face`, encoded crops for `image`
  # (perf_analyzer's random data cannot make a decodable image). The version is the active
  # variant's, so the server-side statistics perf_analyzer reads are that version's.
  version="$(COMPAT_DIR="$HERE" "$PY" - "$work" <<'PY'
import base64, json, os, sys
from pathlib import Path
import numpy as np
import tritonclient.grpc as grpcclient
from PIL import Image
sys.path.insert(0, os.environ.get("COMPAT_DIR", "."))
work = Path(sys.argv[1])
client = grpcclient.InferenceServerClient(os.environ["FER_TARGET"])
meta = client.get_model_metadata("fer", as_json=True)
config = client.get_model_config("fer", as_json=True)["config"]
h, w = [int(d) for d in meta["inputs"][0]["shape"][2:]]
faces = sorted(Path(os.environ["FER_DATA"], "fer2013", "validation").glob("*/*"))[::400][:8]
# The encoder card's normalisation, read from fer.v1's GetPipeline through the compat stubs.
from conftest import fer_v1_stubs
import grpc
fer_pb2, fer_pb2_grpc = fer_v1_stubs()
pipeline = fer_pb2_grpc.RecognitionStub(grpc.insecure_channel(os.environ["FER_TARGET"])).GetPipeline(
    fer_pb2.GetPipelineRequest(name=""), timeout=30)
card = json.loads(next(m.card_json for m in pipeline.models if m.stage == "encoder"))
mean, std = card["normalization"]["mean"], card["normalization"]["std"]
tensors, images = [], []
for f in faces:
    x = (np.asarray(Image.open(f).convert("L").resize((w, h)), np.float32) / 255 - mean) / std
    tensors.append({"face": {"content": x.ravel().tolist(), "shape": [1, h, w]}})
    # perf_analyzer sends "b64" data as the raw tensor bytes: the BYTES length prefix is ours to add.
    data = f.read_bytes()
    images.append({"image": {"b64": base64.b64encode(len(data).to_bytes(4, "little") + data).decode(),
                             "shape": [1]}})
(work / "faces.json").write_text(json.dumps({"data": tensors}))
(work / "images.json").write_text(json.dumps({"data": images}))
print(next(k.split(".", 1)[1] for k, v in config["parameters"].items()
           if k.startswith("version.") and v["string_value"] == pipeline.active_variant))
PY
)" || fail "perf_analyzer input data"
  PA=("$BIN/perf_analyzer" -m fer -x "$version" -i grpc -u "$TARGET" --measurement-interval 2000
      --stability-percentage 50 --max-trials 6)
  echo "--- face tensors (FP32 [1,1,H,W] per request), version $version"
  "${PA[@]}" --input-data "$work/faces.json" --concurrency-range 1:2 -f "$work/faces.csv" \
    && cat "$work/faces.csv" || fail "perf_analyzer (face tensors)"
  echo "--- encoded face crops (BYTES [1,1] per request), version $version"
  "${PA[@]}" --input-data "$work/images.json" --concurrency-range 2 -f "$work/images.csv" \
    && cat "$work/images.csv" || fail "perf_analyzer (images)"
  rm -rf "$work"
fi

step "summary"
if ((${#failures[@]})); then
  printf '  %s\n' "${failures[@]}"
  echo "compat: ${#failures[@]} step(s) failed"
  exit 1
fi
echo "compat: all steps passed"
