#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes the golden files the network tests compare against.

Builds a small Sheath U-Net in PyTorch (Debian's python3-torch) with random
weights and random batch-norm statistics, saves it as a Sheath model (F32 and
F16), and saves an input with every intermediate activation and the softmax
output as a second .safetensors file. The C tests read these files; they do
not need PyTorch. Run from anywhere:  python3 tests/golden/make-golden.py
"""

import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from sheath_unet import SheathUNet, metadata, randomize, save_safetensors, state_dict_for_safetensors  # noqa: E402

DEPTH, BASE, SIZE = 3, 6, 48


def block(m, x, acts, prefix):
    x = torch.relu(m.bn1(m.conv1(x)))
    acts[prefix + ".act1"] = x
    x = torch.relu(m.bn2(m.conv2(x)))
    acts[prefix + ".act2"] = x
    return x


def forward_recording(net, x):
    acts = {"input": x}
    skips = []
    for l in range(net.depth):
        x = block(net.enc[l], x, acts, "enc.%d" % l)
        skips.append(x)
        x = torch.nn.functional.max_pool2d(x, 2)
        acts["enc.%d.pool" % l] = x
    x = block(net.enc[net.depth], x, acts, "enc.%d" % net.depth)
    for l in reversed(range(net.depth)):
        up = net.dec[l].up(x)
        acts["dec.%d.up" % l] = up
        x = block(net.dec[l].block, torch.cat([skips[l], up], dim=1), acts, "dec.%d" % l)
    logits = net.head(x)
    acts["output"] = torch.softmax(logits, dim=1)
    return acts


def main():
    torch.manual_seed(1)
    net = randomize(SheathUNet(depth=DEPTH, base=BASE), seed=1)
    meta = metadata(net, 0.1, "SEM", "golden test network: random weights, not for use")
    tensors = state_dict_for_safetensors(net)
    save_safetensors(os.path.join(HERE, "unet-golden.safetensors"), tensors, meta)
    save_safetensors(os.path.join(HERE, "unet-golden-f16.safetensors"),
                     {k: v.half() for k, v in tensors.items()}, meta)

    g = torch.Generator().manual_seed(2)
    x = torch.randn(1, 1, SIZE, SIZE, generator=g)
    with torch.no_grad():
        acts = forward_recording(net, x)
        assert torch.allclose(acts["output"], net(x), atol=1e-6)
    save_safetensors(os.path.join(HERE, "unet-golden-activations.safetensors"),
                     {k: v[0].contiguous() for k, v in acts.items()},
                     {"depth": str(DEPTH), "base_channels": str(BASE), "size": str(SIZE),
                      "torch": torch.__version__})
    print("wrote golden files for a depth-%d, %d-channel U-Net on %d×%d" % (DEPTH, BASE, SIZE, SIZE))


if __name__ == "__main__":
    main()
