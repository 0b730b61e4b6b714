#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stands in for a test whose tool is not installed, so that the test is
# counted and named as skipped instead of silently left out.
# Usage: missing-tool.sh WHAT…
echo "1..0 # SKIP not installed: $*"
