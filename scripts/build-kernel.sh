#!/usr/bin/env bash
# Builds ukrun's own guest kernel from Debian's linux-source-6.1: tinyconfig
# plus kernel/guest.config, with kernel/patches/*.patch applied. Cached by the
# hash of the config, the patches and the source version (not the checkout's
# path): a second run is instant. Installs it as ukrun's default Linux guest
# kernel (/var/lib/ukrun/kernel) and prints the vmlinux path.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "build-kernel: run as root" >&2; exit 1; }
pkgs=(linux-source-6.1 build-essential patch bc bison flex libelf-dev xz-utils)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
src_tar=$(ls /usr/src/linux-source-6.1.tar.xz)
shopt -s nullglob
patches=("$here"/kernel/patches/*.patch)
shopt -u nullglob
key=$( (cat "$here/kernel/guest.config" "${patches[@]}"; dpkg-query -W -f='${Version}' linux-source-6.1) | sha256sum | cut -c1-16)
out=/var/cache/ukrun/guest-kernel/$key
install_kernel() {
  dest=/var/lib/ukrun/kernel
  mkdir -p "$dest"
  cp "$out/config" "$dest/config.tmp" && mv "$dest/config.tmp" "$dest/config"
  # Without its symbol table, which QEMU reads and sorts at each start (2-3
  # ms of it); the cached build keeps the symbols for debugging.
  strip --strip-all -o "$dest/vmlinux.tmp" "$out/vmlinux" && mv "$dest/vmlinux.tmp" "$dest/vmlinux"
  echo "$dest/vmlinux"
}
if [ -f "$out/vmlinux" ]; then
  touch "$out" # recently used: the pruning below keeps it
  install_kernel
  exit 0
fi
work=$(mktemp -d /var/tmp/ukrun-kernel.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xf "$src_tar"
cd "$work"/linux-source-6.1
for p in "${patches[@]}"; do patch -s -p1 <"$p" >&2; done
make -s ARCH=x86_64 tinyconfig >&2
scripts/kconfig/merge_config.sh -m .config "$here/kernel/guest.config" >&2
make -s ARCH=x86_64 olddefconfig >&2
make -s ARCH=x86_64 -j"$(nproc)" vmlinux >&2
mkdir -p "$out"
cp .config "$out/config"
cp vmlinux "$out/vmlinux.tmp" && mv "$out/vmlinux.tmp" "$out/vmlinux"
# Each config or patch change adds a build: keep the newest three.
ls -1dt "$(dirname "$out")"/*/ | tail -n +4 | xargs -r rm -rf
install_kernel
