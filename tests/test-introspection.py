#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loads an image and a model and segments them through gi.repository.Sheath,
blocking and asynchronously, as a Python user would. Needs GI_TYPELIB_PATH and
LD_LIBRARY_PATH pointing at the build (meson test sets them)."""

import os
import sys
import tempfile

import gi

gi.require_version("Sheath", "1.0")
from gi.repository import Gio, GLib, Sheath  # noqa: E402

shared = os.environ.get("SHEATH_SHARED_DIR") or sys.argv[1]
golden = sys.argv[2]
image_path = os.path.join(shared, "datasets", "sem-rat-spinal-cord", "sub-rat4", "micr",
                          "sub-rat4_sample-data12_SEM.png")
if not os.path.exists(image_path):
    print("1..0 # SKIP shared test data missing: %s (set SHEATH_SHARED_DIR)" % image_path)
    sys.exit(0)

print("1..4")

image = Sheath.Image.new_from_file(Gio.File.new_for_path(image_path))
assert (image.get_width(), image.get_height()) == (822, 771)
assert abs(image.get_pixel_size() - 0.1) < 1e-9
assert image.get_pixel_size_source() == Sheath.PixelSizeSource.BIDS_SIDECAR
print("ok 1 image with its BIDS pixel size")

model = Sheath.Model.new_from_file(Gio.File.new_for_path(os.path.join(golden, "unet-golden.safetensors")))
assert model.get_class_names() == ["background", "myelin", "axon"]
assert model.props.pixel_size == 0.1
print("ok 2 model and metadata")

segmenter = Sheath.Segmenter.new(model)
segmenter.props.n_threads = 2
seg = segmenter.segment(image, None)
assert seg.get_width() == 822
counts = [seg.count(label) for label in (Sheath.Label.BACKGROUND, Sheath.Label.MYELIN, Sheath.Label.AXON)]
assert sum(counts) == 822 * 771
with tempfile.TemporaryDirectory() as out:
    seg.save(out, "sample")
    assert sorted(os.listdir(out)) == ["sample_seg-axon.png", "sample_seg-axonmyelin.png", "sample_seg-myelin.png"]
print("ok 3 blocking segmentation and masks")

loop = GLib.MainLoop()
fractions = []
result = {}
segmenter.connect("notify::fraction", lambda s, p: fractions.append(s.props.fraction))


def done(source, res):
    result["seg"] = source.segment_finish(res)
    loop.quit()


segmenter.segment_async(image, None, done)
loop.run()
assert result["seg"].get_height() == 771
assert fractions and fractions[-1] == 1.0
try:
    Sheath.Image.new_from_file(Gio.File.new_for_path(os.path.join(golden, "make-golden.py")))
    raise AssertionError("a Python file loaded as an image")
except GLib.Error as e:
    assert e.matches(Sheath.error_quark(), Sheath.Error.INVALID_IMAGE), e
print("ok 4 asynchronous segmentation with progress; errors as GLib.Error")
