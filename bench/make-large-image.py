#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes an N×N 8-bit PNG by mirroring a real micrograph, for the memory
benchmark: a whole-slice-sized image with real texture everywhere."""

import sys

import numpy as np
from PIL import Image

src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
a = np.asarray(Image.open(src).convert("L"))
tile = np.block([[a, a[:, ::-1]], [a[::-1, :], a[::-1, ::-1]]])
reps = (n + tile.shape[0] - 1) // tile.shape[0], (n + tile.shape[1] - 1) // tile.shape[1]
big = np.tile(tile, reps)[:n, :n]
Image.fromarray(big).save(out, compress_level=1)
