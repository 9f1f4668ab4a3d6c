#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The segment fuzzer, tools/xtcp-fuzz, against a listener and live
# connections carrying hashed data: the live streams come out intact or
# reset, never wrong, never hung; the listener still serves; the counters
# saw the fuzz and its malformed segments; nothing is left behind.
#
# It reads the counters XtcpInSegs, XtcpInCsumErrors, XtcpInErrs,
# XtcpInShortSegs, XtcpInBadDataOffset, XtcpInBadOptions and
# XtcpChallengeACKs, sets net.xtcp.tw_timeout, fin_timeout,
# synack_retries and orphan_retries, and reads the slab caches XTCP,
# xtcp_request and xtcp_tw.  On its own:
#
#   scripts/xtcp-vm -- bash userspace-tests/segment_fuzz.sh
#   scripts/xtcp-vm -- env XTCP_TEST_FAMILY=tcp bash userspace-tests/segment_fuzz.sh
#
# XTCP_FUZZ_SECS sets how long the fuzz lasts (default 8 s on both
# kernels; the debug kernel gets a fifth of the rate), XTCP_FUZZ_SEED its
# seed (default: the test's PID, printed, so that a failure can be
# replayed), XTCP_FUZZ_RATE its segments per second.
#
# Two namespaces, A (10.207.1.1) and B (10.207.1.2), and a phantom
# address 10.207.1.9 that B reaches through A's link address (a static
# neighbour entry) and A does not own: xtcp-fuzz in A opens connections
# of its own from it and sees the answers on A's veth0.  B's veth0 does
# not trust the checksums (rx off), so that those the fuzzer spoils are
# checked; A computes its own (tx checksum off).
#
#  0. The tools and the counters exist.
#  1. B serves on PL (helpers/syn_clients: a 64-byte request, its answer,
#     close); two lanes, each a loop of connections from A to B on their
#     own port (helpers/xtcp_rel, bulk BYTES both ways, keepalive, a
#     give-up bound), run while xtcp-fuzz sends mutated segments to the
#     three ports and to the lanes' connections, spoofing both ends, and
#     drives its phantom connections through the states.  Each lane's
#     connections all ended intact (both SHA-256 equal, all the bytes)
#     or reset (ECONNRESET or EPIPE on the ends that failed, no
#     other error, no give-up, no short stream); at least one was intact.
#  2. The counters saw the fuzz: B's segments in grew by a quarter of
#     those sent at least, checksum errors and malformed segments were
#     counted.
#  3. The listener on PL still accepts and serves three clients.
#  4. Once every program is gone and TIME_WAIT expired (tw_timeout 1 s),
#     /proc/net/xtcp of A and B is empty (Linux TCP keeps its 60 s
#     TIME_WAIT: only those may be left), /proc/net/protocols counts as
#     many sockets as before, and the slab caches of sockets, requests
#     and TIME_WAIT are back near their counts before.
#
# The harness fails a run on any KASAN, UBSAN, lockdep, WARN or BUG
# report, and checks kmemleak on the debug kernel: the kernel's side of
# "nothing broke" is there.  Cannot share a guest with another test
# of its family: the slab caches are the whole guest's.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init segment_fuzz '*.log'
AA=10.207.1.1 BB=10.207.1.2 PH=10.207.1.9
PL=7611 P1=7612 P2=7613
FUZZ_SECS=${XTCP_FUZZ_SECS:-8}
FUZZ_SEED=${XTCP_FUZZ_SEED:-$$}
FUZZ_RATE=${XTCP_FUZZ_RATE:-1000}
BYTES=2000000		# each way, per connection
BOUND=120		# a lane's connection gives up after this (s)
SLAB_SLACK=256
if debug_kernel; then
	FUZZ_RATE=${XTCP_FUZZ_RATE:-200}
	BYTES=300000
	BOUND=600
	SLAB_SLACK=1024
fi

if [ $fam = tcp ]; then
	proto=6
	ksys="net.ipv4.tcp_fin_timeout=2 net.ipv4.tcp_synack_retries=2
		net.ipv4.tcp_orphan_retries=1"
else
	proto=253
	ksys="net.xtcp.tw_timeout=1 net.xtcp.fin_timeout=2
		net.xtcp.synack_retries=2 net.xtcp.orphan_retries=1"
fi
counters="XtcpInSegs XtcpInCsumErrors XtcpInErrs XtcpInShortSegs
	XtcpInBadDataOffset XtcpInBadOptions XtcpChallengeACKs
	XtcpPassiveOpens XtcpEstabResets XtcpOutRsts XtcpPAWSEstab"

fuzz=$XTCP_TOP/build/tools/xtcp-fuzz
if [ ! -x "$fuzz" ]; then
	make -s -C "$XTCP_TOP/tools/xtcp-fuzz" O="$tmp" >/dev/null ||
		bail "make xtcp-fuzz"
	fuzz=$tmp/xtcp-fuzz
fi
rel=$XTCP_TOP/build/userspace/helpers/xtcp_rel
clients=$XTCP_TOP/build/userspace/helpers/syn_clients
need "$rel" "$clients"
command -v ethtool >/dev/null || bail "ethtool missing"

# malformed KEY1 KEY2: m, how much the counters of malformed segments
# grew: XTCP's own, or Linux TCP's InErrs.
malformed() {
	local c

	m=0
	if [ $fam = tcp ]; then
		m=$((${CTR[$2.Tcp:InErrs]:-0} - ${CTR[$1.Tcp:InErrs]:-0}))
		return
	fi
	for c in XtcpInErrs XtcpInShortSegs XtcpInBadDataOffset \
		XtcpInBadOptions; do
		m=$((m + ${CTR[$2.$c]:-0} - ${CTR[$1.$c]:-0}))
	done
}

# lane N PORT: connections from A to B on PORT one after another until
# $tmp/stop appears; each judged into $tmp/lane$N.res, one line each:
# "intact I", "reset I WHY" or "bad I WHY".
lane() {
	local n=$1 port=$2 i=0 srv rs rc

	: >"$tmp/lane$n.res"
	while [ ! -e "$tmp/stop" ]; do
		i=$((i + 1))
		rm -f "$tmp/l$n.ready"
		ip netns exec $B timeout $((BOUND + 60)) "$rel" -k 2,1,5 \
			-a $BOUND -L "$tmp/l$n.ready" listen $BB "$port" \
			bulk $BYTES >"$tmp/l$n.srv.log" 2>&1 &
		srv=$!
		echo $srv >"$tmp/l$n.srv.pid"
		if ! waitfile "$tmp/l$n.ready" $srv 60; then
			wait $srv
			echo "bad $i listener: $(tr '\n' ' ' <"$tmp/l$n.srv.log")" \
				>>"$tmp/lane$n.res"
			break
		fi
		ip netns exec $A timeout $((BOUND + 60)) "$rel" -k 2,1,5 \
			-a $BOUND connect $BB "$port" bulk $BYTES \
			>"$tmp/l$n.cli.log" 2>&1 &
		echo $! >"$tmp/l$n.cli.pid"
		wait $!
		rc=$?
		# A client reset before the server's accept() (a request
		# reset in SYN_RECV: the client then learns it from a reset
		# of its own) leaves the server waiting there.
		if [ $rc != 0 ] && ! wait_until 30 srv_gone; then
			grep -q '^connected' "$tmp/l$n.srv.log" ||
				echo "never accepted" >>"$tmp/l$n.srv.log"
			kill $srv 2>/dev/null
		fi
		wait $srv
		rs=$?
		judge "$i" "$rc" "$rs" >>"$tmp/lane$n.res"
		# Each judged connection's logs kept for a failure.
		cp "$tmp/l$n.cli.log" "$tmp/l$n.$i.cli.log"
		cp "$tmp/l$n.srv.log" "$tmp/l$n.$i.srv.log"
	done
}

srv_gone() { ! kill -0 $srv 2>/dev/null; }

# judge I CLIENT_STATUS SERVER_STATUS: one lane connection's verdict from
# the two logs ("sent N sha256 H", "received N sha256 H", "fail ...").
judge() {
	local i=$1 rc=$2 rs=$3 w side st ok_reset=1 why=

	LOG=()
	for side in cli srv; do
		readlog "l$n.$side"
	done
	if [ "$rc" = 0 ] && [ "$rs" = 0 ]; then
		if [ "${LOG[l$n.cli.sent.1]:-}" = $BYTES ] &&
			[ "${LOG[l$n.srv.received.1]:-}" = $BYTES ] &&
			[ "${LOG[l$n.srv.sent.1]:-}" = $BYTES ] &&
			[ "${LOG[l$n.cli.received.1]:-}" = $BYTES ] &&
			[ "${LOG[l$n.cli.sent.3]:-x}" = "${LOG[l$n.srv.received.3]:-y}" ] &&
			[ "${LOG[l$n.srv.sent.3]:-x}" = "${LOG[l$n.cli.received.3]:-y}" ]; then
			echo "intact $i"
		else
			echo "bad $i wrong bytes: $(tr '\n' ' ' <"$tmp/l$n.cli.log") / $(tr '\n' ' ' <"$tmp/l$n.srv.log")"
		fi
		return
	fi
	# A reset: each end that failed failed on ECONNRESET or EPIPE (or
	# ECONNREFUSED: reset in SYN_SENT), or never accepted its
	# connection, and an end that ended well received the whole stream.
	for side in cli srv; do
		st=$rc
		[ $side = srv ] && st=$rs
		w=$(grep -m1 '^fail\|^never accepted' "$tmp/l$n.$side.log")
		[[ $w == *ECONNREFUSED* || $w == never* ]] && w+=" ECONNRESET"
		if [ "$st" = 0 ]; then
			[ "${LOG[l$n.$side.received.1]:-}" = $BYTES ] ||
				{ ok_reset=0; why+=" $side: short stream;"; }
		elif [[ $w != *ECONNRESET* && $w != *EPIPE* ]] ||
			[[ $w == *watchdog* ]]; then
			ok_reset=0
			why+=" $side (status $st): ${w:-no fail line}"
			why+=" $(grep -m1 '^info watchdog' "$tmp/l$n.$side.log");"
		else
			why+=" $side: ${w#fail };"
		fi
	done
	if [ $ok_reset = 1 ]; then
		echo "reset $i$why"
	else
		echo "bad $i$why"
	fi
}

# ---------------------------------------------------------------- setup

ns_pair $AA $BB 1200
# The lanes' programs, should the test end before them.
on_exit 'for f in "$tmp"/l[12].*.pid; do kill "$(<"$f")"; done'
printf -v mac_a '02:00:%02x:%02x:%02x:%02x' ${AA//./ }
ip -n $B neigh replace $PH lladdr "$mac_a" dev veth0 nud permanent ||
	bail "neighbour $PH"
ip netns exec $A sysctl -qw net.ipv4.ip_forward=0 || bail "sysctl"
ip netns exec $A ethtool -K veth0 tx-checksum-ip-generic off >/dev/null &&
	ip netns exec $B ethtool -K veth0 rx off >/dev/null ||
	bail "ethtool: checksum offloads off"
for ns in $A $B; do
	# shellcheck disable=SC2086 # a list of key=value
	ip netns exec $ns sysctl -qw $ksys || bail "sysctl $ksys"
done

section "0: the tools and counters"
ok 0 "0: xtcp-fuzz, xtcp_rel, syn_clients built"
counters_exist $hB
protocols_socks $hA
socks_a0=$socks
protocols_socks $hB
socks_b0=$socks
slab s0

# ----------------------------------------------------------- 1: the fuzz

section "1: $FUZZ_SECS s of fuzz at $FUZZ_RATE segments/s, seed $FUZZ_SEED"

spawn $B serve 1200 "$clients" serve $BB $PL 128 "$tmp/serve.ready"
srv=$last
waitfile "$tmp/serve.ready" $srv || { diag "$tmp/serve.log"; bail "no server"; }
snap $hB 1a
rm -f "$tmp/stop"
lane 1 $P1 &
lane1=$!
bg_pids+=("$lane1")
lane 2 $P2 &
lane2=$!
bg_pids+=("$lane2")
# The lanes' first connections up before the fuzz starts.
wait_until 60 eval '[ -s "$tmp/l1.cli.log" ] && [ -s "$tmp/l2.cli.log" ]' ||
	echo "# the lanes had not connected after 60 s"
snap $hB 1f
show_deltas "1: B's counters with the lanes alone" 1a 1f
ip netns exec $A timeout $((FUZZ_SECS + 120)) "$fuzz" -p $proto \
	-t "$FUZZ_SECS" -r "$FUZZ_RATE" -S "$FUZZ_SEED" -i veth0 -s $PH \
	$BB $PL,$P1,$P2 >"$tmp/fuzz.log" 2>&1
frc=$?
: >"$tmp/stop"
sent=0
[[ $(<"$tmp/fuzz.log") =~ sent\ ([0-9]+)\ segments ]] &&
	sent=${BASH_REMATCH[1]}
diag "$tmp/fuzz.log"
[ $frc = 0 ] && [ "$sent" -gt 0 ]
ok $? "1: xtcp-fuzz ran (status $frc, $sent segments, seed $FUZZ_SEED)"
wait $lane1 $lane2
snap $hB 1b
all_intact=0
for n in 1 2; do
	ni=0 nr=0 nb=0
	while read -r v _; do
		case $v in
		intact) ni=$((ni + 1)) ;;
		reset) nr=$((nr + 1)) ;;
		*) nb=$((nb + 1)) ;;
		esac
	done <"$tmp/lane$n.res"
	all_intact=$((all_intact + ni))
	grep -v '^intact' "$tmp/lane$n.res" | head -20 | diag
	[ $nb = 0 ] && [ $((ni + nr)) -gt 0 ]
	ok $? "1: lane $n: $((ni + nr + nb)) connections, $ni intact, $nr reset, $nb wrong or hung"
done
[ $all_intact -gt 0 ]
ok $? "1: live connections carried their data intact through the fuzz ($all_intact)"

# ------------------------------------------------------- 2: the counters

section "2: the counters"
show_deltas "2: B's counters" 1a 1b
check_delta "2: B took in the fuzz" 1a 1b XtcpInSegs -ge $((sent / 4))
check_delta "2: bad checksums counted" 1a 1b XtcpInCsumErrors -ge 1
malformed 1a 1b
[ "$m" -ge 1 ]
ok $? "2: malformed segments counted (+$m)"

# ------------------------------------------------------- 3: the listener

section "3: the listener after the fuzz"
ip netns exec $A timeout 200 "$clients" -w 120 clients $BB $PL 3 \
	>"$tmp/clients.log" 2>&1
c3=$?
ok $c3 "3: the listener served three new clients after the fuzz" ||
	diag "$tmp/clients.log"
kill $srv
wait $srv

# -------------------------------------------------------- 4: what is left

section "4: nothing left"
nothing_left 4 s0 $SLAB_SLACK A $hA "$socks_a0" B $hB "$socks_b0"

tap_end
