/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP: shared declarations of the module's parts.
 */
#ifndef _NET_XTCP_H
#define _NET_XTCP_H

#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/snmp.h>
#include <net/xtcp_wire.h>
#include <linux/xtcp.h>

/*
 * Per-network-namespace counters, shown in /proc/net/xtcp_snmp.  Every
 * segment IP hands to XTCP counts in InNotHost (link-layer or IP broadcast
 * or multicast, dropped at once) or in InSegs; every one dropped as
 * malformed counts in InErrs and in exactly one of the four counters after
 * it.
 */
enum xtcp_mib_field {
	XTCP_MIB_INSEGS,		/* segments received */
	XTCP_MIB_INERRS,		/* dropped as malformed, all causes */
	XTCP_MIB_INSHORT,		/* shorter than the fixed header */
	XTCP_MIB_INBADDOFF,		/* data offset < 5 or past the end */
	XTCP_MIB_INCSUMERRORS,		/* checksum mismatch */
	XTCP_MIB_INBADOPTS,		/* malformed option list */
	XTCP_MIB_INNOTHOST,		/* link-layer broadcast or multicast */
	XTCP_MIB_INNOSOCKET,		/* well formed, no socket wants it */
	XTCP_MIB_OUTSEGS,		/* segments sent */
	XTCP_MIB_OUTRSTS,		/* resets sent */
	__XTCP_MIB_MAX
};

struct xtcp_mib {
	unsigned long mibs[__XTCP_MIB_MAX];
};

/* State of XTCP in one network namespace. */
struct xtcp_net {
	DEFINE_SNMP_STAT(struct xtcp_mib, mib);
	struct sock *ctl_sk;	/* sends segments of no socket (resets) */
};

extern unsigned int xtcp_net_id;

static inline struct xtcp_net *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

#define XTCP_INC_STATS(net, field) \
	SNMP_INC_STATS(xtcp_pernet(net)->mib, field)

/* An XTCP socket.  The connection state arrives with the lifecycle. */
struct xtcp_sock {
	struct inet_sock	inet;
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/* xtcp_sock.c */
extern const struct net_proto_family xtcp_family_ops;
int xtcp_proto_register(void);
void xtcp_proto_unregister(void);

/* xtcp_isn.c */
void xtcp_isn_init(void);
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
#if IS_ENABLED(CONFIG_KUNIT)
u32 __xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
	       const siphash_key_t *key, u64 now_ns);
#endif

/* xtcp_output.c */
void xtcp_v4_send_reset(struct net *net, struct sk_buff *skb);
#if IS_ENABLED(CONFIG_KUNIT)
bool xtcp_reset_for(const struct xtcphdr *th, unsigned int seglen,
		    struct xtcphdr *rst);
#endif

/* xtcp_input.c */
int xtcp_v4_rcv(struct sk_buff *skb);

/* xtcp_net.c */
int xtcp_net_register(void);
void xtcp_net_unregister(void);

#endif /* _NET_XTCP_H */
