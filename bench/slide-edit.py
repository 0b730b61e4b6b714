#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench/slide-edit.py MAP [--side N]

What correcting a slide's masks in the app costs: a part of N x N pixels
(default 4096, the most the app opens) at the centre of MAP, a slide's
STEM_seg-axonmyelin.ome.tif, is read alone, a stroke is painted, and it
is written back into the map (written again whole, band by band, to a
temporary file renamed over it). Prints the time of each step and the peak
RSS, and checks that the part read again holds the edit.

Writes into MAP: use a copy. Run from the source tree with the build's
library, e.g.
  GI_TYPELIB_PATH=build/src/libsheath LD_LIBRARY_PATH=build/src/libsheath \\
    /usr/bin/python3 bench/slide-edit.py copy_seg-axonmyelin.ome.tif
Not a test: figures depend on the machine."""

import argparse
import resource
import time

import gi

gi.require_version("Sheath", "1.0")
from gi.repository import Gio, Sheath  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("map")
    parser.add_argument("--side", type=int, default=4096)
    args = parser.parse_args()

    map_file = Gio.File.new_for_path(args.map)
    slide = Sheath.Slide.new_from_file(map_file)
    width, height = slide.get_level_width(0), slide.get_level_height(0)
    side = min(args.side, width, height)
    x, y = (width - side) // 2, (height - side) // 2

    start = time.monotonic()
    part = Sheath.Segmentation.new_from_map_area(map_file, x, y, side, side)
    read_s = time.monotonic() - start

    editor = Sheath.MaskEditor.new(part)
    editor.begin_stroke()
    editor.stroke_to(side * 0.25, side * 0.5, side * 0.75, side * 0.5, 10,
                     Sheath.Label.AXON, Sheath.BrushMode.PAINT)
    editor.end_stroke()
    edited = part.dup_labels().get_data()

    start = time.monotonic()
    part.write_into_map(map_file, x, y, None)
    write_s = time.monotonic() - start

    again = Sheath.Segmentation.new_from_map_area(map_file, x, y, side, side)
    kept = again.dup_labels().get_data() == edited
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"map {width} x {height} ({width * height / 1e9:.2f} Gpx), part {side} x {side}")
    print(f"read the part: {read_s:.2f} s")
    print(f"write it back into the map: {write_s:.1f} s "
          f"({width * height / 1e6 / write_s:.0f} Mpx/s)")
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(f"the edit is in the map: {'yes' if kept else 'NO'}")
    return 0 if kept else 1


if __name__ == "__main__":
    raise SystemExit(main())
