# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # variables set here are the tests'
#
# Sourced by the shell tests: what they all need, once.
#
#   TAP		ok STATUS DESC, skip DESC REASON, tap_end, diag, bail
#   time	nap, set_deadline/past_deadline, section (ms since start),
#		debug_kernel
#   waits	wait_until SECONDS CMD..., waitfile, waitline, readfile
#   set-up	test_init NAME, ns_name, ns_add, veth_pair, ns_holder,
#		ns_pair, need, on_exit, diag_load, capture_ipproto, spawn,
#		finished, nsh_start/nsh,
#		clsact, cut_link/uncut_link, netem, qdisc_drops, dev_rx
#   counters	snap, cname, delta, check_delta, counter_check, check_val,
#		counter_now, grown, counters_exist, xcounter, show_deltas
#		(XTCP names; the twin map gives Linux TCP's)
#   sockets	ent, in_state, wait_st (/proc/net/xtcp or tcp)
#   capture	cap_start, cap_stop, cap_decode, check (dumpcap, tshark with
#		-d ip.proto==253,tcp, headers only)
#   data	sha256, xfer_ok, readlog, show_info
#
# Everything a test creates through these (namespaces, background
# processes, its folder under /tmp) goes when the test exits, also on a
# failure, a bail or a signal.  Names are made from the test's name and
# its PID, so that two tests, or two copies of one, can share a guest.
#
# Polling uses bash builtins: every fork costs in the emulated guest.

set -u

: "${XTCP_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# The family under test: XTCP, or Linux TCP with XTCP_TEST_FAMILY=tcp;
# proc is the name of its table in /proc/net.
fam=${XTCP_TEST_FAMILY:-xtcp}
[ "$fam" = tcp ] || fam=xtcp
proc=$fam
# prot_name: its line in /proc/net/protocols; fam_caches: the slab caches
# of its sockets, half-open requests and TIME_WAIT entries.
if [ $fam = tcp ]; then
	prot_name=TCP fam_caches="TCP request_sock_TCP tw_sock_TCP"
else
	prot_name=XTCP fam_caches="XTCP xtcp_request xtcp_tw"
fi

# debug_kernel: true on the debug kernel (XTCP_KIND, set by the harness),
# many times slower than the stock one (as debug_kernel() of xtcp_test.h).
debug_kernel() { [ "${XTCP_KIND:-stock}" = debug ]; }

# ------------------------------------------------------------------- TAP

tap_n=0
tap_failures=0
echo "TAP version 13"

# ok STATUS DESCRIPTION: one test point (STATUS 0 passes); returns
# STATUS's truth.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failures=$((tap_failures + 1))
		return 1
	fi
}

# skip DESCRIPTION REASON: a test point that does not apply here.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# tap_end: the plan; non-zero when any point failed.
tap_end() {
	echo "1..$tap_n"
	[ $tap_failures = 0 ]
}

# diag [FILE...]: FILE (or stdin) as TAP comments.
diag() { sed 's/^/# /' "$@"; }

# bail REASON: give up the whole test (the exit trap cleans up).
bail() {
	echo "Bail out! $*"
	exit 1
}

# ------------------------------------------------------------------ time

# nap SECONDS sleeps reading a pipe nothing is written to.
exec {nap_fd}<> <(:)
nap() { read -rt "$1" -u $nap_fd; }
set_deadline() { deadline=$((${EPOCHREALTIME/./} + $1 * 1000000)); }
past_deadline() { [ "${EPOCHREALTIME/./}" -gt "$deadline" ]; }
now_us() { now=${EPOCHREALTIME/./}; }

t0=${EPOCHREALTIME/./}
section() { echo "# [$(((${EPOCHREALTIME/./} - t0) / 1000)) ms] $*"; }

# ----------------------------------------------------------------- waits

# wait_until SECONDS CMD...: run CMD (a function, or a builtin: it runs
# every WAIT_STEP seconds, default 0.02) until it succeeds; non-zero if
# it has not after SECONDS, or at once if CMD returns 125 (it never
# will).  The bound is a failure's, far above normal: nothing is judged
# by how soon the condition came.
wait_until() {
	local secs=$1 end r

	shift
	end=$((${EPOCHREALTIME/./} + secs * 1000000))
	while :; do
		"$@"
		r=$?
		[ $r = 0 ] && return 0
		[ $r = 125 ] && return 1
		[ "${EPOCHREALTIME/./}" -gt "$end" ] && return 1
		nap "${WAIT_STEP:-0.02}"
	done
}

# readfile PATH: its content in $content (no fork).
readfile() {
	content=
	read -rd '' content 2>/dev/null <"$1"
	return 0
}

# waitfile PATH [PID [SECONDS]]: until PATH exists (30 s at most); fails
# early when process PID, which should create it, has ended.
waitfile() {
	local end=$((${EPOCHREALTIME/./} + ${3:-30} * 1000000))

	while [ ! -e "$1" ]; do
		[ "${EPOCHREALTIME/./}" -gt "$end" ] && return 1
		[ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && [ ! -e "$1" ] &&
			return 1
		nap 0.01
	done
	return 0
}

# waitline PATH TEXT [SECONDS]: until PATH holds a line starting with TEXT.
waitline() {
	local end=$((${EPOCHREALTIME/./} + ${3:-30} * 1000000))

	while readfile "$1" && [[ $'\n'$content != *$'\n'"$2"* ]]; do
		[ "${EPOCHREALTIME/./}" -gt "$end" ] && return 1
		nap 0.01
	done
	return 0
}

# ---------------------------------------------------------------- set-up

bg_pids=()
lib_netns=()
lib_exit=()
lib_keep=()

# test_init NAME [FILE-PATTERN...]: the test's name (tname), its folder
# $tmp under /tmp, and the clean-up on exit.  On a failure the files of
# $tmp matching the patterns go to $XTCP_OUT/NAME for the host to keep.
test_init() {
	tname=$1
	shift
	lib_keep=("$@")
	tmp=$(mktemp -d "/tmp/xtcp-$tname.$$.XXXXXX") || bail "mktemp"
	echo "# $tname: family $fam, pid $$"
	trap lib_cleanup EXIT
	# A signal (run-all's time-out) still runs the clean-up.
	trap 'exit 143' TERM
	trap 'exit 130' INT
	trap 'exit 129' HUP
}

# need PROGRAM...: bail unless each is there, built.
need() {
	local p

	for p in "$@"; do
		[ -x "$p" ] || bail "$p missing (make; make tools)"
	done
}

# on_exit CMD: run CMD (eval'd) at exit, before the namespaces go; the
# last registered runs first.
on_exit() { lib_exit=("$1" "${lib_exit[@]}"); }

# diag_load: xtcp_diag.ko loaded, for xtcp-ss, and unloaded at exit if
# this test loaded it.  It needs inet_diag (a module on the stock kernel,
# built in on the debug one) and has no alias: nothing loads it on demand.
diag_load() {
	modprobe inet_diag 2>/dev/null
	[ -d /sys/module/xtcp_diag ] && return
	[ -f "$XTCP_MODDIR/xtcp_diag.ko" ] ||
		bail "no xtcp_diag.ko in \$XTCP_MODDIR ($XTCP_MODDIR)"
	insmod "$XTCP_MODDIR/xtcp_diag.ko" || bail "insmod xtcp_diag.ko"
	on_exit "rmmod xtcp_diag"
}

# capture_ipproto: ipproto set to the protocol number xtcp.ko carries,
# which must be 253: the capture's decoder reads 253 as TCP.
capture_ipproto() {
	readfile /sys/module/xtcp/parameters/ipproto
	ipproto=${content%%[!0-9]*}
	[ -n "$ipproto" ] || bail "xtcp is not loaded"
	[ "$ipproto" = 253 ] ||
		bail "the capture decodes protocol 253 only, not $ipproto"
}

lib_cleanup() {
	local p c

	trap - EXIT TERM INT HUP
	# Only the processes this test started: those registered, and its
	# jobs.
	for p in "${bg_pids[@]}" $(jobs -p); do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for c in "${lib_exit[@]}"; do
		eval "$c" 2>/dev/null
	done
	if [ "$tap_failures" != 0 ] && [ -n "${XTCP_OUT:-}" ] &&
		[ ${#lib_keep[@]} -gt 0 ] && [ -d "${tmp:-}" ]; then
		mkdir -p "$XTCP_OUT/$tname"
		for p in "${lib_keep[@]}"; do
			cp "$tmp"/$p "$XTCP_OUT/$tname/" 2>/dev/null
		done
	fi
	for p in "${lib_netns[@]}"; do
		ip netns del "$p" 2>/dev/null
	done
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}

# ns_name ROLE: sets ns to the name of the test's namespace ROLE: the
# test's name and PID make it unique in the guest.
ns_name() { ns=xt-$tname-$$-$1; }

# ns_add NS...: new namespaces (a stale one of the name first removed),
# with lo up, removed at exit.  One ip for them all, and one for each lo:
# every program started costs half a second on the debug kernel.
ns_add() {
	local n cmds=

	for n in "$@"; do
		cmds+="netns del $n"$'\n'"netns add $n"$'\n'
	done
	# -force: on past a "netns del" of a name that is not there.
	ip -force -b - <<<"$cmds" 2>/dev/null
	for n in "$@"; do
		[ -e "/run/netns/$n" ] || bail "ip netns add $n"
		lib_netns+=("$n")
		ip -n "$n" link set lo up || bail "lo up in $n"
	done
}

# ns_del NS: remove a namespace now (and forget it).
ns_del() {
	local i r

	ip netns del "$1"
	r=$?
	for i in "${!lib_netns[@]}"; do
		[ "${lib_netns[$i]}" = "$1" ] && unset "lib_netns[$i]"
	done
	return $r
}

# veth_pair NS1 ADDR1 NS2 ADDR2 [DEV1 [DEV2]]: a veth pair, DEV1 (default
# veth0) in NS1 with ADDR1/24, DEV2 (default DEV1) in NS2 with ADDR2/24,
# both up.  The devices live in the test's own namespaces only, so their
# names cannot collide with another test's.  Each end knows the other's
# link address from the start (a permanent neighbour entry): no first
# segment waits for ARP, whose reply would take a netem delay too.
veth_pair() {
	local d1=${5:-veth0}
	local d2=${6:-$d1}
	local m1 m2

	# Link addresses made from the IPv4 ones (locally administered), so
	# that each end's batch of ip commands knows the other's.
	printf -v m1 '02:00:%02x:%02x:%02x:%02x' ${2//./ }
	printf -v m2 '02:00:%02x:%02x:%02x:%02x' ${4//./ }
	ip -n "$1" -b - <<-EOF || bail "veth $1:$d1 - $3:$d2"
		link add $d1 address $m1 type veth peer name $d2 address $m2 netns $3
		addr add $2/24 dev $d1
		link set $d1 up
		neigh replace $4 lladdr $m2 dev $d1 nud permanent
	EOF
	ip -n "$3" -b - <<-EOF || bail "veth $3:$d2 - $1:$d1"
		addr add $4/24 dev $d2
		link set $d2 up
		neigh replace $2 lladdr $m1 dev $d2 nud permanent
	EOF
}

# ns_pair ADDR_A ADDR_B [SECONDS]: the test's two namespaces A and B
# joined by veth0 (ADDR_A, ADDR_B), and a process living in each, hA and
# hB (see ns_holder; SECONDS, default 3600, its life).
ns_pair() {
	ns_name a
	A=$ns
	ns_name b
	B=$ns
	ns_add $A $B
	veth_pair $A "$1" $B "$2"
	ns_holder $A "${3:-3600}"
	hA=$last
	ns_holder $B "${3:-3600}"
	hB=$last
}

# ns_holder NS [SECONDS]: a process living in NS, its pid in $last: its
# /proc/PID/net is read without forking ip netns exec at every poll.
ns_holder() {
	ip netns exec "$1" sleep "${2:-3600}" &
	last=$!
	bg_pids+=("$last")
	# Until it is in NS (ip netns exec enters it, then execs sleep).
	wait_until 30 eval '! [ /proc/$last/ns/net -ef /proc/$$/ns/net ]' ||
		bail "no process in $1"
	[ -r "/proc/$last/net/$proc" ] || bail "no /proc/net/$proc in $1"
}

# spawn NS NAME SECONDS CMD...: CMD in NS in the background under a
# time-out, its output in $tmp/NAME.log, its pid in $last.
spawn() {
	local ns=$1 name=$2 secs=$3

	shift 3
	ip netns exec "$ns" timeout "$secs" "$@" >"$tmp/$name.log" 2>&1 &
	last=$!
	bg_pids+=("$last")
}

# finished PID NAME DESCRIPTION: one test point, the process ran to its
# end; its log shown when it did not.
finished() {
	wait "$1"
	if ! ok $? "$3"; then
		diag "$tmp/$2.log"
		return 1
	fi
}

# A shell in a namespace reads commands from a FIFO, so that a sysctl
# costs no fork of ip netns exec.  nsh NS CMD runs CMD there: its output
# in $out, its status returned.
declare -A nsh_in nsh_out
nsh_start() {
	local ns=$1 fdi fdo

	mkfifo "$tmp/$ns.in" "$tmp/$ns.out"
	ip netns exec "$ns" bash <"$tmp/$ns.in" >"$tmp/$ns.out" 2>&1 &
	bg_pids+=($!)
	exec {fdi}>"$tmp/$ns.in" {fdo}<"$tmp/$ns.out"
	nsh_in[$ns]=$fdi nsh_out[$ns]=$fdo
}
nsh() {
	local line

	if [ -z "${nsh_in[$1]:-}" ]; then
		out=$(ip netns exec "$1" bash -c "$2" 2>&1)
		return
	fi
	out=''
	printf '%s\necho "@@ $?"\n' "$2" >&"${nsh_in[$1]}"
	while read -r -t 60 line <&"${nsh_out[$1]}"; do
		if [[ $line == "@@ "* ]]; then
			return "${line#@@ }"
		fi
		out+=${out:+$'\n'}$line
	done
	bail "the shell in $1 does not answer"
}

# clsact NS [DEV]: the clsact qdisc on DEV (veth0), for cut_link.
clsact() {
	ip netns exec "$1" tc qdisc add dev "${2:-veth0}" clsact ||
		bail "tc clsact in $1"
}

# cut_link NS, uncut_link NS: drop all IPv4 arriving at NS's veth0, or
# stop.  A classic BPF program in direct-action mode returns TC_ACT_SHOT (2): it
# needs only cls_bpf and clsact.  A capture on the device still sees
# what arrives.
cut_link() {
	ip netns exec "$1" tc filter add dev veth0 ingress pref 1 protocol ip \
		bpf bytecode '1,6 0 0 2,' da || bail "tc: cannot drop in $1"
}
uncut_link() { ip netns exec "$1" tc filter del dev veth0 ingress pref 1; }

# qdisc_drops NS: sets drops to what NS's veth0 root qdisc (netem)
# dropped.
qdisc_drops() {
	nsh "$1" "tc -s qdisc show dev veth0 root"
	drops=${out#*dropped }
	drops=${drops%%,*}
	[[ $drops =~ ^[0-9]+$ ]] || drops=0
}

# dev_rx HOLDER [DEV]: sets rxp to the packets DEV (veth0) of HOLDER's
# namespace received (from /proc/PID/net/dev: no fork), counted as the
# peer hands them over, before tc's ingress.
dev_rx() {
	local name v

	rxp=
	while read -r name v _; do
		[ "$name" = "${2:-veth0}:" ] && rxp=$v
	done <"/proc/$1/net/dev"
}

# netem NS ARGS...: netem on NS's veth0 egress (no ARGS: remove it).
netem() {
	local ns=$1

	shift
	if [ $# = 0 ]; then
		nsh "$ns" "tc qdisc del dev veth0 root"
	else
		nsh "$ns" "tc qdisc add dev veth0 root netem $*"
	fi
}

# -------------------------------------------------------------- counters

# XTCP's counters and their Linux TCP twins ("" where TCP has none):
# "file-prefix:name" of /proc/net/snmp or /proc/net/netstat, Sockstat:tw
# the "tw" field of /proc/net/sockstat's TCP line.  A test names the
# counters it reads in $counters (show_deltas prints those).
# SYNs received: TCP counts segments only (syn_flood sends only SYNs where
# it counts them).  Overflows: ListenDrops counts every SYN a listener
# drops, TCPReqQFullDrop only those of a full queue (not those of the
# three-quarters rule).  TCPSynRetrans counts SYN-ACK retransmissions
# with the client's SYN retransmissions.  TCPAbortOnTimeout counts both
# the keepalive and the retransmission aborts.
declare -A twin=(
	[XtcpInSegs]=Tcp:InSegs [XtcpOutSegs]=Tcp:OutSegs
	[XtcpInCsumErrors]=Tcp:InCsumErrors [XtcpInNoSocket]=''
	[XtcpPassiveOpens]=Tcp:PassiveOpens [XtcpRetransSegs]=Tcp:RetransSegs
	[XtcpRtoExpired]=TcpExt:TCPTimeouts [XtcpFastRetrans]=TcpExt:TCPFastRetrans
	[XtcpRenoRecovery]=TcpExt:TCPRenoRecovery [XtcpPartialAcks]=''
	[XtcpDupAcks]='' [XtcpDelayedACKs]=TcpExt:DelayedACKs
	[XtcpPersistProbes]=TcpExt:TCPWinProbe [XtcpRttSamples]=''
	[XtcpKeepaliveProbes]=TcpExt:TCPKeepAlive
	[XtcpAbortOnKeepalive]=TcpExt:TCPAbortOnTimeout
	[XtcpTimeouts]=TcpExt:TCPAbortOnTimeout
	[XtcpOfoQueue]=TcpExt:TCPOFOQueue [XtcpRcvQDrop]=TcpExt:TCPRcvQDrop
	[XtcpSACKRecovery]=TcpExt:TCPSackRecovery [XtcpSACKBlocksIn]=''
	[XtcpSACKBlocksOut]='' [XtcpPAWSEstab]=TcpExt:PAWSEstab
	[XtcpSynsReceived]=Tcp:InSegs [XtcpSynAckRetrans]=TcpExt:TCPSynRetrans
	[XtcpSynQueueOverflows]=TcpExt:ListenDrops
	[XtcpListenOverflows]=TcpExt:ListenOverflows
	[XtcpSynCookiesSent]=TcpExt:SyncookiesSent
	[XtcpSynCookiesRecv]=TcpExt:SyncookiesRecv
	[XtcpSynCookiesFailed]=TcpExt:SyncookiesFailed [XtcpSynQueuePruned]=''
	[XtcpTimeWaitCurr]=Sockstat:tw [XtcpTW]=TcpExt:TW [XtcpTWExpired]=''
	[XtcpTWReopened]='' [XtcpTWRecycled]=TcpExt:TWRecycled
	[XtcpTimeWaitOverflow]=TcpExt:TCPTimeWaitOverflow
	[XtcpDeferAcceptDrop]=TcpExt:TCPDeferAcceptDrop
	[XtcpBacklogDrop]=TcpExt:TCPBacklogDrop
	[XtcpAbortOnMemory]=TcpExt:TCPAbortOnMemory
	[XtcpAbortFailed]=TcpExt:TCPAbortFailed
	[XtcpMemoryPressures]=TcpExt:TCPMemoryPressures
	[XtcpMemoryPressuresChrono]=TcpExt:TCPMemoryPressuresChrono
	[XtcpRcvCoalesce]=TcpExt:TCPRcvCoalesce
)

# snap HOLDER KEY: the counters of process HOLDER's namespace now, as
# CTR[KEY.NAME]; Linux TCP's as CTR[KEY.Tcp:RetransSegs],
# CTR[KEY.TcpExt:PAWSEstab], CTR[KEY.Sockstat:tw] and so on.
declare -A CTR
snap() {
	local k v hdr vals i f

	if [ $fam = xtcp ]; then
		while read -r k v; do
			CTR[$2.$k]=$v
		done <"/proc/$1/net/xtcp_snmp"
		return
	fi
	for f in snmp netstat; do
		while read -ra hdr && read -ra vals; do
			for ((i = 1; i < ${#hdr[@]}; i++)); do
				CTR[$2.${hdr[0]}${hdr[$i]}]=${vals[$i]:-}
			done
		done <"/proc/$1/net/$f"
	done
	while read -ra hdr; do
		[ "${hdr[0]}" = TCP: ] || continue
		for ((i = 1; i + 1 < ${#hdr[@]}; i += 2)); do
			CTR[$2.Sockstat:${hdr[$i]}]=${hdr[$((i + 1))]}
		done
	done <"/proc/$1/net/sockstat"
}

# cname NAME: sets cname to XTCP counter NAME's name in this family: its
# twin for Linux TCP ("" where TCP has none).
cname() {
	if [ $fam = xtcp ]; then
		cname=$1
	else
		cname=${twin[$1]:-}
	fi
}

# delta BEFORE AFTER NAME: sets d to how much counter NAME grew between
# two snapshots: "none" when TCP has no twin, "missing" when a snapshot
# lacks it; and cname.
delta() {
	local a b

	cname "$3"
	if [ -z "$cname" ]; then
		d=none
		return
	fi
	a=${CTR[$1.$cname]:-} b=${CTR[$2.$cname]:-}
	if [ -z "$a" ] || [ -z "$b" ]; then
		d=missing
	else
		d=$((b - a))
	fi
}

# check_delta DESC BEFORE AFTER NAME OP VALUE: one test point, NAME's
# growth compared with VALUE by OP (-eq, -ge, -le); skipped when TCP has
# no twin.
check_delta() {
	delta "$2" "$3" "$4"
	if [ "$d" = none ]; then
		skip "$1" "Linux TCP has no counter for $4"
		return
	fi
	[ "$d" != missing ] && test "$d" "$5" "$6"
	ok $? "$1 ($cname +$d, want $5 $6)"
}

# counter_check DESC min|is N BEFORE AFTER NAME: check_delta with the
# growth at least N ("min") or exactly N ("is").
counter_check() {
	local op=-ge

	[ "$2" = is ] && op=-eq
	check_delta "$1" "$4" "$5" "$6" $op "$3"
}

# check_val DESC KEY NAME VALUE: one test point, NAME in snapshot KEY is
# VALUE.
check_val() {
	local v

	cname "$3"
	v=${CTR[$2.$cname]:-missing}
	[ "$v" = "$4" ]
	ok $? "$1 ($cname $v, want $4)"
}

# counter_now HOLDER NAME: sets cval to the counter's value now ("" when
# missing or TCP has no twin).
counter_now() {
	snap "$1" now
	cname "$2"
	cval=${CTR[now.$cname]:-}
	[ -n "$cname" ] || cval=
}

# grown HOLDER BEFORE NAME MIN: true once NAME grew by MIN or more since
# snapshot BEFORE (false too when TCP has no twin or it is missing): for
# wait_until.
grown() {
	snap "$1" now
	delta "$2" now "$3"
	[ "$d" != none ] && [ "$d" != missing ] && [ "$d" -ge "$4" ]
}

# counters_exist HOLDER: one test point, every counter of $counters is
# in HOLDER's namespace (or its twin, for Linux TCP).
# shellcheck disable=SC2154 # $counters is the test's
counters_exist() {
	local c missing=""

	snap "$1" zero
	for c in $counters; do
		delta zero zero "$c"
		[ "$d" = missing ] && missing+=" $cname"
	done
	[ -z "$missing" ]
	ok $? "0: the counters exist${missing:+ (missing:$missing)}"
}

# ip_snmp NS NAME: NAME's value in the "Ip:" (or "Icmp:") lines of NS's
# /proc/net/snmp.
ip_snmp() {
	ip netns exec "$1" awk -v k="$2" '$1 == "Ip:" || $1 == "Icmp:" {
		if (!(($1) in hdr)) { hdr[$1] = 1; for (i = 2; i <= NF; i++) n[$1, i] = $i; next }
		for (i = 2; i <= NF; i++) if (n[$1, i] == k) print $i }' /proc/net/snmp
}

# xcounter NS NAME: prints XTCP's counter NAME in namespace NS (nothing
# when missing); a fork, for tests that read a counter now and then.
xcounter() {
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' \
		/proc/net/xtcp_snmp
}

# show_deltas LABEL BEFORE AFTER: the growth of each counter of the
# test's list $counters, as a comment.
# shellcheck disable=SC2154 # $counters is the test's
show_deltas() {
	local c line=""

	for c in $counters; do
		delta "$2" "$3" "$c"
		[ "$d" = none ] && continue
		line+=" ${c#Xtcp}+$d"
	done
	echo "# $1:$line"
}

# --------------------------------------------------------------- sockets

# /proc/net/tcp's state numbers
declare -A STATES=([ESTABLISHED]=01 [SYN_SENT]=02 [SYN_RECV]=03 [FIN_WAIT1]=04
	[FIN_WAIT2]=05 [TIME_WAIT]=06 [CLOSE]=07 [CLOSE_WAIT]=08 [LAST_ACK]=09
	[LISTEN]=0A [CLOSING]=0B)

# ent HOLDER LPORT RPORT: the sockets LPORT -> RPORT (either "*": any) in
# HOLDER's namespace: sts, their states (hex, each followed by a space);
# of the first one, txq its bytes not yet acknowledged (tx_queue), rtx
# its retransmission count (retrnsmt) and rem its timer in ms ("" without
# timer); now_ms, when it was read.
ent() {
	local l=$2 r=$3 la ra state q tm retr

	[ "$l" = "*" ] || printf -v l %04X "$2"
	[ "$r" = "*" ] || printf -v r %04X "$3"
	sts='' rem='' rtx='' txq=''
	while read -r _ la ra state q tm retr _; do
		[ "$l" = "*" ] || [ "${la#*:}" = "$l" ] || continue
		[ "$r" = "*" ] || [ "${ra#*:}" = "$r" ] || continue
		if [ -z "$sts" ]; then
			rtx=$((16#$retr)) txq=$((16#${q%%:*}))
			[ "${tm%%:*}" = 00 ] || rem=$((16#${tm#*:} * 10))
		fi
		sts+="$state "
	done 2>/dev/null <"/proc/$1/net/$proc"
	now_ms=$((${EPOCHREALTIME/./} / 1000))
}

# in_state HOLDER LPORT RPORT STATE: a socket LPORT -> RPORT is in STATE
# (a name of STATES, or hex), or, with "none", no socket is left.
in_state() {
	local want=${STATES[$4]:-$4}

	ent "$1" "$2" "$3"
	if [ "$4" = none ]; then
		[ -z "$sts" ]
	else
		[[ " $sts" == *" $want "* ]]
	fi
}

# wait_st HOLDER LPORT RPORT STATE [SECONDS]: until in_state (15 s at
# most); says what it saw when it gives up.
wait_st() {
	wait_until "${5:-15}" in_state "$1" "$2" "$3" "$4" && return 0
	echo "# port $2 -> $3: waited for $4, saw: ${sts:-no socket}"
	return 1
}

# --------------------------------------------------------------- capture

# cap_start NS DEV FILTER [FIELD...]: dumpcap on DEV in NS, headers only
# (snaplen 128), into $tmp/cap.pcapng; tshark decodes it as it is made
# (it takes long to start in the emulated guest: minutes on the debug
# kernel), fed by helpers/follow through a FIFO until cap_stop says
# dumpcap has ended, so that a tshark still starting never holds dumpcap
# up.  Each segment becomes a line of $tmp/fields.txt: TIME SPORT DPORT
# SYN ACK FIN RST SEQ ACK LEN
# and the FIELDs, separated by "|" (repeated fields joined by ",").
# cap_buf (MiB) sets dumpcap's buffer.  Returns once dumpcap captures.
cap_start() {
	local ns=$1 dev=$2 filter=$3 f fields=()

	shift 3
	for f in frame.time_epoch tcp.srcport tcp.dstport tcp.flags.syn \
		tcp.flags.ack tcp.flags.fin tcp.flags.reset tcp.seq tcp.ack \
		tcp.len "$@"; do
		fields+=(-e "$f")
	done
	rm -f "$tmp/dec.fifo" "$tmp/cap.done" "$tmp/dec.done"
	mkfifo "$tmp/dec.fifo"
	: >"$tmp/cap.pcapng"
	ip netns exec "$ns" timeout 1200 dumpcap -i "$dev" -s 128 \
		${cap_buf:+-B $cap_buf} -f "$filter" -w "$tmp/cap.pcapng" \
		2>"$tmp/dumpcap.log" &
	cap=$!
	bg_pids+=("$cap")
	"$XTCP_TOP/build/userspace/helpers/follow" "$tmp/cap.pcapng" \
		"$tmp/cap.done" >"$tmp/dec.fifo" &
	follower=$!
	bg_pids+=("$follower")
	# The decoder says in a file that it has ended: waiting on its PID,
	# cap_stop now and then waited out its bound on the debug kernel
	# although tshark had, by every sign, finished.
	{
		tshark -r - -o tcp.relative_sequence_numbers:FALSE \
			-o tcp.analyze_sequence_numbers:FALSE \
			-o tcp.calculate_timestamps:FALSE -d ip.proto==253,tcp \
			-T fields -E separator='|' -E occurrence=a \
			-E aggregator=, "${fields[@]}" <"$tmp/dec.fifo" \
			>"$tmp/fields.txt" 2>"$tmp/tshark.log"
		echo $? >"$tmp/dec.done"
	} &
	decoder=$!
	bg_pids+=("$decoder")
	if ! wait_until 60 cap_started; then
		diag "$tmp/dumpcap.log"
		bail "dumpcap did not start"
	fi
}

# Sets caplog to dumpcap's log (no fork).
read_caplog() { readfile "$tmp/dumpcap.log"; caplog=$content; }
cap_started() { read_caplog; [[ $caplog == *"Capturing on"* ]]; }

# cap_count: sets cap_n to the packets dumpcap reported so far.
cap_count() {
	read_caplog
	cap_n=${caplog##*Packets: }
	[ "$cap_n" = "$caplog" ] && cap_n=0
	cap_n=${cap_n%%[!0-9]*}
}

# cap_stop: stop dumpcap once its count has settled (the kernel hands it
# packets in blocks, after a time-out: stopped earlier, it loses the last
# ones), then wait for tshark (10 minutes at most, then it is stopped:
# the check of what it decoded fails).  Sets cap_n and
# cap_drops (what dumpcap says it dropped, "?" unknown).
cap_stop() {
	local prev=-1 i

	for ((i = 0; i < 30; i++)); do
		nap 1
		cap_count
		[ "$cap_n" = "$prev" ] && break
		prev=$cap_n
	done
	kill -INT $cap
	wait $cap
	read_caplog
	cap_drops='?'
	[[ $caplog =~ received/dropped\ on\ interface[^:]*:\ [0-9]+/([0-9]+) ]] &&
		cap_drops=${BASH_REMATCH[1]}
	echo "# captured $cap_n segments, $cap_drops dropped"
	: >"$tmp/cap.done"
	if ! WAIT_STEP=0.5 wait_until 120 test -e "$tmp/dec.done"; then
		# Not seen in a normal run: say where it waits.
		echo "# decoder still running 120 s after the capture ended"
		cap_show_proc follow "$follower"
		cap_show_proc decoder "$decoder"
		readfile "/proc/$decoder/task/$decoder/children"
		for i in $content; do
			cap_show_proc tshark "$i"
		done
		WAIT_STEP=0.5 wait_until 480 test -e "$tmp/dec.done" ||
			kill "$follower" "$decoder" 2>/dev/null
	fi
	wait "$decoder"
}

# cap_show_proc NAME PID: a process's state, where it sleeps, its files.
cap_show_proc() {
	local f

	[ -d "/proc/$2" ] || { echo "# $1 ($2): gone"; return; }
	readfile "/proc/$2/stat"
	echo "# $1 ($2) stat: $content"
	readfile "/proc/$2/wchan"
	echo "# $1 ($2) wchan: $content"
	for f in /proc/$2/fd/*; do
		echo "# $1 ($2) fd ${f##*/} -> $(readlink "$f")"
	done
}

# cap_decode [AWK]: $tmp/fields.txt into $tmp/segs.txt, one line a
# segment: TIME SPORT DPORT FLAGS SEQ ACK LEN and the extra fields, FLAGS
# of S, A, F, R ("." for none), ACK "-" without the ACK flag, an empty
# field "-".  AWK, when given, sets x to the extra columns itself from
# $11 on (v(F) is F or "-").
cap_decode() {
	awk -F'|' "
	function b(x) { return x == \"1\" || x == \"True\" }
	function v(x) { return x == \"\" ? \"-\" : x }
	{
		f = (b(\$4) ? \"S\" : \"\") (b(\$5) ? \"A\" : \"\") \\
		    (b(\$6) ? \"F\" : \"\") (b(\$7) ? \"R\" : \"\")
		if (!b(\$5))
			\$9 = \"-\"
		x = \"\"
		for (i = 11; i <= NF; i++)
			x = x \" \" v(\$i)
		${1:-}
		print \$1, \$2, \$3, f == \"\" ? \".\" : f, \$8, \$9, \$10 x
	}" "$tmp/fields.txt" >"$tmp/segs.txt"
	[ -s "$tmp/segs.txt" ] || diag "$tmp/tshark.log"
}

# segs_by_port PORTS...: the segments of $tmp/segs.txt (cap_decode with
# the IP protocol as field 8 and the length as field 7) counted by server
# port (one of PORTS, else "other") and IP protocol, into the associative
# arrays segs[PORT.PROTO] and bytes[PORT.PROTO] (data sent from the
# port); the list goes to the log too.  The caller declares both arrays.
segs_by_port() {
	local port pr n b

	awk -v ports="$*" '
	BEGIN { split(ports, p); for (i in p) srv[p[i]] = 1 }
	{
		k = ($2 in srv) ? $2 : ($3 in srv) ? $3 : "other"
		n[k " " $8]++
		if ($2 in srv && $7 != "-")
			b[k " " $8] += $7
	}
	END { for (k in n) print k, n[k], b[k] + 0 }' "$tmp/segs.txt" |
		sort >"$tmp/protos.txt"
	diag "$tmp/protos.txt"
	while read -r port pr n b; do
		segs[$port.$pr]=$n bytes[$port.$pr]=$b
	done <"$tmp/protos.txt"
}

# proto_only LABEL MIN PORTS...: one test point: the connections of every
# PORT crossed as protocol $ipproto only, at least MIN segments each
# (segs_by_port has counted them).
proto_only() {
	local label=$1 min=$2 p bad= counts=

	shift 2
	for p in "$@"; do
		[ "${segs[$p.$ipproto]:-0}" -ge "$min" ] &&
			[ -z "${segs[$p.6]:-}" ] || bad+=" $p"
		counts+="${counts:+, }${segs[$p.$ipproto]:-0}"
	done
	[ -z "$bad" ]
	ok $? "$label crossed as protocol $ipproto only ($counts segments)${bad:+; wrong on:$bad}"
}

# check NAME PORTS DESCRIPTION AWK [VAR=VALUE...]: one test point: the
# awk program run over the segments of one connection, from $segfile
# (default $tmp/segs.txt), exits 0.  PORTS is the server's port (DIR ">"
# towards it, "<" from it) or CPORT:SPORT (both must match).  The awk
# program sees "TIME DIR FLAGS SEQ ACK LEN EXTRA...", N their number so
# far, mod() and after() of sequence numbers, and the VARs.  What it
# prints is shown, and the segments too (in $tmp/NAME.segs) when wrong.
check() {
	local name=$1 cp=${2%:*} sp=${2#*:} desc=$3 prog=$4 out vars=() v

	[ "$cp" = "$2" ] && cp=
	shift 4
	for v in "$@"; do
		vars+=(-v "$v")
	done
	: >"$tmp/$name.segs"
	out=$(awk -v CP="$cp" -v SP="$sp" -v SEGS="$tmp/$name.segs" \
		"${vars[@]}" "
	function mod(x) { return (x % 4294967296 + 4294967296) % 4294967296 }
	function after(a, b) { return a != b && mod(a - b) < 2147483648 }
	{
		if (\$3 == SP && (CP == \"\" || \$2 == CP))
			DIR = \">\"
		else if (\$2 == SP && (CP == \"\" || \$3 == CP))
			DIR = \"<\"
		else
			next
		\$2 = DIR
		\$3 = \"\"
		\$0 = \$0
		print >SEGS
		N++
	}
	$prog" "${segfile:-$tmp/segs.txt}" 2>&1)
	if ! ok $? "$desc"; then
		[ -n "$out" ] && echo "$out" | diag
		echo "# $name: ${seg_columns:-time dir flags seq ack len ...}"
		if [ "$(wc -l <"$tmp/$name.segs")" -gt 80 ]; then
			head -n 40 "$tmp/$name.segs" | diag
			echo "# ..."
			tail -n 40 "$tmp/$name.segs" | diag
		else
			diag "$tmp/$name.segs"
		fi
	elif [ -n "$out" ]; then
		echo "$out" | diag
	fi
}

# ------------------------------------------------------------------ data

# sha256 FILE: prints FILE's SHA-256 (nothing when it cannot be read).
sha256() {
	local s

	s=$(sha256sum "$1" 2>/dev/null) || return 1
	echo "${s%% *}"
}

# xfer_ok DESC WANT SENT GOT SENT_SHA GOT_SHA [STATUS]: one test point:
# WANT bytes sent and received, the two SHA-256 equal (and STATUS 0).
xfer_ok() {
	[ "${7:-0}" = 0 ] && [ "$3" = "$2" ] && [ "$4" = "$2" ] &&
		[ -n "$5" ] && [ "$5" = "$6" ]
	ok $? "$1: ${3:-?} bytes sent, ${4:-?} received, SHA-256 ${5:0:16}... ${6:0:16}..."
}

# readlog NAME: parse $tmp/NAME.log into LOG (builtins only): LOG[NAME.WORD.I]
# is the Ith word of the last line starting with WORD, and
# LOG[NAME.info.WHEN.KEY] (LOG[NAME.max.KEY]) the VALUE of KEY=VALUE on the
# line "info WHEN ..." ("max ...").
declare -A LOG
readlog() {
	local words i kv

	while read -ra words; do
		[ ${#words[@]} -gt 0 ] || continue
		if [ "${words[0]}" = info ]; then
			for kv in "${words[@]:2}"; do
				LOG[$1.info.${words[1]}.${kv%%=*}]=${kv#*=}
			done
			continue
		fi
		if [ "${words[0]}" = max ]; then
			for kv in "${words[@]:1}"; do
				LOG[$1.max.${kv%%=*}]=${kv#*=}
			done
			continue
		fi
		for i in "${!words[@]}"; do
			LOG[$1.${words[0]}.$i]=${words[$i]}
		done
	done <"$tmp/$1.log"
}

# show_info NAME...: the "info" and "max..." lines of the logs, as
# comments.
show_info() {
	local n line

	for n in "$@"; do
		while read -r line; do
			[[ $line == info* || $line == max* ]] &&
				echo "# $n: $line"
		done <"$tmp/$n.log"
	done
}

# ------------------------------------------------------ nothing left over

# protocols_socks HOLDER: socks, the "sockets" column of the family's
# line in HOLDER's /proc/net/protocols.
protocols_socks() {
	local name s

	socks=
	while read -r name _ s _; do
		[ "$name" = "$prot_name" ] && socks=$s
	done <"/proc/$1/net/protocols"
}

# slab KEY: SB[KEY.CACHE], the active objects of each cache of
# $fam_caches, once SLUB has given back its per-CPU slabs (whose free
# objects /proc/slabinfo counts as active).
declare -A SB
slab() {
	local name active

	for name in $fam_caches; do
		[ -w "/sys/kernel/slab/$name/shrink" ] &&
			echo 1 >"/sys/kernel/slab/$name/shrink"
	done
	while read -r name active _; do
		[[ " $fam_caches " == *" $name "* ]] && SB[$1.$name]=$active
	done </proc/slabinfo
}

# table_empty HOLDER: true when HOLDER's /proc/net table holds no socket
# (for Linux TCP, none but TIME_WAIT); lst, the states seen.
table_empty() {
	local sl st bad=0

	local -A nst=()

	lst=
	# (ent cannot take "*" for both ports: the header line.)
	while read -r sl _ _ st _; do
		[ "$sl" = sl ] && continue
		nst[$st]=$((${nst[$st]:-0} + 1))
		[ $fam = tcp ] && [ "$st" = 06 ] && continue
		bad=1
	done <"/proc/$1/net/$proc"
	for st in "${!nst[@]}"; do
		lst+="${lst:+, }${nst[$st]} in state $st"
	done
	[ $bad = 0 ]
}

# nothing_left LABEL KEY0 SLACK [NAME HOLDER SOCKS0]...: that a test left
# nothing behind, once its programs are gone: each HOLDER's /proc/net
# table empty (for Linux TCP, but TIME_WAIT; 90 s at most), the sockets
# of its /proc/net/protocols line SOCKS0 again, then the family's slab
# caches within SLACK objects of what "slab KEY0" saw (with
# nl_tcp_tw_skip=1, Linux TCP's TIME_WAIT cache is not compared: its
# entries last 60 s, more than SLACK of them).
nothing_left() {
	local label=$1 key0=$2 slack=$3 name h s0 c a b

	shift 3
	while [ $# -ge 3 ]; do
		name=$1 h=$2 s0=$3
		shift 3
		WAIT_STEP=0.5 wait_until 90 table_empty "$h"
		ok $? "$label: $name's /proc/net/$proc empty${lst:+ but TIME_WAIT} (${lst:-none})"
		protocols_socks "$h"
		[ "$socks" = "$s0" ]
		ok $? "$label: $name's /proc/net/protocols: $prot_name sockets as before ($s0, $socks)"
	done
	slab "$key0.after"
	for c in $fam_caches; do
		b=${SB[$key0.$c]:-} a=${SB[$key0.after.$c]:-}
		if [ -z "$b" ] || [ -z "$a" ]; then
			skip "$label: slab cache $c as before" "not in /proc/slabinfo (merged?)"
			continue
		fi
		if [ $fam = tcp ] && [ $c = tw_sock_TCP ] &&
			[ "${nl_tcp_tw_skip:-0}" = 1 ]; then
			skip "$label: slab cache $c as before" "Linux TCP's TIME_WAIT lasts 60 s"
			continue
		fi
		[ $((a - b)) -le "$slack" ]
		ok $? "$label: slab cache $c: $a active objects, $((a - b)) more than before (at most $slack)"
	done
}
