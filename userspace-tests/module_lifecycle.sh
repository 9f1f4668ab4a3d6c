#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loading and unloading xtcp.ko: it has no alias for autoloading; rmmod
# is refused while a socket lives, in this namespace or another, and
# succeeds after the last one closes; bad ipproto values are refused with a clear message; another protocol number
# works end to end; repeated load/unload leaves nothing behind.  On the
# debug kernel every allocation of a load is failed in turn (failslab,
# fail-nth): each failed load must roll back completely, which the
# harness's kmemleak and report scan then check.
#
# Expects xtcp loaded on entry ($XTCP_MODDIR/xtcp.ko) and leaves it loaded.
#
# Cannot share a guest with any other XTCP test: it unloads and reloads
# the module (with other parameters), which another test's sockets would
# refuse and which would pull XTCP from under them; it reads the module's
# reference count; and on the debug kernel it sets the global failslab
# knobs.

# shellcheck source=userspace-tests/lib.bash
. "$(dirname "$0")/lib.bash"
ko=$XTCP_MODDIR/xtcp.ko
test_init module_lifecycle
# Leave the module loaded, also when a check fails with it unloaded.
on_exit 'loaded || insmod "$ko"'

loaded() { [ -d /sys/module/xtcp ]; }
refcnt() { cat /sys/module/xtcp/refcnt 2>/dev/null || echo -1; }

helper=$XTCP_TOP/build/userspace/helpers/xtcp_socket

# socket(AF_XTCP, SOCK_STREAM, proto): prints "ok PROTO" or the errno name.
try_socket() { "$helper" "$1"; }

# Hold a socket open in the background (optionally in a namespace).
hold_socket() {
	rm -f "$tmp/holder"
	"$@" "$helper" 0 hold "$tmp/holder" >/dev/null &
	holder=$!
	bg_pids+=("$holder")
	waitfile "$tmp/holder" $holder
}

loaded
ok $? "xtcp is loaded"
# Loaded on purpose only: socket(AF_XTCP) by anyone must not load it.
[ -z "$(modinfo -F alias "$ko")" ]
ok $? "xtcp.ko has no module alias (no net-pf autoload)"

# A socket pins the module, in this namespace or another.
refused_while_held() {
	local what=$1
	shift
	hold_socket "$@"
	[ "$(refcnt)" -ge 1 ]
	ok $? "a socket open $what raises the module's reference count"
	rmmod xtcp 2>/dev/null
	[ $? != 0 ] && loaded
	ok $? "rmmod is refused while a socket is open $what"
	kill $holder
	wait $holder 2>/dev/null
}

refused_while_held "here"
ns_name lc
ns_add $ns
refused_while_held "in another namespace" ip netns exec $ns
ns_del $ns

[ "$(refcnt)" = 0 ]
ok $? "closing the last socket drops the reference count to 0"
rmmod xtcp
ok $? "rmmod succeeds after the last socket closed"
! loaded && [ ! -e /proc/net/xtcp_snmp ]
ok $? "the module and /proc/net/xtcp_snmp are gone"
[ "$(try_socket 0)" = EAFNOSUPPORT ]
ok $? "socket(AF_XTCP) without the module fails with EAFNOSUPPORT"
! grep -q '^XTCP ' /proc/net/protocols
ok $? "/proc/net/protocols no longer lists XTCP"

# Bad protocol numbers.  The log is grepped, never cleared: the verdict
# reads all of it at the end of the boot.
insmod "$ko" ipproto=6 2>/dev/null
[ $? != 0 ] && ! loaded
ok $? "ipproto=6 (TCP's) is refused"
dmesg | grep -q "IP protocol 6 already has a handler"
ok $? "... and the kernel log says why"
for p in 0 255 -1 256; do
	insmod "$ko" ipproto=$p 2>/dev/null
	[ $? != 0 ] && ! loaded
	ok $? "ipproto=$p is refused"
done

# Another protocol number works end to end.
insmod "$ko" ipproto=254
ok $? "ipproto=254 loads"
[ "$(cat /sys/module/xtcp/parameters/ipproto 2>/dev/null)" = 254 ]
ok $? "the parameter reads back as 254"
[ "$(try_socket 254)" = "ok 254" ]
ok $? "socket() with protocol 254 opens, SO_PROTOCOL 254"
[ "$(try_socket 0)" = "ok 254" ]
ok $? "socket() with protocol 0 gets SO_PROTOCOL 254"
[ "$(try_socket 253)" = EPROTONOSUPPORT ]
ok $? "socket() with protocol 253 is EPROTONOSUPPORT then"
rmmod xtcp
ok $? "unloads"

# Repeated load, use, unload.
good=0
for i in $(seq 20); do
	insmod "$ko" && [ "$(try_socket 0)" = "ok 253" ] && rmmod xtcp &&
		good=$((good + 1))
done
[ $good = 20 ]
ok $? "20 rounds of insmod, socket, rmmod ($good good)"

# Every allocation of a load failed in turn must roll back cleanly.
fs=/sys/kernel/debug/failslab
if [ -d $fs ] && [ -w /proc/self/fail-nth ]; then
	# The failslab hook only runs while probability is non-zero; the task
	# filter (no task is marked) keeps it from failing anything but the
	# fail-nth allocation.
	# Put back even when the test stops half-way.
	on_exit "echo 0 >$fs/probability; echo Y >$fs/ignore-gfp-wait; dmesg -n 5"
	echo Y > $fs/task-filter
	echo 100 > $fs/probability
	echo -1 > $fs/times
	echo N > $fs/ignore-gfp-wait
	echo 0 > $fs/verbose
	# Failed loads print stack dumps (kmem_cache_create, execmem): keep
	# them off the slow emulated console; the verdict reads dmesg anyway.
	dmesg -n 1
	# finit_module() straight from one process, fail-nth set just before
	# it, so only the load's own allocations are counted.  The module is
	# read from tmpfs: read over 9p, an injected failure trips a refcount
	# underflow in 6.12's netfs read path, not our code.
	cp "$ko" "$tmp/xtcp-fi.ko"
	failed=$(python3 - "$tmp/xtcp-fi.ko" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_finit_module = 313
fd = os.open(sys.argv[1], os.O_RDONLY)
nth_file = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
failed = 0
for nth in range(1, 3000):
    os.pwrite(nth_file, str(nth).encode(), 0)
    ret = libc.syscall(SYS_finit_module, fd, b"", 0)
    left = int(os.pread(nth_file, 16, 0) or b"0")
    os.pwrite(nth_file, b"0", 0)
    if ret == 0 and left > 0:
        # The load finished before reaching allocation nth: all done.
        break
    if ret != 0:
        failed += 1
        if os.path.isdir("/sys/module/xtcp"):
            print("# a failed load left the module loaded", file=sys.stderr)
            os.system("rmmod xtcp")
    elif os.system("rmmod xtcp"):
        # Loaded despite a failed allocation, and must still unload.
        print("# rmmod after load %d failed" % nth, file=sys.stderr)
        sys.exit(1)
print(failed)
EOF
)
	loaded && [ "$(try_socket 0)" = "ok 253" ]
	ok $? "loads once allocations stop failing ($failed failed loads first)"
	[ $failed -gt 0 ]
	ok $? "fault injection did fail loads"
	rmmod xtcp
	echo 0 > $fs/probability
	echo Y > $fs/ignore-gfp-wait
	dmesg -n 5
else
	echo "# failslab not available on this kernel: fault-injection part skipped"
fi

insmod "$ko"
ok $? "loads again with the defaults"

tap_end
