# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads and rewrites the __metadata__ of a .safetensors model (its tensors
untouched; through a temporary file, renamed), for the tools that set what
a model asks of the segmenter."""

import json
import os
import struct


def read_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n)), 8 + n


def write_with_metadata(src, dst, changes):
    header, offset = read_header(src)
    header.setdefault("__metadata__", {}).update(changes)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = dst + ".tmp"
    with open(src, "rb") as f, open(tmp, "wb") as out:
        f.seek(offset)
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        while chunk := f.read(1 << 20):
            out.write(chunk)
    os.replace(tmp, dst)
