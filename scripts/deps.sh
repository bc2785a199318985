#!/usr/bin/env bash
# Installs the Debian packages rnnviz needs, when any is missing.
# Sourced by run.sh and test.sh; extra package names may be passed.
set -euo pipefail

RNNVIZ_PACKAGES=(build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev
    libsdl2-image-dev libcmocka-dev libopenblas-dev liblapacke-dev
    libcjson-dev libcmark-dev util-linux "$@") # util-linux: prlimit in the tests

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
