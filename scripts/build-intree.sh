#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-intree.sh [y|m]...
#
# Build XTCP inside a kernel tree, as an upstream patch would put it there:
# Kbuild, Kconfig, src/ and kunit/ as net/xtcp/, the uapi header as
# include/uapi/linux/xtcp.h, the trace header as include/trace/events/xtcp.h,
# `source "net/xtcp/Kconfig"` in net/Kconfig and `obj-$(CONFIG_XTCP) +=
# xtcp/` in net/Makefile.  Then, for each mode given (default: y m):
#
#   y  CONFIG_XTCP=y, XTCP_DIAG=y, XTCP_KUNIT_TEST=y: vmlinux links with
#      XTCP built in (its symbols are checked with nm);
#   m  CONFIG_XTCP=m, XTCP_DIAG=m, XTCP_KUNIT_TEST=m: xtcp.ko, xtcp_diag.ko
#      and xtcp_kunit.ko in net/xtcp/.
#
# The kernel is the debug kernel of build-debug-kernel.sh (built first if
# it is not).  Its cached tree is the kernel every test boots and is never
# written to: each mode works on a copy of it, build/intree/<mode>/, made
# once (2 GB, under a minute) and then built incrementally, with the
# compiler the debug kernel was built with, so a run rebuilds only XTCP and
# relinks.  Any warning or error that names XTCP fails the run, as does a
# failed build.  The bzImage of mode y is left in
# build/intree/y/arch/x86/boot/bzImage; the logs in build/intree/<mode>.log.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/intree

log() { echo "build-intree: $*" >&2; }
die() { log "$*"; exit 1; }

modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(y m)
for mode in "${modes[@]}"; do
	case "$mode" in
	y|m) ;;
	*) die "unknown mode $mode (y or m)" ;;
	esac
done

# Seconds since $1 (a `date +%s.%N`), one decimal.
since() { echo "$(date +%s.%N) $1" | awk '{ printf "%.1f", $1 - $2 }'; }

kernel=$("$top/scripts/build-debug-kernel.sh")
[ -f "$kernel/.xtcp-built" ] || die "$kernel is not a built debug kernel"
# What a copy was made from: the cached tree and when it was built.
origin="$(basename "$kernel") $(stat -c %Y "$kernel/.xtcp-built")"

# The compiler of the tree's last configuration (build-debug-kernel.sh
# uses ccache when it is installed): another one would rebuild it all.
# shellcheck disable=SC2016 # make's $(CC), literally
cc=$(sed -n 's/^ifneq "$(CC)" "\(.*\)"$/\1/p' \
	"$kernel/include/config/auto.conf.cmd")
[ -n "$cc" ] || die "no CC in $kernel/include/config/auto.conf.cmd"
# A ccache of our own: the debug kernel's cache is left alone too.
export CCACHE_DIR=$work/ccache
jobs=$(nproc)

mkdir -p "$work"
exec 9>"$work/.lock"
flock 9

# A copy of the cached tree for one mode, made again when that tree was
# rebuilt.  Copied aside, then renamed: a copy is whole or absent.
copy_tree() {
	local tree=$1 t0
	if [ -f "$tree/.xtcp-intree-origin" ] &&
		[ "$(cat "$tree/.xtcp-intree-origin")" = "$origin" ]; then
		return
	fi
	t0=$(date +%s.%N)
	rm -rf "$tree" "$tree.tmp"
	cp -a "$kernel" "$tree.tmp"
	echo "$origin" > "$tree.tmp/.xtcp-intree-origin"
	mv "$tree.tmp" "$tree"
	log "$(basename "$tree"): copied $(basename "$kernel") in $(since "$t0") s"
}

# Put XTCP where a patch would.  Files are compared by content and only
# changed ones are written (with a new mtime), so make sees exactly them.
drop_in() {
	local tree=$1 d
	mkdir -p "$tree/net/xtcp"
	for d in src kunit; do
		rsync -rc --delete --include '*.[ch]' --exclude '*' \
			"$top/$d/" "$tree/net/xtcp/$d/"
	done
	rsync -c "$top/Kbuild" "$top/Kconfig" "$tree/net/xtcp/"
	rsync -c "$top/include/uapi/linux/xtcp.h" "$tree/include/uapi/linux/xtcp.h"
	rsync -c "$top/include/trace/events/xtcp.h" \
		"$tree/include/trace/events/xtcp.h"
	if ! grep -qx 'source "net/xtcp/Kconfig"' "$tree/net/Kconfig"; then
		sed -i '/^source "net\/sctp\/Kconfig"$/a source "net/xtcp/Kconfig"' \
			"$tree/net/Kconfig"
		grep -qx 'source "net/xtcp/Kconfig"' "$tree/net/Kconfig" ||
			die "net/Kconfig: no line for net/sctp/Kconfig to follow"
	fi
	# shellcheck disable=SC2016 # make's $(CONFIG_...), literally
	if ! grep -q '^obj-$(CONFIG_XTCP)' "$tree/net/Makefile"; then
		sed -i '/^obj-$(CONFIG_IP_SCTP)/a obj-$(CONFIG_XTCP)\t\t+= xtcp/' \
			"$tree/net/Makefile"
		grep -q '^obj-$(CONFIG_XTCP)' "$tree/net/Makefile" ||
			die "net/Makefile: no line for sctp/ to follow"
	fi
}

# CONFIG_XTCP, XTCP_DIAG and XTCP_KUNIT_TEST all = $2, checked after
# olddefconfig (which would quietly lower them if a dependency failed).
configure() {
	local tree=$1 val=$2 opt flag
	[ "$val" = y ] && flag=--enable || flag=--module
	(
		cd "$tree"
		scripts/config --file .config "$flag" XTCP "$flag" XTCP_DIAG \
			"$flag" XTCP_KUNIT_TEST
		make -s CC="$cc" olddefconfig >/dev/null
		for opt in XTCP XTCP_DIAG XTCP_KUNIT_TEST; do
			grep -qx "CONFIG_$opt=$val" .config ||
				die "$mode: CONFIG_$opt=$val did not stick"
		done
	)
}

# First net/xtcp/ alone: all it compiles is XTCP's, so any warning is
# ours, even one gcc reports in a kernel header.  Then what the debug
# kernel's build makes, bzImage and modules: it links XTCP in (y) and
# runs modpost and objtool over it, whose warnings name an XTCP file or
# symbol (the path of this checkout is no XTCP name: it is left out);
# others are the kernel's own, shown but not failed on.
make_in() {
	local tree=$1 out=$2
	shift 2
	if ! (cd "$tree" && make -j"$jobs" CC="$cc" "$@") >>"$out" 2>&1; then
		grep -E 'error:|warning:|Error [0-9]' "$out" >&2 ||
			tail -n 30 "$out" >&2
		die "$mode: make $* failed (log: ${out#"$top"/})"
	fi
}

build() {
	local tree=$1 out=$2 t0 line bad=0
	: >"$out"
	t0=$(date +%s.%N)
	make_in "$tree" "$out" net/xtcp/
	if grep -iE 'warning:|error:' "$out" >&2; then
		die "$mode: warnings in net/xtcp (log: ${out#"$top"/})"
	fi
	log "$mode: make -j$jobs net/xtcp/ in $(since "$t0") s"
	t0=$(date +%s.%N)
	make_in "$tree" "$out" bzImage modules
	while IFS= read -r line; do
		echo "$line" >&2
		case "${line//"$top"/}" in
		*[Xx][Tt][Cc][Pp]*) bad=1 ;;
		esac
	done < <(grep -iE 'warning:|error:' "$out" || true)
	[ $bad = 0 ] || die "$mode: warnings in XTCP (log: ${out#"$top"/})"
	log "$mode: make -j$jobs bzImage modules in $(since "$t0") s"
}

# nm once into a file: `nm | grep -q` fails under pipefail when grep
# quits early.
symbols() {
	nm "$1/vmlinux" > "$work/$mode.nm"
	echo "$work/$mode.nm"
}

check_y() {
	local tree=$1 sym syms
	syms=$(symbols "$tree")
	for sym in xtcp_v4_rcv xtcp_init xtcp_diag_init xtcp_options_suite; do
		grep -qw "$sym" "$syms" || die "y: $sym is not in vmlinux"
	done
	log "y: in vmlinux, $(grep -c ' _*xtcp' "$syms") xtcp symbols:" \
		"$(grep -wE 'xtcp_v4_rcv|xtcp_diag_init|xtcp_options_suite' "$syms" |
			awk '{ printf "%s %s, ", $2, $3 }')..."
	for sym in xtcp xtcp_diag xtcp_kunit; do
		grep -qx "kernel/net/xtcp/$sym.ko" "$tree/modules.builtin" ||
			die "y: $sym is not in modules.builtin"
	done
	for sym in xtcp xtcp_diag xtcp_kunit; do
		[ ! -f "$tree/net/xtcp/$sym.ko" ] ||
			die "y: net/xtcp/$sym.ko in a built-in build"
	done
}

check_m() {
	local tree=$1 ko built=""
	for ko in xtcp xtcp_diag xtcp_kunit; do
		[ -f "$tree/net/xtcp/$ko.ko" ] || die "m: net/xtcp/$ko.ko was not built"
		built+=" net/xtcp/$ko.ko"
	done
	! grep -qw xtcp_v4_rcv "$(symbols "$tree")" ||
		die "m: xtcp_v4_rcv is in vmlinux"
	log "m: built$built, none of XTCP in vmlinux"
}

total0=$(date +%s.%N)
for mode in "${modes[@]}"; do
	tree=$work/$mode
	copy_tree "$tree"
	t0=$(date +%s.%N)
	drop_in "$tree"
	configure "$tree" "$mode"
	log "$mode: sources and CONFIG_XTCP=$mode in place in $(since "$t0") s"
	build "$tree" "$work/$mode.log"
	"check_$mode" "$tree"
done
log "done in $(since "$total0") s: ${modes[*]}"
