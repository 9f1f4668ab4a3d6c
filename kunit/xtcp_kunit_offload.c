// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_offload": xtcp_gso_segment(), as skb_gso_segment()
 * calls it before a device that cannot take a large XTCP skb.
 *
 * A large skb is built as the transmit path builds one: an IPv4 and an
 * XTCP header (timestamps) in the linear area, the data in page
 * fragments, CHECKSUM_PARTIAL with the pseudo-header of the whole length.
 * Each case cuts it for a device's features and checks every segment:
 * its sequence number and length, the flags (CWR on the first only, FIN
 * and PSH on the last only), its data, and its checksum, finished by
 * skb_checksum_help() when the segment left it to the device.
 */

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define SADDR		htonl(0x0a000001)
#define DADDR		htonl(0x0a000002)
#define SEQ		0xfffff000u	/* the sequence numbers wrap */
#define HDRLEN		(XTCP_HDR_LEN + XTCPOLEN_TSTAMP_ALIGNED)

struct gso_case {
	const char *name;
	unsigned int len;	/* data bytes */
	unsigned int mss;	/* gso_size */
	unsigned int split;	/* data in the first page fragment */
	netdev_features_t features;
	bool partial;		/* the segments keep CHECKSUM_PARTIAL */
};

static const struct gso_case gso_cases[] = {
	{ "even, HW_CSUM", 4 * 1448, 1448, 4 * 1448,
	  NETIF_F_SG | NETIF_F_HW_CSUM, true },
	{ "odd tail, HW_CSUM", 3 * 1448 + 17, 1448, 3 * 1448 + 17,
	  NETIF_F_SG | NETIF_F_HW_CSUM, true },
	{ "IP_CSUM device: summed here", 3 * 1448 + 17, 1448, 1000,
	  NETIF_F_SG | NETIF_F_IP_CSUM, false },
	{ "no offload at all", 5 * 536 + 1, 536, 2000, 0, false },
	{ "fragment boundary inside a segment", 2 * 1448 + 700, 1448, 1449,
	  NETIF_F_SG | NETIF_F_HW_CSUM, true },
	{ "last segment one byte", 6 * 1000 + 1, 1000, 3000,
	  NETIF_F_SG, false },
};

static void gso_case_desc(const struct gso_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gso, gso_cases, gso_case_desc);

static u8 pattern(unsigned int i)
{
	return (i * 7 + (i >> 8)) & 0xff;
}

/*
 * The large skb: @len data bytes, @split of them in one page fragment,
 * the rest in a second; @flags in its header.
 */
static struct sk_buff *gso_build(struct kunit *test, unsigned int len,
				 unsigned int mss, unsigned int split,
				 u8 flags, unsigned int gso_type)
{
	struct page *page[2];
	struct sk_buff *skb;
	struct xtcphdr *th;
	unsigned int i, n;
	u8 *opt;

	skb = alloc_skb(256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	xtcp_kt_put_iph(skb, HDRLEN + len, SADDR, DADDR);
	skb->mac_header = skb->network_header;
	skb->protocol = htons(ETH_P_IP);

	th = skb_put_zero(skb, HDRLEN);
	th->source = htons(1000);
	th->dest = htons(2000);
	th->seq = htonl(SEQ);
	th->ack_seq = htonl(1);
	th->flags = flags;
	th->window = htons(1000);
	xtcp_set_hdrlen(th, HDRLEN);
	opt = (u8 *)(th + 1);
	opt[0] = 1;
	opt[1] = 1;
	opt[2] = 8;
	opt[3] = 10;

	for (n = 0; n < 2; n++) {
		unsigned int off = n ? split : 0;
		unsigned int size = n ? len - split : split;
		u8 *p;

		if (!size)
			continue;
		page[n] = alloc_pages(GFP_KERNEL | __GFP_COMP, get_order(size));
		KUNIT_ASSERT_NOT_NULL(test, page[n]);
		p = page_address(page[n]);
		for (i = 0; i < size; i++)
			p[i] = pattern(off + i);
		skb_fill_page_desc(skb, skb_shinfo(skb)->nr_frags, page[n], 0,
				   size);
		skb->len += size;
		skb->data_len += size;
		skb->truesize += PAGE_SIZE << get_order(size);
	}

	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct xtcphdr, check);
	th->check = ~xtcp_v4_check(skb->len, SADDR, DADDR, 0);
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(len, mss);
	skb_shinfo(skb)->gso_type = gso_type;
	return skb;
}

static void xtcp_gso_cut(struct kunit *test)
{
	const u8 flags = XTCP_FLAG_ACK | XTCP_FLAG_PSH | XTCP_FLAG_FIN |
			 XTCP_FLAG_CWR;
	unsigned int n = 0, off = 0, want, toff, tlen, i;
	const struct gso_case *c = test->param_value;
	struct sk_buff *skb, *segs, *seg, *next;
	const struct xtcphdr *th;
	__sum16 sum;
	bool last;
	u8 *data;
	int err;

	skb = gso_build(test, c->len, c->mss, c->split, flags, SKB_GSO_SCTP);
	segs = xtcp_gso_segment(skb, c->features);
	if (IS_ERR_OR_NULL(segs)) {
		kfree_skb(skb);
		KUNIT_FAIL(test, "not cut: %ld", PTR_ERR(segs));
		return;
	}

	data = kunit_kzalloc(test, c->mss, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	for (seg = segs; seg; seg = next, n++) {
		next = seg->next;
		last = !next;
		want = last ? c->len - off : c->mss;
		toff = skb_transport_offset(seg);
		tlen = seg->len - toff;
		th = xtcp_hdr(seg);

		KUNIT_EXPECT_EQ_MSG(test, tlen, HDRLEN + want, "segment %u", n);
		KUNIT_EXPECT_EQ_MSG(test, ntohl(th->seq), SEQ + off,
				    "segment %u", n);
		KUNIT_EXPECT_EQ_MSG(test, th->flags & XTCP_FLAG_CWR,
				    n ? 0 : XTCP_FLAG_CWR, "segment %u", n);
		KUNIT_EXPECT_EQ_MSG(test,
				    th->flags & (XTCP_FLAG_FIN | XTCP_FLAG_PSH),
				    last ? XTCP_FLAG_FIN | XTCP_FLAG_PSH : 0,
				    "segment %u", n);
		KUNIT_EXPECT_TRUE_MSG(test, th->flags & XTCP_FLAG_ACK,
				      "segment %u", n);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_hdrlen(th), HDRLEN,
				    "segment %u", n);

		KUNIT_EXPECT_EQ_MSG(test, seg->ip_summed == CHECKSUM_PARTIAL,
				    c->partial, "segment %u", n);
		if (seg->ip_summed == CHECKSUM_PARTIAL)
			KUNIT_ASSERT_EQ(test, skb_checksum_help(seg), 0);
		th = xtcp_hdr(seg);
		sum = xtcp_v4_check(tlen, SADDR, DADDR,
				    skb_checksum(seg, toff, tlen, 0));
		KUNIT_EXPECT_EQ_MSG(test, (__force u16)sum, 0,
				    "segment %u: checksum", n);

		err = skb_copy_bits(seg, toff + HDRLEN, data, want);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "segment %u: data", n);
		for (i = 0; i < want; i++)
			if (data[i] != pattern(off + i))
				break;
		KUNIT_EXPECT_EQ_MSG(test, i, want, "segment %u: data", n);
		off += want;
		kfree_skb(seg);
	}
	KUNIT_EXPECT_EQ(test, n, DIV_ROUND_UP(c->len, c->mss));
	KUNIT_EXPECT_EQ(test, off, c->len);
	consume_skb(skb);
}

/* A device that segments ours itself (lo, veth) takes the skb whole. */
static void xtcp_gso_device_takes_it(struct kunit *test)
{
	struct sk_buff *skb;

	skb = gso_build(test, 3 * 1448, 1448, 3 * 1448, XTCP_FLAG_ACK,
			SKB_GSO_SCTP);
	skb_shinfo(skb)->gso_segs = 1;
	KUNIT_EXPECT_NULL(test, xtcp_gso_segment(skb, NETIF_F_SG |
						 NETIF_F_HW_CSUM |
						 NETIF_F_GSO_SCTP));
	/* gso_segs is recounted: the skb may come from anywhere. */
	KUNIT_EXPECT_EQ(test, skb_shinfo(skb)->gso_segs, 3);
	kfree_skb(skb);
}

/* Only the types XTCP's senders use are cut; others are refused. */
static void xtcp_gso_other_type(struct kunit *test)
{
	struct sk_buff *skb, *segs;

	skb = gso_build(test, 3 * 1448, 1448, 3 * 1448, XTCP_FLAG_ACK,
			SKB_GSO_UDP_L4);
	segs = xtcp_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(segs), -EINVAL);
	kfree_skb(skb);
}

/* A bad data offset is refused, not read past. */
static void xtcp_gso_bad_offset(struct kunit *test)
{
	struct sk_buff *skb, *segs;

	skb = gso_build(test, 3 * 1448, 1448, 3 * 1448, XTCP_FLAG_ACK,
			SKB_GSO_SCTP);
	xtcp_set_hdrlen(xtcp_hdr(skb), 16);
	segs = xtcp_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(segs), -EINVAL);
	kfree_skb(skb);
}

static struct kunit_case xtcp_offload_cases[] = {
	KUNIT_CASE_PARAM(xtcp_gso_cut, gso_gen_params),
	KUNIT_CASE(xtcp_gso_device_takes_it),
	KUNIT_CASE(xtcp_gso_other_type),
	KUNIT_CASE(xtcp_gso_bad_offset),
	{}
};

static struct kunit_suite xtcp_offload_suite = {
	.name = "xtcp_offload",
	.test_cases = xtcp_offload_cases,
};

kunit_test_suites(&xtcp_offload_suite);
