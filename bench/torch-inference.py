#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch's side of bench/inference: the same model file, tile and threads."""

import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from sheath_unet import SheathUNet, load_safetensors  # noqa: E402

path, tile, threads, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
tensors, meta = load_safetensors(path)
net = SheathUNet(int(meta["depth"]), int(meta["base_channels"]), int(meta["in_channels"]),
                 len(meta["classes"].split(",")))
net.load_state_dict(tensors, strict=False)
net.eval()
x = torch.randn(1, net.in_channels, tile, tile)
times = []
with torch.inference_mode():
    net(x)
    for _ in range(reps):
        t = time.perf_counter()
        net(x)
        times.append(time.perf_counter() - t)
mean = sum(times) / len(times)
print("torch_version %s" % torch.__version__)
print("torch_threads %d" % torch.get_num_threads())
print("torch_seconds_per_tile_mean %.4f" % mean)
print("torch_mpx_per_s %.4f" % (tile * tile / mean / 1e6))
