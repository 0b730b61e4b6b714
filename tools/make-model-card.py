#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a shipped model's card (models/NAME.md) from what is known of it:
its metadata (read with sheath-cli info), the figures of `sheath-cli
evaluate --json` on the held-out subjects, the data, the exact command and
the machine. Standard library only.

  make-model-card.py --name sem --model M.safetensors --evaluation E.json \
      --dataset DIR --command "..." [--cli build/src/sheath-cli/sheath-cli] > models/sem.md
"""
import argparse
import json
import os
import subprocess
import sys


def metadata(cli, model):
    out = subprocess.run([cli, "info", model], check=True, capture_output=True, text=True).stdout
    meta, inside = {}, False
    for line in out.splitlines():
        if line.strip() == "Metadata:":
            inside = True
        elif inside and " = " in line:
            key, value = line.strip().split(" = ", 1)
            meta[key] = value
    return meta


def machine():
    name = "unknown processor"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores" % (name, os.cpu_count() or 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--name", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--evaluation", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--command", required=True)
    p.add_argument("--cli", default="build/src/sheath-cli/sheath-cli")
    a = p.parse_args()

    meta = metadata(a.cli, a.model)
    with open(a.evaluation) as f:
        ev = json.load(f)
    o = ev["overall"]
    hours = float(meta.get("training_seconds", "0")) / 3600
    size_mb = os.path.getsize(a.model) / 1e6
    w = sys.stdout.write

    w("# %s — %s\n\n" % (a.name, meta.get("description", "")))
    w("A U-Net trained by Sheath's own trainer (`sheath-cli train`, no PyTorch) on a dataset in\n"
      "`../shared`. Figures are on subjects held out from training, from `sheath-cli evaluate`.\n\n")
    w("| | |\n|---|---|\n")
    w("| Data | `%s` (BIDS; images resampled to the model's pixel size) |\n" % os.path.basename(a.dataset.rstrip("/")))
    w("| Held out for validation | %s |\n" % meta.get("validation_subjects", "?").replace("\n", ", "))
    w("| Modality, pixel size | %s, %s µm |\n" % (meta.get("modality", "?"), meta.get("pixel_size_um", "?")))
    w("| Architecture | %s, depth %s, %s base channels, batch norm, %s classes (%s); %.1f MB |\n"
      % (meta.get("architecture", "?"), meta.get("depth", "?"), meta.get("base_channels", "?"),
         len(meta.get("classes", "").split(",")), meta.get("classes", "?"), size_mb))
    w("| Normalisation | %s |\n" % meta.get("normalization", "?"))
    w("| Training | %s epochs, %s steps, %.1f h on %s |\n"
      % (meta.get("training_epochs", "?"), meta.get("training_steps", "?"), hours, machine()))
    w("| Trained with | %s |\n\n" % meta.get("trained_with", "?"))
    w("Command:\n\n```sh\n%s\n```\n\n" % a.command)
    w("## Validation figures\n\n")
    w("| image | Dice axon | Dice myelin | accuracy | axon precision / sensitivity | "
      "myelin precision / sensitivity | detection P / R / F1 |\n|---|---|---|---|---|---|---|\n")
    rows = ev["images"] + [dict(o, image="overall (pooled)")]
    for r in rows:
        w("| %s | %.4f | %.4f | %.4f | %.3f / %.3f | %.3f / %.3f | %.3f / %.3f / %.3f |\n"
          % (os.path.basename(r["image"]), r["dice_axon"], r["dice_myelin"], r["pixel_accuracy"],
             r["precision_axon"], r["sensitivity_axon"], r["precision_myelin"], r["sensitivity_myelin"],
             r["detection_precision"], r["detection_recall"], r["detection_f1"]))
    w("\nA detected axon is a predicted axon whose IoU with a true one is at least 0.5.\n")


if __name__ == "__main__":
    main()
