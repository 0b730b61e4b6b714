#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Trains (or resumes training of) the shipped SEM and TEM models with
# sheath-cli train, on the datasets in ../shared (or $SHEATH_SHARED_DIR).
# Checkpoints and the best model so far go to $SHEATH_TRAINING_DIR (default
# ~/.cache/sheath-training), outside the work tree so that they outlive a
# fresh checkout and are never committed. When training ends, the best
# model is scored with 'sheath-cli evaluate' on the held-out subjects and
# goes to models/ with its card (sheath-cli card, libsheath's one card writer).
#
#   nohup nice sh tools/train-shipped-models.sh sem >> ~/.cache/sheath-training/sem.log 2>&1 &
#   (it resumes by itself from the checkpoint; "all" trains SEM, then TEM)
set -eu

cd "$(dirname "$0")/.."
shared=${SHEATH_SHARED_DIR:-../shared}
which=${1:?usage: train-shipped-models.sh sem|tem|tem-uaxon|all}

# both, one after the other (each resumes where it stopped; a finished one
# whose model is in models/ is not trained again)
if [ "$which" = all ]; then
  for m in sem tem tem-uaxon; do
    [ -f "models/$m.safetensors" ] || sh tools/train-shipped-models.sh "$m"
  done
  exit 0
fi
dir=${SHEATH_TRAINING_DIR:-$HOME/.cache/sheath-training}
mkdir -p "$dir"
cli=build/src/sheath-cli/sheath-cli

# A run of sheath-cli train into $1 (the rest: its options), or the rest of
# it from its checkpoint (a finished run's checkpoint ends it at once).
train_into () {
  into=$1
  shift
  if [ -f "$into.checkpoint" ]; then
    "$cli" train --resume "$into.checkpoint" --output "$into"
  else
    "$cli" train --data "$data" --output "$into" --validation-subjects "$validation" "$@"
  fi
}

case $which in
sem)
  data=$shared/datasets/sem-rat-spinal-cord
  validation=sub-rat2,sub-rat8
  set -- --modality SEM --pixel-size 0.1 --epochs 60 --batch-size 8 --patch-size 256 \
         --description "Sheath SEM model: rat spinal cord white matter, 0.1 um pixels"
  ;;
tem)
  data=$shared/datasets/tem-mouse-corpus-callosum
  validation=sub-370,sub-373C
  # twice the images' 0.00493 um: the U-Net's receptive field (~210 px) must
  # reach the sheath from the middle of a 2 um axon, which it does not at
  # the native pixel size (a trial run there called unmyelinated tissue axon)
  set -- --modality TEM --pixel-size 0.00986 --epochs 80 --batch-size 8 --patch-size 256 \
         --description "Sheath TEM model: mouse corpus callosum, 0.00986 um pixels"
  ;;
tem-uaxon)
  # the TEM model taught a fourth class, unmyelinated axons (the dataset's
  # _seg-uaxon-manual.png): fine-tuned from the shipped TEM model, whose
  # myelinated fibres it keeps, with a new output for the new class; the
  # axons drawn touching kept apart in the targets (--uaxon-gap), which
  # pays with 40 epochs (about an hour on two cores), not with 8. In three
  # runs: 40 epochs at 0.0005, then 40 more from there at 0.0002, then 40
  # more at 0.0001 (each with another seed), each kept for its held-out Dice
  data=$shared/datasets/tem-mouse-corpus-callosum
  validation=sub-370,sub-373C
  description="Sheath TEM model with unmyelinated axons: mouse corpus callosum, 0.00986 um pixels"
  first=$dir/tem-uaxon-first.safetensors
  second=$dir/tem-uaxon-second.safetensors
  train_into "$first" --init models/tem.safetensors --classes background,myelin,axon,uaxon \
         --modality TEM --pixel-size 0.00986 --epochs 40 --batch-size 8 --patch-size 256 \
         --learning-rate 0.0005 --uaxon-gap 0.01 --description "$description"
  train_into "$second" --init "$first" --classes background,myelin,axon,uaxon \
         --modality TEM --pixel-size 0.00986 --epochs 40 --batch-size 8 --patch-size 256 \
         --learning-rate 0.0002 --seed 2 --uaxon-gap 0.01 --description "$description"
  set -- --init "$second" --classes background,myelin,axon,uaxon \
         --modality TEM --pixel-size 0.00986 --epochs 40 --batch-size 8 --patch-size 256 \
         --learning-rate 0.0001 --seed 3 --uaxon-gap 0.01 --description "$description"
  ;;
*)
  echo "usage: train-shipped-models.sh sem|tem|tem-uaxon|all" >&2
  exit 2
  ;;
esac
out=$dir/$which.safetensors

train_into "$out" "$@"

# finished. The SEM model's class boundaries are calibrated on its training
# rats (sheath-cli calibrate; the TEM model's are not: calibrated on its
# training mice it did worse on the held-out ones, see models/tem.md)
if [ "$which" = sem ]; then
  "$cli" calibrate --model "$out" --data "$data" --output "$out" --report "$dir/$which-calibration.md"
fi

# the TEM models ask for test-time flips: chosen on their training mice,
# where they raised Dice and the morphometry (their cards)
case $which in
tem|tem-uaxon) /usr/bin/python3 tools/set-model-metadata.py "$out" test_time_flips=true ;;
esac

# the unmyelinated model's split of touching axons, chosen on its training
# mice, on its masks as shipped, with the flips (tools/choose-uaxon-split.py
# writes it into the model)
if [ "$which" = tem-uaxon ]; then
  /usr/bin/python3 tools/choose-uaxon-split.py "$out" "$data" \
    sub-366A,sub-367A,sub-368A,sub-369B,sub-371,sub-372 --write | tee "$dir/$which-split.txt"
fi

# score the model on the held-out subjects, write its card, and put both
# in models/ (the checkpoint stays out of the tree)
"$cli" evaluate --model "$out" --data "$data" --subjects "$validation" --json "$dir/$which-evaluation.json" |
  tee "$dir/$which-evaluation.txt"
# the unmyelinated axons' detection F1 there goes into the model too, for
# tests/test-shipped-models.py to hold it to
if [ "$which" = tem-uaxon ]; then
  f1=$(/usr/bin/python3 -c 'import json, sys; print("%.4f" % json.load(open(sys.argv[1]))["overall"]["uaxon_detection_f1"])' \
       "$dir/$which-evaluation.json")
  /usr/bin/python3 tools/set-model-metadata.py "$out" validation_uaxon_detection_f1="$f1"
fi
"$cli" card "$out" --name "$which" --evaluation "$dir/$which-evaluation.json" \
  --data "\`$(basename "$data")\` (BIDS; images resampled to the model's pixel size)" \
  --command "sh tools/train-shipped-models.sh $which
# which runs: sheath-cli train --data $data --output $which.safetensors --validation-subjects $validation $*" \
  --output "models/$which.md"
cp "$out" "models/$which.safetensors.tmp"
mv "models/$which.safetensors.tmp" "models/$which.safetensors"
echo "models/$which.safetensors and models/$which.md written"
