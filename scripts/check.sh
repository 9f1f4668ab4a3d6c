#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build, lint, then one boot of each kernel.  The stock kernel
# runs the user-space tests; the debug kernel runs the KUnit suites and the
# same user-space tests under KASAN, lockdep, UBSAN and kmemleak.  Every
# step, TAP point, KUnit case and boot verdict counts once.  The last line
# is "N passed, N failed", also kept in build/check-summary.

set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p build
summary=$top/build/check-summary
rm -f "$summary"
pass=0 fail=0
failed_names=()

count() {
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "check: PASS $2"
	else
		fail=$((fail + 1))
		failed_names+=("$2")
		echo "check: FAIL $2"
	fi
}

# Count the test points of TAP files: "ok" and "not ok" lines.
count_tap() {
	local f p n
	for f in "$@"; do
		[ -f "$f" ] || continue
		p=$(grep -c '^ok ' "$f")
		n=$(grep -c '^not ok ' "$f")
		pass=$((pass + p))
		fail=$((fail + n))
		[ "$n" = 0 ] || failed_names+=("$(basename "$f" .tap): $n failed")
		echo "check: $(basename "$f" .tap): $p passed, $n failed"
	done
}

section() { echo; echo "check: == $* =="; }

section "debug kernel (cached after the first build)"
tree=$(scripts/build-debug-kernel.sh)
count $? "debug kernel built"

section "build"
make -s all > build/check-build.log 2>&1
count $? "xtcp.ko builds against the default KDIR"
make -s -C userspace-tests > build/check-userspace.log 2>&1
count $? "user-space tests build"
{ make -s -C tools/xtcp-tcp-bridge && make -s -C tools/xtcp-nc &&
	make -s -C tools/xtcp-synflood; } > build/check-tools.log 2>&1
count $? "tools build (the TCP bridge, xtcp-nc, xtcp-synflood)"

section "lint"
scripts/lint.sh > build/check-lint.log 2>&1
cat build/check-lint.log
count_tap build/check-lint.log

section "harness self-test (vm-verdict on synthetic runs)"
scripts/test-vm-verdict > build/check-verdict.log 2>&1
grep '^not ok' build/check-verdict.log
count_tap build/check-verdict.log

vm_run() {
	local kind=$1
	shift
	local out=$top/build/vm/check-$kind
	rm -rf "$out"
	section "$kind kernel"
	scripts/xtcp-vm "$@" --out "$out" -- scripts/guest-all
	count $? "$kind kernel: every guest test passed and the kernel reported nothing"
	count_tap "$out"/tap/*.tap
}

vm_run stock
vm_run debug --debug

section "KUnit (debug kernel)"
klog=$top/build/vm/check-debug/kunit.log
if [ -f "$klog" ] && [ -n "$tree" ]; then
	kres=$(python3 "$tree/tools/testing/kunit/kunit.py" parse "$klog" 2>&1)
	krc=$?
	echo "$kres" | grep -E '\[(PASSED|FAILED|CRASHED|SKIPPED)\]|Testing complete'
	ran=$(echo "$kres" | sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p' | tail -n 1)
	kpass=$(echo "$kres" | sed -n 's/.*passed: \([0-9]*\).*/\1/p' | tail -n 1)
	ran=${ran:-0}
	kpass=${kpass:-0}
	pass=$((pass + kpass))
	fail=$((fail + ran - kpass))
	[ "$krc" = 0 ] && [ "$ran" -gt 0 ] && [ "$ran" = "$kpass" ]
	count $? "KUnit: the parser's verdict ($kpass of $ran cases passed)"
else
	count 1 "KUnit: no KTAP log from the debug kernel"
fi

echo
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "check: failures:"
	printf 'check:   %s\n' "${failed_names[@]}"
fi
echo "$pass passed, $fail failed" | tee "$summary"
[ "$fail" = 0 ]
