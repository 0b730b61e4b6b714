#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the build into a temporary DESTDIR and checks that every part lands
# where a GNOME system looks for it, then runs the installed sheath-cli on a
# real image with the installed SEM model.  TAP output.
#
#   test-install.sh BUILD_DIR PREFIX LIBDIR DATADIR IMAGE APP_ID
set -u
build=$1 prefix=$2 libdir=$3 datadir=$4 image=$5 app_id=$6
if [ ! -f "$image" ]; then
  echo "1..0 # SKIP shared test data missing: $image"
  exit 0
fi
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
root=$dest$prefix
n=0
check() {
  n=$((n + 1))
  if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" > "$dest/install.log" 2>&1
rc=$?
check "meson install into a DESTDIR" '[ $rc -eq 0 ] || { sed "s/^/# /" "$dest/install.log"; false; }'
check "the app and the CLI in bin/" '[ -x "$root/bin/sheath" ] && [ -x "$root/bin/sheath-cli" ]'
check "libsheath, its headers and pkg-config file" \
  'ls "$root/$libdir"/libsheath-1.0.so.* >/dev/null 2>&1 && [ -f "$root/include/sheath-1.0/sheath.h" ] &&
   [ -f "$root/$libdir/pkgconfig/sheath-1.0.pc" ]'
check "GIR and typelib" \
  '[ -f "$root/$datadir/gir-1.0/Sheath-1.0.gir" ] && [ -f "$root/$libdir/girepository-1.0/Sheath-1.0.typelib" ]'
check "desktop file, metainfo, schema and icon under the app id" \
  '[ -f "$root/$datadir/applications/$app_id.desktop" ] && [ -f "$root/$datadir/metainfo/$app_id.metainfo.xml" ] &&
   [ -f "$root/$datadir/glib-2.0/schemas/$app_id.gschema.xml" ] &&
   [ -f "$root/$datadir/icons/hicolor/scalable/apps/$app_id.svg" ]'
check "help where Yelp finds help:$app_id" '[ -f "$root/$datadir/help/C/$app_id/index.page" ]'
models=$root/$datadir/sheath/models
check "the SEM model and its card" '[ -f "$models/sem.safetensors" ] && [ -f "$models/sem.md" ]'

# the installed CLI, with nothing from the build tree on its paths (the
# models folder is named only because the prefix sits inside a DESTDIR)
out=$dest/out
mkdir -p "$out"
env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$root/$libdir" SHEATH_MODELS_DIR="$models" \
  "$root/bin/sheath-cli" segment --model sem \
  --output-dir "$out" --morphometrics "$image" > "$dest/segment.log" 2>&1
rc=$?
stem=$(basename "${image%.*}")
check "the installed sheath-cli segments and measures a real image with the SEM model" \
  '[ $rc -eq 0 ] && [ -s "$out/${stem}_seg-axonmyelin.png" ] && [ -s "$out/${stem}_axon_morphometrics.csv" ] ||
   { sed "s/^/# /" "$dest/segment.log"; false; }'
# shipped models are looked up under the prefix, never in the source tree
msg=$(env -i PATH=/usr/bin:/bin "$root/bin/sheath-cli" info no-such-model 2>&1)
check "the installed CLI looks for shipped models in PREFIX/share/sheath/models" \
  'case $msg in *"$prefix/$datadir/sheath/models"*) true ;; *) echo "# $msg"; false ;; esac'

env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$root/$libdir" GI_TYPELIB_PATH="$root/$libdir/girepository-1.0" \
  python3 -c 'import gi; gi.require_version("Sheath", "1.0"); from gi.repository import Sheath; print(Sheath.Model)' \
  > "$dest/gi.log" 2>&1
rc=$?
check "Python finds the installed typelib" '[ $rc -eq 0 ] || { sed "s/^/# /" "$dest/gi.log"; false; }'
echo "1..$n"
