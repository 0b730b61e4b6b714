#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes an N×N label map (0/127/255, as _seg-axonmyelin) as a tiled
OME-TIFF by mirroring a real one, for checking and timing morphometrics
measured in bands against the whole map: real fibres everywhere."""

import sys

import numpy as np
import tifffile

src, out, n, pixel_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
a = tifffile.imread(src)
tile = np.block([[a, a[:, ::-1]], [a[::-1, :], a[::-1, ::-1]]])
reps = (n + tile.shape[0] - 1) // tile.shape[0], (n + tile.shape[1] - 1) // tile.shape[1]
big = np.tile(tile, reps)[:n, :n]
tifffile.imwrite(out, big, bigtiff=True, tile=(256, 256), compression="zlib", ome=True,
                 metadata={"PhysicalSizeX": pixel_size, "PhysicalSizeY": pixel_size,
                           "PhysicalSizeXUnit": "µm", "PhysicalSizeYUnit": "µm"})
