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

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
bridge=$XTCP_TOP/tools/xtcp-tcp-bridge/xtcp-tcp-bridge
test_init tcp_bridge '*.log' '*.pcapng' '*.txt'
ns_name a; a=$ns
ns_name b; b=$ns

# counter NAME: XTCP's counter NAME in namespace B.
counter() { xcounter $b "$1"; }

# transfer FROM_NS TO_NS TO_ADDR: send the data (4 MiB, 1 MiB on the
# debug kernel, where each segment's capture and decoding is slow) with
# Linux TCP, print the SHA-256 the receiver computed.
transfer() {
	rm -f "$tmp/ready" "$tmp/sum"
	ip netns exec "$2" python3 - "$tmp" <<'PY' &
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001))
s.listen(1)
open(sys.argv[1] + "/ready", "w").close()
c, _ = s.accept()
h = hashlib.sha256()
while True:
    d = c.recv(65536)
    if not d:
        break
    h.update(d)
open(sys.argv[1] + "/sum", "w").write(h.hexdigest())
PY
	local srv=$!
	bg_pids+=("$srv")
	waitfile "$tmp/ready" $srv
	ip netns exec "$1" timeout 120 python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 5001), timeout=60)
s.sendall(open(sys.argv[2], "rb").read())
s.close()
' "$3" "$tmp/data"
	wait $srv
	cat "$tmp/sum" 2>/dev/null
}

ns_add $a $b
veth_pair $a 10.201.0.1 $b 10.201.0.2
size=$((4 << 20))
debug_kernel && size=$((1 << 20))
head -c $size /dev/urandom > "$tmp/data"
want=$(sha256 "$tmp/data")

ip netns exec $a "$bridge" attach veth0 && ip netns exec $b "$bridge" attach veth0
ok $? "the bridge attaches on both ends" ||
	bail "the bridge is not there to test"
# Detached again at exit, also on a failure.
on_exit "ip netns exec $a $bridge detach veth0"

cap_start $b veth0 'ip proto 6 or ip proto 253' ip.proto

[ "$(transfer $a $b 10.201.0.2)" = "$want" ]
ok $? "$((size >> 20)) MiB from A to B over protocol 253 arrive intact (SHA-256)"
[ "$(transfer $b $a 10.201.0.1)" = "$want" ]
ok $? "$((size >> 20)) MiB from B to A over protocol 253 arrive intact (SHA-256)"

cap_stop
cap_decode
protos=$(cut -d' ' -f8 "$tmp/segs.txt" | sort | uniq -c)
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
cap_start $a veth0 'ip proto 253'
result=$(ip netns exec $a timeout 20 python3 -c '
import errno, socket
try:
    socket.create_connection(("10.201.0.2", 5001), timeout=10)
    print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, e))
')
# Both segments of the exchange are in once the reset came back.
cap_stop
cap_decode
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
# TIME SPORT DPORT FLAGS SEQ ACK LEN (lib.bash), absolute numbers.
diag "$tmp/segs.txt"
awk '
	NR == 1 && $4 ~ /S/ { syn = $5 }
	NR == 2 && $4 ~ /R/ && $4 ~ /A/ && $5 == 0 && $6 == (syn + 1) % 4294967296 { ok = 1 }
	END { exit !ok }' "$tmp/segs.txt"
ok $? "captured: SYN seq=x answered by RST|ACK seq=0 ack=x+1"

tap_end
