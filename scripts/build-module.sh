#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KDIR OUTDIR [make arguments...]
#
# Build the module(s) for the kernel tree KDIR in OUTDIR, a copy of the
# sources, so builds for several kernels never share object files.

set -euo pipefail

kdir=$1
out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$out"
# Build products are excluded, which also keeps --delete off them.
for d in src include kunit; do
	rsync -a --delete --exclude '*.o' --exclude '.*.cmd' --exclude '*.ko' \
		--exclude '*.mod' --exclude '*.mod.c' "$top/$d/" "$out/$d/"
done
cp -p "$top/Kbuild" "$out/Kbuild"
make -C "$kdir" M="$out" "$@" modules
