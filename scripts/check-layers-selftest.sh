#!/usr/bin/env bash
# Shows that scripts/check-layers.sh catches what it claims: on a copy of
# src/ it must pass, then fail (naming the file) on each deliberate
# violation: a view file including a backend header, an engine file
# including SDL, a public lesson header including cmark, and a session file
# including cJSON. Exit 0 when every case behaves.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check="$root/scripts/check-layers.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fresh() {
    rm -rf "$tmp/src"
    cp -r "$root/src" "$tmp/src"
}

status=0
fresh
if ! "$check" "$tmp" >"$tmp/out" 2>&1; then
    echo "selftest: the unmodified copy fails:"
    cat "$tmp/out"
    exit 1
fi

# expect_failure FILE LINE-TO-ADD PATTERN-IN-OUTPUT
expect_failure() {
    fresh
    printf '%s\n' "$2" >>"$tmp/$1"
    if "$check" "$tmp" >"$tmp/out" 2>&1; then
        echo "selftest: '$2' in $1 was not caught"
        status=1
    elif ! grep -q "^$1:.*$3" "$tmp/out"; then
        echo "selftest: '$2' in $1: the report does not name it:"
        cat "$tmp/out"
        status=1
    else
        echo "selftest: caught: $(grep "^$1" "$tmp/out" | head -1)"
    fi
}

expect_failure src/view/help.c '#include "window.h"' "above it"
expect_failure src/engine/net.c '#include <SDL2/SDL.h>' "SDL header"
expect_failure src/lesson/lesson.h '#include <cmark.h>' "cmark header"
expect_failure src/session/settings.c '#include <cjson/cJSON.h>' "cJSON header"
expect_failure src/base/error.c '#include "net.h"' "above it"
exit $status
