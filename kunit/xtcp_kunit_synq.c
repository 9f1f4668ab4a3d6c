// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_synq": a listener's SYN queue of request mini-sockets
 * and its SYN cookies, driven through xtcp_v4_do_rcv() with crafted
 * segments from many peer ports, the SYN-ACKs caught by the recorder.
 *
 * The queue's bound (min(backlog, max_syn_backlog)) and its counters; the
 * order requests give way in (a full queue without cookies evicts the
 * oldest retried one; over half full, a retried request is dropped at its
 * expiry, unless its final ACK met a full accept queue; after
 * synack_retries it is dropped anyway), with the timer's
 * work run at a chosen clock; a full accept queue dropping the final ACK;
 * cookies answering every SYN (syncookies 2) or only an overflow (1),
 * their options carried in the TSval, and forged, tuple-mismatched or
 * unsolicited cookie ACKs reset and counted; a connection's segments
 * that waited behind its final ACK given to it, and a connection reset
 * before accept() handed out closed, with its error.
 */

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PPORT		41000		/* the first peer port */
#define IRS		0x10000000U	/* ISN of the peer on port PPORT + i */
#define PEER_WND	8192

#define SYN		XTCP_FLAG_SYN
#define ACK		XTCP_FLAG_ACK
#define RST		XTCP_FLAG_RST

/* A listener under test. */
struct lst {
	struct socket *sock;
	struct sock *sk;
	u16 lport;
	struct xtcp_sysctl saved;
};

static int lst_open(struct lst *l, int backlog)
{
	int err;

	err = sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM, 0, &l->sock);
	if (err) {
		l->sock = NULL;
		return err;
	}
	l->sk = l->sock->sk;
	err = kernel_listen(l->sock, backlog);
	if (err)
		return err;
	l->lport = inet_sk(l->sk)->inet_num;
	return 0;
}

/* Close the listener; what its closing sends (resets) is dropped. */
static void lst_close(struct lst *l)
{
	if (l->sock)
		sock_release(l->sock);
	l->sock = NULL;
	xtcp_kt_rec_take(NULL);
}

/*
 * The peer on port PPORT + @i sends a segment carrying @len bytes of
 * @data; what came back in @out.
 */
static unsigned int feed_data(struct kunit *test, struct lst *l,
			      unsigned int i, u8 flags, u32 seq, u32 ack,
			      const struct xtcp_opts *opts, const void *data,
			      unsigned int len, struct xtcp_kt_rec *out)
{
	struct xtcp_kt_rec scratch[XTCP_KT_MAX_RECS];
	struct sk_buff *skb;
	unsigned int n;

	skb = xtcp_kt_make_skb(PPORT + i, l->lport, flags, seq, ack, PEER_WND,
			       opts, data, len);
	if (!skb) {
		KUNIT_FAIL(test, "no memory");
		return 0;
	}
	lock_sock(l->sk);
	xtcp_v4_do_rcv(l->sk, skb);
	/* The test runs the timer's work itself, at chosen clocks. */
	xtcp_rtx_timer_stop(l->sk);
	n = xtcp_kt_rec_take(out ? out : scratch);
	release_sock(l->sk);
	return n;
}

/* The peer on port PPORT + @i sends a segment; what came back in @out. */
static unsigned int feed(struct kunit *test, struct lst *l, unsigned int i,
			 u8 flags, u32 seq, u32 ack,
			 const struct xtcp_opts *opts, struct xtcp_kt_rec *out)
{
	return feed_data(test, l, i, flags, seq, ack, opts, NULL, 0, out);
}

/* A SYN from peer @i (ISN IRS + i); its SYN-ACK's ISN in *@iss. */
static bool syn(struct kunit *test, struct lst *l, unsigned int i,
		const struct xtcp_opts *opts, u32 *iss)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned int n = feed(test, l, i, SYN, IRS + i, 0, opts, r);

	if (n != 1 || r[0].flags != (SYN | ACK) || r[0].ack != IRS + i + 1)
		return false;
	if (iss)
		*iss = r[0].seq;
	return true;
}

/* The timer's work as if the clock read @now_ns. */
static unsigned int expire(struct lst *l, u64 now_ns, struct xtcp_kt_rec *out)
{
	unsigned int n;

	lock_sock(l->sk);
	__xtcp_synq_timeout(l->sk, now_ns);
	xtcp_rtx_timer_stop(l->sk);
	n = xtcp_kt_rec_take(out);
	release_sock(l->sk);
	return n;
}

/* When request @i (in the SYN queue's order) sends its next SYN-ACK. */
static u64 due(struct kunit *test, struct lst *l, unsigned int i)
{
	struct xtcp_req_view v[8];
	unsigned int n;

	lock_sock(l->sk);
	n = xtcp_synq_copy(l->sk, 0, v, ARRAY_SIZE(v));
	release_sock(l->sk);
	KUNIT_ASSERT_GT(test, n, i);
	return v[i].expires_ns;
}

static unsigned long accepted(struct lst *l)
{
	return READ_ONCE(l->sk->sk_ack_backlog);
}

#define C(f)	xtcp_kt_counter(XTCP_MIB_##f)

/*
 * The bound: min(backlog, max_syn_backlog) requests; one more SYN is
 * dropped and counted, without an answer.  The final ACK makes an
 * ESTABLISHED child in the accept queue; an exact reset or an in-window
 * SYN drops the request.
 */
static void xtcp_synq_bound(struct kunit *test)
{
	unsigned long syns = C(SYNSRECEIVED), over = C(SYNQOVERFLOWS);
	unsigned long drops = C(LISTENDROPS), opens = C(PASSIVEOPENS);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	unsigned long fails = C(ATTEMPTFAILS);
	struct lst l = {};
	struct sock *c;
	unsigned int i;
	u32 iss[8];

	WRITE_ONCE(xn->sysctl.syncookies, 0);
	WRITE_ONCE(xn->sysctl.max_syn_backlog, 6);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_TRUE_MSG(test, syn(test, &l, i, NULL, &iss[i]),
				      "SYN %u", i);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 6U);
	/* Full: min(8, 6).  Nothing was retried: nothing gives way. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 6, SYN, IRS + 6, 0, NULL, NULL),
			0U);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 6U);
	KUNIT_EXPECT_EQ(test, C(SYNSRECEIVED) - syns, 7UL);
	KUNIT_EXPECT_EQ(test, C(SYNQOVERFLOWS) - over, 1UL);
	KUNIT_EXPECT_EQ(test, C(LISTENDROPS) - drops, 1UL);

	/* The final ACK of peer 2. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 2, ACK, IRS + 3, iss[2] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 5U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 1UL);
	KUNIT_EXPECT_EQ(test, C(PASSIVEOPENS) - opens, 1UL);
	c = xtcp_kt_first_child(l.sk);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->sk_state, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ntohs(inet_sk(c)->inet_dport), PPORT + 2);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->snd_una, iss[2] + 1);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->rcv_nxt, IRS + 3);
	sock_put(c);

	/* A reset at RCV.NXT, an in-window SYN: back to LISTEN, silently. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 3, RST, IRS + 4, 0, NULL, NULL),
			0U);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 4, SYN, IRS + 4 + 100, 0, NULL,
				   NULL), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 3U);
	KUNIT_EXPECT_EQ(test, C(ATTEMPTFAILS) - fails, 2UL);
	/* A wrong ACK gets a reset, the request stays. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 5, ACK, IRS + 6, iss[5] + 2,
				   NULL, NULL), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 3U);
	lst_close(&l);
}

/*
 * Retransmission and the order requests give way in: SYN-ACKs again at
 * 1 s (then 2 s), the oldest retried request evicted by a SYN finding the
 * queue full, retried ones dropped at expiry while the queue is over half
 * full, and every one dropped after synack_retries, or after the
 * listener's own TCP_SYNCNT when it set one.
 */
static void xtcp_synq_prune_order(struct kunit *test)
{
	unsigned long rtx = C(SYNACKRETRANS), pruned = C(SYNQPRUNED);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct lst l = {};
	unsigned int i, n;
	u32 iss[9];
	u64 t1, t2;

	WRITE_ONCE(xn->sysctl.syncookies, 0);
	WRITE_ONCE(xn->sysctl.synack_retries, 5);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));

	/*
	 * Each due 1 s after its SYN-ACK: none a nanosecond before the
	 * first's time, all four at the last's (half full: none dropped).
	 */
	KUNIT_EXPECT_EQ(test, expire(&l, due(test, &l, 0) - 1, r), 0U);
	t1 = due(test, &l, 3);
	KUNIT_EXPECT_GE(test, t1, due(test, &l, 0));
	n = expire(&l, t1, r);
	KUNIT_EXPECT_EQ(test, n, 4U);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, r[i].flags, SYN | ACK);
		KUNIT_EXPECT_EQ(test, r[i].seq, iss[i]);
		KUNIT_EXPECT_EQ(test, r[i].ack, IRS + i + 1);
	}
	KUNIT_EXPECT_EQ(test, C(SYNACKRETRANS) - rtx, 4UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 4U);

	for (i = 4; i < 8; i++)
		KUNIT_EXPECT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
	/* Full: peer 0's request, retried and oldest, gives way. */
	KUNIT_EXPECT_TRUE(test, syn(test, &l, 8, NULL, &iss[8]));
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 8U);
	KUNIT_EXPECT_EQ(test, C(SYNQPRUNED) - pruned, 1UL);
	n = feed(test, &l, 0, ACK, IRS + 1, iss[0] + 1, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1)
		KUNIT_EXPECT_EQ(test, r[0].flags, RST);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 1, ACK, IRS + 2, iss[1] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 1UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 7U);

	/*
	 * Peers 2 and 3 are due again 2 s after t1, the new five 1 s after
	 * their SYNs (sent since): at t1 + 2 s all are; 7 of 8 is over half,
	 * so the two retried already are dropped, the five tried again.
	 */
	t2 = t1 + 2 * NSEC_PER_SEC;
	/* The queue's order: the five (list 0), then peers 2 and 3. */
	KUNIT_EXPECT_LE(test, due(test, &l, 4), t2);
	KUNIT_EXPECT_EQ(test, due(test, &l, 5), t2);
	rtx = C(SYNACKRETRANS);
	n = expire(&l, t2, r);
	KUNIT_EXPECT_EQ(test, n, 5U);
	KUNIT_EXPECT_EQ(test, C(SYNQPRUNED) - pruned, 3UL);
	KUNIT_EXPECT_EQ(test, C(SYNACKRETRANS) - rtx, 5UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 5U);

	/*
	 * The listener's TCP_SYNCNT 1 over synack_retries 9: each retried
	 * once, all dropped at expiry.
	 */
	WRITE_ONCE(xn->sysctl.synack_retries, 9);
	lock_sock(l.sk);
	WRITE_ONCE(xtcp_sk(l.sk)->syn_retries, 1);
	release_sock(l.sk);
	KUNIT_EXPECT_EQ(test, expire(&l, t2 + 20ULL * NSEC_PER_SEC, r), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 0U);
	KUNIT_EXPECT_EQ(test, C(SYNQPRUNED) - pruned, 3UL);
	lst_close(&l);
}

/*
 * A full accept queue: a SYN is dropped, and so is a final ACK, whose
 * request stays for the peer's retransmission to complete later.
 */
static void xtcp_synq_accept_full(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	unsigned long over = C(LISTENOVERFLOWS);
	struct lst l = {};
	unsigned int i;
	u32 iss[5];

	WRITE_ONCE(xn->sysctl.syncookies, 0);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 2), 0);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
		feed(test, &l, i, ACK, IRS + i + 1, iss[i] + 1, NULL, NULL);
	}
	for (i = 2; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
	/* Two accepted and a third: TCP's bound is backlog + 1. */
	feed(test, &l, 2, ACK, IRS + 3, iss[2] + 1, NULL, NULL);
	KUNIT_EXPECT_EQ(test, accepted(&l), 3UL);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 3, ACK, IRS + 4, iss[3] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 3UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 1U);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 4, SYN, IRS + 4, 0, NULL, NULL),
			0U);
	KUNIT_EXPECT_EQ(test, C(LISTENOVERFLOWS) - over, 2UL);
	lst_close(&l);
}

/*
 * A request whose final ACK met a full accept queue is not dropped early
 * while the SYN queue is over half full, as retried ones are, nor evicted
 * by a SYN finding it full: its peer is ESTABLISHED and would meet a
 * reset.  Its SYN-ACK goes again, and the peer's next ACK completes it
 * once accept() made room.
 */
static void xtcp_synq_acked_kept(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	unsigned long pruned = C(SYNQPRUNED), rtx;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct socket *newsock = NULL;
	struct lst l = {};
	unsigned int i, n;
	u32 iss[11];
	u64 t1;

	WRITE_ONCE(xn->sysctl.syncookies, 0);
	WRITE_ONCE(xn->sysctl.synack_retries, 5);
	/* Backlog 4: four requests at most, five children. */
	KUNIT_ASSERT_EQ(test, lst_open(&l, 4), 0);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
	for (i = 0; i < 4; i++) {
		feed(test, &l, i, ACK, IRS + i + 1, iss[i] + 1, NULL, NULL);
		KUNIT_ASSERT_TRUE(test, syn(test, &l, i + 4, NULL,
					    &iss[i + 4]));
	}
	feed(test, &l, 4, ACK, IRS + 5, iss[4] + 1, NULL, NULL);
	KUNIT_ASSERT_EQ(test, accepted(&l), 5UL);
	/* Peer 5's final ACK meets the full queue; 6 and 7 send none. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 5, ACK, IRS + 6, iss[5] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 5UL);
	KUNIT_ASSERT_EQ(test, xtcp_synq_len(l.sk), 3U);

	/*
	 * Each retried once at 1 s.  At 2 s more, over half full (3 of 4):
	 * peer 5's goes again, peer 6's is dropped (then 2 of 4: peer 7's
	 * goes again).
	 */
	t1 = max(due(test, &l, 2), due(test, &l, 1));
	t1 = max(t1, due(test, &l, 0));
	KUNIT_EXPECT_EQ(test, expire(&l, t1, r), 3U);
	rtx = C(SYNACKRETRANS);
	n = expire(&l, t1 + 2 * NSEC_PER_SEC, r);
	KUNIT_EXPECT_EQ(test, n, 2U);
	if (n == 2) {
		KUNIT_EXPECT_EQ(test, r[0].flags, SYN | ACK);
		KUNIT_EXPECT_EQ(test, r[0].seq, iss[5]);
		KUNIT_EXPECT_EQ(test, r[1].seq, iss[7]);
	}
	KUNIT_EXPECT_EQ(test, C(SYNQPRUNED) - pruned, 1UL);
	KUNIT_EXPECT_EQ(test, C(SYNACKRETRANS) - rtx, 2UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 2U);

	/*
	 * accept() makes room; two SYNs fill the SYN queue.  A third takes
	 * the place of the most retried request, the oldest of them, but
	 * not of peer 5's: peer 7's gives way, and its ACK meets a reset.
	 */
	KUNIT_ASSERT_EQ(test, kernel_accept(l.sock, &newsock, O_NONBLOCK), 0);
	sock_release(newsock);
	/* Its FIN. */
	xtcp_kt_rec_take(NULL);
	for (i = 8; i < 11; i++)
		KUNIT_EXPECT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
	KUNIT_EXPECT_EQ(test, C(SYNQPRUNED) - pruned, 2UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 4U);
	n = feed(test, &l, 7, ACK, IRS + 8, iss[7] + 1, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1)
		KUNIT_EXPECT_EQ(test, r[0].flags, RST);

	/* The peer's ACK again completes peer 5's. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 5, ACK, IRS + 6, iss[5] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 5UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 3U);
	lst_close(&l);
}

/*
 * Segments of a connection that reach the listener after its final ACK
 * made it (they waited in the listener's backlog behind that ACK) go to
 * the connection, not to a reset.  A connection reset before accept()
 * stays in the accept queue, closed, as in TCP: accept() hands it out and
 * its error is ECONNRESET.  A closed child left in the queue when the
 * listener closes gets no reset.
 */
static void xtcp_synq_child_reset(struct kunit *test)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned long resets = C(ESTABRESETS);
	struct socket *newsock = NULL;
	static const u8 byte = 'x';
	struct sk_buff *skb;
	struct lst l = {};
	unsigned int i, n;
	struct sock *c;
	u32 iss[2];

	WRITE_ONCE(xtcp_pernet(&init_net)->sysctl.syncookies, 0);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
		feed(test, &l, i, ACK, IRS + i + 1, iss[i] + 1, NULL, NULL);
	}
	KUNIT_ASSERT_EQ(test, accepted(&l), 2UL);
	c = xtcp_kt_first_child(l.sk);
	KUNIT_ASSERT_NOT_NULL(test, c);

	/* Peer 0's byte, through the listener. */
	skb = xtcp_kt_make_skb(PPORT, l.lport, ACK, IRS + 1, iss[0] + 1,
			       PEER_WND, NULL, &byte, 1);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	lock_sock(l.sk);
	xtcp_v4_do_rcv(l.sk, skb);
	n = xtcp_kt_rec_take(r);
	release_sock(l.sk);
	for (i = 0; i < min_t(unsigned int, n, XTCP_KT_MAX_RECS); i++)
		KUNIT_EXPECT_FALSE(test, r[i].flags & RST);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->rcv_nxt, IRS + 2);

	/* Peer 0 resets at RCV.NXT, through the listener too. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 0, RST, IRS + 2, 0, NULL, NULL),
			0U);
	KUNIT_EXPECT_EQ(test, c->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->sk_err), ECONNRESET);
	KUNIT_EXPECT_EQ(test, C(ESTABRESETS) - resets, 1UL);
	KUNIT_EXPECT_EQ(test, accepted(&l), 2UL);

	/* accept() gives it, first, with its error. */
	KUNIT_ASSERT_EQ(test, kernel_accept(l.sock, &newsock, O_NONBLOCK), 0);
	KUNIT_EXPECT_PTR_EQ(test, newsock->sk, c);
	sock_put(c);
	KUNIT_EXPECT_EQ(test, newsock->sk->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, sock_error(newsock->sk), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, accepted(&l), 1UL);
	sock_release(newsock);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(r), 0U);

	/* Peer 1's, reset too, is freed with the listener, silently. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 1, RST, IRS + 2, 0, NULL, NULL),
			0U);
	c = xtcp_kt_first_child(l.sk);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->sk_state, TCP_CLOSE);
	sock_put(c);
	sock_release(l.sock);
	l.sock = NULL;
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(r), 0U);
}

/* The options of a Linux client's SYN. */
static void client_opts(struct xtcp_opts *o, u16 mss, bool ts)
{
	memset(o, 0, sizeof(*o));
	o->has_mss = 1;
	o->mss = mss;
	if (ts) {
		o->sack_ok = 1;
		o->has_tstamp = 1;
		o->tsval = 0xabcdef01;
		o->has_wscale = 1;
		o->wscale = 7;
	}
}

/*
 * syncookies 2: no request; the final ACK with the cookie makes the
 * connection, its MSS from the cookie's table, its window scale and SACK
 * from the TSecr.  Without timestamps they are lost.
 */
static void xtcp_synq_cookie_always(struct kunit *test)
{
	unsigned long sent = C(SYNCOOKIESSENT), recv = C(SYNCOOKIESRECV);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_opts o, a = {};
	struct xtcp_cookie_opts co;
	struct lst l = {};
	struct sock *c;
	unsigned int n;

	WRITE_ONCE(xn->sysctl.syncookies, 2);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);

	client_opts(&o, 1460, true);
	n = feed(test, &l, 0, SYN, IRS, 0, &o, r);
	KUNIT_ASSERT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, r[0].flags, SYN | ACK);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 0U);
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESSENT) - sent, 1UL);
	KUNIT_EXPECT_TRUE(test, r[0].opts.has_tstamp);
	KUNIT_EXPECT_TRUE(test, r[0].opts.has_wscale);
	KUNIT_EXPECT_TRUE(test, r[0].opts.sack_ok);
	KUNIT_EXPECT_EQ(test, r[0].opts.tsecr, o.tsval);
	KUNIT_ASSERT_TRUE(test, xtcp_cookie_ts_decode(r[0].opts.tsval, &co));
	KUNIT_EXPECT_TRUE(test, co.wscale_ok);
	KUNIT_EXPECT_EQ(test, co.snd_wscale, 7);
	KUNIT_EXPECT_TRUE(test, co.sack_ok);

	a.has_tstamp = 1;
	a.tsval = o.tsval + 5;
	a.tsecr = r[0].opts.tsval;
	KUNIT_EXPECT_EQ(test, feed(test, &l, 0, ACK, IRS + 1, r[0].seq + 1,
				   &a, NULL), 0U);
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESRECV) - recv, 1UL);
	c = xtcp_kt_first_child(l.sk);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, c->sk_state, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->snd_una, r[0].seq + 1);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->rcv_nxt, IRS + 1);
	KUNIT_EXPECT_TRUE(test, xtcp_sk(c)->tstamp_ok);
	KUNIT_EXPECT_TRUE(test, xtcp_sk(c)->sack_ok);
	KUNIT_EXPECT_TRUE(test, xtcp_sk(c)->wscale_ok);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->snd_wscale, 7);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->rcv_wscale, r[0].opts.wscale);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->ts_recent, a.tsval);
	/* 1460 less the timestamps' 12 bytes. */
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->mss_cache, 1448);
	/* Its TSvals go on from the cookie's: never back, not far ahead. */
	KUNIT_EXPECT_GE(test, (s32)(xtcp_ts_now(xtcp_sk(c)) - a.tsecr), 0);
	KUNIT_EXPECT_LT(test, (s32)(xtcp_ts_now(xtcp_sk(c)) - a.tsecr), 1000);
	sock_put(c);
	lst_close(&l);

	/* No timestamps: MSS 1400 becomes the table's 1300, nothing else. */
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);
	client_opts(&o, 1400, false);
	n = feed(test, &l, 1, SYN, IRS + 1, 0, &o, r);
	KUNIT_ASSERT_EQ(test, n, 1U);
	KUNIT_EXPECT_FALSE(test, r[0].opts.has_tstamp);
	KUNIT_EXPECT_FALSE(test, r[0].opts.has_wscale);
	KUNIT_EXPECT_FALSE(test, r[0].opts.sack_ok);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 1, ACK, IRS + 2, r[0].seq + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESRECV) - recv, 2UL);
	c = xtcp_kt_first_child(l.sk);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, xtcp_sk(c)->mss_cache, 1300);
	KUNIT_EXPECT_FALSE(test, xtcp_sk(c)->tstamp_ok);
	KUNIT_EXPECT_FALSE(test, xtcp_sk(c)->sack_ok);
	KUNIT_EXPECT_FALSE(test, xtcp_sk(c)->wscale_ok);
	sock_put(c);
	lst_close(&l);
}

/*
 * listen() again with a larger backlog: the SYN queue's table grows, the
 * requests move over and still complete, and so does a cookie sent
 * before (the overflow that allows cookie ACKs is remembered).
 */
static void xtcp_synq_relisten(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	unsigned long recv = C(SYNCOOKIESRECV);
	struct lst l = {};
	unsigned int i;
	u32 iss[4];

	WRITE_ONCE(xn->sysctl.syncookies, 1);
	WRITE_ONCE(xn->sysctl.max_syn_backlog, 3);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 3U);
	WRITE_ONCE(xn->sysctl.max_syn_backlog, 4096);
	KUNIT_ASSERT_EQ(test, kernel_listen(l.sock, 1024), 0);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 3U);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 1, ACK, IRS + 2, iss[1] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 3, ACK, IRS + 4, iss[3] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 2UL);
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESRECV) - recv, 1UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 2U);
	lst_close(&l);
}

/*
 * Cookie ACKs that must not make a connection: a forged cookie, a valid
 * one from another port, one under a tampered TSecr, each reset and
 * counted; with syncookies 1 and no overflow, one is not even looked at.
 */
static void xtcp_synq_cookie_rejected(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS], *x;
	struct xtcp_opts o, a = {};
	unsigned long failed;
	struct lst l = {};
	unsigned int n;
	u32 cookie;

	/* On the heap: two record arrays make too large a stack frame. */
	x = kunit_kcalloc(test, XTCP_KT_MAX_RECS, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	WRITE_ONCE(xn->sysctl.syncookies, 2);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);
	client_opts(&o, 1460, true);
	KUNIT_ASSERT_EQ(test, feed(test, &l, 0, SYN, IRS, 0, &o, r), 1U);
	cookie = r[0].seq;
	a.has_tstamp = 1;
	a.tsval = o.tsval;
	a.tsecr = r[0].opts.tsval;

	failed = C(SYNCOOKIESFAILED);
	/* Forged: the cookie off by one. */
	n = feed(test, &l, 0, ACK, IRS + 1, cookie + 2, &a, x);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n)
		KUNIT_EXPECT_EQ(test, x[0].flags, RST);
	/* Another peer port with peer 0's cookie. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 1, ACK, IRS + 1, cookie + 1, &a,
				   NULL), 1U);
	/* Another client ISN. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 0, ACK, IRS + 2, cookie + 1, &a,
				   NULL), 1U);
	/* The TSecr's option bits changed: SACK taken away. */
	a.tsecr ^= XTCP_COOKIE_TS_SACK;
	KUNIT_EXPECT_EQ(test, feed(test, &l, 0, ACK, IRS + 1, cookie + 1, &a,
				   NULL), 1U);
	a.tsecr ^= XTCP_COOKIE_TS_SACK;
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESFAILED) - failed, 4UL);
	KUNIT_EXPECT_EQ(test, accepted(&l), 0UL);

	/* syncookies 1, no overflow: an ACK of no request is reset. */
	WRITE_ONCE(xn->sysctl.syncookies, 1);
	failed = C(SYNCOOKIESFAILED);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 0, ACK, IRS + 1, cookie + 1, &a,
				   NULL), 1U);
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESFAILED) - failed, 0UL);
	KUNIT_EXPECT_EQ(test, accepted(&l), 0UL);
	lst_close(&l);
}

/*
 * syncookies 1: requests while there is room; a SYN finding the queue
 * full gets a cookie, and cookie ACKs are taken from then on.
 */
static void xtcp_synq_cookie_on_overflow(struct kunit *test)
{
	unsigned long sent = C(SYNCOOKIESSENT), recv = C(SYNCOOKIESRECV);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct lst l = {};
	unsigned int i;
	u32 iss[3];

	WRITE_ONCE(xn->sysctl.syncookies, 1);
	WRITE_ONCE(xn->sysctl.max_syn_backlog, 2);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 2U);
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESSENT) - sent, 1UL);
	/* The cookie's ACK, then a request's. */
	KUNIT_EXPECT_EQ(test, feed(test, &l, 2, ACK, IRS + 3, iss[2] + 1,
				   NULL, r), 0U);
	KUNIT_EXPECT_EQ(test, C(SYNCOOKIESRECV) - recv, 1UL);
	KUNIT_EXPECT_EQ(test, feed(test, &l, 0, ACK, IRS + 1, iss[0] + 1,
				   NULL, r), 0U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 2UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 1U);
	lst_close(&l);
}

/* A request costs what its slab object costs: at most 128 bytes. */
static void xtcp_synq_request_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, xtcp_request_size(), 128U);
}

/*
 * rto_max_ms lowered while requests wait: a request retried later waits
 * less than one retried before it at the same level, and must not wait
 * behind it.  Peer 0 is retried twice (due 4 s later), then peer 1
 * twice under a 1 s bound (due 1 s later): peer 1's SYN-ACK goes when
 * its time comes, peer 0 still waiting.
 */
static void xtcp_synq_rto_max_lowered(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct lst l = {};
	unsigned int n;
	u64 ta, tb;

	WRITE_ONCE(xn->sysctl.syncookies, 0);
	WRITE_ONCE(xn->sysctl.synack_retries, 5);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 8), 0);

	KUNIT_EXPECT_TRUE(test, syn(test, &l, 0, NULL, NULL));
	ta = due(test, &l, 0);
	KUNIT_EXPECT_EQ(test, expire(&l, ta, r), 1U);
	KUNIT_EXPECT_EQ(test, expire(&l, ta + 2 * NSEC_PER_SEC, r), 1U);
	/* Peer 0 is due at ta + 6 s. */

	KUNIT_EXPECT_TRUE(test, syn(test, &l, 1, NULL, NULL));
	tb = due(test, &l, 0);
	KUNIT_ASSERT_LT(test, tb, ta + 2 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, expire(&l, tb, r), 1U);
	WRITE_ONCE(xn->sysctl.rto_max_ms, 1000);
	KUNIT_EXPECT_EQ(test, expire(&l, tb + 2 * NSEC_PER_SEC, r), 1U);

	/* Peer 1 is due at tb + 3 s, before peer 0. */
	n = expire(&l, tb + 3 * NSEC_PER_SEC, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1)
		KUNIT_EXPECT_EQ(test, r[0].ack, IRS + 1 + 1);
	lst_close(&l);
}

/* TCP_DEFER_ACCEPT's seconds as SYN-ACK timeouts and back, as TCP's. */
static void xtcp_synq_defer_convert(struct kunit *test)
{
	static const struct {
		int secs;
		u8 timeouts;
		int back;
	} t[] = {
		{ -5, 0, 0 }, { 0, 0, 0 }, { 1, 1, 1 }, { 2, 2, 3 },
		{ 3, 2, 3 }, { 4, 3, 7 }, { 7, 3, 7 }, { 8, 4, 15 },
		/* The eighth timeout is TCP_RTO_MAX's 120 s, not 128. */
		{ 127, 7, 127 }, { 128, 8, 247 }, { INT_MAX, 255, 29887 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_EXPECT_EQ_MSG(test, xtcp_defer_to_timeouts(t[i].secs),
				    t[i].timeouts, "%d s", t[i].secs);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_defer_to_secs(t[i].timeouts),
				    t[i].back, "%u timeouts", t[i].timeouts);
	}
}

/*
 * TCP_DEFER_ACCEPT 5 s (three timeouts): a bare final ACK is dropped and
 * counted, its request kept; one carrying data makes the connection.  A
 * request whose bare ACK was dropped sends no SYN-ACK at its first two
 * timeouts, one at the third, and the peer's ACK to it makes the
 * connection though it carries no data.
 */
static void xtcp_synq_defer_accept(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	unsigned long drops = C(DEFERACCEPTDROP);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct lst l = {};
	unsigned int i, n;
	int val = 5;
	u32 iss[2];

	WRITE_ONCE(xn->sysctl.syncookies, 0);
	WRITE_ONCE(xn->sysctl.synack_retries, 5);
	KUNIT_ASSERT_EQ(test, lst_open(&l, 4), 0);
	KUNIT_ASSERT_EQ(test, l.sock->ops->setsockopt(l.sock, SOL_TCP,
						      TCP_DEFER_ACCEPT,
						      KERNEL_SOCKPTR(&val),
						      sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(xtcp_sk(l.sk)->defer_accept), 3);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_TRUE(test, syn(test, &l, i, NULL, &iss[i]));
		KUNIT_EXPECT_EQ(test, feed(test, &l, i, ACK, IRS + i + 1,
					   iss[i] + 1, NULL, NULL), 0U);
	}
	KUNIT_EXPECT_EQ(test, C(DEFERACCEPTDROP) - drops, 2UL);
	KUNIT_EXPECT_EQ(test, accepted(&l), 0UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 2U);

	feed_data(test, &l, 0, ACK, IRS + 1, iss[0] + 1, NULL, "GET", 3, NULL);
	KUNIT_EXPECT_EQ(test, accepted(&l), 1UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 1U);

	KUNIT_EXPECT_EQ(test, expire(&l, due(test, &l, 0), r), 0U);
	KUNIT_EXPECT_EQ(test, expire(&l, due(test, &l, 0), r), 0U);
	n = expire(&l, due(test, &l, 0), r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, r[0].flags, SYN | ACK);
		KUNIT_EXPECT_EQ(test, r[0].seq, iss[1]);
	}
	KUNIT_EXPECT_EQ(test, feed(test, &l, 1, ACK, IRS + 2, iss[1] + 1,
				   NULL, NULL), 0U);
	KUNIT_EXPECT_EQ(test, accepted(&l), 2UL);
	KUNIT_EXPECT_EQ(test, xtcp_synq_len(l.sk), 0U);
	KUNIT_EXPECT_EQ(test, C(DEFERACCEPTDROP) - drops, 2UL);
	lst_close(&l);
}

static int xtcp_synq_init(struct kunit *test)
{
	struct xtcp_sysctl *saved;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	saved = kunit_kzalloc(test, sizeof(*saved), GFP_KERNEL);
	if (!saved)
		return -ENOMEM;
	*saved = xtcp_pernet(&init_net)->sysctl;
	test->priv = saved;
	xtcp_kt_rec_start(test);
	return 0;
}

static void xtcp_synq_exit(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	struct xtcp_sysctl *saved = test->priv;

	xtcp_kt_rec_stop(test);
	if (!saved)
		return;
	WRITE_ONCE(ctl->syncookies, saved->syncookies);
	WRITE_ONCE(ctl->max_syn_backlog, saved->max_syn_backlog);
	WRITE_ONCE(ctl->synack_retries, saved->synack_retries);
	WRITE_ONCE(ctl->rto_max_ms, saved->rto_max_ms);
}

static struct kunit_case xtcp_synq_cases[] = {
	KUNIT_CASE(xtcp_synq_bound),
	KUNIT_CASE(xtcp_synq_prune_order),
	KUNIT_CASE(xtcp_synq_accept_full),
	KUNIT_CASE(xtcp_synq_acked_kept),
	KUNIT_CASE(xtcp_synq_child_reset),
	KUNIT_CASE(xtcp_synq_cookie_always),
	KUNIT_CASE(xtcp_synq_cookie_rejected),
	KUNIT_CASE(xtcp_synq_cookie_on_overflow),
	KUNIT_CASE(xtcp_synq_relisten),
	KUNIT_CASE(xtcp_synq_request_size),
	KUNIT_CASE(xtcp_synq_rto_max_lowered),
	KUNIT_CASE(xtcp_synq_defer_convert),
	KUNIT_CASE(xtcp_synq_defer_accept),
	{}
};

static struct kunit_suite xtcp_synq_suite = {
	.name = "xtcp_synq",
	.init = xtcp_synq_init,
	.exit = xtcp_synq_exit,
	.test_cases = xtcp_synq_cases,
};

kunit_test_suites(&xtcp_synq_suite);
