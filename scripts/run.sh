#!/usr/bin/env bash
# Installs what is missing, builds, and opens the rnnviz window on the first
# lesson. Without a display it renders the first lesson to a PNG and says where.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/deps.sh"
bash "$root/scripts/build.sh"
bin="$root/build/rnnviz"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec "$bin" "$@"
fi
first="$(ls "$root"/lessons/*.md | head -n 1)"
out="$root/build/rnnviz-lesson1.png"
"$bin" render --lesson "$first" --step 1 --size 1920x1080 --out "$out" >/dev/null
echo "rnnviz: no display, so the window cannot open; rendered $(basename "$first") (step 1) to $out"
echo "rnnviz: every step as slides: $bin render --lesson $first --all --out DIR"
