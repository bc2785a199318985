#!/usr/bin/env bash
# Installs the Debian packages rnnviz needs, when any is missing.
# Sourced by run.sh and test.sh; extra package names may be passed.
# --test adds the optional test tools (the Xvfb window test): installed
# when we can, otherwise that test skips itself.
set -euo pipefail

optional=()
if [ "${1:-}" = --test ]; then
    shift
    optional=(xvfb xdotool imagemagick openbox)
fi
RNNVIZ_PACKAGES=(build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev
    libsdl2-image-dev libcmocka-dev libopenblas-dev liblapacke-dev
    libcjson-dev libcmark-dev python3-numpy dpkg-dev file debootstrap desktop-file-utils
    lintian libavcodec-dev libavformat-dev libavfilter-dev libswscale-dev libavutil-dev
    ffmpeg "$@")
if [ "$(id -u)" -eq 0 ]; then
    RNNVIZ_PACKAGES+=("${optional[@]}")
fi

missing=()
for pkg in "${RNNVIZ_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "rnnviz: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "rnnviz: missing packages; run as root:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
