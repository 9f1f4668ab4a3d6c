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
#
# Cannot share a guest with another XTCP test: it reads the module's
# reference count (/sys/module/xtcp/refcnt), which every XTCP socket in
# the guest moves.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
nc=$XTCP_TOP/build/tools/xtcp-nc
test_init netns_teardown
ns_name a; a=$ns
ns_name b; b=$ns
N=10
pids=()
# The clients and servers read a FIFO this shell holds open and never
# writes: they stay connected until killed, by their own pids.
mkfifo "$tmp/idle"
# shellcheck disable=SC2034 # only held open
exec {idle_fd}<>"$tmp/idle"

refcnt() { cat /sys/module/xtcp/refcnt; }

count_state() {	# NS STATE(hex): sockets of the namespace in that state
	ip netns exec "$1" awk -v s="$2" 'NR > 1 && $4 == s' /proc/net/xtcp |
		wc -l
}

# wait_for SECONDS CMD...: until CMD succeeds (evaluated anew each time);
# status 1 on time-out.
wait_for() { WAIT_STEP=0.1 wait_until "$1" eval "${@:2}"; }

setup() {
	ns_add $a $b
	veth_pair $a 10.214.0.1 $b 10.214.0.2
	for ns in $a $b; do
		ip netns exec $ns sysctl -qw net.xtcp.tw_timeout=1 \
			net.xtcp.fin_timeout=2 net.xtcp.orphan_retries=1 ||
			return 1
	done
}

# Ten connections kept open: each end reads the idle FIFO.
connect_all() {
	local i

	pids=()
	for i in $(seq 0 $((N - 1))); do
		ip netns exec $b "$nc" -q -l 10.214.0.2 $((6000 + i)) \
			<"$tmp/idle" >/dev/null 2>&1 &
		pids+=($!)
	done
	# The clients once every server listens (not after a fixed time).
	wait_for 30 '[ "$(count_state $b 0A)" = $N ]'
	for i in $(seq 0 $((N - 1))); do
		ip netns exec $a "$nc" -q -w 20 10.214.0.2 $((6000 + i)) \
			<"$tmp/idle" >/dev/null 2>&1 &
		pids+=($!)
	done
	wait_for 30 '[ "$(count_state $a 01)" = $N ]'
}

# kill_all: the xtcp-nc processes this test started (ip netns exec runs
# them in its own process: the pids are theirs).
kill_all() {
	[ ${#pids[@]} = 0 ] && return
	kill -KILL "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	pids=()
}
on_exit kill_all

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
ns_del $a && ns_del $b
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
t=$(xcounter $a XtcpTimeouts)
[ "${t:-0}" -ge $N ]
ok $? "XtcpTimeouts counts them ($t)"
ns_del $a && ns_del $b
wait_for 60 '[ "$(refcnt)" -le "$base" ]'
ok $? "every socket ended and was freed (refcnt $(refcnt), at most $base)"

tap_end
