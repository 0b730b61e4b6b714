#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes the screenshots of the help and the README with the app itself,
# rendered by GTK under Xvfb: the empty window, the demo image, a
# segmentation running, and the demo image with its manual masks (cropped
# from the shared SEM dataset's labels, as the demo image was) and their
# measurements, the mask editor, and each page of the training wizard (a
# half-minute training of a small network on two labelled SEM images).  They go to build/screenshots; --install copies the ones the
# help and README use into help/C/figures/.
#
#   sh tools/make-screenshots.sh [--install]     (after ninja -C build; needs python3-pil)
set -eu
cd "$(dirname "$0")/.."
shared=${SHEATH_SHARED_DIR:-../shared}
labels=$shared/datasets/sem-rat-spinal-cord/derivatives/labels/sub-rat5/micr
out=build/screenshots
mkdir -p "$out/masks"

# the demo is pixels 300–1500 × 300–1300 of sub-rat5_sample-data14 (data/demo/README.md)
/usr/bin/python3 - "$labels" "$out/masks" <<'PY'
import sys
from PIL import Image
labels, masks = sys.argv[1:3]
for kind in ("axon", "myelin"):
    m = Image.open("%s/sub-rat5_sample-data14_SEM_seg-%s-manual.png" % (labels, kind))
    m.crop((300, 300, 1500, 1300)).save("%s/sem-spinal-cord-demo_seg-%s.png" % (masks, kind))
PY

# segmenting and the overlay use the shipped SEM model; the wizard's
# training goes to a scratch state folder, not the user's
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
# the study window on the TEM dataset with the shipped TEM model
SHEATH_SCREENSHOT_STUDY=$shared/datasets/tem-mouse-corpus-callosum SHEATH_SCREENSHOT_STUDY_MODEL=models/tem.safetensors \
XDG_STATE_HOME=$state XDG_DATA_HOME=$state GSETTINGS_SCHEMA_DIR=build/data GSETTINGS_BACKEND=memory \
  xvfb-run -a -s "-screen 0 1400x1000x24" build/tests/gui/sheath-screenshots "$out" \
  data/demo/sem-spinal-cord-demo.png models/sem.safetensors \
  "$out/masks/sem-spinal-cord-demo_seg-axon.png" \
  "$shared/datasets/sem-rat-spinal-cord/sub-rat4/micr/sub-rat4_sample-data12_SEM.png" \
  "$shared/datasets/sem-rat-spinal-cord/sub-rat5/micr/sub-rat5_sample-data14_SEM.png"

if [ "${1:-}" = --install ]; then
  mkdir -p help/C/figures
  cp "$out/editor.png" "$out/morphometrics.png" "$out/outlines.png" "$out/overlay.png" \
     "$out/train-progress.png" "$out/study-subjects.png" "$out/review.png" help/C/figures/
  echo "copied editor.png, morphometrics.png, outlines.png, overlay.png, train-progress.png, study-subjects.png and review.png to help/C/figures/"
fi
ls -l "$out"
