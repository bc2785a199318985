#!/usr/bin/env bash
# Renders README's screenshots (docs/*.png) with rnnviz render, so they
# show what the program draws today. Run after a change to the view:
#   scripts/readme-shots.sh [build-dir]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/build}/rnnviz"
out="$root/docs"
size=(--size 1280x720)
"$bin" render "${size[@]}" --task adding --steps 20 --hidden 16 --spectral-radius 0.8 --seed 3 \
    --do "forward all; backward 22" --out "$out/backward.png"
"$bin" render "${size[@]}" --lesson "$root/lessons/03-backprop-through-time.md" --step 3 \
    --out "$out/lesson.png"
"$bin" render "${size[@]}" --lesson "$root/lessons/05-vanishing-gradients.md" --step 2 \
    --out "$out/vanishing.png"
"$bin" render "${size[@]}" --cell lstm --task adding --steps 12 --hidden 8 --seed 5 \
    --do "forward 14" --out "$out/lstm.png"
"$bin" render "${size[@]}" --lesson "$root/lessons/07-lstm-and-gru.md" --step 7 \
    --out "$out/compare.png"
