#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/xtcp-run: unmodified TCP programs (socat, curl, python3's
# http.server, iperf3 when installed) run over XTCP with both ends under
# xtcp-run (the LD_PRELOAD shim libxtcp-run.so).  Two namespaces, A
# (clients, 10.233.0.1) and B (servers, 10.233.0.2), joined by veth; a
# capture on B's end runs through (a), (b) and (e).
#
#  (g) SO_PROTOCOL: without the shim a stream socket is 6 through the C
#      library and through the raw system call; under xtcp-run the raw
#      call says XTCP's number (the socket is XTCP), the C library 6, and
#      SOL_TCP's TCP_NODELAY and TCP_INFO work (helpers/sockproto).
#  (f) IPv6: xtcp-run socat TCP6-LISTEN fails at once (not by the time-out)
#      with xtcp-run's message; socket(AF_INET6) fails with EAFNOSUPPORT,
#      and succeeds with --inet6 tcp, with the warning.  XTCP not loaded
#      (the parameter file pointed elsewhere): xtcp-run refuses to start
#      the program, and the library alone fails its socket() with
#      EPROTONOSUPPORT and a message.  --bpf: not supported, status 2.
#  (a) socat -4 TCP4-LISTEN on B, TCP4 client on A: 4 MiB (1 MiB on the
#      debug kernel) from client to server, then from server to client,
#      SHA-256 compared; the listeners are in /proc/net/xtcp.
#  (d) While the first connection is open (the client's input held open)
#      both its ends are ESTABLISHED in /proc/net/xtcp and nothing of its
#      port is in /proc/net/tcp; xtcp-ss (sock_diag) lists it ESTAB on
#      both ends.
#  (b) curl -4 on A fetches 20 MiB (4 MiB on the debug kernel) from
#      python3 -m http.server --bind B on B, SHA-256 compared; the server
#      listens in /proc/net/xtcp; -v logged curl's conversion.  iperf3
#      -4 (if installed): 10 s (XTCP_IPERF_SECS), its JSON has bytes
#      received over the whole run, TCP_INFO's figures (max_snd_cwnd,
#      max_rtt) and no error; meanwhile B took at least 1000 XTCP
#      segments and no Linux TCP one.
#  (e) Selective mode: socat listeners on ports P5 and P6 under
#      XTCP_RUN_PORTS=P5: P5's is XTCP, P6's TCP.  sockproto, given
#      SO_KEEPALIVE, SO_REUSEADDR, TCP_NODELAY, TCP_KEEPIDLE 77 and
#      O_NONBLOCK before its connect(): with --ports P5 it is TCP until
#      its connect() to P5, XTCP afterwards with every option kept and in
#      /proc/net/xtcp only; to P6 it stays TCP, in /proc/net/tcp only;
#      the same by --addrs B (XTCP) and --addrs another (TCP); with both
#      lists, a port listed but not the address stays TCP (refused by
#      TCP at P5, after the capture).
#  (c) The capture: every segment of (a) and (b) (their ports) is of
#      protocol 253, none of protocol 6; between A and B the only
#      protocol 6 segments are P6's; P5's are all 253.  (iperf3's port is
#      left out of the capture: too many segments to decode in the guest.)
#
# Linux TCP reference mode (XTCP_TEST_FAMILY=tcp): skipped, there is
# nothing to run over TCP that is not already TCP.  Uses socat, curl,
# python3, dumpcap, tshark (and iperf3, Debian's package, if present).

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
run=$XTCP_TOP/build/tools/xtcp-run
lib=$XTCP_TOP/build/tools/libxtcp-run.so
sp=$XTCP_TOP/build/userspace/helpers/sockproto
test_init xtcp_run '*.log' '*.txt' '*.json'
if [ $fam = tcp ]; then
	skip "xtcp-run" "runs TCP programs over XTCP: nothing to compare on Linux TCP"
	tap_end
	exit
fi
ss=$XTCP_TOP/build/tools/xtcp-ss
need "$run" "$lib" "$sp" "$ss"
for t in socat curl python3 dumpcap tshark; do
	command -v $t >/dev/null || bail "$t is not installed"
done
capture_ipproto

AA=10.233.0.1 AB=10.233.0.2
OTHER=10.233.0.99	# an address no one has, for --addrs
P1=7101 P2=7102 P3=7103 P4=7104 P5=7105 P6=7106 P7=7107
IPERF_S=${XTCP_IPERF_SECS:-10}	# the iperf3 run's length
size=$((4 << 20)) big=$((20 << 20))
if debug_kernel; then
	size=$((1 << 20)) big=$((4 << 20))
fi

# xtcp-ss reads sock_diag.
diag_load

ns_pair $AA $AB 600
head -c $size /dev/urandom >"$tmp/data"
want=$(sha256 "$tmp/data")
mkdir "$tmp/www"
head -c $big /dev/urandom >"$tmp/www/big"
want_big=$(sha256 "$tmp/www/big")

# A port's segments in the capture filter, for XTCP too (pcap's "port"
# knows only TCP, UDP and SCTP): its ports are where TCP's are.
hl='((ip[0] & 0xf) << 2)'
not_port="not (ip[$hl:2] = $P4 or ip[$hl + 2:2] = $P4)"
section "capture"
cap_start $B veth0 "host $AA and host $AB and (ip proto 6 or ip proto $ipproto) and $not_port" ip.proto

# fsize FILE: sets fsize to FILE's size (-1 when it is not there).
fsize() { fsize=$(stat -c %s "$1" 2>/dev/null) || fsize=-1; }

# ------------------------------------------------ (g) SO_PROTOCOL, (f)

section "(g) SO_PROTOCOL"
out=$("$sp" 2>&1)
[[ $out == "socket "*" libc=6 raw=6 "* ]]
ok $? "(g) without xtcp-run a stream socket's SO_PROTOCOL is 6 by libc and by the raw syscall ($out)"
out=$("$run" "$sp" 2>&1)
[[ $out == "socket "*" libc=6 raw=$ipproto domain=2 type=1 nodelay=1 tcpi=0" ]]
ok $? "(g) under xtcp-run: XTCP (raw SO_PROTOCOL $ipproto), libc's SO_PROTOCOL 6, SOL_TCP TCP_NODELAY and TCP_INFO pass ($out)"

section "(f) IPv6, no module, --bpf"
began=$SECONDS
ip netns exec $B timeout 20 "$run" socat TCP6-LISTEN:$P7,reuseaddr STDOUT \
	</dev/null >"$tmp/inet6.log" 2>&1
st=$?
readfile "$tmp/inet6.log"
[ $st != 0 ] && [ $st != 124 ] &&
	[[ $content == *"xtcp-run["*"AF_INET6"*"refused (EAFNOSUPPORT): XTCP is IPv4-only"* ]]
ok $? "(f) xtcp-run socat TCP6-LISTEN fails (status $st, $((SECONDS - began)) s) with xtcp-run's message" ||
	diag "$tmp/inet6.log"
out=$("$run" "$sp" -6 2>"$tmp/inet6b.log")
st=$?
readfile "$tmp/inet6b.log"
[ $st = 1 ] && [ "$out" = "socket6 error EAFNOSUPPORT" ] &&
	[[ $content == *"IPv4-only"* ]]
ok $? "(f) socket(AF_INET6, SOCK_STREAM, 0) under xtcp-run: $out, a message" ||
	diag "$tmp/inet6b.log"
out=$("$run" --inet6 tcp "$sp" -6 2>"$tmp/inet6c.log")
st=$?
readfile "$tmp/inet6c.log"
[ $st = 0 ] && [ "$out" = "socket6 ok" ] &&
	[[ $content == *"warning: XTCP_RUN_INET6=tcp"* ]]
ok $? "(f) with --inet6 tcp it stays TCP ($out), with a warning" ||
	diag "$tmp/inet6c.log"

out=$(XTCP_RUN_IPPROTO_FILE=$tmp/none "$run" "$sp" 2>"$tmp/noxtcp.log")
st=$?
readfile "$tmp/noxtcp.log"
[ $st = 1 ] && [ -z "$out" ] && [[ $content == *"XTCP is not loaded"* ]]
ok $? "(f) XTCP not loaded: xtcp-run refuses to start the program (status $st)" ||
	diag "$tmp/noxtcp.log"
out=$(XTCP_RUN_IPPROTO_FILE=$tmp/none LD_PRELOAD=$lib "$sp" 2>"$tmp/noxtcp2.log")
st=$?
readfile "$tmp/noxtcp2.log"
[ $st = 1 ] && [ "$out" = "socket error EPROTONOSUPPORT" ] &&
	[[ $content == *"not falling back to TCP"* ]]
ok $? "(f) XTCP not loaded, the library alone: $out, a message" ||
	diag "$tmp/noxtcp2.log"
"$run" --bpf true 2>"$tmp/bpf.log"
st=$?
readfile "$tmp/bpf.log"
[ $st = 2 ] && [[ $content == *"--bpf is not supported here"* ]]
ok $? "(f) xtcp-run --bpf: not supported here, status $st" || diag "$tmp/bpf.log"

# ------------------------------------------------------- (a), (d) socat

section "(a) socat A -> B"
spawn $B srv1 60 "$run" socat -4 -u TCP4-LISTEN:$P1,reuseaddr "CREATE:$tmp/got1"
srv1=$last
wait_st $hB $P1 '*' LISTEN 30 && proc=tcp in_state $hB $P1 '*' none
ok $? "(a) socat TCP4-LISTEN under xtcp-run listens in /proc/net/xtcp, not in /proc/net/tcp" ||
	diag "$tmp/srv1.log"
mkfifo "$tmp/in1"
ip netns exec $A timeout 60 "$run" socat -4 -u STDIN TCP4:$AB:$P1 \
	<"$tmp/in1" >"$tmp/cli1.log" 2>&1 &
cli1=$!
bg_pids+=("$cli1")
exec {w}>"$tmp/in1"
cat "$tmp/data" >&$w
wait_st $hA '*' $P1 ESTABLISHED && wait_st $hB $P1 '*' ESTABLISHED
ok $? "(d) while socat's connection is open, /proc/net/xtcp has it ESTABLISHED on both ends"
proc=tcp ent $hA '*' $P1
tcp_a=$sts
proc=tcp ent $hB $P1 '*'
[ -z "$tcp_a$sts" ]
ok $? "(d) ... and /proc/net/tcp has nothing of port $P1 (A: '$tcp_a', B: '$sts')"
ss_a=$(ip netns exec $A "$ss" -H state established dport = :$P1 2>&1)
ss_b=$(ip netns exec $B "$ss" -H state established sport = :$P1 2>&1)
read -r st_a _ _ la_a ra_a rest_a <<<"$ss_a"
read -r st_b _ _ la_b ra_b rest_b <<<"$ss_b"
[ "$st_a" = ESTAB ] && [[ $la_a == $AA:* ]] && [ "$ra_a" = $AB:$P1 ] &&
	[ -z "$rest_a" ] && [[ $ss_a != *$'\n'* ]] &&
	[ "$st_b" = ESTAB ] && [ "$la_b" = $AB:$P1 ] && [ "$ra_b" = "$la_a" ] &&
	[ -z "$rest_b" ] && [[ $ss_b != *$'\n'* ]]
ok $? "(d) ... and xtcp-ss lists it ESTAB on both ends (A: '$ss_a', B: '$ss_b')"
exec {w}>&-
wait $cli1
st=$?
finished $srv1 srv1 "(a) the socat server ended" || diag "$tmp/cli1.log"
fsize "$tmp/got1"
xfer_ok "(a) socat A -> B (client to server)" $size $size $fsize "$want" \
	"$(sha256 "$tmp/got1")" $st || diag "$tmp/cli1.log"
rm -f "$tmp/got1"

section "(a) socat B -> A"
spawn $B srv2 60 "$run" socat -4 -u "OPEN:$tmp/data" TCP4-LISTEN:$P2,reuseaddr
srv2=$last
wait_st $hB $P2 '*' LISTEN 30 || diag "$tmp/srv2.log"
ip netns exec $A timeout 60 "$run" socat -4 -u TCP4:$AB:$P2 "CREATE:$tmp/got2" \
	>"$tmp/cli2.log" 2>&1
st=$?
finished $srv2 srv2 "(a) the sending socat server ended"
fsize "$tmp/got2"
xfer_ok "(a) socat B -> A (server to client)" $size $size $fsize "$want" \
	"$(sha256 "$tmp/got2")" $st || diag "$tmp/cli2.log"
rm -f "$tmp/got2"

# --------------------------------------------------- (b) curl, iperf3

section "(b) curl from http.server"
spawn $B http 120 "$run" python3 -m http.server --bind $AB \
	--directory "$tmp/www" $P3
http=$last
wait_st $hB $P3 '*' LISTEN 60
ok $? "(b) python3 -m http.server under xtcp-run listens in /proc/net/xtcp" ||
	diag "$tmp/http.log"
ip netns exec $A timeout 120 "$run" -v curl -4 -sS -f --max-time 100 \
	-o "$tmp/got3" "http://$AB:$P3/big" 2>"$tmp/curl.log"
st=$?
fsize "$tmp/got3"
xfer_ok "(b) curl -4 under xtcp-run from http.server" $big $big $fsize \
	"$want_big" "$(sha256 "$tmp/got3")" $st || diag "$tmp/curl.log" "$tmp/http.log"
rm -f "$tmp/got3"
readfile "$tmp/curl.log"
[[ $content == *"socket(AF_INET, SOCK_STREAM, 6): XTCP (IP protocol $ipproto)"* ]]
ok $? "(b) xtcp-run -v logged curl's socket made XTCP" || diag "$tmp/curl.log"
kill $http 2>/dev/null

if command -v iperf3 >/dev/null; then
	section "(b) iperf3"
	spawn $B iperf3s 60 "$run" iperf3 -4 -s -1 -B $AB -p $P4
	iperf=$last
	wait_st $hB $P4 '*' LISTEN 30
	ok $? "(b) iperf3 -4 -s under xtcp-run listens in /proc/net/xtcp" ||
		diag "$tmp/iperf3s.log"
	# B's segments in, by protocol, around the run: XTCP's counter and
	# Linux TCP's (the iperf3 port is left out of the capture).
	nsh $B "awk '/^Tcp:/ && n++ { print \$11 }' /proc/net/snmp; awk '\$1 == \"XtcpInSegs\" { print \$2 }' /proc/net/xtcp_snmp"
	read -r tcp0 xtcp0 <<<"${out//$'\n'/ }"
	ip netns exec $A timeout 60 "$run" iperf3 -4 -c $AB -p $P4 \
		-t $IPERF_S -J >"$tmp/iperf3.json" 2>"$tmp/iperf3c.log"
	st=$?
	out=$(python3 - "$tmp/iperf3.json" $IPERF_S <<-'PY'
		import json, sys
		j = json.load(open(sys.argv[1]))
		s = j["end"]["streams"][0]["sender"]
		r = j["end"]["sum_received"]
		b, secs = r["bytes"], r["seconds"]
		print("%.1f s, bytes=%d (%.0f Mbit/s) max_snd_cwnd=%s max_rtt=%s retransmits=%s error=%s" % (
		    secs, b, r.get("bits_per_second", 0) / 1e6,
		    s.get("max_snd_cwnd"), s.get("max_rtt"),
		    s.get("retransmits"), j.get("error")))
		sys.exit(0 if b > 0 and "error" not in j and
		         secs >= 0.9 * int(sys.argv[2]) and
		         s.get("max_snd_cwnd", 0) > 0 and s.get("max_rtt", 0) > 0 else 1)
		PY
	)
	[ $? = 0 ] && [ $st = 0 ]
	ok $? "(b) iperf3 -4 -c -t $IPERF_S under xtcp-run: status $st, $out" ||
		diag "$tmp/iperf3c.log" "$tmp/iperf3s.log"
	wait $iperf
	nsh $B "awk '/^Tcp:/ && n++ { print \$11 }' /proc/net/snmp; awk '\$1 == \"XtcpInSegs\" { print \$2 }' /proc/net/xtcp_snmp"
	read -r tcp1 xtcp1 <<<"${out//$'\n'/ }"
	[ $((tcp1 - tcp0)) = 0 ] && [ $((xtcp1 - xtcp0)) -ge 1000 ]
	ok $? "(b) iperf3's segments were XTCP's: B took $((xtcp1 - xtcp0)) XTCP segments and $((tcp1 - tcp0)) Linux TCP ones"
else
	skip "(b) iperf3 -4 under xtcp-run" "iperf3 is not installed (Debian package iperf3)"
fi

# ------------------------------------------------------ (e) selective

section "(e) selective"
spawn $B sel5 60 env XTCP_RUN_PORTS=$P5 "$run" socat -4 -u \
	TCP4-LISTEN:$P5,reuseaddr,fork OPEN:/dev/null
spawn $B sel6 60 env XTCP_RUN_PORTS=$P5 "$run" socat -4 -u \
	TCP4-LISTEN:$P6,reuseaddr,fork OPEN:/dev/null
wait_st $hB $P5 '*' LISTEN 30 && proc=tcp wait_st $hB $P6 '*' LISTEN 30 &&
	proc=tcp in_state $hB $P5 '*' none && in_state $hB $P6 '*' none
ok $? "(e) XTCP_RUN_PORTS=$P5: socat's listener on $P5 is XTCP, on $P6 TCP" ||
	diag "$tmp/sel5.log" "$tmp/sel6.log"

# sel DESC WANT ARGS...: one test point, sockproto under xtcp-run ARGS
# (then its address and port) printed WANT: "before ..." and "after ...".
sel() {
	local desc=$1 want=$2 out

	shift 2
	out=$(ip netns exec $A timeout 30 "$run" "$@" 2>&1)
	out=${out//$'\n'/ | }
	[ "$out" = "$want" ]
	ok $? "$desc" || echo "# got: $out"
}
opts="keepalive=1 reuseaddr=1 nodelay=1 keepidle=77 nonblock=1 cloexec=0 state=1"
sel "(e) --ports $P5: TCP until its connect() to $P5, then XTCP with its options, in /proc/net/xtcp only" \
	"before libc=6 raw=6 | after libc=6 raw=$ipproto err=0 $opts proc_xtcp=1 proc_tcp=0" \
	--ports $P5 "$sp" $AB $P5
sel "(e) --ports $P5: a connect() to $P6 stays TCP, in /proc/net/tcp only" \
	"before libc=6 raw=6 | after libc=6 raw=6 err=0 $opts proc_xtcp=0 proc_tcp=1" \
	--ports $P5 "$sp" $AB $P6
sel "(e) --addrs $AB: a connect() to $AB:$P5 becomes XTCP" \
	"before libc=6 raw=6 | after libc=6 raw=$ipproto err=0 $opts proc_xtcp=1 proc_tcp=0" \
	--addrs $AB "$sp" $AB $P5
sel "(e) --addrs $OTHER: a connect() to $AB:$P6 stays TCP" \
	"before libc=6 raw=6 | after libc=6 raw=6 err=0 $opts proc_xtcp=0 proc_tcp=1" \
	--addrs $OTHER "$sp" $AB $P6

# ---------------------------------------------------- (c) the capture

section "(c) capture"
cap_stop
cap_decode
declare -A segs bytes
segs_by_port $P1 $P2 $P3 $P5 $P6
proto_only "(c) the socat and curl connections" 3 $P1 $P2 $P3
n6=0
for k in "${!segs[@]}"; do
	[ "${k##*.}" = 6 ] && [ "${k%.*}" != $P6 ] && n6=$((n6 + segs[$k]))
done
[ $n6 = 0 ] && [ -z "${segs[other.$ipproto]:-}" ]
ok $? "(c) no protocol 6 segment between A and B but those of port $P6 ($n6 others)"
[ "${segs[$P5.$ipproto]:-0}" -ge 6 ] && [ -z "${segs[$P5.6]:-}" ] &&
	[ "${segs[$P6.6]:-0}" -ge 6 ] && [ -z "${segs[$P6.$ipproto]:-}" ]
ok $? "(e) on the wire: port $P5 protocol $ipproto only (${segs[$P5.$ipproto]:-0}), port $P6 protocol 6 only (${segs[$P6.6]:-0})"

# Both lists: the port matches, the address does not: TCP, which nobody
# listens for at P5 (after the capture, which holds no TCP at P5).
sel "(e) --ports $P5 --addrs $OTHER: both must match, a connect() to $AB:$P5 stays TCP (refused)" \
	"before libc=6 raw=6 | after libc=6 raw=6 err=ECONNREFUSED keepalive=1 reuseaddr=1 nodelay=1 keepidle=77 nonblock=1 cloexec=0 state=-1 proc_xtcp=0 proc_tcp=0" \
	--ports $P5 --addrs $OTHER "$sp" $AB $P5

tap_end
