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
	#
	# The kernel's module loader allocates first (301 of 541 times), then
	# do_init_module() runs xtcp_init().  Failing the loader's own
	# allocations tests the kernel, at over half a second a load: the
	# sweep starts at the first allocation made under do_init_module(),
	# found by a binary search that fails one allocation a load with its
	# stack printed.  XTCP_FI_WHOLE_LOAD=1 (make check-long) sweeps the
	# whole load.
	cp "$ko" "$tmp/xtcp-fi.ko"
	echo 1000 > $fs/verbose_ratelimit_burst
	fi_out=$(python3 - "$tmp/xtcp-fi.ko" "${XTCP_FI_WHOLE_LOAD:-0}" <<'EOF'
import ctypes, os, re, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_finit_module = 313
fd = os.open(sys.argv[1], os.O_RDONLY)
nth_file = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
verbose = "/sys/kernel/debug/failslab/verbose"

def load(nth):
    """Load with allocation nth failed: (loaded, allocations not reached)."""
    os.pwrite(nth_file, str(nth).encode(), 0)
    ret = libc.syscall(SYS_finit_module, fd, b"", 0)
    left = int(os.pread(nth_file, 16, 0) or b"0")
    os.pwrite(nth_file, b"0", 0)
    return ret == 0, left

def unload(why):
    if os.path.isdir("/sys/module/xtcp") and os.system("rmmod xtcp"):
        print("# rmmod after %s failed" % why, file=sys.stderr)
        sys.exit(1)

def dumped_under_init(nth):
    """Allocation nth failed with its stack printed: None if it printed
    none (__GFP_NOWARN), else whether do_init_module() made it."""
    kmsg = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    os.lseek(kmsg, 0, os.SEEK_END)
    with open(verbose, "w") as f:
        f.write("2")
    load(nth)
    with open(verbose, "w") as f:
        f.write("0")
    unload("probe %d" % nth)
    dumped = init = False
    while True:
        try:
            rec = os.read(kmsg, 8192).decode(errors="replace")
        except BlockingIOError:
            break
        except BrokenPipeError:
            continue
        dumped = dumped or "FAULT_INJECTION: forcing a failure" in rec
        # Only frames the unwinder is sure of: "? " marks stale stack words.
        init = init or re.search(r";\s*do_init_module\+", rec) is not None
    os.close(kmsg)
    return init if dumped else None

def under_init(nth):
    """Is the first allocation from nth on that prints its stack made under
    do_init_module()?  True when none within 16 does: the search then
    errs towards sweeping more."""
    for n in range(nth, min(nth + 16, total + 1)):
        init = dumped_under_init(n)
        if init is not None:
            return init
    return True

# A whole load, nothing failed, counts the allocations.
big = 1000000
loaded, left = load(big)
unload("the counting load")
total = big - left
first = 1
if loaded and sys.argv[2] != "1":
    lo, hi = 1, total
    while lo < hi:
        mid = (lo + hi) // 2
        if under_init(mid):
            hi = mid
        else:
            lo = mid + 1
    first = lo
failed = 0
for nth in range(first, total + 100):
    loaded, left = load(nth)
    if loaded and left > 0:
        # The load finished before reaching allocation nth: all done.
        break
    if not loaded:
        failed += 1
        if os.path.isdir("/sys/module/xtcp"):
            print("# a failed load left the module loaded", file=sys.stderr)
            unload("load %d" % nth)
    else:
        # Loaded despite a failed allocation, and must still unload.
        unload("load %d" % nth)
print(failed, first, total)
EOF
)
	read -r failed first total <<<"$fi_out"
	echo "# a load makes ${total:-?} allocations, failed in turn from the ${first:-?}th on"
	[ "${first:-0}" -ge 1 ] && [ "$first" -le "${total:-0}" ] &&
		{ [ "$first" -gt 1 ] || [ "${XTCP_FI_WHOLE_LOAD:-0}" = 1 ]; }
	ok $? "the sweep starts where the loader's allocations end: from allocation ${first:-?} of ${total:-?}"
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
