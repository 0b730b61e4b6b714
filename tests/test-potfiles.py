#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""po/POTFILES.in lists every file with strings a user sees, and nothing
else: a file with _(), N_() or translatable="yes" that is not listed would
never reach translators. TAP output."""
import glob
import os
import re
import sys

root = sys.argv[1]
listed = set()
with open(os.path.join(root, "po", "POTFILES.in")) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            listed.add(line)

marked = set()
for pattern in ("src/libsheath/*.c", "src/sheath/*.c", "src/sheath-cli/*.c", "resources/*.ui", "resources/gtk/*.ui"):
    for path in glob.glob(os.path.join(root, pattern)):
        text = open(path, encoding="utf-8").read()
        if re.search(r'\bN?_ \("', text) or 'translatable="yes"' in text:
            marked.add(os.path.relpath(path, root))

checks = []
missing = sorted(marked - listed)
checks.append(("every file with marked strings is in po/POTFILES.in", not missing, missing))
gone = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)))
checks.append(("every file in po/POTFILES.in exists", not gone, gone))
# a .ui label left unmarked is a string translators never see
unmarked = []
for path in glob.glob(os.path.join(root, "resources", "**", "*.ui"), recursive=True):
    for m in re.finditer(r'<property name="(label|title|tooltip-text|subtitle|description|placeholder-text)"([^>]*)>([^<]*[A-Za-z]{2}[^<]*)</property>',
                         open(path, encoding="utf-8").read()):
        if "translatable" not in m.group(2):
            unmarked.append("%s: %s" % (os.path.relpath(path, root), m.group(3)))
checks.append(("every label, title and tooltip of the .ui files is translatable", not unmarked, unmarked))

print("1..%d" % len(checks))
for i, (name, ok, detail) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    for d in detail:
        print("# %s" % d)
sys.exit(0 if all(ok for _, ok, _ in checks) else 1)
