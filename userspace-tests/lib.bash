# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the shell tests: TAP output.  ok STATUS DESCRIPTION prints one
# test point (STATUS 0 passes) and returns STATUS's truth; tap_end prints
# the plan and returns non-zero when any point failed.

tap_n=0
tap_failures=0
echo "TAP version 13"

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failures=$((tap_failures + 1))
		return 1
	fi
}

tap_end() {
	echo "1..$tap_n"
	[ $tap_failures = 0 ]
}
