#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one libFuzzer target for SECONDS on a copy of its seed corpus (the
# committed seeds stay as they are) and prints libFuzzer's last figures.
# A crash, leak or sanitizer report fails, leaving the input in ARTIFACTS.
# Usage: run-fuzzer.sh FUZZER SEEDS SECONDS ARTIFACTS
set -eu
fuzzer=$1 seeds=$2 seconds=$3 artifacts=$4
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$artifacts"
cp -r "$seeds"/. "$corpus"/
# the image decoders may ask for up to 4 Gpx before reading a pixel: a
# refused allocation is an error the decoder reports, not a crash
ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
  "$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -malloc_limit_mb=3072 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" 2> "$corpus.log" || status=$?
if [ "${status:-0}" -ne 0 ]; then
  tail -60 "$corpus.log"
else
  grep -E "(INITED|DONE) |^stat::" "$corpus.log"
fi
echo "corpus: $(ls "$corpus" | wc -l) inputs (from $(ls "$seeds" | wc -l) seeds)"
rm -f "$corpus.log"
exit ${status:-0}
