/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TIME_WAIT entries (xtcp_timewait.c): struct xtcp_tw, what a segment
 * does to one, and how connect() takes one over.
 */
#ifndef _XTCP_TIMEWAIT_H
#define _XTCP_TIMEWAIT_H

#include "xtcp_sock.h"

/*
 * TIME_WAIT (xtcp_timewait.c): what is left of a connection that closed
 * actively, in place of its socket.  In the connection table's bucket of
 * its 4-tuple (tw_chain) and in its namespace's expiry list.  Both links
 * change under the bucket's lock; the list link also under the
 * namespace's twq lock, which nests inside the bucket's.
 */
struct xtcp_tw {
	struct hlist_node	node;		/* ehash bucket's tw_chain */
	struct list_head	lnode;		/* its namespace's expiry list */
	possible_net_t		net;
	u64			stamp;		/* ktime_get_ns(): entered, restarted */
	__be32			laddr;
	__be32			raddr;
	__be16			lport;
	__be16			rport;
	u32			snd_nxt;
	u32			rcv_nxt;
	u32			ts_recent;	/* TS.Recent */
	u32			ts_recent_stamp; /* seconds; 0: no timestamps */
	u32			ts_offset;	/* of our TSval clock */
	u32			oow_stamp;	/* jiffies: last rate-limited ACK */
	u16			window;		/* the window field of our ACKs */
	u8			tstamp_ok:1,
				bound:1,	/* holds its port against bind() */
				reuse:1,	/* SO_REUSEADDR was set */
				listed:1;	/* in the expiry list */
};

/* What a segment does to a TIME_WAIT entry: xtcp_tw_judge(). */
#define XTCP_TWV_ACK		BIT(0)	/* answer with an ACK */
#define XTCP_TWV_RESTART	BIT(1)	/* wait tw_timeout anew */
#define XTCP_TWV_TS		BIT(2)	/* TS.Recent := SEG.TSval */
#define XTCP_TWV_SYN		BIT(3)	/* a new connection takes the pair */
#define XTCP_TWV_PAWS		BIT(4)	/* an old duplicate (counted) */
#define XTCP_TWV_FOUND		BIT(5)	/* xtcp_lookup(): an entry had it */

/* The ACK a TIME_WAIT entry answers with, copied out under its lock. */
struct xtcp_tw_reply {
	u32	seq;
	u32	ack;
	u16	window;
	u8	has_ts;
	u32	tsval;
	u32	tsecr;
};

/* How connect() takes over a TIME_WAIT entry's 4-tuple (tw_reuse). */
struct xtcp_tw_inherit {
	struct xtcp_tw	*tw;	/* claimed, to release; NULL: the reaper's */
	bool	taken;
	bool	released;
	u32	iss;
	u32	ts_offset;
	u32	ts_recent;
	u32	ts_recent_stamp;
};

unsigned int xtcp_tw_judge(const struct xtcp_tw *tw,
			   const struct xtcp_skb_cb *cb,
			   const struct xtcp_opts *opts);
bool xtcp_tw_reusable(const struct xtcp_tw *tw, int reuse, bool loopback,
		      bool bound, u32 now_s);
void xtcp_time_wait(struct sock *sk);
int xtcp_tw_init_net(struct net *net);
void xtcp_tw_exit_net(struct net *net);
void xtcp_tw_timeout_changed(struct xtcp_net *xn);
void xtcp_tw_free(struct xtcp_tw *tw);
struct xtcp_tw *xtcp_tw_claim(struct net *net, struct xtcp_tw *tw);
void xtcp_tw_release(struct net *net, struct xtcp_tw *tw,
		     enum xtcp_mib_field field);
unsigned int xtcp_tw_process(struct net *net, struct xtcp_tw *tw,
			     const struct sk_buff *skb,
			     const struct xtcp_opts *opts,
			     struct xtcp_tw_reply *reply);
bool xtcp_tw_take(struct sock *sk, struct xtcp_tw *tw, bool bound,
		  struct xtcp_tw_inherit *inh);
bool xtcp_tw_port_conflict(const struct sock *sk, u16 port);
u64 xtcp_tw_len_ns(const struct net *net);
int xtcp_tw_kill(struct net *net, __be32 laddr, __be16 lport, __be32 raddr,
		 __be16 rport);
int xtcp_tw_cache_init(void);
void xtcp_tw_cache_exit(void);

/* What /proc and KUnit see of a TIME_WAIT entry. */
struct xtcp_tw_view {
	__be32	laddr;
	__be32	raddr;
	__be16	lport;
	__be16	rport;
	u64	expires_ns;	/* ktime_get_ns() of its end */
	u32	snd_nxt;
	u32	rcv_nxt;
	u32	ts_recent;
	u8	tstamp_ok;
};

#if IS_ENABLED(CONFIG_KUNIT)
void xtcp_tw_unlist(struct xtcp_twq *q, struct xtcp_tw *tw);
void __xtcp_twq_add(struct xtcp_twq *q, struct xtcp_tw *tw, u64 now);
void __xtcp_twq_restart(struct xtcp_twq *q, struct xtcp_tw *tw, u64 now);
unsigned int __xtcp_twq_reap(struct xtcp_twq *q, u64 now, u64 len_ns,
			     unsigned int budget);
bool __xtcp_twq_next(struct xtcp_twq *q, u64 len_ns, u64 *expires);
void __xtcp_twq_init(struct xtcp_twq *q, struct net *net);
struct xtcp_tw *xtcp_tw_alloc(void);
bool xtcp_tw_peek(struct net *net, __be32 laddr, __be16 lport,
		  __be32 raddr, __be16 rport, struct xtcp_tw_view *v);
unsigned int xtcp_tw_purge(struct net *net);
unsigned int xtcp_tw_size(void);
#endif

#endif /* _XTCP_TIMEWAIT_H */
