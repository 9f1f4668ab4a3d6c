#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/xtcp-run with two unmodified servers: nginx and redis, each end
# under xtcp-run (the LD_PRELOAD shim).  Two namespaces, A (clients,
# 10.233.0.1) and B (servers, 10.233.0.2), joined by veth; a capture on
# B's end (headers only) runs through (a) and (b).
#
#  (a) nginx -g 'daemon off;' with a configuration written into the
#      test's folder: "listen B:P1 deferred" (TCP_DEFER_ACCEPT), sendfile,
#      tcp_nopush (TCP_CORK), tcp_nodelay, one worker, user root (the
#      guest runs as root: without it the worker would be nobody, who
#      cannot read the test's 0700 folder).  Its listener is in
#      /proc/net/xtcp, not /proc/net/tcp.  curl -4 on A fetches 100 MiB
#      (16 MiB on the debug kernel) of random data, SHA-256 compared, and
#      nginx's access log says it sent all of it.  curl's output goes
#      through a pipe held shut at first: while nginx is blocked sending
#      the file (its socket has bytes queued, curl's has bytes unread),
#      both ends are ESTABLISHED in /proc/net/xtcp and xtcp-ss (sock_diag)
#      lists them ESTAB.  Once curl reads again, the transfer must go on
#      (8 s without a change of either queue fails: a corked sender that
#      persisted into a small window must leave it).  Then one curl
#      fetches a small file three times:
#      one XTCP socket (xtcp-run -v), the three bodies, and the access
#      log's $connection_requests 1, 2, 3 on one connection (keep-alive).
#      nginx's error log has nothing above notice (it logs a failed
#      setsockopt(TCP_DEFER_ACCEPT), TCP_CORK or TCP_NODELAY, at alert or
#      crit).
#  (b) redis-server --bind B --port P2 (no persistence, protected mode
#      off); its listener is in /proc/net/xtcp, not /proc/net/tcp.
#      redis-cli SETs a random value; after the benchmark another
#      redis-cli GETs it back.  redis-benchmark -t set,get (20000
#      requests, 1000 on the debug kernel, 10 clients, --csv) reports
#      positive requests/s for SET and GET, and B's XTCP counters took at
#      least one segment a request (it runs after the capture: too many
#      small segments to decode in the guest; (d) covers it).
#  (c) The capture: every segment of (a) and of redis-cli's SET is of
#      protocol 253, none of protocol 6; nginx's segments carry at least
#      the bytes it served.
#  (d) Linux TCP's InSegs and OutSegs did not move in A or in B over the
#      whole test, the benchmark included.
#
# Linux TCP reference mode (XTCP_TEST_FAMILY=tcp): skipped, there is
# nothing to run over TCP that is not already TCP.  Uses nginx (Debian's
# nginx-light), redis-server, redis-cli, redis-benchmark (redis-server,
# redis-tools), curl, dumpcap, tshark.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
run=$XTCP_TOP/build/tools/xtcp-run
lib=$XTCP_TOP/build/tools/libxtcp-run.so
ss=$XTCP_TOP/build/tools/xtcp-ss
test_init xtcp_run_servers '*.log' '*.txt' '*.conf' '*.csv'
if [ $fam = tcp ]; then
	skip "xtcp-run servers" "runs TCP programs over XTCP: nothing to compare on Linux TCP"
	tap_end
	exit
fi
need "$run" "$lib" "$ss"
for t in nginx redis-server redis-cli redis-benchmark curl dumpcap tshark; do
	command -v $t >/dev/null ||
		bail "$t is not installed (Debian packages nginx-light, redis-server, redis-tools, curl, tshark)"
done
capture_ipproto

AA=10.233.0.1 AB=10.233.0.2
P1=7201 P2=7202
big=$((100 << 20)) nreq=20000
if debug_kernel; then
	big=$((16 << 20)) nreq=1000
fi

# xtcp-ss reads sock_diag.
diag_load

ns_pair $AA $AB 600

# tcp_segs HOLDER: sets tsegs to Linux TCP's InSegs + OutSegs in the
# holder's namespace (no fork).
tcp_segs() {
	local hdr vals i

	tsegs=0
	while read -ra hdr && read -ra vals; do
		[ "${hdr[0]}" = Tcp: ] || continue
		for ((i = 1; i < ${#hdr[@]}; i++)); do
			case ${hdr[$i]} in
			InSegs | OutSegs) tsegs=$((tsegs + vals[i])) ;;
			esac
		done
	done <"/proc/$1/net/snmp"
}
tcp_segs $hA
tcp_a0=$tsegs
tcp_segs $hB
tcp_b0=$tsegs

mkdir "$tmp/www"
section "data"
want_big=$(head -c $big /dev/urandom | tee "$tmp/www/big" | sha256sum)
want_big=${want_big%% *}
small="xtcp keep-alive $$ $RANDOM"
echo "$small" >"$tmp/www/small"

cat >"$tmp/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $tmp/nginx.pid;
lock_file $tmp/nginx.lock;
error_log $tmp/error.log notice;
events {
	worker_connections 64;
}
http {
	log_format conn '\$connection \$connection_requests \$status \$body_bytes_sent \$request_uri';
	access_log $tmp/access.log conn;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fastcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	default_type application/octet-stream;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 60;
	server {
		listen $AB:$P1 deferred;
		root $tmp/www;
	}
}
EOF

section "capture"
cap_buf=32
cap_start $B veth0 "host $AA and host $AB and (ip proto 6 or ip proto $ipproto)" ip.proto

# ------------------------------------------------------------ the servers

section "servers"
spawn $B nginx 300 "$run" nginx -p "$tmp" -e "$tmp/error.log" \
	-c "$tmp/nginx.conf" -g 'daemon off;'
nginx=$last
spawn $B redis 300 "$run" redis-server --bind $AB --port $P2 --save '' \
	--appendonly no --daemonize no --protected-mode no --dir "$tmp"
redis=$last
wait_st $hB $P1 '*' LISTEN 60 && proc=tcp in_state $hB $P1 '*' none
ok $? "(a) nginx under xtcp-run listens on $AB:$P1 in /proc/net/xtcp, not in /proc/net/tcp" ||
	diag "$tmp/nginx.log" "$tmp/error.log"
wait_st $hB $P2 '*' LISTEN 60 && proc=tcp in_state $hB $P2 '*' none
ok $? "(b) redis-server under xtcp-run listens on $AB:$P2 in /proc/net/xtcp, not in /proc/net/tcp" ||
	diag "$tmp/redis.log"

# --------------------------------------------------------------- (a) nginx

section "(a) nginx: $big bytes"
# curl's output waits behind a FIFO until the checks of the connection
# are done: nginx is then blocked in the middle of the file.
mkfifo "$tmp/go"
{
	ip netns exec $A timeout 300 "$run" curl -4 -sS -f --max-time 280 \
		--speed-limit 1 --speed-time 12 -o - -w '%{stderr}size=%{size_download} code=%{http_code}\n' \
		"http://$AB:$P1/big" 2>"$tmp/curl_big.log"
	echo $? >"$tmp/curl_big.st"
} | {
	read -r _ <"$tmp/go"
	sha256sum >"$tmp/big.sum"
} &
big_pipe=$!
bg_pids+=("$big_pipe")

# est_q HOLDER PORT: the ESTABLISHED socket with PORT at either end in
# /proc/net/xtcp: its tx_queue in txq, rx_queue in rxq.
est_q() {
	local p la ra st q

	printf -v p %04X "$2"
	txq='' rxq=''
	while read -r _ la ra st q _; do
		[ "$st" = 01 ] || continue
		[ "${la#*:}" = "$p" ] || [ "${ra#*:}" = "$p" ] || continue
		txq=$((16#${q%%:*})) rxq=$((16#${q#*:}))
		return 0
	done <"/proc/$1/net/xtcp"
	return 1
}
stalled() {
	est_q $hB $P1 && [ "$txq" -gt 0 ] && b_txq=$txq &&
		est_q $hA $P1 && [ "$rxq" -gt 0 ] && a_rxq=$rxq
}
b_txq='?' a_rxq='?'
wait_until 60 stalled
ok $? "(a) while nginx serves the file, /proc/net/xtcp has the connection ESTABLISHED on both ends, $b_txq bytes queued in B, $a_rxq unread in A" ||
	diag "$tmp/curl_big.log" "$tmp/error.log"
ss_a=$(ip netns exec $A "$ss" -H state established dport = :$P1 2>&1)
ss_b=$(ip netns exec $B "$ss" -H state established sport = :$P1 2>&1)
read -r st_a rq_a _ la_a ra_a rest_a <<<"$ss_a"
read -r st_b _ sq_b la_b ra_b rest_b <<<"$ss_b"
[ "$st_a" = ESTAB ] && [[ $la_a == $AA:* ]] && [ "$ra_a" = $AB:$P1 ] &&
	[ -z "$rest_a" ] && [[ $ss_a != *$'\n'* ]] && [ "${rq_a:-0}" -gt 0 ] &&
	[ "$st_b" = ESTAB ] && [ "$la_b" = $AB:$P1 ] && [ "$ra_b" = "$la_a" ] &&
	[ -z "$rest_b" ] && [[ $ss_b != *$'\n'* ]] && [ "${sq_b:-0}" -gt 0 ]
ok $? "(a) ... and xtcp-ss lists it ESTAB on both ends, Recv-Q in A and Send-Q in B not empty (A: '$ss_a', B: '$ss_b')"
echo go >"$tmp/go"
# moving: 0 once the pipe has ended, 125 when neither B's queue nor A's
# has changed for 8 s (curl gives up after 12).
moving() {
	local q

	kill -0 $big_pipe 2>/dev/null || return 0
	est_q $hB $P1
	q=$txq
	est_q $hA $P1
	q+=" $rxq"
	now_us
	if [ "$q" != "$last_q" ]; then
		last_q=$q moved=$now
	fi
	[ $((now - moved)) -gt 8000000 ] && return 125
	return 1
}
now_us
last_q='' moved=$now
WAIT_STEP=0.2 wait_until 600 moving
ok $? "(a) once curl reads again, the transfer goes on (no 8 s without progress)" || {
	echo "# stalled: B's and A's queues '$last_q'"
	ip netns exec $B "$ss" -i -m -o sport = :$P1 | diag
	ip netns exec $A "$ss" -i -m -o dport = :$P1 | diag
}
wait $big_pipe
readfile "$tmp/curl_big.st"
st=${content:-?}
readfile "$tmp/big.sum"
got_big=${content%% *}
readfile "$tmp/curl_big.log"
got_size=${content#*size=}
got_size=${got_size%% *}
[[ $content == *"code=200"* ]] || st="$st (HTTP ${content##*code=})"
xfer_ok "(a) curl -4 under xtcp-run from nginx under xtcp-run" $big $big \
	"$got_size" "$want_big" "$got_big" "$st" ||
	diag "$tmp/curl_big.log" "$tmp/error.log"

section "(a) nginx: keep-alive"
url=http://$AB:$P1/small
ip netns exec $A timeout 60 "$run" -v curl -4 -sS -f --max-time 50 \
	"$url" "$url" "$url" >"$tmp/ka.txt" 2>"$tmp/ka.log"
st=$?
readfile "$tmp/ka.txt"
[ $st = 0 ] && [ "$content" = "$small"$'\n'"$small"$'\n'"$small" ]
ok $? "(a) curl -4 URL URL URL: status $st, the three bodies" ||
	diag "$tmp/ka.txt" "$tmp/ka.log"
n=0
while read -r line; do
	[[ $line == *"socket(AF_INET, SOCK_STREAM, "*"): XTCP (IP protocol $ipproto)"* ]] &&
		n=$((n + 1))
done <"$tmp/ka.log"
[ $n = 1 ]
ok $? "(a) ... through one socket, made XTCP ($n by xtcp-run -v)" ||
	diag "$tmp/ka.log"

# The access log: "CONNECTION REQUESTS STATUS BYTES URI" a request.
big_line='' ka=''
while read -r c r s b u; do
	case $u in
	/big) big_line="$r $s $b" ;;
	/small) ka+="$c:$r:$s:$b " ;;
	esac
done <"$tmp/access.log"
[ "$big_line" = "1 200 $big" ]
ok $? "(a) nginx's access log: the big file sent whole ('$big_line')" ||
	diag "$tmp/access.log"
c=${ka%%:*}
sb=$((${#small} + 1))
[ "$ka" = "$c:1:200:$sb $c:2:200:$sb $c:3:200:$sb " ]
ok $? "(a) nginx's access log: the three small requests on one connection, its requests 1, 2, 3 ('$ka')" ||
	diag "$tmp/access.log"

# ------------------------------------------------------ (b) redis-cli SET

section "(b) redis-cli SET"
val="xtcp-$$-$RANDOM$RANDOM"
out=$(ip netns exec $A timeout 60 "$run" redis-cli -h $AB -p $P2 \
	SET xtcp:servers "$val" 2>&1)
st=$?
[ $st = 0 ] && [ "$out" = OK ]
ok $? "(b) redis-cli under xtcp-run: SET xtcp:servers $val: $out (status $st)" ||
	diag "$tmp/redis.log"

# ------------------------------------------------------------ (c) capture

section "(c) capture"
cap_stop
cap_decode
declare -A segs bytes
segs_by_port $P1 $P2
proto_only "(c) nginx's and redis-cli's connections" 4 $P1 $P2
n6=0
for k in "${!segs[@]}"; do
	[ "${k##*.}" = 6 ] && n6=$((n6 + segs[$k]))
done
[ $n6 = 0 ] && [ -z "${segs[other.$ipproto]:-}" ]
ok $? "(c) no protocol 6 segment between A and B ($n6), none of $ipproto on other ports (${segs[other.$ipproto]:-0})"
want_b=$((big + 3 * sb))
[ "${bytes[$P1.$ipproto]:-0}" -ge $want_b ]
ok $? "(c) nginx's segments of protocol $ipproto carry ${bytes[$P1.$ipproto]:-0} bytes, at least the $want_b served (dumpcap dropped $cap_drops)"

# -------------------------------------------------- (b) the benchmark, GET

section "(b) redis-benchmark -n $nreq"
snap $hB b0
ip netns exec $A timeout 300 "$run" redis-benchmark -h $AB -p $P2 \
	-n $nreq -c 10 -t set,get -q --csv >"$tmp/bench.csv" 2>"$tmp/bench.log"
st=$?
snap $hB b1
diag "$tmp/bench.csv"
declare -A rps=([SET]=0 [GET]=0)
while IFS=, read -r t r _; do
	t=${t//\"/} r=${r//\"/}
	[[ $r =~ ^[0-9]+(\.[0-9]*)?$ ]] && rps[$t]=$r
done <"$tmp/bench.csv"
[ $st = 0 ] && [ "${rps[SET]%.*}" -gt 0 ] && [ "${rps[GET]%.*}" -gt 0 ]
ok $? "(b) redis-benchmark under xtcp-run: status $st, SET ${rps[SET]} requests/s, GET ${rps[GET]} requests/s" ||
	diag "$tmp/bench.log" "$tmp/redis.log"
counter_check "(b) B took at least a segment a request over XTCP" min \
	$((2 * nreq)) b0 b1 XtcpInSegs

section "(b) redis-cli GET"
out=$(ip netns exec $A timeout 60 "$run" redis-cli -h $AB -p $P2 \
	GET xtcp:servers 2>&1)
st=$?
[ $st = 0 ] && [ "$out" = "$val" ]
ok $? "(b) redis-cli under xtcp-run: GET xtcp:servers read back '$out' (status $st)" ||
	diag "$tmp/redis.log"

# ------------------------------------------------------ (d), the servers

tcp_segs $hA
tcp_a=$((tsegs - tcp_a0))
tcp_segs $hB
tcp_b=$((tsegs - tcp_b0))
[ $tcp_a = 0 ] && [ $tcp_b = 0 ]
ok $? "(d) Linux TCP's InSegs + OutSegs moved by $tcp_a in A and $tcp_b in B over the whole test"

kill -0 $nginx 2>/dev/null && kill -0 $redis 2>/dev/null
ok $? "(a, b) nginx and redis-server are still running" ||
	diag "$tmp/nginx.log" "$tmp/redis.log"
bad=
while read -r line; do
	[[ $line =~ \[(emerg|alert|crit|error|warn)\] ]] && bad+=$line$'\n'
done <"$tmp/error.log"
[ -z "$bad" ] && [ -s "$tmp/error.log" ]
ok $? "(a) nginx's error log has nothing above notice (no setsockopt refused)" ||
	echo -n "$bad" | diag
kill $nginx $redis 2>/dev/null
wait $nginx $redis 2>/dev/null

tap_end
