#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build, lint, KUnit, and the user-space tests on both kernels.
#
# The work is a set of jobs run side by side, up to $XTCP_CHECK_JOBS (2)
# at once: the debug kernel's build (cached after the first), the lint,
# and the guests of scripts/check-plan, each a boot of one kernel running
# some of the tests.  Jobs that need the debug kernel wait for its build;
# stock-kernel guests start while it builds.  Each job's output goes to
# build/check/JOB.log; this script says when each starts and ends.
#
# Every step, TAP test point, KUnit case and guest verdict counts once.
# A TAP point marked "# SKIP" counts as skipped, apart from passes.  The
# last line is "N passed, N failed, N skipped", also kept in
# build/check-summary.

set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logs=$top/build/check
summary=$top/build/check-summary
plan=$top/scripts/check-plan
slots=${XTCP_CHECK_JOBS:-2}
rm -rf "$logs" "$summary"
mkdir -p "$logs"
pass=0 fail=0 skip=0
failed_names=()
t0=$SECONDS

stamp() { printf '[%2d:%02d]' $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)); }

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

# Count the test points of TAP files: "ok" (passed, or skipped when it
# carries "# SKIP") and "not ok"; print the failed and skipped ones.
count_tap() {
	local f p n s line

	for f in "$@"; do
		[ -f "$f" ] || continue
		s=$(grep -Eic '^ok .*# skip' "$f")
		p=$(($(grep -c '^ok ' "$f") - s))
		n=$(grep -c '^not ok ' "$f")
		pass=$((pass + p))
		fail=$((fail + n))
		skip=$((skip + s))
		[ "$n" = 0 ] || failed_names+=("$(basename "$f" .tap): $n failed")
		# The end of the output says what failed: each failed point
		# and the first two lines of its diagnosis, cut short.
		while IFS= read -r line; do
			failed_names+=("  $line")
		done < <(awk '/^not ok / { d = 2; print substr($0, 1, 200); next }
			d > 0 && /^#/ { d--; print "  " substr($0, 1, 200); next }
			{ d = 0 }' "$f")
		echo "check: $(basename "$f" .tap): $p passed, $n failed, $s skipped"
		grep -E '^not ok |^ok .*# [Ss][Kk][Ii][Pp]' "$f" | sed 's/^/check:   /'
	done
}

section() { echo; echo "check: == $* =="; }

# --- The plan ------------------------------------------------------------

# Every user-space test, as run-all names them.
all_tests() {
	(cd userspace-tests && ls ./*.c ./*.sh) | sed 's|^\./||; s/\.c$//'
}

# plan_tests KIND: the tests the plan gives KIND's guests, one a line.
plan_tests() {
	sed -n "s/^$1 [a-z0-9]*: //p" "$plan" | tr ' ' '\n' | sed '/^$/d'
}

# The plan runs every test once on each kernel, and KUnit once on debug,
# but for those of userspace-tests/long-only (make check-long only, on
# both kernels) and, on debug, userspace-tests/long-on-debug.
check_plan() {
	local want got bad=0

	want=$(all_tests | grep -vxFf userspace-tests/long-only | sort)
	got=$(plan_tests stock | sort)
	if [ "$want" != "$got" ]; then
		echo "check-plan, stock: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
		bad=1
	fi
	want=$( (all_tests | grep -vxFf userspace-tests/long-on-debug |
		grep -vxFf userspace-tests/long-only; echo kunit) | sort)
	got=$(plan_tests debug | sort)
	if [ "$want" != "$got" ]; then
		echo "check-plan, debug: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
		bad=1
	fi
	return $bad
}

# --- Jobs ----------------------------------------------------------------

declare -A job_cmd job_needs job_state job_began job_kind
jobs_order=()

# add_job NAME NEEDS CMD...: NEEDS is "kernel" or "-".
add_job() {
	local name=$1 needs=$2

	shift 2
	job_cmd[$name]=$(printf '%q ' "$@")
	job_needs[$name]=$needs
	job_state[$name]=waiting
	jobs_order+=("$name")
}

start_job() {
	job_state[$1]=running
	job_began[$1]=$SECONDS
	echo "check: $(stamp) start $1"
	(
		eval "${job_cmd[$1]}" >"$logs/$1.log" 2>&1
		# Whole or not at all: the loop polls for it.
		echo $? >"$logs/$1.rc.tmp"
		mv "$logs/$1.rc.tmp" "$logs/$1.rc"
	) &
}

# Run the jobs: the kernel's build first, then the others in plan order
# as slots free up; a job needing the kernel waits for it, and fails
# without running when the build failed.
run_jobs() {
	local name running left

	while :; do
		running=0 left=0
		for name in "${jobs_order[@]}"; do
			if [ "${job_state[$name]}" = running ] && [ -f "$logs/$name.rc" ]; then
				job_state[$name]=done
				echo "check: $(stamp) end $name (status $(cat "$logs/$name.rc"), $((SECONDS - job_began[$name])) s)"
			fi
			[ "${job_state[$name]}" = running ] && running=$((running + 1))
		done
		for name in "${jobs_order[@]}"; do
			[ "${job_state[$name]}" = waiting ] || continue
			left=$((left + 1))
			if [ "${job_needs[$name]}" = kernel ]; then
				[ "${job_state[kernel]}" = done ] || continue
				if [ "$(cat "$logs/kernel.rc")" != 0 ]; then
					echo 1 >"$logs/$name.rc"
					echo "no debug kernel" >"$logs/$name.log"
					job_state[$name]=done
					continue
				fi
			fi
			[ $running -lt "$slots" ] || continue
			start_job "$name"
			running=$((running + 1))
		done
		[ $running = 0 ] && [ $left = 0 ] && break
		wait -n 2>/dev/null || sleep 1
	done
}

section "plan"
check_plan
count $? "scripts/check-plan runs every test once on each kernel"

section "build"
make -s -C userspace-tests >"$logs/build-userspace.log" 2>&1
count $? "user-space tests build"
# Side by side: the module for the default KDIR, and what the stock
# guests need (the module for that kernel, the initramfs), which the
# first of them would otherwise build while the other guest waits on
# the build lock.
make -s all >"$logs/build-module.log" 2>&1 &
module_pid=$!
scripts/xtcp-vm --prepare >"$logs/build-guests.log" 2>&1 &
guests_pid=$!
{ make -s -C tools/xtcp-tcp-bridge && make -s -C tools/xtcp-nc &&
	make -s -C tools/xtcp-synflood && make -s -C tools/xtcp-ss &&
	make -s -C tools/xtcp-run && make -s -C tools/xtcp-fuzz; } \
	>"$logs/build-tools.log" 2>&1
count $? "tools build (the TCP bridge, xtcp-nc, xtcp-synflood, xtcp-ss, xtcp-run, xtcp-fuzz)"
scripts/test-vm-verdict >"$logs/verdict-selftest.log" 2>&1
count_tap "$logs/verdict-selftest.log"
wait $module_pid
count $? "xtcp.ko builds against the default KDIR"
wait $guests_pid
count $? "what the stock guests need builds"

section "jobs ($slots at once)"
# The kernel first (it uses every core while it builds), then the
# guests, and the lint (it needs the kernel's tree), in the plan's order.
# The kernel's job also builds what the debug guests need (the module,
# the initramfs): a cached kernel takes a slot for that, beside the first
# stock guest.  Its log's last line is the kernel's tree.
add_job kernel - bash -c \
	'scripts/xtcp-vm --debug --prepare && scripts/build-debug-kernel.sh'
while read -r kind name tests; do
	if [ "$kind" = lint ]; then
		add_job lint kernel scripts/lint.sh
		continue
	fi
	case "$kind" in stock|debug) ;; *) continue ;; esac
	name=${name%:}
	needs=- opt=()
	[ "$kind" = debug ] && needs=kernel opt=(--debug)
	# shellcheck disable=SC2086 # the tests are words
	add_job "$name" $needs scripts/xtcp-vm "${opt[@]}" --timeout 3600 \
		--out "$top/build/vm/check-$name" -- scripts/guest-all $tests
	job_kind[$name]=$kind
done <"$plan"
[ -n "${job_state[lint]:-}" ] || add_job lint kernel scripts/lint.sh
run_jobs

section "debug kernel"
count "$(cat "$logs/kernel.rc")" "debug kernel built (cached after the first build)"
tree=$(tail -n 1 "$logs/kernel.log")

section "lint"
cat "$logs/lint.log"
count_tap "$logs/lint.log"

for name in "${jobs_order[@]}"; do
	[ -n "${job_kind[$name]:-}" ] || continue
	out=$top/build/vm/check-$name
	section "guest $name (${job_kind[$name]} kernel)"
	grep -E '^(xtcp-vm|vm-verdict):' "$logs/$name.log" | head -n 60
	grep -h '^# test .* took ' "$out"/tap/*.tap 2>/dev/null | sed 's/^/check: /'
	count "$(cat "$logs/$name.rc")" \
		"guest $name: every test passed and the ${job_kind[$name]} kernel reported nothing"
	count_tap "$out"/tap/*.tap
	[ -f "$out/kunit.log" ] && klog=$out/kunit.log
done

section "KUnit (debug kernel)"
if [ -n "${klog:-}" ] && [ -f "$tree/tools/testing/kunit/kunit.py" ]; then
	kres=$(python3 "$tree/tools/testing/kunit/kunit.py" parse "$klog" 2>&1)
	krc=$?
	echo "$kres" | grep -E '\[(PASSED|FAILED|CRASHED|SKIPPED)\]|Testing complete'
	ran=$(echo "$kres" | sed -n 's/.*Ran \([0-9]*\) tests.*/\1/p' | tail -n 1)
	kpass=$(echo "$kres" | sed -n 's/.*passed: \([0-9]*\).*/\1/p' | tail -n 1)
	kskip=$(echo "$kres" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p' | tail -n 1)
	ran=${ran:-0} kpass=${kpass:-0} kskip=${kskip:-0}
	pass=$((pass + kpass))
	skip=$((skip + kskip))
	fail=$((fail + ran - kpass - kskip))
	[ "$krc" = 0 ] && [ "$ran" -gt 0 ] && [ "$ran" = "$((kpass + kskip))" ]
	count $? "KUnit: the parser's verdict ($kpass of $ran cases passed, $kskip skipped)"
else
	count 1 "KUnit: no KTAP log from the debug kernel"
fi

echo
echo "check: took $(stamp)"
if [ ${#failed_names[@]} -gt 0 ]; then
	echo "check: failures:"
	printf 'check:   %s\n' "${failed_names[@]}"
fi
echo "$pass passed, $fail failed, $skip skipped" | tee "$summary"
[ "$fail" = 0 ]
