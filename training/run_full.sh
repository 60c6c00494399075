#!/bin/sh
# Stage B in one go: train the shipped models, run the CK+ fold ablation, then re-export so the
# cards pick up the CK+ fold metrics. Re-running resumes: every finished step is a checkpoint in
# training/checkpoints/$MODE/. Shipped models: MODE=xlong (default; 26 FER2013 epochs, 20 CK+ epochs,
# also per CK+ fold). Earlier runs: MODE=full (4 FER2013 epochs, FOLD_EPOCHS=8) -> training/results/full/,
# MODE=long (8 FER2013 epochs) -> training/results/long/. long and xlong re-use the generators of the
# run before: cp training/checkpoints/long/gen_*.pt training/checkpoints/xlong/
# (without them a mode trains its own, same settings).
set -e
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
MODE=${MODE:-xlong}
FOLD_EPOCHS=${FOLD_EPOCHS:-20}
$PY -m training.pipeline --mode $MODE "$@"
$PY -m training.ablation --mode $MODE --jobs 2 --gen-steps 0 --epochs $FOLD_EPOCHS
$PY -m training.pipeline --mode $MODE --export-only
