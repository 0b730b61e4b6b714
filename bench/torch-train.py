#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch's side of bench/train: one step (forward, weighted cross-entropy +
soft Dice, backward, AdamW) of the same U-Net, batch, patch and threads."""

import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from sheath_unet import SheathUNet  # noqa: E402


depth, base, batch, patch, threads, reps = (int(a) for a in sys.argv[1:7])
torch.set_num_threads(threads)
net = SheathUNet(depth=depth, base=base).train()
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
w = torch.tensor([1.0, 1.5, 1.2])
x = torch.randn(batch, 1, patch, patch)
idx = torch.arange(patch * patch).reshape(patch, patch)
t = ((idx // patch // 16 + idx % patch // 16) % 3).expand(batch, patch, patch).contiguous()


def step():
    opt.zero_grad()
    logits = net.logits(x)
    p = torch.softmax(logits, 1)
    onehot = F.one_hot(t, 3).permute(0, 3, 1, 2).float()
    dice = (2 * (p * onehot).sum((0, 2, 3)) + 1) / (p.sum((0, 2, 3)) + onehot.sum((0, 2, 3)) + 1)
    loss = F.cross_entropy(logits, t, weight=w) + 1 - (w * dice).sum() / w.sum()
    loss.backward()
    opt.step()


step()
times = []
for _ in range(reps):
    s = time.perf_counter()
    step()
    times.append(time.perf_counter() - s)
print("torch_step_seconds_mean %.4f" % (sum(times) / len(times)))
print("torch_version %s" % torch.__version__)
