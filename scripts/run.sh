#!/usr/bin/env bash
# Installs what is missing, builds, and opens the rnnviz window.
# Without a display it renders the first lesson to a PNG and says where.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/deps.sh"
bash "$root/scripts/build.sh"
bin="$root/build/rnnviz"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec "$bin" "$@"
fi
out="$root/build/rnnviz-headless.png"
"$bin" render --out "$out" "$@"
echo "rnnviz: no display; rendered the first view to $out"
