// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP transmit path for segments that belong to no socket: the reset
 * RFC 9293 3.10.7.1 sends in reply to a segment for a connection that
 * does not exist.
 *
 * Runs in softirq context from the receive path.  The reset leaves through
 * the namespace's control socket, a raw IPv4 socket of XTCP's protocol
 * number that IP input never sees (inet_ctl_sock_create() unhashes it);
 * ip_build_and_send_pkt() only reads it, so CPUs share it without a lock.
 */

#include <linux/security.h>
#include <linux/skbuff.h>
#include <kunit/visibility.h>
#include <net/inet_dscp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/route.h>
#include <net/xtcp.h>

/**
 * xtcp_reset_for - the reset answering a segment, RFC 9293 3.10.7.1
 * @th: the received segment's header
 * @seglen: SEG.LEN, its data plus one for SYN and one for FIN
 * @rst: the reset's header, filled in but for the checksum
 *
 * A reset is never answered.  A segment carrying an ACK gets
 * <SEQ=SEG.ACK><CTL=RST>; one without gets
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 *
 * Return: false when no reset is to be sent.
 */
VISIBLE_IF_KUNIT bool xtcp_reset_for(const struct xtcphdr *th,
				     unsigned int seglen, struct xtcphdr *rst)
{
	if (th->flags & XTCP_FLAG_RST)
		return false;

	memset(rst, 0, sizeof(*rst));
	rst->source = th->dest;
	rst->dest = th->source;
	xtcp_set_hdrlen(rst, XTCP_HDR_LEN);
	if (th->flags & XTCP_FLAG_ACK) {
		rst->seq = th->ack_seq;
		rst->flags = XTCP_FLAG_RST;
	} else {
		rst->ack_seq = htonl(ntohl(th->seq) + seglen);
		rst->flags = XTCP_FLAG_RST | XTCP_FLAG_ACK;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_reset_for);

/* SEG.LEN of a validated segment whose header is linear. */
static unsigned int xtcp_seg_len(const struct sk_buff *skb)
{
	const struct xtcphdr *th = xtcp_hdr(skb);

	return skb->len - xtcp_hdrlen(th) +
	       !!(th->flags & XTCP_FLAG_SYN) + !!(th->flags & XTCP_FLAG_FIN);
}

/**
 * xtcp_v4_send_reset - answer a segment no socket takes with a reset
 * @net: the namespace it arrived in
 * @skb: the validated segment, data at the XTCP header
 *
 * Only a segment addressed to a local unicast address is answered (the
 * caller has dropped broadcast and multicast ones), and never towards a
 * broadcast or multicast address (a spoofed source).  As TCP's reset does,
 * the reply leaves by the VRF the segment came in on, reflects its TOS,
 * and carries the mark net.ipv4.fwmark_reflect gives it.
 */
void xtcp_v4_send_reset(struct net *net, struct sk_buff *skb)
{
	const struct rtable *in_rt = skb_rtable(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct xtcp_net *xn = xtcp_pernet(net);
	u32 mark = IP4_REPLY_MARK(net, skb->mark);
	struct xtcphdr rst, *th;
	struct sk_buff *nskb;
	struct flowi4 fl4;
	struct rtable *rt;
	int oif = 0, err;

	/* Crafted skbs (KUnit) have no input route: nothing to answer. */
	if (!in_rt || in_rt->rt_type != RTN_LOCAL)
		return;
	if (!xtcp_reset_for(xtcp_hdr(skb), xtcp_seg_len(skb), &rst))
		return;

	if (netif_index_is_l3_master(net, skb->skb_iif))
		oif = skb->skb_iif;
	flowi4_init_output(&fl4, oif, mark, iph->tos & INET_DSCP_MASK,
			   RT_SCOPE_UNIVERSE, xtcp_ipproto, 0, iph->saddr,
			   iph->daddr, rst.dest, rst.source,
			   sock_net_uid(net, NULL));
	security_skb_classify_flow(skb, flowi4_to_flowi_common(&fl4));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		ip_rt_put(rt);
		return;
	}

	nskb = alloc_skb(MAX_HEADER + sizeof(struct iphdr) + XTCP_HDR_LEN,
			 GFP_ATOMIC);
	if (!nskb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(nskb, MAX_HEADER + sizeof(struct iphdr));
	skb_dst_set(nskb, &rt->dst);
	th = skb_put_data(nskb, &rst, sizeof(rst));
	skb_reset_transport_header(nskb);
	th->check = xtcp_v4_check(XTCP_HDR_LEN, fl4.saddr, fl4.daddr,
				  csum_partial(th, XTCP_HDR_LEN, 0));
	nskb->ip_summed = CHECKSUM_NONE;
	nskb->mark = mark;

	err = ip_build_and_send_pkt(nskb, xn->ctl_sk, fl4.saddr, fl4.daddr,
				    NULL, iph->tos & ~INET_ECN_MASK);
	if (!net_xmit_eval(err)) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
		XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
	}
}
