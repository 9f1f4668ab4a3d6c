// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_ofo": the receiver's out-of-order queue.
 *
 * A kernel socket of init_net is put into ESTABLISHED by hand, as in the
 * "xtcp_state" suite, with nothing of ours in flight, and fed the peer's
 * data as crafted skbs through xtcp_v4_do_rcv() with the socket owned, as
 * release_sock() runs its backlog.  What the socket sends is caught by
 * the recorder's static stubs.  The peer's stream is a fixed byte pattern, so
 * every skb's bytes can be checked against where its sequence number puts
 * them; what the receive queue holds, read back with skb_copy_bits(), must
 * be the stream exactly: no byte twice, none lost.
 *
 * Every case runs with RCV.NXT far from 2^32 and with RCV.NXT a few bytes
 * before it, so that the wrap falls inside a segment, on a segment's edge
 * or inside the segments held behind the hole.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define OFO_LPORT	5002
#define OFO_PPORT	40002
#define OFO_ISS		0x2468ace0U	/* ours: SND.UNA = SND.NXT = ISS+1 */
#define OFO_RWND	1000U		/* the window we advertised */
#define OFO_PEER_WND	8192		/* SEG.WND of every crafted segment */
#define OFO_STREAM_MAX	512		/* bytes of the peer's stream used */

#define ACK		XTCP_FLAG_ACK
#define FIN		XTCP_FLAG_FIN
#define PSH		XTCP_FLAG_PSH

/* The peer's stream: byte @off.  No period shorter than 256 bytes. */
static u8 ofo_byte(u32 off)
{
	return (u8)(off * 131 + (off >> 8) * 17 + 0x3d);
}

static u8 ofo_pattern[OFO_STREAM_MAX];

/* A socket under test; the peer's stream begins at @base. */
struct ofo_sock {
	struct socket *sock;
	struct sock *sk;
	u32 base;		/* RCV.NXT at set-up: byte 0 of the stream */
};

/*
 * Close the socket: set up by hand, it is in no table and only has to be
 * in TCP_CLOSE for close() to destroy it (timers, both queues).
 */
static void ofo_teardown(void *arg)
{
	struct ofo_sock *os = arg;

	xtcp_kt_close_manual(os->sock);
}

/*
 * An ESTABLISHED socket, as the handshake leaves it (its quick-ACK phase
 * too, so that data is acknowledged at once): the peer's SYN was @base-1,
 * RCV.NXT is @base, our window OFO_RWND; our SYN is acknowledged and
 * nothing else was sent.  Closed when the test case ends.
 */
static struct ofo_sock *ofo_setup(struct kunit *test, u32 base)
{
	struct ofo_sock *os;
	struct sock *sk;
	int err;

	os = kunit_kzalloc(test, sizeof(*os), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, os);
	err = xtcp_kt_sock_create(&os->sock, OFO_LPORT, OFO_PPORT);
	KUNIT_ASSERT_EQ(test, err, 0);
	sk = os->sock->sk;
	os->sk = sk;
	os->base = base;

	lock_sock(sk);
	xtcp_kt_init_seq(sk, OFO_ISS, base, OFO_PEER_WND);
	xtcp_sk(sk)->quickacks = XTCP_QUICKACKS;
	xtcp_kt_open_rcv(sk, OFO_RWND);
	/* The CurrEstab gauge, as xtcp_set_state() keeps it. */
	XTCP_INC_STATS(&init_net, XTCP_MIB_CURRESTAB);
	xtcp_state_store(sk, TCP_ESTABLISHED);
	release_sock(sk);

	err = kunit_add_action_or_reset(test, ofo_teardown, os);
	KUNIT_ASSERT_EQ(test, err, 0);
	return os;
}

/*
 * The peer's segment carrying bytes [@off, @off + @dlen) of its stream,
 * with @flags and ACK of ISS+1, as IPv4 hands it over, with the control
 * block xtcp_v4_rcv() fills in before the lookup.
 */
static struct sk_buff *ofo_make_skb(const struct ofo_sock *os, u8 flags,
				    u32 off, unsigned int dlen)
{
	struct sk_buff *skb;
	unsigned int i;
	u8 *data;

	data = kmalloc(dlen, GFP_KERNEL);
	if (!data)
		return NULL;
	for (i = 0; i < dlen; i++)
		data[i] = ofo_byte(off + i);
	skb = xtcp_kt_make_skb(OFO_PPORT, OFO_LPORT, flags | ACK,
			       os->base + off, OFO_ISS + 1, OFO_PEER_WND, NULL,
			       data, dlen);
	kfree(data);
	return skb;
}

/* Deliver the peer's bytes [@off, @off + @dlen), and FIN if in @flags. */
static void ofo_send(struct kunit *test, struct ofo_sock *os, u32 off,
		     unsigned int dlen, u8 flags)
{
	struct sk_buff *skb = ofo_make_skb(os, flags | PSH, off, dlen);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	lock_sock(os->sk);
	xtcp_v4_do_rcv(os->sk, skb);
	release_sock(os->sk);
}

/*
 * Since the last look the socket sent exactly one segment: an ACK of
 * stream offset @off (SEG.ACK = base + @off), from SND.NXT, with no data.
 */
static void ofo_expect_ack(struct kunit *test, const struct ofo_sock *os,
			   u32 off, const char *what)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned int n = xtcp_kt_rec_take(r);

	KUNIT_EXPECT_EQ_MSG(test, n, 1U, "%s: segments sent", what);
	if (n != 1)
		return;
	KUNIT_EXPECT_PTR_EQ_MSG(test, r[0].sk, (const struct sock *)os->sk,
				"%s", what);
	KUNIT_EXPECT_EQ_MSG(test, r[0].flags, ACK, "%s: flags", what);
	KUNIT_EXPECT_EQ_MSG(test, r[0].seq, OFO_ISS + 1, "%s: SEQ", what);
	KUNIT_EXPECT_EQ_MSG(test, r[0].ack, os->base + off,
			    "%s: ACK (offset %u, want %u)", what,
			    r[0].ack - os->base, off);
	KUNIT_EXPECT_EQ_MSG(test, r[0].len, 0U, "%s: data", what);
}

/* A held segment: stream offsets [off, end), FIN after it or not. */
struct ofo_span {
	u32 off;
	u32 end;
	bool fin;
};

/*
 * The out-of-order queue holds exactly @want, in that order, each skb
 * with its header pulled and the stream's bytes for its sequence numbers.
 */
static void ofo_expect_held(struct kunit *test, const struct ofo_sock *os,
			    const struct ofo_span *want, unsigned int n,
			    const char *what)
{
	struct xtcp_sock *xsk = xtcp_sk(os->sk);
	struct sk_buff *skb;
	unsigned int i = 0;
	u8 *buf;

	buf = kunit_kzalloc(test, OFO_STREAM_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	lock_sock(os->sk);
	KUNIT_EXPECT_EQ_MSG(test, skb_queue_len(&xsk->ofo_queue), n,
			    "%s: segments held", what);
	skb_queue_walk(&xsk->ofo_queue, skb) {
		const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
		u32 off = cb->seq - os->base;

		if (i == n)
			break;
		KUNIT_EXPECT_EQ_MSG(test, off, want[i].off,
				    "%s: held #%u: start", what, i);
		KUNIT_EXPECT_EQ_MSG(test, cb->end_seq - os->base, want[i].end,
				    "%s: held #%u: end", what, i);
		KUNIT_EXPECT_EQ_MSG(test, skb->len, want[i].end - want[i].off,
				    "%s: held #%u: length", what, i);
		KUNIT_EXPECT_EQ_MSG(test, !!(cb->flags & FIN), want[i].fin,
				    "%s: held #%u: FIN", what, i);
		if (skb->len == want[i].end - want[i].off &&
		    off == want[i].off && want[i].end <= OFO_STREAM_MAX &&
		    !skb_copy_bits(skb, 0, buf, skb->len))
			KUNIT_EXPECT_MEMEQ_MSG(test, buf, ofo_pattern + off,
					       skb->len, "%s: held #%u: bytes",
					       what, i);
		i++;
	}
	release_sock(os->sk);
}

/*
 * The receive queue holds the stream's first @len bytes, in at most
 * @nskbs skbs (0: any number; data in sequence may have joined the
 * queue's tail, see xtcp_ofo_in_order) each starting where the one before
 * ends; RCV.NXT is
 * past them and past the peer's FIN when @fin; the bytes counted as
 * received are @len; the receive buffer is charged for exactly the skbs
 * of both queues.
 */
static void ofo_expect_stream(struct kunit *test, const struct ofo_sock *os,
			      u32 len, unsigned int nskbs, bool fin,
			      const char *what)
{
	struct xtcp_sock *xsk = xtcp_sk(os->sk);
	unsigned int count = 0, truesize = 0;
	u32 pos = 0, rcv_nxt;
	struct sk_buff *skb;
	u64 received;
	int rmem;
	u8 *buf;

	buf = kunit_kzalloc(test, OFO_STREAM_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	lock_sock(os->sk);
	skb_queue_walk(&os->sk->sk_receive_queue, skb) {
		KUNIT_EXPECT_EQ_MSG(test, XTCP_SKB_CB(skb)->seq - os->base, pos,
				    "%s: skb #%u: start", what, count);
		if (pos + skb->len > OFO_STREAM_MAX ||
		    skb_copy_bits(skb, 0, buf + pos, skb->len)) {
			KUNIT_FAIL(test, "%s: skb #%u: %u bytes at %u", what,
				   count, skb->len, pos);
			break;
		}
		pos += skb->len;
		truesize += skb->truesize;
		count++;
	}
	skb_queue_walk(&xsk->ofo_queue, skb)
		truesize += skb->truesize;
	rcv_nxt = xsk->rcv_nxt;
	received = xsk->bytes_received;
	rmem = atomic_read(&os->sk->sk_rmem_alloc);
	release_sock(os->sk);

	KUNIT_EXPECT_EQ_MSG(test, pos, len, "%s: bytes in the receive queue",
			    what);
	if (nskbs)
		KUNIT_EXPECT_LE_MSG(test, count, nskbs, "%s: skbs", what);
	if (pos == len && len <= OFO_STREAM_MAX)
		KUNIT_EXPECT_MEMEQ_MSG(test, buf, ofo_pattern, len,
				       "%s: the stream", what);
	KUNIT_EXPECT_EQ_MSG(test, rcv_nxt, os->base + len + fin,
			    "%s: RCV.NXT (offset %u)", what,
			    rcv_nxt - os->base);
	KUNIT_EXPECT_EQ_MSG(test, received, (u64)len, "%s: bytes_received",
			    what);
	KUNIT_EXPECT_EQ_MSG(test, rmem, (int)truesize, "%s: sk_rmem_alloc",
			    what);
}

static void ofo_expect_state(struct kunit *test, const struct ofo_sock *os,
			     int state, bool rcv_shutdown, const char *what)
{
	struct sock *sk = os->sk;

	lock_sock(sk);
	KUNIT_EXPECT_EQ_MSG(test, sk->sk_state, state, "%s: state", what);
	KUNIT_EXPECT_EQ_MSG(test, !!(sk->sk_shutdown & RCV_SHUTDOWN),
			    rcv_shutdown, "%s: RCV_SHUTDOWN", what);
	KUNIT_EXPECT_EQ_MSG(test, sock_flag(sk, SOCK_DONE), rcv_shutdown,
			    "%s: SOCK_DONE", what);
	release_sock(sk);
}

/* Where RCV.NXT starts: byte 0 of the peer's stream. */
struct ofo_base {
	u32 base;
	const char *name;
};

static const struct ofo_base ofo_bases[] = {
	{ 0x12345678U, "no wrap" },
	{ 0xfffffffbU, "2^32 inside the first segment" },
	{ 0xfffffff6U, "2^32 at a segment edge" },
	{ 0xffffffe7U, "2^32 inside the held segments" },
};

static void ofo_base_desc(const struct ofo_base *b, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s (RCV.NXT %#x)", b->name,
		 b->base);
}

KUNIT_ARRAY_PARAM(ofo_base, ofo_bases, ofo_base_desc);

static u32 ofo_param_base(struct kunit *test)
{
	return ((const struct ofo_base *)test->param_value)->base;
}

/*
 * In-order data goes straight to the receive queue; data that follows
 * its tail skb joins that skb (TCP's tcp_try_coalesce()).
 */
static void xtcp_ofo_in_order(struct kunit *test)
{
	struct ofo_sock *os = ofo_setup(test, ofo_param_base(test));
	unsigned long held = xtcp_kt_counter(XTCP_MIB_OFOQUEUE);
	unsigned long joined;

	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 10, "[0,10)");
	ofo_expect_held(test, os, NULL, 0, "[0,10)");
	ofo_expect_stream(test, os, 10, 1, false, "[0,10)");

	/* It follows the tail skb: its data joins it, charged for. */
	joined = xtcp_kt_counter(XTCP_MIB_RCVCOALESCE);
	ofo_send(test, os, 10, 15, 0);
	ofo_expect_ack(test, os, 25, "[10,25)");
	ofo_expect_held(test, os, NULL, 0, "[10,25)");
	ofo_expect_stream(test, os, 25, 1, false, "[10,25)");
	KUNIT_EXPECT_EQ(test, skb_queue_len(&os->sk->sk_receive_queue), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_RCVCOALESCE) - joined,
			1UL);
	ofo_expect_state(test, os, TCP_ESTABLISHED, false, "[10,25)");
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OFOQUEUE) - held, 0UL);
}

/*
 * A segment after a hole is held, not delivered, and answered at once by
 * an ACK of RCV.NXT (RFC 9293 3.10.7.4 seventh, RFC 5681 4.2: a duplicate
 * ACK for the sender's fast retransmit).
 */
static void xtcp_ofo_hole_held(struct kunit *test)
{
	static const struct ofo_span two[] = { { 20, 30 }, { 40, 45 } };
	struct ofo_sock *os = ofo_setup(test, ofo_param_base(test));
	unsigned long held = xtcp_kt_counter(XTCP_MIB_OFOQUEUE);
	static const struct ofo_span one[] = { { 20, 30 } };

	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 10, "[0,10)");

	ofo_send(test, os, 20, 10, 0);
	ofo_expect_ack(test, os, 10, "[20,30)");
	ofo_expect_held(test, os, one, ARRAY_SIZE(one), "[20,30)");
	ofo_expect_stream(test, os, 10, 1, false, "[20,30)");
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OFOQUEUE) - held, 1UL);

	ofo_send(test, os, 40, 5, 0);
	ofo_expect_ack(test, os, 10, "[40,45)");
	ofo_expect_held(test, os, two, ARRAY_SIZE(two), "[40,45)");
	ofo_expect_stream(test, os, 10, 1, false, "[40,45)");
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OFOQUEUE) - held, 2UL);
	KUNIT_EXPECT_EQ(test, xtcp_sk(os->sk)->quickacks, XTCP_QUICKACKS);
	ofo_expect_state(test, os, TCP_ESTABLISHED, false, "[40,45)");
}

/*
 * Segments arriving in reverse order are held sorted; an exact duplicate
 * of a held one (first, middle, last) is dropped, still acknowledged.
 * Filling the hole delivers everything, in order.
 */
static void xtcp_ofo_sorted_and_duplicates(struct kunit *test)
{
	struct ofo_sock *os = ofo_setup(test, ofo_param_base(test));
	unsigned long held = xtcp_kt_counter(XTCP_MIB_OFOQUEUE);
	static const u32 dups[] = { 10, 30, 40 };
	static const struct ofo_span want[] = {
		{ 10, 20 }, { 20, 30 }, { 30, 40 }, { 40, 50 },
	};
	unsigned int i;
	char what[32];

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct ofo_span *s = &want[ARRAY_SIZE(want) - 1 - i];

		snprintf(what, sizeof(what), "[%u,%u)", s->off, s->end);
		ofo_send(test, os, s->off, s->end - s->off, 0);
		ofo_expect_ack(test, os, 0, what);
		ofo_expect_held(test, os, s, i + 1, what);
	}
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OFOQUEUE) - held, 4UL);

	for (i = 0; i < ARRAY_SIZE(dups); i++) {
		snprintf(what, sizeof(what), "[%u,%u) again", dups[i],
			 dups[i] + 10);
		ofo_send(test, os, dups[i], 10, 0);
		ofo_expect_ack(test, os, 0, what);
		ofo_expect_held(test, os, want, ARRAY_SIZE(want), what);
	}
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OFOQUEUE) - held, 4UL);
	ofo_expect_stream(test, os, 0, 0, false, "before the fill");

	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 50, "[0,10)");
	ofo_expect_held(test, os, NULL, 0, "[0,10)");
	ofo_expect_stream(test, os, 50, 5, false, "[0,10)");
}

/*
 * Three holes, filled one after the other: each fill delivers what is
 * contiguous after it and no more.
 */
static void xtcp_ofo_fill_drains_contiguous(struct kunit *test)
{
	struct ofo_sock *os = ofo_setup(test, ofo_param_base(test));
	static const struct ofo_span three[] = {
		{ 10, 20 }, { 30, 40 }, { 50, 60 },
	};

	ofo_send(test, os, 30, 10, 0);
	ofo_expect_ack(test, os, 0, "[30,40)");
	ofo_send(test, os, 10, 10, 0);
	ofo_expect_ack(test, os, 0, "[10,20)");
	ofo_send(test, os, 50, 10, 0);
	ofo_expect_ack(test, os, 0, "[50,60)");
	ofo_expect_held(test, os, three, 3, "three held");
	ofo_expect_stream(test, os, 0, 0, false, "three held");

	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 20, "[0,10)");
	ofo_expect_held(test, os, three + 1, 2, "[0,10)");
	ofo_expect_stream(test, os, 20, 2, false, "[0,10)");

	ofo_send(test, os, 20, 10, 0);
	ofo_expect_ack(test, os, 40, "[20,30)");
	ofo_expect_held(test, os, three + 2, 1, "[20,30)");
	ofo_expect_stream(test, os, 40, 4, false, "[20,30)");

	ofo_send(test, os, 40, 10, 0);
	ofo_expect_ack(test, os, 60, "[40,50)");
	ofo_expect_held(test, os, NULL, 0, "[40,50)");
	ofo_expect_stream(test, os, 60, 6, false, "[40,50)");
}

/*
 * Held segments overlapping one another: one overlapping the next, one
 * inside another, two starting at the same number (the shorter dropped
 * when it comes second, the longer kept after it).  The fill overlaps
 * the first held segment; the drain trims each to what is new and drops
 * the one inside, so every byte arrives once.
 */
static void xtcp_ofo_overlapping_held(struct kunit *test)
{
	static const unsigned int held_after[] = { 1, 2, 3, 4, 4, 5, 6 };
	struct ofo_sock *os = ofo_setup(test, ofo_param_base(test));
	unsigned long held = xtcp_kt_counter(XTCP_MIB_OFOQUEUE);
	struct xtcp_sock *xsk = xtcp_sk(os->sk);
	static const struct ofo_span sent[] = {
		{ 10, 25 },	/* A */
		{ 20, 35 },	/* B: overlaps A's end */
		{ 22, 28 },	/* C: inside B */
		{ 40, 50 },	/* E */
		{ 40, 45 },	/* D: same start as E, shorter: dropped */
		{ 40, 55 },	/* G: same start as E, longer: after it */
		{ 33, 42 },	/* F: overlaps B's end and E's start */
	};
	static const struct ofo_span want[] = {
		{ 10, 25 }, { 20, 35 }, { 22, 28 }, { 33, 42 },
		{ 40, 50 }, { 40, 55 },
	};
	unsigned int i;
	char what[32];

	for (i = 0; i < ARRAY_SIZE(sent); i++) {
		snprintf(what, sizeof(what), "[%u,%u)", sent[i].off,
			 sent[i].end);
		ofo_send(test, os, sent[i].off, sent[i].end - sent[i].off, 0);
		ofo_expect_ack(test, os, 0, what);
		KUNIT_EXPECT_EQ_MSG(test, skb_queue_len(&xsk->ofo_queue),
				    held_after[i], "%s: segments held", what);
	}
	ofo_expect_held(test, os, want, ARRAY_SIZE(want), "all held");
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OFOQUEUE) - held, 6UL);

	/* [0,12) [12,25) [25,35) [35,42) [42,50) [50,55); C consumed. */
	ofo_send(test, os, 0, 12, 0);
	ofo_expect_ack(test, os, 55, "[0,12)");
	ofo_expect_held(test, os, NULL, 0, "[0,12)");
	ofo_expect_stream(test, os, 55, 6, false, "[0,12)");
}

/*
 * Retransmissions overlapping RCV.NXT: only their new part is delivered;
 * one also overlapping a held segment has that trimmed at the drain; one
 * entirely old delivers nothing and is acknowledged.
 */
static void xtcp_ofo_overlapping_rcv_nxt(struct kunit *test)
{
	struct ofo_sock *os = ofo_setup(test, ofo_param_base(test));
	static const struct ofo_span one[] = { { 20, 30 } };
	struct sk_buff *skb;

	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 10, "[0,10)");

	ofo_send(test, os, 5, 10, 0);
	ofo_expect_ack(test, os, 15, "[5,15)");
	ofo_expect_stream(test, os, 15, 1, false, "[5,15)");
	/* Its new part, [10,15), joined the tail skb. */
	skb = skb_peek_tail(&os->sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, skb->len, 15U);

	ofo_send(test, os, 20, 10, 0);
	ofo_expect_ack(test, os, 15, "[20,30)");
	ofo_expect_held(test, os, one, 1, "[20,30)");

	/* [15,24) new, then the held [20,30) trimmed to [24,30). */
	ofo_send(test, os, 12, 12, 0);
	ofo_expect_ack(test, os, 30, "[12,24)");
	ofo_expect_held(test, os, NULL, 0, "[12,24)");
	ofo_expect_stream(test, os, 30, 4, false, "[12,24)");

	ofo_send(test, os, 0, 30, 0);
	ofo_expect_ack(test, os, 30, "[0,30) again");
	ofo_expect_stream(test, os, 30, 4, false, "[0,30) again");

	ofo_send(test, os, 25, 10, 0);
	ofo_expect_ack(test, os, 35, "[25,35)");
	ofo_expect_stream(test, os, 35, 5, false, "[25,35)");
	ofo_expect_state(test, os, TCP_ESTABLISHED, false, "[25,35)");
}

/*
 * A FIN behind a hole takes effect only when the hole fills: on a held
 * data segment, alone, and on a held segment whose data the fill carries
 * entirely.  ESTABLISHED until then, CLOSE_WAIT after, the FIN counted in
 * RCV.NXT and acknowledged.
 */
static void xtcp_ofo_fin_behind_hole(struct kunit *test)
{
	static const struct ofo_span data_fin[] = { { 20, 30, true } };
	static const struct ofo_span lone_fin[] = {
		{ 20, 30 }, { 30, 30, true },
	};
	u32 base = ofo_param_base(test);
	struct ofo_sock *os;

	/* Data and FIN held, the hole filled by [10,20). */
	os = ofo_setup(test, base);
	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 10, "data+FIN: [0,10)");
	ofo_send(test, os, 20, 10, FIN);
	ofo_expect_ack(test, os, 10, "data+FIN: [20,30)+FIN");
	ofo_expect_held(test, os, data_fin, 1, "data+FIN: [20,30)+FIN");
	ofo_expect_state(test, os, TCP_ESTABLISHED, false,
			 "data+FIN: [20,30)+FIN");
	ofo_expect_stream(test, os, 10, 1, false, "data+FIN: [20,30)+FIN");
	ofo_send(test, os, 10, 10, 0);
	ofo_expect_ack(test, os, 31, "data+FIN: [10,20)");
	ofo_expect_held(test, os, NULL, 0, "data+FIN: [10,20)");
	ofo_expect_state(test, os, TCP_CLOSE_WAIT, true, "data+FIN: [10,20)");
	ofo_expect_stream(test, os, 30, 3, true, "data+FIN: [10,20)");

	/* A FIN alone held after held data. */
	os = ofo_setup(test, base);
	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 10, "lone FIN: [0,10)");
	ofo_send(test, os, 30, 0, FIN);
	ofo_expect_ack(test, os, 10, "lone FIN: FIN at 30");
	ofo_send(test, os, 20, 10, 0);
	ofo_expect_ack(test, os, 10, "lone FIN: [20,30)");
	ofo_expect_held(test, os, lone_fin, 2, "lone FIN: [20,30)");
	ofo_expect_state(test, os, TCP_ESTABLISHED, false,
			 "lone FIN: [20,30)");
	ofo_send(test, os, 10, 10, 0);
	ofo_expect_ack(test, os, 31, "lone FIN: [10,20)");
	ofo_expect_held(test, os, NULL, 0, "lone FIN: [10,20)");
	ofo_expect_state(test, os, TCP_CLOSE_WAIT, true, "lone FIN: [10,20)");
	ofo_expect_stream(test, os, 30, 3, true, "lone FIN: [10,20)");

	/* The fill [10,30) carries all of the held segment's data. */
	os = ofo_setup(test, base);
	ofo_send(test, os, 0, 10, 0);
	ofo_expect_ack(test, os, 10, "covered: [0,10)");
	ofo_send(test, os, 20, 10, FIN);
	ofo_expect_ack(test, os, 10, "covered: [20,30)+FIN");
	ofo_expect_state(test, os, TCP_ESTABLISHED, false,
			 "covered: [20,30)+FIN");
	ofo_send(test, os, 10, 20, 0);
	ofo_expect_ack(test, os, 31, "covered: [10,30)");
	ofo_expect_held(test, os, NULL, 0, "covered: [10,30)");
	ofo_expect_state(test, os, TCP_CLOSE_WAIT, true, "covered: [10,30)");
	ofo_expect_stream(test, os, 30, 2, true, "covered: [10,30)");
}

#define OFO_SHUFFLE_LEN		300	/* stream bytes */
#define OFO_SHUFFLE_EXTRA	16	/* overlapping retransmissions */
#define OFO_SHUFFLE_MAX		(OFO_SHUFFLE_LEN + OFO_SHUFFLE_EXTRA)

static u32 ofo_xorshift(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* The stream cut into pieces, overlapping pieces added, all shuffled. */
static unsigned int ofo_shuffle(struct ofo_span *segs, u32 seed)
{
	unsigned int n = 0, i, j;
	u32 pos = 0, s = seed;

	while (pos < OFO_SHUFFLE_LEN) {
		segs[n].off = pos;
		pos = min(pos + 1 + ofo_xorshift(&s) % 24, OFO_SHUFFLE_LEN);
		segs[n++].end = pos;
	}
	for (i = 0; i < OFO_SHUFFLE_EXTRA; i++) {
		segs[n].off = ofo_xorshift(&s) % OFO_SHUFFLE_LEN;
		segs[n].end = min(segs[n].off + 1 + ofo_xorshift(&s) % 40,
				  (u32)OFO_SHUFFLE_LEN);
		n++;
	}
	for (i = n - 1; i > 0; i--) {
		j = ofo_xorshift(&s) % (i + 1);
		swap(segs[i], segs[j]);
	}
	return n;
}

/*
 * After each segment: what is held is sorted, all of it after RCV.NXT,
 * with the stream's bytes, and the bytes held or delivered are exactly
 * the bytes sent so far (@seen).
 */
static void ofo_expect_consistent(struct kunit *test,
				  const struct ofo_sock *os,
				  const unsigned long *seen, const char *what)
{
	struct xtcp_sock *xsk = xtcp_sk(os->sk);
	DECLARE_BITMAP(have, OFO_SHUFFLE_LEN);
	struct sk_buff *skb;
	u32 rcv, prev;
	u8 *buf;

	buf = kunit_kzalloc(test, OFO_STREAM_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	bitmap_zero(have, OFO_SHUFFLE_LEN);
	lock_sock(os->sk);
	rcv = xsk->rcv_nxt - os->base;
	prev = rcv;
	if (rcv <= OFO_SHUFFLE_LEN)
		bitmap_set(have, 0, rcv);
	skb_queue_walk(&xsk->ofo_queue, skb) {
		u32 off = XTCP_SKB_CB(skb)->seq - os->base;

		KUNIT_EXPECT_TRUE_MSG(test, off > rcv && off >= prev &&
				      off + skb->len <= OFO_SHUFFLE_LEN,
				      "%s: held [%u,%u), RCV.NXT %u, previous %u",
				      what, off, off + skb->len, rcv, prev);
		if (off + skb->len > OFO_SHUFFLE_LEN)
			break;
		if (!skb_copy_bits(skb, 0, buf, skb->len))
			KUNIT_EXPECT_MEMEQ_MSG(test, buf, ofo_pattern + off,
					       skb->len, "%s: held at %u",
					       what, off);
		bitmap_set(have, off, skb->len);
		prev = off;
	}
	release_sock(os->sk);
	KUNIT_EXPECT_TRUE_MSG(test, bitmap_equal(have, seen, OFO_SHUFFLE_LEN),
			      "%s: bytes held or delivered are not those sent",
			      what);
}

/*
 * A stream of 300 bytes in pieces of 1 to 24 bytes, 16 overlapping
 * retransmissions of up to 40 bytes among them, all in a shuffled order
 * (three fixed seeds).  After each segment RCV.NXT is where the bytes
 * sent so far stop being contiguous, and that is what the ACK says; at
 * the end the receive queue holds the stream exactly.
 */
static void xtcp_ofo_shuffled(struct kunit *test)
{
	static const u32 seeds[] = { 1, 0x9e3779b9U, 20250101 };
	u32 base = ofo_param_base(test);
	DECLARE_BITMAP(seen, OFO_SHUFFLE_LEN);
	struct ofo_span *segs;
	unsigned int k, i, n;
	struct ofo_sock *os;
	char what[48];
	u32 want;

	segs = kunit_kcalloc(test, OFO_SHUFFLE_MAX, sizeof(*segs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, segs);
	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		os = ofo_setup(test, base);
		n = ofo_shuffle(segs, seeds[k]);
		bitmap_zero(seen, OFO_SHUFFLE_LEN);
		for (i = 0; i < n; i++) {
			snprintf(what, sizeof(what), "seed %#x, #%u [%u,%u)",
				 seeds[k], i, segs[i].off, segs[i].end);
			ofo_send(test, os, segs[i].off,
				 segs[i].end - segs[i].off, 0);
			bitmap_set(seen, segs[i].off,
				   segs[i].end - segs[i].off);
			want = find_first_zero_bit(seen, OFO_SHUFFLE_LEN);
			ofo_expect_ack(test, os, want, what);
			KUNIT_EXPECT_EQ_MSG(test, xtcp_sk(os->sk)->rcv_nxt,
					    base + want, "%s: RCV.NXT", what);
			ofo_expect_consistent(test, os, seen, what);
		}
		snprintf(what, sizeof(what), "seed %#x, %u segments", seeds[k],
			 n);
		ofo_expect_held(test, os, NULL, 0, what);
		ofo_expect_stream(test, os, OFO_SHUFFLE_LEN, 0, false, what);
	}
}

/*
 * Held segments are charged to the receive buffer; a peer sending small
 * segments inside the window we offer can fill it with them (here 1-byte
 * segments, SO_RCVBUF 2048).  The segment that fills the hole must still
 * get in, or the connection stalls for good: held segments are dropped
 * from the highest down to make room (XtcpOfoPruned), as Linux TCP's
 * tcp_prune_ofo_queue() does.  The hole's bytes are delivered the first
 * time they arrive, and what is delivered is the stream.
 */
static void xtcp_ofo_full_buffer_prunes(struct kunit *test)
{
	unsigned long drops = xtcp_kt_counter(XTCP_MIB_RCVQDROP), pruned;
	struct ofo_sock *os = ofo_setup(test, 0xfffffffbU);
	struct xtcp_sock *xsk = xtcp_sk(os->sk);
	unsigned int i, held;
	u32 rcv_nxt;
	int rmem;

	/* As setsockopt(SO_RCVBUF, 2048): sk_rcvbuf 4096. */
	sock_set_rcvbuf(os->sk, 2048);
	for (i = 0; i < 64; i++) {
		ofo_send(test, os, 2 + i, 1, 0);
		xtcp_kt_rec_take(NULL);
		if (xtcp_kt_counter(XTCP_MIB_RCVQDROP) != drops)
			break;
	}
	lock_sock(os->sk);
	held = skb_queue_len(&xsk->ofo_queue);
	rmem = atomic_read(&os->sk->sk_rmem_alloc);
	release_sock(os->sk);
	kunit_info(test,
		   "%u 1-byte segments held, sk_rmem_alloc %d, sk_rcvbuf %d, %lu dropped\n",
		   held, rmem, READ_ONCE(os->sk->sk_rcvbuf),
		   xtcp_kt_counter(XTCP_MIB_RCVQDROP) - drops);

	KUNIT_EXPECT_GT(test, xtcp_kt_counter(XTCP_MIB_RCVQDROP), drops);

	/* The hole, once. */
	drops = xtcp_kt_counter(XTCP_MIB_RCVQDROP);
	pruned = xtcp_kt_counter(XTCP_MIB_OFOPRUNED);
	ofo_send(test, os, 0, 2, 0);
	xtcp_kt_rec_take(NULL);
	lock_sock(os->sk);
	rcv_nxt = xsk->rcv_nxt;
	release_sock(os->sk);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_RCVQDROP), drops);
	KUNIT_EXPECT_GT(test, xtcp_kt_counter(XTCP_MIB_OFOPRUNED), pruned);
	KUNIT_EXPECT_TRUE_MSG(test, xtcp_seq_after(rcv_nxt, os->base + 1),
			      "the hole's data was not delivered: RCV.NXT at offset %u",
			      rcv_nxt - os->base);
	ofo_expect_stream(test, os, rcv_nxt - os->base, 0, false, "after");
}

static int xtcp_ofo_suite_init(struct kunit_suite *suite)
{
	unsigned int i;

	for (i = 0; i < OFO_STREAM_MAX; i++)
		ofo_pattern[i] = ofo_byte(i);
	return 0;
}

static int xtcp_ofo_init(struct kunit *test)
{
	xtcp_kt_rec_start(test);
	return 0;
}

static void xtcp_ofo_exit(struct kunit *test)
{
	xtcp_kt_rec_stop(test);
}

static struct kunit_case xtcp_ofo_cases[] = {
	KUNIT_CASE_PARAM(xtcp_ofo_in_order, ofo_base_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_hole_held, ofo_base_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_sorted_and_duplicates, ofo_base_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_fill_drains_contiguous, ofo_base_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_overlapping_held, ofo_base_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_overlapping_rcv_nxt, ofo_base_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_fin_behind_hole, ofo_base_gen_params),
	KUNIT_CASE_PARAM(xtcp_ofo_shuffled, ofo_base_gen_params),
	KUNIT_CASE(xtcp_ofo_full_buffer_prunes),
	{}
};

static struct kunit_suite xtcp_ofo_suite = {
	.name = "xtcp_ofo",
	.suite_init = xtcp_ofo_suite_init,
	.init = xtcp_ofo_init,
	.exit = xtcp_ofo_exit,
	.test_cases = xtcp_ofo_cases,
};

kunit_test_suites(&xtcp_ofo_suite);
