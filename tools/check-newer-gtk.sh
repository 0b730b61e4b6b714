#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Compiles the app's sources (syntax and warnings only, -Werror) against
# the headers of a newer GTK, libadwaita and GLib than Debian 12's, so that
# the code behind GTK_CHECK_VERSION / ADW_CHECK_VERSION (GtkFileDialog from
# GTK 4.10 on, …) is checked here too. The headers come from Debian's next
# release (trixie: GTK 4.18, libadwaita 1.7, GLib 2.84), downloaded into a
# scratch folder with apt, never installed.
#
#   sh tools/check-newer-gtk.sh        (after ninja -C build)
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/root"
echo "deb http://deb.debian.org/debian trixie main" > "$tmp/sources.list"
apt_opts="-o Dir::Etc::SourceList=$tmp/sources.list -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists=$tmp/lists -o Dir::Cache=$tmp/cache -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get -qq $apt_opts update
(cd "$tmp" && apt-get -qq $apt_opts download libgtk-4-dev libadwaita-1-dev libglib2.0-dev libgio-2.0-dev \
   libpango1.0-dev libgraphene-1.0-dev)
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done

r=$tmp/root
gtk=$(sed -n 's/^Version: //p' "$r/usr/lib/x86_64-linux-gnu/pkgconfig/gtk4.pc")
adw=$(sed -n 's/^Version: //p' "$r/usr/lib/x86_64-linux-gnu/pkgconfig/libadwaita-1.pc")
gtk_minor=$(echo "$gtk" | cut -d. -f2)
adw_minor=$(echo "$adw" | cut -d. -f2)
echo "checking against GTK $gtk, libadwaita $adw"
others=$(pkg-config --cflags cairo gdk-pixbuf-2.0 json-glib-1.0 harfbuzz fribidi libpng |
         sed 's|-I/usr/include/glib-2.0||; s|-I/usr/lib/x86_64-linux-gnu/glib-2.0/include||')
status=0
for f in src/sheath/*.c; do
  # shellcheck disable=SC2086
  cc -fsyntax-only -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
     -Ibuild -Ibuild/src/libsheath -Isrc/libsheath -Ibuild/src/sheath -Isrc/sheath \
     -I"$r/usr/include/gtk-4.0" -I"$r/usr/include/libadwaita-1" -I"$r/usr/include/glib-2.0" \
     -I"$r/usr/lib/x86_64-linux-gnu/glib-2.0/include" -I"$r/usr/include/pango-1.0" \
     -I"$r/usr/include/graphene-1.0" -I"$r/usr/lib/x86_64-linux-gnu/graphene-1.0/include" $others \
     -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
     -DGDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_8 -DGDK_VERSION_MAX_ALLOWED=GDK_VERSION_4_$((gtk_minor - gtk_minor % 2)) \
     -DADW_VERSION_MIN_REQUIRED=ADW_VERSION_1_2 -DADW_VERSION_MAX_ALLOWED=ADW_VERSION_1_"$adw_minor" \
     "$f" || status=1
done
[ $status = 0 ] && echo "every app source compiles against GTK $gtk and libadwaita $adw"
exit $status
