/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP's share of the machine's memory and its orphans (xtcp_mem.c), as
 * TCP has them: the pages all XTCP sockets' buffers hold, the pressure
 * mode, and the sockets closed by their owners that still finish their
 * connections; their knobs are net.xtcp.mem and net.xtcp.max_orphans.
 */
#ifndef _XTCP_MEM_H
#define _XTCP_MEM_H

#include <linux/percpu_counter.h>
#include <net/proto_memory.h>
#include <net/sock.h>

extern atomic_long_t xtcp_memory_allocated;
DECLARE_PER_CPU(int, xtcp_memory_per_cpu_fw_alloc);
extern struct percpu_counter xtcp_sockets_allocated;
extern unsigned long xtcp_memory_pressure;
extern long sysctl_xtcp_mem[3];
extern int sysctl_xtcp_max_orphans;

int xtcp_mem_init(void);
void xtcp_mem_floors_init(void);
void xtcp_mem_exit(void);
void xtcp_enter_memory_pressure(struct sock *sk);
void xtcp_leave_memory_pressure(struct sock *sk);
void xtcp_forced_mem_schedule(struct sock *sk, int size, int kind);
void xtcp_orphan(struct sock *sk);
void xtcp_orphan_gone(void);
s64 xtcp_orphans(void);
bool xtcp_too_many_orphans(int shift);
bool xtcp_check_oom(const struct sock *sk, int shift);

/*
 * Free an skb of the write queue, acknowledged or purged, and give its
 * memory back (TCP's tcp_wmem_free_skb()).
 */
static inline void xtcp_wmem_free_skb(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	consume_skb(skb);
}

/* Charge an skb that joins the write queue, in sk_wmem_queued too. */
static inline void xtcp_wmem_charge(struct sock *sk, struct sk_buff *skb)
{
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
}

#endif /* _XTCP_MEM_H */
