#!/bin/sh
# Stage B: full training of the shipped models, the CK+ fold ablation, then the final export
# (cards pick up the CK+ fold metrics). Progress: training/logs/full.log. Re-running resumes:
# every finished step is a checkpoint in training/checkpoints/full/.
set -e
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
$PY -m training.pipeline --mode full "$@"
$PY -m training.ablation --mode full --jobs 2 --gen-steps 0 --epochs 8
$PY -m training.pipeline --mode full --export-only
