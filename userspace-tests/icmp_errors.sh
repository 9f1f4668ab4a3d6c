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
#     (XtcpOutOfWindowIcmps), connect() fails with ETIMEDOUT.
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
counters="XtcpICMPErrors XtcpOutOfWindowIcmps XtcpAttemptFails XtcpRetransSegs"

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

tap_end
