#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shipped models still score, on the subjects they were validated on,
what training recorded in them (and their cards print): `sheath-cli
evaluate` on the held-out subjects named in each model's metadata, overall
Dice of axon and myelin (and of unmyelinated axons, for a model that has
them) no more than 0.005 below the recorded figures, and, where the model
records it, the unmyelinated axons' detection F1 no more than 0.01 below.
Catches a damaged model file and any change to inference that costs
accuracy. TAP output; a missing model fails (both ship), a missing
dataset is skipped, saying so.

  test-shipped-models.py SHEATH_CLI MODELS_DIR SEM_DATASET TEM_DATASET
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

TOLERANCE = 0.005
# a fragment more or less moves a detection F1 by some 0.002
F1_TOLERANCE = 0.01


def metadata(model):
    """The safetensors header's __metadata__, read as PyTorch's tools would."""
    with open(model, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(length)).get("__metadata__", {})


def check(n, cli, model, dataset):
    """Prints TAP lines for one model; returns how many it printed."""
    name = os.path.basename(model)
    if not os.path.exists(model):
        print("not ok %d - %s is in the source tree (tools/train-shipped-models.sh makes it)" % (n, name))
        return 1
    if not os.path.isdir(dataset):
        print("ok %d - %s # SKIP no dataset at %s" % (n, name, dataset))
        return 1
    meta = metadata(model)
    subjects = meta.get("validation_subjects")
    classes = ("axon", "myelin", "uaxon") if "uaxon" in meta.get("classes", "").split(",") else ("axon", "myelin")
    recorded = {k: float(meta["validation_dice_" + k]) for k in classes
                if "validation_dice_" + k in meta}
    if not subjects or len(recorded) != len(classes):
        print("not ok %d - %s records its validation subjects and Dice" % (n, name))
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "evaluation.json")
        run = subprocess.run([cli, "evaluate", "--model", model, "--data", dataset,
                              "--subjects", subjects, "--json", report],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print("not ok %d - %s evaluates on %s" % (n, name, subjects))
            for line in (run.stdout + run.stderr).splitlines():
                print("# " + line)
            return 1
        with open(report) as f:
            overall = json.load(f)["overall"]
    printed = 0
    for k in classes:
        got = overall["dice_" + k]
        ok = got >= recorded[k] - TOLERANCE
        print("%s %d - %s on %s: Dice %s %.4f (recorded %.4f)"
              % ("ok" if ok else "not ok", n + printed, name, subjects, k, got, recorded[k]))
        printed += 1
    if "validation_uaxon_detection_f1" in meta:
        want = float(meta["validation_uaxon_detection_f1"])
        got = overall["uaxon_detection_f1"]
        print("%s %d - %s on %s: unmyelinated-axon detection F1 %.4f (recorded %.4f)"
              % ("ok" if got >= want - F1_TOLERANCE else "not ok", n + printed, name, subjects, got, want))
        printed += 1
    return printed


def main():
    cli, models, sem_data, tem_data = sys.argv[1:5]
    n = 1
    n += check(n, cli, os.path.join(models, "sem.safetensors"), sem_data)
    n += check(n, cli, os.path.join(models, "tem.safetensors"), tem_data)
    n += check(n, cli, os.path.join(models, "tem-uaxon.safetensors"), tem_data)
    print("1..%d" % (n - 1))


if __name__ == "__main__":
    main()
