// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP: large segments through the stack (GSO).
 *
 * A socket hands IP one skb holding up to 64 KB of data, gso_size the
 * MSS; it is cut into segments as late as possible: by this callback,
 * just before a device that cannot take it, or never, when it crosses lo
 * or a veth whole and the receiver takes it as one.
 *
 * A NIC's segmentation and checksum offloads parse IP protocol 6 only, so
 * an XTCP skb must never reach one as a hardware job.  Its GSO type is
 * SKB_GSO_SCTP: only software devices (lo, veth, bridges, bonds, tunnels)
 * advertise NETIF_F_GSO_SCTP and pass it on, and every device below them
 * without it has the stack segment the skb here first.  The type has no
 * other meaning for a protocol that is not SCTP; the callback also takes
 * SKB_GSO_TCPV4, what a translated Linux TCP peer sends.  The segments
 * keep CHECKSUM_PARTIAL only for a device that checksums any protocol
 * (NETIF_F_HW_CSUM); for any other the sums are computed here.
 */

#include <kunit/visibility.h>
#include <linux/skbuff.h>
#include <net/gso.h>
#include <net/ip.h>
#include <net/protocol.h>
#include "xtcp_protocol.h"

/* Finish a segment's sum: the device's job, or ours now. */
static void xtcp_gso_csum(struct sk_buff *seg, struct xtcphdr *th)
{
	if (seg->ip_summed == CHECKSUM_PARTIAL)
		gso_reset_checksum(seg, csum_unfold(~th->check));
	else
		th->check = gso_make_checksum(seg, csum_unfold(~th->check));
}

/**
 * xtcp_gso_segment - cut a large XTCP skb into MSS-sized segments
 * @skb: the skb, data at the XTCP header; gso_size is the MSS
 * @features: what the device below can do
 *
 * Every segment gets the header, its own sequence number and sum; CWR
 * stays on the first only, FIN and PSH on the last only.
 *
 * Return: the list of segments, NULL when the device can take @skb as it
 * is, or an ERR_PTR.
 */
struct sk_buff *xtcp_gso_segment(struct sk_buff *skb,
				 netdev_features_t features)
{
	struct sk_buff *segs = ERR_PTR(-EINVAL), *seg;
	unsigned int thlen, oldlen, mss;
	struct xtcphdr *th;
	__sum16 newcheck;
	__wsum delta;
	u32 seq;

	if (!(skb_shinfo(skb)->gso_type & (SKB_GSO_SCTP | SKB_GSO_TCPV4)))
		goto out;
	if (!pskb_may_pull(skb, XTCP_HDR_LEN))
		goto out;
	thlen = xtcp_hdrlen(xtcp_hdr(skb));
	if (thlen < XTCP_HDR_LEN || !pskb_may_pull(skb, thlen))
		goto out;
	th = xtcp_hdr(skb);

	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		/* Not from a local socket: set the sum up as one would. */
		const struct iphdr *iph = ip_hdr(skb);

		th->check = ~xtcp_v4_check(skb->len, iph->saddr, iph->daddr, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct xtcphdr, check);
	}
	if (unlikely(skb_checksum_start(skb) != skb_transport_header(skb)))
		goto out;

	oldlen = ~skb->len;
	__skb_pull(skb, thlen);

	mss = skb_shinfo(skb)->gso_size;
	if (unlikely(!mss || skb->len <= mss))
		goto out;

	if (skb_gso_ok(skb, features | NETIF_F_GSO_ROBUST)) {
		/* The device segments it; from an untrusted source: recount. */
		skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(skb->len, mss);
		segs = NULL;
		goto out;
	}

	/* NETIF_F_IP_CSUM devices checksum TCP and UDP only, never us. */
	if (!(features & NETIF_F_HW_CSUM))
		features &= ~NETIF_F_CSUM_MASK;

	segs = skb_segment(skb, features);
	if (IS_ERR(segs))
		goto out;

	/* Segmentation by frag_list may leave GSO skbs of a few MSS each. */
	if (skb_is_gso(segs))
		mss *= skb_shinfo(segs)->gso_segs;

	delta = (__force __wsum)htonl(oldlen + thlen + mss);
	seg = segs;
	th = xtcp_hdr(seg);
	seq = ntohl(th->seq);
	newcheck = ~csum_fold(csum_add(csum_unfold(th->check), delta));

	while (seg->next) {
		th->flags &= ~(XTCP_FLAG_FIN | XTCP_FLAG_PSH);
		th->check = newcheck;
		xtcp_gso_csum(seg, th);

		seq += mss;
		seg = seg->next;
		th = xtcp_hdr(seg);
		th->seq = htonl(seq);
		th->flags &= ~XTCP_FLAG_CWR;
	}

	/* The last one: its own length in the pseudo-header. */
	delta = (__force __wsum)htonl(oldlen +
				      (skb_tail_pointer(seg) -
				       skb_transport_header(seg)) +
				      seg->data_len);
	th->check = ~csum_fold(csum_add(csum_unfold(th->check), delta));
	xtcp_gso_csum(seg, th);
out:
	return segs;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_gso_segment);

static const struct net_offload xtcp_offload = {
	.callbacks = {
		.gso_segment	= xtcp_gso_segment,
	},
};

int xtcp_offload_init(void)
{
	return inet_add_offload(&xtcp_offload, xtcp_ipproto) ? -EBUSY : 0;
}

/* Waits (synchronize_net) for segmentation under way. */
void xtcp_offload_exit(void)
{
	inet_del_offload(&xtcp_offload, xtcp_ipproto);
}
