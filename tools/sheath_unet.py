# SPDX-License-Identifier: GPL-3.0-or-later
"""The Sheath U-Net in PyTorch, with the same tensor names as Sheath's
.safetensors models, so that a state dict converts one-to-one."""

import json

import torch
from torch import nn


class DoubleConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(x)))


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cout, 2, stride=2)
        self.block = DoubleConv(2 * cout, cout)

    def forward(self, x, skip):
        return self.block(torch.cat([skip, self.up(x)], dim=1))


class SheathUNet(nn.Module):
    """depth = number of 2x2 poolings; level l has base * 2**l channels."""

    def __init__(self, depth=4, base=32, in_channels=1, classes=3):
        super().__init__()
        self.depth = depth
        self.base = base
        self.in_channels = in_channels
        self.classes = classes
        ch = [base * 2**l for l in range(depth + 1)]
        self.enc = nn.ModuleList(
            [DoubleConv(in_channels if l == 0 else ch[l - 1], ch[l]) for l in range(depth + 1)])
        self.dec = nn.ModuleList([Up(ch[l + 1], ch[l]) for l in range(depth)])
        self.head = nn.Conv2d(ch[0], classes, 1)

    def logits(self, x):
        skips = []
        for l in range(self.depth):
            x = self.enc[l](x)
            skips.append(x)
            x = nn.functional.max_pool2d(x, 2)
        x = self.enc[self.depth](x)
        for l in reversed(range(self.depth)):
            x = self.dec[l](x, skips[l])
        return self.head(x)

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)


def metadata(net, pixel_size_um, modality="SEM", description="", normalization="image-zscore"):
    return {
        "format": "sheath-model-1",
        "architecture": "unet",
        "depth": str(net.depth),
        "base_channels": str(net.base),
        "kernel_size": "3",
        "in_channels": str(net.in_channels),
        "classes": "background,myelin,axon" if net.classes == 3 else ",".join(
            "class%d" % i for i in range(net.classes)),
        "pixel_size_um": repr(float(pixel_size_um)),
        "modality": modality,
        "normalization": normalization,
        "description": description,
    }


def randomize(net, seed=0):
    """He-initialised weights and non-trivial batch-norm statistics, so that
    folding the batch norm is really exercised."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if p.dim() > 1:
                fan_in = p.shape[1] * p.shape[2] * p.shape[3]
                if isinstance(dict(net.named_modules()).get(name.rsplit(".", 1)[0]), nn.ConvTranspose2d):
                    fan_in = p.shape[0]
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.1 + (1.0 if name.endswith("bn1.weight") or name.endswith("bn2.weight") else 0.0))
        for name, b in net.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=g) * 0.1)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=g) * 0.5 + 0.75)
    net.eval()
    return net


def state_dict_for_safetensors(net):
    return {k: v.detach().contiguous().float() for k, v in net.state_dict().items()
            if not k.endswith("num_batches_tracked")}


def save_safetensors(path, tensors, meta):
    """A minimal safetensors writer (the format is tiny), so that no extra
    Python package is needed."""
    header = {"__metadata__": meta}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        dtype = {torch.float32: "F32", torch.float16: "F16"}[t.dtype]
        data = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    import numpy as np
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        dt = {"F32": np.float32, "F16": np.float16}[info["dtype"]]
        arr = np.frombuffer(data[a:b], dtype=dt).reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.astype(np.float32))
    return tensors, meta
