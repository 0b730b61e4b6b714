#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Chooses how the segmenter splits bundles of touching unmyelinated axons
along the membranes between them (the model's uaxon_split_depth, in grey
levels; uaxon_split_distance_weight, how many grey levels a µm of distance
from the region's edge adds; and uaxon_min_area_um2, the smallest axon
kept; the smoothing, uaxon_split_sigma_um, stays at its default), on the
model's *training* subjects: each candidate is written into a copy of the
model, `sheath-cli evaluate` scores it there, and the one with the best
unmyelinated-axon detection F1 goes into the model's metadata.

  tools/choose-uaxon-split.py MODEL.safetensors DATASET sub-a,sub-b,... [--write]

The validation subjects must not be among those given: they judge the
result, they do not choose it."""

import json
import os
import subprocess
import sys
import tempfile

from safetensors_metadata import read_header, write_with_metadata

# grey levels (of the image's range on 0–255) × grey levels per µm (from
# none to where the distance outweighs the image: at 15000, the 0.05 µm
# radius of a small axon adds 750) × µm² (200 and 300 pixels at the TEM
# dataset's 0.00493 µm; 450 never won)
CANDIDATES = [(depth, weight, area) for depth in (50, 85, 120, 160, 200, 240)
              for weight in (0, 2500, 5000, 7500, 10000, 15000) for area in (0.0049, 0.0073)]


def metadata(depth, weight, area):
    return {"uaxon_split_depth": f"{depth:g}", "uaxon_split_distance_weight": f"{weight:g}",
            "uaxon_min_area_um2": f"{area:g}"}


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    model, data, subjects = sys.argv[1:4]
    write = "--write" in sys.argv[4:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cli = os.environ.get("SHEATH_CLI", os.path.join(root, "build", "src", "sheath-cli", "sheath-cli"))
    held = read_header(model)[0].get("__metadata__", {}).get("validation_subjects", "")
    overlap = set(subjects.split(",")) & set(held.split(","))
    if overlap:
        sys.exit(f"{', '.join(sorted(overlap))}: the model's validation subjects cannot choose its split depth")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for depth, weight, area in CANDIDATES:
            copy = os.path.join(tmp, "model.safetensors")
            report = os.path.join(tmp, "scores.json")
            write_with_metadata(model, copy, metadata(depth, weight, area))
            subprocess.run([cli, "evaluate", "--model", copy, "--data", data, "--subjects", subjects,
                            "--json", report], check=True, stdout=subprocess.DEVNULL)
            overall = json.load(open(report))["overall"]
            results.append((overall["uaxon_detection_f1"], depth, weight, area))
            print(f"depth {depth:<4g} distance weight {weight:<5g} min area {area:<7g} µm²  uaxon Dice {overall['dice_uaxon']:.4f}  "
                  f"P {overall['uaxon_detection_precision']:.3f}  R {overall['uaxon_detection_recall']:.3f}  "
                  f"F1 {overall['uaxon_detection_f1']:.3f}", flush=True)
    f1, depth, weight, area = max(results)
    print(f"chosen: depth {depth:g}, distance weight {weight:g}, min area {area:g} µm² "
          f"(detection F1 {f1:.3f} on {subjects})")
    if write:
        write_with_metadata(model, model, {**metadata(depth, weight, area), "uaxon_split_subjects": subjects})
        print(f"written into {model}")


if __name__ == "__main__":
    main()
