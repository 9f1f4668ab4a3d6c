#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # the awk programs in single quotes
#
# The RFC 7323 options (window scale, timestamps, PAWS) and RFC 2018 SACK,
# seen on the wire, through XTCP_INFO and in /proc/net/xtcp_snmp.  Two
# namespaces, A (client) and B (server), joined by veth; helpers/xtcp_opts
# drives each end of a connection (SO_RCVBUFFORCE, a transfer each way
# with SHA-256, XTCP_INFO at fixed points); helpers/xtcp_inject.py sends
# the PAWS segment from a raw socket; dumpcap records the whole run on B's
# veth and tshark decodes it at the end (-d ip.proto==253,tcp).
#
#  0. The knobs: net.xtcp.window_scaling, timestamps and sack are 1 in a
#     new namespace, take 0 and 1 only, and are per namespace.
#  1. Defaults, B's SO_RCVBUF forced to 2 MiB: 1 MiB from A to B over a
#     300 ms ACK path.  SYN and SYN-ACK carry MSS, SACK-permitted,
#     timestamps and window scale in Linux's layout; each shift is the
#     smallest that fits the largest window the buffer may back into
#     65535 << shift (B: half its SO_RCVBUF; A: also half of
#     net.xtcp.rmem's maximum, and net.core.rmem_max); the handshake's
#     window fields are not scaled, the later ones are (checked against
#     the peer's XTCP_INFO snd_wnd); more
#     than 65535 bytes are in flight at some point, never beyond B's
#     right edge; XTCP_INFO shows the options and shifts on both ends.
#     Timestamps: on every segment; TSval non-decreasing and about 1 per
#     ms; each TSecr a TSval the peer sent before; the SYN's TSecr 0.
#  2. Each of the three sysctls at 0 on one side (six connections): the
#     option is in neither SYN-ACK nor XTCP_INFO, not used later either,
#     the others still are; 64 KiB each way intact.
#  3. SACK under loss (netem delay 5 ms, loss 3% on A's egress): 4 MiB
#     from A intact; B's ACKs carry SACK blocks (above the ACK, beside
#     timestamps; the first one holds a segment just received, RFC 2018
#     section 4); XtcpSACKRecovery and XtcpSACKBlocksIn grew on A,
#     XtcpSACKBlocksOut on B, each by as many blocks as the capture holds;
#     no NewReno recovery; XTCP_INFO sacked and lost rose during the
#     transfer, back to 0 once all was acknowledged.
#  4. The same with net.xtcp.sack=0 on B: no SACK on the wire, NewReno
#     (XtcpRenoRecovery) on A, XtcpSACKRecovery unchanged.
#  3r. Every other segment of A's overtakes the one before it (netem
#     reorder 100% gap 2), so B holds more separate runs than fit in an
#     ACK: up to 3 SACK blocks beside timestamps, 4 with timestamps off on
#     B; the first block still the newest.
#  5. PAWS: a raw socket in A's namespace sends B, in B's window, 16 bytes
#     with a TSval 10 minutes old: B answers with an ACK that does not
#     move, XtcpPAWSEstab grows by 1, and B reads only A's real bytes.
#  6. Timestamps checked on every connection that agreed them (but 3r's,
#     reordered, and 4's, whose data segments are not captured); TSval
#     offsets differ between connections.
#
# netem cannot be seeded by Debian 12's tc (iproute2 6.1): the loss is
# random, and the checks only ask what any loss pattern of 3 % gives.
#
# XTCP_TEST_FAMILY=tcp runs the same on Linux TCP (net.ipv4.tcp_*), which
# is how the expectations were checked.  Linux computes its shift from
# net.ipv4.tcp_rmem and offsets its timestamps per address pair, and has
# no counters of SACK blocks: those checks are skipped (TAP SKIP) and the
# shifts are only checked to agree between the two ends and the wire.
# Nothing is asserted about speed; time-outs allow for the debug kernel.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init options '*.log' '*.pcapng' '*.txt' '*.segs'
AA=10.207.0.1 AB=10.207.0.2
opts_bin=$XTCP_TOP/build/userspace/helpers/xtcp_opts
inject=$XTCP_TOP/userspace-tests/helpers/xtcp_inject.py
P1=7501			# 1: defaults
P2=7510			# 2: P2 .. P2 + 5, one connection per sysctl and side
P3=7521 P4=7522		# 3, 4: SACK, then NewReno, under loss
P3R=7524 P3N=7525	# 3r: reordering, with and without timestamps
P5=7523			# 5: PAWS
if [ "${XTCP_TEST_FAMILY:-xtcp}" = tcp ]; then
	fam=tcp hopt=-t proc=tcp proto=6
	capfilter="tcp and not (src host $AA and dst port $P4 and ip[2:2] > 100)"
	knobs=/proc/sys/net/ipv4/tcp_
else
	fam=xtcp hopt='' proc=xtcp proto=253
	# XTCP's ports follow the 20-byte IP header.
	capfilter="ip proto 253 and not (src host $AA and ip[22:2] = $P4 and ip[2:2] > 100)"
	knobs=/proc/sys/net/xtcp/
fi
OPTS="window_scaling timestamps sack"
BIGBUF=$((1 << 20))	# B's SO_RCVBUFFORCE: SO_RCVBUF reads back twice that
SNDBUF=$((1 << 20))	# A's SO_SNDBUFFORCE in 1, 3 and 4
BULK1=$((1 << 20))	# 1: bytes from A
BULK=$((4 << 20))	# 3, 4: bytes from A
SMALL=$((64 << 10))	# 2: bytes each way
PAWS_BYTES=65536	# 5: bytes from A after the injection
LOSS=3%			# 3, 4: netem loss on A's egress
# 1: netem on B's egress, the ACK path: A must have more than 64 KiB in
# flight, so have the time to send them in a round trip, even in a slow
# guest.  Nothing is delayed but by this (the neighbours are static: no
# ARP reply delayed first), so the SYN-ACK comes 700 ms before the SYN's
# 1 s time-out: a SYN sent again would have A start from a window of one
# segment, ssthresh 2 (RFC 6298 5.7), and 1 MiB then never has 64 KiB in
# flight (a slow CI host once gave at most 57920 bytes so, at 200 ms and
# an ARP reply delayed as much).  With the round trip steady, RFC 6298's
# RTO comes down to about it: RTO_MIN1 (net.xtcp.rto_min_us, its
# largest) on both ends keeps it 700 ms above it.
DELAY1=300ms
RTO_MIN1=1000000
DELAY=5ms		# 3, 4: on A's egress, with the loss
REORDER="delay 10ms reorder 100% gap 2"	# 3r: netem on A's egress
REORDER_BYTES=$((256 << 10))	# 3r: bytes from A
IDLE_MS=1000		# 1: A idles this long before sending (TSval clock)

# XTCPI_OPT_* of include/uapi/linux/xtcp.h (TCPI_OPT_* have the same
# values).
OPT_TS=1 OPT_SACK=2 OPT_WS=4

# The counters the test reads (their Linux TCP twins: lib.bash).
counters="XtcpSACKRecovery XtcpSACKBlocksIn XtcpSACKBlocksOut
	XtcpRenoRecovery XtcpFastRetrans XtcpRetransSegs XtcpRtoExpired
	XtcpPAWSEstab XtcpOutRsts XtcpInNoSocket XtcpEstabResets"

# knob NS OPT [VALUE]: read net.xtcp.OPT (net.ipv4.tcp_OPT) in NS into
# $out, or write VALUE to it (status of the write).
knob() {
	if [ $# = 3 ]; then
		nsh "$1" "echo $3 >$knobs$2"
	else
		nsh "$1" "read -r v <$knobs$2 && echo \$v"
	fi
}

# queue_on_b 1|0: a SYN cookie carries window scaling and SACK only in
# the timestamps (as Linux TCP's cookies), so under syncookies 2 (make
# check-long runs every test so) B answers the connections without
# timestamps from its SYN queue: 1 before such a connection, 0 after.
queue_on_b() {
	[ $fam = xtcp ] || return 0
	if [ "$1" = 1 ]; then
		knob $B syncookies
		cookies_b=$out
		[ "$cookies_b" = 2 ] || return 0
		echo "# B: syncookies 1 for a connection without timestamps"
		knob $B syncookies 1
	elif [ "${cookies_b:-}" = 2 ]; then
		knob $B syncookies 2
	fi
}

# helper NS NAME ARGS...: start xtcp_opts in NS in the background; its pid
# in $last, its output in $tmp/NAME.log.
# shellcheck disable=SC2086 # $hopt is empty or one word
helper() { spawn "$1" "$2" 300 "$opts_bin" $hopt "${@:3}"; }

# wshift SPACE: sets ws to the smallest shift with SPACE <= 65535 << shift,
# at most 14 (RFC 7323 2.3).
wshift() {
	ws=0
	while [ $ws -lt 14 ] && [ "$1" -gt $((65535 << ws)) ]; do
		ws=$((ws + 1))
	done
}

# expect_ws RCVBUF LOCKED: sets ws to the shift XTCP announces for a
# socket whose SO_RCVBUF reads RCVBUF, LOCKED 1 when SO_RCVBUF set it: the
# largest window the buffer may back, RCVBUF / 2 when locked, else also
# half of net.xtcp.rmem's maximum (autotuning) and rmem_max (SO_RCVBUF).
expect_ws() {
	local space=$(($1 / 2))

	if [ "$2" = 0 ]; then
		[ $((rmem2 / 2)) -gt $space ] && space=$((rmem2 / 2))
		[ "$rmem_max" -gt $space ] && space=$rmem_max
	fi
	wshift $space
}

# conn NAME PORT A_ARGS B_ARGS A_BYTES B_BYTES: one connection: B listens
# (B_ARGS are its options), A connects; each sends its bytes.  Waits for
# both ends and reads their logs (LOG[NAME-a...], LOG[NAME-b...]).  One test
# point per direction: the bytes arrived intact.
conn() {
	local name=$1 port=$2 aargs=$3 bargs=$4 abytes=$5 bbytes=$6 a b r

	rm -f "$tmp/l.$name"
	# shellcheck disable=SC2086 # the argument strings are word lists
	helper $B "$name-b" -a 240 -L "$tmp/l.$name" $bargs listen $AB "$port" \
		"$bbytes"
	b=$last
	waitfile "$tmp/l.$name" $b || { diag "$tmp/$name-b.log"; bail "no listener"; }
	# shellcheck disable=SC2086
	helper $A "$name-a" -a 240 $aargs connect $AB "$port" "$abytes"
	a=$last
	wait $a
	r=$?
	wait $b
	r=$((r | $?))
	readlog "$name-a"
	readlog "$name-b"
	[ $r = 0 ] || { diag "$tmp/$name-a.log"; diag "$tmp/$name-b.log"; }
	for dir in "A B a b $abytes" "B A b a $bbytes"; do
		read -r from to f t n <<<"$dir"
		sent=${LOG[$name-$f.sent.1]:-} ssha=${LOG[$name-$f.sent.3]:-}
		got=${LOG[$name-$t.received.1]:-} gsha=${LOG[$name-$t.received.3]:-}
		xfer_ok "$name: $from -> $to" "$n" "$sent" "$got" "$ssha" "$gsha" $r
	done
}

# info_check NAME WANT_OPTS WS_A WS_B: one test point: XTCP_INFO on both
# ends, right after the connection and once all their bytes were
# acknowledged, shows the options WANT_OPTS and the shifts (A's rcv_wscale
# WS_A, snd_wscale WS_B; B's the reverse).
info_check() {
	local name=$1 want=$2 wa=$3 wb=$4 when e r=0 got=""

	for when in connected acked; do
		for e in "a $wa $wb" "b $wb $wa"; do
			read -r s rw sw <<<"$e"
			o=${LOG[$name-$s.info.$when.options]:-?}
			rs=${LOG[$name-$s.info.$when.rcv_wscale]:-?}
			ss=${LOG[$name-$s.info.$when.snd_wscale]:-?}
			[ "$o" = "$want" ] && [ "$rs" = "$rw" ] && [ "$ss" = "$sw" ] ||
				r=1
			got+=" ${s^^}.$when:$o/$rs/$ss"
		done
	done
	ok $r "$name: XTCP_INFO options/rcv_wscale/snd_wscale on both ends are $want/$wa/$wb and $want/$wb/$wa:$got"
}

# ---------------------------------------------------------------- setup

need "$opts_bin"
ns_pair $AA $AB 900
nsh_start $A
nsh_start $B
read -r rmem_max </proc/sys/net/core/rmem_max
read -r _ _ rmem2 < <(ip netns exec $A cat /proc/sys/net/xtcp/rmem 2>/dev/null)
echo "# net.core.rmem_max $rmem_max, net.xtcp.rmem maximum ${rmem2:=0}"

# ------------------------------------------------------------ the capture

section "capture"

# tshark starts now and decodes as dumpcap captures (lib.bash); its
# output is read at the end.  The whole run is captured, headers only,
# with a large buffer: the checks need every segment; but A's data
# segments of part 4, which no check needs, are left out.
cap_buf=64
cap_start $B veth0 "$capfilter" tcp.window_size_value tcp.options \
	tcp.options.timestamp.tsval tcp.options.timestamp.tsecr \
	tcp.options.sack_le tcp.options.sack_re tcp.options.wscale.shift \
	tcp.options.sack_perm tcp.options.mss_val

# ------------------------------------------------------------- 0: knobs

section "0: the knobs"

r=0 got=""
for ns in $A $B; do
	for o in $OPTS; do
		knob "$ns" "$o"
		got+=" $o=$out"
		[ "$out" = 1 ] || r=1
	done
done
ok $r "0: the three knobs are 1 in new namespaces:$got"

if [ $fam = xtcp ]; then
	r=0 got=""
	for o in $OPTS; do
		knob $A "$o" 2 && r=1
		knob $A "$o"
		got+=" $o=2:$out"
		[ "$out" = 1 ] || r=1
		knob $A "$o" 0 || r=1
		knob $A "$o"
		got+=",0:$out"
		[ "$out" = 0 ] || r=1
		knob $B "$o"
		got+=",B:$out"
		[ "$out" = 1 ] || r=1
		knob $A "$o" 1 || r=1
		knob $A "$o"
		[ "$out" = 1 ] || r=1
	done
	ok $r "0: each knob refuses 2, takes 0 and 1, per namespace (A's value after writing 2, then 0, and B's meanwhile):$got"
else
	skip "0: each knob refuses 2, takes 0 and 1, per namespace" "Linux's tcp_* knobs take more values"
fi
for ns in $A $B; do
	# TIME_WAITs of the test's connections end before later tests.
	if [ $fam = xtcp ]; then
		nsh "$ns" "echo 5 >/proc/sys/net/xtcp/tw_timeout" || bail "sysctl"
	fi
	# One MSS a packet, for both protocols, so that netem's losses and
	# reordering make as many holes (a large skb would be lost or
	# overtaken whole).
	nsh "$ns" "ethtool -K veth0 tso off gso off" || bail "ethtool"
done

# ------------------------------------------------------------ 1: defaults

section "1: defaults, a large window"

knob $A rto_min_us
rto_min=$out
knob $A rto_min_us $RTO_MIN1 && knob $B rto_min_us $RTO_MIN1 ||
	bail "cannot set rto_min_us"
netem $B delay $DELAY1 || bail "tc netem"
snap $hA A1.before
conn c1 $P1 "-d $IDLE_MS -s $SNDBUF" "-r $BIGBUF" $BULK1 0
snap $hA A1.after
netem $B
knob $A rto_min_us "$rto_min" && knob $B rto_min_us "$rto_min" ||
	bail "cannot set rto_min_us back"
show_deltas "1: A's counters" A1.before A1.after
show_info c1-a c1-b
rbA=${LOG[c1-a.rcvbuf.1]:-0} rbB=${LOG[c1-b.rcvbuf.1]:-0}
if [ $fam = xtcp ]; then
	# A keeps its default buffer, B's is set by SO_RCVBUF.
	expect_ws "$rbA" 0
	wsA=$ws
	expect_ws "$rbB" 1
	wsB=$ws
	echo "# SO_RCVBUF: A $rbA, B $rbB; expected shifts: A $wsA, B $wsB"
else
	# Linux's own rule: take the shifts XTCP_INFO shows, checked for
	# agreement with the other end and the wire.
	wsA=${LOG[c1-a.info.acked.rcv_wscale]:-0} wsB=${LOG[c1-b.info.acked.rcv_wscale]:-0}
	echo "# SO_RCVBUF: A $rbA, B $rbB; Linux's shifts: A $wsA, B $wsB"
fi
info_check c1 $((OPT_TS | OPT_SACK | OPT_WS)) "$wsA" "$wsB"
if [ $fam = tcp ]; then
	[ "$wsA" -gt 0 ] && [ "$wsB" -gt 0 ]
	ok $? "1: Linux shifts both windows (A $wsA, B $wsB)"
else
	[ "$wsA" != "$wsB" ]
	ok $? "1: the two ends' shifts differ (A $wsA, B $wsB), so that swapped shifts show"
fi

# ------------------------------------------------------------ 2: sysctls

section "2: each option off on one side"

# c2_NAME: "OPT SIDE PORT"
c2=()
i=0
for o in $OPTS; do
	for side in A B; do
		c2+=("$o $side $((P2 + i))")
		i=$((i + 1))
	done
done
for c in "${c2[@]}"; do
	read -r o side port <<<"$c"
	ns=${!side}
	knob "$ns" "$o" 0 || bail "cannot set $o=0"
	[ "$o" = timestamps ] && queue_on_b 1
	conn "c2-$o-$side" "$port" "" "-r $BIGBUF" $SMALL $SMALL
	[ "$o" = timestamps ] && queue_on_b 0
	knob "$ns" "$o" 1 || bail "cannot set $o=1"
	show_info "c2-$o-$side-a" "c2-$o-$side-b"
done
for c in "${c2[@]}"; do
	read -r o side port <<<"$c"
	want=$((OPT_TS | OPT_SACK | OPT_WS))
	case $o in
	window_scaling) want=$((want & ~OPT_WS)) ;;
	timestamps) want=$((want & ~OPT_TS)) ;;
	sack) want=$((want & ~OPT_SACK)) ;;
	esac
	if [ $((want & OPT_WS)) = 0 ]; then
		ok_ws="0 0"
	else
		# Same buffers as in 1: the same shifts (Linux's too).
		ok_ws="$wsA $wsB"
	fi
	# shellcheck disable=SC2086 # two words
	info_check "c2-$o-$side" $want $ok_ws
done

# ------------------------------------------------------ 3: SACK under loss

section "3: SACK under loss"

# The capture is on B's veth: A's segments are seen as B receives them,
# B's as B sends them (the order the first-block rule needs), since the
# delay is on A's side.
netem $A delay $DELAY loss $LOSS || bail "tc netem"
snap $hA A3.before
snap $hB B3.before
conn c3 $P3 "-p -s $SNDBUF" "-r $BIGBUF" $BULK 0
snap $hA A3.after
snap $hB B3.after
qdisc_drops $A
echo "# 3: netem dropped $drops of A's segments"
show_info c3-a c3-b
show_deltas "3: A's counters" A3.before A3.after
show_deltas "3: B's counters" B3.before B3.after
info_check c3 $((OPT_TS | OPT_SACK | OPT_WS)) "$wsA" "$wsB"
counter_check "3: SACK recoveries on A" min 1 A3.before A3.after XtcpSACKRecovery
counter_check "3: no NewReno recovery on A with SACK agreed" is 0 \
	A3.before A3.after XtcpRenoRecovery
counter_check "3: SACK blocks received on A" min 1 A3.before A3.after XtcpSACKBlocksIn
counter_check "3: SACK blocks sent by B" min 1 B3.before B3.after XtcpSACKBlocksOut
ms=${LOG[c3-a.max.sacked]:--} ml=${LOG[c3-a.max.lost]:--}
es=${LOG[c3-a.info.acked.sacked]:--} el=${LOG[c3-a.info.acked.lost]:--}
[ "$ms" != - ] && [ "$ms" -gt 0 ] && [ "$ml" -gt 0 ] && [ "$es" = 0 ] &&
	[ "$el" = 0 ]
ok $? "3: A's XTCP_INFO during the transfer: sacked up to $ms, lost up to $ml (both > 0); once all was acknowledged: $es, $el (0)"

# ------------------------------------------------- 4: NewReno under loss

section "4: sack=0 on B, under loss"

knob $B sack 0 || bail "cannot set sack=0"
snap $hA A4.before
snap $hB B4.before
conn c4 $P4 "-p -s $SNDBUF" "-r $BIGBUF" $BULK 0
snap $hA A4.after
snap $hB B4.after
qdisc_drops $A
echo "# 4: netem dropped $drops of A's segments (parts 3 and 4)"
knob $B sack 1 || bail "cannot set sack=1"
netem $A
show_info c4-a c4-b
show_deltas "4: A's counters" A4.before A4.after
show_deltas "4: B's counters" B4.before B4.after
info_check c4 $((OPT_TS | OPT_WS)) "$wsA" "$wsB"
counter_check "4: NewReno recoveries on A" min 1 A4.before A4.after XtcpRenoRecovery
counter_check "4: fast retransmits on A" min 1 A4.before A4.after XtcpFastRetrans
counter_check "4: no SACK recovery on A" is 0 A4.before A4.after XtcpSACKRecovery
counter_check "4: no SACK block received on A" is 0 A4.before A4.after XtcpSACKBlocksIn
counter_check "4: no SACK block sent by B" is 0 B4.before B4.after XtcpSACKBlocksOut
ms=${LOG[c4-a.max.sacked]:--}
if [ $fam = tcp ]; then
	skip "4: A's TCP_INFO sacked stayed 0" "Linux counts duplicate ACKs there without SACK (largest seen: $ms)"
else
	[ "$ms" = 0 ]
	ok $? "4: A's XTCP_INFO sacked stayed 0 (largest seen: $ms)"
fi

# ------------------------------------------------ 3r: many holes at once

section "3r: reordering, with and without timestamps"

# Every other segment from A overtakes the one before it by 10 ms: B
# holds as many separate runs as half a flight (5 of the first 10), more
# than an ACK has room for.
netem $A $REORDER || bail "tc netem"
snap $hA A3r.before
snap $hB B3r.before
conn c3r $P3R "-s $SNDBUF" "-r $BIGBUF" $REORDER_BYTES 0
knob $B timestamps 0 || bail "cannot set timestamps=0"
queue_on_b 1
conn c3r-nots $P3N "-s $SNDBUF" "-r $BIGBUF" $REORDER_BYTES 0
queue_on_b 0
knob $B timestamps 1 || bail "cannot set timestamps=1"
netem $A
snap $hA A3r.after
snap $hB B3r.after
show_deltas "3r: A's counters" A3r.before A3r.after
show_deltas "3r: B's counters" B3r.before B3r.after

# ------------------------------------------------------------------ 5: PAWS

section "5: PAWS"

snap $hB B5.before
: >"$tmp/inject.log"
ip netns exec $A timeout 120 python3 "$inject" $proto $AB $P5 \
	>"$tmp/inject.log" 2>&1 &
inj=$!
bg_pids+=("$inj")
set_deadline 60
while readlog inject && [ -z "${LOG[inject.ready.0]:-}${LOG[inject.fail.0]:-}" ] &&
	kill -0 $inj 2>/dev/null && ! past_deadline; do
	nap 0.05
done
[ -n "${LOG[inject.ready.0]:-}" ] || { diag "$tmp/inject.log"; bail "the injector did not start"; }
rm -f "$tmp/l5" "$tmp/go5"
helper $B paws-b -a 240 -L "$tmp/l5" -W "$tmp/go5" listen $AB $P5 0
b5=$last
waitfile "$tmp/l5" $b5 || { diag "$tmp/paws-b.log"; bail "no listener"; }
helper $A paws-a -a 240 -W "$tmp/go5" connect $AB $P5 $PAWS_BYTES
a5=$last
wait $inj
ok $? "5: the injector saw the SYN-ACK and sent its segment" ||
	diag "$tmp/inject.log"
snap $hB B5.after
: >"$tmp/go5"
wait $a5
r=$?
wait $b5
r=$((r | $?))
[ $r = 0 ] || { diag "$tmp/paws-a.log"; diag "$tmp/paws-b.log"; }
readlog inject
readlog paws-a
readlog paws-b
diag "$tmp/inject.log"
iseq=${LOG[inject.injected.1]:-x}
read -r _ rf _ rack rlen _ <<<"$(grep ^reply "$tmp/inject.log")"
[ "${rf:-}" = A ] && [ "${rack:-}" = "$iseq" ] && [ "${rlen:-}" = 0 ]
ok $? "5: B answered the old TSval with a pure ACK of $iseq, where the injected bytes start (${rf:-no reply} ack ${rack:--} len ${rlen:--})"
counter_check "5: PAWS rejection counted once on B" is 1 B5.before B5.after \
	XtcpPAWSEstab
sha=${LOG[paws-a.sent.3]:-}
[ $r = 0 ] && [ -n "$sha" ] && [ "$sha" = "${LOG[paws-b.received.3]:-}" ] &&
	[ "${LOG[paws-b.received.1]:-}" = $PAWS_BYTES ]
ok $? "5: B read exactly A's $PAWS_BYTES bytes (SHA-256 ${sha:0:16}... ${LOG[paws-b.received.3]:0:16}...), not the injected ones"

# ------------------------------------------------------- the capture's end

section "the capture"

cap_stop
[ "$cap_drops" = 0 ]
ok $? "the capture lost no segment (dumpcap: $cap_drops dropped)" ||
	diag "$tmp/dumpcap.log"
section "decoded"
# One line a segment: TIME SPORT DPORT FLAGS SEQ ACK LEN WIN TSVAL TSECR
# OPTIONS SACKS WS SACKPERM MSS; SACKS as LE-RE,LE-RE..., "-" for what a
# segment lacks.
cap_decode '
	sacks = "-"
	if ($15 != "") {
		n = split($15, le, ",")
		split($16, re, ",")
		sacks = ""
		for (i = 1; i <= n; i++)
			sacks = sacks (i > 1 ? "," : "") le[i] "-" re[i]
	}
	x = " " $11 " " v($13) " " v($14) " " v($12) " " sacks " " v($17) \
		" " ($18 == "" ? "-" : "1") " " v($19)'

section "checking"

# check (lib.bash) sees each connection's segments as "TIME DIR FLAGS SEQ
# ACK LEN WIN TSVAL TSECR OPTIONS SACKS WS SACKPERM MSS".
seg_columns="time dir flags seq ack len win tsval tsecr options sacks ws sackperm mss"

# synopts TS SACK WS TSECR: sets re to the regular expression of a SYN's
# options (tshark's hex) in Linux's layout: MSS; SACK-permitted packed
# before the timestamps (else NOP, NOP before them), or NOP, NOP,
# SACK-permitted without timestamps; NOP and window scale WS ("-" for
# none); TSECR the timestamp echo's 8 hex digits (a pattern).  No {N} in
# the patterns: mawk has no interval expressions.
x4='[0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
x8=$x4$x4
synopts() {
	re="^0204$x4"
	if [ "$1" = 1 ]; then
		[ "$2" = 1 ] && re+='0402' || re+='0101'
		re+="080a$x8$4"
	elif [ "$2" = 1 ]; then
		re+='01010402'
	fi
	[ "$3" != - ] && re+=$(printf '010303%02x' "$3")
	re+='$'
}

# The handshake of connection NAME on PORT: A's SYN offers what A's knobs
# allow (A_TS A_SACK A_WS: 1 or 0), B's SYN-ACK what both allow, with
# shifts WS_A and WS_B; windows not scaled.
# handshake NAME PORT A_TS A_SACK A_WS B_TS B_SACK B_WS WS_A WS_B
handshake() {
	local name=$1 port=$2 ats=$3 asack=$4 aws=$5 bts=$6 bsack=$7 bws=$8
	local wa=$9 wb=${10} syn_re synack_re

	[ "$aws" = 1 ] || wa=-
	synopts "$ats" "$asack" "$wa" 00000000
	syn_re=$re
	[ "$aws" = 1 ] && [ "$bws" = 1 ] || wb=-
	synopts $((ats & bts)) $((asack & bsack)) "$wb" "$x8"
	synack_re=$re
	check "$name.hs" "$port" "$name: SYN offers timestamps $ats, SACK $asack, window scale ${wa/-/none}; SYN-ACK answers $((ats & bts)), $((asack & bsack)), ${wb/-/none}; Linux's option layout; the SYN's TSecr 0, the SYN-ACK's the SYN's TSval" '
	$2 == ">" && $3 == "S" && !syn {
		syn = 1
		printf "SYN options %s ws %s sack_perm %s tsval %s tsecr %s mss %s\n", $10, $12, $13, $8, $9, $14
		if ($10 !~ SYNRE)
			bad = bad " SYN layout"
		if ((WA == "-") != ($12 == "-") || (WA != "-" && $12 != WA))
			bad = bad " SYN shift"
		if (($13 == "1") != (ATS_SACK % 2))
			bad = bad " SYN SACK-permitted"
		if (ATS == 1 && ($8 == "-" || $9 != 0) || ATS == 0 && $8 != "-")
			bad = bad " SYN timestamps"
		syntsval = $8
	}
	$2 == "<" && $3 == "SA" && !synack {
		synack = 1
		printf "SYN-ACK options %s ws %s sack_perm %s tsval %s tsecr %s mss %s\n", $10, $12, $13, $8, $9, $14
		if ($10 !~ SYNACKRE)
			bad = bad " SYN-ACK layout"
		if ((WB == "-") != ($12 == "-") || (WB != "-" && $12 != WB))
			bad = bad " SYN-ACK shift"
		if (($13 == "1") != (BOTH_SACK % 2))
			bad = bad " SYN-ACK SACK-permitted"
		if (BOTH_TS && ($8 == "-" || $9 != syntsval) || !BOTH_TS && $8 != "-")
			bad = bad " SYN-ACK timestamps"
	}
	END {
		if (!syn || !synack)
			bad = bad " no SYN or SYN-ACK"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}' SYNRE="$syn_re" SYNACKRE="$synack_re" WA="$wa" WB="$wb" \
		ATS="$ats" ATS_SACK="$asack" BOTH_SACK=$((asack & bsack)) \
		BOTH_TS=$((ats & bts))
}

# windows NAME PORT WS_A WS_B A_BYTES B_BYTES: the window fields of the
# handshake are not scaled, later ones are: XTCP_INFO snd_wnd of each
# sender, once all its bytes were acknowledged, is the window field << the
# peer's shift of one of the peer's segments acknowledging all those
# bytes (WS "-": no scaling).
windows() {
	local name=$1 port=$2 wa=$3 wb=$4
	local swa=${LOG[$name-a.info.acked.snd_wnd]:-x} swb=${LOG[$name-b.info.acked.snd_wnd]:-x}

	check "$name.win" "$port" "$name: handshake windows unscaled; each sender's snd_wnd once all acknowledged ($swa, $swb) is a window field of the peer's << its shift (${wb/-/0}, ${wa/-/0})" '
	$2 == ">" && $3 == "S" { aiss = $4; synwin = $7 }
	$2 == "<" && $3 == "SA" { biss = $4; synackwin = $7 }
	$2 == "<" && aiss != "" && $5 == mod(aiss + 1 + ABYTES) && $3 !~ /S/ {
		if ($7 * 2 ^ WB == SWA)
			amatch++
		acand = acand " " $7
	}
	$2 == ">" && biss != "" && $5 == mod(biss + 1 + BBYTES) && $3 !~ /S/ {
		if ($7 * 2 ^ WA == SWB)
			bmatch++
		if (length(bcand) < 200)
			bcand = bcand " " $7
	}
	END {
		printf "SYN window %s, SYN-ACK window %s\n", synwin, synackwin
		if (!amatch && ABYTES > 0)
			bad = bad " A: " SWA " not in (<< " WB "):" substr(acand, 1, 200)
		if (!bmatch && BBYTES > 0)
			bad = bad " B: " SWB " not in (<< " WA "):" bcand
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}' WA="${wa/-/0}" WB="${wb/-/0}" ABYTES="$5" BBYTES="$6" SWA="$swa" \
		SWB="$swb"
}

# timestamps NAME PORT: with timestamps agreed, every segment (but RSTs)
# carries them; TSval never decreases in a direction; each TSecr (but the
# SYN's 0) is a TSval the peer sent before, never decreasing either.
# Segments are taken in the order of their capture times, not in the
# file's: a veth hands each CPU's segments to the peer through that CPU's
# queue, so B may receive A's segments out of order (and the capture,
# which sees B's ingress, records them so), but each is stamped when A
# sends it.  Two segments sent on two CPUs within the same millisecond
# may still be stamped in the other order: a step back of 1 within 1 ms
# is let off.
timestamps() {
	[ -e "$tmp/segs-time.txt" ] ||
		sort -s -n -k1,1 "$tmp/segs.txt" >"$tmp/segs-time.txt"
	segfile=$tmp/segs-time.txt
	check "$1.ts" "$2" "$1: timestamps on every segment; TSval non-decreasing each way; each TSecr a TSval the peer sent before, non-decreasing" '
	function back(prev, v, t, pt) {
		if (!after(prev, v))
			return 0
		return mod(prev - v) > 1 || t - pt >= 0.001
	}
	$3 ~ /R/ { next }
	$8 == "-" { missing++; next }
	{
		other = $2 == ">" ? "<" : ">"
		if ($2 in last && back(last[$2], $8, $1, lastt[$2]))
			backs++
		if (!($2 in last) || after($8, last[$2])) {
			last[$2] = $8
			lastt[$2] = $1
		}
		seen[$2, $8] = 1
		if ($3 == "S") {
			if ($9 != 0)
				bad = bad " SYN TSecr " $9
		} else {
			if (!((other, $9) in seen))
				unseen++
			if ($2 in lastecr && back(lastecr[$2], $9, $1, lastecrt[$2]))
				ecrback++
			if (!($2 in lastecr) || after($9, lastecr[$2])) {
				lastecr[$2] = $9
				lastecrt[$2] = $1
			}
		}
	}
	END {
		printf "%d segments, %d without timestamps, %d TSval going back, %d TSecr never sent, %d TSecr going back\n", N, missing, backs, unseen, ecrback
		if (missing || backs || unseen || ecrback)
			bad = bad " see above"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'
	segfile=
}

# no_timestamps NAME PORT: no segment of the connection but A's SYN (which
# offers them when A's knob allows) carries them.
no_timestamps() {
	check "$1.nots" "$2" "$1: no segment after A's SYN carries timestamps" '
	$3 == "S" { next }
	$8 != "-" { n++ }
	END { printf "%d of %d segments with timestamps\n", n, N; exit n > 0 }'
}

# no_sack NAME PORT: no segment of the connection carries SACK blocks.
no_sack() {
	check "$1.nosack" "$2" "$1: no segment carries SACK blocks" '
	$11 != "-" { n++ }
	END { printf "%d of %d segments with SACK blocks\n", n, N; exit n > 0 }'
}

# first_block NAME PORT [MULTI]: the first SACK block of each ACK from B holds the
# segment that triggered it, unless that segment advanced the ACK (RFC
# 2018 section 4).  ACKs follow the order in which B processed the
# segments, which is the capture's order, but several segments may be
# processed before the first of their ACKs leaves (a socket busy in recv()
# processes its backlog at once): so the first block of each ACK that did
# not advance must hold a data segment that arrived before it and after
# the one matched to the previous ACK (the earliest such).  An ACK that did
# not advance either, after an old duplicate arrived, is let off: nothing
# holds its trigger (RFC 2883 D-SACK is not asked for).  So is one that
# no data segment triggered: B's FIN, or an ACK with no data segment
# arrived since the last match, and one that repeats the previous ACK
# (same ACK, same blocks: sent for a window update or a timer while the
# segments captured since wait in a backlog).  An ACK sent while segments
# waited in the backlog (a window update from recv()) may take the match
# past them before their own ACKs leave, and segments delivered by two
# CPUs at once may reach the socket in another order than the capture's:
# a first block holding a segment passed over (captured since the ACK
# last advanced, or up to 20 ms before the previous match) that no
# earlier first block held is counted apart, and passes.
# With MULTI, some ACK must have had 2 blocks or more (so that their order
# was tested).
first_block() {
	local multi=${3:+; some ACKs had 2 blocks or more}

	check "$1.first" "$2" "$1: the first SACK block of each ACK holds a segment received since the previous such ACK's, unless the ACK advanced (RFC 2018 section 4)$multi" '
	{ ctx[NR % 10] = $0 }
	$2 == ">" && $6 > 0 { k++; ss[k] = $4; se[k] = mod($4 + $6); tt[k] = $1 }
	$2 == "<" && $11 != "-" {
		n = split($11, blk, ",")
		if (n > 1)
			multi++
		split(blk[1], e, "-")
		for (q = p + 1; q <= k; q++)
			if (!after(e[1], ss[q]) && !after(se[q], e[2]))
				break
		dup = 0
		for (i = p + 1; i <= k; i++)
			if (!after(se[i], $5))
				dup = 1
		# Segments B took from its socket backlog are captured before
		# ACKs it sent meanwhile, and two CPUs delivering segments at
		# once may hand them to the socket in another order than the
		# capture shows: such a block holds a segment passed over,
		# captured since the ACK last advanced or at most LATE_S
		# before the previous match, and held by no earlier first
		# block.
		for (b = p > 500 ? p - 499 : 1; q > k && b <= p; b++)
			if ((b > base || tt[p] - tt[b] <= LATE_S) &&
			    !claimed[b] && !after(e[1], ss[b]) &&
			    !after(se[b], e[2]))
				break
		if (q <= k) {
			good++
			p = q
			claimed[q] = 1
		} else if ($3 ~ /F/ || k == p)
			other++
		else if ($5 == prevack && $11 == prevsacks)
			repeat++
		else if (lastack != "" && after($5, lastack))
			advanced++
		else if (dup)
			dups++
		else if (b <= p) {
			late++
			claimed[b] = 1
		}
		else if (++miss <= 5) {
			printf "ACK %s: first block %s holds no segment received since the previous match; the capture before it:\n", $5, blk[1]
			for (i = NR - 9; i <= NR; i++)
				if (i > 0)
					print "  " ctx[i % 10]
		}
	}
	$2 == "<" && $3 ~ /A/ {
		if (lastack == "" || after($5, lastack))
			base = k
		lastack = $5
	}
	$2 == "<" { prevack = $5; prevsacks = $11 }
	END {
		printf "%d ACKs with SACK blocks: %d matched to a segment, %d to an earlier one of the episode (backlog), %d advanced, %d after an old duplicate, %d not sent for data (FIN, or no data since the last match), %d repeating the previous ACK, %d wrong; %d with 2 blocks or more\n", good + late + advanced + dups + other + repeat + miss, good, late, advanced, dups, other, repeat, miss, multi
		if (miss || !good || MULTI && !multi)
			bad = bad " see above"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}' MULTI="${3:-0}" LATE_S=0.02
}

# --- 1

handshake c1 $P1 1 1 1 1 1 1 "$wsA" "$wsB"
windows c1 $P1 "$wsA" "$wsB" $BULK1 0
timestamps c1 $P1
sa_win=${LOG[c1-a.info.connected.snd_wnd]:-x}
sb_win=${LOG[c1-b.info.connected.snd_wnd]:-x}
check c1.hswin $P1 "1: SYN and SYN-ACK windows are not scaled: above (SO_RCVBUF / 2) >> shift; A's snd_wnd after connect() ($sa_win) is the SYN-ACK's; B's after accept() ($sb_win) the handshake ACK's << $wsA" '
	$2 == ">" && $3 == "S" { syn = $7 }
	$2 == "<" && $3 == "SA" { synack = $7 }
	$2 == ">" && $3 == "A" && synack != "" && ack3 == "" { ack3 = $7 }
	END {
		printf "SYN %s, SYN-ACK %s, handshake ACK %s\n", syn, synack, ack3
		if (!(syn > int(RBA / 2 / 2 ^ WA)))
			bad = bad " SYN window scaled"
		if (!(synack > int(RBB / 2 / 2 ^ WB)))
			bad = bad " SYN-ACK window scaled"
		if (SA != synack)
			bad = bad " A: snd_wnd " SA
		if (SB != ack3 * 2 ^ WA)
			bad = bad " B: snd_wnd " SB
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}' RBA="$rbA" RBB="$rbB" WA="$wsA" WB="$wsB" SA="$sa_win" SB="$sb_win"
check c1.flight $P1 "1: more than 65535 bytes in flight from A; B's windows (field << $wsB) above 65535 and within its buffer ($rbB); A never beyond B's right edge" '
	function end(s, l) { return mod(s + l + ($3 ~ /[SF]/)) }
	$2 == "<" && $3 ~ /A/ {
		una = $5
		w = $7 * ($3 ~ /S/ ? 1 : 2 ^ WB)
		if ($3 !~ /S/ && w > maxw)
			maxw = w
		e = mod($5 + w)
		if (redge == "" || after(e, redge))
			redge = e
	}
	$2 == ">" && $6 > 0 && una != "" && after(end($4, $6), una) {
		f = mod(end($4, $6) - una)
		if (f > maxf)
			maxf = f
		if (after(end($4, $6), redge))
			beyond++
	}
	END {
		printf "most in flight %.0f bytes; largest window of B %.0f bytes; %d segments beyond the right edge\n", maxf, maxw, beyond
		if (maxf <= 65535)
			bad = bad " in flight"
		if (maxw <= 65535 || maxw > RBB)
			bad = bad " window"
		if (beyond)
			bad = bad " beyond"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}' WB="$wsB" RBB="$rbB"
# B's segments are captured behind netem's delay, and the last of them
# may not be (one sent again once netem is gone, say): the rate is the
# slope of the capture time less TSval, taken between the medians of the
# first and the last quarter of each end's segments by time, which one
# such segment does not move.
check c1.clock $P1 "1: TSval advances about 1 per ms (0.9 .. 1.1) on both ends over the connection" '
	function median(a, n,    i, j, x) {
		for (i = 2; i <= n; i++) {
			x = a[i]
			for (j = i - 1; j >= 1 && a[j] > x; j--)
				a[j + 1] = a[j]
			a[j + 1] = x
		}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$8 == "-" { next }
	{
		n[$2]++
		t[$2, n[$2]] = $1 * 1000
		v[$2, n[$2]] = $8
	}
	END {
		for (d in n) {
			t0 = t[d, 1]
			ms = t[d, n[d]] - t0
			split("", eo); split("", et); split("", lo); split("", lt)
			ne = nl = 0
			for (i = 1; i <= n[d]; i++) {
				# The capture time less TSval (from the first).
				o = t[d, i] - t0 - mod(v[d, i] - v[d, 1])
				if (t[d, i] <= t0 + ms / 4) {
					eo[++ne] = o
					et[ne] = t[d, i]
				}
				if (t[d, i] >= t0 + ms * 3 / 4) {
					lo[++nl] = o
					lt[nl] = t[d, i]
				}
			}
			span = median(lt, nl) - median(et, ne)
			r = span > 0 ? 1 - (median(lo, nl) - median(eo, ne)) / span : 0
			printf "%s: %d segments over %.0f ms; TSval +%d; medians %d and %d segments %.0f ms apart: %.3f per ms\n", d == ">" ? "A" : "B", n[d], ms, mod(v[d, n[d]] - v[d, 1]), ne, nl, span, r
			if (ms < 900 || r < 0.9 || r > 1.1)
				bad = bad " " d
		}
		if (length(n) != 2)
			bad = bad " timestamps missing"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# --- 2

for c in "${c2[@]}"; do
	read -r o side port <<<"$c"
	n=c2-$o-$side
	ats=1 asack=1 aws=1 bts=1 bsack=1 bws=1 wa=$wsA wb=$wsB
	case $o in
	window_scaling) eval "${side,,}ws=0"; wa=- wb=- ;;
	timestamps) eval "${side,,}ts=0" ;;
	sack) eval "${side,,}sack=0" ;;
	esac
	# The SYN offers A's shift even when B's knob refuses scaling; the
	# windows are then not scaled (wa, wb "-").
	handshake "$n" "$port" $ats $asack $aws $bts $bsack $bws "$wsA" "$wsB"
	windows "$n" "$port" "$wa" "$wb" $SMALL $SMALL
	if [ "$o" = timestamps ]; then
		no_timestamps "$n" "$port"
	else
		timestamps "$n" "$port"
	fi
done

# --- 3

timestamps c3 $P3
# XtcpSACKBlocksIn counts the blocks within SND.UNA..SND.NXT when they
# arrive (Documentation/xtcp.rst).  The veth hands B's segments to A
# through each CPU's queue, so two ACKs sent close together may arrive
# swapped: the older one's blocks may then lie below SND.UNA, or A may
# drop it by PAWS (its TSval a tick older).  So A's count may fall a
# little short of B's: by 5 % at most.
bo=none bi=none
if [ $fam = xtcp ]; then
	delta B3.before B3.after XtcpSACKBlocksOut
	bo=$d
	delta A3.before A3.after XtcpSACKBlocksIn
	bi=$d
fi
check c3.sack $P3 "3: B's ACKs carry SACK blocks above the cumulative ACK, with timestamps, at most 3; as many as B's XtcpSACKBlocksOut ($bo); A's XtcpSACKBlocksIn ($bi) as many or up to 5 % fewer" '
	$2 == "<" && $11 != "-" {
		acks++
		n = split($11, blk, ",")
		blocks += n
		if (n > 3)
			over++
		if ($8 == "-")
			nots++
		if (n > maxn)
			maxn = n
		for (i = 1; i <= n; i++) {
			split(blk[i], e, "-")
			if (!after(e[2], e[1]))
				empty++
			else if (i == 1 && !after(e[2], $5))
				dsack++		# RFC 2883 D-SACK
			else if (after($5, e[1]))
				below++
		}
	}
	END {
		printf "%d ACKs with %d SACK blocks (at most %d in one), %d D-SACK, %d with more than 3, %d without timestamps, %d empty, %d below the ACK\n", acks, blocks, maxn, dsack, over, nots, empty, below
		if (!acks)
			bad = bad " no SACK"
		if (over || nots || empty || below)
			bad = bad " see above"
		if (BO != "none" && BO != blocks)
			bad = bad " XtcpSACKBlocksOut"
		if (BI != "none" && (BI > blocks || BI < blocks * 0.95))
			bad = bad " XtcpSACKBlocksIn"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}' BO="$bo" BI="$bi"
first_block c3 $P3

# --- 4

# (A's data segments of 4 are not captured: tshark is slow on the debug
# kernel, and B's segments are what tells SACK is off.)
handshake c4 $P4 1 1 1 1 0 1 "$wsA" "$wsB"
no_sack c4 $P4

# --- 3r

# sack_blocks NAME PORT MAX: the most SACK blocks B's ACKs carried is MAX,
# never more; the first block holds a segment just received.
sack_blocks() {
	check "$1.max" "$2" "$1: B's ACKs carried up to $3 SACK blocks, never more" '
	$2 == "<" && $11 != "-" {
		acks++
		n = split($11, blk, ",")
		count[n]++
		if (n > maxn)
			maxn = n
	}
	END {
		printf "%d ACKs with SACK blocks:", acks
		for (i = 1; i <= 4; i++)
			printf " %d with %d", count[i], i
		printf "\n"
		exit maxn != MAX
	}' MAX="$3"
}
first_block c3r $P3R multi
sack_blocks c3r $P3R 3
first_block c3r-nots $P3N multi
sack_blocks c3r-nots $P3N 4
no_timestamps c3r-nots $P3N

# --- 5, 6

if [ $fam = tcp ]; then
	skip "6: TSval offsets differ between connections" "Linux offsets per address pair"
else
	check offsets 0 "6: TSval offsets (SYN TSval - capture time in ms) differ by more than 1 s between A's connections" '
	END {
		while ((getline line <ALL) > 0) {
			split(line, f, " ")
			# A SYN sent again is the same connection.
			if (f[4] != "S" || f[9] == "-" || (f[2] in seen))
				continue
			seen[f[2]] = 1
			n++
			off[n] = mod(f[9] - int(f[1] * 1000))
			port[n] = f[3]
		}
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++) {
				dd = mod(off[i] - off[j])
				if (dd > 2147483648)
					dd = 4294967296 - dd
				if (dd < 1000) {
					same++
					if (same <= 5)
						printf "ports %s and %s: offsets %d apart\n", port[i], port[j], dd
				}
			}
		printf "%d SYNs with timestamps, %d pairs with the same offset\n", n, same
		exit n < 2 || same > 0
	}' ALL="$tmp/segs.txt"
fi

section "done"
tap_end
