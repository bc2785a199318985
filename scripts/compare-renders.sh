#!/usr/bin/env bash
# Renders every step of every shipped lesson at the sizes of a baseline tree
# and compares each PNG byte for byte with the baseline's.
#   scripts/compare-renders.sh BASELINE_DIR [RNNVIZ_BIN]
# BASELINE_DIR/<lesson>/<W>x<H>-<scale>/step-NN.png, as made by
#   rnnviz render --lesson lessons/<lesson>.md --all --size WxH --scale S --out DIR/
# Exits 0 when every file is identical, 1 when any differs or is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:?usage: compare-renders.sh BASELINE_DIR [RNNVIZ_BIN]}"
bin="${2:-$root/build/rnnviz}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

compared=0
differ=0
for dir in "$base"/*/*/; do
    dir="${dir%/}"
    lesson="$(basename "$(dirname "$dir")")"
    variant="$(basename "$dir")"  # e.g. 1280x720-1.5
    size="${variant%-*}"
    scale="${variant##*-}"
    out="$tmp/$lesson/$variant"
    mkdir -p "$out"
    "$bin" render --lesson "$root/lessons/$lesson.md" --all --size "$size" \
        --scale "$scale" --out "$out/" >/dev/null
    for want in "$dir"/*.png; do
        got="$out/$(basename "$want")"
        compared=$((compared + 1))
        if ! cmp -s "$want" "$got"; then
            echo "differs: $lesson/$variant/$(basename "$want")"
            differ=$((differ + 1))
        fi
    done
    extra=$(comm -13 <(cd "$dir" && ls) <(cd "$out" && ls) | wc -l)
    if [ "$extra" -ne 0 ]; then
        echo "extra renders in $lesson/$variant: $extra"
        differ=$((differ + 1))
    fi
done
echo "compare-renders: $compared files compared, $differ differ"
[ "$compared" -gt 0 ] && [ "$differ" -eq 0 ]
