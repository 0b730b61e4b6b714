#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Convert a PyTorch U-Net of Sheath's architecture to a Sheath .safetensors
model, and back.

  sheath-convert-torch.py to-sheath STATE.pt MODEL.safetensors --pixel-size 0.1 [--modality SEM]
  sheath-convert-torch.py to-torch MODEL.safetensors STATE.pt

STATE.pt is a state dict of tools/sheath_unet.py's SheathUNet (torch.save of
net.state_dict(), or a checkpoint dict holding one under "state_dict" or
"model").  The architecture (depth, base channels, input channels, classes)
is read from the tensor shapes, so any depth and width converts.  Batch-norm
statistics are kept as they are; Sheath folds them when it loads the model.
to-torch also writes the model's metadata next to STATE.pt as
STATE.pt.json, so that a round trip keeps the pixel size and modality.
"""

import argparse
import json
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

try:
    import torch
except ImportError:
    sys.exit("sheath-convert-torch: PyTorch is not installed (Debian: apt install python3-torch)")

from sheath_unet import SheathUNet, load_safetensors, metadata, save_safetensors  # noqa: E402


def architecture_of(state):
    """depth, base, in_channels, classes from the tensor names and shapes."""
    try:
        levels = {int(m.group(1)) for k in state for m in [re.match(r"enc\.(\d+)\.", k)] if m}
        depth = max(levels)
        first = state["enc.0.conv1.weight"]
        head = state["head.weight"]
    except (KeyError, ValueError) as e:
        raise SystemExit("sheath-convert-torch: not a Sheath U-Net state dict (missing %s)" % e)
    return depth, first.shape[0], first.shape[1], head.shape[0]


def load_state_dict(path):
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, dict):
        for key in ("state_dict", "model"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict):
        raise SystemExit("sheath-convert-torch: %s does not hold a state dict" % path)
    # models wrapped by DataParallel prefix every name with "module."
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in obj.items()}


def to_sheath(args):
    state = load_state_dict(args.input)
    depth, base, in_channels, classes = architecture_of(state)
    net = SheathUNet(depth=depth, base=base, in_channels=in_channels, classes=classes)
    # strict loading checks every name and shape against our architecture
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise SystemExit("sheath-convert-torch: the state dict does not match Sheath's U-Net:\n%s" % e)
    tensors = {k: v.detach().contiguous().float() for k, v in net.state_dict().items()
               if not k.endswith("num_batches_tracked")}
    meta = metadata(net, args.pixel_size, args.modality, args.description)
    if args.mean is not None:
        meta.update(normalization="fixed", normalization_mean=repr(args.mean),
                    normalization_std=repr(args.std))
    write_atomically(args.output, lambda path: save_safetensors(path, tensors, meta))
    print("%s: U-Net depth %d, %d base channels, %d classes, %.4g µm/px"
          % (args.output, depth, base, classes, args.pixel_size))


def to_torch(args):
    try:
        tensors, meta = load_safetensors(args.input)
    except (OSError, ValueError, KeyError) as e:
        raise SystemExit("sheath-convert-torch: cannot read %s: %s" % (args.input, e))
    if meta.get("architecture") != "unet":
        raise SystemExit("sheath-convert-torch: %s is not a Sheath U-Net model" % args.input)
    depth, base, in_channels, classes = architecture_of(tensors)
    net = SheathUNet(depth=depth, base=base, in_channels=in_channels, classes=classes)
    # num_batches_tracked is not stored in Sheath models
    state = dict(net.state_dict())
    state.update(tensors)
    net.load_state_dict(state, strict=True)
    write_atomically(args.output, lambda path: torch.save(net.state_dict(), path))
    write_atomically(args.output + ".json",
                     lambda path: open(path, "w").write(json.dumps(meta, indent=2) + "\n"))
    print("%s: U-Net depth %d, %d base channels, %d classes (metadata in %s.json)"
          % (args.output, depth, base, classes, args.output))


def write_atomically(path, write):
    """Never leave a half-written file where the user asked for one."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="sheath-convert-", suffix=".part")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("to-sheath", help="PyTorch state dict → Sheath .safetensors model")
    p.add_argument("input", help="the PyTorch state dict (.pt)")
    p.add_argument("output", help="the Sheath model to write (.safetensors)")
    p.add_argument("--pixel-size", type=float, required=True,
                   help="pixel size in µm of the images the network was trained on")
    p.add_argument("--modality", default="SEM", help="SEM, TEM or BF (default SEM)")
    p.add_argument("--description", default="", help="a line for the model card")
    p.add_argument("--mean", type=float, help="fixed normalisation: mean of intensities scaled to 0..1")
    p.add_argument("--std", type=float, help="fixed normalisation: standard deviation")
    p.set_defaults(run=to_sheath)

    p = sub.add_parser("to-torch", help="Sheath .safetensors model → PyTorch state dict")
    p.add_argument("input", help="the Sheath model (.safetensors)")
    p.add_argument("output", help="the PyTorch state dict to write (.pt)")
    p.set_defaults(run=to_torch)

    args = parser.parse_args()
    if getattr(args, "pixel_size", 1.0) <= 0:
        parser.error("--pixel-size must be positive")
    if getattr(args, "mean", None) is not None and (args.std is None or args.std <= 0):
        parser.error("--mean needs a positive --std")
    args.run(args)


if __name__ == "__main__":
    main()
