#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # the awk programs in single quotes
#
# The connection state machine (RFC 9293 3.3.2), watched from both sides:
# the states in /proc/net/xtcp at each step and the segments on the wire.
# Two namespaces joined by veth; helpers/xtcp_peer drives each end; a tc
# filter dropping all IPv4 on a veth's ingress cuts the link one way, so
# that transient states last while a test reads them; dumpcap records the
# whole run on B's end (it sees B's ingress before tc drops it), tshark
# decodes it with absolute sequence numbers, and the segments of each
# connection are checked at the end.
#
#  a. LISTEN; SYN_SENT (connect to a peer that drops everything); the
#     three-way handshake with MSS options; ESTABLISHED on both ends.
#  b. Active close: FIN_WAIT2 / CLOSE_WAIT, then LAST_ACK (the final ACK
#     dropped) / TIME_WAIT; the segments FIN, ACK, FIN, ACK.
#  c. FIN_WAIT1 while the peer drops everything; the FIN retransmitted,
#     same sequence number, the intervals roughly doubling.
#  d. Simultaneous close: crossed FINs, CLOSING on one end, then TIME_WAIT
#     on both.
#  e. Simultaneous open: SYNs from both ends, SYN_RECV on one, then
#     ESTABLISHED on both.
#  f. Half-close: data still flows towards the end that sent its FIN.
#  g. close() with unread data sends RST (no FIN); the peer gets ECONNRESET.
#  h. SO_LINGER 0: close() sends RST; the peer gets ECONNRESET.
#
# XTCP_TEST_FAMILY=tcp runs the same on Linux TCP (SACK off in the test's
# namespaces, so that no tail loss probe changes FIN retransmission).
# In xtcp mode net.xtcp.tw_timeout is shortened, and TIME_WAIT must end.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init states_capture '*.log' '*.pcapng' '*.txt'
AA=10.203.0.1 AB=10.203.0.2
peer_bin=$XTCP_TOP/build/userspace/helpers/xtcp_peer
if [ "${XTCP_TEST_FAMILY:-xtcp}" = tcp ]; then
	fam=tcp popt=-t proc=tcp capfilter=tcp
else
	fam=xtcp popt='' proc=xtcp capfilter='ip proto 253'
fi
TW=5	# net.xtcp.tw_timeout in the test's namespaces
# net.xtcp.fin_timeout: an orphan in FIN_WAIT_2 is reset after it, and on
# the debug kernel the peer's close can take longer than TW seconds.
FINTMO=60

# peer NS NAME CMD...: start xtcp_peer in NS in the background; its pid in
# $last, its output in $tmp/NAME.log.  Its time-out only stops a peer
# that hangs: 60 s, as it was, killed a server of part b on the debug
# kernel of a loaded host before it ended.
# shellcheck disable=SC2086 # $popt is empty or one word
peer() { spawn "$1" "$2" 600 "$peer_bin" $popt -n "$2" "${@:3}"; }

# st HOLDER LPORT RPORT: sts and rtx (lib.bash's ent).
st() { ent "$@"; }

# ---------------------------------------------------------------- setup

need "$peer_bin"
ns_pair $AA $AB 600
clsact $A
clsact $B

if [ $fam = xtcp ]; then
	r=0
	for ns in $A $B; do
		out=$(ip netns exec "$ns" sysctl -qw net.xtcp.tw_timeout=$TW \
			net.xtcp.fin_timeout=$FINTMO 2>&1) || r=1
		[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	done
	ok $r "net.xtcp.tw_timeout ($TW s) and fin_timeout ($FINTMO s) set in both namespaces"
else
	for ns in $A $B; do
		ip netns exec "$ns" sysctl -qw net.ipv4.tcp_sack=0 || bail "sysctl"
	done
fi

# tshark starts now and decodes as dumpcap captures (lib.bash); its
# fields are read once it ends after dumpcap.
cap_start $B veth0 "$capfilter" tcp.options.mss_val

section "a, b: handshake, active close"

peer $B srv1 listen $AB 7001 touch "$tmp/l1" accept touch "$tmp/acc1" \
	expect-eof expect-state CLOSE_WAIT touch "$tmp/eof1" \
	waitfile "$tmp/go-close1" close
srv1=$last
waitfile "$tmp/l1" $srv1 || { diag "$tmp/srv1.log"; bail "no listener"; }
wait_st $hB 7001 0 LISTEN
ok $? "a: the listening socket is LISTEN (0A) in /proc/net/$proc"

cut_link $B
peer $A probe connect $AB 7001 7191
probe=$last
wait_st $hA 7191 7001 SYN_SENT
ok $? "a: connect() towards a peer that drops everything: SYN_SENT (02)"
kill "$probe"
wait "$probe" 2>/dev/null
uncut_link $B
wait_st $hA 7191 7001 none
ok $? "a: the SYN_SENT socket goes away with its process"

peer $A cli1 connect $AB 7001 7101 expect-state ESTABLISHED touch "$tmp/c1" \
	waitfile "$tmp/go-fin1" close
cli1=$last
if ! waitfile "$tmp/c1" $cli1 || ! waitfile "$tmp/acc1" $srv1; then
	diag "$tmp/cli1.log" "$tmp/srv1.log"
	bail "no connection: nothing else can be tested"
fi
st $hA 7101 7001 && [ "$sts" = "01 " ] && st $hB 7001 7101 && [ "$sts" = "01 " ]
ok $? "a: after the handshake both ends are ESTABLISHED (01)"

touch "$tmp/go-fin1"
wait_st $hA 7101 7001 FIN_WAIT2
ok $? "b: the client closed first: FIN_WAIT2 (05) while the server is open"
wait_st $hB 7001 7101 CLOSE_WAIT
ok $? "b: the server: CLOSE_WAIT (08)"
finished $cli1 cli1 "b: client: connect, ESTABLISHED, close"
waitfile "$tmp/eof1" $srv1
# The server closes; the client's final ACK is dropped at the server.
# The client's TIME_WAIT must outlast the cut, however slowly a loaded
# host lets this script lift it: else the server's next FIN finds no
# entry and draws a reset.  TCP's lasts 60 s; XTCP's is made as long
# here, and shortened again once LAST_ACK ended (the entry follows).
if [ $fam = xtcp ]; then
	ip netns exec "$A" sysctl -qw net.xtcp.tw_timeout=60
fi
cut_link $B
touch "$tmp/go-close1"
wait_st $hB 7001 7101 LAST_ACK
ok $? "b: the server closed: LAST_ACK (09) while its FIN is not acknowledged"
wait_st $hA 7101 7001 TIME_WAIT
ok $? "b: the client got the server's FIN: TIME_WAIT (06)"
uncut_link $B
wait_st $hB 7001 7101 none 30
ok $? "b: LAST_ACK ends when an ACK of the retransmitted FIN gets through"
if [ $fam = xtcp ]; then
	ip netns exec "$A" sysctl -qw net.xtcp.tw_timeout=$TW
fi
finished $srv1 srv1 "b: server: accept, EOF, CLOSE_WAIT, close"

section "c: FIN_WAIT1, FIN retransmission"

peer $B srv2 listen $AB 7002 touch "$tmp/l2" accept expect-eof \
	waitfile "$tmp/go-close2" close
srv2=$last
waitfile "$tmp/l2" $srv2
peer $A cli2 connect $AB 7002 7102 touch "$tmp/c2" waitfile "$tmp/go-fin2" close
cli2=$last
waitfile "$tmp/c2" $cli2
cut_link $B
touch "$tmp/go-fin2"
wait_st $hA 7102 7002 FIN_WAIT1
ok $? "c: closed while the peer drops everything: FIN_WAIT1 (04)"
# Let the FIN go out three times (retransmitted twice) before the link
# comes back.
set_deadline 20
while st $hA 7102 7002 && [ "${rtx:-0}" -lt 2 ] && ! past_deadline; do
	nap 0.02
done
[ "${rtx:-0}" -ge 2 ] && [ "$sts" = "04 " ]
ok $? "c: still FIN_WAIT1 after the FIN was retransmitted (${rtx:-no} retransmissions)"
uncut_link $B
wait_st $hA 7102 7002 FIN_WAIT2 30
ok $? "c: the link back, a retransmitted FIN is acknowledged: FIN_WAIT2 (05)"
touch "$tmp/go-close2"
wait_st $hA 7102 7002 TIME_WAIT
ok $? "c: the server closes: the client in TIME_WAIT (06)"
finished $cli2 cli2 "c: client: connect, close"
finished $srv2 srv2 "c: server: accept, EOF, close"

section "d: simultaneous close"

peer $B srv3 listen $AB 7003 touch "$tmp/l3" accept touch "$tmp/acc3" \
	waitfile "$tmp/go-close3" close
srv3=$last
waitfile "$tmp/l3" $srv3
peer $A cli3 connect $AB 7003 7103 touch "$tmp/c3" waitfile "$tmp/go-close3" close
cli3=$last
waitfile "$tmp/c3" $cli3 && waitfile "$tmp/acc3" $srv3
cut_link $A
cut_link $B
touch "$tmp/go-close3"
wait_st $hA 7103 7003 FIN_WAIT1 && wait_st $hB 7003 7103 FIN_WAIT1
ok $? "d: both close while the link is cut: FIN_WAIT1 (04) on both ends"
# The client's FIN gets through; the server's ACK does not.
uncut_link $B
wait_st $hB 7003 7103 CLOSING 30
ok $? "d: the server gets a FIN that does not acknowledge its own: CLOSING (0B)"
st $hA 7103 7003 && [ "$sts" = "04 " ]
ok $? "d: ... while the client, which heard nothing, is still FIN_WAIT1"
uncut_link $A
wait_st $hA 7103 7003 TIME_WAIT 30 && wait_st $hB 7003 7103 TIME_WAIT 30
ok $? "d: the link back: TIME_WAIT (06) on both ends"
finished $cli3 cli3 "d: client: connect, close"
finished $srv3 srv3 "d: server: accept, close"

section "e: simultaneous open"

cut_link $A
cut_link $B
peer $A opa connect $AB 7104 7004 expect-state ESTABLISHED send 1000 recv 1000 close
opa=$last
peer $B opb connect $AA 7004 7104 expect-state ESTABLISHED recv 1000 send 1000 \
	expect-eof close
opb=$last
wait_st $hA 7004 7104 SYN_SENT && wait_st $hB 7104 7004 SYN_SENT
ok $? "e: both connect() to each other while the link is cut: SYN_SENT (02)"
# A's SYN gets through; B's answer does not.
uncut_link $B
wait_st $hB 7104 7004 SYN_RECV 30
ok $? "e: B gets A's SYN in SYN_SENT: SYN_RECV (03)"
uncut_link $A
finished $opa opa "e: A: connect() returns, ESTABLISHED, data both ways"
finished $opb opb "e: B: connect() returns, ESTABLISHED, data both ways"

section "f: half-close"

peer $B srv5 listen $AB 7005 touch "$tmp/l5" accept expect-eof \
	expect-state CLOSE_WAIT touch "$tmp/eof5" waitfile "$tmp/go-send5" \
	send 100000 close
srv5=$last
waitfile "$tmp/l5" $srv5
peer $A cli5 connect $AB 7005 7105 shutdown wr recv 100000 expect-eof close
cli5=$last
waitfile "$tmp/eof5" $srv5
# The server has read the FIN; its ACK may still be on its way to the
# client: wait for FIN_WAIT2 rather than look at once.
wait_st $hA 7105 7005 FIN_WAIT2 && st $hA 7105 7005 && [ "$sts" = "05 " ] &&
	st $hB 7005 7105 && [ "$sts" = "08 " ]
ok $? "f: shutdown(SHUT_WR): FIN_WAIT2 (05) / CLOSE_WAIT (08), the server reads EOF"
touch "$tmp/go-send5"
finished $srv5 srv5 "f: the server sends 100000 bytes after the client's FIN"
finished $cli5 cli5 "f: the half-closed client receives them intact, then EOF"
wait_st $hA 7105 7005 TIME_WAIT
ok $? "f: the client ends in TIME_WAIT (06)"

section "g: close with unread data"

peer $B srv6 listen $AB 7006 touch "$tmp/l6" accept poll-in 10000 close
srv6=$last
waitfile "$tmp/l6" $srv6
peer $A cli6 connect $AB 7006 7106 send 1000 poll-in 10000 \
	expect-errno ECONNRESET recv 1
cli6=$last
finished $srv6 srv6 "g: the server closes with 1000 bytes unread"
finished $cli6 cli6 "g: the client's recv() fails with ECONNRESET"
wait_st $hA 7106 7006 none 5 && wait_st $hB 7006 7106 none 5
ok $? "g: no socket left on either end (no TIME_WAIT)"

section "h: SO_LINGER 0"

peer $B srv7 listen $AB 7007 touch "$tmp/l7" accept poll-in 10000 \
	expect-errno ECONNRESET recv 1
srv7=$last
waitfile "$tmp/l7" $srv7
peer $A cli7 connect $AB 7007 7107 linger0 close
cli7=$last
finished $cli7 cli7 "h: the client sets SO_LINGER 0 and closes"
finished $srv7 srv7 "h: the server's recv() fails with ECONNRESET"
wait_st $hA 7107 7007 none 5 && wait_st $hB 7007 7107 none 5
ok $? "h: no socket left on either end (no TIME_WAIT)"

section "TIME_WAIT"

if [ $fam = xtcp ]; then
	no_tw() {
		! in_state $hA "*" "*" TIME_WAIT && ! in_state $hB "*" "*" TIME_WAIT
	}
	WAIT_STEP=0.2 wait_until $((TW + 15)) no_tw
	ok $? "TIME_WAIT ends after net.xtcp.tw_timeout ($TW s)"
else
	r=0
	for c in "$hA 7101 7001" "$hA 7102 7002" "$hA 7103 7003" \
			"$hB 7003 7103" "$hA 7105 7005"; do
		read -r h l p <<<"$c"
		st "$h" "$l" "$p"
		[ "$sts" = "06 " ] || { r=1; echo "# $l -> $p: ${sts:-no socket}"; }
	done
	ok $r "the TIME_WAITs of b, c, d (both ends), f are all still there (Linux TCP: 60 s)"
fi

section "the capture"

cap_stop
section "decoding"
# One line a segment: TIME SPORT DPORT FLAGS SEQ ACK LEN MSS (lib.bash).
cap_decode
section "checking"

# check (lib.bash) sees the segments between CPORT:SPORT as "TIME DIR
# FLAGS SEQ ACK LEN MSS", DIR ">" from CPORT, "<" towards it.
seg_columns="time dir flags seq ack len mss"

# a, b: the three-way handshake and the close, each distinct segment once
# (the server's FIN and the client's last ACK were repeated while the
# final ACK was dropped).
check hs 7101:7001 "a: captured SYN seq=x MSS 1460, SYN-ACK seq=y ack=x+1 with MSS, ACK seq=x+1 ack=y+1" '
	N == 1 && $2 == ">" && $3 == "S" && $7 == 1460 { x = $4; n++ }
	N == 2 && $2 == "<" && $3 == "SA" && $5 == mod(x + 1) && $7 != "-" { y = $4; n++ }
	N == 3 && $2 == ">" && $3 == "A" && $4 == mod(x + 1) && $5 == mod(y + 1) { n++ }
	$3 ~ /S/ { syns++ }
	END {
		if (syns != 2)
			print syns " segments with SYN, not 2"
		exit !(n == 3 && syns == 2)
	}'
check close1 7101:7001 "b: captured FIN-ACK x+1/y+1, ACK y+1/x+2, FIN-ACK y+1/x+2, ACK x+2/y+2, nothing else" '
	N == 1 { x = $4 }
	N == 2 { y = $4 }
	N > 3 && !seen[$2 $3 " " $4 " " $5]++ {
		s = $2 == ">" ? x : y
		a = $2 == ">" ? y : x
		lad = lad " " $2 $3 ":" mod($4 - s + 4294967296) ":" \
			mod($5 - a + 4294967296)
	}
	END {
		want = " >AF:1:1 <A:1:2 <AF:1:2 >A:2:2"
		if (lad != want)
			print "relative ladder:" lad ", wanted:" want
		exit lad != want
	}'

# c: the FIN and its retransmissions
check finwait1 7102:7002 "c: captured the client's FIN 3+ times, same seq, intervals doubling (x1.3 .. x3)" '
	N == 1 { x = $4 }
	$2 == ">" && $3 ~ /F/ {
		if ($4 != mod(x + 1))
			bad = bad " FIN seq " $4
		t[++n] = $1
	}
	END {
		for (i = 3; i <= n; i++) {
			r = (t[i] - t[i - 1]) / (t[i - 1] - t[i - 2])
			printf "FIN %d: after %.3f s, x%.2f\n", i, t[i] - t[i - 1], r
			if (r < 1.3 || r > 3)
				bad = bad " ratio " r
		}
		if (n < 3)
			bad = bad " only " n " FINs"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# d: the FINs crossed: each side's first FIN acknowledges nothing of the
# other's FIN; in the end each acknowledges the other's FIN.
check simclose 7103:7003 "d: captured crossed FINs (neither acknowledges the other), then each FIN acknowledged" '
	N == 1 { x = $4 }
	N == 2 { y = $4 }
	$3 ~ /F/ && !($2 in fin) { fin[$2] = $4; fack[$2] = $5 }
	$3 ~ /F/ && $4 != fin[$2] { bad = bad " FIN seq moved" }
	$3 ~ /A/ { last[$2] = $5 }
	END {
		if (fin[">"] != mod(x + 1) || fin["<"] != mod(y + 1))
			bad = bad " FIN seqs"
		if (fack[">"] != fin["<"] || fack["<"] != fin[">"])
			bad = bad " FINs not crossed"
		if (last[">"] != mod(y + 2) || last["<"] != mod(x + 2))
			bad = bad " last ACKs"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# e: both sent a bare SYN before any SYN-ACK; B answered A's SYN with a
# SYN-ACK carrying its own ISS; both SYNs acknowledged in the end.
check simopen 7004:7104 "e: captured SYNs from both sides, then SYN-ACK(s) with the SYNs' own ISS" '
	$3 == "S" && !($2 in iss) { iss[$2] = $4; if (synack) bad = bad " SYN after SYN-ACK" }
	$3 == "S" && $4 != iss[$2] { bad = bad " ISS moved" }
	$3 == "SA" {
		synack++
		if ($4 != iss[$2] || $5 != mod(iss[$2 == ">" ? "<" : ">"] + 1))
			bad = bad " SYN-ACK " $4 "/" $5
		sa[$2]++
	}
	$3 ~ /A/ && $5 == mod(iss[$2 == ">" ? "<" : ">"] + 1) { acked[$2] = 1 }
	END {
		if (!(">" in iss) || !("<" in iss))
			bad = bad " no SYN from one side"
		if (!sa["<"])
			bad = bad " no SYN-ACK from B"
		if (!acked[">"] || !acked["<"])
			bad = bad " SYNs not acknowledged"
		printf "SYN-ACKs from A: %d, from B: %d\n", sa[">"], sa["<"]
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# f: after the client's FIN, the server's 100000 bytes, then its FIN.
check halfclose 7105:7005 "f: captured the client's FIN x+1, then 100000 bytes from the server, its FIN at y+1+100000" '
	N == 1 { x = $4 }
	N == 2 { y = $4 }
	$2 == ">" && $3 ~ /F/ { cfin = N; if ($4 != mod(x + 1)) bad = bad " client FIN seq" }
	$2 == "<" && $6 > 0 {
		if (!cfin && !early++)
			bad = bad " data before the FIN"
		if (!($4 in got))
			bytes += $6
		got[$4] = 1
	}
	$2 == "<" && $3 ~ /F/ { if (mod($4 + $6) != mod(y + 100001)) bad = bad " server FIN seq" }
	$2 == ">" && $3 ~ /A/ { last = $5 }
	END {
		if (bytes != 100000)
			bad = bad " " bytes " bytes"
		if (last != mod(y + 100002))
			bad = bad " the last ACK"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'

# g, h: one reset at snd.nxt (ISN + 1: nothing was sent) and no FIN from
# the side that closed: the one whose SYN is segment first, sending in
# direction dir.
rst_at_isn='
	N == first { isn = $4 }
	$2 == dir && $3 ~ /R/ { rst++; if ($4 != mod(isn + 1)) bad = bad " RST seq " $4 }
	$3 ~ /F/ { bad = bad " a FIN" }
	END {
		if (rst != 1)
			bad = bad " " rst + 0 " RSTs"
		if (bad != "")
			print "wrong:" bad
		exit bad != ""
	}'
check unread 7106:7006 "g: captured RST seq=y+1 from the server, no FIN" \
	"$rst_at_isn" first=2 dir="<"
check linger0 7107:7007 "h: captured RST seq=x+1 from the client, no FIN" \
	"$rst_at_isn" first=1 dir=">"

section "done"
tap_end
