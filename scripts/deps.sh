#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install from Debian's packages everything XTCP's build, harness and tests
# use.  Idempotent: with everything present it only checks and exits.

set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio
	xz-utils zstd rsync ccache sparse python3
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
	qemu-system-x86 busybox-static
	iproute2 ethtool tshark socat curl graphviz
	clang llvm libbpf-dev bpftool mandoc nftables iperf3
	nginx-light redis-server redis-tools
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'make deps' as root (apt-get install)" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
