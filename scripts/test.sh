#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test twice: in the
# normal build (build/, or $RNNVIZ_BUILD_DIR) and in a sanitizer build
# (build-asan/, or $RNNVIZ_ASAN_DIR: AddressSanitizer + UBSan,
# RelWithDebInfo). Long runs (ctest label "soak") are left out unless
# RNNVIZ_SOAK=1. The fuzz corpora are replayed by test_fuzz_corpus.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${RNNVIZ_BUILD_DIR:-$root/build}"
asan="${RNNVIZ_ASAN_DIR:-$root/build-asan}"
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

# The .deb in a fresh Debian chroot (exit 77: skipped, it said why).
start=$SECONDS
rc=0
RNNVIZ_BUILD_DIR="$build" bash "$root/scripts/test-deb-chroot.sh" || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit "$rc"
echo "rnnviz: package and chroot install test: $((SECONDS - start)) s"
