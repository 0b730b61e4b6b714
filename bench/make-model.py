#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a randomly initialised default-size Sheath U-Net (depth 4, 32 base
channels) for the benchmarks: speed does not depend on what the weights are."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from sheath_unet import SheathUNet, metadata, randomize, save_safetensors, state_dict_for_safetensors  # noqa: E402

out = sys.argv[1]
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 4
base = int(sys.argv[3]) if len(sys.argv) > 3 else 32
net = randomize(SheathUNet(depth=depth, base=base), seed=3)
save_safetensors(out, state_dict_for_safetensors(net),
                 metadata(net, 0.1, "SEM", "benchmark network: random weights, not for use"))
