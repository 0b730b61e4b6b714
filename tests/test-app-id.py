#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The app id is the same everywhere a GNOME system or Flatpak looks for it,
and the Flatpak manifest parses.  Usage: test-app-id.py SOURCE_ROOT APP_ID"""

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

root, app_id = sys.argv[1], sys.argv[2]
path = app_id.replace(".", "/")
results = []


def check(name, condition, skip=None):
    results.append((name, bool(condition), skip))


manifest_path = os.path.join(root, "flatpak", app_id + ".json")
manifest = json.load(open(manifest_path))
check("the manifest is flatpak/%s.json with that id" % app_id, manifest.get("id") == app_id)
check("the manifest uses GNOME runtime 45 or newer",
      manifest.get("runtime") == "org.gnome.Platform" and int(manifest.get("runtime-version", "0")) >= 45)
check("no network and no blanket file access in finish-args",
      not any(a.startswith(("--share=network", "--filesystem=host", "--filesystem=home"))
              for a in manifest.get("finish-args", [])))
check("every downloaded source is pinned by a checksum",
      all("sha256" in s for m in manifest["modules"] for s in m.get("sources", [])
          if s.get("type") in ("archive", "file")))
if shutil.which("flatpak-builder"):
    r = subprocess.run(["flatpak-builder", "--show-manifest", manifest_path], capture_output=True)
    check("flatpak-builder reads the manifest", r.returncode == 0)
else:
    check("flatpak-builder reads the manifest", True, "flatpak-builder is not installed")

desktop = os.path.join(root, "data", app_id + ".desktop.in")
check("desktop file named after the id, with its icon",
      os.path.exists(desktop) and re.search(r"^Icon=%s$" % re.escape(app_id), open(desktop).read(), re.M))
meta = ET.parse(os.path.join(root, "data", app_id + ".metainfo.xml.in")).getroot()
check("metainfo id and launchable", meta.findtext("id") == app_id
      and meta.findtext("launchable") == app_id + ".desktop")
schema = ET.parse(os.path.join(root, "data", app_id + ".gschema.xml")).getroot().find("schema")
check("GSettings schema id and path", schema.get("id") == app_id and schema.get("path") == "/%s/" % path)
check("icons named after the id",
      os.path.exists(os.path.join(root, "data/icons/hicolor/scalable/apps", app_id + ".svg"))
      and os.path.exists(os.path.join(root, "data/icons/hicolor/symbolic/apps", app_id + "-symbolic.svg")))
gres = ET.parse(os.path.join(root, "resources", "sheath.gresource.xml")).getroot().find("gresource")
check("GResource prefix", gres.get("prefix") == "/" + path)
meson = open(os.path.join(root, "meson.build")).read()
check("meson.build's app_id (also the D-Bus name and help id)", "app_id = '%s'" % app_id in meson)

print("1..%d" % len(results))
for i, (name, ok, skip) in enumerate(results, 1):
    print("%sok %d - %s%s" % ("" if ok else "not ", i, name, " # SKIP " + skip if skip else ""))
