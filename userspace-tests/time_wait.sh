#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # the awk programs in single quotes
#
# TIME_WAIT entries: their number, memory and timing at scale, and how one
# answers what arrives (a FIN again, a reset, a new SYN), the bound on
# their number, connect() taking one over, and their end with their
# namespace or the module.
#
# Each part has its own pair of namespaces, C (clients, the side closing
# first, so the one holding TIME_WAIT) and S (servers), joined by veth;
# their counters come from /proc/net/xtcp_snmp.  helpers/tw_churn makes
# many short connections fast (connect, a byte, FIN, the server's FIN,
# close) and watches their entries end; helpers/xtcp_peer drives single
# connections step by step.
#
#  0. The knobs net.xtcp.tw_timeout (60), max_tw_buckets (262144) and
#     tw_reuse (2) and the counters exist, with Linux's defaults.
#  1. N1 (50000) connections over 8 server ports, tw_reuse 0, tw_timeout
#     long enough for all of them to be alive at once (measured from a
#     first run of 2000): N1 entries in /proc/net/xtcp (state 06, queues 0,
#     timer 03 with the time left, uid and inode 0), XtcpTimeWaitCurr N1,
#     the slab cache xtcp_tw grew by N1 objects of at most 96 bytes (bytes
#     per entry, object and slab pages, reported), none on the server.
#     Then the count is read every 50 ms until 0: no entry ends much
#     before tw_timeout after the server's close() (its FIN, which made
#     the entry, left after it), none much after tw_timeout after the
#     client saw its EOF (after the entry's making); XtcpTWExpired grew
#     by N1, the slab objects came back.
#  2. The client's final ACK dropped once (tc on S's ingress, after the
#     capture's tap: helpers/tw_churn's AF_PACKET sniffer, as tshark takes
#     many minutes to start on the debug kernel): the server's FIN comes again, is ACKed again, and
#     TIME_WAIT restarts: the time left in /proc/net/xtcp goes back up to
#     tw_timeout, the entry ends tw_timeout after the second FIN, not the
#     first.  In the capture: the FIN twice, same sequence number, and the
#     client's ACK after the second, with the right numbers.
#  3. Two resets injected into a TIME_WAIT entry from S (raw socket): RST
#     at RCV.NXT and RST|ACK one further.  RFC 1337: the entry stays and
#     ends at its time; the client counted the two segments, none as
#     without a socket or a bad checksum.
#  4. RFC 6191: the server closes first and holds TIME_WAIT; the client
#     connects again from the same port: the new SYN ends the entry and
#     makes a connection; XtcpTWReopened grew by 1 on the server.  Then K4
#     (8) times more, each new connection's SYN meeting the entry of the
#     one before: with timestamps (the default) each SYN must carry a
#     TSval newer than the entry's TS.Recent, so the client's TSval clock
#     must run on across connections of one 4-tuple; then twice without
#     timestamps, by sequence number alone.
#  5. max_tw_buckets 100, 150 connections: 100 entries, 50 closed without
#     TIME_WAIT, XtcpTimeWaitOverflow grew by 50.  Then N5 (1000) more
#     and tw_timeout lowered from 60 s to 1 s: the entries wait the new
#     time, so all end at once, freed by the timer in batches (XtcpTWExpired):
#     none still there LATE_MS after the write.
#  6. A client port range of one port and an entry holding it: connect()
#     to the same destination fails with EADDRNOTAVAIL under tw_reuse 0,
#     and under tw_reuse 2 over veth; under 1, once the entry's last
#     timestamp is over 1 s old, it takes the entry over (XtcpTWRecycled
#     +1).  Over loopback tw_reuse 2 takes it over.
#  7. N7 (10000) entries, then their namespaces deleted: the xtcp_tw slab
#     objects come back.  N7 again, then rmmod: it unloads, no segment
#     leaves, the cache is gone; the module is loaded again with the same
#     parameters.  The VM's verdict checks that nothing leaked or warned.
#
# Every timing check compares bounds that hold however long a loaded host
# keeps the guest's processes from running: an entry is early only if it
# was seen gone before a lower bound of its due time (the server's
# close(), the time before a reading of /proc) less EARLY_MS, late only
# if it was seen there after an upper bound of it (the client's EOF, the
# time after a reading) plus LATE_MS.  On an idle host the bounds are
# milliseconds apart; on a loaded one, what a check cannot tell passes.
#
# The debug kernel makes about 25 connections a second under TCG (stock:
# 3500): there N1 is 1000, N5 200 and N7 1000 (TW_N1 and TW_N7 set them
# anywhere), and the timing tolerances are wider.
#
# XTCP_TEST_FAMILY=tcp runs parts 1 to 6 against Linux TCP, which has no
# tw_timeout knob (its TIME_WAIT lasts 60 s, so parts 1 and 2 take a
# minute longer), tcp_rfc1337 (set to 1 here), tcp_max_tw_buckets and
# tcp_tw_reuse, its counters in /proc/net/netstat and the number of
# TIME_WAIT sockets in /proc/net/sockstat; a check whose counter TCP lacks
# is skipped.
#
# Cannot share a guest with another XTCP test: parts 1 and 7 count the
# whole guest's xtcp_tw slab cache (and shrink it), and part 7 waits for
# the module's reference count to reach 0, then unloads and reloads the
# module.  With XTCP_TEST_FAMILY=tcp, the tw_sock_TCP cache is shared
# with any TCP test.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

churn=$XTCP_TOP/build/userspace/helpers/tw_churn
peer_bin=$XTCP_TOP/build/userspace/helpers/xtcp_peer
kind=${XTCP_KIND:-stock}

if [ "${XTCP_TEST_FAMILY:-xtcp}" = tcp ]; then
	fam=tcp popt=-t proc=tcp cache=tw_sock_TCP
	k_max=net.ipv4.tcp_max_tw_buckets k_reuse=net.ipv4.tcp_tw_reuse
	k_range=net.ipv4.ip_local_port_range k_synretries=net.ipv4.tcp_syn_retries
	k_timestamps=net.ipv4.tcp_timestamps
else
	fam=xtcp popt="" proc=xtcp cache=xtcp_tw
	k_max=net.xtcp.max_tw_buckets k_reuse=net.xtcp.tw_reuse
	k_range=net.xtcp.ip_local_port_range k_synretries=net.xtcp.syn_retries
	k_timestamps=net.xtcp.timestamps
fi

N1=50000		# 1: connections
NP1=8			# 1: server ports
CAL_N=2000		# 1: connections of the first run, for the rate
CONC=64			# 1, 5, 7: connections at once
K4=8			# 4: SYNs from the same port, timestamps on
N5=1000			# 5: connections for the mass expiry
N7=10000		# 7: entries
TW2=6			# 2, 3: tw_timeout (20 on debug: the steps are slow)
RTO_MIN_US=1000000	# 2: the server's, so its FIN comes again 1 s later
EARLY_MS=100		# 1, 2, 3: an entry may end this much early
LATE_MS=1000		# 1, 2, 3: or this much late
SHOWN_MS=100		# 1: the end /proc shows may be this much late
SLAB_SLACK=256		# per-CPU slabs and other users of the cache
KFENCE=0		# objects KFENCE may take from the cache
if debug_kernel; then
	# About 25 connections a second there (3500 on stock): 50000
	# would take over half an hour.
	N1=1000 CAL_N=100 N5=200 N7=1000 TW2=20
	EARLY_MS=1000 LATE_MS=3000 SHOWN_MS=1000 SLAB_SLACK=1024 KFENCE=255
fi
# The counters the test reads (their Linux TCP twins: lib.bash).
counters="XtcpTimeWaitCurr XtcpTWExpired XtcpTW XtcpTWReopened
	XtcpTWRecycled XtcpTimeWaitOverflow XtcpInSegs XtcpOutSegs
	XtcpInNoSocket XtcpInCsumErrors XtcpPassiveOpens"
N1=${TW_N1:-$N1}
N7=${TW_N7:-$N7}
if [ $fam = tcp ]; then
	TW2=60
	# Linux TCP's TIME_WAIT timer is a timer-wheel timer 60 s out, whose
	# granularity there is 512 jiffies (2 s at HZ 250): it ends late.
	LATE_MS=$((LATE_MS + 3000))
fi


test_init time_wait '*.log' '*.txt'

# mkpair P: the test's namespaces Pc (10.216.P.1) and Ps (10.216.P.2)
# joined by veth0; sets C, S, CA, SA, and hC, hS, a process in each (its
# /proc/PID/net is read without forking ip netns exec).
mkpair() {
	ns_name "$1c"
	C=$ns
	ns_name "$1s"
	S=$ns
	CA=10.216.$1.1 SA=10.216.$1.2
	ns_add $C $S
	veth_pair $C $CA $S $SA
	ns_holder $C
	hC=$last
	ns_holder $S
	hS=$last
	# Linux TCP sizes a new namespace's bound from its hash table.
	[ $fam = tcp ] && sysctl_ns $C $k_max=262144
}

# delpair: the pair of the last mkpair goes, with its processes.
delpair() {
	kill "$hC" "$hS" 2>/dev/null
	wait "$hC" "$hS" 2>/dev/null
	ns_del $C
	ns_del $S
}

sysctl_ns() {
	local ns=$1

	shift
	ip netns exec "$ns" sysctl -qw "$@" || bail "sysctl $*"
}

# tw_timeout NS SECONDS (XTCP only: Linux TCP's is 60 s).
tw_timeout() {
	[ $fam = xtcp ] && sysctl_ns "$1" net.xtcp.tw_timeout="$2"
}

# peer NS NAME CMD...: xtcp_peer in NS in the background; pid in $last,
# output in $tmp/NAME.log.
# shellcheck disable=SC2086 # $popt is empty or one word
peer() { spawn "$1" "$2" 120 "$peer_bin" $popt -n "$2" "${@:3}"; }

# serve NAME PORT NPORTS: tw_churn's server in S on SA, the times it
# closes its connections in $tmp/NAME.closes once it ends; pid in $last.
serve() {
	# A name served before left its file: wait for this server's.
	rm -f "$tmp/$1.ready"
	# shellcheck disable=SC2086
	ip netns exec $S "$churn" $popt -o "$tmp/$1.closes" serve $SA "$2" \
		"$3" "$tmp/$1.ready" >"$tmp/$1.log" 2>&1 &
	last=$!
	bg_pids+=("$last")
	waitfile "$tmp/$1.ready" $last 30 || { diag "$tmp/$1.log"; bail "no server $1"; }
}

# sniff FILE: tw_churn's capture in S on veth0, the segments in FILE (not
# dumpcap and tshark: tshark takes many minutes to start on the debug
# kernel); pid in $last.
sniff() {
	rm -f "$1.ready"
	# shellcheck disable=SC2086
	ip netns exec $S "$churn" $popt sniff veth0 "$1" >"$1.log" 2>&1 &
	last=$!
	bg_pids+=("$last")
	waitfile "$1.ready" $last 60 || { diag "$1.log"; bail "no sniffer"; }
}

# churn NAME PORT NPORTS N [CONC]: N connections from C, their times in
# $tmp/NAME.times; status, and from the summary: done, failed, first,
# last (µs), ms, rate.
churn() {
	local r

	# shellcheck disable=SC2086
	ip netns exec $C "$churn" $popt -c "${5:-$CONC}" churn $SA "$2" "$3" \
		"$4" "$tmp/$1.times" >"$tmp/$1.log" 2>&1
	r=$?
	done=0 failed=0 first=0 last=0 ms=0 rate=0
	readfile "$tmp/$1.log"
	[[ $content =~ churn\ [0-9]+\ done\ ([0-9]+)\ failed\ ([0-9]+)\ first_us\ ([0-9]+)\ last_us\ ([0-9]+)\ ms\ ([0-9]+)\ rate\ ([0-9]+) ]] &&
		done=${BASH_REMATCH[1]} failed=${BASH_REMATCH[2]} \
		first=${BASH_REMATCH[3]} last=${BASH_REMATCH[4]} \
		ms=${BASH_REMATCH[5]} rate=${BASH_REMATCH[6]}
	return $r
}

# entb HOLDER LPORT RPORT: ent, and the bounds of the entry's end from
# the time it shows left: dlo (ms; the time before the reading) and dhi
# (after it, and a tick), "" without a timer.
entb() {
	local rb=$((${EPOCHREALTIME/./} / 1000))

	ent "$@"
	dlo='' dhi=''
	[ -n "$rem" ] && dlo=$((rb + rem)) dhi=$((now_ms + rem + 10))
	[ -n "$sts" ] && seen=$rb
}

# gone HOLDER LPORT RPORT DLO DHI: wait for the entry (seen there at $seen)
# to go, until a reading that still shows it began after DHI plus
# LATE_MS.  It ended after glo, the start of the last reading showing it,
# and before g, the end of the first not showing it ("" if none did): late
# if glo is over DHI + LATE_MS, early if g is under DLO - EARLY_MS.
gone() {
	g='' glo=$seen
	while :; do
		entb "$1" "$2" "$3"
		if [ -z "$sts" ]; then
			g=$now_ms
			return
		fi
		glo=$seen
		[ "$glo" -gt $(($5 + LATE_MS)) ] && return
		nap 0.02
	done
}

# gone_ok DLO DHI: the end of gone against DLO and DHI; how, the window.
gone_ok() {
	how="not gone ($((glo - $2)) ms after its latest end when last seen)"
	[ -n "$g" ] || return 1
	how="gone between $((glo - $1)) and $((g - $1)) ms from its earliest end ($((glo - $2)) and $((g - $2)) from its latest)"
	[ "$g" -ge $(($1 - EARLY_MS)) ] && [ "$glo" -le $(($2 + LATE_MS)) ]
}

# count_lines FILE: n, its lines.
count_lines() { read -r n _ < <(wc -l "$1"); }

# count06 HOLDER: n, the TIME_WAIT lines of HOLDER's /proc/net/xtcp;
# lines, all of its lines.
count06() {
	read -r n lines < <(awk 'NR > 1 { a++; if ($4 == "06") t++ }
		END { print t + 0, a + 0 }' "/proc/$1/net/$proc")
}

# slab KEY [shrink]: SL[KEY.active], SL[KEY.size] (objsize), SL[KEY.pages]
# (slabs times pages per slab) of the cache; "" when /proc/slabinfo does
# not list it.  With "shrink", the cache gives back its empty slabs (and
# KASAN's quarantine its objects) first.
declare -A SL
slab() {
	local name active size pps rest slabs

	[ "${2:-}" = shrink ] &&
		echo 1 2>/dev/null >"/sys/kernel/slab/$cache/shrink"
	SL[$1.active]='' SL[$1.size]='' SL[$1.pages]=''
	while read -r name active _ size _ pps rest; do
		[ "$name" = "$cache" ] || continue
		read -r _ _ _ _ _ _ _ _ slabs _ <<<"$rest"
		SL[$1.active]=$active SL[$1.size]=$size
		SL[$1.pages]=$((slabs * pps))
	done </proc/slabinfo
}

# ---------------------------------------------------------------- setup

need "$churn" "$peer_bin"
echo "# kernel: $kind"

# -------------------------------------------------------------- 0: knobs

section "0: the knobs and counters"
mkpair 1
if [ $fam = xtcp ]; then
	for kv in tw_timeout=60 max_tw_buckets=262144 tw_reuse=2; do
		v=$(ip netns exec $C sysctl -n "net.xtcp.${kv%=*}" 2>&1)
		[ "$v" = "${kv#*=}" ]
		ok $? "0: net.xtcp.${kv%=*} exists and starts at ${kv#*=} (${v})"
	done
	r=$(ip netns exec $C sysctl -n $k_range 2>&1)
	[[ $r =~ ^[0-9]+[[:space:]]+[0-9]+$ ]]
	ok $? "0: $k_range exists ($r)"
else
	v=$(ip netns exec $C sysctl -n $k_reuse 2>&1)
	[ "$v" = 2 ]
	ok $? "0: $k_reuse starts at 2 ($v)"
fi
counters_exist $hC
check_val "0: no TIME_WAIT entry in a new namespace" zero XtcpTimeWaitCurr 0

# ------------------------------------------------------------- 1: scale

section "1: $N1 connections closed by the client"
[ "$N1" != 50000 ] &&
	echo "# $kind kernel: $N1 connections instead of 50000 (too slow)"
P1=7101
sysctl_ns $C $k_reuse=0
serve srv1 $P1 $NP1
srv1=$last
if [ $fam = xtcp ]; then
	# The rate, to choose a tw_timeout outliving the whole run.
	tw_timeout $C 1
	churn cal $P1 $NP1 $CAL_N
	ok $? "1: a first run of $CAL_N connections ($done done, $rate a second)" ||
		diag "$tmp/cal.log"
	[ "$rate" -gt 0 ] || rate=100
	set_deadline 30
	while snap $hC cal && [ "${CTR[cal.XtcpTimeWaitCurr]}" != 0 ] &&
		! past_deadline; do
		nap 0.1
	done
	# The run, twice as long as the first run's rate says (the guest
	# may slow down meanwhile: the entries must outlive the reading of
	# /proc/net/xtcp), and that reading.
	TW1=$((N1 * 2 / rate + 20))
	debug_kernel && TW1=$((TW1 + 30))
	tw_timeout $C $TW1
else
	TW1=60
fi
echo "# 1: tw_timeout $TW1 s"
snap $hC 1a
slab 1a shrink
churn s1 $P1 $NP1 "$N1"
ok $? "1: $N1 connections: $done done, $failed failed, $ms ms, $rate a second" ||
	diag "$tmp/s1.log"
snap $hC 1b
snap $hS 1bs
slab 1b
now_us
left=$(((first + TW1 * 1000000 - now) / 1000))
echo "# 1: the first entry ends in $left ms"
if [ $left -lt 1000 ]; then
	echo "# 1: the run took too long for tw_timeout $TW1 s: entries may be ending already"
fi
check_val "1: XtcpTimeWaitCurr counts them" 1b XtcpTimeWaitCurr "$N1"
check_val "1: the server, which closed second, holds none" 1bs \
	XtcpTimeWaitCurr 0

# The slab cache: at least one object per entry, and how big.
if [ -z "${SL[1a.active]}" ] || [ -z "${SL[1b.active]}" ]; then
	ok 1 "1: no cache $cache in /proc/slabinfo (merged?)"
else
	grown=$((SL[1b.active] - SL[1a.active]))
	[ $grown -ge $((N1 - KFENCE)) ]
	ok $? "1: $cache grew by $grown active objects (at least $N1 less $KFENCE for KFENCE)"
	pages=$((SL[1b.pages] - SL[1a.pages]))
	# object_size: the structure; objsize adds debug metadata (KASAN).
	osize=$(cat "/sys/kernel/slab/$cache/object_size" 2>/dev/null)
	echo "# 1: bytes per entry: object ${osize:-?} (slot ${SL[1b.size]}), slab pages $((pages * 4096 / N1)) ($pages pages of 4096 for $N1)"
	if [ $fam = xtcp ]; then
		[ "${osize:-999}" -le 96 ]
		ok $? "1: an entry's object is at most 96 bytes (${osize:-?})"
	fi
fi

# /proc/net/xtcp: each entry of the run, as /proc/net/tcp shows TIME_WAIT,
# with the time it has left: read between b and e, so an entry ends
# between b and e + a tick (10 ms) after the time shown; that must be
# about tw_timeout after its making: not more than EARLY_MS earlier than
# tw_timeout after the server's close() (before its FIN left, so before
# the entry was made), nor more than SHOWN_MS later than tw_timeout after
# the client's EOF (after the FIN came; the reader may wake before the
# entry is made: the FIN wakes it before the socket gives way to the
# entry).  On an idle host the two are milliseconds apart.
b=${EPOCHREALTIME/./}
cat "/proc/$hC/net/$proc" >"$tmp/proc1.txt"
e=${EPOCHREALTIME/./}
echo "# 1: /proc/net/$proc read in $(((e - b) / 1000)) ms"
# The server's close times: written once it ends.
kill $srv1
wait $srv1
grep -v '^served ' "$tmp/srv1.log" | diag
# For the watch below: each entry's close time, in the order of TIMES
# (the last close of its ports: the first run's came before).
awk 'FNR == NR { c[$2 ":" $3] = $1; next }
	{ k = $2 ":" $3; if (k in c) print c[k], $2, $3 }' \
	"$tmp/srv1.closes" "$tmp/s1.times" >"$tmp/s1.births"
count_lines "$tmp/s1.births"
births=$n
awk -v tw=$((TW1 * 1000000)) -v b="$b" -v e="$e" \
	-v early=$((EARLY_MS * 1000)) -v shown=$((SHOWN_MS * 1000)) '
	function hex(s,  i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
		return v
	}
	f == 1 { born[sprintf("%04X:%04X", $2, $3)] = $1; next }
	f == 2 { want[sprintf("%04X:%04X", $2, $3)] = $1; n++; next }
	FNR == 1 { next }
	{
		split($2, l, ":"); split($3, r, ":")
		k = l[2] ":" r[2]
		if (!(k in want)) { other++; next }
		if (k in seen) { dup++; next }
		seen[k] = 1
		if ($4 != "06" || $5 != "00000000:00000000" ||
		    substr($6, 1, 3) != "03:" || $8 != 0 || $10 != 0) {
			if (bad++ < 3)
				print "wrong line:", $0
			next
		}
		if (!(k in born)) {
			if (unborn++ < 3)
				print "no close by the server:", $0
			next
		}
		left = hex(substr($6, 4)) * 10000
		lo = b + left - (want[k] + tw)
		hi = e + left + 10000 - (born[k] + tw)
		if (found++ == 0 || lo > maxlo) maxlo = lo
		if (found == 1 || hi < minhi) minhi = hi
		if (lo > shown && late_n++ < 3) print "ends late:", $0
		if (hi < -early && early_n++ < 3) print "ends early:", $0
	}
	END {
		printf "found %d of %d, %d wrong, %d twice, %d other, %d without a close; ends shown from %+d ms of tw_timeout after the close to %+d ms of it after the EOF\n",
			found, n, bad, dup, other, unborn, minhi / 1000, maxlo / 1000
		exit !(found == n && !bad && !dup && !unborn && !early_n &&
		       !late_n)
	}' f=1 "$tmp/srv1.closes" f=2 "$tmp/s1.times" f=3 "$tmp/proc1.txt" \
	>"$tmp/proc1-check.txt" 2>&1
r=$?
diag "$tmp/proc1-check.txt"
ok $r "1: /proc/net/$proc lists all $N1 entries: state 06, queues 0, timer 03 with the time left, uid 0, inode 0"
rm -f "$tmp/proc1.txt"

# Their end: the count every 50 ms until 0.
span=$(((last - first) / 1000000))
# shellcheck disable=SC2086
ip netns exec $C "$churn" $popt watch "$tmp/s1.times" $((TW1 * 1000)) 50 \
	$((span + TW1 + LATE_MS / 1000 + 60)) "$tmp/s1.births" \
	>"$tmp/watch1.log" 2>&1
r=$?
readfile "$tmp/watch1.log"
w=${content##*$'\n'watch }
read -r _ _ _ _ _ _ early _ late _ fgone _ agone <<<"$w"
grep -E '^(at|watch|fail)' "$tmp/watch1.log" | awk 'NR % 5 == 1 || /^(watch|fail)/' | diag
ok $r "1: every entry ended (the count reached 0)"
[ "$births" = "$N1" ] && [ "${early:-x}" -le $EARLY_MS ] 2>/dev/null
ok $? "1: none ended more than $EARLY_MS ms before tw_timeout after the server's close (at most ${early:-?} ms early; $births of $N1 closes known)"
[ "${late:-x}" -le $LATE_MS ] 2>/dev/null
ok $? "1: none ended more than $LATE_MS ms after tw_timeout after the client's EOF (at least one ${late:-?} ms late; the last gone ${agone:-?} ms after the youngest's end, the first ${fgone:-?} ms after the oldest's)"
snap $hC 1c
check_delta "1: XtcpTW counts every entry made" 1a 1c XtcpTW -eq "$N1"
check_delta "1: XtcpTWExpired counts every entry ended by the timer" 1a 1c XtcpTWExpired \
	-eq "$N1"
check_val "1: XtcpTimeWaitCurr back to 0" 1c XtcpTimeWaitCurr 0
count06 $hC
[ "$n" = 0 ]
ok $? "1: no TIME_WAIT line left in /proc/net/$proc ($n)"
slab 1c shrink
if [ -n "${SL[1c.active]}" ] && [ -n "${SL[1a.active]}" ]; then
	[ "${SL[1c.active]}" -le $((SL[1a.active] + SLAB_SLACK)) ]
	ok $? "1: $cache back to ${SL[1c.active]} active objects (${SL[1a.active]} before, slack $SLAB_SLACK)"
fi
delpair

# ------------------------------------------- 2, 3: FIN again, then resets

section "2: the final ACK lost: the FIN again, re-ACKed"
mkpair 2
tw_timeout $C $TW2
if [ $fam = xtcp ]; then
	sysctl_ns $S net.xtcp.rto_min_us=$RTO_MIN_US
else
	ip -n $S route replace 10.216.2.0/24 dev veth0 src $SA \
		rto_min $((RTO_MIN_US / 1000))ms || bail "route rto_min"
	sysctl_ns $C net.ipv4.tcp_rfc1337=1
fi
clsact $S
# The capture on S's end, checked after part 3.
sniff "$tmp/segs.txt"
sniffer=$last

P2=7201 C2=7251
peer $S srv2 listen $SA $P2 touch "$tmp/l2" accept recv 1 expect-eof \
	touch "$tmp/eof2" waitfile "$tmp/go2" close
srv2=$last
waitfile "$tmp/l2" $srv2 30 || { diag "$tmp/srv2.log"; bail "no listener"; }
peer $C cli2 connect $SA $P2 $C2 send 1 shutdown wr expect-eof close
cli2=$last
waitfile "$tmp/eof2" $srv2 30 || { diag "$tmp/srv2.log" "$tmp/cli2.log"; bail "no connection"; }
# The server closes; the client's ACK of its FIN is dropped at S.
cut_link $S
dev_rx $hS
rx2=$rxp
touch "$tmp/go2"
wait_st $hC $C2 $P2 06
ok $? "2: the client got the server's FIN: TIME_WAIT"
entb $hC $C2 $P2
e1lo=${dlo:-0} e1hi=${dhi:-0}
ent $hS $P2 $C2
[ "$sts" = "09 " ]
ok $? "2: the server waits in LAST_ACK, its FIN's ACK dropped (${sts:-no socket})"
# The ACK went out with the entry's making; its FIN comes back in 1 s.
# The link comes back once that ACK has reached the server's end, where
# tc drops it (not after a fixed time: a slow guest may not have got it
# there yet).  The softirq that drops it follows its arrival at once;
# uncut, a fork of tc, comes long after.
ack_arrived() { dev_rx $hS; [ "${rxp:-0}" -gt "$rx2" ]; }
WAIT_STEP=0.01 wait_until 30 ack_arrived ||
	echo "# 2: the client's ACK never reached the server's end"
uncut_link $S
wait_st $hS $P2 $C2 none 10
ok $? "2: the FIN sent again was ACKed: the server's LAST_ACK ended"
entb $hC $C2 $P2
e2lo=${dlo:-0} e2hi=${dhi:-0}
echo "# 2: the entry showed ${rem:-?} ms left; its end moved by $((e2lo - e1hi)) to $((e2hi - e1lo)) ms"
# At most the upper bound of the new end less the lower of the first.
[ "$sts" = "06 " ] && [ $((e2hi - e1lo)) -ge $((RTO_MIN_US / 2000)) ]
ok $? "2: TIME_WAIT restarted: its end moved by about the FIN's ${RTO_MIN_US}-µs gap ($((e2lo - e1hi)) to $((e2hi - e1lo)) ms)"
# How much time the entry had left when the FIN came again is checked
# against the capture below, not here: read now, it would count how long
# this shell took to look.
rem2=${rem:-?}
finished $cli2 cli2 "2: client: connect, a byte, FIN, the server's FIN, close"
finished $srv2 srv2 "2: server: accept, the byte, EOF, close"
gone $hC $C2 $P2 $e2lo $e2hi
gone_ok $e2lo $e2hi && [ $((g - e1lo)) -ge $((RTO_MIN_US / 2000)) ]
ok $? "2: the entry ended at its restarted end ($how; before $((${g:-0} - e1lo)) ms after the first end)"

section "3: resets into TIME_WAIT"
P3=7301 C3=7351
peer $S srv3 listen $SA $P3 touch "$tmp/l3" accept recv 1 expect-eof \
	touch "$tmp/eof3" waitfile "$tmp/go3" close
srv3=$last
waitfile "$tmp/l3" $srv3 30 || { diag "$tmp/srv3.log"; bail "no listener"; }
peer $C cli3 connect $SA $P3 $C3 send 1 shutdown wr expect-eof close
cli3=$last
waitfile "$tmp/eof3" $srv3 30 || { diag "$tmp/srv3.log" "$tmp/cli3.log"; bail "no connection"; }
# shellcheck disable=SC2086
ip netns exec $S "$churn" $popt rst $CA $P3 "$tmp/rstgo" >"$tmp/rst.log" 2>&1 &
inj=$!
bg_pids+=("$inj")
waitline "$tmp/rst.log" ready || { diag "$tmp/rst.log"; bail "no injector"; }
touch "$tmp/go3"
wait_st $hC $C3 $P3 06
ok $? "3: the client in TIME_WAIT"
entb $hC $C3 $P3
e3lo=${dlo:-0} e3hi=${dhi:-0}
waitline "$tmp/rst.log" ack
ok $? "3: the injector saw the client's last ACK"
snap $hC 3a
touch "$tmp/rstgo"
wait $inj
ok $? "3: two resets sent from the server's port" || diag "$tmp/rst.log"
# Until the client has taken them in, not a fixed time.
wait_until 30 grown $hC 3a XtcpInSegs 2
snap $hC 3b
ent $hC $C3 $P3
[ "$sts" = "06 " ]
ok $? "3: RFC 1337: the entry is still listed (${sts:-no socket})"
delta 3a 3b XtcpOutSegs
echo "# 3: the client sent $d segments after the resets; the entry's end shown $((now_ms + ${rem:-0} - e3hi)) ms from before"
check_delta "3: the client received them" 3a 3b XtcpInSegs -eq 2
check_delta "3: ... for the entry, not as without socket" 3a 3b \
	XtcpInNoSocket -eq 0
check_delta "3: ... checksums right" 3a 3b XtcpInCsumErrors -eq 0
finished $cli3 cli3 "3: client: connect, a byte, FIN, the server's FIN, close"
finished $srv3 srv3 "3: server: accept, the byte, EOF, close"
gone $hC $C3 $P3 $e3lo $e3hi
gone_ok $e3lo $e3hi
ok $? "3: the entry ended at its time all the same ($how)"

kill $sniffer
wait $sniffer
readfile "$tmp/segs.txt.log"
echo "# 2, 3: $content"

# The time left once TIME_WAIT restarted: the end shown (at most e2hi)
# less the capture time of the server's last FIN, which restarted it.
lastfin=$(awk -v C=$C2 -v P=$P2 '$2 == P && $3 == C && $4 ~ /F/ { t = $1 }
	END { if (t) printf "%.0f", t * 1000 }' "$tmp/segs.txt")
left2=$((e2hi - ${lastfin:-e2hi}))
[ -n "$lastfin" ] && [ $left2 -ge $((TW2 * 1000 - 2 * EARLY_MS - 200)) ]
ok $? "2: the time left went back up to about tw_timeout ($left2 of $((TW2 * 1000)) ms at the last FIN; $rem2 when read)"

# The server's FIN with one sequence number F, then again 1 s later (and
# maybe 2 s after that, if the link came back late, as on the debug
# kernel), each ACKed (the ACKs before the link came back dropped by tc
# after the capture saw them): seq the client's FIN + 1, ack F + 1, soon
# after the FIN; and the end shown after the last one (between e2lo and
# e2hi) matched its time plus tw_timeout.
awk -v C=$C2 -v P=$P2 -v lo="$e2lo" -v hi="$e2hi" -v tw=$((TW2 * 1000)) \
	-v tol=$((2 * EARLY_MS)) -v acktol=$((5 * EARLY_MS)) '
	function mod(x) { return x % 4294967296 }
	$2 == P && $3 == C && $4 ~ /F/ {
		fins++
		if (fins == 1) f = $5
		else if ($5 != f) bad = bad " FIN seq " $5 " not " f
		ft[fins] = $1
		next
	}
	$2 == C && $3 == P && $4 ~ /F/ { cnxt = mod($5 + $7 + 1); next }
	$2 == C && $3 == P && fins {
		if (!acks[fins]++ && ($1 - ft[fins]) * 1000 > acktol)
			bad = bad " ACK of FIN " fins " " $1 - ft[fins] " s late"
		if ($6 != mod(f + 1) || $5 != cnxt)
			bad = bad " ACK " $5 "/" $6 " not " cnxt "/" mod(f + 1)
	}
	END {
		printf "server FINs: %d, gaps", fins
		for (i = 2; i <= fins; i++)
			printf " %.3f s", ft[i] - ft[i - 1]
		printf "; client ACKs after each:"
		for (i = 1; i <= fins; i++)
			printf " %d", acks[i]
		printf "\n"
		if (fins < 2) bad = bad " " fins + 0 " FINs"
		for (i = 1; i <= fins; i++)
			if (!acks[i]) bad = bad " no ACK of FIN " i
		dl = lo / 1000 - (ft[fins] + tw / 1000)
		dh = hi / 1000 - (ft[fins] + tw / 1000)
		printf "the end shown after it: %+.3f to %+.3f s from the last FIN plus tw_timeout\n", dl, dh
		if (dh < -tol / 1000 || dl > tol / 1000) bad = bad " the end off"
		if (bad != "") print "wrong:" bad
		exit bad != ""
	}' "$tmp/segs.txt" >"$tmp/check2.txt"
r=$?
diag "$tmp/check2.txt"
[ $r = 0 ] || awk -v C=$C2 '$2 == C || $3 == C' "$tmp/segs.txt" | diag
ok $r "2: captured the FIN again (same seq), the client's ACK of each, TIME_WAIT restarted from the last"

delpair

# ----------------------------------------------------- 4: SYN (RFC 6191)

section "4: a new SYN ends the server's TIME_WAIT (RFC 6191)"
mkpair 4
tw_timeout $S 60
# A SYN the entry refuses fails connect() in 3 s, not 2 minutes.
sysctl_ns $C $k_synretries=1
P4=7401 C4=7451
sniff "$tmp/segs4.txt"
sniffer=$last
# The server closes first each time: the first connection, the one
# checked step by step, then K4 more with timestamps, then 2 without.
loop=""
for _ in $(seq $((K4 + 2))); do
	loop+=" accept close"
done
# shellcheck disable=SC2086
peer $S srv4 listen $SA $P4 touch "$tmp/l4" accept close accept \
	touch "$tmp/acc4" expect-state ESTABLISHED waitfile "$tmp/go4" close \
	$loop
srv4=$last
waitfile "$tmp/l4" $srv4 30 || { diag "$tmp/srv4.log"; bail "no listener"; }
peer $C cli4 connect $SA $P4 $C4 expect-eof close
finished $last cli4 "4: client: connect, the server's FIN, close"
wait_st $hS $P4 $C4 06
ok $? "4: the server, which closed first, holds TIME_WAIT"
wait_st $hC $C4 $P4 none
ok $? "4: the client's side is closed"
snap $hS 4a
check_val "4: one entry on the server" 4a XtcpTimeWaitCurr 1
peer $C cli4b connect $SA $P4 $C4 expect-state ESTABLISHED touch "$tmp/c4" \
	expect-eof close
cli4b=$last
waitfile "$tmp/acc4" $cli4b 10
ok $? "4: connect() again from the same port: the server accepted it" ||
	diag "$tmp/cli4b.log" "$tmp/srv4.log"
waitfile "$tmp/c4" $cli4b 10
ent $hS $P4 $C4
snap $hS 4b
[ "$sts" = "01 " ]
ok $? "4: the entry is gone, the new connection ESTABLISHED (${sts:-no socket})"
check_delta "4: XtcpTWReopened counts the entry the SYN ended" 4a 4b \
	XtcpTWReopened -eq 1
check_val "4: no entry left on the server" 4b XtcpTimeWaitCurr 0
check_delta "4: a passive open" 4a 4b XtcpPassiveOpens -eq 1
touch "$tmp/go4"
finished $cli4b cli4b "4: client: connect, ESTABLISHED, the server's FIN, close"

# reconnect NAME N: N connections in turn from port C4, each closed by the
# server first, so each SYN meets the entry of the one before; n, those
# made.
reconnect() {
	local cmds=""

	wait_st $hS $P4 $C4 06
	for _ in $(seq "$2"); do
		# The client's LAST_ACK must end before the port is taken.
		cmds+=" connect $SA $P4 $C4 expect-eof close sleep 300"
	done
	# shellcheck disable=SC2086
	peer $C "$1" $cmds
	wait $last
	n=$(grep -c "connected from port $C4" "$tmp/$1.log")
}
snap $hS 4c
reconnect cli4c $K4
snap $hS 4d
[ "$n" = $K4 ]
ok $? "4: $K4 more SYNs from the same port (timestamps on, each with a new connection's TSval): $n connected" ||
	diag "$tmp/cli4c.log"
check_delta "4: ... each ended an entry" 4c 4d XtcpTWReopened -eq $K4
sysctl_ns $C $k_timestamps=0
reconnect cli4d 2
snap $hS 4e
[ "$n" = 2 ]
ok $? "4: without timestamps, by sequence number alone: $n of 2 connected" ||
	diag "$tmp/cli4d.log"
check_delta "4: ... each ended an entry" 4d 4e XtcpTWReopened -eq 2
kill $srv4 2>/dev/null
kill $sniffer
wait $sniffer
# Each new SYN's TSval against the last the entry had from that port (its
# TS.Recent), and whether a SYN-ACK answered it.
awk -v C=$C4 -v P=$P4 '
	function newer(a, b,  d) {
		d = a - b
		if (d >= 2147483648) d -= 4294967296
		if (d < -2147483648) d += 4294967296
		return d > 0
	}
	$2 == C && $3 == P && $4 == "S" {
		if ($5 in seen) next
		seen[$5] = ++n
		syn[n] = $5
		rel[n] = $8 == "-" ? "no timestamp" : last == "" ? "first" : \
			newer($8, last) ? "newer TSval" : "older TSval"
		next
	}
	$2 == C && $3 == P && $8 != "-" { last = $8 }
	$2 == P && $3 == C && $4 == "SA" { answered[($6 + 4294967295) % 4294967296] = 1 }
	END {
		for (i = 2; i <= n; i++) {
			k = rel[i] ", " (syn[i] in answered ? "answered" : "refused")
			count[k]++
		}
		for (k in count)
			printf "4: SYNs from port %d with a %s: %d\n", C, k, count[k]
	}' "$tmp/segs4.txt" | diag
delpair

# ------------------------------------------------------ 5: max_tw_buckets

section "5: max_tw_buckets 100, 150 connections"
mkpair 5
tw_timeout $C 60
sysctl_ns $C $k_max=100
serve srv5 7501 1
srv5=$last
snap $hC 5a
churn s5 7501 1 150 16
ok $? "5: 150 connections ($done done, $failed failed)" || diag "$tmp/s5.log"
snap $hC 5b
check_val "5: XtcpTimeWaitCurr stops at 100" 5b XtcpTimeWaitCurr 100
count06 $hC
[ "$n" = 100 ] && [ "$lines" = 100 ]
ok $? "5: /proc/net/$proc: 100 entries, nothing else ($n TIME_WAIT of $lines)"
check_delta "5: the other 50 closed at once, counted" 5a 5b \
	XtcpTimeWaitOverflow -eq 50
if [ $fam = xtcp ]; then
	# All due at once: tw_timeout lowered under them applies to them,
	# and the timer frees them in batches.
	sysctl_ns $C $k_max=262144
	churn s5b 7501 1 $N5
	ok $? "5: $N5 more connections ($done done, $failed failed)" ||
		diag "$tmp/s5b.log"
	snap $hC 5c
	check_val "5: $((N5 + 100)) entries" 5c XtcpTimeWaitCurr $((N5 + 100))
	nap 1
	# The write is done by a (the fork of sysctl may take long on a
	# loaded host); entries were still there at seen, the start of the
	# last reading that counted some: the kernel took at least seen - a
	# after the write.  The wait for them: a failure's, far above.
	b=${EPOCHREALTIME/./}
	tw_timeout $C 1
	a=${EPOCHREALTIME/./}
	seen=$a
	set_deadline $((10 + LATE_MS / 1000))
	while rb=${EPOCHREALTIME/./} && snap $hC 5d &&
		[ "${CTR[5d.XtcpTimeWaitCurr]}" != 0 ] && ! past_deadline; do
		seen=$rb
		nap 0.02
	done
	e=${EPOCHREALTIME/./}
	[ "${CTR[5d.XtcpTimeWaitCurr]}" = 0 ] &&
		[ $(((seen - a) / 1000)) -le $LATE_MS ]
	ok $? "5: tw_timeout lowered to 1 s, all older than that: all $((N5 + 100)) gone less than $LATE_MS ms after the write (some still there $(((seen - a) / 1000)) ms after it, none $(((e - a) / 1000)) ms after; the write took $(((a - b) / 1000)) ms; ${CTR[5d.XtcpTimeWaitCurr]} left)"
	check_delta "5: XtcpTWExpired counts them" 5c 5d XtcpTWExpired -eq $((N5 + 100))
	count06 $hC
	[ "$lines" = 0 ]
	ok $? "5: /proc/net/$proc is empty ($lines lines)"
fi
kill $srv5
delpair

# ------------------------------------------------------------ 6: tw_reuse

section "6: tw_reuse: connect() takes an entry over"
mkpair 6
tw_timeout $C 60
P6=7601 C6=7651
sysctl_ns $C $k_reuse=0 "$k_range=$C6 $C6"
peer $S srv6 listen $SA $P6 touch "$tmp/l6" accept recv 1 expect-eof close \
	accept touch "$tmp/acc6" expect-eof close
srv6=$last
waitfile "$tmp/l6" $srv6 30 || { diag "$tmp/srv6.log"; bail "no listener"; }
peer $C cli6 connect $SA $P6 send 1 shutdown wr expect-eof close
cli6=$last
finished $cli6 cli6 "6: client: connect (port $C6, the only one), FIN, close"
wait_st $hC $C6 $P6 06
ok $? "6: the client holds TIME_WAIT on its only port"
tw_ms=$now_ms
peer $C cli6b expect-errno EADDRNOTAVAIL connect $SA $P6
finished $last cli6b "6: tw_reuse 0: connect() to the same destination fails with EADDRNOTAVAIL"
# The entry's last timestamp, the server's FIN, must be over 1 s old.
while [ $((${EPOCHREALTIME/./} / 1000 - tw_ms)) -lt 1500 ]; do
	nap 0.1
done
sysctl_ns $C $k_reuse=2
peer $C cli6c expect-errno EADDRNOTAVAIL connect $SA $P6
finished $last cli6c "6: tw_reuse 2: still EADDRNOTAVAIL over veth (loopback only)"
snap $hC 6a
sysctl_ns $C $k_reuse=1
peer $C cli6d connect $SA $P6 expect-state ESTABLISHED touch "$tmp/c6" \
	waitfile "$tmp/go6" shutdown wr expect-eof close
cli6d=$last
waitfile "$tmp/c6" $cli6d 30
ok $? "6: tw_reuse 1, the entry's timestamp 1.5 s old: connect() succeeds" ||
	diag "$tmp/cli6d.log"
grep -q "connected from port $C6" "$tmp/cli6d.log"
ok $? "6: ... from port $C6"
ent $hC $C6 $P6
snap $hC 6b
[ "$sts" = "01 " ]
ok $? "6: the entry gave way to the new connection (${sts:-no socket})"
check_delta "6: XtcpTWRecycled counts it" 6a 6b XtcpTWRecycled -eq 1
touch "$tmp/go6"
finished $cli6d cli6d "6: client: the new connection closes"
finished $srv6 srv6 "6: server: both connections, EOF"

# Over loopback, in C alone, tw_reuse 2 applies.
PL=7602
peer $C srvl listen 127.0.0.1 $PL touch "$tmp/ll" accept recv 1 \
	expect-eof close accept expect-eof close
srvl=$last
waitfile "$tmp/ll" $srvl 30 || { diag "$tmp/srvl.log"; bail "no listener"; }
wait_st $hC $C6 $P6 06 30
sysctl_ns $C $k_reuse=0
peer $C clil connect 127.0.0.1 $PL send 1 shutdown wr expect-eof close
finished $last clil "6: loopback: connect (port $C6), FIN, close"
wait_st $hC $C6 $PL 06
ok $? "6: loopback: the client holds TIME_WAIT"
tw_ms=$now_ms
peer $C clil2 expect-errno EADDRNOTAVAIL connect 127.0.0.1 $PL
finished $last clil2 "6: loopback, tw_reuse 0: EADDRNOTAVAIL"
while [ $((${EPOCHREALTIME/./} / 1000 - tw_ms)) -lt 1500 ]; do
	nap 0.1
done
snap $hC 6c
sysctl_ns $C $k_reuse=2
peer $C clil3 connect 127.0.0.1 $PL shutdown wr expect-eof close
finished $last clil3 "6: loopback, tw_reuse 2, 1.5 s later: connect() succeeds"
snap $hC 6d
check_delta "6: loopback: XtcpTWRecycled counts it" 6c 6d XtcpTWRecycled -eq 1
finished $srvl srvl "6: loopback server: both connections"
delpair

# -------------------------------------------- 7: namespace deletion, rmmod

if [ $fam = xtcp ]; then
	section "7: $N7 entries: their namespace deleted, then the module unloaded"
	mkpair 7
	tw_timeout $C 600
	serve srv7 7701 4
	srv7=$last
	slab 7a shrink
	churn s7 7701 4 $N7
	ok $? "7: $N7 connections ($done done, $failed failed, $ms ms)" ||
		diag "$tmp/s7.log"
	snap $hC 7b
	check_val "7: $N7 entries" 7b XtcpTimeWaitCurr $N7
	kill $srv7
	wait $srv7 2>/dev/null
	delpair
	b=${EPOCHREALTIME/./}
	set_deadline 120
	while slab 7c shrink &&
		[ "${SL[7c.active]:-0}" -gt $((SL[7a.active] + SLAB_SLACK)) ] &&
		! past_deadline; do
		nap 0.5
	done
	[ -n "${SL[7c.active]}" ] &&
		[ "${SL[7c.active]}" -le $((SL[7a.active] + SLAB_SLACK)) ]
	ok $? "7: the namespaces deleted: $cache back to ${SL[7c.active]} active objects (${SL[7a.active]} before) in $(((${EPOCHREALTIME/./} - b) / 1000)) ms"

	mkpair 7
	tw_timeout $C 600
	serve srv7 7701 4
	srv7=$last
	# A capture, to see that rmmod sends nothing (and that it works: it
	# sees the connections' segments).
	sniff "$tmp/segs7.txt"
	sniffer=$last
	churn s7 7701 4 $N7
	ok $? "7: $N7 connections again ($done done, $failed failed)" ||
		diag "$tmp/s7.log"
	snap $hC 7d
	check_val "7: $N7 entries" 7d XtcpTimeWaitCurr $N7
	kill $srv7
	wait $srv7 2>/dev/null
	# Sockets of earlier tests may still pin the module (FIN_WAIT_2).
	set_deadline 150
	while [ "$(cat /sys/module/xtcp/refcnt)" != 0 ] && ! past_deadline; do
		nap 1
	done
	echo "# 7: module reference count $(cat /sys/module/xtcp/refcnt)"
	params=()
	for p in /sys/module/xtcp/parameters/*; do
		[ -r "$p" ] && params+=("${p##*/}=$(cat "$p")")
	done
	count_lines "$tmp/segs7.txt"
	before=$n
	rmmod xtcp
	ok $? "7: rmmod with $N7 entries in a namespace"
	[ ! -d /sys/module/xtcp ] && ! grep -q "^$cache " /proc/slabinfo
	ok $? "7: the module and its $cache cache are gone"
	nap 2
	kill $sniffer
	wait $sniffer
	count_lines "$tmp/segs7.txt"
	[ "$before" -ge $((N7 * 5)) ] && [ "$n" = "$before" ]
	ok $? "7: the entries went silently: no segment on the wire after rmmod ($((n - before)); $before before it)"
	insmod "$XTCP_MODDIR/xtcp.ko" "${params[@]}"
	ok $? "7: the module loads again (${params[*]})"
	snap $hC 7e
	count06 $hC
	[ "${CTR[7e.XtcpTimeWaitCurr]:-x}" = 0 ] && [ "$lines" = 0 ]
	ok $? "7: the namespace that stayed starts empty (${CTR[7e.XtcpTimeWaitCurr]:-?} entries, $lines lines)"
	delpair
fi

section "done"
tap_end
