#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A lab's PyTorch U-Net goes to Sheath and back with
tools/sheath-convert-torch.py, and Sheath segments with it as PyTorch does.

Usage: test-torch-interop.py SHEATH_CLI TOOLS_DIR IMAGE PIXEL_SIZE   (TAP output)
"""

import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    from PIL import Image
except ImportError as e:
    print("1..0 # SKIP PyTorch interop needs python3-torch, python3-numpy and python3-pil (%s)" % e)
    sys.exit(0)

cli, tools_dir, image_path, pixel_size = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
sys.path.insert(0, tools_dir)
from sheath_unet import SheathUNet, randomize  # noqa: E402

converter = os.path.join(tools_dir, "sheath-convert-torch.py")
tests = 0


def ok(condition, name, detail=""):
    global tests
    tests += 1
    print("%sok %d - %s%s" % ("" if condition else "not ", tests, name,
                             "" if condition or not detail else "\n# " + detail.replace("\n", "\n# ")))
    return condition


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True)


with tempfile.TemporaryDirectory() as tmp:
    torch.manual_seed(0)
    net = randomize(SheathUNet(depth=2, base=8), seed=3)
    # a checkpoint as a training script would save it, wrapped in a dict
    torch.save({"epoch": 7, "state_dict": net.state_dict()}, os.path.join(tmp, "lab.pt"))

    model = os.path.join(tmp, "lab.safetensors")
    r = run(sys.executable, converter, "to-sheath", os.path.join(tmp, "lab.pt"), model,
            "--pixel-size", repr(pixel_size), "--modality", "SEM", "--description", "interop test")
    ok(r.returncode == 0 and os.path.exists(model), "to-sheath converts a wrapped state dict", r.stderr)

    r = run(cli, "info", model)
    ok(r.returncode == 0 and "unet" in r.stdout.lower(), "sheath-cli reads the converted model",
       r.stdout + r.stderr)

    back = os.path.join(tmp, "back.pt")
    r = run(sys.executable, converter, "to-torch", model, back)
    same = False
    if r.returncode == 0:
        state = torch.load(back)
        original = net.state_dict()
        same = all(torch.equal(state[k], original[k]) for k in original
                   if not k.endswith("num_batches_tracked"))
    ok(same, "to-torch gives back the same tensors", r.stderr)

    # Sheath's tiled inference against PyTorch on the whole image at once
    out_dir = os.path.join(tmp, "masks")
    os.mkdir(out_dir)
    r = run(cli, "segment", "--model", model, "--pixel-size", repr(pixel_size),
            "--output-dir", out_dir, image_path)
    agreement = 0.0
    if r.returncode == 0:
        stem = os.path.splitext(os.path.basename(image_path))[0]
        sheath_mask = np.array(Image.open(os.path.join(out_dir, stem + "_seg-axonmyelin.png")))
        pixels = np.array(Image.open(image_path).convert("L"), dtype=np.float64)
        x = (pixels - pixels.mean()) / pixels.std()
        with torch.no_grad():
            p = net(torch.from_numpy(x).float()[None, None])[0]
        torch_mask = np.choose(p.argmax(0).numpy(), [0, 127, 255]).astype(np.uint8)
        # Sheath mirrors the image beyond its edges where PyTorch pads with
        # zeros; a depth-2 U-Net sees 44 px, so compare from 48 px in
        b = 48
        agreement = float((torch_mask[b:-b, b:-b] == sheath_mask[b:-b, b:-b]).mean())
    ok(agreement > 0.9999, "Sheath's masks agree with PyTorch's (%.4f%% of pixels)" % (100 * agreement),
       r.stderr)

    bad = os.path.join(tmp, "bad.pt")
    torch.save({"conv.weight": torch.zeros(1)}, bad)
    r = run(sys.executable, converter, "to-sheath", bad, os.path.join(tmp, "bad.safetensors"),
            "--pixel-size", "0.1")
    ok(r.returncode != 0 and "not a Sheath U-Net" in r.stderr
       and not os.path.exists(os.path.join(tmp, "bad.safetensors")),
       "a foreign state dict is refused with a message and no output", r.stderr)

print("1..%d" % tests)
