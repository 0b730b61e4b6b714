#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Trains (or resumes training of) the shipped SEM and TEM models with
# sheath-cli train, on the datasets in ../shared (or $SHEATH_SHARED_DIR).
# Checkpoints and the best model so far go to $SHEATH_TRAINING_DIR (default
# ~/.cache/sheath-training), outside the work tree so that they outlive a
# fresh checkout and are never committed; a finished model is copied to
# models/ once its card is written from 'sheath-cli evaluate'.
#
#   nohup sh tools/train-shipped-models.sh sem > sem.log 2>&1 &     (it resumes by itself)
set -eu

cd "$(dirname "$0")/.."
shared=${SHEATH_SHARED_DIR:-../shared}
which=${1:?usage: train-shipped-models.sh sem|tem}
dir=${SHEATH_TRAINING_DIR:-$HOME/.cache/sheath-training}
mkdir -p "$dir"
cli=build/src/sheath-cli/sheath-cli

case $which in
sem)
  out=$dir/sem.safetensors
  set -- --data "$shared/datasets/sem-rat-spinal-cord" --output "$out" --modality SEM --pixel-size 0.1 \
         --validation-subjects sub-rat2,sub-rat8 --epochs 60 --batch-size 8 --patch-size 256 \
         --description "Sheath SEM model: rat spinal cord white matter, 0.1 um pixels"
  ;;
tem)
  out=$dir/tem.safetensors
  set -- --data "$shared/datasets/tem-mouse-corpus-callosum" --output "$out" --modality TEM --pixel-size 0.00493 \
         --validation-subjects sub-370,sub-373C --epochs 80 --batch-size 8 --patch-size 256 \
         --description "Sheath TEM model: mouse corpus callosum, 0.00493 um pixels"
  ;;
*)
  echo "usage: train-shipped-models.sh sem|tem" >&2
  exit 2
  ;;
esac

if [ -f "$out.checkpoint" ]; then
  exec "$cli" train --resume "$out.checkpoint" --output "$out"
fi
exec "$cli" train "$@"
