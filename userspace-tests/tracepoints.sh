#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XTCP's tracepoints (include/trace/events/xtcp.h), read through tracefs
# as trace-cmd and perf read them: each part clears the buffer, makes the
# events happen, and checks what the buffer holds.
#
#  0. The ten events are listed under events/xtcp/, each with a format.
#  1. A short connection's life, the client closing first (the server's
#     end waits until the client is in FIN_WAIT2): xtcp_set_state gives
#     the client CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT
#     and CLOSE (its TIME_WAIT entry takes over), the server's connection
#     LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE, the listener
#     CLOSE LISTEN CLOSE; xtcp_probe follows the ACKs of both ends (the
#     last of the client's has SND.UNA at SND.NXT, an RTT and a window);
#     xtcp_tw_reaped ends the client's TIME_WAIT entry, not before
#     net.xtcp.tw_timeout.
#  2. A SYN to a port nobody listens on: xtcp_send_reset without a socket,
#     the SYN's four-tuple turned round; xtcp_receive_reset on the client
#     in SYN_SENT.
#  3. Data sent while B drops everything: xtcp_retransmit_skb for the
#     client's segment, then the data arrives once the link is back.
#  4. A SYN from an address that never answers (routed away, as in
#     syn_flood.sh): xtcp_retransmit_synack for it.
#  5. net.xtcp.syncookies 2 on B: a connection made from a cookie gives
#     xtcp_syncookie_sent and xtcp_syncookie_accepted for its four-tuple;
#     a bare ACK no cookie explains, xtcp_syncookie_rejected.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
nc=$XTCP_TOP/build/tools/xtcp-nc
flood=$XTCP_TOP/build/tools/xtcp-synflood
seg=$XTCP_TOP/userspace-tests/helpers/xtcp_segment.py
test_init tracepoints '*.log' '*.txt'
if [ $fam = tcp ]; then
	skip "tracepoints" "XTCP's own events: Linux TCP has its own"
	tap_end
	exit
fi
need "$nc" "$flood"

AA=10.219.0.1 AB=10.219.0.2
P1=7711 P2=7712 P3=7713 P4=7714 P5=7715
SIZE=100000		# 1: bytes from the client
SIZE3=1000		# 3: bytes sent into the cut link
TW=1			# net.xtcp.tw_timeout in both namespaces
SPOOF=198.18.0.1	# 4: the SYN's source, routed to A, which drops it
EVENTS="xtcp_set_state xtcp_retransmit_skb xtcp_send_reset
	xtcp_receive_reset xtcp_retransmit_synack xtcp_syncookie_sent
	xtcp_syncookie_accepted xtcp_syncookie_rejected xtcp_tw_reaped
	xtcp_probe"

tr=/sys/kernel/tracing
if [ ! -e $tr/trace ]; then
	mount -t tracefs nodev $tr 2>/dev/null ||
		bail "no tracefs at $tr"
fi
[ -d $tr/events/xtcp ] || bail "no events/xtcp in tracefs: is xtcp.ko loaded?"

ns_pair $AA $AB 600
clsact $B
for ns in $A $B; do
	ip netns exec "$ns" sysctl -qw net.xtcp.tw_timeout=$TW ||
		bail "sysctl in $ns"
done
# The events of the guest's other users would mix in: tests run one at
# a time, and every check picks its connection by address.
on_exit "echo 0 >$tr/events/xtcp/enable; echo >$tr/trace"

# trace_start: an empty buffer, every xtcp event on.
trace_start() {
	echo 0 >$tr/tracing_on
	echo >$tr/trace
	echo 1 >$tr/events/xtcp/enable
	echo 1 >$tr/tracing_on
}

# trace_read: the buffer, one event a line, into TR: "TIME EVENT
# key=value...", TIME in microseconds, the task and CPU columns dropped.
# The one fork of the checks: the rest are bash builtins (every fork is
# slow in the emulated guest).
trace_read() {
	mapfile -t TR < <(awk '!/^#/ && NF {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^[0-9]+\.[0-9]+:$/)
				break
		if (i > NF)
			next
		t = substr($i, 1, length($i) - 1)
		sub(/\./, "", t)
		line = t + 0 " " $(i + 1)
		sub(/:$/, "", line)
		for (j = i + 2; j <= NF; j++)
			line = line " " $j
		print line
	}' $tr/trace)
}

# events EVENT [FILTER...]: the events of TR named EVENT whose words
# include each FILTER (as "src=10.219.0.1:7711"), into EV; n, how many.
events() {
	local ev=$1 line f

	shift
	EV=()
	for line in "${TR[@]}"; do
		[[ $line == *" $ev "* ]] || continue
		for f in "$@"; do
			[[ "$line " == *" $f "* ]] || continue 2
		done
		EV+=("$line")
	done
	n=${#EV[@]}
}

# field NAME LINE: the value of NAME=... in LINE, in v.
field() {
	v=${2#* "$1"=}
	v=${v%% *}
}

# path SKADDR: the states xtcp_set_state gave that socket, in order, in
# p: "CLOSE SYN_SENT ..." (from the first oldstate).
path() {
	local line

	p=
	events xtcp_set_state "skaddr=$1"
	for line in "${EV[@]}"; do
		if [ -z "$p" ]; then
			field oldstate "$line"
			p=${v#TCP_}
		fi
		field newstate "$line"
		p+=" ${v#TCP_}"
	done
}

# skaddr_of FILTER...: the skaddr of the first xtcp_set_state event
# matching the FILTERs, in sk.
skaddr_of() {
	sk=
	events xtcp_set_state "$@"
	[ "$n" -gt 0 ] || return 1
	field skaddr "${EV[0]}"
	sk=$v
}

# in_trace EVENT FILTER...: the event is in the buffer (for wait_until).
in_trace() { trace_read && events "$@" && [ "$n" -gt 0 ]; }

# --------------------------------------------------------------- 0: events

section "0: the events"
missing=
for e in $EVENTS; do
	[ -r "$tr/events/xtcp/$e/format" ] || missing+=" $e"
done
have=$(cd $tr/events/xtcp && ls -d xtcp_* | wc -l)
[ -z "$missing" ] && [ "$have" = 10 ]
ok $? "0: events/xtcp lists the ten events, each with its format ($have listed; missing:${missing:- none})"

# ------------------------------------------------------------ 1: a life

section "1: a connection's life"
head -c $SIZE /dev/urandom >"$tmp/data1"
mkfifo "$tmp/srv1.in"
exec {srv1_fd}<>"$tmp/srv1.in"
trace_start
# The FIFO's write end is ours alone: no child may hold it.
ip netns exec $B timeout 60 "$nc" -l $AB $P1 <"$tmp/srv1.in" \
	>"$tmp/recv1" 2>"$tmp/srv1.log" {srv1_fd}>&- &
srv1=$!
bg_pids+=("$srv1")
waitline "$tmp/srv1.log" "xtcp-nc: listening on" ||
	{ diag "$tmp/srv1.log"; bail "the server does not listen"; }
ip netns exec $A timeout 60 "$nc" $AB $P1 <"$tmp/data1" >/dev/null \
	2>"$tmp/cli1.log" {srv1_fd}>&- &
cli1=$!
bg_pids+=("$cli1")
# The client first: its FIN acknowledged (FIN_WAIT2), the server ends.
wait_st $hA "*" $P1 05 30 || diag "$tmp/cli1.log"
exec {srv1_fd}>&-
wait $cli1
r=$?
wait $srv1
r=$((r | $?))
[ $r = 0 ] && cmp -s "$tmp/data1" "$tmp/recv1"
ok $? "1: $SIZE bytes from A to B, both ends exit 0" ||
	{ diag "$tmp/cli1.log"; diag "$tmp/srv1.log"; }
# The client's TIME_WAIT entry: reaped TW s after it was made.
WAIT_STEP=0.2 wait_until 30 in_trace xtcp_tw_reaped "dest=$AB:$P1"
trace_read

skaddr_of "dest=$AB:$P1" "newstate=TCP_SYN_SENT"
path "$sk"
# The socket goes on to CLOSE once its TIME_WAIT entry takes over.
[ "$p" = "CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE" ]
ok $? "1: xtcp_set_state: the client went CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE ($p)"
# As Linux TCP's, the port is chosen after the move to SYN_SENT.
events xtcp_set_state "dest=$AB:$P1" "newstate=TCP_ESTABLISHED"
field src "${EV[0]:-}"
cli=$v
skaddr_of "src=$AB:$P1" "dest=$cli" "newstate=TCP_SYN_RECV"
path "$sk"
[ "$p" = "LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE" ]
ok $? "1: xtcp_set_state: the server's end of $cli went LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE ($p)"
skaddr_of "src=$AB:$P1" "newstate=TCP_LISTEN"
path "$sk"
[ "$p" = "CLOSE LISTEN CLOSE" ]
ok $? "1: xtcp_set_state: the listener went CLOSE LISTEN CLOSE ($p)"

events xtcp_probe "src=$cli" "dest=$AB:$P1"
bad=0 una= nxt= srtt=0
for line in "${EV[@]}"; do
	field snd_cwnd "$line"
	c=$v
	field snd_wnd "$line"
	[ "$c" -ge 1 ] && [ "$v" -ge 1 ] || bad=$((bad + 1))
	field snd_una "$line"
	una=$v
	field snd_nxt "$line"
	nxt=$v
	field srtt "$line"
	srtt=$v
done
[ "$n" -ge 2 ] && [ "$bad" = 0 ] && [ "$una" = "$nxt" ] && [ "$srtt" -gt 0 ]
ok $? "1: xtcp_probe: $n events on the client, none without a window ($bad); the last has snd_una $una = snd_nxt $nxt, srtt $srtt us" ||
	printf '%s\n' "${EV[@]: -3}" | diag
events xtcp_probe "src=$AB:$P1" "dest=$cli"
got=0
for line in "${EV[@]}"; do
	field data_len "$line"
	got=$((got + v))
done
[ "$n" -ge 2 ] && [ "$got" -gt 0 ] && [ "$got" -le $SIZE ]
ok $? "1: xtcp_probe: $n events on the server, carrying $got bytes of data (some, at most $SIZE)"

events xtcp_tw_reaped "src=$cli" "dest=$AB:$P1"
reaped=$n
t_reap=${EV[0]%% *}
events xtcp_set_state "src=$cli" "newstate=TCP_TIME_WAIT"
t_tw=${EV[0]%% *}
after=$(((${t_reap:-0} - ${t_tw:-0}) / 1000))
[ "$reaped" = 1 ] && [ "$n" = 1 ] && [ "$after" -ge $((TW * 1000 - 10)) ]
ok $? "1: xtcp_tw_reaped: the client's entry, once, $after ms after TIME_WAIT (tw_timeout $TW s)"

# ----------------------------------------------------------- 2: resets

section "2: a reset"
trace_start
ip netns exec $A timeout 30 "$nc" -q $AB $P2 </dev/null >/dev/null \
	2>"$tmp/cli2.log"
r=$?
readfile "$tmp/cli2.log"
[ $r = 1 ] && [[ $content == *"Connection refused"* ]]
ok $? "2: connect() to $AB:$P2, where nobody listens: refused (status $r)" ||
	diag "$tmp/cli2.log"
trace_read
events xtcp_send_reset "src=$AB:$P2" "state=TCP_CLOSE"
sent=$n
line=${EV[0]:-}
field dest "$line"
cli=$v
events xtcp_receive_reset "src=$cli" "dest=$AB:$P2" "state=TCP_SYN_SENT"
[ "$sent" = 1 ] && [ "$n" = 1 ] && [ "${cli%:*}" = $AA ]
ok $? "2: xtcp_send_reset from $AB:$P2 to $cli without a socket ($sent), xtcp_receive_reset on the client in SYN_SENT ($n)"
events xtcp_receive_reset "src=$cli"
field skaddr "${EV[0]:-}"
path "$v"
[ "$p" = "CLOSE SYN_SENT CLOSE" ]
ok $? "2: xtcp_set_state: the client went CLOSE SYN_SENT CLOSE ($p)"

# ------------------------------------------------------ 3: retransmission

section "3: a retransmission"
head -c $SIZE3 /dev/urandom >"$tmp/data3"
mkfifo "$tmp/srv3.in" "$tmp/cli3.in"
exec {srv3_fd}<>"$tmp/srv3.in" {cli3_fd}<>"$tmp/cli3.in"
ip netns exec $B timeout 60 "$nc" -l $AB $P3 <"$tmp/srv3.in" \
	>"$tmp/recv3" 2>"$tmp/srv3.log" {srv3_fd}>&- {cli3_fd}>&- &
srv3=$!
bg_pids+=("$srv3")
waitline "$tmp/srv3.log" "xtcp-nc: listening on" ||
	{ diag "$tmp/srv3.log"; bail "the server does not listen"; }
ip netns exec $A timeout 60 "$nc" $AB $P3 <"$tmp/cli3.in" >/dev/null \
	2>"$tmp/cli3.log" {srv3_fd}>&- {cli3_fd}>&- &
cli3=$!
bg_pids+=("$cli3")
wait_st $hA "*" $P3 01 30 || diag "$tmp/cli3.log"
trace_start
cut_link $B
cat "$tmp/data3" >&$cli3_fd
WAIT_STEP=0.2 wait_until 30 in_trace xtcp_retransmit_skb "dest=$AB:$P3"
uncut_link $B
exec {cli3_fd}>&- {srv3_fd}>&-
wait $cli3
r=$?
wait $srv3
r=$((r | $?))
[ $r = 0 ] && cmp -s "$tmp/data3" "$tmp/recv3"
ok $? "3: $SIZE3 bytes sent into the cut link arrive once it is back, both ends exit 0" ||
	{ diag "$tmp/cli3.log"; diag "$tmp/srv3.log"; }
trace_read
events xtcp_retransmit_skb "dest=$AB:$P3" "state=TCP_ESTABLISHED"
line=${EV[0]:-}
field seq "$line"
s=$v
field end_seq "$line"
e=$v
[ "$n" -ge 1 ] && [ $(((e - s) & 0xffffffff)) = $SIZE3 ]
ok $? "3: xtcp_retransmit_skb: $n for the client's segment in ESTABLISHED, seq $s end_seq $e ($SIZE3 bytes)" ||
	printf '%s\n' "${EV[@]}" | diag

# ------------------------------------------------------ 4: SYN-ACK again

section "4: a SYN-ACK sent again"
ip -n $B route add 198.18.0.0/15 via $AA || bail "route"
ip netns exec $B timeout 60 "$nc" -q -l $AB $P4 </dev/null >/dev/null \
	2>"$tmp/srv4.log" &
srv4=$!
bg_pids+=("$srv4")
wait_st $hB $P4 "*" 0A 30 || diag "$tmp/srv4.log"
trace_start
ip netns exec $A "$flood" -q -n 1 -s $SPOOF $AB $P4 >"$tmp/flood4.log" 2>&1
ok $? "4: one SYN from $SPOOF sent" || diag "$tmp/flood4.log"
WAIT_STEP=0.2 wait_until 30 in_trace xtcp_retransmit_synack "src=$AB:$P4"
events xtcp_retransmit_synack "src=$AB:$P4"
line=${EV[0]:-}
field dest "$line"
[ "$n" -ge 1 ] && [ "${v%:*}" = $SPOOF ]
ok $? "4: xtcp_retransmit_synack: $n for the request from ${v:-nobody}"
kill $srv4 2>/dev/null
wait $srv4 2>/dev/null

# --------------------------------------------------------- 5: SYN cookies

section "5: SYN cookies"
ip netns exec $B sysctl -qw net.xtcp.syncookies=2 || bail "sysctl"
ip netns exec $B timeout 60 "$nc" -l $AB $P5 </dev/null >/dev/null \
	2>"$tmp/srv5.log" &
srv5=$!
bg_pids+=("$srv5")
waitline "$tmp/srv5.log" "xtcp-nc: listening on" ||
	{ diag "$tmp/srv5.log"; bail "the server does not listen"; }
trace_start
# A bare ACK first, which no cookie explains (the listener stays).
ip netns exec $A python3 "$seg" 253 $AA $AB 40000 $P5 12345 67890 A \
	>"$tmp/seg5.log" 2>&1
ok $? "5: a bare ACK from $AA:40000 sent" || diag "$tmp/seg5.log"
WAIT_STEP=0.2 wait_until 30 in_trace xtcp_syncookie_rejected "src=$AB:$P5" \
	"dest=$AA:40000"
rejected=$n
ip netns exec $A timeout 60 "$nc" $AB $P5 </dev/null >/dev/null \
	2>"$tmp/cli5.log"
r=$?
wait $srv5
r=$((r | $?))
ok $r "5: a connection to $AB:$P5 under syncookies 2, both ends exit 0" ||
	{ diag "$tmp/cli5.log"; diag "$tmp/srv5.log"; }
trace_read
events xtcp_syncookie_sent "src=$AB:$P5"
sent=$n
field dest "${EV[0]:-}"
cli=$v
events xtcp_syncookie_accepted "src=$AB:$P5" "dest=$cli"
[ "$sent" = 1 ] && [ "$n" = 1 ] && [ "${cli%:*}" = $AA ]
ok $? "5: xtcp_syncookie_sent ($sent) and xtcp_syncookie_accepted ($n) for $cli"
[ "$rejected" = 1 ]
ok $? "5: xtcp_syncookie_rejected for the bare ACK ($rejected)"

tap_end
