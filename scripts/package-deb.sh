#!/usr/bin/env bash
# Builds the Debian package rnnviz_VERSION_ARCH.deb with CPack: a Release
# build in build-deb/ (or $RNNVIZ_DEB_DIR) with Debian's hardening flags
# and prefix /usr, then cpack -G DEB (Depends computed by dpkg-shlibdeps).
# Runs lintian on it when lintian is installed (RNNVIZ_LINTIAN=0 skips).
# The path of the .deb is the last line printed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${RNNVIZ_DEB_DIR:-$root/build-deb}"

bash "$root/scripts/deps.sh"
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
# -fno-ident: no .comment section (lintian: binary-has-unneeded-section).
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS) -fno-ident"
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"
export CFLAGS LDFLAGS
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DRNNVIZ_SYSTEM_FONTS=ON -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target rnnviz rnnviz_install_files rnnviz_changelog
rm -f "$dir"/rnnviz_*.deb
(cd "$dir" && cpack -G DEB >/dev/null)
deb="$(ls "$dir"/rnnviz_*.deb)"
if [ "${RNNVIZ_LINTIAN:-1}" = 1 ] && command -v lintian >/dev/null; then
    echo "rnnviz: lintian $(basename "$deb"):"
    lintian --display-info --pedantic "$deb" || true
fi
echo "$deb"
