#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the XTCP debug kernel from Debian's linux-source-6.12 and the
# committed config fragment, and print the path of the built tree.
#
# The tree is cached outside the repository, keyed by the source package's
# version and the hash of the fragment, so a run with nothing changed does
# not rebuild.  The cache root is $XTCP_CACHE_DIR, else
# $XDG_CACHE_HOME/xtcp, else ~/.cache/xtcp.
#
# With --source, only extract the tree (checkpatch needs no build); with
# --built, only say whether it is built (status 0) or not (status 1).

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug-kernel.config
src_tar=/usr/src/linux-source-6.12.tar.xz

home=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
cache=${XTCP_CACHE_DIR:-${XDG_CACHE_HOME:-$home/.cache}/xtcp}
mkdir -p "$cache"

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
cfghash=$( (cat "$fragment"; echo "$srcver") | sha256sum | cut -c1-12)
tree=$cache/linux-$srcver-$cfghash
stamp=$tree/.xtcp-built

log() { echo "build-debug-kernel: $*" >&2; }

source_only=0
[ "${1:-}" = --source ] && source_only=1

if [ -f "$stamp" ]; then
	echo "$tree"
	exit 0
fi
[ "${1:-}" = --built ] && exit 1

# One builder at a time per cache.
exec 9>"$cache/.lock"
flock 9
if [ -f "$stamp" ]; then
	echo "$tree"
	exit 0
fi

[ -f "$src_tar" ] || { log "$src_tar missing (run make deps)"; exit 1; }

if [ ! -f "$tree/Makefile" ]; then
	log "extracting $srcver into $tree"
	rm -rf "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -xf "$src_tar" -C "$tree.tmp" --strip-components=1
	rm -rf "$tree"
	mv "$tree.tmp" "$tree"
fi
if [ "$source_only" = 1 ]; then
	echo "$tree"
	exit 0
fi

cc=gcc
if command -v ccache >/dev/null; then
	export CCACHE_DIR=$cache/ccache
	cc="ccache gcc"
fi

cd "$tree"
log "configuring (tinyconfig + fragment)"
make -s tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null
make -s olddefconfig >/dev/null

# merge_config only warns: check that every requested option stuck.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx -- "$line" .config || { log "option did not stick: $line"; bad=1; }
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -q "^$opt=" .config; then
			log "option should be unset: $opt"
			bad=1
		fi
		;;
	esac
done < "$fragment"
[ "$bad" = 0 ] || exit 1

jobs=$(nproc)
log "building bzImage and modules with $jobs jobs (about 8 minutes cold)"
make -s -j"$jobs" CC="$cc" bzImage modules >/dev/null
touch "$stamp"
# Trees of older sources or fragments are 2 GB each and never used again.
for old in "$cache"/linux-*; do
	[ "$old" = "$tree" ] || rm -rf "$old"
done
log "done: $tree"
echo "$tree"
