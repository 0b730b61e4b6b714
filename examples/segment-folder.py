#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Segment every image in a folder with Sheath and collect its morphometrics.

  segment-folder.py FOLDER [--model sem|tem|MODEL.safetensors] [--output-dir DIR]

For each PNG or TIFF in FOLDER this writes the AxonDeepSeg-style masks
(<stem>_seg-axon.png, _seg-myelin.png, _seg-axonmyelin.png) and the per-axon
table <stem>_axon_morphometrics.csv into DIR (default: FOLDER), then prints one
line of figures per image as CSV on standard output.  The pixel size of each
image comes from its BIDS sidecar, pixel_size_in_micrometer.txt or its own
metadata, as in the app.

Installed Sheath is found by PyGObject; for a build tree, set
GI_TYPELIB_PATH and LD_LIBRARY_PATH to build/src/libsheath.
"""

import argparse
import csv
import os
import sys

import gi

gi.require_version("Sheath", "1.0")
from gi.repository import Gio, GLib, Sheath  # noqa: E402

IMAGE_SUFFIXES = (".png", ".tif", ".tiff")
SUMMARY_FIELDS = ("image", "pixel_size_um", "n_axons", "n_myelinated", "axon_density_mm2",
                  "mean_axon_diam", "mean_myelin_thickness", "mean_gratio", "gratio_aggr", "avf", "mvf")


def load_model(name):
    if name.endswith(".safetensors"):
        return Sheath.Model.new_from_file(Gio.File.new_for_path(name))
    return Sheath.Model.new_builtin(name)


def is_input_image(name):
    # skip masks written by an earlier run
    return name.lower().endswith(IMAGE_SUFFIXES) and "_seg-" not in name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--model", default="sem", help="sem, tem or a .safetensors file (default: sem)")
    parser.add_argument("--output-dir", help="where to write masks and tables (default: the folder)")
    args = parser.parse_args()
    out_dir = args.output_dir or args.folder

    try:
        segmenter = Sheath.Segmenter.new(load_model(args.model))
    except GLib.Error as e:
        sys.exit("segment-folder: %s" % e.message)

    summary = csv.DictWriter(sys.stdout, SUMMARY_FIELDS, lineterminator="\n")
    summary.writeheader()
    failures = 0
    for name in sorted(filter(is_input_image, os.listdir(args.folder))):
        stem = os.path.splitext(name)[0]
        try:
            image = Sheath.Image.new_from_file(Gio.File.new_for_path(os.path.join(args.folder, name)))
            if image.get_pixel_size() <= 0:
                raise ValueError("no pixel size; add pixel_size_in_micrometer.txt beside it")
            seg = segmenter.segment(image, None)
            seg.save(out_dir, stem)
            morpho = Sheath.Morphometrics.compute(seg, image.get_pixel_size(),
                                                  Sheath.AxonShape.CIRCLE, None)
            morpho.write_csv(os.path.join(out_dir, stem + "_axon_morphometrics.csv"))
            figures = Sheath.Aggregates.compute(morpho, None, False, 0.5)
        except (GLib.Error, ValueError) as e:
            print("segment-folder: %s: %s" % (name, getattr(e, "message", e)), file=sys.stderr)
            failures += 1
            continue
        row = {field: getattr(figures, field) for field in SUMMARY_FIELDS[2:]}
        summary.writerow(dict(row, image=name, pixel_size_um=image.get_pixel_size()))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
