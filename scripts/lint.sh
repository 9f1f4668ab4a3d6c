#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The style and static checks, each one TAP line: checkpatch --strict (from
# linux-source-6.12) on src/, include/, kunit/, and the order of their
# local declarations (scripts/xmas-tree.py); W=1 builds against Debian's
# 6.12 headers and, when it is built, the debug kernel (which adds the
# KUnit module), sparse (C=2) with the last of them: the debug kernel's
# when there is one, else the stock one.  Any warning fails its line.

set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
n=0 failed=0
log=$top/build/lint
mkdir -p "$log"

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

tree=$(scripts/build-debug-kernel.sh --source)
files=$(find src include kunit -name '*.[ch]' | sort)
# shellcheck disable=SC2086
"$tree/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
	-f $files > "$log/checkpatch.txt" 2>&1
bad=$(grep -E ': (ERROR|WARNING|CHECK):' "$log/checkpatch.txt")
[ -n "$bad" ] && echo "$bad"
[ -z "$bad" ]
result $? "checkpatch --strict on src/ include/ kunit/"

# netdev's reverse Christmas tree order of local declarations.
# shellcheck disable=SC2086
scripts/xmas-tree.py $files
result $? "declarations in reverse Christmas tree order"

# W=1, and sparse with C=2, over a fresh copy, so every file is compiled
# and checked.
build_checked() {
	local kdir=$1 name=$2 sparse=$3
	rm -rf "$top/build/lint-$name"
	if ! scripts/build-module.sh "$kdir" "$top/build/lint-$name" W=1 \
		${sparse:+C=2} > "$log/build-$name.txt" 2>&1; then
		cat "$log/build-$name.txt"
		return 1
	fi
	if grep -E 'warning:|error:' "$log/build-$name.txt"; then
		return 1
	fi
	[ -z "$sparse" ] || grep -q CHECK "$log/build-$name.txt"
}

stock=$(ls -d /lib/modules/6.12.*/build 2>/dev/null | sort -V | tail -n 1)
stock_name=$(basename "$(dirname "$stock")")
if [ -f "$tree/.xtcp-built" ]; then
	build_checked "$stock" stock ""
	result $? "W=1 clean against $stock_name"
	build_checked "$tree" debug sparse
	result $? "W=1 and sparse clean against the debug kernel (with KUnit)"
else
	build_checked "$stock" stock sparse
	result $? "W=1 and sparse clean against $stock_name"
	echo "# debug kernel not built yet: its W=1/sparse build skipped"
fi

# The verdict reads the guest's whole kernel log at the end of a boot: a
# test that clears it would hide the reports of every test before it.
bad=$(grep -rn -- 'dmesg -C\|dmesg --clear\|dmesg -c\b' userspace-tests scripts |
	grep -v '^scripts/vm-guest:' | grep -v '^scripts/lint.sh:')
[ -n "$bad" ] && echo "$bad"
[ -z "$bad" ]
result $? "no test clears the guest's kernel log"

echo "1..$n"
[ $failed = 0 ]
