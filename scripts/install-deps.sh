#!/usr/bin/env bash
# Installs what ukrun needs on Debian 12. Idempotent: quick when all is there.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "install-deps: run as root" >&2; exit 1; }
pkgs=(qemu-system-x86 linux-image-amd64 kmod runc iproute2 e2fsprogs procps util-linux containerd containernetworking-plugins)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || { echo "install-deps: Go 1.26 is needed at /usr/local/go" >&2; exit 1; }
# crictl is not in Debian: build it once from the Go module proxy (cached).
tools=/var/cache/ukrun/tools
if [ ! -x "$tools/crictl" ]; then
  echo "install-deps: building crictl (once, a few minutes)"
  mkdir -p "$tools"
  GOBIN="$tools" GOFLAGS=-mod=mod PATH=/usr/local/go/bin:$PATH go install sigs.k8s.io/cri-tools/cmd/crictl@v1.37.0
fi
