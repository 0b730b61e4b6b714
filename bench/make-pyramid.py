#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes an N×N (or N wide, H high) 8-bit tiled, pyramidal BigTIFF
(levels as SubIFDs, as OME-TIFF stores them; 256² tiles, Deflate; 0.13 µm
pixels) by mirroring a real micrograph: a whole-section-sized slide for
bench/slide."""

import sys

import numpy as np
import tifffile
from PIL import Image

src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
h = int(sys.argv[4]) if len(sys.argv) > 4 else n
a = np.asarray(Image.open(src).convert("L"))
tile = np.block([[a, a[:, ::-1]], [a[::-1, :], a[::-1, ::-1]]])
reps = (h + tile.shape[0] - 1) // tile.shape[0], (n + tile.shape[1] - 1) // tile.shape[1]
big = np.tile(tile, reps)[:h, :n]
levels = []
level = big
while min(level.shape) > 512:
    level = level[::2, ::2]
    levels.append(level)
res = (1e4 / 0.13, 1e4 / 0.13, "CENTIMETER")
with tifffile.TiffWriter(out, bigtiff=True) as tif:
    opts = dict(tile=(256, 256), compression="zlib", photometric="minisblack")
    tif.write(big, subifds=len(levels), resolution=res, **opts)
    for level in levels:
        tif.write(level, subfiletype=1, **opts)
