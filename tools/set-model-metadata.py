#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sets keys of a model's metadata, its tensors untouched:

  tools/set-model-metadata.py MODEL.safetensors KEY=VALUE...

e.g. test_time_flips=true, as chosen for the shipped TEM model (its card
says why)."""

import sys

from safetensors_metadata import write_with_metadata


def main():
    if len(sys.argv) < 3 or any("=" not in a for a in sys.argv[2:]):
        print(__doc__, file=sys.stderr)
        return 2
    changes = dict(a.split("=", 1) for a in sys.argv[2:])
    write_with_metadata(sys.argv[1], sys.argv[1], changes)
    print(f"{sys.argv[1]}: " + ", ".join(f"{k} = {v}" for k, v in changes.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
