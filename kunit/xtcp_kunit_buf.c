// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_buf": the buffers of a socket, as TCP sizes them.
 * A new socket takes net.xtcp.wmem's and rmem's defaults; the send
 * buffer grows with the congestion window (xtcp_sndbuf_expand()); the
 * receive buffer follows what the reader takes in an RTT
 * (xtcp_rcv_space_adjust()), called here with the clock and the reader's
 * progress set by hand, against the arithmetic worked out below; the
 * window opens again as soon as the reader freed a segment's worth; and
 * TCP_WINDOW_CLAMP and TCP_NOTSENT_LOWAT bound the window and the queue.
 */

#include <kunit/test.h>
#include <linux/net.h>
#include <linux/uio.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define ADVMSS		1448

static struct sock *buf_sock(struct kunit *test, struct socket **sockp)
{
	KUNIT_ASSERT_EQ(test, xtcp_kt_sock_create(sockp, 40100, 40101), 0);
	return (*sockp)->sk;
}

static u64 now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/* A new socket's buffers are the defaults of the triples. */
static void xtcp_buf_defaults(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	struct socket *sock;
	struct sock *sk = buf_sock(test, &sock);

	KUNIT_EXPECT_EQ(test, sk->sk_sndbuf, ctl->wmem[1]);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, ctl->rmem[1]);
	sock_release(sock);
}

/* Twice the window (at least the initial one) of full segments. */
static void xtcp_buf_sndbuf_expand(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	u32 per_mss = SKB_TRUESIZE(XTCP_MAX_HEADER) + ADVMSS;
	struct socket *sock;
	struct sock *sk = buf_sock(test, &sock);
	struct xtcp_sock *xsk = xtcp_sk(sk);

	lock_sock(sk);
	xsk->mss_cache = ADVMSS;
	xsk->cc.cwnd = 4;
	xtcp_sndbuf_expand(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_sndbuf, 2 * XTCP_INIT_CWND * per_mss);
	xsk->cc.cwnd = 100;
	xtcp_sndbuf_expand(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_sndbuf, 2 * 100 * per_mss);
	/* It never shrinks. */
	xsk->cc.cwnd = 20;
	xtcp_sndbuf_expand(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_sndbuf, 2 * 100 * per_mss);
	xsk->cc.cwnd = 100000;
	xtcp_sndbuf_expand(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_sndbuf, ctl->wmem[2]);
	/* SO_SNDBUF fixes it. */
	sk->sk_sndbuf = 8192;
	sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	xtcp_sndbuf_expand(sk);
	KUNIT_EXPECT_EQ(test, sk->sk_sndbuf, 8192);
	release_sock(sk);
	sock_release(sock);
}

/*
 * The reader took @copied bytes over more than an RTT (the test's RTT is
 * 100 ms: a slow guest never outlasts it between two calls); the measure
 * before was @space.
 */
static void reader_took(struct sock *sk, u32 space, u32 copied)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xsk->rcvq_space = space;
	xsk->rcvq_seq = xsk->copied_seq;
	xsk->rcvq_time_us = now_us() - 200 * USEC_PER_MSEC;
	xsk->copied_seq += copied;
	xtcp_rcv_space_adjust(sk);
}

/* rcvwin = 2 * copied + 16 * advmss, plus twice its growth; twice that. */
static int want_rcvbuf(u32 space, u32 copied)
{
	u64 rcvwin = 2ULL * copied + 16 * ADVMSS;

	rcvwin += 2 * div_u64(rcvwin * (copied - space), space);
	return min_t(u64, 2 * rcvwin,
		     xtcp_pernet(&init_net)->sysctl.rmem[2]);
}

static void xtcp_buf_rcv_space(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	struct socket *sock;
	struct sock *sk = buf_sock(test, &sock);
	int rcvbuf = sk->sk_rcvbuf, moderate = ctl->moderate_rcvbuf;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u64 t0;

	lock_sock(sk);
	xsk->advmss = ADVMSS;
	xsk->rtt.srtt_us = 100 * USEC_PER_MSEC;
	xsk->copied_seq = 0xfffff000;	/* the reader's progress wraps */

	/* The first measure: the window offered, at most an initial one. */
	xsk->rcv_wnd = 5000;
	xtcp_rcv_space_adjust(sk);
	KUNIT_EXPECT_EQ(test, xsk->rcvq_space, 5000);
	xsk->rcvq_time_us = 0;
	xsk->rcv_wnd = 65535;
	xtcp_rcv_space_adjust(sk);
	KUNIT_EXPECT_EQ(test, xsk->rcvq_space, XTCP_INIT_CWND * ADVMSS);
	KUNIT_EXPECT_EQ(test, xsk->rcvq_seq, 0xfffff000);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, rcvbuf);

	/* Within the RTT: nothing is measured. */
	t0 = xsk->rcvq_time_us;
	xsk->copied_seq += 1000000;
	xtcp_rcv_space_adjust(sk);
	KUNIT_EXPECT_EQ(test, xsk->rcvq_time_us, t0);
	KUNIT_EXPECT_EQ(test, xsk->rcvq_space, XTCP_INIT_CWND * ADVMSS);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, rcvbuf);

	/* More than before: the buffer grows, the measure is the new one. */
	reader_took(sk, 14480, 65536);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, want_rcvbuf(14480, 65536));
	KUNIT_EXPECT_EQ(test, xsk->rcvq_space, 65536);
	rcvbuf = sk->sk_rcvbuf;

	/* Less than before: neither changes. */
	reader_took(sk, 65536, 30000);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, rcvbuf);
	KUNIT_EXPECT_EQ(test, xsk->rcvq_space, 65536);

	/* Faster still: up to rmem's maximum, not beyond. */
	reader_took(sk, 65536, 4 << 20);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, ctl->rmem[2]);

	/* moderate_rcvbuf 0: measured, not grown. */
	sk->sk_rcvbuf = rcvbuf;
	WRITE_ONCE(ctl->moderate_rcvbuf, 0);
	reader_took(sk, 65536, 200000);
	WRITE_ONCE(ctl->moderate_rcvbuf, moderate);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, rcvbuf);
	KUNIT_EXPECT_EQ(test, xsk->rcvq_space, 200000);

	/* SO_RCVBUF fixes it. */
	sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	reader_took(sk, 65536, 400000);
	KUNIT_EXPECT_EQ(test, sk->sk_rcvbuf, rcvbuf);
	release_sock(sk);
	sock_release(sock);
}

#define ISS		1000
#define RCV		0x7ffff000	/* RCV.NXT at the start */

/*
 * Receiver-side silly window avoidance (RFC 9293 3.8.6.2.2) measured in
 * the peer's segments: the buffer backs a window of one MSS of ours
 * (1460), the peer's segments hold 1448 bytes (its timestamps take the
 * rest).  Once the reader took one, the window opens again by the 1448
 * bytes a segment holds, at once: waiting for 1460 would leave the peer
 * stalled until a delayed ACK.
 */
static void xtcp_buf_window_reopens(struct kunit *test)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct msghdr msg = {};
	struct sk_buff *skb;
	struct socket *sock;
	struct kvec iov;
	struct sock *sk;
	unsigned int n;
	char *buf;
	int got;

	buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	sk = buf_sock(test, &sock);
	xtcp_kt_rec_start(test);
	lock_sock(sk);
	xtcp_kt_init_seq(sk, ISS, RCV, 65535);
	xtcp_sk(sk)->advmss = 1460;
	xtcp_sk(sk)->mss_cache = 1460;
	sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	sk->sk_rcvbuf = 2 * 1460;
	xtcp_kt_open_rcv(sk, 1460);
	XTCP_INC_STATS(&init_net, XTCP_MIB_CURRESTAB);
	xtcp_state_store(sk, TCP_ESTABLISHED);
	release_sock(sk);

	skb = xtcp_kt_make_skb(40101, 40100, XTCP_FLAG_ACK | XTCP_FLAG_PSH,
			       RCV, ISS + 1, 65535, NULL, NULL, 1448);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	lock_sock(sk);
	xtcp_v4_do_rcv(sk, skb);
	release_sock(sk);
	xtcp_kt_rec_take(NULL);

	iov.iov_base = buf;
	iov.iov_len = 2048;
	got = kernel_recvmsg(sock, &msg, &iov, 1, 2048, MSG_DONTWAIT);
	KUNIT_EXPECT_EQ(test, got, 1448);
	n = xtcp_kt_rec_take(r);
	KUNIT_ASSERT_EQ_MSG(test, n, 1U, "a window update after the read");
	KUNIT_EXPECT_EQ(test, r[0].ack, RCV + 1448);
	KUNIT_EXPECT_EQ(test, r[0].window, 1460);
	xtcp_kt_close_manual(sock);
}

/*
 * TCP_WINDOW_CLAMP bounds the window the free buffer would back;
 * TCP_NOTSENT_LOWAT bounds the unsent bytes below which more may be
 * queued, a writer being woken once half of it is left.
 */
static void xtcp_buf_clamp_lowat(struct kunit *test)
{
	struct socket *sock;
	struct sock *sk = buf_sock(test, &sock);
	struct xtcp_sock *xsk = xtcp_sk(sk);

	lock_sock(sk);
	sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	sk->sk_rcvbuf = 1 << 20;
	KUNIT_EXPECT_EQ(test, xtcp_rcv_wnd_space(sk), 1U << 19);
	xsk->window_clamp = 16384;
	KUNIT_EXPECT_EQ(test, xtcp_rcv_wnd_space(sk), 16384U);
	sk->sk_rcvbuf = 8192;
	KUNIT_EXPECT_EQ(test, xtcp_rcv_wnd_space(sk), 4096U);

	/* 20000 bytes queued, none sent; net.xtcp.notsent_lowat: no limit. */
	xsk->snd_nxt = 1000;
	xsk->write_seq = 1000 + 20000;
	KUNIT_EXPECT_TRUE(test, sk_stream_memory_free(sk));
	xsk->notsent_lowat = 20001;
	KUNIT_EXPECT_TRUE(test, sk_stream_memory_free(sk));
	xsk->notsent_lowat = 20000;
	KUNIT_EXPECT_FALSE(test, sk_stream_memory_free(sk));
	/* The wake-up asks for half: 20000 unsent wake at 40001, not 40000. */
	xsk->notsent_lowat = 40001;
	KUNIT_EXPECT_TRUE(test, __sk_stream_memory_free(sk, 1));
	xsk->notsent_lowat = 40000;
	KUNIT_EXPECT_FALSE(test, __sk_stream_memory_free(sk, 1));
	xsk->write_seq = xsk->snd_nxt;
	release_sock(sk);
	sock_release(sock);
}

/*
 * The window formulas every path shares: half the buffer backs a window,
 * TCP_WINDOW_CLAMP bounds it, and the window last advertised is measured
 * from RCV.NXT across the wrap of the sequence space.
 */
static void xtcp_buf_window_formulas(struct kunit *test)
{
	struct socket *sock;
	struct sock *sk = buf_sock(test, &sock);
	struct xtcp_sock *xsk = xtcp_sk(sk);

	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(-4096), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(1), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(8193), 4096U);
	KUNIT_EXPECT_EQ(test, xtcp_win_from_space(INT_MAX), (u32)INT_MAX / 2);
	KUNIT_EXPECT_EQ(test, xtcp_space_from_win(4096), 8192ULL);
	KUNIT_EXPECT_EQ(test, xtcp_space_from_win(U32_MAX), 2ULL * U32_MAX);

	/* 0x2000 offered at 0xfffff000; RCV.NXT 0x800 in: 0x1800 left. */
	xsk->rcv_wup = 0xfffff000;
	xsk->rcv_wnd = 0x2000;
	xsk->rcv_nxt = 0xfffff800;
	KUNIT_EXPECT_EQ(test, xtcp_receive_window(xsk), 0x1800U);
	xsk->rcv_nxt = 0x1000;			/* at the right edge */
	KUNIT_EXPECT_EQ(test, xtcp_receive_window(xsk), 0U);
	xsk->rcv_nxt = 0x1001;			/* past it: nothing */
	KUNIT_EXPECT_EQ(test, xtcp_receive_window(xsk), 0U);
	xsk->rcv_wnd = 0;
	xsk->rcv_nxt = xsk->rcv_wup;
	KUNIT_EXPECT_EQ(test, xtcp_receive_window(xsk), 0U);

	lock_sock(sk);
	sk->sk_rcvbuf = 1 << 20;
	KUNIT_EXPECT_EQ(test, xtcp_full_window(sk), 1U << 19);
	KUNIT_EXPECT_EQ(test, xtcp_window_clamped(sk, 1U << 30), 1U << 30);
	xsk->window_clamp = 16384;
	KUNIT_EXPECT_EQ(test, xtcp_full_window(sk), 16384U);
	KUNIT_EXPECT_EQ(test, xtcp_window_clamped(sk, 100), 100U);
	KUNIT_EXPECT_EQ(test, xtcp_window_clamped(sk, 16385), 16384U);
	xsk->window_clamp = 0;
	sk->sk_rcvbuf = 0;
	KUNIT_EXPECT_EQ(test, xtcp_full_window(sk), 0U);
	release_sock(sk);
	sock_release(sock);
}

static struct kunit_case xtcp_buf_cases[] = {
	KUNIT_CASE(xtcp_buf_window_formulas),
	KUNIT_CASE(xtcp_buf_defaults),
	KUNIT_CASE(xtcp_buf_sndbuf_expand),
	KUNIT_CASE(xtcp_buf_rcv_space),
	KUNIT_CASE(xtcp_buf_window_reopens),
	KUNIT_CASE(xtcp_buf_clamp_lowat),
	{}
};

static struct kunit_suite xtcp_buf_suite = {
	.name = "xtcp_buf",
	.test_cases = xtcp_buf_cases,
};

kunit_test_suites(&xtcp_buf_suite);
