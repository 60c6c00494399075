#!/bin/sh
# Stage B in one go: train the shipped models, run the CK+ fold ablation, then re-export so the
# cards pick up the CK+ fold metrics. Re-running resumes: every finished step is a checkpoint in
# training/checkpoints/$MODE/. Shipped models: MODE=x2long (default): mode xlong's generators and
# 26-epoch FER2013 encoder, trained 40 epochs more (~2.3 h in all on 2 cores), 20 CK+ epochs (also
# per CK+ fold). Earlier runs: MODE=full (4 FER2013 epochs, FOLD_EPOCHS=8) -> training/results/full/,
# MODE=long (8 FER2013 epochs) -> results/long/, MODE=xlong (26 epochs) -> results/xlong/.
# long and xlong re-use the generators of the run before when copied in:
# cp training/checkpoints/long/gen_*.pt training/checkpoints/xlong/
# (without them a mode trains its own, same settings).
set -e
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
MODE=${MODE:-x2long}
FOLD_EPOCHS=${FOLD_EPOCHS:-20}
if [ "$MODE" = x2long ]; then
  # x2long warm-starts from xlong's FER2013 encoder and uses xlong's generators.
  $PY -m training.pipeline --mode xlong --stop-after fer
  mkdir -p training/checkpoints/x2long
  for f in gen_pretrain.pt gen_all.pt; do
    [ -e training/checkpoints/x2long/$f ] || cp training/checkpoints/xlong/$f training/checkpoints/x2long/
  done
fi
$PY -m training.pipeline --mode $MODE "$@"
$PY -m training.ablation --mode $MODE --jobs 2 --gen-steps 0 --epochs $FOLD_EPOCHS
$PY -m training.pipeline --mode $MODE --export-only
