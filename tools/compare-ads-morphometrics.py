#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compares Sheath's per-axon morphometrics CSV with AxonDeepSeg's
definitions computed by scikit-image (Debian's python3-skimage), on the same
masks: axons are matched by centroid and each column's agreement printed.

  compare-ads-morphometrics.py AXON_MASK MYELIN_MASK PIXEL_SIZE SHEATH_CSV

The reference follows AxonDeepSeg's get_axon_morphometrics: 8-connected
axons, watershed of -EDT(axon) from the axon centroids inside axon∪myelin,
regionprops for areas, perimeters, diameters, solidity, eccentricity and
orientation. It does not fill holes or drop specks, so those axons differ.
"""

import csv
import sys

import numpy as np
from PIL import Image
from scipy import ndimage as ndi
from skimage import measure
from skimage.segmentation import watershed

COLUMNS = {"axon_diam": "axon_diam (um)", "axon_area": "axon_area (um^2)",
           "axon_perimeter": "axon_perimeter (um)", "myelin_area": "myelin_area (um^2)",
           "myelin_thickness": "myelin_thickness (um)", "axonmyelin_area": "axonmyelin_area (um^2)",
           "axonmyelin_perimeter": "axonmyelin_perimeter (um)", "gratio": "gratio",
           "solidity": "solidity", "eccentricity": "eccentricity", "orientation": "orientation"}


def reference(axon_path, myelin_path, ps):
    """AxonDeepSeg's figures of every axon, keyed by its centroid (x0, y0)."""
    axon = np.asarray(Image.open(axon_path).convert("L")) > 127
    myelin = (np.asarray(Image.open(myelin_path).convert("L")) > 127) & ~axon

    labels = measure.label(axon, connectivity=2)
    props = measure.regionprops(labels)
    seeds = np.zeros(labels.shape, dtype=np.int32)
    for p in props:
        seeds[int(p.centroid[0]), int(p.centroid[1])] = p.label
    fibres = watershed(-ndi.distance_transform_edt(axon), seeds, mask=axon | myelin)
    fprops = {p.label: p for p in measure.regionprops(fibres)}

    ref = {}
    for p in props:
        y0, x0 = p.centroid
        row = {"axon_diam": p.equivalent_diameter * ps, "axon_area": p.area * ps * ps,
               "axon_perimeter": p.perimeter * ps, "solidity": p.solidity,
               "eccentricity": p.eccentricity, "orientation": p.orientation}
        f = fprops.get(fibres[int(y0), int(x0)])
        if f is not None:
            t = (f.equivalent_diameter - p.equivalent_diameter) / 2 * ps
            row.update(myelin_thickness=t, myelin_area=(f.area - p.area) * ps * ps,
                       axonmyelin_area=f.area * ps * ps, axonmyelin_perimeter=f.perimeter * ps,
                       gratio=(row["axon_diam"] / 2) / (row["axon_diam"] / 2 + t)
                       if row["axon_diam"] + 2 * t > 0 else 1)
        ref[(round(x0, 3), round(y0, 3))] = row
    return ref


def compare(axon_path, myelin_path, ps, ours_path):
    """Returns (axons in Sheath's table, in the reference, matched, {column: differences}):
    relative differences, absolute ones (radians) for orientation."""
    ref = reference(axon_path, myelin_path, ps)
    with open(ours_path) as fh:
        ours = list(csv.DictReader(fh))

    diffs = {c: [] for c in COLUMNS}
    matched = 0
    for r in ours:
        key = (round(float(r["x0 (px)"]), 3), round(float(r["y0 (px)"]), 3))
        if key not in ref:
            continue
        matched += 1
        for c, name in COLUMNS.items():
            if c in ref[key]:
                a, b = float(r[name]), ref[key][c]
                diffs[c].append(abs(a - b) / max(abs(b), 1e-9) if c != "orientation" else abs(a - b))
    return len(ours), len(ref), matched, {c: np.array(d) for c, d in diffs.items()}


def main():
    axon_path, myelin_path, ps, ours_path = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    n_ours, n_ref, matched, diffs = compare(axon_path, myelin_path, ps, ours_path)
    print("axons: sheath %d, reference %d, matched by centroid %d" % (n_ours, n_ref, matched))
    for c, d in diffs.items():
        what = "abs diff (rad)" if c == "orientation" else "rel diff"
        print("  %-22s median %s %.2e, 95th pct %.2e, identical %.1f %%" %
              (c, what, np.median(d), np.percentile(d, 95), 100 * np.mean(d < 1e-9)))


if __name__ == "__main__":
    main()
