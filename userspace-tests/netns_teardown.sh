#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces deleted under live connections: every socket, orphans
# included, must end and free itself (the module's reference count comes
# back, and the VM's verdict checks kmemleak, KASAN and lockdep).
#
# 1. Ten established connections; the namespaces' names are deleted and
#    the processes killed: the connections close normally (FIN both ways,
#    TIME_WAIT of net.xtcp.tw_timeout) and are gone.
# 2. Ten more; the link is deleted first, then the processes killed: the
#    FINs can never be acknowledged, and the orphans give up after
#    net.xtcp.orphan_retries, counted in XtcpTimeouts.

set -u
# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
nc=$XTCP_TOP/build/tools/xtcp-nc
a=xtcp-nt-a b=xtcp-nt-b
N=10
pids=()

refcnt() { cat /sys/module/xtcp/refcnt; }

count_state() {	# NS STATE(hex): sockets of the namespace in that state
	ip netns exec "$1" awk -v s="$2" 'NR > 1 && $4 == s' /proc/net/xtcp |
		wc -l
}

counter() {	# NS NAME
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' \
		/proc/net/xtcp_snmp
}

# wait_for SECONDS CMD...: until CMD succeeds (evaluated anew each time);
# status 1 on time-out.
wait_for() {
	local n=$(($1 * 10))

	shift
	while ! eval "$@"; do
		n=$((n - 1))
		[ $n -le 0 ] && return 1
		sleep 0.1
	done
}

setup() {
	ip netns add $a && ip netns add $b &&
	ip link add veth0 netns $a type veth peer name veth0 netns $b &&
	ip -n $a addr add 10.214.0.1/24 dev veth0 &&
	ip -n $b addr add 10.214.0.2/24 dev veth0 &&
	ip -n $a link set veth0 up && ip -n $b link set veth0 up &&
	for ns in $a $b; do
		ip netns exec $ns sysctl -qw net.xtcp.tw_timeout=1 \
			net.xtcp.fin_timeout=2 net.xtcp.orphan_retries=1 ||
			return 1
	done
}

# Ten connections kept open: each end reads from a sleep that never ends.
connect_all() {
	local i

	pids=()
	for i in $(seq 0 $((N - 1))); do
		(sleep 600 | ip netns exec $b "$nc" -q -l 10.214.0.2 \
			$((6000 + i)) > /dev/null) 2> /dev/null &
		pids+=($!)
	done
	sleep 1
	for i in $(seq 0 $((N - 1))); do
		(sleep 600 | ip netns exec $a "$nc" -q -w 20 10.214.0.2 \
			$((6000 + i)) > /dev/null) 2> /dev/null &
		pids+=($!)
	done
	wait_for 30 '[ "$(count_state $a 01)" = $N ]'
}

kill_all() {
	# The pipelines' members: xtcp-nc and its sleep.
	pkill -KILL -f "$nc .*10.214.0.2 60" 2>/dev/null
	pkill -KILL -f "^sleep 600$" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
}

cleanup() {
	kill_all
	ip netns del $a 2>/dev/null
	ip netns del $b 2>/dev/null
}
trap cleanup EXIT
cleanup

# Sockets of earlier tests (TIME_WAIT) would end during this one and
# blur the count: let them go first (echo_bulk's last 120 s).  Should some
# remain, the count must come back to at most what it was; a socket of
# ours never freed also fails the run's unload and kmemleak checks.
wait_for 150 '[ "$(refcnt)" = 0 ]'
base=$(refcnt)

# 1. Clean close after the names are gone.
setup
ok $? "two namespaces joined by veth, short timeouts"
connect_all
ok $? "$N connections established"
during=$(refcnt)
[ "$during" -ge $((base + 3 * N)) ]
ok $? "each socket holds the module ($base before, $during now)"
ip netns del $a && ip netns del $b
ok $? "the namespaces' names deleted under live connections"
kill_all
wait_for 60 '[ "$(refcnt)" -le "$base" ]'
ok $? "every socket ended and was freed (refcnt $(refcnt), at most $base)"

# 2. The link goes first: orphans in FIN_WAIT_1 with no one to answer.
setup
connect_all
ok $? "$N connections established again"
ip -n $a link del veth0
ok $? "the link deleted under them"
kill_all
all_gone() {
	[ "$(ip netns exec $a tail -n +2 /proc/net/xtcp | wc -l)" = 0 ] &&
	[ "$(ip netns exec $b tail -n +2 /proc/net/xtcp | wc -l)" = 0 ]
}
wait_for 30 all_gone
ok $? "the orphans in FIN_WAIT_1 gave up, in both namespaces" ||
	for ns in $a $b; do ip netns exec $ns cat /proc/net/xtcp; done |
		sed 's/^/# /'
t=$(counter $a XtcpTimeouts)
[ "${t:-0}" -ge $N ]
ok $? "XtcpTimeouts counts them ($t)"
ip netns del $a && ip netns del $b
wait_for 60 '[ "$(refcnt)" -le "$base" ]'
ok $? "every socket ended and was freed (refcnt $(refcnt), at most $base)"

tap_end
