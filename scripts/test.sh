#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test twice: in the
# normal build (build/, or $RNNVIZ_BUILD_DIR) and in a sanitizer build
# (build-asan/, or $RNNVIZ_ASAN_DIR: AddressSanitizer + UBSan,
# RelWithDebInfo). Long runs (ctest label "soak") are left out unless
# RNNVIZ_SOAK=1. The fuzz corpora are replayed by test_fuzz_corpus.
# A third build (build-nogui/, or $RNNVIZ_NOGUI_DIR) is configured with
# RNNVIZ_GUI=OFF: it runs its tests and checks that it neither found nor
# linked SDL, SDL_ttf or SDL_image.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${RNNVIZ_BUILD_DIR:-$root/build}"
asan="${RNNVIZ_ASAN_DIR:-$root/build-asan}"
nogui="${RNNVIZ_NOGUI_DIR:-$root/build-nogui}"
labels=(-LE soak)
[ "${RNNVIZ_SOAK:-0}" = 1 ] && labels=()

bash "$root/scripts/deps.sh" --test

start=$SECONDS
RNNVIZ_BUILD_DIR="$build" bash "$root/scripts/build.sh"
(cd "$build" && ctest --output-on-failure -j "$(nproc)" "${labels[@]}")
bash "$root/scripts/test-window-xvfb.sh" "$build/rnnviz"
echo "rnnviz: normal build and tests: $((SECONDS - start)) s"

start=$SECONDS
RNNVIZ_BUILD_DIR="$asan" bash "$root/scripts/build.sh" \
    -DRNNVIZ_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
(cd "$asan" && ctest --output-on-failure -j "$(nproc)" "${labels[@]}")
echo "rnnviz: sanitizer build and tests: $((SECONDS - start)) s"

start=$SECONDS
RNNVIZ_BUILD_DIR="$nogui" bash "$root/scripts/build.sh" -DRNNVIZ_GUI=OFF
(cd "$nogui" && ctest --output-on-failure -j "$(nproc)" "${labels[@]}")
# Cache entries (not comments) naming SDL mean a find_package/pkg_check ran.
if grep -v '^//' "$nogui/CMakeCache.txt" | grep -qi 'sdl'; then
    echo "rnnviz: the RNNVIZ_GUI=OFF build looked for SDL:" >&2
    grep -v '^//' "$nogui/CMakeCache.txt" | grep -i 'sdl' >&2
    exit 1
fi
for bin in "$nogui"/rnnviz "$nogui"/test_*; do
    if ldd "$bin" | grep -qi 'sdl'; then
        echo "rnnviz: $bin links SDL in the RNNVIZ_GUI=OFF build" >&2
        exit 1
    fi
done
echo "rnnviz: build without GUI (no SDL found or linked) and tests: $((SECONDS - start)) s"

# The .deb in a fresh Debian chroot (exit 77: skipped, it said why).
start=$SECONDS
rc=0
RNNVIZ_BUILD_DIR="$build" bash "$root/scripts/test-deb-chroot.sh" || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"
echo "rnnviz: package and chroot install test: $((SECONDS - start)) s"
