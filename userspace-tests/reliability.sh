#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # the awk programs in single quotes
#
# Reliable delivery: loss recovery, RTT and RTO, zero-window probes,
# keepalive, TCP_USER_TIMEOUT and delayed ACKs, each seen through the
# counters of /proc/net/xtcp_snmp, XTCP_INFO and the segments on the wire.
# Two namespaces, A (client) and B (server), joined by veth; the helper
# helpers/xtcp_rel drives each end; netem delays, loses, duplicates and
# reorders on the veths' egress; a one-instruction classic BPF classifier
# on B's ingress black-holes A's segments; dumpcap records parts 3 to 6 on
# B's end (it sees B's ingress before tc drops it) and tshark decodes them
# at the end.
#
#  1. Lossy path (netem on both ends: delay 2 ms, loss 2 %, duplicate 1 %,
#     reorder 5 %): 8 MiB each way at once, SHA-256 compared; the
#     retransmission, fast-retransmit and duplicate-ACK counters grew in
#     both namespaces; each sender's XTCP_INFO shows rtt_us >= 2 ms and
#     total_retrans > 0.
#  2. RTT: netem delay 20 ms on A's egress only: after 1 MiB from A,
#     rtt_us >= 20000 and rto_us >= rtt_us, rto_us >= rto_min; without
#     loss cwnd >= 10 (IW10) and ca_state open.
#  3. The first window: 16 connections to a listener with SO_RCVBUF 16 KiB;
#     no SYN-ACK offers more window than that buffer (read back).
#     Persist: B does not read; A fills the window; B advertises window 0;
#     A's zero-window probes (a pure ACK at SND.UNA - 1, or one byte at
#     SND.UNA) come backed off, never earlier than 0.2 s, then 0.4, 0.8 s
#     apart (later is allowed); the probe counter grew; then B reads
#     everything and the SHA-256 matches.
#  6. Delayed ACK: after 20 request/response exchanges a single small write
#     from A to an idle B is acknowledged by a pure ACK more than 10 ms and
#     less than 1 s after it; the delayed-ACK counter grew on B.
#  4. Keepalive (idle 1 s, interval 1 s, count 3): A's probes (pure ACKs at
#     SND.UNA - 1) are answered and the connection stays ESTABLISHED; then
#     B is black-holed: exactly 3 more probes, ETIMEDOUT, the counters grew.
#  5. TCP_USER_TIMEOUT 2000 ms, B black-holed, data outstanding: ETIMEDOUT
#     after about 2 s, long before retries2 would give up; and not before,
#     with retries2 lowered to 1 in A: the user timeout takes its place,
#     as in TCP.
#
# XTCP_TEST_FAMILY=tcp runs the same on Linux TCP, with SACK, timestamps
# and window scaling off and Reno congestion control in the test's
# namespaces, the options XTCP does not have yet.  TCP's counters are read
# from /proc/net/snmp and /proc/net/netstat under their own names; where
# TCP has no twin of an XTCP counter that check is skipped (TAP SKIP).
# Nothing is asserted about speed: only bounds generous enough for the
# debug kernel under TCG.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init reliability '*.log' '*.pcapng' '*.txt' '*.segs'
AA=10.204.0.1 AB=10.204.0.2
rel=$XTCP_TOP/build/userspace/helpers/xtcp_rel
# The servers' ports, one per part.
P1=7401 P2=7402 P3=7403 P4=7404 P5=7405 P6=7406 P7=7407
# The capture takes the connections of parts 3 to 6 only: XTCP's ports are
# at the start of the segment, after a 20-byte IP header.
in_range="ip[20:2] >= $P3 and ip[20:2] <= $P6"
in_range="($in_range) or (${in_range//20:2/22:2})"
if [ "${XTCP_TEST_FAMILY:-xtcp}" = tcp ]; then
	fam=tcp ropt=-t proc=tcp capfilter="tcp portrange $P3-$P6"
else
	fam=xtcp ropt='' proc=xtcp capfilter="ip proto 253 and ($in_range)"
fi
BULK=$((8 << 20))	# 1: bytes each way
RTT_BYTES=$((1 << 20))	# 2
DELAY_MS=20		# 2: netem delay, one way
PERSIST_BYTES=$((1 << 20))	# 3
PROBES_WANTED=4		# 3: zero-window probes to wait for
SYNS=16			# 3: connections whose first window is checked
KA_IDLE=1 KA_INTVL=1 KA_CNT=3	# 4
UTO_MS=2000		# 5
ROUNDS=20 MSG=32	# 6

# The counters the test reads (their Linux TCP twins: lib.bash).
counters="XtcpRetransSegs XtcpRtoExpired XtcpFastRetrans XtcpRenoRecovery
	XtcpPartialAcks XtcpDupAcks XtcpDelayedACKs XtcpPersistProbes
	XtcpKeepaliveProbes XtcpAbortOnKeepalive XtcpRttSamples XtcpOfoQueue
	XtcpTimeouts XtcpRcvQDrop"

# helper NS NAME ARGS...: start xtcp_rel in NS in the background; its pid
# in $last, its output in $tmp/NAME.log.
# shellcheck disable=SC2086 # $ropt is empty or one word
helper() { spawn "$1" "$2" 300 "$rel" $ropt "${@:3}"; }

# grew DESCRIPTION MIN SNAPSHOTS...: for each "BEFORE AFTER NAME" triple of
# SNAPSHOTS, counter NAME grew by MIN or more; one test point, skipped
# when TCP has no twin.
grew() {
	local desc=$1 min=$2 r=0 what=""

	shift 2
	delta "$1" "$2" "$3"
	if [ "$d" = none ]; then
		skip "$desc" "Linux TCP has no counter for $3"
		return
	fi
	while [ $# -ge 3 ]; do
		delta "$1" "$2" "$3"
		what+=" ${1%%.*}+$d"
		{ [ "$d" != missing ] && [ "$d" -ge "$min" ]; } || r=1
		shift 3
	done
	ok $r "$desc ($cname:$what)"
}

# ---------------------------------------------------------------- setup

need "$rel"
ns_pair $AA $AB 900
clsact $B

if [ $fam = xtcp ]; then
	# TIME_WAITs of the test's connections, and orphans a black-holed
	# part leaves retransmitting its FIN, end before later tests (and
	# before the guest's wait for the module to be free).
	for ns in $A $B; do
		ip netns exec "$ns" sysctl -qw net.xtcp.tw_timeout=5 \
			net.xtcp.orphan_retries=3 net.xtcp.fin_timeout=5 ||
			bail "sysctl"
	done
else
	for ns in $A $B; do
		ip netns exec "$ns" sysctl -qw net.ipv4.tcp_sack=0 \
			net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0 \
			net.ipv4.tcp_congestion_control=reno || bail "sysctl"
	done
fi

section "the knobs"

# sysctl_is NS NAME VALUE: prints a mismatch, returns non-zero on one.
sysctl_is() {
	local v

	v=$(ip netns exec "$1" sysctl -n "$2" 2>&1)
	[ "$v" = "$3" ] && return 0
	echo "# $2 is '$v', want $3"
	return 1
}
if [ $fam = xtcp ]; then
	sysctl_is $A net.xtcp.rto_min_us 200000 &&
		sysctl_is $A net.xtcp.rto_max_ms 120000
	ok $? "net.xtcp.rto_min_us is 200000, rto_max_ms 120000"
	sysctl_is $A net.xtcp.keepalive_time 7200 &&
		sysctl_is $A net.xtcp.keepalive_intvl 75 &&
		sysctl_is $A net.xtcp.keepalive_probes 9
	ok $? "net.xtcp.keepalive_time 7200, keepalive_intvl 75, keepalive_probes 9"
else
	sysctl_is $A net.ipv4.tcp_rto_min_us 200000
	ok $? "net.ipv4.tcp_rto_min_us is 200000 (TCP's maximum RTO is fixed)"
	sysctl_is $A net.ipv4.tcp_keepalive_time 7200 &&
		sysctl_is $A net.ipv4.tcp_keepalive_intvl 75 &&
		sysctl_is $A net.ipv4.tcp_keepalive_probes 9
	ok $? "net.ipv4.tcp_keepalive_time 7200, keepalive_intvl 75, keepalive_probes 9"
fi

# ------------------------------------------------------------ the capture

section "capture (parts 3 to 6)"

# tshark starts now and decodes as dumpcap captures (lib.bash); its
# output is read at the end.  Only the connections of parts 3 to 6 are
# captured, not the bulk of 1 and 2.
cap_start $B veth0 "$capfilter" tcp.window_size_value

# ------------------------------------------------------------ 1: lossy path

section "1: lossy path"

netem $A delay 2ms loss 2% duplicate 1% reorder 5% gap 3 &&
	netem $B delay 2ms loss 2% duplicate 1% reorder 5% gap 3 ||
	bail "tc netem"
snap $hA A.before
snap $hB B.before
helper $B bulk1b -L "$tmp/l1" listen $AB $P1 bulk $BULK
b1=$last
waitfile "$tmp/l1" $b1 || { diag "$tmp/bulk1b.log"; bail "no listener"; }
helper $A bulk1a connect $AB $P1 bulk $BULK
a1=$last
finished $a1 bulk1a "1: A sent $BULK bytes and read B's to EOF over the lossy path"
finished $b1 bulk1b "1: B sent $BULK bytes and read A's to EOF over the lossy path"
snap $hA A.after
snap $hB B.after
netem $A
netem $B
show_deltas "1: A's counters" A.before A.after
show_deltas "1: B's counters" B.before B.after
readlog bulk1a
readlog bulk1b
show_info bulk1a bulk1b

for dir in "A B bulk1a bulk1b" "B A bulk1b bulk1a"; do
	read -r from to flog tlog <<<"$dir"
	sent=${LOG[$flog.sent.1]:-} ssha=${LOG[$flog.sent.3]:-}
	got=${LOG[$tlog.received.1]:-} gsha=${LOG[$tlog.received.3]:-}
	xfer_ok "1: $from -> $to" $BULK "$sent" "$got" "$ssha" "$gsha"
done
grew "1: segments retransmitted in both namespaces" 1 \
	A.before A.after XtcpRetransSegs \
	B.before B.after XtcpRetransSegs
grew "1: fast retransmits in both namespaces" 1 \
	A.before A.after XtcpFastRetrans \
	B.before B.after XtcpFastRetrans
grew "1: duplicate ACKs counted in both namespaces" 1 \
	A.before A.after XtcpDupAcks \
	B.before B.after XtcpDupAcks
for s in A:bulk1a B:bulk1b; do
	rtt=${LOG[${s#*:}.info.sender.rtt_us]:-}
	rtx=${LOG[${s#*:}.info.sender.total_retrans]:-}
	[ "${rtt:-0}" -ge 2000 ] && [ "${rtx:-0}" -gt 0 ]
	ok $? "1: ${s%:*}'s info as a sender: rtt_us ${rtt:-?} >= 2000 (the netem delay), total_retrans ${rtx:-?} > 0"
done

# ------------------------------------------------------------------ 2: RTT

section "2: RTT"

netem $A delay ${DELAY_MS}ms || bail "tc netem"
snap $hA A.before
helper $B rtt2b -a 120 -L "$tmp/l2" listen $AB $P2 recv
b2=$last
waitfile "$tmp/l2" $b2 || { diag "$tmp/rtt2b.log"; bail "no listener"; }
helper $A rtt2a -a 120 connect $AB $P2 send $RTT_BYTES
a2=$last
finished $a2 rtt2a "2: A sent $RTT_BYTES bytes with ${DELAY_MS} ms netem delay on its egress"
finished $b2 rtt2b "2: B read them to EOF"
snap $hA A.after
netem $A
readlog rtt2a
readlog rtt2b
show_info rtt2a
show_deltas "2: A's counters" A.before A.after
[ "${LOG[rtt2a.sent.3]:-}" = "${LOG[rtt2b.received.3]:-x}" ] &&
	[ "${LOG[rtt2b.received.1]:-}" = $RTT_BYTES ]
ok $? "2: B received the $RTT_BYTES bytes intact (SHA-256)"
rtt=${LOG[rtt2a.info.sent.rtt_us]:-0} rto=${LOG[rtt2a.info.sent.rto_us]:-0}
[ "$rtt" -ge $((DELAY_MS * 1000)) ] && [ "$rtt" -lt 2000000 ]
ok $? "2: rtt_us $rtt >= $((DELAY_MS * 1000)) (the netem delay) and < 2 s"
[ "$rto" -ge "$rtt" ] && [ "$rto" -ge 200000 ] && [ "$rto" -le 120000000 ]
ok $? "2: rto_us $rto >= rtt_us, >= the minimum RTO (200 ms), <= 120 s"
cwnd=${LOG[rtt2a.info.sent.cwnd]:-} ca=${LOG[rtt2a.info.sent.ca_state]:-}
out=${LOG[rtt2a.info.sent.packets_out]:-}
[ "${cwnd:-0}" -ge 10 ] && [ "$ca" = 0 ] && [ "$out" = 0 ]
ok $? "2: no loss: cwnd ${cwnd:-?} >= 10 (IW10), ca_state ${ca:-?} (open), packets_out ${out:-?} once all is acknowledged"
if [ $fam = xtcp ]; then
	n=${LOG[rtt2a.info.sent.rtt_samples]:-}
	[ "${n:-0}" -gt 0 ]
	ok $? "2: XTCP_INFO rtt_samples ${n:-?} > 0"
	grew "2: XtcpRttSamples grew on A" 1 A.before A.after \
		XtcpRttSamples
fi

# -------------------------------------------------------------- 3: persist

section "3: the first window"

# The window a SYN-ACK offers is what the connecting side sees as its send
# window right after connect().  A receiver that offers more than its
# buffer holds cannot honour it: when the buffer fills it must drop data
# in its window instead of closing the window, and the sender never
# probes (part 3 then stalls on retransmission timeouts).
helper $B synwin3b -a 120 -L "$tmp/l3w" -b 16384 listen $AB $P7 synwin $SYNS
b3=$last
waitfile "$tmp/l3w" $b3 || { diag "$tmp/synwin3b.log"; bail "no listener"; }
helper $A synwin3a -a 120 connect $AB $P7 synwin $SYNS
a3=$last
finished $a3 synwin3a "3: A opened $SYNS connections, one after the other"
finished $b3 synwin3b "3: B, SO_RCVBUF 16384, accepted them"
readlog synwin3b
rcvbuf=${LOG[synwin3b.rcvbuf.1]:-0} wins="" r=0 n=0
while read -r w v; do
	[ "$w" = synwin ] || continue
	n=$((n + 1))
	wins+=" $v"
	[ "$v" -gt 0 ] && [ "$v" -le "$rcvbuf" ] || r=1
done <"$tmp/synwin3a.log"
[ $n = $SYNS ] || r=1
ok $r "3: each of $n SYN-ACKs offered a window within B's receive buffer ($rcvbuf bytes):$wins"

section "3: persist"

snap $hA A.before
snap $hB B.before
helper $B persist3b -a 120 -L "$tmp/l3" -W "$tmp/go3" -b 16384 listen $AB $P3 recv
b3=$last
waitfile "$tmp/l3" $b3 || { diag "$tmp/persist3b.log"; bail "no listener"; }
helper $A persist3a -a 120 connect $AB $P3 send $PERSIST_BYTES
a3=$last
# Let A probe the closed window a few times (the gaps double: about 3 s
# for four probes at the minimum RTO).
# Count from A.before: earlier parts may have probed already.
set_deadline 30
while snap $hA now && delta A.before now XtcpPersistProbes &&
	{ [ "$d" = none ] || [ "$d" = missing ] ||
		[ "$d" -lt $PROBES_WANTED ]; } && ! past_deadline; do
	nap 0.1
done
echo "# 3: A's probes so far: $d"
: >"$tmp/go3"
finished $a3 persist3a "3: A sent $PERSIST_BYTES bytes, all acknowledged, then EOF"
finished $b3 persist3b "3: B, reading only now, read them to EOF"
snap $hA A.after
snap $hB B.after
readlog persist3a
readlog persist3b
show_info persist3a
show_deltas "3: A's counters" A.before A.after
show_deltas "3: B's counters" B.before B.after
sha=${LOG[persist3a.sent.3]:-}
[ -n "$sha" ] && [ "$sha" = "${LOG[persist3b.received.3]:-}" ] &&
	[ "${LOG[persist3b.received.1]:-}" = $PERSIST_BYTES ]
ok $? "3: B received the $PERSIST_BYTES bytes intact (SHA-256 ${sha:0:16}...)"
grew "3: zero-window probes counted on A" 1 A.before A.after \
	XtcpPersistProbes

# --------------------------------------------------------- 6: delayed ACK

section "6: delayed ACK"

snap $hB B.before
helper $B delack6b -a 120 -L "$tmp/l6" -W "$tmp/go6" listen $AB $P6 pingpong $ROUNDS $MSG
b6=$last
waitfile "$tmp/l6" $b6 || { diag "$tmp/delack6b.log"; bail "no listener"; }
helper $A delack6a -a 120 -W "$tmp/go6" connect $AB $P6 pingpong $ROUNDS $MSG
a6=$last
set_deadline 60
while readlog delack6b &&
	[ -z "${LOG[delack6b.lastread.1]:-}${LOG[delack6b.fail.0]:-}" ] &&
	! past_deadline; do
	nap 0.05
done
# Wait for the event, not for a time: B's ACK of the last write has
# reached A once A's socket has nothing unacknowledged (tx_queue 0 in
# /proc/net/xtcp); then both ends close.  Whether that ACK was a delayed
# one, and when it left, is for the counter and the capture to say.
acked6() { ent $hA "*" $P6 && [ -n "$sts" ] && [ "$txq" = 0 ]; }
wait_until 60 acked6 || echo "# 6: A's last write still unacknowledged"
snap $hB B.after
: >"$tmp/go6"
finished $a6 delack6a "6: A: $ROUNDS exchanges of $MSG bytes, then one more $MSG-byte write"
finished $b6 delack6b "6: B: answered $ROUNDS, read the last write and stayed idle"
show_deltas "6: B's counters" B.before B.after
grew "6: delayed ACKs counted on B" 1 B.before B.after \
	XtcpDelayedACKs

# ------------------------------------------------------------ 4: keepalive

section "4: keepalive"

snap $hA A.before
helper $B ka4b -a 120 -L "$tmp/l4" -W "$tmp/end4" listen $AB $P4 hold
b4=$last
waitfile "$tmp/l4" $b4 || { diag "$tmp/ka4b.log"; bail "no listener"; }
helper $A ka4a -a 60 -E "$tmp/c4" -k $KA_IDLE,$KA_INTVL,$KA_CNT \
	connect $AB $P4 wait-error
a4=$last
waitfile "$tmp/c4" $a4 || { diag "$tmp/ka4a.log"; bail "no connection"; }
# Idle with the peer answering: probes after 1 s, then every second.
# Wait for the events, not for a time: two probes or more from A, each
# answered by B (B sends nothing else meanwhile, so its segments count
# its answers), then cut at once, about a second before A's next probe.
snap $hA A4.idle
snap $hB B4.idle
answered4() {
	local pa

	snap $hA now
	delta A4.idle now XtcpKeepaliveProbes
	pa=$d
	[ "$pa" != missing ] && [ "$pa" -ge 2 ] || return 1
	snap $hB now
	delta B4.idle now XtcpOutSegs
	[ "$d" != missing ] && [ "$d" -ge "$pa" ]
}
wait_until 60 answered4
r=$?
ent $hA "*" $P4
[ $r = 0 ] && [ "$sts" = "01 " ]
ok $? "4: idle with 2+ keepalive probes sent and answered, A is ESTABLISHED (${sts:-no socket})"
counter_now $hA XtcpKeepaliveProbes
echo "# 4: A's keepalive probe counter before the black hole: ${cval:-none}"
cut_link $B
t_cut4=${EPOCHREALTIME/./}
wait $a4
ok $? "4: A's recv() failed once B was black-holed" || diag "$tmp/ka4a.log"
t_end4=${EPOCHREALTIME/./}
snap $hA A.after
readlog ka4a
err=${LOG[ka4a.error.1]:-} ms=$(((${LOG[ka4a.error.6]:-0} - t_cut4) / 1000))
[ "$err" = ETIMEDOUT ] && [ $ms -ge 1500 ] && [ $ms -le 20000 ]
ok $? "4: the keepalive socket got ${err:-no error} $ms ms after the black hole (ETIMEDOUT, 1.5 .. 20 s)"
show_deltas "4: A's counters" A.before A.after
grew "4: keepalive probes counted on A (at least $KA_CNT)" $KA_CNT \
	A.before A.after XtcpKeepaliveProbes
grew "4: the keepalive abort counted on A" 1 A.before A.after \
	XtcpAbortOnKeepalive
uncut_link $B
: >"$tmp/end4"
wait $b4

# --------------------------------------------------------- 5: user timeout

section "5: TCP_USER_TIMEOUT"

# One retry would end it within a second: the user timeout must decide.
if [ $fam = xtcp ]; then
	r2=net.xtcp.retries2
else
	r2=net.ipv4.tcp_retries2
fi
ip netns exec $A sysctl -qw $r2=1 || bail "sysctl $r2"
snap $hA A.before
helper $B uto5b -a 120 -L "$tmp/l5" -W "$tmp/end5" listen $AB $P5 hold
b5=$last
waitfile "$tmp/l5" $b5 || { diag "$tmp/uto5b.log"; bail "no listener"; }
helper $A uto5a -a 60 -E "$tmp/c5" -W "$tmp/cut5" -u $UTO_MS connect $AB $P5 \
	wait-error 10000
a5=$last
waitfile "$tmp/c5" $a5 || { diag "$tmp/uto5a.log"; bail "no connection"; }
cut_link $B
: >"$tmp/cut5"
wait $a5
ok $? "5: A's recv() failed with 10000 bytes unacknowledged" || diag "$tmp/uto5a.log"
snap $hA A.after
readlog uto5a
err=${LOG[uto5a.error.1]:-} ms=${LOG[uto5a.error.3]:-0}
[ "$err" = ETIMEDOUT ] && [ "$ms" -ge $((UTO_MS - 100)) ] &&
	[ "$ms" -le 30000 ]
ok $? "5: ${err:-no error} ${ms:-?} ms after the write (ETIMEDOUT, from $UTO_MS ms to 30 s; retries2, 1 here, not consulted)"
show_deltas "5: A's counters" A.before A.after
uncut_link $B
: >"$tmp/end5"
wait $b5

# ------------------------------------------------------- the capture's end

section "the capture"

cap_stop
# One line a segment: TIME SPORT DPORT FLAGS SEQ ACK LEN WIN (lib.bash).
cap_decode
section "checking"

# check (lib.bash) sees each connection's segments as "TIME DIR FLAGS SEQ
# ACK LEN WIN", DIR ">" from A, "<" from B.
seg_columns="time dir flags seq ack len win"

# 3: the zero window and the probes sent while it stayed closed: a pure
# ACK at SND.UNA - 1 (as Linux TCP sends) or one byte at SND.UNA.
# The RTO is 200 ms at least: the first probe comes no earlier than that
# after the window closed, each gap no earlier than twice the one before
# would (tcp_probe0_when()): 0.2, 0.4, 0.8 s.  Later is allowed, as a
# stalled guest only delays them; a probe early means no backoff.
check persist $P3 "3: captured window 0 from B, then $((PROBES_WANTED - 1))+ zero-window probes from A, backed off: gap k at least 0.2 s x 2^(k-1)" '
	$2 == "<" && $3 == "SA" { synack = $7 }
	$2 == "<" && $3 ~ /A/ {
		una = $5
		if ($7 == 0 && !zero)
			zero = $1
		else if ($7 > 0 && zero && !open)
			open = $1
	}
	$2 == ">" && zero && !open {
		if ($6 == 0 && $3 == "A" && $4 == mod(una - 1))
			kind = "ack"
		else if ($6 == 1 && $4 == una)
			kind = "byte"
		else {
			other++
			next
		}
		t[++n] = $1
		kinds = kinds " " kind
	}
	END {
		if (!zero)
			bad = bad " no window 0 from B"
		printf "B offered a window of %d in its SYN-ACK\n", synack
		if (zero)
			printf "window 0 at %.3f, open again %.3f s later; probes:%s\n",
				zero, open ? open - zero : -1, kinds
		# 4 ms of slack for the capture clock.
		if (n && t[1] - zero < 0.2 - 0.004)
			bad = bad " probe 1 early"
		for (i = 2; i <= n; i++) {
			g[i] = t[i] - t[i - 1]
			printf "probe %d: %.3f s after the previous\n", i, g[i]
			if (g[i] < 0.2 * 2 ^ (i - 1) - 0.004)
				bad = bad " gap " i " early"
		}
		if (n < '$((PROBES_WANTED - 1))')
			bad = bad " only " n + 0 " probes"
		if (other)
			bad = bad " " other " other segments from A while the window was 0"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# 6: the last data segment from A, and B's first acknowledgement of it.
check delack $P6 "6: captured A's last $MSG-byte write acknowledged by a pure ACK from B, 10 ms .. 1 s later" '
	$2 == ">" && $6 > 0 && $3 !~ /F/ { td = $1; end = mod($4 + $6); acked = 0 }
	$2 == "<" && td && !acked && $3 ~ /A/ && mod($5 - end) < 2147483648 {
		acked = 1
		ta = $1
		pure = $6 == 0 && $3 == "A"
	}
	END {
		if (!td)
			bad = bad " no data from A"
		else if (!acked)
			bad = bad " never acknowledged"
		else {
			printf "acknowledged %.1f ms after the data by a%s\n",
				(ta - td) * 1000, pure ? " pure ACK" : " segment with data or FIN"
			if (!pure)
				bad = bad " not a pure ACK"
			if (ta - td <= 0.010 || ta - td >= 1)
				bad = bad " delay"
		}
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# 4: probes are pure ACKs from A at SND.UNA - 1.  Before the black hole
# each is answered (a segment from B before A sends again); after B's last
# segment (before the abort) exactly KEEPCNT go unanswered.
check keepalive $P4 "4: captured keepalive probes (pure ACK, SND.UNA - 1): 2+ answered, then exactly $KA_CNT unanswered" '
	$1 * 1000000 > '"$t_end4"' { next }
	$2 == "<" { una = $5; last_b = N; if (pending) answered++; pending = 0 }
	$2 == ">" && $3 == "A" && $6 == 0 && $4 == mod(una - 1) {
		probe[++n] = N
		pending = 1
	}
	END {
		for (i = 1; i <= n; i++)
			if (probe[i] > last_b)
				unanswered++
		printf "%d probes: %d answered, %d after B fell silent\n", n,
			answered, unanswered
		if (answered < 2)
			bad = bad " fewer than 2 answered"
		if (unanswered != '$KA_CNT')
			bad = bad " " unanswered + 0 " unanswered"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# 5: the data went out and was retransmitted into the black hole.
check uto $P5 "5: captured A's 10000 bytes, retransmitted while B was black-holed" '
	$2 == ">" && $6 > 0 { if (seen[$4]++) rtx++; else first++ }
	END {
		printf "%d data segments, %d retransmissions\n", first, rtx
		exit !(first > 0 && rtx > 0)
	}'

section "done"
tap_end
