#!/usr/bin/env bash
# The real window under Xvfb at 1920x1080: it opens larger than 1280x720,
# F11 then Esc leaves full screen without quitting, and Q (asked and
# confirmed, since a lesson is open) exits 0 and keeps the window's place.
# M records the window (a forward pass) to rnnviz-001.mp4, checked with
# ffprobe when it is there.
# Runs openbox for full screen. Skips with a message when Xvfb, xdotool or
# openbox is missing, or Xvfb cannot start.
# usage: scripts/test-window-xvfb.sh [path/to/rnnviz]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-$root/build/rnnviz}")"
for tool in Xvfb xdotool openbox; do
    if ! command -v "$tool" >/dev/null; then
        echo "rnnviz: window test skipped: no $tool (scripts/deps.sh --test installs it)"
        exit 0
    fi
done

work="$(mktemp -d)"
xpid="" apid="" wmpid=""
cleanup() {
    [ -n "$apid" ] && kill "$apid" 2>/dev/null || true
    [ -n "$wmpid" ] && kill "$wmpid" 2>/dev/null || true
    [ -n "$xpid" ] && kill "$xpid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "rnnviz: window test FAILED: $*" >&2
    exit 1
}

# a free display number; Xvfb writes it to fd 3 when it is ready
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xpid=$!
for _ in $(seq 50); do
    [ -s "$work/display" ] && break
    sleep 0.1
done
if [ ! -s "$work/display" ]; then
    echo "rnnviz: window test skipped: Xvfb did not start ($(head -c 200 "$work/xvfb.log"))"
    exit 0
fi
export DISPLAY=":$(cat "$work/display")"
export XDG_CONFIG_HOME="$work/config" # no remembered size: a first start
unset SDL_VIDEODRIVER
# full screen is the window manager's business (_NET_WM_STATE): a small one
openbox --sm-disable >"$work/wm.log" 2>&1 &
wmpid=$!
sleep 1

cd "$work"
"$bin" "$root/lessons/02-forward-pass.md" >"$work/out.log" 2>&1 &
apid=$!
wid=""
for _ in $(seq 100); do
    wid="$(xdotool search --pid "$apid" --name rnnviz 2>/dev/null | head -1 || true)"
    [ -n "$wid" ] && break
    kill -0 "$apid" 2>/dev/null || fail "rnnviz exited: $(cat "$work/out.log")"
    sleep 0.1
done
[ -n "$wid" ] || fail "no window appeared"
sleep 1

size() {
    eval "$(xdotool getwindowgeometry --shell "$wid")"
    echo "${WIDTH}x${HEIGHT}"
}
press() {
    xdotool windowfocus --sync "$wid" 2>/dev/null || true
    xdotool key "$1"
    sleep 1
}
alive() { kill -0 "$apid" 2>/dev/null; }

opened="$(size)"
w="${opened%x*}" h="${opened#*x}"
[ "$w" -gt 1280 ] && [ "$h" -gt 720 ] || fail "window opened at $opened, not larger than 1280x720"
echo "rnnviz: window opened at $opened on 1920x1080"

press F11
full="$(size)"
[ "$full" = 1920x1080 ] || fail "F11 gave $full, not 1920x1080"
press Escape
alive || fail "Esc quit the program"
back="$(size)"
[ "$back" != 1920x1080 ] || fail "Esc did not leave full screen ($back)"
echo "rnnviz: F11 -> $full, Esc -> $back, still running"

press m
press f
press m
[ -s rnnviz-001.mp4 ] || fail "M, F, M recorded no rnnviz-001.mp4: $(cat "$work/out.log")"
if command -v ffprobe >/dev/null; then
    probe="$(ffprobe -v error -count_frames -select_streams v:0 -of csv=p=0 \
        -show_entries stream=codec_name,width,nb_read_frames rnnviz-001.mp4)"
    frames="${probe##*,}"
    [[ "$probe" == h264,* ]] && [ "$frames" -ge 30 ] ||
        fail "the recording is not ~2 s of H.264: $probe"
    echo "rnnviz: M recorded rnnviz-001.mp4 (codec,width,frames: $probe)"
fi

press q
alive || fail "Q quit without asking while a lesson is open"
press y
for _ in $(seq 50); do
    alive || break
    sleep 0.1
done
alive && fail "Q then Y did not quit"
rc=0
wait "$apid" || rc=$?
apid=""
[ "$rc" -eq 0 ] || fail "rnnviz exited with $rc: $(cat "$work/out.log")"
[ -s "$XDG_CONFIG_HOME/rnnviz/window" ] || fail "the window's place was not kept"
echo "rnnviz: window test passed (Q asked, Y quit with 0; kept: $(cat "$XDG_CONFIG_HOME/rnnviz/window"))"
