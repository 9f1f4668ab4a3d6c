// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the receive path: crafted skbs handed to xtcp_v4_rcv()
 * as IPv4 would hand them, with the header and options in the linear area
 * or split into a page fragment, and in each checksum state a device may
 * leave.  Each segment must be counted in exactly the right counter of
 * init_net, and consumed (KASAN and kmemleak watch the skbs).  Crafted
 * skbs carry no input route, so none is answered; the content of the reset
 * a segment gets is checked on its own.
 */

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/unaligned.h>
#include <net/ip.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define SADDR	htonl(0xc0000201)	/* 192.0.2.1 */
#define DADDR	htonl(0xc0000202)	/* 192.0.2.2 */

/* A SYN with Linux's options (40-byte header) and 13 bytes of data. */
static const u8 syn_hdr[] = {
	0x9c, 0x40, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
	0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x07,
	'h', 'e', 'l', 'l', 'o', ',', ' ', 'x', 't', 'c', 'p', '!', 'X',
};

enum seg_kind {
	SEG_VALID,
	SEG_BAD_CSUM,
	SEG_SHORT,
	SEG_DOFF_SMALL,
	SEG_DOFF_PAST_END,
	SEG_BAD_OPTS,
};

/* Build segment @kind into @seg; return its length. */
static unsigned int make_seg(enum seg_kind kind, u8 *seg)
{
	unsigned int len = sizeof(syn_hdr);

	memcpy(seg, syn_hdr, len);
	switch (kind) {
	case SEG_SHORT:
		len = XTCP_HDR_LEN - 1;
		break;
	case SEG_DOFF_SMALL:
		seg[12] = 4 << 4;
		break;
	case SEG_DOFF_PAST_END:
		len = 50;	/* header says 60 */
		seg[12] = 15 << 4;
		break;
	case SEG_BAD_OPTS:
		seg[20 + 4] = 30;	/* kind 30 over SACK-permitted */
		seg[20 + 5] = 0;	/* length 0 */
		break;
	default:
		break;
	}
	if (len >= XTCP_HDR_LEN) {
		__sum16 c;

		put_unaligned_be16(0, seg + 16);
		c = xtcp_v4_csum_buf(seg, len, SADDR, DADDR, xtcp_ipproto);
		memcpy(seg + 16, &c, 2);
	}
	if (kind == SEG_BAD_CSUM)
		seg[len - 1] ^= 0x40;
	return len;
}

/*
 * An skb as ip_local_deliver() hands it over: network header at an IPv4
 * header, data at the segment.  The first @linear bytes of the segment are
 * in the linear area, the rest in a page fragment.
 */
static struct sk_buff *make_skb(struct kunit *test, const u8 *seg,
				unsigned int len, unsigned int linear)
{
	struct sk_buff *skb;

	linear = min(linear, len);
	skb = alloc_skb(MAX_HEADER + sizeof(struct iphdr) + linear, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, MAX_HEADER);
	xtcp_kt_put_iph(skb, len, SADDR, DADDR);

	skb_put_data(skb, seg, linear);
	if (len > linear) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page)
			kfree_skb(skb);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), seg + linear, len - linear);
		skb_add_rx_frag(skb, 0, page, 0, len - linear, PAGE_SIZE);
	}
	skb->dev = init_net.loopback_dev;
	skb->pkt_type = PACKET_HOST;
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

static unsigned long counter(enum xtcp_mib_field field)
{
	return snmp_fold_field(xtcp_pernet(&init_net)->mib, field);
}

/* Deliver @skb; expect InSegs + 1, @field + 1, InErrs + @err, no other. */
static void deliver_expect(struct kunit *test, struct sk_buff *skb,
			   enum xtcp_mib_field field, bool err, const char *what)
{
	unsigned long before[__XTCP_MIB_MAX];
	int i, ret;

	for (i = 0; i < __XTCP_MIB_MAX; i++)
		before[i] = counter(i);
	/* The context ip_local_deliver() calls protocol handlers in. */
	local_bh_disable();
	rcu_read_lock();
	ret = xtcp_v4_rcv(skb);
	rcu_read_unlock();
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, ret, 0);
	for (i = 0; i < __XTCP_MIB_MAX; i++) {
		unsigned long want = before[i];

		if (i == field ||
		    (i == XTCP_MIB_INSEGS && field != XTCP_MIB_INNOTHOST) ||
		    (i == XTCP_MIB_INERRS && err))
			want++;
		KUNIT_EXPECT_EQ_MSG(test, counter(i), want, "%s: counter %d",
				    what, i);
	}
}

struct split_case {
	const char *name;
	unsigned int linear;
};

/* Where the linear area ends: the segment must be pulled as needed. */
static const struct split_case split_cases[] = {
	{ "all linear", 1000 },
	{ "nothing linear", 0 },
	{ "fixed header split", 10 },
	{ "options split", 27 },
	{ "header linear, data paged", 40 },
};

static void split_desc(const struct split_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(split, split_cases, split_desc);

static void xtcp_rcv_classifies(struct kunit *test)
{
	const struct split_case *c = test->param_value;
	static const struct {
		enum seg_kind kind;
		enum xtcp_mib_field field;
		bool err;
		const char *what;
	} kinds[] = {
		{ SEG_VALID, XTCP_MIB_INNOSOCKET, false, "valid" },
		{ SEG_BAD_CSUM, XTCP_MIB_INCSUMERRORS, true, "bad checksum" },
		{ SEG_SHORT, XTCP_MIB_INSHORT, true, "short" },
		{ SEG_DOFF_SMALL, XTCP_MIB_INBADDOFF, true, "data offset 4" },
		{ SEG_DOFF_PAST_END, XTCP_MIB_INBADDOFF, true, "offset past end" },
		{ SEG_BAD_OPTS, XTCP_MIB_INBADOPTS, true, "bad options" },
	};
	u8 seg[64];
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		len = make_seg(kinds[i].kind, seg);
		deliver_expect(test, make_skb(test, seg, len, c->linear),
			       kinds[i].field, kinds[i].err, kinds[i].what);
	}
}

/* A checksum the device verified is trusted, as TCP trusts it. */
static void xtcp_rcv_csum_unnecessary(struct kunit *test)
{
	u8 seg[64];
	unsigned int len = make_seg(SEG_BAD_CSUM, seg);
	struct sk_buff *skb = make_skb(test, seg, len, len);

	skb->ip_summed = CHECKSUM_UNNECESSARY;
	deliver_expect(test, skb, XTCP_MIB_INNOSOCKET, false, "unnecessary");
}

/* CHECKSUM_COMPLETE: the device's sum of the data decides. */
static void xtcp_rcv_csum_complete(struct kunit *test)
{
	struct sk_buff *skb;
	unsigned int len;
	u8 seg[64];

	len = make_seg(SEG_VALID, seg);
	skb = make_skb(test, seg, len, len);
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = csum_partial(seg, len, 0);
	deliver_expect(test, skb, XTCP_MIB_INNOSOCKET, false, "complete, good");

	len = make_seg(SEG_BAD_CSUM, seg);
	skb = make_skb(test, seg, len, len);
	skb->ip_summed = CHECKSUM_COMPLETE;
	skb->csum = csum_partial(seg, len, 0);
	deliver_expect(test, skb, XTCP_MIB_INCSUMERRORS, true, "complete, bad");
}

static void xtcp_rcv_not_host(struct kunit *test)
{
	u8 seg[64];
	unsigned int len = make_seg(SEG_VALID, seg);
	struct sk_buff *skb = make_skb(test, seg, len, len);

	skb->pkt_type = PACKET_BROADCAST;
	deliver_expect(test, skb, XTCP_MIB_INNOTHOST, false, "broadcast");
	skb = make_skb(test, seg, len, len);
	skb->pkt_type = PACKET_MULTICAST;
	deliver_expect(test, skb, XTCP_MIB_INNOTHOST, false, "multicast");
}

struct reset_case {
	const char *what;
	u8 flags;
	u32 seq, ack;
	unsigned int seglen;
	bool sent;
	u8 rst_flags;
	u32 rst_seq, rst_ack;
};

/* RFC 9293 3.10.7.1, the connection CLOSED. */
static const struct reset_case reset_cases[] = {
	{ "SYN", XTCP_FLAG_SYN, 0x01020304, 0, 1,
	  true, XTCP_FLAG_RST | XTCP_FLAG_ACK, 0, 0x01020305 },
	{ "ACK with data", XTCP_FLAG_ACK | XTCP_FLAG_PSH, 7, 0xdeadbeef, 10,
	  true, XTCP_FLAG_RST, 0xdeadbeef, 0 },
	{ "SYN-ACK", XTCP_FLAG_SYN | XTCP_FLAG_ACK, 100, 0x80000000, 1,
	  true, XTCP_FLAG_RST, 0x80000000, 0 },
	{ "FIN at the wrap", XTCP_FLAG_FIN, 0xffffffff, 0, 1,
	  true, XTCP_FLAG_RST | XTCP_FLAG_ACK, 0, 0 },
	{ "SYN, FIN and 5 bytes", XTCP_FLAG_SYN | XTCP_FLAG_FIN, 0xfffffffe,
	  0, 7, true, XTCP_FLAG_RST | XTCP_FLAG_ACK, 0, 5 },
	{ "bare data", 0, 1000, 0, 20,
	  true, XTCP_FLAG_RST | XTCP_FLAG_ACK, 0, 1020 },
	{ "RST", XTCP_FLAG_RST, 5, 0, 0, false },
	{ "RST-ACK", XTCP_FLAG_RST | XTCP_FLAG_ACK, 5, 6, 0, false },
};

static void xtcp_reset_content(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reset_cases); i++) {
		const struct reset_case *c = &reset_cases[i];
		struct xtcphdr th = {
			.source = htons(40000), .dest = htons(80),
			.seq = htonl(c->seq), .ack_seq = htonl(c->ack),
			.doff_res = 5 << 4, .flags = c->flags,
			.window = htons(1000),
		};
		struct xtcphdr rst;
		bool sent = xtcp_reset_for(&th, c->seglen, &rst);

		KUNIT_ASSERT_EQ_MSG(test, sent, c->sent, "%s", c->what);
		if (!sent)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, rst.flags, c->rst_flags, "%s", c->what);
		KUNIT_EXPECT_EQ_MSG(test, ntohl(rst.seq), c->rst_seq, "%s", c->what);
		KUNIT_EXPECT_EQ_MSG(test, ntohl(rst.ack_seq), c->rst_ack, "%s",
				    c->what);
		KUNIT_EXPECT_EQ(test, ntohs(rst.source), 80);
		KUNIT_EXPECT_EQ(test, ntohs(rst.dest), 40000);
		KUNIT_EXPECT_EQ(test, xtcp_hdrlen(&rst), XTCP_HDR_LEN);
		KUNIT_EXPECT_EQ(test, ntohs(rst.window), 0);
		KUNIT_EXPECT_EQ(test, ntohs(rst.urg_ptr), 0);
	}
}

static struct kunit_case xtcp_input_cases[] = {
	KUNIT_CASE_PARAM(xtcp_rcv_classifies, split_gen_params),
	KUNIT_CASE(xtcp_rcv_csum_unnecessary),
	KUNIT_CASE(xtcp_rcv_csum_complete),
	KUNIT_CASE(xtcp_rcv_not_host),
	KUNIT_CASE(xtcp_reset_content),
	{}
};

static struct kunit_suite xtcp_input_suite = {
	.name = "xtcp_input",
	.test_cases = xtcp_input_cases,
};

kunit_test_suites(&xtcp_input_suite);
