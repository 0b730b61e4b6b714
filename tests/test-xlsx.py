#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Excel tables hold what the CSV ones hold: sheath-cli batch --format
both on a small study, then every .xlsx read back with openpyxl (what
pandas.read_excel, and so axondeepseg_aggregate, use) and compared cell by
cell with its .csv. TAP output.

  test-xlsx.py SHEATH_CLI SOURCE_DIR MODEL"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import openpyxl
except ImportError:
    print("1..0 # SKIP python3-openpyxl is missing")
    sys.exit(0)

cli, src, model = sys.argv[1:4]
work = tempfile.mkdtemp()
checks = []
try:
    d = os.path.join(work, "study", "sub-a", "micr")
    os.makedirs(d)
    for n in (1, 2):
        shutil.copy(os.path.join(src, "data", "demo", "sem-spinal-cord-demo.png"),
                    os.path.join(d, "sub-a_sample-%d_SEM.png" % n))
        with open(os.path.join(d, "sub-a_sample-%d_SEM.json" % n), "w") as f:
            json.dump({"PixelSize": [0.13, 0.13], "PixelSizeUnits": "um"}, f)
    out = os.path.join(work, "out")
    run = subprocess.run([cli, "batch", os.path.join(work, "study"), "--output-dir", out, "--model", model,
                          "--format", "both"], capture_output=True, text=True)
    checks.append(("batch --format both succeeds", run.returncode == 0, run.stderr))

    pairs = [(os.path.join(out, "study.csv"), os.path.join(out, "study.xlsx")),
             (os.path.join(out, "subjects.csv"), os.path.join(out, "subjects.xlsx")),
             (os.path.join(out, "sub-a", "sub-a_sample-1_SEM_axon_morphometrics.csv"),
              os.path.join(out, "sub-a", "sub-a_sample-1_SEM_axon_morphometrics.xlsx"))]
    for csv_path, xlsx_path in pairs:
        name = os.path.basename(xlsx_path)
        if not os.path.exists(xlsx_path):
            checks.append((name + " holds what its CSV holds", False, "missing"))
            continue
        with open(csv_path) as f:
            rows = list(csv.reader(f))
        sheet = openpyxl.load_workbook(xlsx_path, read_only=True).active
        cells = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        bad = []
        if cells[0] != rows[0]:
            bad.append("header %r != %r" % (cells[0], rows[0]))
        if len(cells) != len(rows):
            bad.append("%d rows, the CSV %d" % (len(cells), len(rows)))
        for r, (a, b) in enumerate(zip(cells[1:], rows[1:]), 2):
            for c, (x, y) in enumerate(zip(a, b)):
                if isinstance(x, (int, float)):
                    if y == "" or abs(x - float(y)) > 1e-5 * max(1, abs(x)):
                        bad.append("row %d column %s: %r vs %r" % (r, rows[0][c], x, y))
                elif str(x) != y:
                    bad.append("row %d column %s: %r vs %r" % (r, rows[0][c], x, y))
        checks.append((name + " holds what its CSV holds", not bad, "\n".join(bad[:5])))
finally:
    shutil.rmtree(work)

print("1..%d" % len(checks))
for i, (name, ok, detail) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    if not ok:
        for line in str(detail).splitlines():
            print("# " + line)
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
