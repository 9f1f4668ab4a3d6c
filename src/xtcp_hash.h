/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socket tables (xtcp_hash.c): connections, TIME_WAIT entries,
 * listeners and bound ports, their lookups and port selection.  The
 * tables themselves are seen by the /proc and sock_diag listings too.
 */
#ifndef _XTCP_HASH_H
#define _XTCP_HASH_H

#include <linux/list.h>
#include <linux/spinlock.h>

#include "xtcp_timewait.h"

/*
 * One bucket: a chain of sockets and the spinlock protecting it.  The lock
 * is always taken with bottom halves off: the receive path looks sockets
 * up in softirq.
 */
struct xtcp_hbucket {
	spinlock_t		lock;	/* protects the rest */
	struct hlist_head	chain;
	struct hlist_head	tw_chain;	/* ehash: TIME_WAIT entries */
	u32			tw_bound;	/* bhash: entries holding a port */
	u32			tw_noreuse;	/* ... of them, without SO_REUSEADDR */
};

/*
 * The tables, shared by every namespace (each entry is matched on its
 * namespace too):
 *  ehash - connections (SYN_SENT to CLOSING, LAST_ACK) by their 4-tuple,
 *          sk_node; and TIME_WAIT entries, struct xtcp_tw, on tw_chain;
 *  lhash - listeners by local port, sk_node;
 *  bhash - every socket holding a local port, by namespace and port,
 *          sk_bind_node.
 * A socket is in at most one of ehash and lhash.
 */
struct xtcp_tables {
	struct xtcp_hbucket	*ehash;
	unsigned int		ehash_mask;
	struct xtcp_hbucket	*lhash;
	unsigned int		lhash_mask;
	struct xtcp_hbucket	*bhash;
	unsigned int		bhash_mask;
};

extern struct xtcp_tables xtcp_tables;

struct xtcp_hbucket *xtcp_ehash_bucket(const struct net *net, __be32 laddr,
				       u16 lport, __be32 faddr, __be16 fport);
void xtcp_tw_port_hold(const struct net *net, u16 port, bool reuse);
void xtcp_tw_port_put(const struct net *net, u16 port, bool reuse);
struct xtcp_tw *xtcp_tw_find(const struct xtcp_hbucket *b,
			     const struct net *net, __be32 raddr,
			     __be16 rport, __be32 laddr, u16 lport);
bool xtcp_tw_copy(struct net *net, struct xtcp_hbucket *b, unsigned int n,
		  struct xtcp_tw_view *v);

struct sock *xtcp_lookup(struct net *net, struct sk_buff *skb,
			 const struct xtcp_opts *opts, int dif,
			 unsigned int *twv, struct xtcp_tw_reply *reply);
struct sock *xtcp_lookup_established(struct net *net,
				     const struct sk_buff *skb);
struct sock *xtcp_lookup_listener_of(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr, u16 lport);
struct sock *xtcp_lookup_listener(struct net *net, __be32 laddr, u16 lport,
				  const u32 *cookie);
struct sock *xtcp_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
			      __be32 daddr, u16 lport);
int xtcp_hash_established(struct sock *sk, struct xtcp_tw_inherit *inh);
int xtcp_hash_listener(struct sock *sk);
void xtcp_unhash(struct sock *sk);
void xtcp_net_end_sockets(struct net *net);
int xtcp_bind_port(struct sock *sk, u16 port);
int xtcp_bind_connect_port(struct sock *sk, struct xtcp_tw_inherit *inh);
void xtcp_put_port(struct sock *sk);
void xtcp_inherit_port(struct sock *parent, struct sock *child);
int xtcp_hash_init(void);
void xtcp_hash_exit(void);
#if IS_ENABLED(CONFIG_KUNIT)
u16 xtcp_port_offset(__be32 saddr, __be32 daddr, __be16 dport);
#endif

#endif /* _XTCP_HASH_H */
