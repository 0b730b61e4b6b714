#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sheath's morphometrics agree with AxonDeepSeg's definitions (scikit-image's
regionprops and a watershed, as tools/compare-ads-morphometrics.py computes
them) on a real manual segmentation.

  test-ads-morphometrics.py SHEATH_CLI TOOLS_DIR IMAGE AXON_MASK MYELIN_MASK

The axon's own figures are the same to rounding; where fibres touch, the
myelin is split by a watershed whose ties may fall otherwise, so those
columns agree for most fibres and nearly for the rest."""

import os
import subprocess
import sys
import tempfile

cli, tools, image, axon_mask, myelin_mask = sys.argv[1:6]
missing = [p for p in (image, axon_mask, myelin_mask) if not os.path.exists(p)]
if missing:
    print("1..0 # SKIP shared test data missing: %s (set SHEATH_SHARED_DIR)" % missing[0])
    sys.exit(0)
try:
    import numpy as np
    sys.path.insert(0, tools)
    compare_ads = __import__("compare-ads-morphometrics")
except ImportError as e:
    print("1..0 # SKIP needs python3-skimage, python3-scipy, python3-numpy and python3-pil (%s)" % e)
    sys.exit(0)

results = []


def check(name, condition):
    results.append((name, bool(condition)))


with tempfile.TemporaryDirectory() as out:
    subprocess.run([cli, "morphometrics", "--output-dir", out, image], check=True,
                   env=dict(os.environ, SHEATH_MODELS_DIR=""), stderr=subprocess.DEVNULL)
    stem = os.path.splitext(os.path.basename(image))[0]
    n_ours, n_ref, matched, diffs = compare_ads.compare(axon_mask, myelin_mask, 0.1,
                                                        os.path.join(out, stem + "_axon_morphometrics.csv"))

# the reference keeps specks that Sheath drops (and does not fill holes)
check("every axon of Sheath's is one of the reference's (%d of %d; reference %d)" % (matched, n_ours, n_ref),
      matched == n_ours and n_ref - n_ours <= 0.02 * n_ref)
for column in ("axon_diam", "axon_area", "axon_perimeter", "solidity", "eccentricity"):
    d = diffs[column]
    check("%s identical for %.1f %% of axons (≥ 99.5 %%)" % (column, 100 * np.mean(d < 1e-9)),
          len(d) == matched and np.mean(d < 1e-9) >= 0.995)
check("orientation, sign included, identical for %.1f %% (≥ 97 %%), median difference below 0.01 rad"
      % (100 * np.mean(diffs["orientation"] < 1e-9)),
      np.mean(diffs["orientation"] < 1e-9) >= 0.97 and np.median(diffs["orientation"]) < 0.01)
for column in ("myelin_area", "myelin_thickness", "axonmyelin_area", "axonmyelin_perimeter", "gratio"):
    d = diffs[column]
    check("%s identical for %.1f %% (≥ 90 %%), 95th percentile %.2g (≤ 1 %%)"
          % (column, 100 * np.mean(d < 1e-9), np.percentile(d, 95)),
          np.mean(d < 1e-9) >= 0.90 and np.percentile(d, 95) <= 0.01)

print("1..%d" % len(results))
for i, (name, ok) in enumerate(results, 1):
    print("%sok %d - %s" % ("" if ok else "not ", i, name))
