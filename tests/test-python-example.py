#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs examples/segment-folder.py, the documented Python example, on a folder
of two images (one with a BIDS sidecar, one with pixel_size_in_micrometer.txt)
as a user would.

Usage: test-python-example.py EXAMPLE SHARED_DIR DEMO_DIR MODEL   (TAP output)
"""

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

example, shared, demo_dir, model = sys.argv[1:5]
micr = os.path.join(shared, "datasets", "sem-rat-spinal-cord", "sub-rat4", "micr")
if not os.path.isdir(micr):
    print("1..0 # SKIP shared test data missing: %s (set SHEATH_SHARED_DIR)" % micr)
    sys.exit(0)
try:
    import gi  # noqa: F401
except ImportError:
    print("1..0 # SKIP PyGObject (python3-gi) is not installed")
    sys.exit(0)

print("1..3")
with tempfile.TemporaryDirectory() as folder:
    for name in ("sub-rat4_sample-data12_SEM.png", "sub-rat4_sample-data12_SEM.json"):
        shutil.copy(os.path.join(micr, name), folder)
    for name in ("sem-spinal-cord-demo.png", "pixel_size_in_micrometer.txt"):
        shutil.copy(os.path.join(demo_dir, name), folder)

    r = subprocess.run([sys.executable, example, folder, "--model", model],
                       capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(r.stdout))) if r.returncode == 0 else []
    ok = [row["image"] for row in rows] == ["sem-spinal-cord-demo.png", "sub-rat4_sample-data12_SEM.png"]
    print("%sok 1 one summary line per image%s" % ("" if ok else "not ", "" if ok else " # " + r.stderr))

    ok = rows and [float(row["pixel_size_um"]) for row in rows] == [0.13, 0.1]
    print("%sok 2 pixel sizes from the text file and the BIDS sidecar" % ("" if ok else "not "))

    ok = bool(rows)
    for row in rows:
        stem = os.path.splitext(row["image"])[0]
        masks = [stem + "_seg-%s.png" % k for k in ("axon", "myelin", "axonmyelin")]
        with open(os.path.join(folder, stem + "_axon_morphometrics.csv")) as f:
            n_rows = sum(1 for _ in csv.DictReader(f))
        ok = ok and all(os.path.exists(os.path.join(folder, m)) for m in masks) \
            and n_rows == int(row["n_axons"]) > 0
    print("%sok 3 masks and a per-axon table for each image, as many rows as axons" % ("" if ok else "not "))
