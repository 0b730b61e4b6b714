#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes screenshots with the app itself under Xvfb, into build/screenshots:
# the empty window, an SEM image, a segmentation running, and the image with
# its manual masks and measurements. (Not committed: they show dataset
# images; the help will use the demo image once a trained model ships.)
#
#   sh tools/make-screenshots.sh [MODEL]     (after ninja -C build)
set -eu
cd "$(dirname "$0")/.."
shared=${SHEATH_SHARED_DIR:-../shared}
model=${1:-tests/golden/unet-golden.safetensors}
sem=$shared/datasets/sem-rat-spinal-cord
out=build/screenshots
mkdir -p "$out"
GSETTINGS_SCHEMA_DIR=build/data GSETTINGS_BACKEND=memory \
  xvfb-run -a -s "-screen 0 1400x1000x24" build/tests/gui/sheath-screenshots "$out" \
  "$sem/sub-rat4/micr/sub-rat4_sample-data12_SEM.png" "$model" \
  "$sem/derivatives/labels/sub-rat4/micr/sub-rat4_sample-data12_SEM_seg-axon-manual.png"
rm -f "$out/overlay.png"   # made with an untrained model: not worth showing
