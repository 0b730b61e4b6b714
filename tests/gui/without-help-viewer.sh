#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a command with the system's data dirs minus their applications/, so
# that no help viewer (nor any other app) is registered for help: URIs.
#
#   without-help-viewer.sh COMMAND [ARG…]
set -eu
dirs=$(mktemp -d)
trap 'rm -rf "$dirs"' EXIT
n=0
for d in $(echo "${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" | tr : ' '); do
  [ -d "$d" ] || continue
  n=$((n + 1))
  mkdir "$dirs/$n"
  for entry in "$d"/*; do
    [ "$(basename "$entry")" = applications ] || ln -s "$entry" "$dirs/$n/"
  done
  list=${list:+$list:}$dirs/$n
done
XDG_DATA_DIRS=${list:-$dirs} "$@"
