#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sets Sheath up on a fresh Debian 12 / Ubuntu machine and runs it:
#
#   sh tools/setup.sh run    install what is missing, build, segment the demo image
#   sh tools/setup.sh test   install what is missing, build, run the whole test suite
#                            (also under AddressSanitizer + UBSan, and each loader
#                            fuzzed for 30 s); ends "N passed, N failed"
#
# Packages come from apt (with sudo when not root). Builds go to build/,
# build-sanitize/ and build-fuzz/ (clang). Test data is read from ../shared or $SHEATH_SHARED_DIR.
set -eu

cd "$(dirname "$0")/.."
what=${1:-run}

packages="meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libglib2.0-bin libjson-glib-dev
  libtiff-dev libpng-dev zlib1g-dev libopenblas-dev gobject-introspection libgirepository1.0-dev
  libxlsxwriter-dev libgsl-dev libopenslide-dev
  gir1.2-glib-2.0 python3 python3-gi libgtk-4-dev libadwaita-1-dev itstool gettext desktop-file-utils"
[ "$what" = test ] && packages="$packages xvfb xauth dbus-daemon appstream yelp-tools flatpak-builder
  python3-numpy python3-pil python3-torch python3-skimage python3-scipy clang libclang-rt-14-dev
  at-spi2-core python3-pyatspi gir1.2-atspi-2.0 gi-docgen slurm-wlm munge python3-openpyxl"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

[ -f build/build.ninja ] || meson setup build
ninja -C build

# Prints "SUITE / TEST: SUBTEST # reason" for each skip in a meson testlog.txt.
list_skips() {
  [ -f "$1" ] || return 0
  awk '/^test: / { sub(/^test: +/, ""); name = $0; next }
       /^(not )?ok [0-9]+ .*# SKIP/ { line = $0; sub(/^(not )?ok [0-9]+ (- )?/, "", line); print name ": " line }
       /^1\.\.0 # SKIP/ { line = $0; sub(/^1\.\.0 # SKIP */, "", line); print name ": " line }' "$1"
}

case $what in
run)
  # the demo is SEM (rat spinal cord, 0.13 um): segment it with the shipped
  # SEM model, from the source tree's models/
  mkdir -p build/demo
  SHEATH_MODELS_DIR=models build/src/sheath-cli/sheath-cli segment --model sem --output-dir build/demo --morphometrics \
      data/demo/sem-spinal-cord-demo.png
  ls -l build/demo
  # with a display, open the app on the demo image too
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/src/sheath/sheath ]; then
    GSETTINGS_SCHEMA_DIR=build/data SHEATH_MODELS_DIR=models build/src/sheath/sheath data/demo/sem-spinal-cord-demo.png
  fi
  ;;
test)
  [ -f build-sanitize/build.ninja ] ||
    meson setup build-sanitize -Db_sanitize=address,undefined -Db_lundef=false -Dintrospection=false
  ninja -C build-sanitize

  # the loaders fuzzed with libFuzzer under ASan+UBSan, 30 s each
  [ -f build-fuzz/build.ninja ] ||
    CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
      -Dintrospection=false -Dgui=disabled -Dtests=false -Dfuzz_seconds=30
  ninja -C build-fuzz

  status=0
  meson test -C build --print-errorlogs > build/test-summary.log 2>&1 || status=1
  cat build/test-summary.log
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
      meson test -C build-sanitize --suite unit --print-errorlogs > build-sanitize/test-summary.log 2>&1 || status=1
  sed 's/^/[asan+ubsan] /' build-sanitize/test-summary.log
  meson test -C build-fuzz --suite fuzz --print-errorlogs > build-fuzz/test-summary.log 2>&1 || status=1
  # each target's executions and coverage, from libFuzzer's last line
  awk '/^test: / { sub(/^test: +/, ""); name = $0 } /DONE +cov:/ { sub(/^#/, ""); print "[fuzz] " name ": " $0 }' \
    build-fuzz/meson-logs/testlog.txt
  sed -n 's/^/[fuzz] /; /^\[fuzz\] \(Ok\|Fail\|Timeout\|Skipped\):/p' build-fuzz/test-summary.log

  passed=$(cat build/test-summary.log build-sanitize/test-summary.log build-fuzz/test-summary.log |
           awk '/^(Ok|Expected Fail):/ { n += $NF } END { print n + 0 }')
  failed=$(cat build/test-summary.log build-sanitize/test-summary.log build-fuzz/test-summary.log |
           awk '/^(Fail|Unexpected Pass|Timeout):/ { n += $NF } END { print n + 0 }')
  # every skip, of a whole test or of one subtest, by name and reason: meson
  # counts a test whose subtests were skipped as passed, so read the TAP
  skips=$( { list_skips build/meson-logs/testlog.txt
             list_skips build-sanitize/meson-logs/testlog.txt | sed 's/^/[asan+ubsan] /'; } )
  skipped=$(printf '%s' "$skips" | grep -c . || true)
  echo
  if [ "$skipped" -gt 0 ]; then
    echo "Skipped ($skipped; CI fails on any skip):"
    printf '%s\n' "$skips" | sed 's/^/  /'
    status=1
  fi
  echo "($skipped skipped)"
  echo "$passed passed, $failed failed"
  [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
  ;;
*)
  echo "usage: sh tools/setup.sh run|test" >&2
  exit 2
  ;;
esac
