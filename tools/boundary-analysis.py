#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a model's myelin Dice is lost on held-out images of a BIDS dataset.

Segments each image with `sheath-cli segment`, then prints, per image, the
pixels of each true class by predicted class, and the Dice that the masks
would score if every predicted axon were shrunk (or grown, negative) by k
pixels inside its fibre, per image: a boundary drawn consistently further
out or in than the annotator shows up as a gain at some k. The shift is an
oracle fitted to the manual masks, a bound on what moving the axon–myelin
boundary could give, not a correction to apply. Needs python3-numpy and
python3-pil (Debian).

  tools/boundary-analysis.py --model sem --data ../shared/datasets/sem-rat-spinal-cord \\
      --subjects sub-rat2,sub-rat8
"""
import argparse
import glob
import itertools
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

CLASSES = ("background", "myelin", "axon")


def labels(axon_png, myelin_png):
    axon = np.asarray(Image.open(axon_png).convert("L")) > 127
    myelin = np.asarray(Image.open(myelin_png).convert("L")) > 127
    return np.where(axon, 2, np.where(myelin, 1, 0)).astype(np.uint8)


def cross_step(mask, grow):
    """One pixel of 4-connected erosion (grow=False) or dilation."""
    out = mask.copy()
    padded = np.pad(mask, 1, mode="edge")
    for dy, dx in ((0, 1), (2, 1), (1, 0), (1, 2)):
        shifted = padded[dy:dy + mask.shape[0], dx:dx + mask.shape[1]]
        out = (out | shifted) if grow else (out & shifted)
    return out


def shrink_axons(pred, k):
    axon, fibre = pred == 2, pred > 0
    for _ in range(abs(k)):
        axon = cross_step(axon, grow=False) if k > 0 else cross_step(axon, grow=True) & fibre
    return np.where(axon, 2, np.where(fibre, 1, 0))


def dice(pairs, c):
    inter = sum(int(((p == c) & (t == c)).sum()) for p, t in pairs)
    total = sum(int((p == c).sum() + (t == c).sum()) for p, t in pairs)
    return 2 * inter / total if total else 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a model name (sem, tem) or file")
    parser.add_argument("--data", required=True, help="a BIDS dataset with manual masks")
    parser.add_argument("--subjects", required=True, help="sub-a,sub-b")
    parser.add_argument("--shifts", type=int, default=2, help="try shifts from -N to N pixels (default 2)")
    parser.add_argument("--cli", default="build/src/sheath-cli/sheath-cli")
    args = parser.parse_args()

    images = []
    for subject in args.subjects.split(","):
        found = sorted(glob.glob(os.path.join(args.data, subject, "micr", subject + "_*.png")))
        if not found:
            sys.exit("boundary-analysis: no images of %s in %s" % (subject, args.data))
        images += found

    pairs = {}
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run([args.cli, "segment", "--model", args.model, "--output-dir", out] + images,
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "boundary-analysis: segment failed")
        for image in images:
            stem = os.path.basename(image)[:-len(".png")]
            subject = stem.split("_")[0]
            truth = os.path.join(args.data, "derivatives", "labels", subject, "micr", stem)
            pairs[stem] = (labels(os.path.join(out, stem + "_seg-axon.png"), os.path.join(out, stem + "_seg-myelin.png")),
                           labels(truth + "_seg-axon-manual.png", truth + "_seg-myelin-manual.png"))

    for stem, (pred, true) in pairs.items():
        print(stem)
        print("  %-18s" % "true \\ predicted" + "".join("%12s" % c for c in CLASSES))
        for t, name in enumerate(CLASSES):
            print("  %-18s" % name + "".join("%12d" % int(((true == t) & (pred == p)).sum()) for p in range(3)))

    shifts = range(-args.shifts, args.shifts + 1)
    shrunk = {stem: {k: shrink_axons(pred, k) for k in shifts} for stem, (pred, _) in pairs.items()}
    stems = list(pairs)
    print("\naxons shrunk by k px (per image) -> Dice myelin per image, pooled axon / myelin")
    rows = []
    for ks in itertools.product(shifts, repeat=len(stems)):
        shifted = [(shrunk[s][k], pairs[s][1]) for s, k in zip(stems, ks)]
        rows.append((dice(shifted, 1), ks, [dice([p], 1) for p in shifted], dice(shifted, 2)))
    for pooled, ks, per_image, axon in sorted(rows, reverse=True)[:8] + [r for r in rows if not any(r[1])]:
        print("  k = %-14s myelin %s  pooled %.4f / %.4f%s" %
              (",".join("%+d" % k for k in ks), " ".join("%.4f" % d for d in per_image), axon, pooled,
               "   (as segmented)" if not any(ks) else ""))


if __name__ == "__main__":
    main()
