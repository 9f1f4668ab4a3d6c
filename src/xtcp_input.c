// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP receive path: the IPv4 protocol handler.
 *
 * Runs in softirq context (NET_RX) under rcu_read_lock(), called by
 * ip_local_deliver for every datagram carrying XTCP's protocol number.
 * It validates the segment before anything else looks at it: length, data
 * offset, checksum over the pseudo-header, option list.  A segment failing
 * any check is dropped and counted once in the namespace's counters.
 */

#include <linux/skbuff.h>
#include <net/dropreason.h>
#include <net/ip.h>
#include <net/xtcp.h>

/* Drop causes, each with its counter and the drop reason tracing shows. */
struct xtcp_drop {
	enum xtcp_mib_field field;
	enum skb_drop_reason reason;
};

static const struct xtcp_drop xtcp_drop_short = {
	XTCP_MIB_INSHORT, SKB_DROP_REASON_PKT_TOO_SMALL,
};

static const struct xtcp_drop xtcp_drop_doff = {
	XTCP_MIB_INBADDOFF, SKB_DROP_REASON_PKT_TOO_SMALL,
};

static const struct xtcp_drop xtcp_drop_csum = {
	XTCP_MIB_INCSUMERRORS, SKB_DROP_REASON_TCP_CSUM,
};

static const struct xtcp_drop xtcp_drop_opts = {
	XTCP_MIB_INBADOPTS, SKB_DROP_REASON_NOT_SPECIFIED,
};

static bool xtcp_checksum_ok(struct sk_buff *skb)
{
	if (skb_checksum_init(skb, xtcp_ipproto, inet_compute_pseudo))
		return false;
	return skb_csum_unnecessary(skb) || !__skb_checksum_complete(skb);
}

/*
 * Check a segment's header; on success the whole header, options included,
 * is in the linear area and @opts holds the parsed options.
 */
static const struct xtcp_drop *xtcp_validate(struct sk_buff *skb,
					     struct xtcp_opts *opts)
{
	const struct xtcphdr *th;
	unsigned int hdrlen;

	if (!pskb_may_pull(skb, XTCP_HDR_LEN))
		return &xtcp_drop_short;

	hdrlen = xtcp_hdrlen(xtcp_hdr(skb));
	if (hdrlen < XTCP_HDR_LEN || hdrlen > skb->len ||
	    !pskb_may_pull(skb, hdrlen))
		return &xtcp_drop_doff;

	if (!xtcp_checksum_ok(skb))
		return &xtcp_drop_csum;

	th = xtcp_hdr(skb);
	if (xtcp_parse_options((const u8 *)(th + 1), hdrlen - XTCP_HDR_LEN,
			       th->flags & XTCP_FLAG_SYN, opts))
		return &xtcp_drop_opts;

	return NULL;
}

/**
 * xtcp_v4_rcv - receive one XTCP segment from IPv4
 * @skb: the segment, data pointing at the XTCP header
 *
 * Return: 0; the skb is always consumed.
 */
int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct xtcp_drop *drop;
	struct xtcp_opts opts;

	if (skb->pkt_type != PACKET_HOST) {
		XTCP_INC_STATS(net, XTCP_MIB_INNOTHOST);
		kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
		return 0;
	}

	XTCP_INC_STATS(net, XTCP_MIB_INSEGS);

	drop = xtcp_validate(skb, &opts);
	if (drop) {
		XTCP_INC_STATS(net, XTCP_MIB_INERRS);
		XTCP_INC_STATS(net, drop->field);
		kfree_skb_reason(skb, drop->reason);
		return 0;
	}

	/*
	 * No socket takes segments yet: connections arrive with the
	 * lifecycle, and with them the reset RFC 9293 3.10.7.1 asks for here.
	 */
	XTCP_INC_STATS(net, XTCP_MIB_INNOSOCKET);
	kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
	return 0;
}
