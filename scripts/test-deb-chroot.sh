#!/usr/bin/env bash
# Installs rnnviz's .deb into a fresh Debian bookworm chroot and runs it
# there, from a directory outside any source tree:
#   rnnviz --version; rnnviz render --lesson /usr/share/rnnviz/lessons/
#   05-vanishing-gradients.md --all --out /tmp/s/; rnnviz lessons.
# Needs root and debootstrap (exit 77 with a message otherwise). The
# minbase system is cached as a tarball in the build dir ($RNNVIZ_BUILD_DIR
# or build/), so only the first run downloads it; delete it to refresh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${RNNVIZ_BUILD_DIR:-$root/build}"
mirror="${RNNVIZ_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="$build/debootstrap/bookworm-minbase.tar.gz"

if [ "$(id -u)" -ne 0 ] || ! command -v debootstrap >/dev/null; then
    echo "rnnviz: chroot install test skipped (needs root and debootstrap)"
    exit 77
fi
deb="$(RNNVIZ_LINTIAN=0 bash "$root/scripts/package-deb.sh" | tail -n 1)"
[ -f "$deb" ] || { echo "rnnviz: no package built" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/rnnviz-chroot.XXXXXX")"
chroot_dir="$work/root"
cleanup() {
    # Nothing is mounted in the chroot, so removing it touches only its files.
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [ ! -s "$cache" ]; then
    echo "rnnviz: debootstrap bookworm (minbase) into the cache $cache"
    mkdir -p "$(dirname "$cache")" "$work/base"
    debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
    tar -C "$work/base" -czf "$cache.tmp" . && mv "$cache.tmp" "$cache"
    rm -rf --one-file-system "$work/base"
fi
mkdir -p "$chroot_dir"
tar -C "$chroot_dir" -xzf "$cache"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$chroot_dir/tmp/"
in_chroot() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root DEBIAN_FRONTEND=noninteractive OPENBLAS_NUM_THREADS=1 "$@"; }

echo "rnnviz: apt-get install ./$(basename "$deb") in a fresh bookworm chroot"
in_chroot sh -c 'apt-get update -qq && cd /tmp &&
    apt-get install -y -qq --no-install-recommends ./rnnviz_*.deb' >"$work/apt.log" 2>&1 ||
    { tail -n 30 "$work/apt.log" >&2; exit 1; }

fail() { echo "rnnviz: chroot test FAILED: $*" >&2; exit 1; }
in_chroot sh -c 'mkdir -p /srv/elsewhere && cd /srv/elsewhere &&
    rnnviz --version > /tmp/version.txt &&
    rnnviz render --lesson /usr/share/rnnviz/lessons/05-vanishing-gradients.md --all --out /tmp/s/ &&
    rnnviz lessons > /tmp/lessons.txt' || fail "a command failed in the chroot"
version="$(cat "$chroot_dir/tmp/version.txt")"
echo "$version" | sed 's/^/  /'
echo "$version" | grep -q '^rnnviz [0-9]' || fail "--version: $version"
echo "$version" | grep -q '^OpenBLAS ' || fail "--version names no OpenBLAS"
pngs=("$chroot_dir"/tmp/s/step-*.png)
steps="$(grep -c '^## ' "$root/lessons/05-vanishing-gradients.md")"
[ "${#pngs[@]}" -eq $((steps + 1)) ] || fail "${#pngs[@]} PNGs for $steps steps plus the introduction"
for png in "${pngs[@]}"; do
    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$png is no PNG"
    [ "$(stat -c %s "$png")" -gt 20000 ] || fail "$png is nearly empty"
done
lessons="$(cat "$chroot_dir/tmp/lessons.txt")"
[ "$(grep -c '^/usr/share/rnnviz/lessons/0[0-8]-.*\.md ' <<<"$lessons")" -eq 9 ] ||
    fail "rnnviz lessons: $lessons"
[ -s "$chroot_dir/usr/share/man/man1/rnnviz.1.gz" ] || fail "no man page"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$chroot_dir/usr/share/applications/rnnviz.desktop" || fail "desktop entry"
fi
echo "rnnviz: chroot test passed (${#pngs[@]} slides, 9 lessons listed)"
