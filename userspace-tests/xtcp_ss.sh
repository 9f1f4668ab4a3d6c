#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/xtcp-ss, ss(8) for XTCP, reading sock_diag (xtcp_diag.ko, loaded
# here if it is not, unloaded at the end if so), checked against
# /proc/net/xtcp on the same sockets.  Two namespaces, A (clients,
# 10.221.0.1) and B (servers, 10.221.0.2), joined by veth;
# helpers/xtcp_peer drives each end, from fixed client ports.
#
#  0. The tool runs: nothing listed in a namespace without sockets; a
#     filter it cannot parse is an error (status 1, a message).
#  1. A listener with one connection not yet accepted: -l lists it alone,
#     Recv-Q 1 (the accept queue), Send-Q 8 (the backlog); after accept()
#     Recv-Q 0.  1000 bytes sent, not read: the server's connection shows
#     Recv-Q 1000 and the client's Send-Q 0, as /proc/net/xtcp's columns;
#     -e shows /proc's uid and inode; -i on the client a non-zero rtt, cwnd
#     and mss, bytes_acked 1000, on the server bytes_received 1000; -m
#     skmem with r at least 1000.
#  2. More sockets: a TIME_WAIT entry (the client closed first): -o shows
#     timer:(timewait,...) with at most net.xtcp.tw_timeout left, and no
#     less than it less the time since the close; a half-open request (a
#     SYN from an address that never answers, xtcp-synflood): SYN-RECV
#     with the SYN-ACK timer "on" and no attributes; a connection whose
#     reader never reads: the sender, stopped once the window left is
#     below one segment (zero, or what is left of the right edge the
#     receiver may not take back), shows timer:(persist,...), a snd_wnd
#     below its mss and /proc's Send-Q; the receiver /proc's Recv-Q.
#  3. The state filter (the default without LISTEN, SYN-RECV, TIME-WAIT,
#     -l, -a, state NAME, the groups, exclude) and the expression (sport,
#     dport, src, dst, or, not) each select exactly the sockets expected;
#     every line of /proc/net/xtcp (state, 4-tuple) is a line of
#     xtcp-ss -a and the other way round, in both namespaces; -s counts
#     per state what /proc lists, and shows the sockets in use, orphans
#     and TIME_WAIT entries of /proc/net/xtcp_sockstat.
#  4. A new connection; data sent into a cut link: the sender shows Send-Q
#     2000 exactly, timer:(on,...) with retransmissions, unacked:2000 and
#     retrans with -i; the data arrives once the link is back.
#  5. -K kills that connection's client end: it is listed as killed, the
#     client gets ECONNABORTED, the server a reset (ECONNRESET), and
#     neither end is listed any more.  Skipped only if the kernel answers
#     EOPNOTSUPP.
#  6. --counters: the values of /proc/net/xtcp_snmp; -d: after a history
#     is written, XtcpActiveOpens grew by 1 with one more connection, then
#     by 0 (left out without -z).
#  7. -K of what is not a connection, as ss -K does for TCP: the TIME_WAIT
#     entry of part 2, the half-open request, then the listener of the
#     request's port; each is listed as killed and is then gone from
#     xtcp-ss and from /proc/net/xtcp.  Skipped as part 5 is.
#
# The peers that live through several parts sleep rather than wait for a
# file (xtcp_peer waits 60 s at most): the debug kernel can take minutes.
# About 20 s on the stock kernel, 40 s on the debug one.
#
# XTCP_TEST_FAMILY=tcp: skipped (Linux TCP has ss itself).

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
xss_bin=$XTCP_TOP/build/tools/xtcp-ss
peer_bin=$XTCP_TOP/build/userspace/helpers/xtcp_peer
flood=$XTCP_TOP/build/tools/xtcp-synflood
test_init xtcp_ss '*.log' '*.txt'
if [ $fam = tcp ]; then
	skip "xtcp-ss" "XTCP's sock_diag handler: Linux TCP has ss itself"
	tap_end
	exit
fi
if [ ! -x "$xss_bin" ]; then
	make -s -C "$XTCP_TOP/tools/xtcp-ss" O="$tmp" >/dev/null ||
		bail "make xtcp-ss"
	xss_bin=$tmp/xtcp-ss
fi
need "$xss_bin" "$peer_bin" "$flood"

AA=10.221.0.1 AB=10.221.0.2
P1=7821 C1=7921		# 1: unread data
P2=7822 C2=7922		# 2: the zero window
P3=7823 C3=7923		# 2: TIME_WAIT
P4=7824 C6=7926		# 2: the half-open request; 6: one more connection
P5=7825 C5=7925		# 4, 5: the cut link, then killed
SPOOF=198.18.0.1	# 2: the SYN's source, routed to A, which drops it
# net.xtcp.tw_timeout in A: the entry of part 2 lives through part 7,
# a few minutes on the debug kernel.
TW=600
LONG=3600000		# ms: a peer's sleep, until the test ends
BACKLOG=8		# xtcp_peer's listen()

diag_load
read -r ipproto </sys/module/xtcp/parameters/ipproto ||
	bail "no /sys/module/xtcp/parameters/ipproto"
echo "# XTCP is IP protocol $ipproto"

ns_pair $AA $AB 600
clsact $B
ip netns exec $A sysctl -qw net.xtcp.tw_timeout=$TW || bail "sysctl in $A"
# The request of part 2 stays through the test, whatever its pace.
ip netns exec $B sysctl -qw net.xtcp.synack_retries=10 || bail "sysctl in $B"
ip -n $B route add 198.18.0.0/15 via $AA || bail "route"
nsh_start $A
nsh_start $B

# peer NS NAME CMD...: xtcp_peer in NS in the background; its pid in
# $last, its output in $tmp/NAME.log.
peer() { spawn "$1" "$2" 1200 "$peer_bin" -n "$2" "${@:3}"; }

# xss NS ARG...: xtcp-ss in NS, through the namespace's shell (no fork of
# ip netns exec); its status returned, its output lines in L, a socket's
# second line (-i, -m) joined to its first; its standard error in err.
# R gets "STATE LOCAL PEER" of each line but the header.
xss() {
	local ns=$1 cmd line

	shift
	printf -v cmd '%q ' "$xss_bin" "$@"
	nsh "$ns" "$cmd >$tmp/xss.out 2>$tmp/xss.err"
	xss_rc=$?
	L=() R=()
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		if [[ $line == $'\t'* ]] && [ ${#L[@]} -gt 0 ]; then
			L[${#L[@]} - 1]+=" ${line#$'\t'}"
		else
			L+=("$line")
		fi
	done <"$tmp/xss.out"
	for line in "${L[@]}"; do
		read -ra f <<<"$line"
		[ "${f[0]}" = State ] && continue
		R+=("${f[0]} ${f[3]:-} ${f[4]:-}")
	done
	readfile "$tmp/xss.err"
	err=$content
	return $xss_rc
}

# show: xtcp-ss's last output and errors, as comments.
show() {
	diag "$tmp/xss.out"
	[ -n "$err" ] && echo "$err" | diag
	return 0
}

# same_set WANT...: R holds exactly the lines WANT, in any order.
same_set() {
	local -A seen=()
	local x

	for x in "${R[@]}"; do
		seen[$x]=$((${seen[$x]:-0} + 1))
	done
	for x in "$@"; do
		seen[$x]=$((${seen[$x]:-0} - 1))
	done
	for x in "${seen[@]}"; do
		[ "$x" = 0 ] || return 1
	done
	return 0
}

# sel DESC XSS-ARGS -- WANT...: one test point: xtcp-ss in NS with the
# arguments lists exactly WANT ("STATE LOCAL PEER").
sel() {
	local desc=$1 ns=$2 args=()

	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	xss "$ns" -H "${args[@]}" && same_set "$@"
	ok $? "$desc (${#R[@]} lines, want $#)" || show
}

# line_of LOCAL PEER: the line of L for that pair into ln, its words in
# F; false when there is none.
line_of() {
	local x

	ln=
	F=()
	for x in "${L[@]}"; do
		read -ra F <<<"$x"
		if [ "${F[3]:-}" = "$1" ] && [ "${F[4]:-}" = "$2" ]; then
			ln=$x
			return 0
		fi
	done
	F=()
	return 1
}

# kv KEY: the value of "KEY:VALUE" in ln, into v ("" without).
kv() {
	v=
	[[ " $ln " =~ \ $1:([^ ]*)\  ]] && v=${BASH_REMATCH[1]}
}

# timer: the timer:(NAME,EXPIRES,N) of ln into tname, tms (milliseconds)
# and tn; false without one, or EXPIRES not in ss's format.
timer() {
	local t

	tname='' tms='' tn=''
	[[ $ln =~ timer:\(([a-z]+),([0-9a-z.]+),([0-9]+)\) ]] || return 1
	tname=${BASH_REMATCH[1]} t=${BASH_REMATCH[2]} tn=${BASH_REMATCH[3]}
	tms=0
	if [[ $t =~ ^([0-9]+)min(.*)$ ]]; then
		tms=$((10#${BASH_REMATCH[1]} * 60000))
		t=${BASH_REMATCH[2]}
	fi
	if [[ $t =~ ^([0-9]+)\.([0-9]{3})sec$ ]]; then
		tms=$((tms + 10#${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]}))
	elif [[ $t =~ ^([0-9]+)sec$ ]]; then
		tms=$((tms + 10#${BASH_REMATCH[1]} * 1000))
	elif [[ $t =~ ^([0-9]+)ms$ ]]; then
		tms=$((tms + 10#${BASH_REMATCH[1]}))
	elif [ -n "$t" ]; then
		tms=''
		return 1
	fi
}

# nonzero V: V is a number with a digit other than 0 (0.001 is).
nonzero() { [[ $1 =~ ^[0-9.]+$ && $1 =~ [1-9] ]]; }

# /proc/net/tcp's state numbers as ss names them.
declare -A SSNAME=([01]=ESTAB [02]=SYN-SENT [03]=SYN-RECV [04]=FIN-WAIT-1
	[05]=FIN-WAIT-2 [06]=TIME-WAIT [07]=UNCONN [08]=CLOSE-WAIT
	[09]=LAST-ACK [0A]=LISTEN [0B]=CLOSING)

# hexep HEX: /proc's AAAAAAAA:PPPP (little-endian address) as xtcp-ss
# writes it, "a.b.c.d:port" ("*" for port 0), into ep.
hexep() {
	local a=${1%:*} p=$((16#${1#*:}))

	ep=$((16#${a:6:2})).$((16#${a:4:2})).$((16#${a:2:2})).$((16#${a:0:2})):
	if [ $p = 0 ]; then ep+='*'; else ep+=$p; fi
}

# proc_rows HOLDER: /proc/net/xtcp of HOLDER's namespace: PR gets
# "STATE LOCAL PEER" of each line, PQ[LOCAL PEER] "RECVQ SENDQ TIMER
# RETRANSMITS UID INODE" (/proc's columns, Send-Q of a listener 0).
declare -A PQ
proc_rows() {
	local sl la ra st q tm retr uid inode l

	PR=()
	PQ=()
	while read -r sl la ra st q tm retr uid _ inode _; do
		[ "$sl" = sl ] && continue
		hexep "$la"
		l=$ep
		hexep "$ra"
		PR+=("${SSNAME[$st]:-?$st} $l $ep")
		PQ[$l $ep]="$((16#${q#*:})) $((16#${q%%:*})) ${tm%%:*} $((16#$retr)) $uid $inode"
	done <"/proc/$1/net/xtcp"
}

# proc_q HOLDER LOCAL PEER: that socket's /proc columns into rq wq tmr
# rtx uid ino (all "" when it is not there).
proc_q() {
	proc_rows "$1"
	read -r rq wq tmr rtx uid ino <<<"${PQ[$2 $3]:-}"
}

# tx_is HOLDER LOCAL PEER N [TIMER]: /proc shows N bytes not acknowledged
# (and the timer TIMER, with a retransmission for 01), for wait_until.
tx_is() {
	proc_q "$1" "$2" "$3"
	[ "$wq" = "$4" ] || return 1
	[ -z "${5:-}" ] || [ "$tmr" = "$5" ] || return 1
	[ "${5:-}" != 01 ] || [ "${rtx:-0}" -ge 1 ]
}
rx_is() { proc_q "$1" "$2" "$3"; [ "$rq" = "$4" ]; }
timer_is() { proc_q "$1" "$2" "$3"; [ "$tmr" = "$4" ]; }

# now_ms: the real-time clock in ms, into t.
now_ms() { t=$((${EPOCHREALTIME/./} / 1000)); }

# ------------------------------------------------------ 0: the tool runs

section "0: the tool"
xss $A -H && [ ${#L[@]} = 0 ]
ok $? "0: xtcp-ss in a namespace without XTCP sockets: status 0, no lines (status $xss_rc, ${#L[@]} lines)" ||
	show
xss $A -a sport = :notaport
r=$?
[ $r = 1 ] && [[ $err == *"bad port"* ]] && [ ${#L[@]} = 0 ]
ok $? "0: a filter it cannot parse: status 1 and a message (status $r: ${err:-no message})"

# ------------------------------------------------- 1: listener, queues

section "1: a listener, its queue, the connection's queues"
peer $B srv1 listen $AB $P1 touch "$tmp/l1" waitfile "$tmp/go-acc1" \
	accept touch "$tmp/acc1" sleep $LONG
srv1=$last
waitfile "$tmp/l1" $srv1 || { diag "$tmp/srv1.log"; bail "no listener"; }
peer $A cli1 connect $AB $P1 $C1 send 1000 touch "$tmp/s1" sleep $LONG
cli1=$last
if ! waitfile "$tmp/s1" $cli1 ||
	! WAIT_STEP=0.05 wait_until 30 rx_is $hB $AB:$P1 $AA:$C1 1000; then
	diag "$tmp/cli1.log" "$tmp/srv1.log"
	bail "no connection with 1000 bytes"
fi

xss $B -l -H
[ ${#L[@]} = 1 ] && line_of $AB:$P1 "0.0.0.0:*" &&
	[ "${F[0]:-} ${F[1]:-} ${F[2]:-}" = "LISTEN 1 $BACKLOG" ]
ok $? "1: -l lists the listener alone: LISTEN, Recv-Q 1 (a connection to accept), Send-Q $BACKLOG (its backlog): ${L[*]}" ||
	show
sel "1: without -l or -a, the connection waiting in the accept queue and not the listener" \
	$B -- "ESTAB $AB:$P1 $AA:$C1"
touch "$tmp/go-acc1"
waitfile "$tmp/acc1" $srv1 || diag "$tmp/srv1.log"
xss $B -l -H
line_of $AB:$P1 "0.0.0.0:*" && [ "${F[1]:-} ${F[2]:-}" = "0 $BACKLOG" ]
ok $? "1: after accept(): Recv-Q 0, Send-Q $BACKLOG (${F[1]:-?} ${F[2]:-?})" || show

wait_until 30 tx_is $hA $AA:$C1 $AB:$P1 0
xss $B -H -e -i -m sport = :$P1
proc_q $hB $AB:$P1 $AA:$C1
line_of $AB:$P1 $AA:$C1 && [ "${F[0]:-} ${F[1]:-} ${F[2]:-}" = "ESTAB 1000 0" ] &&
	[ "$rq $wq" = "1000 0" ]
ok $? "1: the server's connection, 1000 bytes unread: ESTAB 1000 0 (${F[0]:-?} ${F[1]:-?} ${F[2]:-?}), as /proc/net/xtcp ($rq $wq)" ||
	show
kv uid
u=$v
kv ino
[ -n "$u" ] && [ "$u" = "$uid" ] && [ "$v" = "$ino" ] && nonzero "$v"
ok $? "1: -e: uid $u, inode $v, those of /proc/net/xtcp ($uid, $ino)" || show
kv bytes_received
br=$v
kv skmem
[[ $v =~ ^\(r([0-9]+),rb([0-9]+),t([0-9]+),tb([0-9]+), ]] &&
	[ "${BASH_REMATCH[1]}" -ge 1000 ] && [ "${BASH_REMATCH[2]}" -gt 0 ] &&
	[ "${BASH_REMATCH[4]}" -gt 0 ]
ok $? "1: -m: skmem with at least the 1000 bytes unread in r, rb and tb non-zero (${v:-none})"
[ "$br" = 1000 ]
ok $? "1: -i: the server's bytes_received 1000 (${br:-none})"

xss $A -H -i -e
proc_q $hA $AA:$C1 $AB:$P1
line_of $AA:$C1 $AB:$P1 && [ "${F[0]:-} ${F[1]:-} ${F[2]:-}" = "ESTAB 0 0" ] &&
	[ "$rq $wq" = "0 0" ]
ok $? "1: the client's end: ESTAB 0 0 (${F[0]:-?} ${F[1]:-?} ${F[2]:-?}), as /proc/net/xtcp ($rq $wq)" ||
	show
kv rtt
rtt=${v%%/*}
kv cwnd
cwnd=$v
kv mss
mss=$v
kv bytes_acked
ba=$v
kv segs_out
nonzero "$rtt" && nonzero "$cwnd" && nonzero "$mss" && [ "$mss" -le 1460 ] &&
	[ "$ba" = 1000 ] && nonzero "$v"
ok $? "1: -i on the client: rtt $rtt ms, cwnd $cwnd, mss $mss (non-zero, mss at most 1460), bytes_acked $ba (1000), segs_out $v" ||
	show
kv ino
[ "$v" = "$ino" ] && nonzero "$v"
ok $? "1: -e on the client: inode $v, that of /proc/net/xtcp ($ino)"

# ------------------------------------------- 2: TIME_WAIT, SYN_RECV, zero window

section "2: TIME_WAIT, a half-open request, a zero window"
peer $B srv3 listen $AB $P3 touch "$tmp/l3" accept expect-eof close
srv3=$last
waitfile "$tmp/l3" $srv3 || { diag "$tmp/srv3.log"; bail "no listener 3"; }
now_ms
t_close=$t
ip netns exec $A "$peer_bin" -n cli3 connect $AB $P3 $C3 close \
	>"$tmp/cli3.log" 2>&1 || diag "$tmp/cli3.log"
finished $srv3 srv3 "2: a connection, the client closing first"
wait_st $hA $C3 $P3 TIME_WAIT || diag "$tmp/cli3.log"
# The server's end goes once the client's last ACK arrived.
wait_st $hB $P3 "*" none

xss $A -H -o state time-wait
now_ms
line_of $AA:$C3 $AB:$P3 && timer
lo=$((TW * 1000 - (t - t_close) - 1000))
[ ${#L[@]} = 1 ] && [ "${F[0]:-}" = TIME-WAIT ] && [ "$tname" = timewait ] &&
	[ -n "$tms" ] && [ "$tms" -le $((TW * 1000)) ] && [ "$tms" -ge $lo ]
ok $? "2: state time-wait: the client's entry alone, TIME-WAIT, timer timewait with ${tms:-?} ms left (at most tw_timeout $((TW * 1000)), at least $lo)" ||
	show

peer $B srv4 listen $AB $P4 touch "$tmp/l4" sleep $LONG
srv4=$last
waitfile "$tmp/l4" $srv4 || { diag "$tmp/srv4.log"; bail "no listener 4"; }
ip netns exec $A "$flood" -q -p "$ipproto" -n 1 -s $SPOOF $AB $P4 \
	>"$tmp/flood.log" 2>&1 || diag "$tmp/flood.log"
wait_st $hB $P4 "*" SYN_RECV || diag "$tmp/flood.log"
proc_rows $hB
SR=
for x in "${PR[@]}"; do
	[[ $x == "SYN-RECV $AB:$P4 $SPOOF:"* ]] && SR=${x##* }
done
xss $B -H -o -i -m -e state syn-recv
line_of $AB:$P4 "${SR:-none}" && timer
[ ${#L[@]} = 1 ] && [ "${F[0]:-} ${F[1]:-} ${F[2]:-}" = "SYN-RECV 0 0" ] &&
	[ "$tname" = on ] && [ -n "$tms" ] && [ "$tms" -le $(((1000 << tn) + 10)) ] &&
	[[ $ln != *skmem* && $ln != *rtt:* ]]
ok $? "2: state syn-recv: the request from ${SR:-nowhere} alone, SYN-RECV 0 0, timer on (${tms:-?} ms left after $tn SYN-ACK retransmissions), no memory or info" ||
	show

peer $B srv2 listen $AB $P2 touch "$tmp/l2" accept touch "$tmp/acc2" \
	sleep $LONG
srv2=$last
waitfile "$tmp/l2" $srv2 || { diag "$tmp/srv2.log"; bail "no listener 2"; }
# The reader never reads: the writer blocks once both buffers are full.
peer $A cli2 connect $AB $P2 $C2 touch "$tmp/c2" send 16777216
waitfile "$tmp/acc2" $srv2 || diag "$tmp/srv2.log" "$tmp/cli2.log"
if ! wait_until 60 timer_is $hA $AA:$C2 $AB:$P2 04; then
	echo "# no zero-window probe timer: /proc says ${PQ[$AA:$C2 $AB:$P2]:-nothing}"
fi
# What the sender has queued only stays put once the window is zero.
for i in 1 2 3 4 5; do
	proc_q $hA $AA:$C2 $AB:$P2
	w0=$wq
	xss $A -H -o -i dport = :$P2
	proc_q $hA $AA:$C2 $AB:$P2
	[ "$w0" = "$wq" ] && break
	nap 0.2
done
line_of $AA:$C2 $AB:$P2 && timer
kv mss
mss=$v
kv snd_wnd
[ "${F[0]:-}" = ESTAB ] && [ "${F[2]:-}" = "$wq" ] && nonzero "$wq" &&
	[ "$tname" = persist ] && [ -n "$v" ] && nonzero "$mss" &&
	[ "$v" -lt "$mss" ]
ok $? "2: the writer stopped by the window: Send-Q ${F[2]:-?} (/proc $wq), timer ${tname:-none}, snd_wnd ${v:-?} (below an mss, ${mss:-?})" ||
	show
for i in 1 2 3 4 5; do
	proc_q $hB $AB:$P2 $AA:$C2
	r0=$rq
	xss $B -H sport = :$P2
	proc_q $hB $AB:$P2 $AA:$C2
	[ "$r0" = "$rq" ] && break
	nap 0.2
done
line_of $AB:$P2 $AA:$C2
[ "${F[0]:-}" = ESTAB ] && [ "${F[1]:-}" = "$rq" ] && nonzero "$rq"
ok $? "2: the reader that never reads: Recv-Q ${F[1]:-?} (/proc $rq)" || show

# ----------------------------------------------------- 3: filters, /proc

section "3: the filters, /proc/net/xtcp, -s"
E1B="ESTAB $AB:$P1 $AA:$C1" E2B="ESTAB $AB:$P2 $AA:$C2"
L1="LISTEN $AB:$P1 0.0.0.0:*" L2="LISTEN $AB:$P2 0.0.0.0:*"
L4="LISTEN $AB:$P4 0.0.0.0:*" RQ="SYN-RECV $AB:$P4 $SPOOF:${SR#*:}"
E1A="ESTAB $AA:$C1 $AB:$P1" E2A="ESTAB $AA:$C2 $AB:$P2"
TWA="TIME-WAIT $AA:$C3 $AB:$P3"
sel "3: B, no options: the connections, no listener or request" $B -- \
	"$E1B" "$E2B"
sel "3: A, no options: the connections, no TIME-WAIT" $A -- "$E1A" "$E2A"
sel "3: B, -l: the three listeners" $B -l -- "$L1" "$L2" "$L4"
sel "3: B, -a: all six" $B -a -- "$L1" "$L2" "$L4" "$E1B" "$E2B" "$RQ"
sel "3: A, -a: the connections and the entry" $A -a -- "$E1A" "$E2A" "$TWA"
sel "3: B, state listening" $B state listening -- "$L1" "$L2" "$L4"
sel "3: B, state connected: all but the listeners" $B state connected -- \
	"$E1B" "$E2B" "$RQ"
sel "3: A, state synchronized" $A state synchronized -- "$E1A" "$E2A" "$TWA"
sel "3: B, state bucket: the request" $B state bucket -- "$RQ"
sel "3: B, state syn-recv state listening" $B state syn-recv \
	state listening -- "$RQ" "$L1" "$L2" "$L4"
sel "3: B, -a exclude established exclude listening" $B -a \
	exclude established exclude listening -- "$RQ"
sel "3: B, -a sport = :$P1" $B -a sport = :$P1 -- "$L1" "$E1B"
sel "3: B, -a sport == $P2 (one argument)" $B -a "sport == $P2" -- \
	"$L2" "$E2B"
sel "3: A, dport = :$P2" $A dport = :$P2 -- "$E2A"
sel "3: A, -a ( dport = :$P1 or dport = :$P3 )" $A -a \
	"( dport = :$P1 or dport = :$P3 )" -- "$E1A" "$TWA"
sel "3: B, -a not sport = :$P4" $B -a not sport = :$P4 -- "$L1" "$L2" \
	"$E1B" "$E2B"
sel "3: B, -a sport > $P1 and sport < $P4" $B -a sport \> $P1 and \
	sport \< $P4 -- "$L2" "$E2B"
sel "3: B, -a src $AB:$P4" $B -a src $AB:$P4 -- "$L4" "$RQ"
sel "3: B, -a dst $SPOOF" $B -a dst $SPOOF -- "$RQ"
sel "3: A, -a dst $AB/24 and src != $AA:$C1" $A -a dst $AB/24 and \
	src != $AA:$C1 -- "$E2A" "$TWA"
sel "3: A, -a src 10.222.0.0/16: none" $A -a src 10.222.0.0/16 --

# Both namespaces: /proc/net/xtcp and xtcp-ss -a, read again when /proc
# changed meanwhile.
for h in "A $A $hA" "B $B $hB"; do
	read -r h ns holder <<<"$h"
	for i in 1 2 3; do
		proc_rows "$holder"
		before=("${PR[@]}")
		xss "$ns" -a -H
		proc_rows "$holder"
		[ "${before[*]}" = "${PR[*]}" ] && break
	done
	same_set "${PR[@]}"
	ok $? "3: $h: each of the ${#PR[@]} lines of /proc/net/xtcp (state, addresses) is a line of xtcp-ss -a, each of its ${#R[@]} one of /proc's" ||
		{ show; printf '%s\n' "${PR[@]}" | diag; }
done

proc_rows $hB
declare -A cnt=()
for x in "${PR[@]}"; do
	cnt[${x%% *}]=$((${cnt[${x%% *}]:-0} + 1))
done
xss $B -s
want="Total: ${#PR[@]}"
for st in ESTAB SYN-SENT SYN-RECV FIN-WAIT-1 FIN-WAIT-2 TIME-WAIT UNCONN \
	CLOSE-WAIT LAST-ACK LISTEN CLOSING; do
	want+=" $st ${cnt[$st]:-0}"
done
got=
for x in "${L[@]}"; do
	[[ $x == Queued:* || $x == XTCP:* ]] && continue
	read -ra f <<<"$x"
	got+="${got:+ }${f[*]}"
done
[ "$got" = "$want" ] && [ "${cnt[LISTEN]:-0} ${cnt[ESTAB]:-0} ${cnt[SYN-RECV]:-0}" = "3 2 1" ]
ok $? "3: B, -s: the count of each state, those of /proc/net/xtcp (3 LISTEN, 2 ESTAB, 1 SYN-RECV): $got" ||
	{ show; echo "# want: $want"; }
# The sockstat line: B's sockets in use, orphans and TIME_WAIT entries
# as /proc/net/xtcp_sockstat has them (its memory may move meanwhile).
got=
for x in "${L[@]}"; do
	[[ $x == XTCP:* ]] && got=$(cut -d' ' -f1-7 <<<"$x")
done
nsh $B "cut -d' ' -f1-7 /proc/net/xtcp_sockstat"
want=$out
[ -n "$got" ] && [ "$got" = "$want" ]
ok $? "3: B, -s: the sockstat line ($got), as /proc/net/xtcp_sockstat ($want)"

# --------------------------------------------------- 4: into a cut link

section "4: data in flight into a cut link"
peer $B srv5 listen $AB $P5 touch "$tmp/l5" accept touch "$tmp/acc5" \
	waitfile "$tmp/go-recv5" recv 2000 touch "$tmp/got5" \
	expect-errno ECONNRESET recv 1
srv5=$last
waitfile "$tmp/l5" $srv5 || { diag "$tmp/srv5.log"; bail "no listener 5"; }
peer $A cli5 connect $AB $P5 $C5 waitfile "$tmp/go-send5" send 2000 \
	touch "$tmp/s5" waitfile "$tmp/go-abort" \
	expect-errno ECONNABORTED recv 1
cli5=$last
waitfile "$tmp/acc5" $srv5 || { diag "$tmp/cli5.log" "$tmp/srv5.log"; bail "no connection 5"; }
cut_link $B
touch "$tmp/go-send5"
waitfile "$tmp/s5" $cli5 || diag "$tmp/cli5.log"
WAIT_STEP=0.05 wait_until 30 tx_is $hA $AA:$C5 $AB:$P5 2000 01 ||
	echo "# /proc: ${PQ[$AA:$C5 $AB:$P5]:-nothing}"
xss $A -H -o -i dport = :$P5
uncut_link $B
line_of $AA:$C5 $AB:$P5 && timer
kv unacked
ua=$v
kv retrans
[ "${F[0]:-} ${F[1]:-} ${F[2]:-}" = "ESTAB 0 2000" ] && [ "$tname" = on ] &&
	[ -n "$tms" ] && [ "$tms" -le 120000 ] && [ "$tn" -ge 1 ] &&
	[ "$ua" = 2000 ] && [[ $v =~ ^[0-9]+/([0-9]+)$ ]] &&
	[ "${BASH_REMATCH[1]}" -ge 1 ]
ok $? "4: 2000 bytes into the cut link: ESTAB 0 2000 (${F[1]:-?} ${F[2]:-?}), timer ${tname:-none} ${tms:-?} ms, $tn retransmissions; unacked ${ua:-?}, retrans ${v:-?}" ||
	show
touch "$tmp/go-recv5"
waitfile "$tmp/got5" $srv5 60
ok $? "4: the 2000 bytes arrive once the link is back" || diag "$tmp/srv5.log"
wait_until 30 tx_is $hA $AA:$C5 $AB:$P5 0

# ------------------------------------------------------------- 5: -K

section "5: -K"
xss $A -K dport = :$P5
kr=$?
no_destroy=
if [ $kr != 0 ] && [[ $err == *"Operation not supported"* ]]; then
	no_destroy=$err
	for d in "the connection killed" "the client's ECONNABORTED" \
		"the server's reset" "no end listed any more"; do
		skip "5: -K: $d" "the kernel cannot destroy XTCP sockets: $err"
	done
else
	[ $kr = 0 ] && same_set "ESTAB $AA:$C5 $AB:$P5"
	ok $? "5: -K dport = :$P5: status $kr, the client's connection listed as killed" ||
		show
	touch "$tmp/go-abort"
	finished $cli5 cli5 "5: the client's recv() failed with ECONNABORTED"
	finished $srv5 srv5 "5: the server's recv() failed with ECONNRESET"
	xss $A -a -H dport = :$P5 && [ ${#L[@]} = 0 ] &&
		xss $B -a -H dport = :$C5 && [ ${#L[@]} = 0 ]
	ok $? "5: neither end listed any more" || show
fi

# -------------------------------------------------------- 6: counters

section "6: --counters"
hist=$tmp/history.txt
# The counters move meanwhile (the zero window's probes): each value
# printed lies between a snapshot before and one after.
snap $hA c0
xss $A --counters -H
snap $hA c1
nc=0 bad=''
for x in "${L[@]}"; do
	read -r k v <<<"$x"
	nc=$((nc + 1))
	a=${CTR[c0.$k]:-x} b=${CTR[c1.$k]:-x}
	if [ "$a" = x ] || [ "$b" = x ]; then
		bad+=" $k=$v"
	elif [ "$a" -gt "$b" ]; then
		{ [ "$v" -le "$a" ] && [ "$v" -ge "$b" ]; } || bad+=" $k=$v"
	else
		{ [ "$v" -ge "$a" ] && [ "$v" -le "$b" ]; } || bad+=" $k=$v"
	fi
done
nz0=0 nz1=0
for k in "${!CTR[@]}"; do
	[[ $k == c0.* ]] && [ "${CTR[$k]}" != 0 ] && nz0=$((nz0 + 1))
	[[ $k == c1.* ]] && [ "${CTR[$k]}" != 0 ] && nz1=$((nz1 + 1))
done
[ $xss_rc = 0 ] && [ -z "$bad" ] && [ $nc -ge $nz0 ] && [ $nc -le $nz1 ]
ok $? "6: --counters: $nc counters, those of /proc/net/xtcp_snmp that are not 0 ($nz0 before, $nz1 after; values outside:${bad:- none})" ||
	show
xss $A --counters -H -z XtcpActiveOpens
read -r k v <<<"${L[0]:-}"
[ ${#L[@]} = 1 ] && [ "$k" = XtcpActiveOpens ] &&
	[ "$v" = "${CTR[c1.XtcpActiveOpens]:-}" ] && [ "$v" -ge 4 ]
ok $? "6: --counters -z XtcpActiveOpens: that line alone, $v, as /proc/net/xtcp_snmp (${CTR[c1.XtcpActiveOpens]:-none}; at least the 4 connections made from A)" ||
	show

# -d keeps its history in $XTCP_SS_HISTORY: the first call writes it.
ssd="XTCP_SS_HISTORY=$hist $xss_bin --counters -H -d"
nsh $A "$ssd >/dev/null"
r=$?
[ $r = 0 ] && [ -s "$hist" ]
ok $? "6: -d: the history written (status $r)"
ip netns exec $A "$peer_bin" -n c6 connect $AB $P4 $C6 close \
	>"$tmp/c6.log" 2>&1 || diag "$tmp/c6.log"
nsh $A "$ssd -z 'xtcp*opens'"
o1=$out
nsh $A "$ssd XtcpActiveOpens"
o2=$out
nsh $A "$ssd -z XtcpActiveOpens"
o3=$out
[[ $o1 =~ (^|$'\n')XtcpActiveOpens\ +1($'\n'|$) ]]
ok $? "6: -d after one more connection: XtcpActiveOpens grew by 1 (${o1//$'\n'/, })"
[ -z "$o2" ] && [[ $o3 =~ ^XtcpActiveOpens\ +0$ ]]
ok $? "6: -d again: XtcpActiveOpens grew by 0, left out without -z (${o2:-nothing}; with -z: $o3)"

# ------------------------------------------------ 7: -K of the others

section "7: -K of a TIME_WAIT entry, a request, a listener"
# gone NS HOLDER LABEL STATE [LOCAL]: neither xtcp-ss -a nor /proc lists a
# socket in STATE (of LOCAL) any more.
gone() {
	local x

	xss "$1" -a -H state "$4" ${5:+src "$5"} && [ ${#L[@]} = 0 ] ||
		return 1
	proc_rows "$2"
	for x in "${PR[@]}"; do
		[[ $x == "${3} ${5:-}"* ]] && return 1
	done
	return 0
}
if [ -n "$no_destroy" ]; then
	for d in "the TIME_WAIT entry" "the request" "the listener"; do
		skip "7: -K: $d" "the kernel cannot destroy XTCP sockets: $no_destroy"
	done
else
	xss $A -K state time-wait
	kr=$?
	[ $kr = 0 ] && same_set "$TWA" && gone $A $hA TIME-WAIT time-wait
	ok $? "7: -K state time-wait: status $kr, the entry of part 2 killed and gone" ||
		show
	xss $B -K state syn-recv
	kr=$?
	[ $kr = 0 ] && same_set "$RQ" && gone $B $hB SYN-RECV syn-recv
	ok $? "7: -K state syn-recv: status $kr, the request killed and gone" ||
		show
	xss $B -K state listening sport = :$P4
	kr=$?
	[ $kr = 0 ] && same_set "$L4" &&
		gone $B $hB LISTEN listening $AB:$P4
	ok $? "7: -K state listening sport = :$P4: status $kr, the listener killed and gone" ||
		show
fi

tap_end
