#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown under load: netns_teardown.sh at scale.  N connections
# (XTCP_TD_CONNS; 10000 on the stock kernel, 1000 on the debug one)
# spread over every state, between three namespaces joined by veth: A
# the clients, B the servers, C clients whose incoming packets are
# dropped (helpers/td_conns makes and holds them, one process a group,
# nothing forked per connection).  Of N:
#
#   30% ESTABLISHED idle (A - B)
#   10% ESTABLISHED with data both ways, neither end reading: unread
#       receive queues, full send queues (A - B)
#    5% FIN_WAIT_1 in A, its FIN behind data B's closed window holds up;
#       B ESTABLISHED with a full receive queue
#    5% FIN_WAIT_2 in A, LAST_ACK in B, B's FIN behind data A never reads
#   10% FIN_WAIT_2 in A, CLOSE_WAIT in B
#   25% TIME_WAIT entries in A (A closed first; net.xtcp.tw_timeout 600)
#   10% SYN_SENT in C, SYN_RECV in B: C never sees the SYN-ACKs
#    5% to a listener of B with backlog 8 that never accepts: its accept
#       queue full, ESTABLISHED in A for those it holds, SYN_SENT for
#       the rest
#
# and a listener each in B.  Each planned state must be in
# /proc/net/xtcp, and bytes queued both ways.  Then:
#
#  1. rmmod is refused (busy), with the module still loaded and the
#     connections as they were.  The namespaces' names are deleted while
#     the processes hold their sockets: the namespaces live on, every
#     socket still listed.  The processes are killed: within a bound
#     (XTCP_TD_BOUND, 300 s) the module's reference count and the slab
#     caches XTCP, xtcp_request and xtcp_tw come back to where they were,
#     and so does the slab net_namespace (the kernel frees a dead
#     namespace's object at the next namespace's cleanup: the test makes
#     and deletes one for that); XTCP's socket count of
#     /proc/net/protocols (per namespace) in the test's own namespace is
#     unchanged.
#  2. Again (XTCP_TD_CONNS2 connections, default N), the processes killed
#     first and the namespaces' names deleted at once, under the orphans,
#     TIME_WAIT entries and half-open connections left; the same checks.
#  3. rmmod then succeeds, insmod (the same parameters) too, and a socket
#     opens.  The module is left loaded.
#
# The VM's verdict checks lockdep, KASAN, kmemleak and the rest.  Cannot
# share a guest with another XTCP test: it reads the module's reference
# count and global slab caches, sets net.xtcp.mem (put back at the end)
# and reloads the module.  XTCP only (XTCP_TEST_FAMILY=tcp skips it:
# what it checks is XTCP's module).

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
td=$XTCP_TOP/build/userspace/helpers/td_conns
ko=$XTCP_MODDIR/xtcp.ko
test_init teardown_load '*.log'
need "$td"

if [ "$fam" != xtcp ]; then
	skip "teardown under load" "XTCP's module, slab caches and sysctls only"
	tap_end
	exit
fi

# N for round 1, N2 for round 2: by default 10000 on the stock kernel
# (about a minute under TCG), 1000 on the debug one (about three
# minutes: it makes some 15 connections a second).
if debug_kernel; then
	N=${XTCP_TD_CONNS:-1000}
else
	N=${XTCP_TD_CONNS:-10000}
fi
N2=${XTCP_TD_CONNS2:-$N}
AA=10.231.0.1 AB=10.231.0.2	# A - B
CB=10.231.1.1 CC=10.231.1.2	# B - C
P_IDLE=8001 P_DATA=8002 P_FW1=8003 P_LA=8004 P_CW=8005 P_TW=8006
P_HO=8007 P_AQ=8008
AQ_BACKLOG=8
SLAB_SLACK=256		# per-CPU slabs, other users of a merged cache

loaded() { [ -d /sys/module/xtcp ]; }
on_exit 'loaded || insmod "$ko"'
refcnt() { cat /sys/module/xtcp/refcnt 2>/dev/null || echo -1; }

# Thousands of sockets in a few processes.
ulimit -Hn 1048576 2>/dev/null
ulimit -n 1048576 2>/dev/null || ulimit -n 65536 || bail "ulimit -n"

# The buffers of the connections with data, at most (the stock kernel's
# pressure would start near 100 MB in a 2 GB guest): a quarter, a third
# and half of the guest's memory.
mem0=$(sysctl -n net.xtcp.mem) || bail "no net.xtcp.mem"
on_exit "loaded && sysctl -qw net.xtcp.mem='$mem0'"
while read -r k v _; do
	[ "$k" = MemTotal: ] && memkb=$v
done </proc/meminfo
sysctl -qw net.xtcp.mem="$((memkb / 16)) $((memkb / 12)) $((memkb / 8))" ||
	bail "net.xtcp.mem"

# slabs KEY: SB[KEY.CACHE], the active objects of each cache of
# $fam_caches (lib.bash's slab) and of net_namespace ("" when
# /proc/slabinfo does not list it: merged), all given back their empty
# per-CPU slabs first.
slabs() {
	local name active

	slab "$1"
	[ -w /sys/kernel/slab/net_namespace/shrink ] &&
		echo 1 >/sys/kernel/slab/net_namespace/shrink
	SB[$1.net_namespace]=''
	while read -r name active _; do
		[ "$name" = net_namespace ] && SB[$1.net_namespace]=$active
	done </proc/slabinfo
}

# states PID: ST[HEX], the sockets of PID's namespace in each state;
# lines, all of them; rxq and txq, those with bytes in their receive or
# send queue.
declare -A ST
states() {
	local s n

	ST=()
	while read -r s n; do
		ST[$s]=$n
	done < <(awk 'NR > 1 { n[$4]++; split($5, q, ":")
		if (q[1] != "00000000") t++; if (q[2] != "00000000") r++ }
		END { for (s in n) print s, n[s]; print "all", NR - 1
			print "txq", t + 0; print "rxq", r + 0 }' \
		"/proc/$1/net/xtcp")
}

# show NS PID: the namespace's states as a comment.
show() {
	local s line=

	states "$2"
	for s in $(printf '%s\n' "${!ST[@]}" | sort); do
		line+=" $s:${ST[$s]}"
	done
	echo "# $1:$line"
}

# go NS NAME CMD...: td_conns CMD in NS, its output in $tmp/NAME.log, its
# pid in $last and pids (ip netns exec execs it: the pid is its own).
pids=()
go() {
	local ns=$1 name=$2

	shift 2
	ip netns exec "$ns" "$td" "$@" >"$tmp/$name.log" 2>&1 &
	last=$!
	pids+=("$last")
	bg_pids+=("$last")
}

kill_all() {
	[ ${#pids[@]} = 0 ] && return
	kill -KILL "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	pids=()
}
on_exit kill_all

# setup R: namespaces A, B, C of round R, links, sysctls.
setup() {
	local ns

	ns_name a$1; A=$ns
	ns_name b$1; B=$ns
	ns_name c$1; C=$ns
	ns_add "$A" "$B" "$C"
	veth_pair "$A" $AA "$B" $AB
	veth_pair "$C" $CC "$B" $CB veth0 veth1
	# C's incoming packets dropped: its SYNs reach B, the SYN-ACKs die.
	clsact "$C"
	cut_link "$C"
	for ns in "$A" "$B" "$C"; do
		ip netns exec "$ns" sysctl -qw net.xtcp.tw_timeout=600 \
			net.xtcp.max_tw_buckets=1000000 \
			net.xtcp.syn_retries=127 net.xtcp.synack_retries=255 \
			net.xtcp.max_syn_backlog=1000000 net.xtcp.syncookies=0 \
			net.xtcp.ip_local_port_range="10000 65000" \
			net.core.somaxconn=65535 || bail "sysctls in $ns"
	done
}

# build R N: N connections over the states (the percentages above).
build() {
	local r=$1 n=$2 t0=${EPOCHREALTIME/./} bound=$((300 + $2 / 5)) f
	local idle=$((n * 30 / 100)) data=$((n / 10)) fw1=$((n / 20))
	local la=$((n / 20)) cw=$((n / 10)) tw=$((n / 4)) ho=$((n / 10))
	local aq=$((n / 20))

	pids=()
	go "$B" s_idle$r serve $AB $P_IDLE 65535 hold
	hB=$last
	go "$B" s_data$r -b 8192 -s 8192 serve $AB $P_DATA 65535 fill
	go "$B" s_fw1$r -b 4096 serve $AB $P_FW1 65535 hold
	go "$B" s_la$r -s 16384 serve $AB $P_LA 65535 lastack
	go "$B" s_cw$r serve $AB $P_CW 65535 hold
	go "$B" s_tw$r serve $AB $P_TW 65535 close
	go "$B" s_ho$r serve $CB $P_HO 65535 hold
	go "$B" s_aq$r serve $AB $P_AQ $AQ_BACKLOG none
	for f in idle data fw1 la cw tw ho aq; do
		waitline "$tmp/s_$f$r.log" listening 60 ||
			bail "$r: the $f server does not listen"
	done
	go "$A" c_idle$r connect $AB $P_IDLE $idle hold
	hA=$last
	go "$A" c_data$r -b 8192 -s 8192 connect $AB $P_DATA $data fill
	go "$A" c_fw1$r -s 32768 connect $AB $P_FW1 $fw1 finwait1
	go "$A" c_la$r -b 4096 connect $AB $P_LA $la finwait2
	go "$A" c_cw$r connect $AB $P_CW $cw finwait2
	go "$A" c_tw$r connect $AB $P_TW $tw timewait
	go "$C" c_ho$r connect $CB $P_HO $ho syn
	hC=$last
	go "$A" c_aq$r connect $AB $P_AQ $aq syn
	good=0
	for f in idle data fw1 la cw tw ho aq; do
		if waitline "$tmp/c_$f$r.log" connected $bound &&
			readfile "$tmp/c_$f$r.log" &&
			[[ $content == *"connected "*" failed 0 "* ]]; then
			good=$((good + 1))
		else
			echo "# $r: group $f:"
			diag "$tmp/c_$f$r.log"
		fi
	done
	[ $good = 8 ]
	ok $? "$r: $n connections made in 8 groups ($(((${EPOCHREALTIME/./} - t0) / 1000)) ms)"
}

# spread_ok: every planned state present.
spread_ok() {
	states $hA
	[ "${ST[01]:-0}" -gt 0 ] && [ "${ST[02]:-0}" -gt 0 ] &&
		[ "${ST[04]:-0}" -gt 0 ] && [ "${ST[05]:-0}" -gt 0 ] &&
		[ "${ST[06]:-0}" -gt 0 ] && [ "${ST[rxq]}" -gt 0 ] &&
		[ "${ST[txq]}" -gt 0 ] || return 1
	states $hB
	[ "${ST[01]:-0}" -gt 0 ] && [ "${ST[03]:-0}" -gt 0 ] &&
		[ "${ST[08]:-0}" -gt 0 ] && [ "${ST[09]:-0}" -gt 0 ] &&
		[ "${ST[0A]:-0}" = 8 ] && [ "${ST[rxq]}" -gt 0 ] &&
		[ "${ST[txq]}" -gt 0 ] || return 1
	states $hC
	[ "${ST[02]:-0}" -gt 0 ]
}

# aq_full: the never-accepting listener's accept queue (its rx_queue)
# holds at least its backlog.  (awk: bash's read takes a byte at a time,
# and each read of /proc/net/xtcp at an offset walks the table anew.)
aq_full() {
	aqlen=$(awk -v p="$(printf %04X $P_AQ)" 'NR > 1 && $4 == "0A" {
		split($2, a, ":"); split($5, q, ":")
		if (a[2] == p) print q[2] }' "/proc/$hB/net/xtcp")
	[ -n "$aqlen" ] && aqlen=$((16#$aqlen)) && [ "$aqlen" -ge $AQ_BACKLOG ]
}

# spread R: the states, checked and shown.
spread() {
	local r=$1 total

	WAIT_STEP=1 wait_until 120 spread_ok
	ok $? "$r: every planned state in /proc/net/xtcp (A: 01 02 04 05 06, B: 01 03 08 09 0A, C: 02; queued data both ways)"
	show A $hA
	total=${ST[all]}
	show B $hB
	total=$((total + ST[all]))
	show C $hC
	total=$((total + ST[all]))
	echo "# $r: $total sockets, TIME_WAIT entries and half-open requests listed"
	aq_full
	ok $? "$r: the listener that never accepts has its queue full (${aqlen:-?} for backlog $AQ_BACKLOG)"
}

# near CACHE: its active objects now at most SLAB_SLACK above its base
# (true when it is not listed: merged with another).
near() {
	local now=${SB[now.$1]:-} was=${SB[base.$1]:-}

	[ -z "$now" ] || [ -z "$was" ] || [ "$now" -le $((was + SLAB_SLACK)) ]
}

# netns_gone: no namespace of ours left in the slab net_namespace.  The
# kernel frees a dead namespace's object only at the next namespace
# cleanup (net_complete_free()): a namespace made and deleted for it, at
# most every 5 s, whose own object stays for the next (base + 1).
netns_gone() {
	local n=${SB[now.net_namespace]:-} b=${SB[base.net_namespace]:-0}

	[ -z "$n" ] && return 0
	[ "$n" -le $((b + 1)) ] && return 0
	if [ $((${EPOCHREALTIME/./} - flushed)) -ge 5000000 ]; then
		flushed=${EPOCHREALTIME/./}
		ip netns add "$flush_ns" && ip netns del "$flush_ns"
	fi
	return 1
}

# freed: the module's references, the slab caches and the namespaces
# back to their base; every 30 s what is left, as a comment (the orphans
# are counted over all namespaces).
freed() {
	local c line

	slabs now
	if [ $((${EPOCHREALTIME/./} - said)) -ge 30000000 ]; then
		said=${EPOCHREALTIME/./}
		for c in $fam_caches net_namespace; do
			line+=" $c ${SB[now.$c]:-merged}"
		done
		readfile /proc/net/xtcp_sockstat
		echo "# [$(((said - t0) / 1000000)) s] refcnt $(refcnt),$line; ${content%$'\n'}"
	fi
	[ "$(refcnt)" -le "$base_ref" ] || return 1
	for c in $fam_caches; do
		near "$c" || return 1
	done
	netns_gone
}

# back R: wait until everything is freed, and the checks.
back() {
	local r=$1 t0=${EPOCHREALTIME/./} c line='' msg='' said flushed=0

	said=$t0
	WAIT_STEP=1 wait_until "${XTCP_TD_BOUND:-300}" freed
	ok $? "$r: all freed in $(((${EPOCHREALTIME/./} - t0) / 1000)) ms: refcnt $(refcnt) (base $base_ref)"
	for c in $fam_caches net_namespace; do
		line+=" $c ${SB[now.$c]:-merged} (${SB[base.$c]:-merged})"
	done
	echo "# $r: slab objects now (before):$line"
	for c in $fam_caches; do
		near "$c" || msg+=" $c"
	done
	[ -z "$msg" ]
	ok $? "$r: slab caches XTCP, xtcp_request, xtcp_tw back near their base${msg:+ (not:$msg)}"
	if [ -n "${SB[base.net_namespace]}" ]; then
		netns_gone
		ok $? "$r: no network namespace left (net_namespace objects ${SB[now.net_namespace]:-?}, ${SB[base.net_namespace]} before, one a namespace made to flush them)"
	else
		skip "$r: no network namespace left" "net_namespace not in /proc/slabinfo (merged)"
	fi
	protocols_socks $$
	[ "$socks" = "$base_psock" ]
	ok $? "$r: XTCP sockets in /proc/net/protocols back to $socks (base $base_psock)"
	[ -z "$(ip netns list | grep "^xt-$tname-$$-")" ]
	ok $? "$r: none of the test's namespace names left"
}

# Sockets of earlier tests would end during this one and blur the counts.
WAIT_STEP=1 wait_until 150 eval '[ "$(refcnt)" = 0 ]'
base_ref=$(refcnt)
slabs base
protocols_socks $$
base_psock=$socks
ns_name flush
flush_ns=$ns
on_exit 'ip netns del "$flush_ns"'
readfile /sys/devices/system/cpu/online
echo "# base: refcnt $base_ref, XTCP sockets here $base_psock, N $N, N2 $N2, CPUs online ${content%$'\n'}"

# ------------------------------------------------------------- round 1
section "1: $N connections; names deleted under them, then processes killed"
setup 1
build 1 "$N"
spread 1
states $hA
est=${ST[01]}
ref1=$(refcnt)
[ "$ref1" -ge $((base_ref + N)) ]
ok $? "1: the sockets hold the module (refcnt $ref1)"
protocols_socks $hA
pa=$socks
protocols_socks $hB
[ "${pa:-0}" -gt 0 ] && [ "${socks:-0}" -gt 0 ]
ok $? "1: /proc/net/protocols counts them (A $pa, B $socks XTCP sockets)"
rmmod xtcp 2>"$tmp/rmmod1.log"
r=$?
[ $r != 0 ] && loaded && [ "$(refcnt)" -ge "$ref1" ]
ok $? "1: rmmod is refused while they exist ($(cat "$tmp/rmmod1.log"))" ||
	bail "the module went under live sockets"
states $hA
[ "${ST[01]}" = "$est" ]
ok $? "1: the connections are untouched (A ESTABLISHED $est, ${ST[01]} now)"
slabs during
ns_del "$A" && ns_del "$B" && ns_del "$C"
ok $? "1: the namespaces' names deleted under live sockets"
nap 2
states $hA
a_after=${ST[all]}
slabs after
[ "${ST[01]}" = "$est" ] && { [ -z "${SB[after.net_namespace]}" ] ||
	[ "${SB[after.net_namespace]}" -ge "${SB[during.net_namespace]}" ]; }
ok $? "1: the namespaces live on with their sockets (A lists $a_after, ESTABLISHED ${ST[01]})"
kill_all
ok 0 "1: the processes killed"
back 1

# ------------------------------------------------------------- round 2
section "2: $N2 connections; processes killed, then names deleted at once"
setup 2
build 2 "$N2"
spread 2
rmmod xtcp 2>/dev/null
[ $? != 0 ] && loaded
ok $? "2: rmmod is refused" || bail "the module went under live sockets"
kill_all
ns_del "$A" && ns_del "$B" && ns_del "$C"
ok $? "2: processes killed, the namespaces' names deleted at once"
back 2

# ------------------------------------------------------------- round 3
section "3: unload and load again"
params=()
for p in /sys/module/xtcp/parameters/*; do
	[ -r "$p" ] && params+=("${p##*/}=$(cat "$p")")
done
sysctl -qw net.xtcp.mem="$mem0"
rmmod xtcp
ok $? "3: rmmod succeeds once the sockets are gone"
! loaded && ! grep -q '^xtcp_tw ' /proc/slabinfo
ok $? "3: the module and its caches are gone"
insmod "$ko" "${params[@]}"
ok $? "3: the module loads again (${params[*]})"
[ "$("$XTCP_TOP/build/userspace/helpers/xtcp_socket" 0)" = \
	"ok $(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null)" ]
ok $? "3: a socket opens"

section "done"
tap_end
