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
#     SND.UNA) come with growing gaps; the probe counter grew; then B reads
#     everything and the SHA-256 matches.
#  6. Delayed ACK: after 20 request/response exchanges a single small write
#     from A to an idle B is acknowledged by a pure ACK more than 10 ms and
#     less than 1 s after it; the delayed-ACK counter grew on B.
#  4. Keepalive (idle 1 s, interval 1 s, count 3): A's probes (pure ACKs at
#     SND.UNA - 1) are answered and the connection stays ESTABLISHED; then
#     B is black-holed: exactly 3 more probes, ETIMEDOUT, the counters grew.
#  5. TCP_USER_TIMEOUT 2000 ms, B black-holed, data outstanding: ETIMEDOUT
#     after about 2 s, long before retries2 would give up.
#
# XTCP_TEST_FAMILY=tcp runs the same on Linux TCP, with SACK, timestamps
# and window scaling off and Reno congestion control in the test's
# namespaces, the options XTCP does not have yet.  TCP's counters are read
# from /proc/net/snmp and /proc/net/netstat under their own names; where
# TCP has no twin of an XTCP counter that check is skipped (TAP SKIP).
# Nothing is asserted about speed: only bounds generous enough for the
# debug kernel under TCG.

set -u
# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
: "${XTCP_TOP:=$(cd "$(dirname "$0")/.." && pwd)}"

A=xtcp-rel-a B=xtcp-rel-b
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

# XTCP's counters and their Linux TCP twins ("" where TCP has none):
# "file-prefix:name" of /proc/net/snmp or /proc/net/netstat.
declare -A twin=(
	[XtcpRetransSegs]=Tcp:RetransSegs
	[XtcpRtoExpired]=TcpExt:TCPTimeouts
	[XtcpFastRetrans]=TcpExt:TCPFastRetrans
	[XtcpRenoRecovery]=TcpExt:TCPRenoRecovery
	[XtcpPartialAcks]=''
	[XtcpDupAcks]=''
	[XtcpDelayedACKs]=TcpExt:DelayedACKs
	[XtcpPersistProbes]=TcpExt:TCPWinProbe
	[XtcpKeepaliveProbes]=TcpExt:TCPKeepAlive
	[XtcpAbortOnKeepalive]=TcpExt:TCPAbortOnTimeout
	[XtcpRttSamples]=''
	[XtcpOfoQueue]=TcpExt:TCPOFOQueue
	[XtcpTimeouts]=TcpExt:TCPAbortOnTimeout
	[XtcpRcvQDrop]=TcpExt:TCPRcvQDrop
)
counters="XtcpRetransSegs XtcpRtoExpired XtcpFastRetrans XtcpRenoRecovery
	XtcpPartialAcks XtcpDupAcks XtcpDelayedACKs XtcpPersistProbes
	XtcpKeepaliveProbes XtcpAbortOnKeepalive XtcpRttSamples XtcpOfoQueue
	XtcpTimeouts XtcpRcvQDrop"

tmp=$(mktemp -d /tmp/xtcp-rel.XXXXXX)
bg_pids=()

cleanup() {
	local p

	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$tap_failures" != 0 ] && [ -n "${XTCP_OUT:-}" ]; then
		mkdir -p "$XTCP_OUT/reliability"
		cp "$tmp"/*.log "$tmp"/*.pcapng "$tmp"/*.txt "$tmp"/*.segs \
			"$XTCP_OUT/reliability/" 2>/dev/null
	fi
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

diag() { sed 's/^/# /' "$@"; }

bail() {
	echo "Bail out! $*"
	exit 1
}

# Polling uses bash builtins: every fork costs in the emulated guest.
# nap SECONDS sleeps reading a pipe nothing is written to.
exec {nap_fd}<> <(:)
nap() { read -rt "$1" -u $nap_fd; }
set_deadline() { deadline=$((${EPOCHREALTIME/./} + $1 * 1000000)); }
past_deadline() { [ "${EPOCHREALTIME/./}" -gt "$deadline" ]; }

t0=${EPOCHREALTIME/./}
section() { echo "# [$(((${EPOCHREALTIME/./} - t0) / 1000)) ms] $*"; }

# helper NS NAME ARGS...: start xtcp_rel in NS in the background; its pid
# in $last, its output in $tmp/NAME.log.
helper() {
	local ns=$1 name=$2

	shift 2
	# shellcheck disable=SC2086 # $ropt is empty or one word
	ip netns exec "$ns" timeout 300 "$rel" $ropt "$@" \
		>"$tmp/$name.log" 2>&1 &
	last=$!
	bg_pids+=("$last")
}

# finished PID NAME DESCRIPTION: the helper ran to its end.
finished() {
	wait "$1"
	if ! ok $? "$3"; then
		diag "$tmp/$2.log"
		return 1
	fi
}

# waitfile PATH [PID]: wait up to 30 s until PATH exists; give up early
# when process PID (which should create it) has ended.
waitfile() {
	set_deadline 30
	while [ ! -e "$1" ]; do
		past_deadline && return 1
		[ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && [ ! -e "$1" ] &&
			return 1
		nap 0.01
	done
	return 0
}

# readlog NAME: parse $tmp/NAME.log into L (builtins only): L[NAME.WORD.I]
# is the Ith word of the last line starting with WORD, and
# L[NAME.info.WHEN.KEY] the VALUE of KEY=VALUE on the line "info WHEN ...".
declare -A L
readlog() {
	local w i kv

	while read -ra w; do
		[ ${#w[@]} -gt 0 ] || continue
		if [ "${w[0]}" = info ]; then
			for kv in "${w[@]:2}"; do
				L[$1.info.${w[1]}.${kv%%=*}]=${kv#*=}
			done
			continue
		fi
		for i in "${!w[@]}"; do
			L[$1.${w[0]}.$i]=${w[$i]}
		done
	done <"$tmp/$1.log"
}

# show_info NAME...: the "info" and "maxprobes" lines of the logs, as
# comments.
show_info() {
	local n line

	for n in "$@"; do
		while read -r line; do
			[[ $line == info* || $line == maxprobes* ]] &&
				echo "# $n: $line"
		done <"$tmp/$n.log"
	done
}

# snap HOLDER KEY: the counters of HOLDER's namespace now, as C[KEY.NAME]
# (TCP's as C[KEY.Tcp:RetransSegs] and so on); builtins only.
declare -A C
snap() {
	local k v hdr vals i f

	if [ $fam = xtcp ]; then
		while read -r k v; do
			C[$2.$k]=$v
		done <"/proc/$1/net/xtcp_snmp"
		return
	fi
	for f in snmp netstat; do
		while read -ra hdr && read -ra vals; do
			for ((i = 1; i < ${#hdr[@]}; i++)); do
				C[$2.${hdr[0]}${hdr[$i]}]=${vals[$i]:-}
			done
		done <"/proc/$1/net/$f"
	done
}

# delta BEFORE AFTER NAME: sets d to how much XTCP counter NAME (or its TCP
# twin) grew between two snapshots: "none" when TCP has no twin, "missing"
# when a snapshot lacks it; cname to the name in this family.
delta() {
	local a b

	if [ $fam = xtcp ]; then
		cname=$3
	else
		cname=${twin[$3]}
	fi
	if [ -z "$cname" ]; then
		d=none
		return
	fi
	a=${C[$1.$cname]:-} b=${C[$2.$cname]:-}
	if [ -z "$a" ] || [ -z "$b" ]; then
		d=missing
	else
		d=$((b - a))
	fi
}

# counter_now HOLDER NAME: sets cval to the counter's value now ("" when
# missing or TCP has no twin).
counter_now() {
	snap "$1" now
	delta now now "$2"
	cval=${C[now.$cname]:-}
}

# show_deltas LABEL BEFORE AFTER: every counter's growth, as a comment.
show_deltas() {
	local c line=""

	for c in $counters; do
		delta "$2" "$3" "$c"
		[ "$d" = none ] && continue
		line+=" ${c#Xtcp}+$d"
	done
	echo "# $1:$line"
}

# grew DESCRIPTION MIN SNAPSHOTS...: for each "BEFORE AFTER NAME" triple of
# SNAPSHOTS, counter NAME grew by MIN or more; one test point, skipped
# when TCP has no twin.
grew() {
	local desc=$1 min=$2 r=0 what=""

	shift 2
	delta "$1" "$2" "$3"
	if [ "$d" = none ]; then
		ok 0 "$desc # SKIP Linux TCP has no counter for $3"
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

# st HOLDER RPORT: sets sts to the states (hex, each followed by a space) of
# the sockets towards port RPORT in the namespace of process HOLDER.
st() {
	local r ra state

	printf -v r %04X "$2"
	sts=''
	while read -r _ _ ra state _; do
		[ "${ra#*:}" = "$r" ] && sts+="$state "
	done 2>/dev/null <"/proc/$1/net/$proc"
}

# Black-hole B: drop all IPv4 arriving at B's veth (a classic BPF program
# in direct-action mode returning TC_ACT_SHOT).  dumpcap on B's veth still
# sees what arrives.
cut_b() {
	ip netns exec $B tc filter add dev veth0 ingress pref 1 protocol ip \
		bpf bytecode '1,6 0 0 2,' da || bail "tc: cannot drop on $B"
}
uncut_b() { ip netns exec $B tc filter del dev veth0 ingress pref 1; }

netem() {	# NS ARGS...: netem on NS's veth egress (no ARGS: remove it)
	local ns=$1

	shift
	if [ $# = 0 ]; then
		ip netns exec "$ns" tc qdisc del dev veth0 root
	else
		ip netns exec "$ns" tc qdisc add dev veth0 root netem "$@"
	fi
}

# ---------------------------------------------------------------- setup

[ -x "$rel" ] || bail "$rel missing (make -C userspace-tests)"
echo "# family: $fam"
ip netns del $A 2>/dev/null
ip netns del $B 2>/dev/null
ip netns add $A && ip netns add $B || bail "ip netns add"
ip -n $A link add veth0 type veth peer name veth0 netns $B
ip -n $A addr add $AA/24 dev veth0
ip -n $B addr add $AB/24 dev veth0
ip -n $A link set veth0 up && ip -n $B link set veth0 up || bail "veth"
ip netns exec $B tc qdisc add dev veth0 clsact || bail "tc clsact"

if [ $fam = xtcp ]; then
	# TIME_WAITs of the test's connections end before later tests.
	for ns in $A $B; do
		ip netns exec "$ns" sysctl -qw net.xtcp.tw_timeout=5 || bail "sysctl"
	done
else
	for ns in $A $B; do
		ip netns exec "$ns" sysctl -qw net.ipv4.tcp_sack=0 \
			net.ipv4.tcp_timestamps=0 net.ipv4.tcp_window_scaling=0 \
			net.ipv4.tcp_congestion_control=reno || bail "sysctl"
	done
fi

# Processes living in each namespace: their /proc/PID/net is read without
# forking ip netns exec at every poll.
ip netns exec $A sleep 900 &
hA=$!
ip netns exec $B sleep 900 &
hB=$!
bg_pids+=("$hA" "$hB")
[ -r "/proc/$hA/net/$proc" ] || bail "no /proc/net/$proc"

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

# Sets caplog to dumpcap's log (no fork).
read_caplog() {
	caplog=
	read -rd '' caplog 2>/dev/null <"$tmp/dumpcap.log"
	return 0
}

# tshark takes long to start in the emulated guest (minutes on the debug
# kernel): it starts now and decodes as dumpcap captures; its output is
# read at the end.  dumpcap writes a file, which tail feeds to tshark
# through a FIFO until dumpcap has ended, so that a tshark still starting
# never holds dumpcap up (packets would be lost).  Only the connections of
# parts 3 to 6 are captured, not the bulk of 1 and 2.
mkfifo "$tmp/dec.fifo"
: >"$tmp/rel.pcapng"
ip netns exec $B timeout 600 dumpcap -i veth0 -s 128 -f "$capfilter" \
	-w "$tmp/rel.pcapng" 2>"$tmp/dumpcap.log" &
cap=$!
bg_pids+=("$cap")
tail -c +1 --pid=$cap -f "$tmp/rel.pcapng" >"$tmp/dec.fifo" &
bg_pids+=($!)
tshark -r - -o tcp.relative_sequence_numbers:FALSE -d ip.proto==253,tcp \
	-T fields -E separator='|' -E occurrence=f \
	-e frame.time_epoch -e tcp.srcport -e tcp.dstport -e tcp.flags.syn \
	-e tcp.flags.ack -e tcp.flags.fin -e tcp.flags.reset -e tcp.seq \
	-e tcp.ack -e tcp.len -e tcp.window_size_value \
	<"$tmp/dec.fifo" >"$tmp/fields.txt" 2>"$tmp/tshark.log" &
decoder=$!
bg_pids+=("$decoder")
set_deadline 60
while read_caplog && [[ $caplog != *"Capturing on"* ]] && ! past_deadline; do
	nap 0.05
done
if [[ $caplog != *"Capturing on"* ]]; then
	diag "$tmp/dumpcap.log"
	bail "dumpcap did not start"
fi

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
	sent=${L[$flog.sent.1]:-} ssha=${L[$flog.sent.3]:-}
	got=${L[$tlog.received.1]:-} gsha=${L[$tlog.received.3]:-}
	[ "$sent" = $BULK ] && [ "$got" = $BULK ] && [ -n "$ssha" ] &&
		[ "$ssha" = "$gsha" ]
	ok $? "1: $from -> $to: ${sent:-?} bytes sent, ${got:-?} received, SHA-256 ${ssha:0:16}... ${gsha:0:16}..."
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
	rtt=${L[${s#*:}.info.sender.rtt_us]:-}
	rtx=${L[${s#*:}.info.sender.total_retrans]:-}
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
[ "${L[rtt2a.sent.3]:-}" = "${L[rtt2b.received.3]:-x}" ] &&
	[ "${L[rtt2b.received.1]:-}" = $RTT_BYTES ]
ok $? "2: B received the $RTT_BYTES bytes intact (SHA-256)"
rtt=${L[rtt2a.info.sent.rtt_us]:-0} rto=${L[rtt2a.info.sent.rto_us]:-0}
[ "$rtt" -ge $((DELAY_MS * 1000)) ] && [ "$rtt" -lt 2000000 ]
ok $? "2: rtt_us $rtt >= $((DELAY_MS * 1000)) (the netem delay) and < 2 s"
[ "$rto" -ge "$rtt" ] && [ "$rto" -ge 200000 ] && [ "$rto" -le 120000000 ]
ok $? "2: rto_us $rto >= rtt_us, >= the minimum RTO (200 ms), <= 120 s"
cwnd=${L[rtt2a.info.sent.cwnd]:-} ca=${L[rtt2a.info.sent.ca_state]:-}
out=${L[rtt2a.info.sent.packets_out]:-}
[ "${cwnd:-0}" -ge 10 ] && [ "$ca" = 0 ] && [ "$out" = 0 ]
ok $? "2: no loss: cwnd ${cwnd:-?} >= 10 (IW10), ca_state ${ca:-?} (open), packets_out ${out:-?} once all is acknowledged"
if [ $fam = xtcp ]; then
	n=${L[rtt2a.info.sent.rtt_samples]:-}
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
rcvbuf=${L[synwin3b.rcvbuf.1]:-0} wins="" r=0 n=0
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
sha=${L[persist3a.sent.3]:-}
[ -n "$sha" ] && [ "$sha" = "${L[persist3b.received.3]:-}" ] &&
	[ "${L[persist3b.received.1]:-}" = $PERSIST_BYTES ]
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
	[ -z "${L[delack6b.lastread.1]:-}${L[delack6b.fail.0]:-}" ] &&
	! past_deadline; do
	nap 0.05
done
# The ACK is due within a second; then both ends close.
nap 1.5
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
nap 3.5
st $hA $P4
[ "$sts" = "01 " ]
ok $? "4: after 3.5 s idle with keepalive probes answered, A is ESTABLISHED (${sts:-no socket})"
counter_now $hA XtcpKeepaliveProbes
echo "# 4: A's keepalive probe counter before the black hole: ${cval:-none}"
cut_b
t_cut4=${EPOCHREALTIME/./}
wait $a4
ok $? "4: A's recv() failed once B was black-holed" || diag "$tmp/ka4a.log"
t_end4=${EPOCHREALTIME/./}
snap $hA A.after
readlog ka4a
err=${L[ka4a.error.1]:-} ms=$(((${L[ka4a.error.6]:-0} - t_cut4) / 1000))
[ "$err" = ETIMEDOUT ] && [ $ms -ge 1500 ] && [ $ms -le 20000 ]
ok $? "4: the keepalive socket got ${err:-no error} $ms ms after the black hole (ETIMEDOUT, 1.5 .. 20 s)"
show_deltas "4: A's counters" A.before A.after
grew "4: keepalive probes counted on A (at least $KA_CNT)" $KA_CNT \
	A.before A.after XtcpKeepaliveProbes
grew "4: the keepalive abort counted on A" 1 A.before A.after \
	XtcpAbortOnKeepalive
uncut_b
: >"$tmp/end4"
wait $b4

# --------------------------------------------------------- 5: user timeout

section "5: TCP_USER_TIMEOUT"

snap $hA A.before
helper $B uto5b -a 120 -L "$tmp/l5" -W "$tmp/end5" listen $AB $P5 hold
b5=$last
waitfile "$tmp/l5" $b5 || { diag "$tmp/uto5b.log"; bail "no listener"; }
helper $A uto5a -a 60 -E "$tmp/c5" -W "$tmp/cut5" -u $UTO_MS connect $AB $P5 \
	wait-error 10000
a5=$last
waitfile "$tmp/c5" $a5 || { diag "$tmp/uto5a.log"; bail "no connection"; }
cut_b
: >"$tmp/cut5"
wait $a5
ok $? "5: A's recv() failed with 10000 bytes unacknowledged" || diag "$tmp/uto5a.log"
snap $hA A.after
readlog uto5a
err=${L[uto5a.error.1]:-} ms=${L[uto5a.error.3]:-0}
[ "$err" = ETIMEDOUT ] && [ "$ms" -ge $((UTO_MS - 100)) ] &&
	[ "$ms" -le 30000 ]
ok $? "5: ${err:-no error} ${ms:-?} ms after the write (ETIMEDOUT, from $UTO_MS ms to 30 s; retries2 would take minutes)"
show_deltas "5: A's counters" A.before A.after
uncut_b
: >"$tmp/end5"
wait $b5

# ------------------------------------------------------- the capture's end

section "the capture"

# The kernel hands captured packets to dumpcap in blocks, after a timeout:
# stop it only once its count has settled.
cap_count() {
	local c

	read_caplog
	c=${caplog##*Packets: }
	[ "$c" = "$caplog" ] && c=0
	echo "${c%%[!0-9]*}"
}
prev=-1
for _ in $(seq 30); do
	nap 1
	n=$(cap_count)
	[ "$n" = "$prev" ] && break
	prev=$n
done
kill -INT $cap
wait $cap
echo "# captured $n segments"
wait $decoder
# One line a segment: TIME SPORT DPORT FLAGS SEQ ACK LEN WIN, FLAGS of
# S, A, F, R ("." for none), ACK "-" without the ACK flag.
awk -F'|' '
function b(x) { return x == "1" || x == "True" }
{
	f = (b($4) ? "S" : "") (b($5) ? "A" : "") (b($6) ? "F" : "") \
	    (b($7) ? "R" : "")
	if (!b($5))
		$9 = "-"
	printf "%s %s %s %s %s %s %s %s\n", $1, $2, $3, f == "" ? "." : f,
		$8, $9, $10, $11
}' "$tmp/fields.txt" >"$tmp/segs.txt"
[ -s "$tmp/segs.txt" ] || diag "$tmp/tshark.log"
section "checking"

# check NAME SPORT DESCRIPTION AWK: run the awk program over the segments
# of the connection to server port SPORT, as "TIME DIR FLAGS SEQ ACK LEN
# WIN" with DIR ">" from A, "<" from B, N their number so far; it exits 0
# when they are right.  What it prints is shown, and the segments too when
# they are wrong.
check() {
	local name=$1 out

	out=$(awk -v SP="$2" -v SEGS="$tmp/$name.segs" "
	function mod(x) { return (x + 4294967296) % 4294967296 }
	{
		if (\$3 == SP)
			DIR = \">\"
		else if (\$2 == SP)
			DIR = \"<\"
		else
			next
		\$0 = \$1 \" \" DIR \" \" \$4 \" \" \$5 \" \" \$6 \" \" \$7 \" \" \$8
		print >SEGS
		N++
	}
	$4" "$tmp/segs.txt" 2>&1)
	if ! ok $? "$3"; then
		[ -n "$out" ] && echo "$out" | sed 's/^/# /'
		echo "# $name: time dir flags seq ack len win"
		if [ "$(wc -l <"$tmp/$name.segs")" -gt 80 ]; then
			head -n 40 "$tmp/$name.segs" | diag
			echo "# ..."
			tail -n 40 "$tmp/$name.segs" | diag
		else
			diag "$tmp/$name.segs"
		fi
	elif [ -n "$out" ]; then
		echo "$out" | sed 's/^/# /'
	fi
}

# 3: the zero window and the probes sent while it stayed closed: a pure
# ACK at SND.UNA - 1 (as Linux TCP sends) or one byte at SND.UNA.
check persist $P3 "3: captured window 0 from B, then $((PROBES_WANTED - 1))+ zero-window probes from A with growing gaps (x1.3 or more each)" '
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
		for (i = 2; i <= n; i++) {
			g[i] = t[i] - t[i - 1]
			printf "probe %d: %.3f s after the previous\n", i, g[i]
			if (i > 2 && g[i] < 1.3 * g[i - 1])
				bad = bad " gap " i " not growing"
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
