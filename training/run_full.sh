#!/bin/sh
# Stage B in one go: train the shipped models, run the CK+ fold ablation, then re-export so the
# cards pick up the CK+ fold metrics. Re-running resumes: every finished step is a checkpoint in
# training/checkpoints/$MODE/. Shipped models: MODE=long (default; 8 FER2013 epochs, 20 CK+ epochs,
# also per CK+ fold). MODE=full (4 FER2013 epochs) was run with FOLD_EPOCHS=8 -> training/results/full/.
# The long mode re-uses full's generators: cp training/checkpoints/full/gen_*.pt training/checkpoints/long/
# (without them it trains its own, same settings).
set -e
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
MODE=${MODE:-long}
FOLD_EPOCHS=${FOLD_EPOCHS:-20}
$PY -m training.pipeline --mode $MODE "$@"
$PY -m training.ablation --mode $MODE --jobs 2 --gen-steps 0 --epochs $FOLD_EPOCHS
$PY -m training.pipeline --mode $MODE --export-only
