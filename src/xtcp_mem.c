// SPDX-License-Identifier: GPL-2.0
/*
 * What XTCP's sockets hold of the machine's memory, and its orphans, kept
 * as TCP keeps them (tcp_mem, tcp_memory_pressure, tcp_orphan_count):
 *
 * - Every byte a socket queues, to send or received, is charged to it
 *   (sk_forward_alloc) from pages counted in xtcp_memory_allocated, by
 *   the core's sk_mem_schedule() family against net.xtcp.mem, in pages:
 *   below mem[0] all is well; above mem[1] XTCP is under memory pressure
 *   until it falls below mem[0] again; above mem[2] a socket gets more
 *   only as far as rmem[0] and wmem[0] guarantee it.  Under pressure,
 *   send buffers stop growing and shrink to what is queued, receive
 *   buffers stop growing and the window offered stays small.
 * - An orphan is a socket its owner closed that still finishes its
 *   connection.  At close, and at each retransmission or probe timeout
 *   of an orphan, one beyond net.xtcp.max_orphans, or holding send
 *   memory while XTCP is over mem[2], is reset and freed
 *   (XtcpAbortOnMemory).
 *
 * Both are the machine's, not a namespace's: their knobs exist in the
 * initial namespace only, as tcp_mem and tcp_max_orphans do, and the
 * floors rmem[0] and wmem[0] the core applies are the initial
 * namespace's.  /proc/net/xtcp_sockstat shows them.
 */

#define pr_fmt(fmt) "xtcp: " fmt

#include <linux/memcontrol.h>
#include <linux/swap.h>
#include <kunit/visibility.h>
#include "xtcp_protocol.h"

atomic_long_t xtcp_memory_allocated ____cacheline_aligned_in_smp;
DEFINE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
struct percpu_counter xtcp_sockets_allocated;
unsigned long xtcp_memory_pressure;	/* jiffies it began; 0: none */
long sysctl_xtcp_mem[3];
EXPORT_SYMBOL_IF_KUNIT(sysctl_xtcp_mem);
int sysctl_xtcp_max_orphans;
EXPORT_SYMBOL_IF_KUNIT(sysctl_xtcp_max_orphans);
static struct percpu_counter xtcp_orphan_count;

/* Above mem[1] (struct proto's enter_memory_pressure). */
void xtcp_enter_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (READ_ONCE(xtcp_memory_pressure))
		return;
	val = jiffies ? : -1UL;
	if (!cmpxchg(&xtcp_memory_pressure, 0, val))
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_MEMORYPRESSURES);
}

/* Below mem[0] again: the time spent under pressure is counted. */
void xtcp_leave_memory_pressure(struct sock *sk)
{
	unsigned long val;

	if (!READ_ONCE(xtcp_memory_pressure))
		return;
	val = xchg(&xtcp_memory_pressure, 0);
	if (val)
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_MEMORYPRESSURESCHRONO,
			       jiffies_to_msecs(jiffies - val));
}

/**
 * xtcp_forced_mem_schedule - charge what must not fail
 * @sk: the socket
 * @size: bytes about to be charged
 * @kind: SK_MEM_SEND or SK_MEM_RECV
 *
 * For a FIN, and for the first segment an empty receive queue takes, as
 * TCP's sk_forced_mem_schedule(): the pages are counted whatever the
 * limits.  A module cannot force a memory cgroup's charge: for a socket
 * in one, this is an ordinary schedule, and what it refuses (for the
 * cgroup, or for net.xtcp.mem) is charged all the same, owed in a
 * negative sk_forward_alloc that its next schedule pays first.
 */
void xtcp_forced_mem_schedule(struct sock *sk, int size, int kind)
{
	int delta = size - sk->sk_forward_alloc, amt;

	if (delta <= 0 || !sk_has_account(sk))
		return;
	if (mem_cgroup_sk_enabled(sk)) {
		__sk_mem_schedule(sk, delta, kind);
		return;
	}
	amt = sk_mem_pages(delta);
	sk_forward_alloc_add(sk, amt << PAGE_SHIFT);
	sk_memory_allocated_add(sk, amt);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_forced_mem_schedule);

/**
 * xtcp_orphan - the owner let go of the socket
 * @sk: the socket, locked
 *
 * Counted until xtcp_destroy_sock() frees it (xtcp_orphan_gone()).
 */
void xtcp_orphan(struct sock *sk)
{
	lockdep_assert(lockdep_sock_is_held(sk));

	sock_orphan(sk);
	percpu_counter_inc(&xtcp_orphan_count);
}

void xtcp_orphan_gone(void)
{
	percpu_counter_dec(&xtcp_orphan_count);
}

s64 xtcp_orphans(void)
{
	return percpu_counter_sum_positive(&xtcp_orphan_count);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_orphans);

/*
 * More orphans than max_orphans, counted 2^@shift times each (TCP's
 * tcp_too_many_orphans(): an orphan that looks abandoned counts more).
 */
bool xtcp_too_many_orphans(int shift)
{
	return percpu_counter_compare(&xtcp_orphan_count,
				      READ_ONCE(sysctl_xtcp_max_orphans) >>
				      shift) > 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_too_many_orphans);

/**
 * xtcp_check_oom - should this orphan go, for the machine's sake?
 * @sk: an orphan, locked
 * @shift: how much more it counts, see xtcp_too_many_orphans()
 *
 * As TCP's tcp_check_oom(): too many orphans, or XTCP over mem[2] while
 * this one holds more than the least send buffer.
 */
bool xtcp_check_oom(const struct sock *sk, int shift)
{
	bool too_many = xtcp_too_many_orphans(shift), no_memory;

	lockdep_assert(lockdep_sock_is_held(sk));

	no_memory = sk->sk_wmem_queued > SOCK_MIN_SNDBUF &&
		    sk_memory_allocated(sk) > sk_prot_mem_limits(sk, 2);
	if (too_many)
		net_info_ratelimited("too many orphaned sockets\n");
	if (no_memory)
		net_info_ratelimited("out of memory -- consider tuning net.xtcp.mem\n");
	return too_many || no_memory;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_check_oom);

/*
 * Before struct proto and the namespaces (whose /proc files read the
 * counts), after the tables (max_orphans follows their size).
 */
int xtcp_mem_init(void)
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);
	int err;

	/* The defaults TCP's tcp_init() gives tcp_mem and tcp_max_orphans. */
	sysctl_xtcp_mem[0] = limit / 4 * 3;
	sysctl_xtcp_mem[1] = limit;
	sysctl_xtcp_mem[2] = sysctl_xtcp_mem[0] * 2;
	sysctl_xtcp_max_orphans = (xtcp_tables.ehash_mask + 1) / 2;

	err = percpu_counter_init(&xtcp_sockets_allocated, 0, GFP_KERNEL);
	if (err)
		return err;
	err = percpu_counter_init(&xtcp_orphan_count, 0, GFP_KERNEL);
	if (err)
		goto out_sockets;
	err = xtcp_sysctl_global_register();
	if (err)
		goto out_orphans;
	return 0;

out_orphans:
	percpu_counter_destroy(&xtcp_orphan_count);
out_sockets:
	percpu_counter_destroy(&xtcp_sockets_allocated);
	return err;
}

/*
 * After xtcp_net_register(), before any socket: the floors the core
 * reads through struct proto are the initial namespace's rmem[0] and
 * wmem[0].
 */
void xtcp_mem_floors_init(void)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;

	xtcp_prot.sysctl_rmem = ctl->rmem;
	xtcp_prot.sysctl_wmem = ctl->wmem;
}

/* No socket is left, no orphan: the counts go. */
void xtcp_mem_exit(void)
{
	xtcp_sysctl_global_unregister();
	WARN_ON_ONCE(percpu_counter_sum(&xtcp_orphan_count));
	percpu_counter_destroy(&xtcp_orphan_count);
	percpu_counter_destroy(&xtcp_sockets_allocated);
}
