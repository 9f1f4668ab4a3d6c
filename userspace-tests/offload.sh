#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Large segments through the stack (GSO) and checksums, on a veth pair:
# A sends 4 MiB (1 MiB on the debug kernel, many times slower) to B
# with xtcp-nc, three times; each time the data arrives intact
# (SHA-256), and a capture on A's veth0 (frame lengths only) shows what
# reached the device.
#
#  1. veth's defaults (it takes XTCP's large skbs whole, as lo does): IP
#     in A saw at most a third as many packets as XTCP sent segments
#     (Ip OutRequests against XtcpOutSegs), and frames longer than the
#     MTU crossed the veth; B took them whole and acknowledged them.
#  2. A's veth without checksum offload (so without any segmentation
#     offload: the stack asks XTCP's callback to cut each large skb and
#     to sum every segment itself), B's without receive checksum offload
#     (so B checks every sum): still far fewer IP packets than segments,
#     but no frame beyond the MTU, and no checksum error at B.
#  3. generic segmentation offload off on A's veth: XTCP builds no large
#     skbs; IP sees about one packet a segment, none beyond the MTU.
#
# XTCP only: what Linux TCP does on the same devices is its own business.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init offload '*.log'
[ $fam = xtcp ] || bail "XTCP only"
AA=10.211.0.1 AB=10.211.0.2 PORT=7601
nc=$XTCP_TOP/build/tools/xtcp-nc
need "$nc"
for t in ethtool dumpcap tshark; do
	command -v $t >/dev/null || bail "$t missing"
done
counters="XtcpOutSegs XtcpInSegs XtcpInCsumErrors XtcpRetransSegs XtcpOutRsts
	XtcpInErrs XtcpInNoSocket XtcpActiveOpens XtcpPassiveOpens"
size=$((4 << 20))
debug_kernel && size=$((1 << 20))
mtu=1500

ns_pair $AA $AB
head -c $size /dev/urandom >"$tmp/data" || bail "data"
want_sha=$(sha256 "$tmp/data")

# part N DESC: A sends the data to B, a capture on A's veth0 running;
# counters snapped as bN and aN; sets ipout (A's Ip OutRequests growth),
# segs (XtcpOutSegs growth), maxlen and over (frames beyond the MTU's
# Ethernet frame) and frames (data frames captured).
part() {
	local rx txrc rxrc ip0

	section "$1: $2"
	spawn $B rx$1 90 sh -c '"$0" -w 30 -l "$1" "$2" >"$3"' \
		"$nc" $AB $PORT "$tmp/got$1"
	rx=$last
	wait_until 30 eval 'grep -q " 0A " /proc/$hB/net/xtcp' ||
		bail "$1: no listener in B"
	cap_start $A veth0 "ip proto 253 and src host $AA" frame.len
	ip0=$(ip_snmp $A OutRequests)
	snap $hA b$1
	snap $hB q$1
	ip netns exec $A timeout 90 "$nc" -w 30 $AB $PORT \
		<"$tmp/data" >/dev/null 2>"$tmp/tx$1.log"
	txrc=$?
	wait "$rx"
	rxrc=$?
	snap $hA a$1
	snap $hB r$1
	ipout=$(($(ip_snmp $A OutRequests) - ip0))
	cap_stop
	show_deltas "$1 A" b$1 a$1
	show_deltas "$1 B" q$1 r$1
	diag "$tmp/rx$1.log" "$tmp/tx$1.log"
	xfer_ok "$1: $((size >> 20)) MiB from A to B" $size "$(stat -c %s "$tmp/data")" \
		"$(stat -c %s "$tmp/got$1" 2>/dev/null)" "$want_sha" \
		"$(sha256 "$tmp/got$1")" $((txrc + rxrc))
	delta b$1 a$1 XtcpOutSegs
	segs=$d
	# The eleventh field is frame.len; data frames only.
	read -r frames maxlen over < <(awk -F'|' -v max=$((mtu + 14)) '
		$10 > 0 { n++; if ($11 > m) m = $11; if ($11 > max) o++ }
		END { print n + 0, m + 0, o + 0 }' "$tmp/fields.txt")
	echo "# $1: IP packets $ipout, XTCP segments $segs, data frames $frames, longest $maxlen, beyond the MTU $over"
	rm -f "$tmp/got$1"
}

part 1 "veth's defaults: large skbs cross it whole"
[ "$segs" -ge $((size / mtu)) ] && [ $((ipout * 3)) -le "$segs" ]
ok $? "1: IP saw at most a third as many packets as XTCP sent segments ($ipout, $segs)"
[ "$over" -gt 0 ] && [ "$maxlen" -gt $((mtu + 14)) ]
ok $? "1: frames beyond the MTU crossed the veth ($over, the longest $maxlen)"

ip netns exec $A ethtool -K veth0 tx-checksum-ip-generic off >/dev/null &&
	ip netns exec $B ethtool -K veth0 rx off >/dev/null ||
	bail "ethtool: checksum offloads off"
snap $hB c2
part 2 "no checksum offload on A's veth, none on receive at B"
[ $((ipout * 3)) -le "$segs" ]
ok $? "2: IP still saw at most a third as many packets as segments ($ipout, $segs)"
[ "$over" = 0 ] && [ "$frames" -ge $((size / mtu)) ]
ok $? "2: every frame within the MTU, XTCP's callback cut them ($frames frames, the longest $maxlen)"
counter_check "2: B checked every sum and found none wrong" is 0 c2 r2 \
	XtcpInCsumErrors
delta c2 r2 XtcpInSegs
[ "$d" -ge $((size / mtu)) ]
ok $? "2: B took the segments one by one ($d)"

ip netns exec $A ethtool -K veth0 tx-checksum-ip-generic on gso off \
	>/dev/null || bail "ethtool: gso off"
part 3 "generic segmentation offload off on A's veth"
[ $((ipout * 10)) -ge $((segs * 9)) ]
ok $? "3: IP saw about one packet a segment ($ipout, $segs)"
[ "$over" = 0 ]
ok $? "3: no frame beyond the MTU (the longest $maxlen)"

tap_end
