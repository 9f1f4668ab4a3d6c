#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the inet family brings to a socket, over both entries of XTCP,
# socket(AF_XTCP, SOCK_STREAM, 0) ("xtcp") and socket(AF_INET, SOCK_STREAM,
# IPPROTO_XTCP) ("inet"); with XTCP_TEST_FAMILY=tcp the same checks on
# Linux TCP ("tcp"), the reference; with XTCP_TEST_FAMILY=inet the inet
# entry only.  Client in namespace A, servers (helpers/hooks_peer) in B:
#
#  1. getsockname()/getpeername(): before and after bind() and connect(),
#     on both ends of a connection, as TCP gives them.
#  2. cgroup-BPF (bpf/sockaddr.bpf.c, attached with bpftool to cgroups of
#     the test): connect4 sends a connect() to port 7000 to 7001 (the
#     server's greeting says which port it reached; getpeername() shows
#     7001, as for TCP) and refuses 7002 (EPERM); bind4 binds 7011 for
#     7010 and refuses 7012 (EPERM); sock_create refuses the socket
#     (EPERM) and the socket count of /proc/net/protocols comes back.
#     The kernel runs these programs for sockets of the inet families
#     only: an AF_XTCP socket (family 22) meets none of them, as
#     src/xtcp_sock.c says, and the checks of the xtcp entry say so.
#  3. SO_MARK, IP_TOS, IP_TTL: every segment of a connection carries the
#     client's mark (nftables counters on A's output, "meta mark"), its
#     TOS and TTL (counters on B's prerouting: the wire); the server's
#     mark on the listener goes on its SYN-ACK and everything after;
#     policy routing by fwmark ("ip rule fwmark" to a prohibit route)
#     refuses the marked connect() (EACCES).  A connection without the
#     options is counted too: none of its segments match.
#  4. netfilter owner match: "meta skuid" counts every segment of a
#     client running as another user, none of root's; a drop rule for a
#     user makes its connect() time out (ETIMEDOUT, TCP_SYNCNT 1) while
#     root's connects.
#  5. LSM, through BPF LSM programs (bpf/lsm.bpf.c) where the kernel runs
#     the BPF LSM (Debian's does; the debug kernel has no LSM: skipped):
#     socket_connect refuses (EPERM), socket_bind refuses (EACCES),
#     inet_conn_request refusing a listener's SYNs makes connect() time
#     out, and a connection meets inet_conn_request (listener),
#     inet_conn_established (client) and sock_graft (accept), once each.
#
# Ports (B's servers, the programs' and rules' matches): 7000-7002
# connect4, 7010-7012 bind4, 7015 a plain bind, 7020-7024 mark, TOS, TTL,
# 7025-7027 owner, 7028 the marked listener, 7030-7033 the LSM programs.
# Needs nft (nftables), bpftool, and the objects of userspace-tests/bpf.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"

test_init inet_hooks '*.log' '*.nft'
AA=10.215.0.1 AB=10.215.0.2
peer=$XTCP_TOP/build/userspace/helpers/hooks_peer
bpfd=$XTCP_TOP/build/userspace/bpf
need "$peer" "$bpfd/lsm_load"
for f in sockaddr.bpf.o lsm.bpf.o; do
	[ -f "$bpfd/$f" ] || bail "$bpfd/$f missing (make -C userspace-tests/bpf)"
done
for f in nft bpftool; do
	command -v $f >/dev/null || bail "$f missing (make deps)"
done

case ${XTCP_TEST_FAMILY:-} in
tcp) entries=(tcp) proto=6 ;;
inet) entries=(inet) ;;
*) entries=(xtcp inet) ;;
esac
if [ $fam = xtcp ]; then
	proto=253
	[ -r /sys/module/xtcp/parameters/ipproto ] &&
		proto=$(</sys/module/xtcp/parameters/ipproto)
	prot_name=XTCP
else
	prot_name=TCP
fi
# A connect() whose SYNs all go unanswered (TCP_SYNCNT 1): Linux TCP's
# errno, which XTCP must give too.
TIMEOUT_ERR=ETIMEDOUT

ns_pair $AA $AB

# ------------------------------------------------------------- helpers

# client NAME ARGS...: hooks_peer ARGS in A, its output in $tmp/NAME.log,
# read into LOG[NAME.WORD.I] (readlog).  The helper enters A itself, once
# in its cgroup (-g): "ip netns exec" mounts a /sys of its own, where the
# cgroup2 file system of /sys/fs/cgroup is not.
client() {
	local name=$1

	shift
	timeout 60 "$peer" -n $A "$@" >"$tmp/$name.log" 2>&1
	readlog "$name"
}

# expect DESC NAME WORD WANT: one point, the line WORD of client NAME says
# WANT; its log shown when it does not.
expect() {
	local got=${LOG[$2.$3.1]:-none}

	[ "$got" = "$4" ]
	ok $? "$1 ($3: $got, want $4)" || diag "$tmp/$2.log"
}

# accepted E PORT PEER: the server of entry E accepted a connection on
# PORT from PEER (ADDR:PORT, "*" any), local address $AB:PORT; sets acc to
# their number.
accepted() {
	local line pat="accept $2 peer $3 local $AB:$2"

	acc=0
	while read -r line; do
		# shellcheck disable=SC2053 # $pat is a pattern
		[[ $line == $pat ]] && acc=$((acc + 1))
	done <"$tmp/srv-$1.log"
}

# The nftables rules of the test: named counters, all_PORT for every
# segment of a connection to (A's output, B's prerouting) or from (B's
# output) PORT, hit_PORT (hit2_PORT) for those matching a condition.
declare -A CNT
nft_load() {
	local ns=$1 file=$tmp/$2.nft

	cat >"$file"
	ip netns exec "$ns" nft -f "$file"
}

# nft_read: CNT[NAME], the packets of each counter of A and B.
nft_read() {
	local ns line name=

	CNT=()
	for ns in $A $B; do
		while read -r line; do
			case $line in
			"counter "*) name=${line#counter } name=${name% \{} ;;
			"packets "*) line=${line#packets } CNT[$name]=${line%% *} ;;
			esac
		done < <(ip netns exec "$ns" nft list counters table ip xh)
	done
}

nft_reset() {
	ip netns exec $A nft reset counters table ip xh >/dev/null ||
		bail "nft reset counters in A"
	ip netns exec $B nft reset counters table ip xh >/dev/null ||
		bail "nft reset counters in B"
}

# counted DESC PORT all|none [HIT]: one point: of the segments counted
# for PORT (some), counter HIT (default hit_PORT) counted all, or none.
counted() {
	local a=${CNT[all_$2]:-missing} h=${CNT[${4:-hit_$2}]:-missing} want=0

	[ "$3" = all ] && want=$a
	[[ $a =~ ^[0-9]+$ ]] && [ "$a" -gt 0 ] && [ "$h" = "$want" ]
	ok $? "$1 ($h of $a segments, want $3)"
}

# ---------------------------------------------------------- nftables

# A: what leaves the client, by destination port; B: what arrives (TOS,
# TTL) and what its servers send (the listener's mark), by port.
p="ip protocol $proto"
nft_load $A a <<EOF || bail "nft in A"
table ip xh {
	counter all_7020 { }
	counter hit_7020 { }
	counter all_7021 { }
	counter hit_7021 { }
	counter all_7025 { }
	counter hit_7025 { }
	counter all_7026 { }
	counter hit_7026 { }
	counter all_7027 { }
	counter hit_7027 { }
	chain out {
		type filter hook output priority 0; policy accept;
		$p @th,16,16 7020 counter name all_7020
		$p @th,16,16 7020 meta mark 0x42 counter name hit_7020
		$p @th,16,16 7021 counter name all_7021
		$p @th,16,16 7021 meta mark 0x42 counter name hit_7021
		$p @th,16,16 7025 counter name all_7025
		$p @th,16,16 7025 meta skuid 4242 counter name hit_7025
		$p @th,16,16 7026 counter name all_7026
		$p @th,16,16 7026 meta skuid 4242 counter name hit_7026
		$p @th,16,16 7027 counter name all_7027
		$p @th,16,16 7027 meta skuid 4243 counter name hit_7027 drop
	}
}
EOF
nft_load $B b <<EOF || bail "nft in B"
table ip xh {
	counter all_7022 { }
	counter hit_7022 { }
	counter all_7023 { }
	counter hit_7023 { }
	counter all_7024 { }
	counter hit_7024 { }
	counter hit2_7024 { }
	counter all_7028 { }
	counter hit_7028 { }
	chain pre {
		type filter hook prerouting priority 0; policy accept;
		$p @th,16,16 7022 counter name all_7022
		$p @th,16,16 7022 ip dscp 0x0a counter name hit_7022
		$p @th,16,16 7023 counter name all_7023
		$p @th,16,16 7023 ip ttl 33 counter name hit_7023
		$p @th,16,16 7024 counter name all_7024
		$p @th,16,16 7024 ip dscp 0x0a counter name hit_7024
		$p @th,16,16 7024 ip ttl 33 counter name hit2_7024
	}
	chain out {
		type filter hook output priority 0; policy accept;
		$p @th,0,16 7028 counter name all_7028
		$p @th,0,16 7028 meta mark 0x44 counter name hit_7028
	}
}
EOF

# Policy routing by mark, where the kernel has it (the debug kernel may
# not: CONFIG_IP_MULTIPLE_TABLES).
fwmark=1
ip -n $A -b - 2>/dev/null <<EOF || fwmark=0
rule add fwmark 0x45 lookup 145
route add prohibit $AB table 145
EOF

# ---------------------------------------------------------- cgroup-BPF

# cgroup v2 and bpffs, mounted for the test where they are not.
mounted() { awk -v t="$1" '$3 == t { print $2; exit }' /proc/self/mounts; }
cgmnt=$(mounted cgroup2)
if [ -z "$cgmnt" ]; then
	cgmnt=/sys/fs/cgroup
	mount -t cgroup2 none $cgmnt || bail "mount cgroup2"
	on_exit "umount $cgmnt"
fi
bpfmnt=$(mounted bpf)
if [ -z "$bpfmnt" ]; then
	bpfmnt=/sys/fs/bpf
	mount -t bpf none $bpfmnt || bail "mount bpffs"
	on_exit "umount $bpfmnt"
fi
pins=$bpfmnt/xtcp-$tname-$$
cg=$cgmnt/xtcp-$tname-$$
cg_nosock=$cgmnt/xtcp-$tname-$$-nosock
mkdir "$cg" "$cg_nosock" || bail "mkdir cgroups"
on_exit "rm -rf '$pins'"
# Removing the cgroups detaches their programs.
on_exit "rmdir '$cg' '$cg_nosock'"
bpftool prog loadall "$bpfd/sockaddr.bpf.o" "$pins" >"$tmp/bpftool.log" 2>&1 &&
	bpftool cgroup attach "$cg" cgroup_inet4_connect \
		pinned "$pins/xh_connect4" >>"$tmp/bpftool.log" 2>&1 &&
	bpftool cgroup attach "$cg" cgroup_inet4_bind \
		pinned "$pins/xh_bind4" >>"$tmp/bpftool.log" 2>&1 &&
	bpftool cgroup attach "$cg_nosock" cgroup_inet_sock_create \
		pinned "$pins/xh_sock_create" >>"$tmp/bpftool.log" 2>&1
if ! ok $? "0: the cgroup-BPF programs load and attach (bpftool)"; then
	diag "$tmp/bpftool.log"
	bail "no cgroup-BPF programs"
fi

# --------------------------------------------------------------- LSM

# lsm_started: lsm_load said it attached, or failed, or ended.
lsm_started() {
	readfile "$tmp/lsm.log"
	[[ $'\n'$content == *$'\n'attached* || $'\n'$content == *$'\n'error* ]] ||
		! kill -0 "$lsm_pid" 2>/dev/null
}

# lsm_answered N: lsm_load printed N lines of counts.
lsm_answered() {
	local n

	n=$(grep -c '^counts' "$tmp/lsm.log")
	[ "$n" -ge "$1" ]
}

# The BPF LSM, where the kernel runs it; else why not (lsm_why).
lsm_why=
sec=/sys/kernel/security
if [ ! -d $sec ]; then
	lsm_why="the kernel has no LSM (CONFIG_SECURITY)"
else
	if [ ! -e $sec/lsm ] && mount -t securityfs none $sec 2>/dev/null; then
		on_exit "umount $sec"
	fi
	readfile $sec/lsm
	lsms=${content%$'\n'}
	if [[ ",$lsms," != *,bpf,* ]]; then
		lsm_why="no BPF LSM among the active LSMs (${lsms:-none}), and no policy of another can be loaded here"
	elif [ ! -r /sys/kernel/btf/vmlinux ]; then
		lsm_why="BPF LSM active but the kernel has no BTF to attach to"
	fi
fi
if [ -z "$lsm_why" ]; then
	echo "# active LSMs: $lsms"
	mkfifo "$tmp/lsm.in"
	"$bpfd/lsm_load" "$bpfd/lsm.bpf.o" <"$tmp/lsm.in" >"$tmp/lsm.log" 2>&1 &
	lsm_pid=$!
	bg_pids+=("$lsm_pid")
	exec {lsm_fd}>"$tmp/lsm.in"
	wait_until 60 lsm_started
	readlog lsm
	[ "${LOG[lsm.attached.1]:-}" = 6 ]
	if ! ok $? "0: the BPF LSM programs load and attach (6)"; then
		diag "$tmp/lsm.log"
		lsm_why="the BPF LSM programs did not attach"
	fi
fi

# lsm_counts KEY: LSMC[KEY.NAME], the counters of lsm.bpf.c now.
declare -A LSMC
lsm_counts() {
	local line kv n

	readfile "$tmp/lsm.log"
	n=$(grep -c '^counts' <<<"$content")
	echo >&$lsm_fd
	wait_until 30 lsm_answered $((n + 1)) || bail "lsm_load does not answer"
	line=$(grep '^counts' "$tmp/lsm.log" | tail -n 1)
	for kv in ${line#counts }; do
		LSMC[$1.${kv%%=*}]=${kv#*=}
	done
}

# lsm_delta DESC NAME BEFORE AFTER WANT: one point, counter NAME grew by
# WANT.
lsm_delta() {
	local a=${LSMC[$3.$2]:-?} b=${LSMC[$4.$2]:-?} d=?

	[ "$a" != ? ] && [ "$b" != ? ] && d=$((b - a))
	[ "$d" = "$5" ]
	ok $? "$1 ($2 +$d, want +$5)"
}

# --------------------------------------------------------------- run

# entry E: every check through entry E, its servers in B listening.
entry() {
	local e=$1 srv msrv

	section "$e: servers"
	spawn $B srv-$e 600 "$peer" -L "$tmp/srv-$e.ready" $e serve $AB \
		7000 7001 7002 7020 7021 7022 7023 7024 7025 7026 7027 \
		7032 7033
	srv=$last
	if ! waitfile "$tmp/srv-$e.ready" $srv; then
		diag "$tmp/srv-$e.log"
		bail "$e: no server"
	fi
	spawn $B msrv-$e 600 "$peer" -m 0x44 -L "$tmp/msrv-$e.ready" $e \
		serve $AB 7028
	msrv=$last
	if ! waitfile "$tmp/msrv-$e.ready" $msrv; then
		diag "$tmp/msrv-$e.log"
		bail "$e: no marked server"
	fi
	nft_reset
	entry_checks $e
	# The next entry's servers take the same ports.
	kill $srv $msrv
	wait $srv $msrv
}

# entry_checks E: the checks of entry E.
entry_checks() {
	local e=$1 n cport c

	# 1. Names.
	section "$e: 1. names"
	n=$e-names
	client $n $e connect $AB 7001
	expect "$e: 1: getpeername() before connect()" $n peername0 ENOTCONN
	expect "$e: 1: connect()" $n connect ok
	expect "$e: 1: the round trip" $n echo ok
	expect "$e: 1: getpeername()" $n peername $AB:7001
	c=${LOG[$n.sockname.1]:-none}
	cport=${c#$AA:}
	[[ $c == $AA:* ]] && [[ $cport =~ ^[0-9]+$ ]] && [ "$cport" -gt 0 ]
	ok $? "$e: 1: getsockname(): A's address, a port ($c)"
	accepted $e 7001 "$c"
	[ $acc = 1 ]
	ok $? "$e: 1: the server's getpeername() is the client's getsockname(), its getsockname() $AB:7001 ($acc)" ||
		diag "$tmp/srv-$e.log"
	n=$e-bind
	client $n $e bind $AA 7015
	expect "$e: 1: getsockname() before bind()" $n sockname0 0.0.0.0:0
	expect "$e: 1: bind()" $n bind ok
	expect "$e: 1: getsockname() after bind()" $n sockname $AA:7015

	# 2. cgroup-BPF.
	section "$e: 2. cgroup-BPF"
	n=$e-cg-connect
	client $n -g "$cg" $e connect $AB 7000
	if [ $e = xtcp ]; then
		expect "$e: 2: connect4 does not run for AF_XTCP: :7000 reached" \
			$n reached 7000
		expect "$e: 2: getpeername() :7000" $n peername $AB:7000
	else
		expect "$e: 2: connect4 rewrote :7000 to :7001" $n reached 7001
		expect "$e: 2: getpeername() shows the rewritten :7001" \
			$n peername $AB:7001
	fi
	expect "$e: 2: the round trip" $n echo ok
	n=$e-nocg-connect
	client $n $e connect $AB 7000
	expect "$e: 2: outside the cgroup :7000 is reached" $n reached 7000
	n=$e-cg-deny
	client $n -g "$cg" $e connect $AB 7002
	if [ $e = xtcp ]; then
		expect "$e: 2: connect4 does not refuse AF_XTCP's connect()" \
			$n connect ok
	else
		expect "$e: 2: connect4 refuses connect()" $n connect EPERM
	fi
	n=$e-cg-bind
	client $n -g "$cg" $e bind $AA 7010
	expect "$e: 2: bind()" $n bind ok
	if [ $e = xtcp ]; then
		expect "$e: 2: bind4 does not run for AF_XTCP: :7010 bound" \
			$n sockname $AA:7010
	else
		expect "$e: 2: bind4 bound :7011 for :7010" $n sockname $AA:7011
	fi
	n=$e-cg-bind-deny
	client $n -g "$cg" $e bind $AA 7012
	if [ $e = xtcp ]; then
		expect "$e: 2: bind4 does not refuse AF_XTCP's bind()" $n bind ok
	else
		expect "$e: 2: bind4 refuses bind()" $n bind EPERM
	fi
	n=$e-cg-socket
	protocols_socks before
	client $n -g "$cg_nosock" $e socket
	protocols_socks after
	if [ $e = xtcp ]; then
		expect "$e: 2: sock_create does not run for AF_XTCP" $n socket ok
	else
		expect "$e: 2: sock_create refuses socket()" $n socket EPERM
	fi
	[ -n "$socks_before" ] && [ "$socks_before" = "$socks_after" ]
	ok $? "$e: 2: /proc/net/protocols' $prot_name sockets as before ($socks_before, $socks_after)"

	# 3. SO_MARK, IP_TOS, IP_TTL.
	section "$e: 3. mark, TOS, TTL"
	client $e-mark -m 0x42 $e connect $AB 7020
	expect "$e: 3: SO_MARK 0x42: the round trip" $e-mark echo ok
	client $e-nomark $e connect $AB 7021
	client $e-tos -T 0x28 $e connect $AB 7022
	expect "$e: 3: IP_TOS 0x28 set" $e-tos gettos 40
	expect "$e: 3: IP_TOS 0x28: the round trip" $e-tos echo ok
	client $e-ttl -l 33 $e connect $AB 7023
	expect "$e: 3: IP_TTL 33 set" $e-ttl getttl 33
	expect "$e: 3: IP_TTL 33: the round trip" $e-ttl echo ok
	client $e-plain $e connect $AB 7024
	client $e-srvmark $e connect $AB 7028
	expect "$e: 3: a marked listener: the round trip" $e-srvmark echo ok
	nft_read
	counted "$e: 3: every segment of the SO_MARK connection carries mark 0x42" 7020 all
	counted "$e: 3: no segment of a connection without SO_MARK does" 7021 none
	counted "$e: 3: every segment arrives with DSCP 0x0a (TOS 0x28)" 7022 all
	counted "$e: 3: every segment arrives with TTL 33" 7023 all
	counted "$e: 3: without IP_TOS, none arrives with DSCP 0x0a" 7024 none
	counted "$e: 3: without IP_TTL, none arrives with TTL 33" 7024 none hit2_7024
	counted "$e: 3: the listener's SO_MARK 0x44 is on all its connection sends" 7028 all
	if [ $fwmark = 1 ]; then
		client $e-fwmark -m 0x45 $e connect $AB 7001
		expect "$e: 3: ip rule fwmark 0x45 to a prohibit route refuses connect()" \
			$e-fwmark connect EACCES
	else
		skip "$e: 3: ip rule fwmark" "no policy routing in this kernel (CONFIG_IP_MULTIPLE_TABLES)"
	fi

	# 4. Owner.
	section "$e: 4. owner"
	client $e-uid -u 4242 $e connect $AB 7025
	expect "$e: 4: uid 4242: the round trip" $e-uid echo ok
	client $e-root $e connect $AB 7026
	client $e-drop -u 4243 -s 1 $e connect $AB 7027
	expect "$e: 4: uid 4243, its segments dropped: connect() fails" \
		$e-drop connect $TIMEOUT_ERR
	client $e-drop-root $e connect $AB 7027
	expect "$e: 4: root is not dropped: the round trip" $e-drop-root echo ok
	nft_read
	counted "$e: 4: meta skuid 4242 counts every segment of uid 4242's connection" 7025 all
	counted "$e: 4: and none of root's" 7026 none
	c=${CNT[hit_7027]:-missing}
	[[ $c =~ ^[0-9]+$ ]] && [ "$c" -ge 2 ]
	ok $? "$e: 4: the drop rule dropped uid 4243's SYN and its retransmission ($c)"
	accepted $e 7027 '*'
	[ $acc = 1 ]
	ok $? "$e: 4: the server accepted root's connection only ($acc)"

	# 5. LSM.
	section "$e: 5. LSM"
	if [ -n "$lsm_why" ]; then
		skip "$e: 5: LSM socket hooks" "$lsm_why"
		return
	fi
	lsm_counts b$e
	client $e-lsm-connect $e connect $AB 7030
	expect "$e: 5: socket_connect refuses connect()" $e-lsm-connect connect EPERM
	client $e-lsm-bind $e bind $AA 7031
	expect "$e: 5: socket_bind refuses bind()" $e-lsm-bind bind EACCES
	# XTCP's half-open requests are not request_socks, which the hooks
	# on a request take: see "LSM hooks" in Documentation/xtcp.rst.
	reqwhy=
	[ $e = tcp ] ||
		reqwhy="XTCP's requests are not request_socks: inet_conn_request is not called"
	if [ -z "$reqwhy" ]; then
		client $e-lsm-req -s 1 $e connect $AB 7032
		expect "$e: 5: inet_conn_request refusing the SYNs: connect() fails" \
			$e-lsm-req connect $TIMEOUT_ERR
		accepted $e 7032 '*'
		[ $acc = 0 ]
		ok $? "$e: 5: the server accepted nothing ($acc)"
	else
		skip "$e: 5: inet_conn_request refusing the SYNs" "$reqwhy"
	fi
	client $e-lsm-count $e connect $AB 7033
	expect "$e: 5: a connection the hooks count: the round trip" \
		$e-lsm-count echo ok
	lsm_counts a$e
	lsm_delta "$e: 5: socket_connect refused once" connect_denied b$e a$e 1
	lsm_delta "$e: 5: socket_bind refused once" bind_denied b$e a$e 1
	if [ -z "$reqwhy" ]; then
		c=${LSMC[a$e.request_denied]:-0}
		[ $((c - ${LSMC[b$e.request_denied]:-0})) -ge 1 ]
		ok $? "$e: 5: inet_conn_request refused the SYNs ($((c - ${LSMC[b$e.request_denied]:-0})))"
		lsm_delta "$e: 5: the listener met inet_conn_request" request b$e a$e 1
	else
		skip "$e: 5: the listener met inet_conn_request" "$reqwhy"
	fi
	lsm_delta "$e: 5: the client met inet_conn_established" established b$e a$e 1
	lsm_delta "$e: 5: the accepted socket met sock_graft" graft b$e a$e 1
	echo "# $e: inet_csk_clone +$((${LSMC[a$e.clone]:-0} - ${LSMC[b$e.clone]:-0})) (not exported to modules: TCP's only)"
}

# protocols_socks KEY: socks_KEY, the "sockets" column of A's
# /proc/net/protocols for the protocol under test.
protocols_socks() {
	local name size socks

	printf -v "socks_$1" %s ''
	while read -r name size socks _; do
		[ "$name" = "$prot_name" ] && printf -v "socks_$1" %s "$socks"
	done <"/proc/$hA/net/protocols"
}

for e in "${entries[@]}"; do
	entry "$e"
done

tap_end
