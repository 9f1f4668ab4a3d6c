#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol translator that interoperation tests rely on
# (tools/xtcp-tcp-bridge): with it on both ends of a veth, Linux TCP runs
# over IP protocol 253 and transfers data intact both ways, and a capture
# shows only 253 on the wire.  With it on the sending side only, a TCP SYN
# reaches the XTCP module, whose checksum check (pseudo-header with 253)
# must accept it, and whose reset (no socket there) Linux TCP must accept
# in turn: connect() fails with ECONNREFUSED.

set -u
# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
bridge=$XTCP_TOP/tools/xtcp-tcp-bridge/xtcp-tcp-bridge
a=xtcp-br-a b=xtcp-br-b


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
if ! ok $? "the bridge attaches on both ends"; then
	echo "Bail out! the bridge is not there to test"
	exit 1
fi

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

# Only A translates: its SYN reaches B's XTCP as protocol 253, no socket
# takes it, and XTCP's reset must satisfy Linux TCP's own checks on A.
ip netns exec $b "$bridge" detach veth0
segs0=$(counter XtcpInSegs) csum0=$(counter XtcpInCsumErrors)
errs0=$(counter XtcpInErrs) nosock0=$(counter XtcpInNoSocket)
rsts0=$(counter XtcpOutRsts)
rm -f /tmp/br-dumpcap.log
ip netns exec $a timeout 60 dumpcap -q -i veth0 -f 'ip proto 253' -c 2 \
	-w /tmp/br-rst.pcap 2>/tmp/br-dumpcap.log &
cap=$!
for _ in $(seq 300); do
	grep -q 'Capturing on' /tmp/br-dumpcap.log && break
	sleep 0.1
done
result=$(ip netns exec $a timeout 20 python3 -c '
import errno, socket
try:
    socket.create_connection(("10.201.0.2", 5001), timeout=10)
    print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, e))
')
wait $cap
[ "$result" = ECONNREFUSED ]
ok $? "Linux TCP's connect() to XTCP with no socket there: ECONNREFUSED ($result)"
segs=$(( $(counter XtcpInSegs) - segs0 ))
[ "$segs" -ge 1 ]
ok $? "the translated SYN reached XTCP ($segs segment)"
[ "$(counter XtcpInCsumErrors)" = "$csum0" ] && [ "$(counter XtcpInErrs)" = "$errs0" ]
ok $? "XTCP finds every translated checksum and header valid"
[ $(( $(counter XtcpInNoSocket) - nosock0 )) = "$segs" ] &&
	[ $(( $(counter XtcpOutRsts) - rsts0 )) = "$segs" ]
ok $? "... counts it as having no socket and answers it with a reset"
ladder=$(tshark -r /tmp/br-rst.pcap -d ip.proto==253,tcp -T fields \
	-e tcp.flags.str -e tcp.seq_raw -e tcp.ack_raw 2>/dev/null)
echo "$ladder" | sed 's/^/# captured: /'
echo "$ladder" | awk '
	NR == 1 && $1 ~ /S/ { syn = $2 }
	NR == 2 && $1 ~ /R/ && $1 ~ /A/ && $2 == 0 && $3 == (syn + 1) % 4294967296 { ok = 1 }
	END { exit !ok }'
ok $? "captured: SYN seq=x answered by RST|ACK seq=0 ack=x+1"

ip netns exec $a "$bridge" detach veth0
ip netns del $a
ip netns del $b
rm -f /tmp/br-data /tmp/br.pcap /tmp/br-rst.pcap
tap_end
