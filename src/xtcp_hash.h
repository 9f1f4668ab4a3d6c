/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP socket tables, shared by xtcp_hash.c and the /proc listing.
 */
#ifndef _XTCP_HASH_H
#define _XTCP_HASH_H

#include <linux/list.h>
#include <linux/spinlock.h>

/*
 * One bucket: a chain of sockets and the spinlock protecting it.  The lock
 * is always taken with bottom halves off: the receive path looks sockets
 * up in softirq.
 */
struct xtcp_hbucket {
	spinlock_t		lock;	/* protects chain */
	struct hlist_head	chain;
};

/*
 * The tables, shared by every namespace (each entry is matched on its
 * namespace too):
 *  ehash - connections (SYN_SENT to TIME_WAIT) by their 4-tuple, sk_node;
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

#endif /* _XTCP_HASH_H */
