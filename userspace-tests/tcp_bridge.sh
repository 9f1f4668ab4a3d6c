#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol translator that interoperation tests rely on
# (tools/xtcp-tcp-bridge): with it on both ends of a veth, Linux TCP runs
# over IP protocol 253 and transfers data intact both ways, and a capture
# shows only 253 on the wire.  With it on the sending side only, the
# segments reach the XTCP module, whose checksum check (pseudo-header with
# 253) must accept every one: the translator's checksum arithmetic is right.

set -u
bridge=$XTCP_TOP/tools/xtcp-tcp-bridge/xtcp-tcp-bridge
a=xtcp-br-a b=xtcp-br-b
n=0 failures=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failures=$((failures + 1))
	fi
}

counter() {
	ip netns exec $b awk -v k="$1" '$1 == k { print $2 }' /proc/net/xtcp_snmp
}

# transfer FROM_NS TO_NS TO_ADDR: send 4 MiB with Linux TCP, print the
# SHA-256 the receiver computed.
transfer() {
	rm -f /tmp/br-ready /tmp/br-sum
	ip netns exec "$2" python3 -c '
import hashlib, socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001))
s.listen(1)
open("/tmp/br-ready", "w").close()
c, _ = s.accept()
h = hashlib.sha256()
while True:
    d = c.recv(65536)
    if not d:
        break
    h.update(d)
open("/tmp/br-sum", "w").write(h.hexdigest())
' &
	local srv=$!
	for _ in $(seq 200); do
		[ -f /tmp/br-ready ] && break
		sleep 0.1
	done
	ip netns exec "$1" timeout 120 python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5001), timeout=60)
s.sendall(open("/tmp/br-data", "rb").read())
s.close()
' "$3"
	wait $srv
	cat /tmp/br-sum 2>/dev/null
}

echo "TAP version 13"
ip netns del $a 2>/dev/null
ip netns del $b 2>/dev/null
ip netns add $a
ip netns add $b
ip -n $a link add veth0 type veth peer name veth0 netns $b
ip -n $a addr add 10.201.0.1/24 dev veth0
ip -n $b addr add 10.201.0.2/24 dev veth0
ip -n $a link set veth0 up
ip -n $b link set veth0 up
head -c 4194304 /dev/urandom > /tmp/br-data
want=$(sha256sum /tmp/br-data | cut -d' ' -f1)

ip netns exec $a "$bridge" attach veth0 && ip netns exec $b "$bridge" attach veth0
ok $? "the bridge attaches on both ends"

ip netns exec $b timeout 120 dumpcap -q -i veth0 -f 'ip proto 6 or ip proto 253' \
	-w /tmp/br.pcap 2>/tmp/br-dumpcap.log &
cap=$!
for _ in $(seq 300); do
	grep -q 'Capturing on' /tmp/br-dumpcap.log && break
	sleep 0.1
done

[ "$(transfer $a $b 10.201.0.2)" = "$want" ]
ok $? "4 MiB from A to B over protocol 253 arrive intact (SHA-256)"
[ "$(transfer $b $a 10.201.0.1)" = "$want" ]
ok $? "4 MiB from B to A over protocol 253 arrive intact (SHA-256)"

kill -INT $cap
wait $cap
protos=$(tshark -r /tmp/br.pcap -T fields -e ip.proto 2>/dev/null | sort | uniq -c)
echo "$protos" | sed 's/^/# on the wire: /'
! echo "$protos" | grep -qw 6
ok $? "no IP protocol 6 on the wire"
[ "$(echo "$protos" | awk '$2 == 253 { print $1 }')" -gt 100 ]
ok $? "the transfers crossed the wire as protocol 253"

# Only A translates: its SYNs reach B's XTCP as protocol 253.
ip netns exec $b "$bridge" detach veth0
segs0=$(counter XtcpInSegs) csum0=$(counter XtcpInCsumErrors)
errs0=$(counter XtcpInErrs) nosock0=$(counter XtcpInNoSocket)
ip netns exec $a timeout 5 python3 -c '
import socket
try:
    socket.create_connection(("10.201.0.2", 5001), timeout=3)
except OSError:
    pass
'
segs=$(( $(counter XtcpInSegs) - segs0 ))
[ "$segs" -ge 2 ]
ok $? "TCP SYNs translated to 253 reach XTCP ($segs segments)"
[ "$(counter XtcpInCsumErrors)" = "$csum0" ] && [ "$(counter XtcpInErrs)" = "$errs0" ]
ok $? "XTCP finds every translated checksum and header valid"
[ $(( $(counter XtcpInNoSocket) - nosock0 )) = "$segs" ]
ok $? "... and counts them as having no socket"

ip netns exec $a "$bridge" detach veth0
ip netns del $a
ip netns del $b
rm -f /tmp/br-data /tmp/br.pcap
echo "1..$n"
[ $failures = 0 ]
