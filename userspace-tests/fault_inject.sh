#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Allocations failing under live connections (the debug kernel's failslab
# and fail_page_alloc): every error surfaces as an errno a TCP program
# expects, or as a retransmission; data is never wrong; nothing leaks,
# nothing is left behind, nothing crashes.
#
# It reads the slab caches XTCP, xtcp_request and xtcp_tw and
# /proc/net/protocols, sets net.xtcp.tw_timeout, fin_timeout,
# syn_retries, synack_retries and orphan_retries, and drives
# /sys/kernel/debug/failslab and /sys/kernel/debug/fail_page_alloc (put
# back on exit).  On its own:
#
#   scripts/xtcp-vm --debug -- bash userspace-tests/fault_inject.sh
#   scripts/xtcp-vm --debug -- env XTCP_TEST_FAMILY=tcp bash userspace-tests/fault_inject.sh
#
# XTCP_FI_SECS sets how long each fault phase lasts (default 15 s),
# XTCP_FI_PCT the probability of a failure, in percent (default 3).
#
# Two namespaces, A (client, 10.237.0.1) and B (server, 10.237.0.2).
# helpers/fi_peer makes the connections; with -f it marks its threads
# (make-it-fail) once its own set-up is done, and with the task filter
# on only those threads' allocations fail: their system calls, and what
# the kernel does in their context (the socket backlog, timers' work
# deferred to the socket's owner), never one in softirq context (the
# filter wants in_task()): part 3's second half covers those.  It keeps its outcomes in memory
# while marked and prints them after: a write to its log could fail too.
# A connection's outcome is "ok" or the call that failed and its errno.
# Allowed: ENOMEM, ENOBUFS, ETIMEDOUT, ECONNREFUSED, ECONNRESET, EAGAIN
# (a call that waited out its SO_RCVTIMEO/SO_SNDTIMEO of 30 s: both
# namespaces' tables are then shown, read while the program waits), EPIPE (a send
# after a reset), ECONNABORTED from accept() (reset in the queue),
# ENFILE from socket() and accept() (the socket layer's errno when the
# inode cannot be allocated), an end of stream where the peer failed.
# Never allowed: wrong data, another errno, a program that hangs.
#
#  0. Sanity, on both kernels: B serves (fi_peer serve), A opens
#     connections one after another for a few seconds, each variant in
#     turn: a request and its answer then close; shutdown(SHUT_WR) with
#     32 KiB; close with 256 KiB unsent and the answer unread; SO_LINGER
#     0.  All succeed (the server sees the expected resets); a bulk
#     connection carries BULK bytes each way, SHA-256 equal.
#  1. Connects and accepts under failslab (task filter, XTCP_FI_PCT %):
#     short connections for XTCP_FI_SECS; every outcome allowed, at least
#     one connection whole, at least one call failed.
#  2. Bulk transfers both ways under failslab and fail_page_alloc (order
#     0 too, GFP_KERNEL too): two lanes of connections one after another
#     for XTCP_FI_SECS; each intact (both SHA-256 equal) or failed with
#     an allowed errno, the data an end took whole never wrong; at least
#     one intact.
#  3. Teardown under both: the variants of part 0 (shutdown, close with
#     data in flight, linger 0, TIME_WAIT) for XTCP_FI_SECS, as part 1.
#     Then in every context: the task filter off, failslab's cache
#     filter on the family's socket, request and TIME_WAIT caches and
#     skbuff_head_cache, so that allocations in softirq and timers fail
#     too (SYN-ACKs, ACKs, retransmissions, TIME_WAIT entries): the same
#     churn beside a bulk lane.
#  4. Faults off: every program ended; /proc/net/xtcp of A and B empty
#     once TIME_WAIT is over (tw_timeout 1 s; Linux TCP keeps its 60 s
#     TIME_WAIT: only those may be left); /proc/net/protocols counts as
#     many sockets as before; the slab caches back near their counts
#     before; fresh connections and a bulk transfer work, data intact.
#
# On the stock kernel (no fault injection) parts 1 to 3 are skipped.
# The harness fails a run on any KASAN, UBSAN, lockdep, WARN or BUG
# report and checks kmemleak on the debug kernel.  Cannot share a guest
# with another test: the fault-injection knobs and the slab caches are
# the whole guest's.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
peer=$XTCP_TOP/build/userspace/helpers/fi_peer
test_init fault_inject '*.log'
need "$peer"

AA=10.237.0.1 BB=10.237.0.2
PS=7961 PB1=7962 PB2=7963 P4=7964
SECS=${XTCP_FI_SECS:-15}
PCT=${XTCP_FI_PCT:-3}
SANITY=3
BULK=4194304
# Objects more than before the slab caches may hold at the end.
SLAB_SLACK=16
if debug_kernel; then
	SANITY=5
	BULK=524288
fi
# A program's bound: far above its phase.
BOUND=$((SECS + 400))
fs=/sys/kernel/debug/failslab
fp=/sys/kernel/debug/fail_page_alloc
ALLOWED="ENOMEM ENOBUFS ETIMEDOUT ECONNREFUSED ECONNRESET EAGAIN EPIPE"

if [ $fam = tcp ]; then
	ksys="net.ipv4.tcp_fin_timeout=2 net.ipv4.tcp_syn_retries=3
		net.ipv4.tcp_synack_retries=2 net.ipv4.tcp_orphan_retries=1"
else
	ksys="net.xtcp.tw_timeout=1 net.xtcp.fin_timeout=2
		net.xtcp.syn_retries=3 net.xtcp.synack_retries=2
		net.xtcp.orphan_retries=1"
fi
counters="XtcpRetransSegs XtcpOutRsts XtcpEstabResets XtcpAttemptFails
	XtcpListenDrops XtcpAbortOnMemory"

# ------------------------------------------------------ fault injection

[ -d $fs ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
have_fi=0
[ -d $fs ] && [ -e /proc/self/make-it-fail ] && have_fi=1
have_fp=0
[ -d $fp ] && have_fp=1

# The knobs as they were, put back at exit (probability first to 0).
declare -A FI0
fi_knobs="task-filter times interval space verbose ignore-gfp-wait
	cache-filter ignore-gfp-highmem min-order probability"
fi_save() {
	local d k

	for d in $fs $fp; do
		[ -d $d ] || continue
		for k in $fi_knobs; do
			[ -e $d/$k ] && readfile $d/$k && FI0[$d/$k]=${content%$'\n'}
		done
	done
}
fi_restore() {
	local k

	for k in $fs/probability $fp/probability; do
		[ -e $k ] && echo 0 >$k
	done
	for k in "${!FI0[@]}"; do
		echo "${FI0[$k]}" >"$k"
	done
	for k in $fam_caches skbuff_head_cache; do
		[ -e /sys/kernel/slab/$k/failslab ] &&
			echo 0 >/sys/kernel/slab/$k/failslab
	done
}

# fi_on DIR PCT [TASKFILTER]: DIR's failures at PCT %, every time, quiet,
# GFP_KERNEL allocations too (and highmem and order 0 pages), only the
# marked threads' (TASKFILTER Y, default) or everyone's.
fi_on() {
	local d=$1

	echo 0 >$d/probability
	echo "${3:-Y}" >$d/task-filter
	echo -1 >$d/times
	echo 1 >$d/interval
	echo 0 >$d/space
	echo 0 >$d/verbose
	echo N >$d/ignore-gfp-wait
	[ -e $d/ignore-gfp-highmem ] && echo N >$d/ignore-gfp-highmem
	[ -e $d/min-order ] && echo 0 >$d/min-order
	echo "$2" >$d/probability
}

# fi_off: no failure anywhere.
fi_off() {
	local k

	for k in $fs $fp; do
		[ -e $k/probability ] && echo 0 >$k/probability
	done
	[ -e $fs/cache-filter ] && echo N >$fs/cache-filter
	for k in $fam_caches skbuff_head_cache; do
		[ -e /sys/kernel/slab/$k/failslab ] &&
			echo 0 >/sys/kernel/slab/$k/failslab
	done
}

if [ $have_fi = 1 ]; then
	fi_save
	on_exit fi_restore
fi

# ------------------------------------------------------------- helpers

# allowed STAGE ERR: true for an errno a failed call may give.
allowed() {
	[[ " $ALLOWED " == *" $2 "* ]] && return 0
	[ "$2" = EOF ] && return 0
	[ "$2" = ENFILE ] && [[ $1 == socket || $1 == accept ]] && return 0
	[ "$2" = ECONNABORTED ] && [ "$1" = accept ] && return 0
	return 1
}

# tally NAME: the outcomes in $tmp/NAME.log ("conn I V ok", "conn I V
# STAGE ERRNO") counted: n_ok, n_fail, n_bad (not allowed: wrong data,
# another errno), tl (a summary: "connect ENOMEM 3, ..."), badl (the first
# bad lines).
tally() {
	local w i v st e

	local -A cnt=()

	n_ok=0 n_fail=0 n_bad=0 tl='' badl=''
	while read -r w i v st e; do
		[ "$w" = conn ] || continue
		if [ "$st" = ok ]; then
			n_ok=$((n_ok + 1))
			continue
		fi
		if [ "$st" != bad ] && allowed "$st" "$e"; then
			n_fail=$((n_fail + 1))
			cnt["$st $e"]=$((${cnt["$st $e"]:-0} + 1))
		else
			n_bad=$((n_bad + 1))
			[ $n_bad -le 5 ] && badl+=" [$i $v $st $e]"
		fi
	done <"$tmp/$1.log"
	for w in "${!cnt[@]}"; do
		tl+="${tl:+, }$w ${cnt[$w]}"
	done
}

# serve_start PHASE [ARGS...]: fi_peer serve in B on PS (ARGS: -f), its
# pid in srv.
serve_start() {
	local ph=$1

	shift
	rm -f "$tmp/s$ph.ready"
	spawn $B s$ph $BOUND "$peer" -a $BOUND "$@" serve $BB $PS \
		"$tmp/s$ph.ready"
	srv=$last
	waitfile "$tmp/s$ph.ready" $srv 60 || { diag "$tmp/s$ph.log"; bail "$ph: no server"; }
}

# serve_stop PHASE: SIGTERM, then the server ends once its connection
# is done (one point).
serve_stop() {
	kill -TERM $srv 2>/dev/null
	# A server blocked in accept() ends at once; one serving a
	# connection once it is done (its calls are bounded).
	finished $srv s$1 "$1: the server ended when told"
}

# churn_check PHASE DESC FAULTS: one point each for the client's and the
# server's outcomes (with FAULTS 0: all must be ok, but for the resets
# the server sees from the "i" and "l" variants).
churn_check() {
	local ph=$1 c_fail

	tally c$ph
	c_fail=$n_fail
	if [ "$3" = 0 ]; then
		[ $n_bad = 0 ] && [ $n_fail = 0 ] && [ $n_ok -gt 0 ]
	else
		[ $n_bad = 0 ] && [ $n_ok -gt 0 ]
	fi
	ok $? "$ph: $2: client: $n_ok ok, $n_fail failed (${tl:-none}), $n_bad wrong${badl:+:$badl}"
	tally s$ph
	if [ "$3" = 0 ]; then
		# i and l end with a reset, or (i) before the answer is read.
		local reset
		reset=$(grep -Ec '^conn [0-9]+ [il] (recv|send) (ECONNRESET|EPIPE)$' \
			"$tmp/s$ph.log")
		[ $n_bad = 0 ] && [ $((n_ok + reset)) -ge $((n_ok + n_fail)) ]
	else
		[ $n_bad = 0 ]
	fi
	ok $? "$ph: $2: server: $n_ok ok, $n_fail failed (${tl:-none}), $n_bad wrong${badl:+:$badl}"
	n_cfail=$c_fail
}

# bulk_one PHASE LANE PORT I [ARGS...]: one bulk connection from A to B on
# PORT, BULK bytes each way; its verdict into $tmp/lane$LANE.res: "intact
# I", "failed I WHY" (allowed) or "bad I WHY".
bulk_one() {
	local ph=$1 n=$2 port=$3 i=$4 side rc rs w e why='' bad=0 sv cv st

	shift 4
	rm -f "$tmp/b$n.ready"
	ip netns exec $B timeout $BOUND "$peer" -a $BOUND "$@" bulk listen \
		$BB "$port" $BULK "$tmp/b$n.ready" >"$tmp/b$n.srv.log" 2>&1 &
	sv=$!
	if ! waitfile "$tmp/b$n.ready" $sv 60; then
		wait $sv
		w=$(tr '\n' ' ' <"$tmp/b$n.srv.log")
		# Its own socket(), bind() or listen() may fail too, when
		# allocations fail in every context.
		e=${w#fail bind/listen: } e=${e%% *}
		if [[ $w == "fail bind/listen: "* ]] &&
			{ allowed listen "$e" || allowed socket "$e"; }; then
			echo "failed $i listener: $w"
		else
			echo "bad $i listener: $w"
		fi
		return
	fi
	ip netns exec $A timeout $BOUND "$peer" -a $BOUND "$@" bulk connect \
		$BB "$port" $BULK >"$tmp/b$n.cli.log" 2>&1 &
	cv=$!
	wait $cv
	rc=$?
	wait $sv
	rs=$?
	cp "$tmp/b$n.cli.log" "$tmp/$ph.b$n.$i.cli.log"
	cp "$tmp/b$n.srv.log" "$tmp/$ph.b$n.$i.srv.log"
	LOG=()
	readlog b$n.cli
	readlog b$n.srv
	if [ $rc = 0 ] && [ $rs = 0 ]; then
		if [ "${LOG[b$n.cli.sent.1]:-}" = $BULK ] &&
			[ "${LOG[b$n.srv.received.1]:-}" = $BULK ] &&
			[ "${LOG[b$n.srv.sent.1]:-}" = $BULK ] &&
			[ "${LOG[b$n.cli.received.1]:-}" = $BULK ] &&
			[ "${LOG[b$n.cli.sent.3]:-x}" = "${LOG[b$n.srv.received.3]:-y}" ] &&
			[ "${LOG[b$n.srv.sent.3]:-x}" = "${LOG[b$n.cli.received.3]:-y}" ]; then
			echo "intact $i"
		else
			echo "bad $i wrong bytes: $(tr '\n' ' ' <"$tmp/b$n.cli.log") / $(tr '\n' ' ' <"$tmp/b$n.srv.log")"
		fi
		return
	fi
	# A failure: each failed end's errnos allowed; what an end received
	# whole (all BULK bytes) is what the other sent.
	for side in cli srv; do
		st=$rc
		[ $side = srv ] && st=$rs
		if [ "$st" != 0 ]; then
			while read -r w; do
				e=${w##* }
				if [[ $w == "fail send"* || $w == "fail recv"* ]] &&
					allowed "${w:5:4}" "$e"; then
					why+=" $side ${w:5:4} $e;"
				else
					bad=1
					why+=" $side (status $st): $w;"
				fi
			done < <(grep '^fail' "$tmp/b$n.$side.log")
			grep -q '^fail' "$tmp/b$n.$side.log" ||
				{ bad=1; why+=" $side: status $st, no fail line;"; }
		fi
	done
	if [ "${LOG[b$n.srv.received.1]:-}" = $BULK ] &&
		[ "${LOG[b$n.srv.received.3]:-}" != "${LOG[b$n.cli.sent.3]:-${LOG[b$n.srv.received.3]:-}}" ]; then
		bad=1
		why+=" server received wrong bytes;"
	fi
	if [ "${LOG[b$n.cli.received.1]:-}" = $BULK ] &&
		[ "${LOG[b$n.cli.received.3]:-}" != "${LOG[b$n.srv.sent.3]:-${LOG[b$n.cli.received.3]:-}}" ]; then
		bad=1
		why+=" client received wrong bytes;"
	fi
	if [ $bad = 0 ]; then
		echo "failed $i$why"
	else
		echo "bad $i$why"
	fi
}

# lane PHASE N PORT SECS [ARGS...]: bulk connections one after another for
# SECS seconds (at least one); verdicts in $tmp/PHASE.lane$N.res.
lane() {
	local ph=$1 n=$2 port=$3 end i=0

	end=$((${EPOCHREALTIME/./} + $4 * 1000000))
	shift 4
	: >"$tmp/$ph.lane$n.res"
	while :; do
		i=$((i + 1))
		bulk_one "$ph" "$n" "$port" $i "$@" >>"$tmp/$ph.lane$n.res"
		[ "${EPOCHREALTIME/./}" -gt $end ] && break
	done
}

# lane_check PHASE N: one point: the lane's connections intact or failed
# as allowed; sets li (intact ones).
lane_check() {
	local v ni=0 nf=0 nb=0

	while read -r v _; do
		case $v in
		intact) ni=$((ni + 1)) ;;
		failed) nf=$((nf + 1)) ;;
		*) nb=$((nb + 1)) ;;
		esac
	done <"$tmp/$1.lane$2.res"
	grep -v '^intact' "$tmp/$1.lane$2.res" | head -10 | diag
	[ $nb = 0 ] && [ $((ni + nf)) -gt 0 ]
	ok $? "$1: bulk lane $2: $((ni + nf + nb)) connections, $ni intact, $nf failed as allowed, $nb wrong or hung"
	li=$ni
}

# stall_watch PHASE: until $tmp/watch.stop, in the background: when a
# program says a call of its waited out its time-out ($tmp/stall, -S),
# both namespaces' tables, read while it keeps the connection, go to
# $tmp/PHASE.stall.
stall_watch() {
	local h

	while [ ! -e "$tmp/watch.stop" ]; do
		if [ -e "$tmp/stall" ]; then
			for h in $hA $hB; do
				readfile "/proc/$h/net/$proc"
				echo "${h/$hA/A}: $content" | sed "s/^$hB:/B:/"
			done >>"$tmp/$1.stall"
			rm -f "$tmp/stall"
		fi
		nap 0.2
	done
}
watch_start() {
	rm -f "$tmp/watch.stop" "$tmp/stall"
	stall_watch "$1" &
	watcher=$!
	bg_pids+=("$watcher")
}
# watch_end PHASE: the tables of a stall, as comments.
watch_end() {
	: >"$tmp/watch.stop"
	wait $watcher
	if [ -s "$tmp/$1.stall" ]; then
		echo "# $1: a call waited out its time-out; the tables then:"
		diag "$tmp/$1.stall"
		grep -h ' EAGAIN$' "$tmp/c$1.log" "$tmp/s$1.log" \
			"$tmp"/$1.b*.log 2>/dev/null | head -10 | diag
	fi
}

# ---------------------------------------------------------------- setup

ns_pair $AA $BB 3600
for ns in $A $B; do
	# shellcheck disable=SC2086 # a list of key=value
	ip netns exec $ns sysctl -qw $ksys || bail "sysctl $ksys"
done
protocols_socks $hA
socks_a0=$socks
protocols_socks $hB
socks_b0=$socks
slab s0
echo "# slab before: $(for c in $fam_caches; do printf '%s %s ' $c "${SB[s0.$c]:-?}"; done)"

# ----------------------------------------------------------- 0: sanity

section "0: sanity, no faults"
snap $hA a0
serve_start 0
spawn $A c0 $BOUND "$peer" -a $BOUND churn $BB $PS $SANITY psil
finished $last c0 "0: the client ran $SANITY s of connections"
serve_stop 0
churn_check 0 "connections of every variant" 0
lane 0 1 $PB1 0
lane_check 0 1
[ "$li" -ge 1 ]
ok $? "0: a bulk connection carried $BULK bytes each way intact"

# -------------------------------------------------- 1-3: under faults

if [ $have_fi = 0 ]; then
	why="stock kernel has no fault injection"
	debug_kernel && why="no failslab or make-it-fail on this kernel"
	for d in "1: connects and accepts under failslab" \
		"2: bulk transfers under failslab and fail_page_alloc" \
		"3: teardown under failslab and fail_page_alloc" \
		"3: churn and bulk with allocations failing in every context"; do
		skip "$d" "$why"
	done
	if debug_kernel; then
		ok 1 "the debug kernel has failslab and make-it-fail"
	fi
else
	dmesg -n 1
	on_exit "dmesg -n 5"

	section "1: connects and accepts, failslab at $PCT %"
	snap $hA a1
	fi_on $fs "$PCT"
	watch_start 1
	serve_start 1 -f -S "$tmp/stall"
	spawn $A c1 $BOUND "$peer" -a $BOUND -f -S "$tmp/stall" churn $BB $PS \
		"$SECS" p
	finished $last c1 "1: the client ran $SECS s of connections"
	serve_stop 1
	fi_off
	watch_end 1
	churn_check 1 "connects and accepts" 1
	[ $((n_cfail + n_fail)) -ge 1 ]
	ok $? "1: failed allocations made calls fail ($n_cfail on the client, $n_fail on the server)"
	snap $hA a1e
	show_deltas "1: A's counters" a1 a1e

	section "2: bulk both ways, failslab and fail_page_alloc at $PCT %"
	if [ $have_fp = 1 ]; then
		fi_on $fp "$PCT"
		pa="and fail_page_alloc"
	else
		pa="(no fail_page_alloc on this kernel)"
	fi
	fi_on $fs "$PCT"
	snap $hA a2
	watch_start 2
	lane 2 1 $PB1 "$SECS" -f -S "$tmp/stall" &
	l1=$!
	lane 2 2 $PB2 "$SECS" -f -S "$tmp/stall" &
	l2=$!
	wait $l1 $l2
	fi_off
	watch_end 2
	snap $hA a2e
	lane_check 2 1
	intact=$li
	lane_check 2 2
	intact=$((intact + li))
	[ $intact -ge 1 ]
	ok $? "2: bulk transfers under failslab $pa: $intact intact"
	show_deltas "2: A's counters" a2 a2e

	section "3: teardown, failslab and fail_page_alloc at $PCT %"
	[ $have_fp = 1 ] && fi_on $fp "$PCT"
	fi_on $fs "$PCT"
	watch_start 3
	serve_start 3 -f -S "$tmp/stall"
	spawn $A c3 $BOUND "$peer" -a $BOUND -f -S "$tmp/stall" churn $BB $PS \
		"$SECS" silp
	finished $last c3 "3: the client ran $SECS s of closing connections"
	serve_stop 3
	fi_off
	watch_end 3
	churn_check 3 "shutdown, close with data in flight, linger 0, TIME_WAIT" 1

	section "3x: every context, failslab's cache filter at $PCT %"
	fcaches=
	for c in $fam_caches skbuff_head_cache; do
		[ -e /sys/kernel/slab/$c/failslab ] &&
			echo 1 2>/dev/null >/sys/kernel/slab/$c/failslab &&
			fcaches+=" $c"
	done
	echo "# caches failing: ${fcaches:-none} (the others merged)"
	if [ -z "$fcaches" ]; then
		skip "3x: allocations failing in every context" "every cache merged"
	else
		echo Y >$fs/cache-filter
		fi_on $fs "$PCT" N
		snap $hA a3x
		watch_start 3x
		serve_start 3x -S "$tmp/stall"
		spawn $A c3x $BOUND "$peer" -a $BOUND -S "$tmp/stall" churn \
			$BB $PS "$SECS" psil
		cpid=$last
		lane 3x 1 $PB1 "$SECS" -S "$tmp/stall"
		finished $cpid c3x "3x: the client ran $SECS s of connections"
		serve_stop 3x
		fi_off
		watch_end 3x
		snap $hA a3xe
		churn_check 3x "connections with$fcaches failing anywhere" 1
		lane_check 3x 1
		show_deltas "3x: A's counters" a3x a3xe
	fi
fi

# ------------------------------------------------------ 4: what is left

section "4: faults off: nothing left"
nl_tcp_tw_skip=1
nothing_left 4 s0 $SLAB_SLACK A $hA "$socks_a0" B $hB "$socks_b0"
serve_start 4
spawn $A c4 $BOUND "$peer" -a $BOUND churn $BB $PS $SANITY psil
finished $last c4 "4: the client ran $SANITY s of connections"
serve_stop 4
churn_check 4 "fresh connections of every variant" 0
lane 4 1 $P4 0
lane_check 4 1
[ "$li" -ge 1 ]
ok $? "4: a fresh bulk connection carried $BULK bytes each way intact"

tap_end
