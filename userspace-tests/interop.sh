#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP against unmodified Linux TCP programs.  Namespace A runs xtcp-nc
# (tools/xtcp-nc) over XTCP; namespace B runs python3's http.server, curl
# and socat over Linux TCP, its veth end carrying tools/xtcp-tcp-bridge so
# B's TCP speaks protocol 253 on the wire.  (Only B's end translates: on
# A's end the bridge's ingress program would turn XTCP's segments into
# TCP ones and hand them to A's Linux TCP instead of XTCP.)
#
#  (a) xtcp-nc writes an HTTP/1.0 GET to python3 -m http.server and reads
#      the response: status, headers and a 4 MiB body, compared by SHA-256;
#  (b) curl fetches 4 MiB from xtcp-nc -l serving a prepared HTTP/1.0
#      response, compared by SHA-256; xtcp-nc got curl's request;
#  (c) socat and xtcp-nc exchange 4 MiB each way at once, each of them
#      listening in turn, all four streams compared by SHA-256;
#  (d) a capture on A's veth of every SYN, FIN and RST: each of the four
#      connections was opened by SYN and SYN-ACK, closed by a FIN from
#      each end, never reset, and everything crossed as protocol 253;
#  (e) afterwards no socket is left ESTABLISHED or CLOSE_WAIT in either
#      namespace (/proc/net/xtcp, /proc/net/tcp), every FIN was
#      acknowledged (none left in FIN_WAIT1, CLOSING, LAST_ACK), and A's
#      XTCP counted no checksum or header error and sent no reset;
#  (f) xtcp-nc to a port of B where nothing listens: TCP's reset reaches
#      XTCP as such, xtcp-nc fails with "Connection refused".
#
# XTCP_TEST_FAMILY=tcp runs the same with xtcp-nc -t (Linux TCP on both
# sides), no bridge, and protocol 6 expected on the wire.
#
# Needs build/tools/xtcp-nc and the bridge's BPF objects (make tools),
# python3, curl, socat, ethtool, dumpcap and tshark.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
top=${XTCP_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
nc=$top/build/tools/xtcp-nc
bridge=$top/tools/xtcp-tcp-bridge/xtcp-tcp-bridge
test_init interop '*.log' '*.pcapng' '*.txt'
ns_name a; a=$ns
ns_name b; b=$ns
addr_a=10.203.0.1 addr_b=10.203.0.2
size=$((4 * 1048576))
# The debug kernel, with the bridge's BPF on every packet, took over three
# minutes for the 16 MiB.
debug_kernel && size=1048576

case ${XTCP_TEST_FAMILY:-xtcp} in
xtcp) nc_opts=() proto=253 ;;
tcp) nc_opts=(-t) proto=6 ;;
*)
	echo "Bail out! XTCP_TEST_FAMILY must be xtcp or tcp"
	exit 1
	;;
esac

# xnc NS ARGS...: xtcp-nc in the family under test, in namespace NS.
xnc() {
	local ns=$1

	shift
	ip netns exec "$ns" timeout 120 "$nc" "${nc_opts[@]}" "$@"
}

# ready SECS PID CMD...: wait until CMD succeeds, SECS seconds at most and
# only while process PID lives.
ready() { WAIT_STEP=0.1 wait_until "$1" alive_and "$2" "${@:3}"; }
# alive_and PID CMD...: CMD succeeds; 125 (give up) once PID has ended.
alive_and() {
	"${@:2}" && return 0
	kill -0 "$1" 2>/dev/null || return 125
	return 1
}

# listening NS PORT: Linux TCP in NS listens on PORT.
listening() {
	ip netns exec "$1" awk -v p="$(printf ':%04X' "$2")" \
		'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 }
		 END { exit !f }' /proc/net/tcp
}

# states NS: the state column of every socket of both families in NS.
states() {
	ip netns exec "$1" sh -c 'cat /proc/net/tcp /proc/net/xtcp 2>/dev/null' |
		awk '$1 ~ /^[0-9]+:$/ { print $4 }'
}

# settled: no connection in either namespace is still open or closing.
settled() {
	! { states $a; states $b; } | grep -qE '^(01|04|08|09|0B)$'
}

# counter NAME: XTCP's counter NAME in namespace A, empty when missing.
counter() { xcounter $a "$1"; }

[ -x "$nc" ] || bail "$nc missing (make -C tools/xtcp-nc)"
for t in python3 curl socat ethtool dumpcap tshark; do
	command -v $t >/dev/null || bail "$t is not installed"
done

ns_add $a $b
veth_pair $a $addr_a $b $addr_b
# Make the veth behave like a wire: complete checksums, which each
# receiver then verifies, and no segment larger than the MTU.  Otherwise
# Linux TCP hands 64 KiB super-segments with partial checksums across,
# which no real link carries (and GRO never builds for protocol 253).
# gso_max_segs, not "gso off": Linux TCP always builds GSO packets, and
# segmenting them after the bridge turned them into protocol 253 fails.
for ns in $a $b; do
	if ! ip netns exec "$ns" ethtool -K veth0 tx off >/dev/null ||
		! ip -n "$ns" link set veth0 gso_max_segs 1; then
		bail "cannot set veth0's offloads in $ns"
	fi
done

head -c $size /dev/urandom > "$tmp/data-a"
head -c $size /dev/urandom > "$tmp/data-b"
sum_a=$(sha256 "$tmp/data-a") sum_b=$(sha256 "$tmp/data-b")
mkdir "$tmp/www"
cp "$tmp/data-b" "$tmp/www/blob"

if [ $proto = 253 ]; then
	ip netns exec $b "$bridge" attach veth0
	ok $? "the bridge translates on B's veth end" ||
		bail "B's Linux TCP cannot reach XTCP without the bridge"
fi

# Every SYN, FIN or RST of either protocol, as it crosses A's veth end
# (no tc there: what A's side really sends and receives).
filter='(ip proto 6 or ip proto 253) and (ip[((ip[0] & 0xf) << 2) + 13] & 7) != 0'
cap_start $a veth0 "$filter" tcp.stream ip.proto ip.src

# (a) xtcp-nc -> python3 -m http.server
ip netns exec $b python3 -m http.server 8000 --bind $addr_b \
	--directory "$tmp/www" >"$tmp/http.log" 2>&1 &
http=$!
ready 120 $http listening $b 8000 || bail "http.server did not start"
printf 'GET /blob HTTP/1.0\r\nHost: %s:8000\r\n\r\n' $addr_b |
	xnc $a $addr_b 8000 >"$tmp/resp-a" 2>"$tmp/nc-a.log"
ok $? "(a) xtcp-nc's GET to http.server: clean exchange, exit 0" ||
	sed 's/^/# /' "$tmp/nc-a.log"
total=$(stat -c %s "$tmp/resp-a")
hlen=$((total - size))
if [ $hlen -gt 0 ]; then
	head -c $hlen "$tmp/resp-a" > "$tmp/hdr-a"
	tail -c $size "$tmp/resp-a" > "$tmp/body-a"
else
	: > "$tmp/hdr-a"
	: > "$tmp/body-a"
fi
tr -d '\r' < "$tmp/hdr-a" | sed -n '1s/^/# response: /p'
[ "$(head -n 1 "$tmp/hdr-a")" = $'HTTP/1.0 200 OK\r' ] &&
	grep -qixF $'Content-Length: '$size$'\r' "$tmp/hdr-a" &&
	[ "$(tail -c 4 "$tmp/hdr-a" | od -An -tx1 | tr -d ' \n')" = 0d0a0d0a ]
ok $? "(a) the response: 200 OK, Content-Length $size, headers end in CRLF CRLF"
[ "$(sha256 "$tmp/body-a")" = "$sum_b" ]
ok $? "(a) the body's SHA-256 is the file's ($total bytes in all)"
kill $http
wait $http 2>/dev/null

# (b) curl -> xtcp-nc -l serving an HTTP/1.0 response
{
	printf 'HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n'
	printf 'Content-Length: %d\r\nConnection: close\r\n\r\n' $size
	cat "$tmp/data-a"
} > "$tmp/resp-b"
xnc $a -l -w 30 $addr_a 8080 <"$tmp/resp-b" >"$tmp/req-b" 2>"$tmp/nc-b.log" &
srv=$!
ready 60 $srv grep -q 'listening on' "$tmp/nc-b.log" ||
	bail "xtcp-nc -l did not start: $(cat "$tmp/nc-b.log")"
ip netns exec $b timeout 120 curl -sS --max-time 110 \
	--speed-limit 1 --speed-time 30 \
	-o "$tmp/body-b" "http://$addr_a:8080/blob" 2>"$tmp/curl.log"
crc=$?
wait $srv
src=$?
[ $crc = 0 ] && [ $src = 0 ]
ok $? "(b) curl from xtcp-nc -l: curl exits $crc, xtcp-nc $src" ||
	sed 's/^/# /' "$tmp/curl.log" "$tmp/nc-b.log"
[ "$(sha256 "$tmp/body-b" 2>/dev/null)" = "$sum_a" ]
ok $? "(b) the body curl saved has the served file's SHA-256"
[ "$(head -n 1 "$tmp/req-b")" = $'GET /blob HTTP/1.1\r' ] &&
	grep -qixF $'Host: '$addr_a$':8080\r' "$tmp/req-b"
ok $? "(b) xtcp-nc received curl's request ($(head -n 1 "$tmp/req-b" | tr -d '\r'))"

# (c) socat <-> xtcp-nc, 4 MiB each way at once.  socat's -t: after one
# direction's end, wait for the other (by default it gives 0.5 s); -T:
# give up after 30 s without traffic, as xtcp-nc's -w 30 and curl's
# --speed-time 30 do (socat then still exits 0: its hashes tell).
ip netns exec $b timeout 120 socat -t 60 -T 30 \
	TCP4-LISTEN:5003,bind=$addr_b,reuseaddr \
	"OPEN:$tmp/data-b,rdonly!!CREATE:$tmp/recv-c1-b" 2>"$tmp/socat1.log" &
srv=$!
ready 60 $srv listening $b 5003 || bail "socat did not start"
xnc $a -w 30 $addr_b 5003 <"$tmp/data-a" >"$tmp/recv-c1-a" 2>"$tmp/nc-c1.log"
crc=$?
wait $srv
src=$?
[ $crc = 0 ] && [ $src = 0 ]
ok $? "(c) xtcp-nc to socat: xtcp-nc exits $crc, socat $src" ||
	sed 's/^/# /' "$tmp/nc-c1.log" "$tmp/socat1.log"
[ "$(sha256 "$tmp/recv-c1-b")" = "$sum_a" ] && [ "$(sha256 "$tmp/recv-c1-a")" = "$sum_b" ]
ok $? "(c) ... both directions arrive intact (SHA-256)"

xnc $a -l -w 30 $addr_a 5004 <"$tmp/data-a" >"$tmp/recv-c2-a" 2>"$tmp/nc-c2.log" &
srv=$!
ready 60 $srv grep -q 'listening on' "$tmp/nc-c2.log" ||
	bail "xtcp-nc -l did not start: $(cat "$tmp/nc-c2.log")"
ip netns exec $b timeout 120 socat -t 60 -T 30 \
	"OPEN:$tmp/data-b,rdonly!!CREATE:$tmp/recv-c2-b" \
	TCP4:$addr_a:5004 2>"$tmp/socat2.log"
crc=$?
wait $srv
src=$?
[ $crc = 0 ] && [ $src = 0 ]
ok $? "(c) socat to xtcp-nc -l: socat exits $crc, xtcp-nc $src" ||
	sed 's/^/# /' "$tmp/socat2.log" "$tmp/nc-c2.log"
[ "$(sha256 "$tmp/recv-c2-b")" = "$sum_a" ] && [ "$(sha256 "$tmp/recv-c2-a")" = "$sum_b" ]
ok $? "(c) ... both directions arrive intact (SHA-256)"

# Every program has exited; let the last FINs be acknowledged.  A state
# that does not settle fails (e) below.
ready 30 $$ settled
left=$({ states $a; states $b; } | sort | uniq -c | tr -s ' \n' '  ')
echo "# socket states left (count state): ${left:-none}"

# (d) the capture, stopped once dumpcap's count settled (lib.bash); one
# line a segment: TIME SPORT DPORT FLAGS SEQ ACK LEN STREAM PROTO SRC.
cap_stop
cap_decode
# One line per connection: server port, SYNs, SYN-ACKs, ends that sent a
# FIN, RSTs.
awk '
	{ s = $8; ep = $10 ":" $2 }
	$4 ~ /S/ && $4 !~ /A/ { syn[s]++ }
	$4 ~ /S/ && $4 ~ /A/ { synack[s]++; port[s] = $2 }
	$4 ~ /F/ && !((s, ep) in fin) { fin[s, ep] = 1; fins[s]++ }
	$4 ~ /R/ { rst[s]++ }
	{ seen[s] = 1 }
	END {
		for (s in seen)
			printf "%s %d %d %d %d\n", port[s] == "" ? "?" : port[s],
				syn[s], synack[s], fins[s], rst[s]
	}' "$tmp/segs.txt" | sort > "$tmp/conns"
sed 's/^/# connection (port SYN SYN-ACK FIN-ends RST): /' "$tmp/conns"
for c in "8000 (a) http.server" "8080 (b) curl" "5003 (c) socat listening" \
	"5004 (c) xtcp-nc listening"; do
	port=${c%% *}
	awk -v p="$port" '$1 == p { n++; if ($2 >= 1 && $3 >= 1 && $4 == 2 && $5 == 0) good++ }
		END { exit !(n == 1 && good == 1) }' "$tmp/conns"
	ok $? "(d) connection ${c#* } (:$port): SYN, SYN-ACK, a FIN from each end, no RST"
done
[ "$(wc -l < "$tmp/conns")" = 4 ]
ok $? "(d) no other connection on the wire"
protos=$(cut -d' ' -f9 "$tmp/segs.txt" | sort | uniq -c | tr -s ' \n' '  ')
echo "# IP protocols captured (count proto): $protos"
[ -s "$tmp/segs.txt" ] && ! cut -d' ' -f9 "$tmp/segs.txt" | grep -qvx $proto
ok $? "(d) every captured segment is IP protocol $proto"

# (e) nothing left open
! { states $a; states $b; } | grep -qE '^(01|08)$'
ok $? "(e) no socket left ESTABLISHED or CLOSE_WAIT in A or B"
! { states $a; states $b; } | grep -qE '^(04|09|0B)$'
ok $? "(e) every FIN acknowledged: none left in FIN_WAIT1, CLOSING, LAST_ACK"
if ! settled; then
	for ns in $a $b; do
		ip netns exec $ns sh -c 'cat /proc/net/tcp /proc/net/xtcp 2>/dev/null' |
			sed "s/^/# $ns: /"
	done
fi
if [ $proto = 253 ]; then
	csum=$(counter XtcpInCsumErrors) errs=$(counter XtcpInErrs)
	rsts=$(counter XtcpOutRsts)
	[ "$csum" = 0 ] && [ "$errs" = 0 ] && [ "$rsts" = 0 ]
	ok $? "(e) A's XTCP saw no bad checksum ($csum) or header ($errs), sent no reset ($rsts)"
fi

# (f) nothing listens on B's port 5009: Linux TCP answers the SYN with a
# reset, which the XTCP client must take as a refusal.
out=$(xnc $a -q -w 30 $addr_b 5009 </dev/null 2>&1)
rc=$?
echo "# xtcp-nc: $out"
[ $rc != 0 ] && [ "${out%Connection refused}" != "$out" ]
ok $? "(f) xtcp-nc to a closed port of B: exit $rc, Connection refused"

tap_end
