#!/usr/bin/env bash
# The include graph of src/ against the layers of DESIGN.md:
#   base <- engine <- session <- lesson <- view <- app <- backend <- cli
# A file's layer is its folder (src/<layer>/); a quoted include names a
# header by its bare name, found in exactly one layer folder. Fails (exit 1,
# one line per violation, "FILE:LINE: problem") when a file
#   - includes a header of a layer above its own,
#   - includes a header across a FORBID edge below,
#   - includes an SDL header outside src/backend/,
#   - includes a cJSON or cmark header outside the .c files that parse,
#   - includes an FFmpeg header outside src/backend/video_module.c (the
#     module rnnviz loads for video; rnnviz itself must not link FFmpeg).
#   scripts/check-layers.sh [ROOT]   (ROOT: the tree holding src/; default: the repo)
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

LAYERS=(base engine session lesson view app backend cli)

# Edges the order above allows but the design does not: "FROM TO" means
# no file of layer FROM includes a header of layer TO. One quoted line each, e.g.
#   "view engine"   # the view reads only the session's per-frame view model
FORBID=(
    "view engine" # the view reads only the session's per-frame view model
)

# The .c files that parse with a third-party library, which may include it.
PARSERS_CJSON=(src/engine/model_io.c src/engine/data_io.c src/engine/json_strict.c)
# Headers private to those files (they name the library's types): only the
# files of that list may include them.
PRIVATE_CJSON=(json_strict.h)
PARSERS_CMARK=(src/lesson/lesson.c src/lesson/narration.c)

# Known violations owned by other work in progress, "FILE:HEADER", each to
# be removed when that work lands. Keep this list short.
KNOWN=(
)

declare -A rank header_layer
for i in "${!LAYERS[@]}"; do rank[${LAYERS[$i]}]=$i; done

fail=0
report() {
    echo "$1"
    fail=1
}

in_list() {
    local want="$1"
    shift
    local x
    for x in "$@"; do [ "$x" = "$want" ] && return 0; done
    return 1
}

for f in src/*/*.h; do
    layer="${f#src/}"
    layer="${layer%%/*}"
    name="${f##*/}"
    if [ -n "${header_layer[$name]:-}" ]; then
        report "$f: header name also in src/${header_layer[$name]}/ (names must be unique)"
    fi
    header_layer[$name]=$layer
done

check_file() {
    local f="$1" layer="$2" lineno line inc kind to
    while IFS=: read -r lineno line; do
        inc="$(sed -E 's/^#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"$line")"
        in_list "$f:$inc" "${KNOWN[@]}" && continue
        case "$line" in *'"'*) kind=quoted ;; *) kind=system ;; esac
        if [ "$kind" = quoted ]; then
            to="${header_layer[${inc##*/}]:-}"
            [ -z "$to" ] && continue
            if in_list "${inc##*/}" "${PRIVATE_CJSON[@]}" && ! in_list "$f" "${PARSERS_CJSON[@]}"; then
                report "$f:$lineno: $inc is private to the files that parse JSON"
            fi
            if [ "${rank[$to]}" -gt "${rank[$layer]}" ]; then
                report "$f:$lineno: $layer includes $inc of the $to layer above it"
            fi
            if in_list "$layer $to" "${FORBID[@]}"; then
                report "$f:$lineno: $layer includes $inc of the $to layer (forbidden edge)"
            fi
            continue
        fi
        case "$inc" in
        SDL*/* | SDL*.h)
            [ "$layer" = backend ] || report "$f:$lineno: SDL header $inc outside src/backend/" ;;
        cjson/* | cJSON*)
            in_list "$f" "${PARSERS_CJSON[@]}" || in_list "${f##*/}" "${PRIVATE_CJSON[@]}" ||
                report "$f:$lineno: cJSON header $inc outside the files that parse JSON" ;;
        libav*/* | libsw*/*)
            [ "$f" = src/backend/video_module.c ] ||
                report "$f:$lineno: FFmpeg header $inc outside src/backend/video_module.c" ;;
        cmark*)
            in_list "$f" "${PARSERS_CMARK[@]}" ||
                report "$f:$lineno: cmark header $inc outside the files that parse Markdown" ;;
        esac
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f" || true)
}

checked=0
for f in src/*/*.c src/*/*.h; do
    layer="${f#src/}"
    layer="${layer%%/*}"
    if [ -z "${rank[$layer]:-}" ]; then
        report "$f: folder src/$layer/ is not a layer (add it to LAYERS)"
        continue
    fi
    check_file "$f" "$layer"
    checked=$((checked + 1))
done
echo "check-layers: $checked files checked"
exit $fail
