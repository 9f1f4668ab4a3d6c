#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The machine's memory and the orphans (src/xtcp_mem.c), checked against
# what Linux TCP does in the same situations (XTCP_TEST_FAMILY=tcp): its
# knobs tcp_mem and tcp_max_orphans, its sockstat line, its counters.
# The knobs are the machine's: this test sets them in the guest's initial
# namespace and puts them back on exit (tests run one at a time).
#
#  0. net.xtcp.mem (three ordered page counts) and net.xtcp.max_orphans
#     exist in the initial namespace only; /proc/net/xtcp_sockstat has
#     sockstat's TCP line; /proc/net/protocols shows XTCP's memory and
#     pressure.
#  1. Charged and given back: N connections each bring SIZE bytes to a
#     server that reads nothing, with a receive buffer of RBUF (rmem's
#     default in B; the client's send buffers at most WBUF): the receive
#     queues hold more than CAP bytes (part 2's bound), and the memory
#     the sockstat line shows covers them, but for the pages each CPU
#     may keep uncounted (net.core.mem_pcpu_rsv); segments in sequence
#     were coalesced into the queues' last skbs.  Then the server reads
#     everything, every byte of each stream in order, the connections
#     close, and the memory comes back to where it was.
#  2. Pressure: the same with net.xtcp.mem at "LOW PRESS HARD" pages more
#     than the count shows when it starts.  The counter of pressures
#     grows (in the namespace of whichever socket met it), the
#     /proc/net/protocols says "yes", the receive queues hold less than
#     CAP bytes (the hard limit, the pages each CPU may keep uncounted,
#     and one segment a connection: TCP takes the first segment of an
#     empty queue whatever the memory).  Then mem is set back, the
#     server reads, every byte arrives in order, the pressure ends
#     ("no") and its time is counted.
#  3. Orphans: net.xtcp.max_orphans at ORPH more than the orphans left;
#     the client fills NO connections that the server does not read and
#     closes them GAP ms apart.  A close that makes one orphan too many
#     sends its FIN and a reset and frees the socket (XtcpAbortOnMemory):
#     NO - ORPH of them for XTCP.  Linux TCP compares a count cached
#     every 100 ms and made before the closing socket joins it, so one
#     more orphan lives there: NO - ORPH - 1 resets.  The server sees
#     those connections reset, and the others' data whole, up to EOF.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
peer=$XTCP_TOP/build/userspace/helpers/mem_peer
test_init memory '*.log'
need "$peer"

AA=10.223.0.1 AB=10.223.0.2
P1=7901 P2=7902 P3=7903
N=6 SIZE=3145728		# 1, 2
RBUF=2097152			# 1, 2: rmem's default in B
WBUF=1048576			# wmem's maximum in A: the client stalls
# Pages each CPU may hold uncounted (net.core.mem_pcpu_rsv, at least 256).
readfile /proc/sys/net/core/mem_pcpu_rsv
slop=$(($(nproc) * ${content:-256}))
# 2: pages above the count at its start: far above what the CPUs may
# keep uncounted, as on a real machine.
LOW=$((slop / 2)) PRESS=$slop HARD=$((2 * slop))
# 2: the most the receive queues may hold under the hard limit; 1: the
# queues hold more without it.
CAP=$(((HARD + slop) * 4096 + N * 131072))
NO=5 ORPH=2 GAP=300		# 3
counters="XtcpMemoryPressures XtcpMemoryPressuresChrono XtcpAbortOnMemory
	XtcpRcvQDrop XtcpRcvCoalesce"

if [ $fam = xtcp ]; then
	memk=net.xtcp.mem orphk=net.xtcp.max_orphans
	rmemk=net.xtcp.rmem wmemk=net.xtcp.wmem
	sockstat=xtcp_sockstat line=XTCP: prot=XTCP
else
	memk=net.ipv4.tcp_mem orphk=net.ipv4.tcp_max_orphans
	rmemk=net.ipv4.tcp_rmem wmemk=net.ipv4.tcp_wmem
	sockstat=sockstat line=TCP: prot=TCP
fi

mem0=$(sysctl -n $memk) || bail "no $memk"
orph0=$(sysctl -n $orphk) || bail "no $orphk"
on_exit "sysctl -qw $memk='$mem0' $orphk=$orph0"

ns_pair $AA $AB
ip netns exec "$B" sysctl -qw $rmemk="4096 $RBUF 6291456" ||
	bail "$rmemk in B"
ip netns exec "$A" sysctl -qw $wmemk="4096 16384 $WBUF" || bail "$wmemk in A"

# stat KEY: the sockstat line of B's namespace as ST[KEY.inuse] ...
declare -A ST
stat() {
	local w i

	while read -ra w; do
		[ "${w[0]}" = $line ] || continue
		for ((i = 1; i + 1 < ${#w[@]}; i += 2)); do
			ST[$1.${w[$i]}]=${w[$((i + 1))]}
		done
	done <"/proc/$hB/net/$sockstat"
}

# pressure: press, the "press" column of /proc/net/protocols.
pressure() {
	local w

	press=
	while read -ra w; do
		[ "${w[0]}" = $prot ] && press=${w[4]}
	done </proc/net/protocols
}

# recvq PORT: rq, the bytes B's connections on PORT hold unread.
recvq() {
	local la q lp

	printf -v lp %04X "$1"
	rq=0
	while read -r _ la _ _ q _; do
		[ "${la#*:}" = "$lp" ] || continue
		rq=$((rq + 16#${q#*:}))
	done 2>/dev/null <"/proc/$hB/net/$proc"
}

# stalled NAME: true once the client's log says it stalled.
stalled() { readfile "$tmp/$1.log"; [[ $content == *stalled* ]]; }

# run_fill PART PORT: the server and the client of parts 1 and 2, the
# client stalled: rqmax, the most B's queues held while it was.
run_fill() {
	local p=$2

	spawn $B s$1 120 "$peer" -L "$tmp/l$1" -W "$tmp/go$1" serve $AB "$p" $N
	waitfile "$tmp/l$1" $last || bail "$1: no listener"
	spid=$last
	spawn $A c$1 120 "$peer" -s 1500 fill $AB "$p" $N $SIZE
	cpid=$last
	wait_until 60 stalled c$1 || bail "$1: the client never stalled"
	rqmax=0
	for _ in 1 2 3 4 5; do
		recvq "$p"
		[ $rq -gt $rqmax ] && rqmax=$rq
		nap 0.1
	done
}

# streams_ok PART WANT: one test point, the server read SIZE bytes of
# every stream in order (WANT: "eof" for all).
streams_ok() {
	local n

	n=$(grep -c "bytes $SIZE end eof stream ok" "$tmp/s$1.log")
	[ "$n" = $N ]
	ok $? "$1: all $N streams of $SIZE bytes arrived whole and in order ($n)" ||
		diag "$tmp/s$1.log"
}

# ------------------------------------------------------------------ part 0
section "0: knobs and tables"
[ -r /proc/sys/${memk//.//} ] && [ -r /proc/sys/${orphk//.//} ] &&
	! ip netns exec "$A" test -e /proc/sys/${memk//.//}
ok $? "0: $memk ($mem0) and $orphk ($orph0) in the initial namespace only"
stat base
[ -n "${ST[base.inuse]:-}" ] && [ -n "${ST[base.orphan]:-}" ] &&
	[ -n "${ST[base.tw]:-}" ] && [ -n "${ST[base.alloc]:-}" ] &&
	[ -n "${ST[base.mem]:-}" ]
ok $? "0: /proc/net/$sockstat: $(grep "^$line" /proc/$hB/net/$sockstat)"
pressure
[ "$press" = no ]
ok $? "0: /proc/net/protocols: $prot's pressure is '$press'"

# ------------------------------------------------------------------ part 1
section "1: charged and given back"
snap $hB b1
stat b1
run_fill 1 $P1
stat held1
[ $rqmax -gt $CAP ]
ok $? "1: the receive queues hold $rqmax bytes (more than $CAP)"
# What is charged covers the queues (truesize: more than the data).
[ $((${ST[held1.mem]} - ${ST[b1.mem]})) -ge $((rqmax / 4096 - slop)) ]
ok $? "1: memory went from ${ST[b1.mem]} to ${ST[held1.mem]} pages"
snap $hB h1
# Data in sequence joins the queue's last skb: fewer skbs, less memory.
check_delta "1: segments coalesced in the receive queues" b1 h1 \
	XtcpRcvCoalesce -ge $((N * 16))
touch "$tmp/go1"
finished $spid s1 "1: the server read everything"
finished $cpid c1 "1: the client sent and closed"
streams_ok 1
back() { stat now; [ $((${ST[now.mem]} - ${ST[b1.mem]})) -le $slop ]; }
wait_until 20 back
ok $? "1: memory back to ${ST[now.mem]} pages (${ST[b1.mem]} before)"

# ------------------------------------------------------------------ part 2
section "2: pressure"
snap $hA ab2
snap $hB bb2
stat b2
m=${ST[b2.mem]}
sysctl -qw $memk="$((m + LOW)) $((m + PRESS)) $((m + HARD))" || bail "$memk"
CAP=$((CAP + m * 4096))
run_fill 2 $P2
pressure
press2=$press
snap $hA ah2
snap $hB bh2
[ $rqmax -le $CAP ]
ok $? "2: the receive queues hold $rqmax bytes (at most $CAP)"
[ "$press2" = yes ]
ok $? "2: /proc/net/protocols: $prot's pressure is '$press2' while held"
# both_delta DESC NAME KEY1 KEY2: one point, NAME grew in A or B.
both_delta() {
	local da db

	delta a$3 a$4 "$2"
	da=$d
	delta b$3 b$4 "$2"
	db=$d
	[ "$da" != missing ] && [ "$db" != missing ] && [ $((da + db)) -ge 1 ]
	ok $? "$1 ($cname +$da in A, +$db in B)"
}
both_delta "2: pressure entered" XtcpMemoryPressures b2 h2
sysctl -qw $memk="$mem0"
touch "$tmp/go2"
finished $spid s2 "2: the server read everything"
finished $cpid c2 "2: the client sent and closed"
streams_ok 2
left() { pressure; [ "$press" = no ]; }
wait_until 20 left
ok $? "2: the pressure ended ('$press')"
snap $hA aa2
snap $hB ba2
both_delta "2: its time counted" XtcpMemoryPressuresChrono b2 a2
show_deltas "2: A" ab2 aa2
show_deltas "2: B" bb2 ba2

# ------------------------------------------------------------------ part 3
section "3: orphans"
few() { stat now; [ "${ST[now.orphan]}" -le 0 ]; }
wait_until 30 few
orphans=${ST[now.orphan]}
sysctl -qw $orphk=$((orphans + ORPH)) || bail "$orphk"
snap $hA b3
spawn $B s3 120 "$peer" -b 4096 -L "$tmp/l3" -W "$tmp/go3" serve $AB $P3 $NO
waitfile "$tmp/l3" $last || bail "3: no listener"
spid=$last
spawn $A c3 120 "$peer" -s 1000 -g $GAP -W "$tmp/close3" fill $AB $P3 $NO \
	100000000
cpid=$last
wait_until 60 stalled c3 || bail "3: the client never stalled"
touch "$tmp/close3"
finished $cpid c3 "3: the client filled $NO connections and closed them"
stat closed3
snap $hA a3
want=$((NO - ORPH))
[ $fam = tcp ] && want=$((want - 1))
check_delta "3: closes over the limit reset" b3 a3 XtcpAbortOnMemory -eq $want
[ $((${ST[closed3.orphan]} - orphans)) -le $((NO - want)) ]
ok $? "3: orphans ${ST[closed3.orphan]} (${orphans} before, $((NO - want)) more at most)"
touch "$tmp/go3"
finished $spid s3 "3: the server read all it could"
resets=$(grep -c "end ECONNRESET" "$tmp/s3.log")
[ "$resets" = $want ]
ok $? "3: $resets connections reset at the server, want $want" ||
	diag "$tmp/s3.log"
# The others carried all the client queued, and their FIN: each of the
# server's streams that ended at EOF has as many bytes as one the client
# queued, one for one.
whole=$(awk 'FNR == NR { if ($1 == "queued") q[$4]++; next }
	$1 == "conn" && $6 == "eof" && $8 == "ok" && q[$4] > 0 { q[$4]--; n++ }
	END { print n + 0 }' "$tmp/c3.log" "$tmp/s3.log")
[ "$whole" = $((NO - want)) ]
ok $? "3: $whole connections delivered all their client queued, up to EOF" ||
	diag "$tmp/s3.log" "$tmp/c3.log"
sysctl -qw $orphk=$orph0
drained() { stat now; [ "${ST[now.orphan]}" -le "$orphans" ]; }
wait_until 30 drained
ok $? "3: the orphans are gone (${ST[now.orphan]})"

tap_end
