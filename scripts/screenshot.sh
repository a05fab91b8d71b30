#!/usr/bin/env bash
# A screenshot of a report page with headless Chromium (the README's docs/report.png):
#
#   scripts/screenshot.sh PAGE.html OUT.png [WIDTH] [HEIGHT]
#
# Needs Debian's chromium (`apt-get install chromium`). The flags keep it off the network (the
# page needs none: it is self-contained) and out of the user's profile.
set -euo pipefail
page=${1:?usage: scripts/screenshot.sh PAGE.html OUT.png [WIDTH] [HEIGHT]}
out=${2:?usage: scripts/screenshot.sh PAGE.html OUT.png [WIDTH] [HEIGHT]}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size="${3:-1100},${4:-1900}" \
  --screenshot="$(realpath -m "$out")" "file://$(realpath "$page")" 2>/dev/null
echo "wrote $out"
