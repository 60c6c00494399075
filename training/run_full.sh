#!/bin/sh
# Stage B in one go: train the shipped models, run the CK+ fold ablation, then re-export so the
# cards pick up the CK+ fold metrics. Re-running resumes: every finished step is a checkpoint in
# training/checkpoints/<mode>/. MODE (default x2long, the shipped models) may continue the
# FER2013 encoder of other modes (pipeline.py: fer_init): those are trained first, up to their
# FER2013 encoder, and each passes its generators on to the next (x2long: xlong's generators and
# 26-epoch encoder + 40 epochs, ~2.3 h on 2 cores; x3long: + 30 epochs with stronger augmentation,
# ~1 h more). Earlier runs: MODE=full (4 FER2013 epochs, FOLD_EPOCHS=8) -> training/results/full/,
# MODE=long (8 epochs) -> results/long/, MODE=xlong (26 epochs) -> results/xlong/.
set -e
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
MODE=${MODE:-x2long}
FOLD_EPOCHS=${FOLD_EPOCHS:-20}
prev=
for m in $($PY -m training.pipeline --mode $MODE --print-chain) $MODE; do
  if [ -n "$prev" ]; then
    mkdir -p training/checkpoints/$m
    for f in gen_pretrain.pt gen_all.pt; do
      [ -e training/checkpoints/$m/$f ] || cp training/checkpoints/$prev/$f training/checkpoints/$m/
    done
  fi
  [ "$m" = "$MODE" ] || $PY -m training.pipeline --mode $m --stop-after fer
  prev=$m
done
$PY -m training.pipeline --mode $MODE "$@"
$PY -m training.ablation --mode $MODE --jobs 2 --gen-steps 0 --epochs $FOLD_EPOCHS
$PY -m training.pipeline --mode $MODE --export-only
