#!/usr/bin/env bash
# cmake --install into a temporary prefix, then the installed rnnviz, run
# from a directory outside the source tree with no RNNVIZ_* variables,
# must find its own lessons and fonts under PREFIX/share/rnnviz.
set -euo pipefail
build="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix with space"
cmake --install "$build" --prefix "$prefix" >/dev/null
unset RNNVIZ_ASSETS RNNVIZ_LESSONS
cd "$tmp"
bin="$prefix/bin/rnnviz"
fail() { echo "test_install: $*" >&2; exit 1; }

for f in share/rnnviz/lessons/05-vanishing-gradients.md share/rnnviz/fonts/DejaVuSans.ttf \
    share/rnnviz/fonts/LICENSE-DejaVu.txt share/rnnviz/text/nursery-rhymes.txt \
    share/applications/rnnviz.desktop share/icons/hicolor/scalable/apps/rnnviz.svg \
    share/icons/hicolor/48x48/apps/rnnviz.png share/icons/hicolor/128x128/apps/rnnviz.png \
    share/icons/hicolor/256x256/apps/rnnviz.png share/man/man1/rnnviz.1.gz \
    share/doc/rnnviz/README.md share/doc/rnnviz/copyright; do
    [ -s "$prefix/$f" ] || fail "missing $f"
done

"$bin" --version | grep -q '^rnnviz [0-9]' || fail "--version"
lessons="$("$bin" lessons)"
echo "$lessons" | grep -q "$prefix/share/rnnviz/lessons/05-vanishing-gradients.md" ||
    fail "rnnviz lessons does not list the installed lessons: $lessons"
"$bin" render --lesson "$prefix/share/rnnviz/lessons/01-what-is-an-rnn.md" --step 1 \
    --size 640x360 --out "$tmp/s1.png" || fail "render from the installed tree"
[ "$(head -c 8 "$tmp/s1.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] ||
    fail "render wrote no PNG"
# The default text file of the text task is the installed one.
"$bin" train --task text --iters 1 --steps 8 --quiet >/dev/null || fail "text task"
# An override still wins, and a wrong one is named in the error.
if RNNVIZ_ASSETS="$tmp/nowhere" "$bin" render --size 640x360 --out "$tmp/x.png" 2>"$tmp/err"; then
    fail "a wrong RNNVIZ_ASSETS was ignored"
fi
grep -q "$tmp/nowhere/fonts" "$tmp/err" || fail "error does not name the override: $(cat "$tmp/err")"
# The video module sits in lib/rnnviz and the installed rnnviz loads it.
if [ -e "$build/rnnviz-video.so" ]; then
    [ -s "$prefix/lib/rnnviz/rnnviz-video.so" ] || fail "missing lib/rnnviz/rnnviz-video.so"
    if ldd "$bin" | grep -Eq 'libav(codec|format|filter|util)|libswscale'; then
        fail "the installed rnnviz links FFmpeg (it should load lib/rnnviz/rnnviz-video.so)"
    fi
    "$bin" render --size 320x240 --fps 5 --video "$tmp/v.mp4" 2>"$tmp/err" ||
        fail "render --video from the installed tree: $(cat "$tmp/err")"
    [ "$(head -c 8 "$tmp/v.mp4" | tail -c 4)" = ftyp ] || fail "render --video wrote no MP4"
fi
echo "test_install: ok ($prefix)"
