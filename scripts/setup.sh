#!/usr/bin/env bash
# Installs what the server, its tests and the training smoke need on a fresh Debian machine,
# then the registry-packaged face detector and sample photos. Idempotent: installs only what is
# missing. Needs root (or sudo) for apt-get.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

pkgs=()
command -v javac >/dev/null 2>&1 || pkgs+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
/usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1 || pkgs+=(python3-torch python3-onnx)
/usr/bin/python3 -c 'import PIL, numpy' >/dev/null 2>&1 || pkgs+=(python3-pil python3-numpy)
/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || pkgs+=(python3-pytest)
/usr/bin/python3 -m pip --version >/dev/null 2>&1 || pkgs+=(python3-pip)
if [ ${#pkgs[@]} -gt 0 ]; then
  echo "setup: apt-get install ${pkgs[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
# onnxruntime for the training export checks; numpy stays 1.x for Debian's torch.
if ! /usr/bin/python3 -c 'import onnxruntime' >/dev/null 2>&1; then
  echo "setup: pip install onnxruntime"
  /usr/bin/python3 -m pip install -q --break-system-packages --disable-pip-version-check "onnxruntime" "numpy<2"
fi
bash scripts/fetch-detector.sh
bash scripts/fetch-samples.sh
