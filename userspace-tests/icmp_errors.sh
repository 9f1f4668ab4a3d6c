#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors about XTCP segments (RFC 1122 4.2.3.9, RFC 5927).  Namespace
# B plays a host answering A's SYNs with ICMP (helpers/xtcp_icmp_reply.py
# reads them off B's veth; a classic BPF classifier on B's ingress drops
# them, so B's own XTCP never answers); A runs xtcp-nc, syn_retries 1:
#
#  1. protocol unreachable, what a host without XTCP sends: connect()
#     fails with ECONNREFUSED, after the first SYN (one error taken, no
#     SYN retransmitted);
#  2. port unreachable: the same;
#  3. host unreachable, a soft error: A retransmits its SYN and connect()
#     fails with EHOSTUNREACH instead of ETIMEDOUT;
#  4. port unreachable quoting a sequence number A never sent: ignored
#     (XtcpOutOfWindowIcmps), connect() fails with ETIMEDOUT;
#  5. path MTU discovery (RFC 1191): A sends 256 KiB to C through router R,
#     whose side of the link to C has an MTU of 1000 (C's has 1500, so C
#     announces the larger MSS); A's segments carry DF, R answers
#     the first too big with "fragmentation needed", A lowers its MSS
#     (XtcpPMTUReduced) and resends: the data arrives intact (SHA-256)
#     and R fragmented nothing.
#
# XTCP only: Linux TCP gives up a connect() on any unreachable.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init icmp_errors '*.log'
[ $fam = xtcp ] || bail "XTCP only: Linux TCP aborts on every unreachable"
AA=10.207.0.1 AB=10.207.0.2 PORT=7501
nc=$XTCP_TOP/build/tools/xtcp-nc
icmp=$XTCP_TOP/userspace-tests/helpers/xtcp_icmp_reply.py
need "$nc" "$icmp"
counters="XtcpICMPErrors XtcpOutOfWindowIcmps XtcpAttemptFails XtcpRetransSegs
	XtcpPMTUReduced"

ns_pair $AA $AB
clsact $B
cut_link $B
ip netns exec $A sysctl -qw net.xtcp.syn_retries=1 || bail "sysctl"

# part N TYPE CODE SHIFT: B answers each SYN with ICMP TYPE/CODE quoting
# SEG.SEQ + SHIFT; A's xtcp-nc connects; counters snapped as bN and aN,
# xtcp-nc's message in $msg, the ICMP sent in $sent.
part() {
	local helper

	section "$1: ICMP type $2 code $3, SEG.SEQ + $4"
	spawn $B icmp$1 120 "$icmp" veth0 253 "$2" "$3" "$4"
	helper=$last
	waitline "$tmp/icmp$1.log" ready || bail "$1: the ICMP helper"
	snap $hA b$1
	ip netns exec $A timeout 60 "$nc" $AB $PORT </dev/null \
		>"$tmp/nc$1.log" 2>&1
	snap $hA a$1
	kill "$helper"
	readfile "$tmp/nc$1.log"
	msg=$content
	readfile "$tmp/icmp$1.log"
	sent=$(grep -c '^sent ' <<<"$content")
	diag <<<"$msg"
	show_deltas "$1" b$1 a$1
}

part 1 3 2 0
[[ $msg == *"Connection refused"* ]]
ok $? "1: protocol unreachable: connect() fails with ECONNREFUSED"
counter_check "1: the error is taken" is 1 b1 a1 XtcpICMPErrors
counter_check "1: the connection ended at once: no SYN retransmitted" \
	is 0 b1 a1 XtcpRetransSegs
[ "$sent" = 1 ]
ok $? "1: one ICMP error was sent ($sent)"

part 2 3 3 0
[[ $msg == *"Connection refused"* ]]
ok $? "2: port unreachable: connect() fails with ECONNREFUSED"
counter_check "2: the error is taken" is 1 b2 a2 XtcpICMPErrors

part 3 3 1 0
[[ $msg == *"No route to host"* ]]
ok $? "3: host unreachable: connect() fails with EHOSTUNREACH, not ETIMEDOUT"
counter_check "3: the SYN was retransmitted after the soft error" \
	is 1 b3 a3 XtcpRetransSegs
counter_check "3: both errors are taken" is 2 b3 a3 XtcpICMPErrors

part 4 3 3 100000
[[ $msg == *"timed out"* ]]
ok $? "4: port unreachable about SEG.SEQ never sent: ignored, ETIMEDOUT"
counter_check "4: counted as out of window" is 2 b4 a4 XtcpOutOfWindowIcmps
counter_check "4: none taken" is 0 b4 a4 XtcpICMPErrors

section "5: path MTU discovery through a router"
ns_name r
R=$ns
ns_name c
C=$ns
ns_add "$R" "$C"
ns_holder "$C"
hC=$last
veth_pair $A 10.208.0.1 "$R" 10.208.0.2 vr va
veth_pair "$R" 10.209.0.1 "$C" 10.209.0.2 vc veth0
# Only R's side is narrow: C still announces the MSS of a 1500-byte link.
ip -n "$R" link set vc mtu 1000 &&
	ip -n $A route add 10.209.0.0/24 via 10.208.0.2 &&
	ip -n "$C" route add 10.208.0.0/24 via 10.209.0.1 &&
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 || bail "router"

head -c $((256 << 10)) /dev/urandom >"$tmp/pmtu.data" || bail "data"
frags=$(ip_snmp "$R" FragCreates)
unreach=$(ip_snmp "$R" OutDestUnreachs)
snap $hA b5
spawn "$C" pmtu-rx 90 sh -c '"$0" -w 30 -l 10.209.0.2 7502 >"$1"' \
	"$nc" "$tmp/pmtu.got"
rx=$last
wait_until 30 eval 'grep -q " 0A " /proc/$hC/net/xtcp' ||
	bail "no listener in C"
ip netns exec $A timeout 90 "$nc" -w 30 10.209.0.2 7502 \
	<"$tmp/pmtu.data" >/dev/null 2>"$tmp/pmtu-tx.log"
txrc=$?
wait "$rx"
rxrc=$?
snap $hA a5
show_deltas 5 b5 a5
diag "$tmp/pmtu-rx.log" "$tmp/pmtu-tx.log"
sent=$(stat -c %s "$tmp/pmtu.data")
got=$(stat -c %s "$tmp/pmtu.got")
xfer_ok "5: 256 KiB through the 1000-byte link" $((256 << 10)) "$sent" "$got" \
	"$(sha256 "$tmp/pmtu.data")" "$(sha256 "$tmp/pmtu.got")" \
	$((txrc + rxrc))
counter_check "5: A lowered its MSS for the path" min 1 b5 a5 XtcpPMTUReduced
[ "$(ip_snmp "$R" OutDestUnreachs)" -gt "$unreach" ]
ok $? "5: R answered a segment too big with fragmentation needed"
[ "$(ip_snmp "$R" FragCreates)" = "$frags" ]
ok $? "5: R fragmented nothing: A's segments carry DF"

tap_end
