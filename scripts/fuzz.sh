#!/usr/bin/env bash
# Builds every libFuzzer harness (tests/fuzz/fuzz_*.c) with clang,
# AddressSanitizer and UBSan, and runs each for SECONDS (default 60).
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]     e.g. scripts/fuzz.sh 600 model data
#
# Harnesses: actions, data, do (flags + --do on a session + view), lesson,
# model, narration (a lesson's every step drawn into SVG and PNG; inputs up
# to 1 MiB, LESSON_MAX_BYTES). Seeds come from tests/fuzz/corpus/NAME
# (never written to; "do" also reads the actions corpus); inputs the fuzzer finds go to
# BUILD/corpus/NAME and crashes to BUILD/crashes/. BUILD is build-fuzz/ or
# $RNNVIZ_FUZZ_DIR; RNNVIZ_FUZZ_JOBS=2 runs two harnesses at once. With
# RNNVIZ_FUZZ_MERGE=1 the inputs that add coverage are merged into the
# seed corpus afterwards (tests/test_fuzz_corpus.c replays every seed).
# Exits non-zero when a harness crashed; replay a crash with
# BUILD/fuzz_NAME FILE, and after the fix keep FILE in
# tests/fuzz/crashes/NAME/ so the test suite replays it too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"
shift || true
out="${RNNVIZ_FUZZ_DIR:-$root/build-fuzz}"
jobs="${RNNVIZ_FUZZ_JOBS:-1}"
ncpu="$(nproc)"

# clang and its fuzzer runtime are needed here only, not for scripts/test.sh.
bash "$root/scripts/deps.sh" clang libclang-rt-14-dev

cc="${CC_FUZZ:-clang}"
pkgs=(sdl2 SDL2_ttf SDL2_image libcjson libcmark openblas lapacke)
read -ra pkg_cflags <<<"$(pkg-config --cflags "${pkgs[@]}")"
read -ra libs <<<"$(pkg-config --libs "${pkgs[@]}") -lm"
# shellcheck disable=SC2054 # the commas belong to -fsanitize
cflags=(-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
    '-DRNNVIZ_VERSION="fuzz"' "-DRNNVIZ_ASSETS_DIR=\"$root/assets\""
    "-DRNNVIZ_LESSONS_DIR=\"$root/lessons\""
    -I"$root/src/base" -I"$root/src/engine" -I"$root/src/session" -I"$root/src/view"
    -I"$root/src/lesson" -I"$root/src/app" -I"$root/src/backend" "${pkg_cflags[@]}")

# Waits for the oldest of the background jobs in pids when ncpu or more run.
pids=()
throttle() {
    local limit="$1"
    if [ ${#pids[@]} -ge "$limit" ]; then
        wait "${pids[0]}"
        pids=("${pids[@]:1}")
    fi
}
wait_all() {
    local p
    for p in "${pids[@]}"; do
        wait "$p"
    done
    pids=()
}

# The library code, instrumented for coverage, into one archive.
mkdir -p "$out/obj" "$out/corpus" "$out/crashes"
rm -f "$out"/obj/*.o "$out/librnnviz_fuzz.a"
for src in "$root"/src/{base,engine,session,lesson,view,app,backend}/*.c; do
    obj="$out/obj/$(basename "$(dirname "$src")")_$(basename "$src" .c).o"
    "$cc" "${cflags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
    pids+=($!)
    throttle "$ncpu"
done
wait_all
ar rcs "$out/librnnviz_fuzz.a" "$out"/obj/*.o

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$root"/tests/fuzz/fuzz_*.c; do
        names+=("$(basename "$f" .c | sed 's/^fuzz_//')")
    done
fi
for n in "${names[@]}"; do
    "$cc" "${cflags[@]}" -fsanitize=fuzzer "$root/tests/fuzz/fuzz_$n.c" \
        "$out/librnnviz_fuzz.a" "${libs[@]}" -o "$out/fuzz_$n" &
    pids+=($!)
    throttle "$ncpu"
done
wait_all

# One harness: its dictionary if any, new inputs kept apart from the seeds.
run_one() {
    local n="$1"
    local dict=() seeds=("$root/tests/fuzz/corpus/$1") rc=0 execs len=()
    [ -f "$root/tests/fuzz/$n.dict" ] && dict=(-dict="$root/tests/fuzz/$n.dict")
    if [ "$n" = "do" ]; then
        dict=(-dict="$root/tests/fuzz/actions.dict")
        seeds+=("$root/tests/fuzz/corpus/actions")
    fi
    if [ "$n" = "narration" ]; then
        dict=(-dict="$root/tests/fuzz/lesson.dict")
        len=(-max_len=1048576)
    fi
    mkdir -p "$out/corpus/$n"
    SDL_VIDEODRIVER=dummy OPENBLAS_NUM_THREADS=1 "$out/fuzz_$n" "${dict[@]}" "${len[@]}" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$n-" "$out/corpus/$n" "${seeds[@]}" \
        >"$out/fuzz_$n.log" 2>&1 || rc=$?
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/fuzz_$n.log" |
        grep -o '[0-9]*$' || echo '?')"
    echo "fuzz_$n: $execs executions in $secs s, exit $rc (log: $out/fuzz_$n.log)"
    return $rc
}

status=0
for n in "${names[@]}"; do
    run_one "$n" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do
    wait "$p" || status=1
done

if [ "${RNNVIZ_FUZZ_MERGE:-0}" = 1 ]; then
    for n in "${names[@]}"; do
        SDL_VIDEODRIVER=dummy OPENBLAS_NUM_THREADS=1 "$out/fuzz_$n" -merge=1 \
            "$root/tests/fuzz/corpus/$n" "$out/corpus/$n" >"$out/merge_$n.log" 2>&1
    done
fi
if [ $status -ne 0 ]; then
    echo "rnnviz: a harness crashed; reproducers in $out/crashes/" >&2
fi
exit $status
