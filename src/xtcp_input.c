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
#include <kunit/visibility.h>
#include <net/dropreason.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/xtcp.h>

static bool xtcp_checksum_ok(struct sk_buff *skb)
{
	if (skb_checksum_init(skb, xtcp_ipproto, inet_compute_pseudo))
		return false;
	return skb_csum_unnecessary(skb) || !__skb_checksum_complete(skb);
}

/*
 * Check a segment's header.  On success the whole header, options
 * included, is in the linear area and @opts holds the parsed options.
 * A malformed segment gets its drop reason and, in @field, the counter of
 * its cause; one that could not be pulled for want of memory gets
 * SKB_DROP_REASON_NOMEM and @field stays __XTCP_MIB_MAX: it is not
 * malformed.
 *
 * The format is TCP's, so TCP's drop reasons describe it; options have no
 * reason of their own.
 */
static enum skb_drop_reason xtcp_validate(struct sk_buff *skb,
					  struct xtcp_opts *opts,
					  enum xtcp_mib_field *field)
{
	enum skb_drop_reason reason;
	const struct xtcphdr *th;
	unsigned int hdrlen;

	*field = __XTCP_MIB_MAX;
	reason = pskb_may_pull_reason(skb, XTCP_HDR_LEN);
	if (reason) {
		if (reason == SKB_DROP_REASON_PKT_TOO_SMALL)
			*field = XTCP_MIB_INSHORT;
		return reason;
	}

	hdrlen = xtcp_hdrlen(xtcp_hdr(skb));
	if (hdrlen < XTCP_HDR_LEN || hdrlen > skb->len) {
		*field = XTCP_MIB_INBADDOFF;
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	}
	/* The length is checked: this fails only for want of memory. */
	reason = pskb_may_pull_reason(skb, hdrlen);
	if (reason)
		return reason;

	if (!xtcp_checksum_ok(skb)) {
		*field = XTCP_MIB_INCSUMERRORS;
		return SKB_DROP_REASON_TCP_CSUM;
	}

	th = xtcp_hdr(skb);
	if (xtcp_parse_options((const u8 *)(th + 1), hdrlen - XTCP_HDR_LEN,
			       th->flags & XTCP_FLAG_SYN, opts)) {
		*field = XTCP_MIB_INBADOPTS;
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
	return SKB_NOT_DROPPED_YET;
}

/**
 * xtcp_v4_rcv - receive one XTCP segment from IPv4
 * @skb: the segment, data pointing at the XTCP header
 *
 * Return: 0; the skb is always consumed.
 */
int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net_rcu(skb->dev);
	const struct rtable *rt;
	enum skb_drop_reason reason;
	enum xtcp_mib_field field;
	struct xtcp_opts opts;

	/* Not unicast to us, by link layer or IP: never answered. */
	rt = skb_rtable(skb);
	if (skb->pkt_type != PACKET_HOST ||
	    (rt && rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))) {
		XTCP_INC_STATS(net, XTCP_MIB_INNOTHOST);
		kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
		return 0;
	}

	XTCP_INC_STATS(net, XTCP_MIB_INSEGS);

	reason = xtcp_validate(skb, &opts, &field);
	if (reason) {
		if (field != __XTCP_MIB_MAX) {
			XTCP_INC_STATS(net, XTCP_MIB_INERRS);
			XTCP_INC_STATS(net, field);
		}
		kfree_skb_reason(skb, reason);
		return 0;
	}

	/*
	 * No socket takes segments yet (connections arrive with the
	 * lifecycle): RFC 9293 3.10.7.1, the connection is CLOSED.
	 */
	XTCP_INC_STATS(net, XTCP_MIB_INNOSOCKET);
	xtcp_v4_send_reset(net, skb);
	kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_v4_rcv);
