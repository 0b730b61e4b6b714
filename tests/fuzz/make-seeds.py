#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the fuzz targets' seed corpora into tests/fuzz/corpus/: small
valid inputs of each kind a user brings (so the fuzzer starts from deep
inside each loader), and a few damaged ones. Needs python3-pil, python3-torch
and tiffcp (libtiff-tools).  Usage: make-seeds.py [OUT_DIR]"""

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
sys.path.insert(0, os.path.join(here, "..", "..", "tools"))


def put(kind, name, data):
    os.makedirs(os.path.join(out, kind), exist_ok=True)
    with open(os.path.join(out, kind, name), "wb") as f:
        f.write(data)


def pattern(w, h, mode):
    img = Image.new(mode, (w, h))
    m = 65535 if mode.startswith("I") else 255
    img.putdata([((x * 37 + y * 11) * 97) % (m + 1) if mode != "RGB" and mode != "RGBA" else
                 ((x * 40) % 256, (y * 60) % 256, 128) + ((200,) if mode == "RGBA" else ())
                 for y in range(h) for x in range(w)])
    return img


def save(img, fmt, **kw):
    b = io.BytesIO()
    img.save(b, fmt, **kw)
    return b.getvalue()


# PNG: gray 8 and 16 bits, palette, RGB(A), 1-bit, interlaced, pHYs
put("png", "gray8.png", save(pattern(5, 4, "L"), "PNG"))
put("png", "gray16.png", save(pattern(3, 3, "I;16"), "PNG"))
put("png", "palette.png", save(pattern(4, 2, "L").convert("P"), "PNG"))
put("png", "rgba-dpi.png", save(pattern(2, 3, "RGBA"), "PNG", dpi=(72, 72)))
put("png", "rgb-um.png", save(pattern(3, 2, "RGB"), "PNG", dpi=(254000, 254000)))
put("png", "bilevel.png", save(pattern(9, 3, "L").convert("1"), "PNG"))
put("png", "interlaced.png", save(pattern(8, 8, "L"), "PNG", optimize=False, interlace=1))
put("png", "truncated.png", save(pattern(6, 6, "L"), "PNG")[:-20])

# TIFF: strips and tiles, 8/16 bits, RGB, LZW and Deflate, two pages,
# ImageJ and OME descriptions, resolution tags, BigTIFF
put("tiff", "gray8.tif", save(pattern(5, 4, "L"), "TIFF"))
put("tiff", "gray16-deflate.tif", save(pattern(7, 3, "I;16"), "TIFF", compression="tiff_adobe_deflate"))
put("tiff", "rgb-lzw.tif", save(pattern(4, 4, "RGB"), "TIFF", compression="tiff_lzw"))
put("tiff", "imagej.tif", save(pattern(3, 3, "L"), "TIFF",
                               description="ImageJ=1.53t\nunit=micron\n", dpi=(25400 * 4, 25400 * 4)))
put("tiff", "ome.tif", save(pattern(3, 3, "L"), "TIFF", description=(
    '<?xml version="1.0"?><OME><Image><Pixels PhysicalSizeX="0.13" PhysicalSizeXUnit="µm"/></Image></OME>')))
put("tiff", "dpi72.tif", save(pattern(3, 3, "L"), "TIFF", dpi=(72, 72)))
b = io.BytesIO()
pattern(4, 4, "L").save(b, "TIFF", save_all=True, append_images=[pattern(5, 4, "L")])
put("tiff", "two-pages.tif", b.getvalue())
with tempfile.TemporaryDirectory() as tmp:
    src, big, tiled = (os.path.join(tmp, n) for n in ("a.tif", "big.tif", "t.tif"))
    with open(src, "wb") as f:
        f.write(save(pattern(18, 17, "L"), "TIFF"))
    subprocess.run(["tiffcp", "-8", src, big], check=True)
    subprocess.run(["tiffcp", "-t", "-w", "16", "-l", "16", src, tiled], check=True)
    put("tiff", "bigtiff.tif", open(big, "rb").read())
    put("tiff", "tiled16.tif", open(tiled, "rb").read())
put("tiff", "truncated.tif", save(pattern(6, 6, "L"), "TIFF")[:-10])

# safetensors: the smallest U-Net Sheath takes, F16 and F32, and damaged ones
import torch  # noqa: E402
import sheath_unet  # noqa: E402

net = sheath_unet.randomize(sheath_unet.SheathUNet(depth=1, base=2))
tensors = sheath_unet.state_dict_for_safetensors(net)
meta = sheath_unet.metadata(net, 0.1)
with tempfile.TemporaryDirectory() as tmp:
    for dtype, name in ((torch.float32, "tiny-f32"), (torch.float16, "tiny-f16")):
        path = os.path.join(tmp, name)
        sheath_unet.save_safetensors(path, {k: v.to(dtype) for k, v in tensors.items()}, meta)
        data = open(path, "rb").read()
        put("safetensors", name + ".safetensors", data)
    put("safetensors", "truncated.safetensors", data[:len(data) // 2])
    header_len = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + header_len])
    header["head.bias"]["data_offsets"][1] -= 2
    h = json.dumps(header).encode()
    put("safetensors", "bad-range.safetensors", struct.pack("<Q", len(h)) + h + data[8 + header_len:])

# BIDS sidecars and pixel_size_in_micrometer.txt
for name, side in (("plain", {"PixelSize": [0.13, 0.13], "PixelSizeUnits": "um"}),
                   ("nm", {"PixelSize": [4.93, 4.93], "PixelSizeUnits": "nm"}),
                   ("scalar", {"PixelSize": 0.1}),
                   ("other", {"Manufacturer": "FEI", "PixelSize": "x"})):
    put("bids-sidecar", name + ".json", json.dumps(side).encode())
put("bids-sidecar", "broken.json", b'{"PixelSize": [0.1,')
for name, text in (("plain", b"0.13\n"), ("exp", b"1e-1"), ("junk", b"abc"), ("empty", b"")):
    put("pixel-size-txt", name + ".txt", text)

# recovery: the .ini, a NUL, then a mask PNG
ini = b"[recovery]\nimage=file:///data/image.png\nsaved=2026-12-01T10:00:00Z\n"
mask = Image.new("L", (4, 4))
mask.putdata([255 if (x + y) % 3 == 0 else 0 for y in range(4) for x in range(4)])
put("recovery", "good", ini + b"\0" + save(mask, "PNG"))
put("recovery", "no-mask", ini + b"\0")
put("recovery", "bad-ini", b"[recovery\nimage=\0" + save(mask, "PNG")[:30])
