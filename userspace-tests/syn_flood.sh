#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SYN floods against a listener: SYN cookies, the SYN queue's bound, SYN-ACK
# retransmission, each seen through the counters, /proc/net/xtcp, the slab
# caches and a capture.
#
# It reads the counters XtcpSynsReceived, XtcpSynAckRetrans,
# XtcpSynQueueOverflows, XtcpListenOverflows, XtcpSynCookiesSent,
# XtcpSynCookiesRecv, XtcpSynCookiesFailed and XtcpSynQueuePruned, sets
# net.xtcp.syncookies, max_syn_backlog and synack_retries, and watches the
# slab cache xtcp_request.  On its own:
#
#   scripts/xtcp-vm -- bash userspace-tests/syn_flood.sh
#   scripts/xtcp-vm -- env XTCP_TEST_FAMILY=tcp bash userspace-tests/syn_flood.sh
#
# (the TCP variant also runs as root on any Linux machine, no VM needed).
#
# Three namespaces: L, the listener, joined by one veth to F, the flooder,
# and by another to C, the real clients.  F sends spoofed SYNs from
# 198.18.0.0/15 with tools/xtcp-synflood; L routes that range back to F,
# which does not forward, so no SYN-ACK is ever answered.
# helpers/syn_clients is the server in L and the clients in C: connect, a
# 64-byte request, a 64-byte answer, close.  net.xtcp.synack_retries is 2
# throughout, so a half-open connection lives 1 + 2 + 4 = 7 s.
#
#  0. The knobs and the counters exist; a half-open entry's slab object
#     is at most 128 bytes.
#  1. syncookies=1: a flood of FLOOD_RATE SYNs per second for FLOOD_SECS
#     seconds; meanwhile CLIENTS clients all complete their exchange; the
#     request and socket slab caches stay bounded (not growing with the
#     flood) during it and come back after it; cookies were sent for all
#     SYNs but those the queue took (refilled as its entries expire or,
#     over half full, give way after one retransmission), received, none
#     failed.
#     The kernel log tells once of the flood: "Sending cookies".
#  2. syncookies=0: FLOOD_N SYNs to a listener with backlog 64 and
#     max_syn_backlog 1024, then to one with backlog 1024 and
#     max_syn_backlog 64: at most min(backlog, max_syn_backlog) SYN_RECV
#     entries (state 03) in /proc/net/xtcp; the counters add up: every SYN
#     received, queued or counted as an overflow; no cookie sent, no
#     request evicted (none was retried yet); the log tells once of the
#     first one's flood: "Dropping request".
#  3. One SYN from a source that never answers: the SYN-ACK and exactly
#     synack_retries retransmissions, 1 s then 2 s apart, in a capture;
#     then the entry is gone and XtcpSynAckRetrans grew by 2.
#  4. syncookies=2: every SYN answered with a cookie, nothing queued, and
#     clients still complete.
#
# XTCP_TEST_FAMILY=tcp runs the same on Linux TCP (protocol 6) with its
# sysctls (net.ipv4.tcp_*), its counters from /proc/net/snmp and netstat
# (twins below; a check whose XTCP counter has no twin is skipped) and its
# caches request_sock_TCP and TCP.  Linux TCP departs from the expectations
# in two places, allowed for in that family only: its SYN queue holds
# backlog + 1 entries (the fullness test runs before the insertion), and
# max_syn_backlog is no hard bound but, with syncookies off, the point
# where SYN_RECV stops taking new peers once three quarters full.
#
# Cannot share a guest with another XTCP (or, with XTCP_TEST_FAMILY=tcp,
# TCP) test: the slab caches it bounds (xtcp_request and XTCP, or
# request_sock_TCP and TCP, in /proc/slabinfo) are the whole guest's, and
# another test's connections would count in them.  The rest (sysctls,
# counters, addresses) is its own namespaces'.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init syn_flood '*.log' '*.pcapng' '*.txt'
ns_name l; L=$ns
ns_name f; F=$ns
ns_name c; C=$ns
LF=10.205.1.2 FL=10.205.1.1	# L and F
LC=10.205.2.2 CL=10.205.2.1	# L and C
FLOOD_NET=198.18.0.0/16		# parts 1, 2, 4 (routed: 198.18.0.0/15)
LONE=198.19.7.7			# part 3's source: outside FLOOD_NET
P1=7501 P2=7502 P2B=7503 P3=7504 P4=7505
FLOOD_RATE=${SYN_FLOOD_RATE:-2000}	# 1: SYNs per second
FLOOD_SECS=${SYN_FLOOD_SECS:-10}	# 1
FLOOD_N=${SYN_FLOOD_N:-2000}		# 2, 4: SYNs
CLIENTS=${SYN_CLIENTS:-100}		# 1; 4 takes a fifth
BACKLOG=128				# 1, 4: the server's listen()
RETRIES=2				# synack_retries
SLAB_SLACK=256	# per-CPU slabs and other users of the caches
# KASAN's quarantine keeps freed objects a while: more slack there.
debug_kernel && SLAB_SLACK=1024

if [ "${XTCP_TEST_FAMILY:-xtcp}" = tcp ]; then
	fam=tcp proto=6 proc=tcp copt=-t extra=1
	k_cookies=net.ipv4.tcp_syncookies
	k_backlog=net.ipv4.tcp_max_syn_backlog
	k_retries=net.ipv4.tcp_synack_retries
	req_cache=request_sock_TCP sock_cache=TCP
	capfilter="tcp and dst host $LONE"
	flood_who="request_sock_TCP"
else
	fam=xtcp proto=253 proc=xtcp copt='' extra=0
	k_cookies=net.xtcp.syncookies
	k_backlog=net.xtcp.max_syn_backlog
	k_retries=net.xtcp.synack_retries
	req_cache=xtcp_request sock_cache=XTCP
	capfilter="ip proto 253 and dst host $LONE"
	flood_who="XTCP"
fi

# The counters the test reads (their Linux TCP twins: lib.bash).
counters="XtcpSynsReceived XtcpSynAckRetrans XtcpSynQueueOverflows
	XtcpListenOverflows XtcpSynCookiesSent XtcpSynCookiesRecv
	XtcpSynCookiesFailed XtcpSynQueuePruned XtcpPassiveOpens"

# flood_logged LABEL PORT ACTION: the kernel log told once of the first
# overflow of the listener on PORT (bound to every address), and of
# ACTION ("Sending cookies", "Dropping request"), in TCP's words.
flood_logged() {
	local n

	n=$(dmesg | grep -cF "$flood_who: Possible SYN flooding on port 0.0.0.0:$2. $3.")
	[ "$n" = 1 ]
	ok $? "$1: the kernel log told of the flood on port $2 once: $3 ($n)"
}

# pruned_retried LABEL BEFORE AFTER: XTCP evicts or drops for room only
# requests whose SYN-ACK went out again at least once, so no more were
# pruned than SYN-ACKs were retransmitted.
pruned_retried() {
	local r

	delta "$2" "$3" XtcpSynAckRetrans
	r=$d
	check_delta "$1: only retried requests gave way" "$2" "$3" \
		XtcpSynQueuePruned -le "$r"
}

# queued_or_overflow SENT BEFORE MID AFTER: every SYN of part 2 was
# counted as an overflow, is one of the n entries read between snapshots
# MID and AFTER, or was queued and then pruned.  On a slow host requests
# are retried before the flood ends, and then pruned two ways, both
# counted in XtcpSynQueuePruned: by their timer, with the queue over half
# full, which leaves room for a SYN that is no overflow; or by a SYN
# meeting the queue full, an overflow that takes the place of the one
# pruned.  So the overflows lie between SENT - n less the prunes counted
# at AFTER (all by the timer) and SENT - n (all by SYNs, or none).
queued_or_overflow() {
	local lo hi p1=0 p2=0

	delta "$2" "$3" XtcpSynQueuePruned
	[[ $d =~ ^[0-9]+$ ]] && p1=$d
	delta "$2" "$4" XtcpSynQueuePruned
	[[ $d =~ ^[0-9]+$ ]] && p2=$d
	lo=$(($1 - n - p2)) hi=$(($1 - n))
	delta "$2" "$4" XtcpSynQueueOverflows
	if [ "$d" = none ]; then
		skip "2: every SYN queued or counted as an overflow" \
			"Linux TCP has no counter for XtcpSynQueueOverflows"
		return
	fi
	[ "$d" != missing ] && [ "$d" -ge $lo ] && [ "$d" -le $hi ]
	ok $? "2: every SYN queued or counted as an overflow ($cname +$d, want $lo to $hi: $1 SYNs, $n entries, $p1 to $p2 pruned)"
}

# synrecv PORT: n, the SYN_RECV entries (state 03) of local port PORT in
# L's /proc/net/xtcp (or tcp).
synrecv() {
	local s

	ent $hL "$1" "*"
	n=0
	for s in $sts; do
		[ "$s" = 03 ] && n=$((n + 1))
	done
}

# slab KEY: SB[KEY.CACHE], the active objects of the two caches ("" when
# /proc/slabinfo does not list the cache: not created, or merged).
declare -A SB
slab() {
	local name active

	SB[$1.$req_cache]='' SB[$1.$sock_cache]=''
	while read -r name active _; do
		case $name in
		"$req_cache" | "$sock_cache") SB[$1.$name]=$active ;;
		esac
	done </proc/slabinfo
}

# slab_bounded DESC KEY CACHE BASE_KEY MAX_GROWTH
slab_bounded() {
	local now=${SB[$2.$3]} base=${SB[$4.$3]}

	if [ -z "$now" ] || [ -z "$base" ]; then
		ok 1 "$1: no cache $3 in /proc/slabinfo (merged? slab_nomerge)"
		return
	fi
	[ $((now - base)) -le "$5" ]
	ok $? "$1: $3 has $now active objects, $((now - base)) more than before the flood (at most $5)"
}

# flood OPTIONS... PORT: xtcp-synflood in F towards $LF:PORT, in the
# background, its output in $tmp/flood.log (emptied); pid in $last.
flood() {
	ip netns exec $F "$synflood" -q -p $proto "${@:1:$#-1}" $LF "${@: -1}" \
		>"$tmp/flood.log" 2>&1 &
	last=$!
	bg_pids+=("$last")
}

# flood_sent: sent, the SYNs the last flood sent (0 when it did not say).
flood_sent() {
	local line

	sent=0
	while read -r line; do
		[[ $line =~ ^sent\ ([0-9]+)\ syns ]] && sent=${BASH_REMATCH[1]}
	done <"$tmp/flood.log"
}

# serve NAME PORT BACKLOG: the server in L, on all its addresses (the
# flood comes to $LF, the clients to $LC); pid in $last.
serve() {
	# shellcheck disable=SC2086 # $copt is empty or one word
	spawn $L "$1" 900 "$clients" $copt serve 0.0.0.0 "$2" "$3" \
		"$tmp/$1.ready"
	waitfile "$tmp/$1.ready" $last || { diag "$tmp/$1.log"; bail "no server $1"; }
}

# listen_only PORT BACKLOG: a listener nobody accepts from, for the flood
# of part 2 and 3 (the server would do as well: nothing completes).
listen_only() { serve "l$1" "$1" "$2"; }

# drain PORT...: wait (30 s at most) until no SYN_RECV entry of PORT is
# left: they expire 1 + 2 + 4 s after their SYN.  n, those left.
drain() {
	WAIT_STEP=0.5 wait_until 30 drained "$@"
	n=$left
}
drained() {
	local p

	left=0
	for p in "$@"; do
		synrecv "$p"
		left=$((left + n))
	done
	[ $left = 0 ]
}

sysctl_l() { ip netns exec $L sysctl -qw "$@" || bail "sysctl $*"; }

# ---------------------------------------------------------------- setup

clients=$XTCP_TOP/build/userspace/helpers/syn_clients
if [ ! -x "$clients" ]; then
	clients=$tmp/syn_clients
	cc -O2 -Wall -Wextra -Werror -I"$XTCP_TOP/include/uapi" \
		-o "$clients" "$(dirname "$0")/helpers/syn_clients.c" ||
		bail "cc syn_clients"
fi
synflood=$XTCP_TOP/build/tools/xtcp-synflood
if [ ! -x "$synflood" ]; then
	make -s -C "$XTCP_TOP/tools/xtcp-synflood" O="$tmp" >/dev/null ||
		bail "make xtcp-synflood"
	synflood=$tmp/xtcp-synflood
fi

ns_add $L $F $C
veth_pair $L $LF $F $FL lf fl
veth_pair $L $LC $C $CL lc cl
# SYN-ACKs to the spoofed sources go to F, which does not forward them.
ip -n $L route add 198.18.0.0/15 via $FL || bail "route"
ip netns exec $L sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.lf.rp_filter=0
ip netns exec $F sysctl -qw net.ipv4.ip_forward=0

ns_holder $L 900
hL=$last

# ------------------------------------------------------------- 0: knobs

section "0: the knobs and counters"

for k in $k_cookies $k_backlog $k_retries; do
	v=$(ip netns exec $L sysctl -n "$k" 2>&1)
	[[ $v =~ ^[0-9]+$ ]]
	ok $? "0: $k exists ($v)"
done
# 1 as Linux's, unless the module was loaded with another start.
want=1
[ $fam = xtcp ] && [ -r /sys/module/xtcp/parameters/syncookies ] &&
	want=$(cat /sys/module/xtcp/parameters/syncookies)
v=$(ip netns exec $L sysctl -n $k_cookies 2>/dev/null)
[ "$v" = "$want" ]
ok $? "0: $k_cookies starts at $want (${v:-?})"
v=$(ip netns exec $L sysctl -n $k_retries 2>/dev/null)
[ "$v" = 5 ]
ok $? "0: $k_retries defaults to 5, as Linux's (${v:-?})"
counters_exist $hL
# A half-open entry's memory: its slab object (objsize, the 4th field).
objsize=$(awk -v c="$req_cache" '$1 == c { print $4 }' /proc/slabinfo)
if [ $fam = xtcp ]; then
	[ -n "$objsize" ] && [ "$objsize" -le 128 ]
	ok $? "0: a half-open entry takes ${objsize:-?} bytes of $req_cache (at most 128)"
else
	skip "0: a half-open entry takes ${objsize:-?} bytes of $req_cache" "no bound for Linux TCP"
fi
sysctl_l $k_retries=$RETRIES
# Short TIME_WAIT and FIN_WAIT_2: a connection pins the module, and the
# next test may unload it.
if [ $fam = xtcp ]; then
	for ns in $L $C; do
		ip netns exec $ns sysctl -qw net.xtcp.tw_timeout=1 \
			net.xtcp.fin_timeout=2 || bail "sysctl"
	done
fi

# tshark starts now (slow to start in the guest) and decodes part 3's
# capture as dumpcap writes it (lib.bash).
cap_start $L lf "$capfilter"

# ----------------------------------------------------- 1: cookies, clients

section "1: syncookies=1, $FLOOD_RATE SYNs/s for $FLOOD_SECS s, $CLIENTS clients"

sysctl_l $k_cookies=1
serve s1 $P1 $BACKLOG
srv1=$last
slab before
snap $hL 1a
now_us
fl1_t0=$now
flood -r "$FLOOD_RATE" -t "$FLOOD_SECS" -s $FLOOD_NET $P1
fl1=$last
# The first look "during" the flood once the listener has had a second's
# worth of it (not after a fixed time: the flooder may start late).
wait_until 60 grown $hL 1a XtcpSynsReceived "$FLOOD_RATE" ||
	echo "# 1: the listener did not see $FLOOD_RATE SYNs in 60 s"
slab during1
# shellcheck disable=SC2086
ip netns exec $C "$clients" $copt -w $((FLOOD_SECS * 3 + 30)) clients $LC \
	$P1 "$CLIENTS" >"$tmp/c1.log" 2>&1
c1=$?
slab during2
synrecv $P1
q1=$n
wait $fl1
fl1_rc=$?
now_us
# How long the flood really lasted: a slow guest stretches it, and the
# queue refills once per 7 s of it.
fl1_s=$(((now - fl1_t0 + 999999) / 1000000))
echo "# 1: the flood lasted ${fl1_s} s"
snap $hL 1b
diag "$tmp/c1.log" | head -12
diag "$tmp/flood.log"
ok $fl1_rc "1: the flood ran (xtcp-synflood exit status $fl1_rc)"
ok $c1 "1: all $CLIENTS clients completed their exchange under the flood"
echo "# 1: $q1 SYN_RECV entries on the listener during the flood"
show_deltas "1: L's counters" 1a 1b
flood_sent
sent1=$sent
# The queue fills again each time its entries expire, every 7 s, or
# (XTCP) give way: over half full, a request retried once is dropped.
delta 1a 1b XtcpSynQueuePruned
pruned1=$d
case $pruned1 in none | missing) pruned1=0 ;; esac
check_delta "1: cookies sent for all the flood but what the queue took ($pruned1 pruned)" \
	1a 1b XtcpSynCookiesSent -ge \
	$((sent1 - (BACKLOG + extra) * (fl1_s / 7 + 1) - pruned1))
# Each client completes on a cookie, or on a request when the queue had
# room (it refills as requests expire or give way).
check_delta "1: every client's connection made" 1a 1b \
	XtcpPassiveOpens -ge "$CLIENTS"
check_delta "1: cookies came back from clients" 1a 1b \
	XtcpSynCookiesRecv -ge 1
pruned_retried 1 1a 1b
check_delta "1: no cookie failed" 1a 1b XtcpSynCookiesFailed -eq 0
flood_logged 1 $P1 "Sending cookies"
# A SYN that met the listener's socket backlog full (its owner busy, on a
# loaded host) is counted there instead.
delta 1a 1b XtcpBacklogDrop
bdrop1=$d
case $bdrop1 in none | missing) bdrop1=0 ;; esac
check_delta "1: every SYN counted, or dropped in the backlog ($bdrop1)" \
	1a 1b XtcpSynsReceived -ge $((sent1 + CLIENTS - bdrop1))
for k in during1 during2; do
	slab_bounded "1: $k" $k $req_cache before \
		$((BACKLOG + extra + CLIENTS + SLAB_SLACK))
	slab_bounded "1: $k" $k $sock_cache before \
		$((2 * CLIENTS + SLAB_SLACK))
done
kill "$srv1"
drain $P1
ok $((n != 0)) "1: no SYN_RECV entry left 7 s after the flood ($n)"
slab after
slab_bounded "1: after" after $req_cache before $SLAB_SLACK
slab_bounded "1: after" after $sock_cache before $SLAB_SLACK

# --------------------------------------------------------- 2: queue bound

sysctl_l $k_cookies=0
part2() {	# PORT BACKLOG MAX_SYN_BACKLOG
	local port=$1 b=$2 m=$3 bound

	section "2: syncookies=0, backlog $b, max_syn_backlog $m: $FLOOD_N SYNs"
	sysctl_l $k_backlog="$m"
	listen_only "$port" "$b"
	bound=$((b < m ? b : m))
	snap $hL 2a
	flood -n "$FLOOD_N" -s $FLOOD_NET "$port"
	wait $last
	flood_sent
	[ "$sent" = "$FLOOD_N" ]
	ok $? "2: $sent SYNs sent"
	# Until the listener has taken them all in, not a fixed time.
	wait_until 60 grown $hL 2a XtcpSynsReceived "$sent" ||
		echo "# 2: not all $sent SYNs received within 60 s"
	snap $hL 2p
	synrecv "$port"
	snap $hL 2b
	show_deltas "2: L's counters" 2a 2b
	local plus=""
	[ "$extra" = 1 ] && plus=" + 1 (Linux TCP)"
	[ "$n" -le $((bound + extra)) ] && [ "$n" -ge $((bound / 2)) ]
	ok $? "2: $n SYN_RECV entries, at most min($b, $m) = $bound$plus, and the queue did fill"
	check_delta "2: every SYN received" 2a 2b XtcpSynsReceived -eq "$sent"
	queued_or_overflow "$sent" 2a 2p 2b
	check_delta "2: no cookie" 2a 2b XtcpSynCookiesSent -eq 0
	pruned_retried 2 2a 2b
}
part2 $P2 64 1024
part2 $P2B 1024 64
# (Linux TCP's queue of $P2B never overflows: max_syn_backlog stops it.)
flood_logged 2 $P2 "Dropping request"

# --------------------------------------------------- 3: SYN-ACK retransmits

# The entries of part 2 would retransmit their SYN-ACKs too.
drain $P2 $P2B
ok $((n != 0)) "2: the entries of part 2 expired ($n left)"

section "3: one SYN from $LONE, synack_retries $RETRIES"

sysctl_l $k_cookies=1
listen_only $P3 $BACKLOG
snap $hL 3a
flood -n 1 -s $LONE $P3
wait $last
one_entry() { synrecv $P3; [ "$n" = 1 ]; }
wait_until 30 one_entry
ok $((n != 1)) "3: one SYN_RECV entry ($n)"
# The entry dies 1 + 2 + 4 s after the SYN: wait for that, with a bound
# far above it; the capture tells whether the gaps were right.
no_entry() { synrecv $P3; [ "$n" = 0 ]; }
WAIT_STEP=0.1 wait_until 60 no_entry
synrecv $P3
snap $hL 3b
show_deltas "3: L's counters" 3a 3b
ok $((n != 0)) "3: the entry expired after $RETRIES retransmissions ($n left)"
check_delta "3: SYN-ACK retransmissions counted" 3a 3b XtcpSynAckRetrans \
	-eq $RETRIES

# --------------------------------------------------------- 4: syncookies=2

section "4: syncookies=2"

sysctl_l $k_cookies=2
serve s4 $P4 $BACKLOG
srv4=$last
snap $hL 4a
flood -n "$FLOOD_N" -s $FLOOD_NET $P4
wait $last
flood_sent
sent4=$sent
# shellcheck disable=SC2086
ip netns exec $C "$clients" $copt -w 60 clients $LC $P4 $((CLIENTS / 5)) \
	>"$tmp/c4.log" 2>&1
ok $? "4: $((CLIENTS / 5)) clients completed on cookies alone"
# Every SYN of the flood and the clients taken in before the counters
# are read (not a fixed time).
wait_until 60 grown $hL 4a XtcpSynsReceived $((sent4 + CLIENTS / 5)) ||
	echo "# 4: not all SYNs received within 60 s"
synrecv $P4
snap $hL 4b
show_deltas "4: L's counters" 4a 4b
ok $((n != 0)) "4: nothing queued ($n SYN_RECV entries)"
check_delta "4: a cookie for every SYN" 4a 4b XtcpSynCookiesSent -eq \
	$((sent4 + CLIENTS / 5))
check_delta "4: the clients' cookies came back" 4a 4b XtcpSynCookiesRecv \
	-eq $((CLIENTS / 5))
kill "$srv4"

# ------------------------------------------------ 3 again: the capture

section "3: the capture"

sysctl_l $k_cookies=1
cap_stop
cap_decode
diag "$tmp/segs.txt"
# SYN-ACKs to LONE: 1 + RETRIES of them, the same sequence number, gaps
# 1 s, 2 s, ...: none early (at least 0.9 of it), none later than 1.5
# of it plus 1 s (a timer is late by as long as a loaded host keeps the
# guest's vCPU from running; KUnit checks the exact times, with a chosen
# clock).
awk -v retries=$RETRIES '
	$4 == "SA" { t[++n] = $1; seq[n] = $5 }
	END {
		bad = ""
		if (n != retries + 1)
			bad = bad " " n " SYN-ACKs, want " retries + 1
		for (i = 2; i <= n; i++) {
			g = t[i] - t[i - 1]
			want = 2 ^ (i - 2)
			printf "gap %d: %.3f s (want %d s)\n", i - 1, g, want
			if (g < 0.9 * want || g > 1.5 * want + 1)
				bad = bad " gap " i - 1
			if (seq[i] != seq[1])
				bad = bad " seq " i
		}
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}' "$tmp/segs.txt" >"$tmp/gaps.txt"
r=$?
diag "$tmp/gaps.txt"
ok $r "3: captured the SYN-ACK and $RETRIES retransmissions 1 s, 2 s apart"

section "done"
tap_end
