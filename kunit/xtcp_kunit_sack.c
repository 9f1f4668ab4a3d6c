// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_sack": window scaling, timestamps and PAWS (RFC 7323),
 * SACK blocks (RFC 2018) and the sender's scoreboard with RFC 6675
 * recovery, driven through xtcp_v4_do_rcv().
 *
 * As in the "xtcp_state" suite, a kernel socket of init_net is put by hand
 * into the state a case needs, or a listener is fed a SYN; crafted
 * segments, now with options built by xtcp_build_options(), are handed to
 * xtcp_v4_do_rcv() with the socket locked, and what the socket sends is
 * caught by the recorder's static stubs, its options parsed back.
 */

#include <kunit/test.h>
#include <kunit/static_stub.h>
#include <linux/delay.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"
#include <trace/events/skb.h>

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PADDR		XTCP_KT_ADDR
#define LPORT		5002		/* of the sockets set up by hand */
#define PPORT		40002		/* the peer's */
#define ISS		0xfffffff9U	/* the data in flight wraps past 0 */
#define IRS		0x7ffffffeU
#define RWND		1000U		/* the window advertised at set-up */
#define PEER_WND	8192		/* SEG.WND of crafted segments */
#define DLEN		10		/* data of a small segment */
#define SEG		1000		/* a segment of the write queue */
#define TSX		1000000U	/* TS.Recent of the PAWS cases */

#define SYN		XTCP_FLAG_SYN
#define ACK		XTCP_FLAG_ACK
#define FIN		XTCP_FLAG_FIN
#define RST		XTCP_FLAG_RST
#define PSH		XTCP_FLAG_PSH

/* A socket under test. */
struct tsk {
	struct socket *sock;	/* the socket, or the child's listener */
	struct sock *sk;	/* the socket segments are fed to */
	bool child;		/* sk: a listener's child, referenced */
	bool hashed;		/* connect()ed: leaves by an abort */
	u16 lport;
};

/*
 * A socket in @state (ESTABLISHED or SYN_SENT) set up by hand as the code
 * would have left it, in no table.  ESTABLISHED: RCV.NXT is @rcv_nxt, the
 * window RWND, @nsegs segments of @seglen bytes in flight from ISS+1, in
 * its quick-ACK phase.  SYN_SENT: our SYN at ISS in flight.  No option is
 * agreed; the cases set what they need.
 */
static int sack_setup(struct tsk *t, int state, u32 rcv_nxt,
		      unsigned int nsegs, unsigned int seglen)
{
	struct xtcp_sock *xsk;
	struct sock *sk;
	unsigned int i;
	int err = 0;

	err = xtcp_kt_sock_create(&t->sock, LPORT, PPORT);
	if (err)
		return err;
	sk = t->sock->sk;
	t->sk = sk;
	t->lport = LPORT;
	xsk = xtcp_sk(sk);

	lock_sock(sk);
	xtcp_kt_init_seq(sk, ISS, rcv_nxt, PEER_WND);

	if (state == TCP_SYN_SENT) {
		err = xtcp_kt_syn_sent(sk);
	} else {
		xsk->quickacks = XTCP_QUICKACKS;
		for (i = 0; i < nsegs && !err; i++)
			err = xtcp_kt_queue_sent(sk, ISS + 1 + i * seglen,
						 seglen,
						 i == nsegs - 1 ? PSH : 0);
		xsk->snd_nxt = ISS + 1 + nsegs * seglen;
		xsk->write_seq = xsk->snd_nxt;
		xtcp_kt_open_rcv(sk, RWND);
		XTCP_INC_STATS(&init_net, XTCP_MIB_CURRESTAB);
	}
	xtcp_state_store(sk, state);
	release_sock(sk);
	return err;
}

/* Close what the set-up made. */
static void sack_teardown(struct tsk *t)
{
	struct sock *sk = t->sk;

	if (t->child) {
		sock_release(t->sock);
		sock_put(sk);
		return;
	}
	if (!t->sock)
		return;
	if (t->hashed) {
		/* An abort: RST, TCP_CLOSE through xtcp_set_state(). */
		sock_no_linger(sk);
		sock_release(t->sock);
		return;
	}
	xtcp_kt_close_manual(t->sock);
}

/* A segment from the peer, SEG.WND @window, options @opts (or none). */
static struct sk_buff *sack_make_skb(const struct tsk *t, u8 flags, u32 seq,
				     u32 ack, unsigned int dlen, u16 window,
				     const struct xtcp_opts *opts)
{
	return xtcp_kt_make_skb(PPORT, t->lport, flags, seq, ack, window, opts,
				NULL, dlen);
}

/*
 * Feed a segment to a socket its user owns (as release_sock() runs the
 * backlog); return how many segments it sent, kept in @out (at most
 * XTCP_KT_MAX_RECS of them).  A failed allocation fails the test.
 */
static unsigned int feed(struct kunit *test, struct tsk *t, u8 flags,
			 u32 seq, u32 ack, unsigned int dlen, u16 window,
			 const struct xtcp_opts *opts, struct xtcp_kt_rec *out)
{
	struct sk_buff *skb;
	unsigned int n;

	skb = sack_make_skb(t, flags, seq, ack, dlen, window, opts);
	if (!skb) {
		KUNIT_FAIL(test, "no memory");
		return 0;
	}
	lock_sock(t->sk);
	xtcp_v4_do_rcv(t->sk, skb);
	n = xtcp_kt_rec_take(out);
	release_sock(t->sk);
	return n;
}

/* The options a peer's SYN carries: MSS, SACK-permitted, TS, WS. */
static void syn_opts(struct xtcp_opts *o, u32 tsval, u8 wscale)
{
	memset(o, 0, sizeof(*o));
	o->has_mss = 1;
	o->mss = 1460;
	o->sack_ok = 1;
	o->has_tstamp = 1;
	o->tsval = tsval;
	o->has_wscale = 1;
	o->wscale = wscale;
}

/*
 * A listener on an ephemeral port, its receive buffer @rcvbuf (0: the
 * default; below 0: -@rcvbuf, locked as SO_RCVBUF locks it), fed the
 * peer's SYN (ISN IRS, options @opts), then the final ACK of its SYN-ACK
 * (timestamps echoed if the SYN had them); t->sk becomes the child,
 * ESTABLISHED, in the accept queue, referenced.  The SYN-ACK is left in
 * @out.
 */
static int listen_child(struct tsk *t, int rcvbuf,
			const struct xtcp_opts *opts, struct xtcp_kt_rec *out,
			unsigned int *n)
{
	struct xtcp_kt_rec more[XTCP_KT_MAX_RECS];
	struct xtcp_opts ack_opts = {};
	struct sock *lsk, *csk;
	struct sk_buff *skb;
	int err;

	err = sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM, 0, &t->sock);
	if (err) {
		t->sock = NULL;
		return err;
	}
	lsk = t->sock->sk;
	t->sk = lsk;
	if (rcvbuf)
		WRITE_ONCE(lsk->sk_rcvbuf, abs(rcvbuf));
	if (rcvbuf < 0)
		lsk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	err = kernel_listen(t->sock, 8);
	if (err)
		return err;
	t->lport = inet_sk(lsk)->inet_num;

	skb = sack_make_skb(t, SYN, IRS, 0, 0, PEER_WND, opts);
	if (!skb)
		return -ENOMEM;
	lock_sock(lsk);
	xtcp_v4_do_rcv(lsk, skb);
	*n = xtcp_kt_rec_take(out);
	release_sock(lsk);
	if (*n != 1)
		return -ENOENT;

	ack_opts.has_tstamp = opts->has_tstamp;
	ack_opts.tsval = opts->tsval;
	ack_opts.tsecr = out[0].opts.tsval;
	skb = sack_make_skb(t, ACK, IRS + 1, out[0].seq + 1, 0, PEER_WND,
			    &ack_opts);
	if (!skb)
		return -ENOMEM;
	lock_sock(lsk);
	xtcp_v4_do_rcv(lsk, skb);
	xtcp_kt_rec_take(more);
	release_sock(lsk);

	csk = xtcp_kt_first_child(lsk);
	if (!csk)
		return -ENOENT;
	t->sk = csk;
	t->child = true;
	return 0;
}

/* What the child agreed on, read as the softirq would lock it. */
struct child_view {
	u8 wscale_ok, tstamp_ok, sack_ok;
	u8 snd_wscale, rcv_wscale;
	u32 ts_recent;
	u32 rcv_wnd;
	u16 advmss, mss_cache;
	int rcvbuf;
};

static void child_read(struct tsk *t, struct child_view *v)
{
	struct xtcp_sock *xsk = xtcp_sk(t->sk);

	local_bh_disable();
	bh_lock_sock(t->sk);
	v->wscale_ok = xsk->wscale_ok;
	v->tstamp_ok = xsk->tstamp_ok;
	v->sack_ok = xsk->sack_ok;
	v->snd_wscale = xsk->snd_wscale;
	v->rcv_wscale = xsk->rcv_wscale;
	v->ts_recent = xsk->ts_recent;
	v->rcv_wnd = xsk->rcv_wnd;
	v->advmss = xsk->advmss;
	v->mss_cache = xsk->mss_cache;
	v->rcvbuf = READ_ONCE(t->sk->sk_rcvbuf);
	bh_unlock_sock(t->sk);
	local_bh_enable();
}

/* ---- 1. Window scaling ------------------------------------------------ */

struct wscale_param {
	u8 shift;
	u32 rcv_nxt;
};

static const struct wscale_param wscale_params[] = {
	{ 2, IRS + 1 }, { 7, IRS + 1 }, { 14, IRS + 1 },
	/* RCV.NXT crosses 2^32 on the first data. */
	{ 2, 0xfffffffaU }, { 7, 0xfffffffaU }, { 14, 0xfffffffaU },
};

static void wscale_desc(const struct wscale_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "rcv_wscale %u, RCV.NXT %#x",
		 p->shift, p->rcv_nxt);
}

KUNIT_ARRAY_PARAM(wscale, wscale_params, wscale_desc);

/* One ACK with the window in its field, scaled by @shift. */
static void check_window_ack(struct kunit *test, struct tsk *t,
			     unsigned int n, const struct xtcp_kt_rec *r,
			     u32 rcv_nxt, u32 want_wnd, u8 shift,
			     const char *step)
{
	struct xtcp_sock *xsk = xtcp_sk(t->sk);

	KUNIT_EXPECT_EQ_MSG(test, n, 1U, "%s: segments sent", step);
	if (n != 1)
		return;
	KUNIT_EXPECT_EQ_MSG(test, r->flags, ACK, "%s", step);
	KUNIT_EXPECT_EQ_MSG(test, r->ack, rcv_nxt, "%s: ACK", step);
	KUNIT_EXPECT_EQ_MSG(test, xsk->rcv_nxt, rcv_nxt, "%s: RCV.NXT", step);
	KUNIT_EXPECT_EQ_MSG(test, xsk->rcv_wup, rcv_nxt, "%s: rcv_wup", step);
	KUNIT_EXPECT_EQ_MSG(test, xsk->rcv_wnd, want_wnd, "%s: rcv_wnd", step);
	KUNIT_EXPECT_EQ_MSG(test, xsk->rcv_wnd & ((1U << shift) - 1), 0U,
			    "%s: rcv_wnd %u not a multiple of 1 << %u", step,
			    xsk->rcv_wnd, shift);
	KUNIT_EXPECT_EQ_MSG(test, (u32)r->window, xsk->rcv_wnd >> shift,
			    "%s: window field", step);
	KUNIT_EXPECT_EQ_MSG(test, (u32)r->window, want_wnd >> shift,
			    "%s: window field", step);
}

/*
 * RFC 7323 2.2/2.3: our window field is the window shifted right by
 * rcv_wscale, so the window we keep is a multiple of 1 << rcv_wscale: a
 * new one rounded down, the current one rounded up, so that the right
 * edge RCV.WUP + RCV.WND never moves back when the buffer shrinks.
 */
static void xtcp_sack_wscale_send(struct kunit *test)
{
	const struct wscale_param *p = test->param_value;
	u32 unit = 1U << p->shift, r0 = p->rcv_nxt, w1, w2, w3, w4, edge;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct tsk t = {};
	unsigned int n;
	int rmem;

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, r0, 1, DLEN), 0);
	xsk = xtcp_sk(t.sk);
	lock_sock(t.sk);
	xsk->wscale_ok = 1;
	xsk->rcv_wscale = p->shift;
	/* 100000 bytes of window to offer, no multiple of 1 << 7 or 14. */
	WRITE_ONCE(t.sk->sk_rcvbuf, 200000);
	release_sock(t.sk);

	/* Out of the window: acknowledged, with the window grown. */
	n = feed(test, &t, ACK | PSH, r0 + RWND + 100, ISS + 1, DLEN,
		 PEER_WND, NULL, r);
	w1 = round_down(100000U, unit);
	check_window_ack(test, &t, n, r, r0, w1, p->shift, "new window");
	edge = r0 + w1;

	/*
	 * The buffer shrinks below the window: data keeps its right edge,
	 * the window rounded up to what the field can say.
	 */
	lock_sock(t.sk);
	WRITE_ONCE(t.sk->sk_rcvbuf, 4096);
	release_sock(t.sk);
	n = feed(test, &t, ACK | PSH, r0, ISS + 1, DLEN, PEER_WND, NULL, r);
	w2 = ALIGN(w1 - DLEN, unit);
	check_window_ack(test, &t, n, r, r0 + DLEN, w2, p->shift, "shrunk");
	KUNIT_EXPECT_GE_MSG(test, (s32)(xsk->rcv_wup + xsk->rcv_wnd - edge), 0,
			    "right edge moved back");
	edge = xsk->rcv_wup + xsk->rcv_wnd;

	n = feed(test, &t, ACK | PSH, r0 + DLEN, ISS + 1, DLEN, PEER_WND, NULL,
		 r);
	w3 = ALIGN(w2 - DLEN, unit);
	check_window_ack(test, &t, n, r, r0 + 2 * DLEN, w3, p->shift,
			 "shrunk again");
	KUNIT_EXPECT_GE_MSG(test, (s32)(xsk->rcv_wup + xsk->rcv_wnd - edge), 0,
			    "right edge moved back");
	/* The second segment joined the first (xtcp_try_coalesce()). */
	KUNIT_EXPECT_EQ(test, skb_queue_len(&t.sk->sk_receive_queue), 1U);

	/* Room again: a new window, rounded down. */
	lock_sock(t.sk);
	WRITE_ONCE(t.sk->sk_rcvbuf, 400000);
	rmem = atomic_read(&t.sk->sk_rmem_alloc);
	release_sock(t.sk);
	n = feed(test, &t, ACK | PSH, r0 + 2 * DLEN + 300000, ISS + 1, DLEN,
		 PEER_WND, NULL, r);
	w4 = round_down((400000U - rmem) / 2, unit);
	check_window_ack(test, &t, n, r, r0 + 2 * DLEN, w4, p->shift,
			 "regrown");
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * RFC 7323 2.2: SEG.WND of a segment that is not a SYN is shifted left
 * by the peer's scale.
 */
static void xtcp_sack_wscale_receive(struct kunit *test)
{
	static const struct {
		u8 shift;
		u16 window;
	} cases[] = {
		{ 0, 300 }, { 2, 1 }, { 7, 300 }, { 14, 65535 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 want = (u32)cases[i].window << cases[i].shift;
		struct xtcp_sock *xsk;
		struct tsk t = {};

		KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, IRS + 1,
						 1, DLEN), 0);
		xsk = xtcp_sk(t.sk);
		lock_sock(t.sk);
		xsk->wscale_ok = 1;
		xsk->snd_wscale = cases[i].shift;
		release_sock(t.sk);
		feed(test, &t, ACK, IRS + 1, ISS + 1 + DLEN, 0,
		     cases[i].window, NULL, NULL);
		KUNIT_EXPECT_EQ_MSG(test, xsk->snd_una, ISS + 1 + DLEN,
				    "shift %u", cases[i].shift);
		KUNIT_EXPECT_EQ_MSG(test, xsk->snd_wnd, want, "shift %u",
				    cases[i].shift);
		KUNIT_EXPECT_EQ_MSG(test, xsk->max_window,
				    max_t(u32, PEER_WND, want), "shift %u",
				    cases[i].shift);
		sack_teardown(&t);
		xtcp_kt_rec_take(NULL);
	}
}

/*
 * An active open: the SYN offers the shift connect() chose; the SYN-ACK's
 * window is not scaled, later ones are by its shift; our windows use the
 * shift our SYN announced.  net.core.rmem_max is raised while connect()
 * runs, so that the shift offered is 8, and set back before the SYN-ACK.
 */
static void xtcp_sack_wscale_active(struct kunit *test)
{
	u32 saved_rmem_max = READ_ONCE(sysctl_rmem_max);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(PPORT),
		.sin_addr.s_addr = PADDR,
	};
	struct xtcp_opts o = {};
	struct xtcp_sock *xsk;
	struct tsk t = {};
	unsigned int n;
	u8 offered;
	int err;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: connect() cannot route its SYN");
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM,
					       0, &t.sock), 0);
	t.sk = t.sock->sk;
	t.hashed = true;
	xsk = xtcp_sk(t.sk);

	/* Half of 8 MB needs a shift of 8: 65535 << 7 is 128 bytes short. */
	WRITE_ONCE(sysctl_rmem_max, 8U << 20);
	err = kernel_connect(t.sock, (struct sockaddr *)&sin, sizeof(sin),
			     O_NONBLOCK);
	WRITE_ONCE(sysctl_rmem_max, saved_rmem_max);
	KUNIT_ASSERT_EQ(test, err, -EINPROGRESS);
	n = xtcp_kt_rec_take(r);
	KUNIT_ASSERT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, r[0].flags, SYN);
	KUNIT_EXPECT_EQ(test, r[0].opt_err, 0);
	KUNIT_EXPECT_TRUE(test, r[0].opts.has_wscale);
	KUNIT_EXPECT_EQ(test, r[0].opts.wscale, 8);
	offered = r[0].opts.wscale;
	t.lport = inet_sk(t.sk)->inet_num;

	/* The SYN-ACK: window 30000, not scaled; the peer's shift 5. */
	memset(&o, 0, sizeof(o));
	o.has_mss = 1;
	o.mss = 1460;
	o.has_wscale = 1;
	o.wscale = 5;
	n = feed(test, &t, SYN | ACK, IRS, xsk->iss + 1, 0, 30000, &o, r);
	KUNIT_EXPECT_EQ(test, t.sk->sk_state, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, xsk->snd_wscale, 5);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, 30000U);
	/*
	 * Our shift stays the one our SYN offered, whatever rmem_max is
	 * now: the peer applies it to our window fields (RFC 7323 2.2/2.3).
	 */
	KUNIT_EXPECT_EQ_MSG(test, xsk->rcv_wscale, offered,
			    "our shift is not the one our SYN offered");
	KUNIT_ASSERT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, r[0].flags, ACK);
	KUNIT_EXPECT_EQ(test, r[0].ack, IRS + 1);
	KUNIT_EXPECT_EQ_MSG(test, (u32)r[0].window, xsk->rcv_wnd >> offered,
			    "window field not scaled by our SYN's shift");

	/* Later segments: scaled by 5. */
	feed(test, &t, ACK, IRS + 1, xsk->iss + 1, 0, 1000, NULL, NULL);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, 1000U << 5);

	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * xtcp_select_wscale() (not exported), seen through a listener's child:
 * the smallest shift with 65535 << shift at least the largest window the
 * buffer may back, at most 14: half of SO_RCVBUF when it is locked; else
 * the largest of half the buffer now, half of net.xtcp.rmem's maximum
 * (autotuning) and net.core.rmem_max (half of what SO_RCVBUF may set).
 * The child's rcv_wscale and the SYN-ACK's option.
 */
static void xtcp_sack_wscale_select(struct kunit *test)
{
	static const struct {
		u32 rmem_max;
		int rmem2;
		int rcvbuf;	/* below 0: locked */
		u8 want;
	} cases[] = {
		{ 65535, 4096, 4096, 0 },
		{ 65536, 4096, 4096, 1 },
		{ 212992, 4096, 4096, 2 },
		{ 4U << 20, 4096, 4096, 7 },	/* 65535 << 6 is 64 short */
		{ 8U << 20, 4096, 4096, 8 },
		{ 212992, 6291456, 4096, 6 },	/* autotuning's maximum */
		{ 212992, 8388610, 4096, 7 },	/* its half 65 over << 6 */
		{ 212992, 4096, 4 << 20, 6 },	/* the buffer now */
		{ 8U << 20, 6291456, -4096, 0 },	/* SO_RCVBUF locks it */
		{ 212992, 6291456, -(4 << 20), 6 },
		{ 212992, 4096, INT_MAX, 14 },	/* 15 would fit; capped */
	};
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	u32 saved_rmem_max = READ_ONCE(sysctl_rmem_max);
	int saved_rmem2 = READ_ONCE(xn->sysctl.rmem[2]);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_opts o;
	unsigned int i, n;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	syn_opts(&o, 0x12345678, 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct child_view v;
		struct tsk t = {};
		int err;

		WRITE_ONCE(sysctl_rmem_max, cases[i].rmem_max);
		WRITE_ONCE(xn->sysctl.rmem[2], cases[i].rmem2);
		err = listen_child(&t, cases[i].rcvbuf, &o, r, &n);
		WRITE_ONCE(sysctl_rmem_max, saved_rmem_max);
		WRITE_ONCE(xn->sysctl.rmem[2], saved_rmem2);
		if (err) {
			KUNIT_FAIL(test, "case %u: set-up failed: %d", i, err);
			sack_teardown(&t);
			continue;
		}
		child_read(&t, &v);
		KUNIT_EXPECT_EQ_MSG(test, v.rcv_wscale, cases[i].want,
				    "rmem_max %u, rmem[2] %d, SO_RCVBUF %d",
				    cases[i].rmem_max, cases[i].rmem2,
				    cases[i].rcvbuf);
		KUNIT_EXPECT_EQ_MSG(test, n, 1U, "case %u", i);
		if (n == 1) {
			KUNIT_EXPECT_TRUE(test, r[0].opts.has_wscale);
			KUNIT_EXPECT_EQ_MSG(test, r[0].opts.wscale,
					    cases[i].want, "case %u", i);
		}
		sack_teardown(&t);
		xtcp_kt_rec_take(NULL);
	}
}

/* ---- 2. Option agreement ---------------------------------------------- */

/*
 * RFC 7323 and RFC 2018: a listener answers MSS, SACK-permitted, TS and
 * WS with its own, TSecr echoing the SYN's TSval; the SYN-ACK's window is
 * not scaled; the MSS leaves room for the timestamps.  Without them in
 * the SYN, or with net.xtcp.window_scaling, timestamps or sack off, the
 * SYN-ACK goes without.
 */
static void xtcp_sack_options_agreed(struct kunit *test)
{
	static const struct {
		const char *what;
		bool syn_opts;
		int ws, ts, sack;	/* the knobs */
	} cases[] = {
		{ "all offered", true, 1, 1, 1 },
		{ "none in the SYN", false, 1, 1, 1 },
		{ "window_scaling off", true, 0, 1, 1 },
		{ "timestamps off", true, 1, 0, 1 },
		{ "sack off", true, 1, 1, 0 },
		{ "all off", true, 0, 0, 0 },
	};
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_sysctl saved = xn->sysctl;
	const u32 tsval = 0xfedcba98;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_opts o;
	unsigned int i, n;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *what = cases[i].what;
		bool ws = cases[i].syn_opts && cases[i].ws;
		bool ts = cases[i].syn_opts && cases[i].ts;
		bool sack = cases[i].syn_opts && cases[i].sack;
		struct child_view v;
		struct tsk t = {};
		int err;

		if (cases[i].syn_opts) {
			syn_opts(&o, tsval, 7);
		} else {
			memset(&o, 0, sizeof(o));
			o.has_mss = 1;
			o.mss = 1460;
		}
		WRITE_ONCE(xn->sysctl.window_scaling, cases[i].ws);
		WRITE_ONCE(xn->sysctl.timestamps, cases[i].ts);
		WRITE_ONCE(xn->sysctl.sack, cases[i].sack);
		err = listen_child(&t, 0, &o, r, &n);
		WRITE_ONCE(xn->sysctl.window_scaling, saved.window_scaling);
		WRITE_ONCE(xn->sysctl.timestamps, saved.timestamps);
		WRITE_ONCE(xn->sysctl.sack, saved.sack);
		if (err) {
			KUNIT_FAIL(test, "%s: set-up failed: %d", what, err);
			sack_teardown(&t);
			continue;
		}
		child_read(&t, &v);
		KUNIT_EXPECT_EQ_MSG(test, n, 1U, "%s: segments sent", what);
		if (n != 1)
			goto next;
		KUNIT_EXPECT_PTR_EQ_MSG(test, r[0].sk,
					(const struct sock *)t.sock->sk,
					"%s", what);
		KUNIT_EXPECT_EQ_MSG(test, r[0].flags, SYN | ACK, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, r[0].ack, IRS + 1, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, r[0].opt_err, 0, "%s", what);
		KUNIT_EXPECT_TRUE_MSG(test, r[0].opts.has_mss, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, r[0].opts.mss, v.advmss, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, !!r[0].opts.has_wscale, ws, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, !!r[0].opts.has_tstamp, ts, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, !!r[0].opts.sack_ok, sack, "%s", what);
		if (ts)
			KUNIT_EXPECT_EQ_MSG(test, r[0].opts.tsecr, tsval,
					    "%s: TSecr", what);
		if (ws)
			KUNIT_EXPECT_EQ_MSG(test, r[0].opts.wscale,
					    v.rcv_wscale, "%s", what);
		/* Never scaled: the whole 65535 a default buffer allows. */
		KUNIT_EXPECT_EQ_MSG(test, (u32)r[0].window,
				    min_t(u32, v.rcvbuf / 2, 65535),
				    "%s: SYN-ACK window", what);
		KUNIT_EXPECT_EQ_MSG(test, v.rcv_wnd, (u32)r[0].window, "%s",
				    what);

		KUNIT_EXPECT_EQ_MSG(test, v.wscale_ok, ws, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, v.tstamp_ok, ts, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, v.sack_ok, sack, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, v.snd_wscale, ws ? 7 : 0, "%s", what);
		if (!ws)
			KUNIT_EXPECT_EQ_MSG(test, v.rcv_wscale, 0, "%s", what);
		if (ts)
			KUNIT_EXPECT_EQ_MSG(test, v.ts_recent, tsval, "%s",
					    what);
		KUNIT_EXPECT_EQ_MSG(test, v.mss_cache,
				    min_t(u16, 1460, v.advmss) -
				    (ts ? XTCPOLEN_TSTAMP_ALIGNED : 0),
				    "%s: MSS", what);
next:
		sack_teardown(&t);
		xtcp_kt_rec_take(NULL);
	}
}

/* ---- 3. PAWS ------------------------------------------------------------ */

/* ESTABLISHED with timestamps, TS.Recent TSX taken @age seconds ago. */
static int paws_setup(struct tsk *t, u32 age)
{
	struct xtcp_sock *xsk;
	int err;

	err = sack_setup(t, TCP_ESTABLISHED, IRS + 1, 1, DLEN);
	if (err)
		return err;
	xsk = xtcp_sk(t->sk);
	/*
	 * A stamp of 0 means "no TS.Recent": at an uptime of exactly @age
	 * seconds the stamp would be that.  Let that second pass.
	 */
	while ((u32)ktime_get_seconds() == age)
		msleep(100);
	lock_sock(t->sk);
	xsk->tstamp_ok = 1;
	xsk->ts_recent = TSX;
	xsk->ts_recent_stamp = (u32)ktime_get_seconds() - age;
	release_sock(t->sk);
	return 0;
}

static void ts_opts(struct xtcp_opts *o, u32 tsval)
{
	memset(o, 0, sizeof(o[0]));
	o->has_tstamp = 1;
	o->tsval = tsval;
}

/*
 * RFC 7323 5.3 R1: data with a TSval older than TS.Recent is dropped and
 * acknowledged (XtcpPAWSEstab); a newer one is taken and, at the left
 * window edge, becomes TS.Recent (4.3); a RST is not subject to PAWS.
 */
static void xtcp_sack_paws(struct kunit *test)
{
	unsigned long paws = xtcp_kt_counter(XTCP_MIB_PAWSESTAB);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct xtcp_opts o;
	struct tsk t = {};
	unsigned int n;
	u32 now;

	/* TS.Recent 100 s old: still valid, and its stamp shows updates. */
	KUNIT_ASSERT_EQ(test, paws_setup(&t, 100), 0);
	xsk = xtcp_sk(t.sk);

	ts_opts(&o, TSX - 1);
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1, DLEN, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&t.sk->sk_receive_queue), 0U);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, TSX);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 1);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, r[0].flags, ACK);
		KUNIT_EXPECT_EQ(test, r[0].ack, IRS + 1);
		KUNIT_EXPECT_TRUE(test, r[0].opts.has_tstamp);
		KUNIT_EXPECT_EQ(test, r[0].opts.tsecr, TSX);
	}

	ts_opts(&o, TSX + 1);
	now = (u32)ktime_get_seconds();
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1, DLEN, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1 + DLEN);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&t.sk->sk_receive_queue), 1U);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, TSX + 1);
	KUNIT_EXPECT_LE(test, xsk->ts_recent_stamp - now, 1U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 1);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, r[0].ack, IRS + 1 + DLEN);
		KUNIT_EXPECT_EQ(test, r[0].opts.tsecr, TSX + 1);
	}

	/* A reset with an old TSval still resets (RFC 7323 5.3 R1). */
	ts_opts(&o, TSX - 1);
	n = feed(test, &t, RST, IRS + 1 + DLEN, 0, 0, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, t.sk->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(t.sk->sk_err), ECONNRESET);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 1);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * A duplicate ACK that the network reordered behind a newer one carries
 * an older TSval: within an RTO of TS.Recent it is not dropped by PAWS,
 * so the sender's duplicate-ACK count does not lose it (TCP's
 * tcp_disordered_ack()).  Older than an RTO, or an ACK that changes the
 * window, PAWS still drops.
 */
static void xtcp_sack_paws_disordered_ack(struct kunit *test)
{
	unsigned long paws = xtcp_kt_counter(XTCP_MIB_PAWSESTAB);
	unsigned long dups = xtcp_kt_counter(XTCP_MIB_DUPACKS);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	int saved = xn->sysctl.invalid_ratelimit;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct xtcp_opts o;
	struct tsk t = {};
	unsigned int n;

	KUNIT_ASSERT_EQ(test, paws_setup(&t, 100), 0);
	/* Every PAWS drop answered: the rate limit has its own case. */
	WRITE_ONCE(xn->sysctl.invalid_ratelimit, 0);
	xsk = xtcp_sk(t.sk);
	lock_sock(t.sk);
	xsk->rto_ns = 200 * NSEC_PER_MSEC;
	release_sock(t.sk);

	/* 1 ms older, a pure duplicate ACK: counted as one, no answer. */
	ts_opts(&o, TSX - 1);
	n = feed(test, &t, ACK, IRS + 1, ISS + 1, 0, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_DUPACKS), dups + 1);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, TSX);

	/* Exactly an RTO older: still a reordered duplicate. */
	ts_opts(&o, TSX - 200);
	n = feed(test, &t, ACK, IRS + 1, ISS + 1, 0, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_DUPACKS), dups + 2);

	/* More than an RTO older: PAWS drops it and answers. */
	ts_opts(&o, TSX - 201);
	n = feed(test, &t, ACK, IRS + 1, ISS + 1, 0, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_DUPACKS), dups + 2);
	KUNIT_EXPECT_EQ(test, n, 1U);

	/* A window update is no duplicate: dropped. */
	ts_opts(&o, TSX - 1);
	n = feed(test, &t, ACK, IRS + 1, ISS + 1, 0, PEER_WND - 1000, &o, r);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 2);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, (u32)PEER_WND);
	KUNIT_EXPECT_EQ(test, n, 1U);

	/* Nor is data. */
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1, DLEN, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 3);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1);
	WRITE_ONCE(xn->sysctl.invalid_ratelimit, saved);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * RFC 7323 5.5: a TS.Recent older than 24 days is invalid: the segment
 * is accepted despite its older TSval, and R3 makes its TSval TS.Recent.
 * Just under 24 days, PAWS still drops it.
 */
static void xtcp_sack_paws_idle(struct kunit *test)
{
	unsigned long paws = xtcp_kt_counter(XTCP_MIB_PAWSESTAB);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct xtcp_opts o;
	struct tsk t = {};
	unsigned int n;
	u32 now;

	KUNIT_ASSERT_EQ(test, paws_setup(&t, XTCP_PAWS_IDLE_S - 10), 0);
	xsk = xtcp_sk(t.sk);
	ts_opts(&o, TSX - 1);
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1, DLEN, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 1);
	KUNIT_EXPECT_EQ(test, n, 1U);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);

	memset(&t, 0, sizeof(t));
	KUNIT_ASSERT_EQ(test, paws_setup(&t, XTCP_PAWS_IDLE_S + 1), 0);
	xsk = xtcp_sk(t.sk);
	now = (u32)ktime_get_seconds();
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1, DLEN, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1 + DLEN);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&t.sk->sk_receive_queue), 1U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 1);
	KUNIT_EXPECT_EQ(test, n, 1U);
	/*
	 * RFC 7323 5.5 (RFC 1323 4.2.3): R3 takes the new TSval in place of
	 * the invalid TS.Recent, even an older one, and stamps it now.
	 */
	KUNIT_EXPECT_EQ_MSG(test, xsk->ts_recent, TSX - 1,
			    "stale TS.Recent not replaced");
	KUNIT_EXPECT_LE_MSG(test, xsk->ts_recent_stamp - now, 1U,
			    "stale TS.Recent not replaced");
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/* ---- 4. SACK blocks sent ------------------------------------------------ */

struct sack_step {
	u32 off;		/* SEG.SEQ - R */
	u32 len;
	u32 ack;		/* RCV.NXT - R after it */
	u8 n_ts, n_nots;	/* blocks with and without timestamps */
	struct { u32 s, e; } b[XTCP_MAX_SACKS];	/* offsets from R */
};

/*
 * RFC 2018 section 4: the first block holds the newest arrival, the
 * others follow highest first; contiguous data makes one block; three
 * blocks fit beside timestamps, four without; none once the holes fill.
 */
static const struct sack_step sack_steps[] = {
	{ 200, 100, 0, 1, 1, { { 200, 300 } } },
	{ 500, 100, 0, 2, 2, { { 500, 600 }, { 200, 300 } } },
	{ 300, 100, 0, 2, 2, { { 200, 400 }, { 500, 600 } } },
	{ 800, 100, 0, 3, 3, { { 800, 900 }, { 500, 600 }, { 200, 400 } } },
	{ 1100, 100, 0, 3, 4,
	  { { 1100, 1200 }, { 800, 900 }, { 500, 600 }, { 200, 400 } } },
	{ 1400, 100, 0, 3, 4,
	  { { 1400, 1500 }, { 1100, 1200 }, { 800, 900 }, { 500, 600 } } },
	/* The newest run is not the highest. */
	{ 600, 100, 0, 3, 4,
	  { { 500, 700 }, { 1400, 1500 }, { 1100, 1200 }, { 800, 900 } } },
	/* The first hole fills; the run of the newest arrival stays first. */
	{ 0, 200, 400, 3, 4,
	  { { 500, 700 }, { 1400, 1500 }, { 1100, 1200 }, { 800, 900 } } },
	/* Every hole fills. */
	{ 400, 1100, 1500, 0, 0, { } },
};

static const bool sack_ts_params[] = { false, true };

static void sack_ts_desc(const bool *p, char *desc)
{
	strscpy(desc, *p ? "with timestamps" : "without timestamps",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sack_ts, sack_ts_params, sack_ts_desc);

static void xtcp_sack_blocks_sent(struct kunit *test)
{
	bool ts = *(const bool *)test->param_value;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned int i, j, n, want;
	const u32 rcv0 = IRS + 1;
	struct xtcp_sock *xsk;
	struct tsk t = {};
	unsigned long out;

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, rcv0, 1, DLEN), 0);
	xsk = xtcp_sk(t.sk);
	lock_sock(t.sk);
	xsk->sack_ok = 1;
	xsk->tstamp_ok = ts;
	xsk->rcv_wnd = 20000;
	release_sock(t.sk);

	for (i = 0; i < ARRAY_SIZE(sack_steps); i++) {
		const struct sack_step *s = &sack_steps[i];

		want = ts ? s->n_ts : s->n_nots;
		out = xtcp_kt_counter(XTCP_MIB_SACKBLOCKSOUT);
		n = feed(test, &t, ACK, rcv0 + s->off, ISS + 1, s->len, PEER_WND,
			 NULL, r);
		KUNIT_EXPECT_EQ_MSG(test, xsk->rcv_nxt, rcv0 + s->ack, "step %u",
				    i);
		KUNIT_EXPECT_EQ_MSG(test, n, 1U, "step %u: segments sent", i);
		if (n != 1)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, r[0].flags, ACK, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r[0].ack, rcv0 + s->ack, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r[0].opt_err, 0, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, !!!!r[0].opts.has_tstamp, ts, "step %u",
				    i);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_kt_counter(XTCP_MIB_SACKBLOCKSOUT),
				    out + want, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r[0].opts.num_sacks, want,
				    "step %u: blocks", i);
		for (j = 0; j < min_t(unsigned int, want,
				      r[0].opts.num_sacks); j++) {
			KUNIT_EXPECT_EQ_MSG(test, r[0].opts.sacks[j].start - rcv0,
					    s->b[j].s, "step %u block %u", i, j);
			KUNIT_EXPECT_EQ_MSG(test, r[0].opts.sacks[j].end - rcv0,
					    s->b[j].e, "step %u block %u", i, j);
		}
	}
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&xsk->ofo_queue));
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/* ---- 5. The sender's scoreboard ---------------------------------------- */

#define NSEGS		10
#define SB_UNA		(ISS + 1)		/* SND.UNA at set-up */
#define SB_SEG(i)	(SB_UNA + ((i) - 1) * SEG)	/* segment i, 1.. */
#define SB_NXT		(SB_UNA + NSEGS * SEG)

/*
 * RFC 6675's pipe with no segment resent twice: what is in flight less
 * what the peer SACKed or is presumed lost (xtcp_in_flight() is not
 * exported).
 */
static u32 sb_pipe(const struct xtcp_sock *xsk)
{
	return xsk->packets_out - xsk->sacked_out - xsk->lost_out;
}

/* The write queue's segment @i (1..), or NULL. */
static struct sk_buff *wq_seg(struct sock *sk, unsigned int i)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb)
		if (XTCP_SKB_CB(skb)->seq == SB_SEG(i))
			return skb;
	return NULL;
}

static u8 seg_marks(struct sock *sk, unsigned int i)
{
	struct sk_buff *skb = wq_seg(sk, i);

	return skb ? XTCP_SKB_CB(skb)->sacked : 0xff;
}

/* An ACK of SND.UNA @ack with the SACK blocks @blk (pairs, @nb). */
static unsigned int sack_ack(struct kunit *test, struct tsk *t, u32 ack,
			     const u32 *blk, unsigned int nb, struct xtcp_kt_rec *r)
{
	struct xtcp_opts o = {};
	unsigned int i;

	for (i = 0; i < nb; i++) {
		o.sacks[i].start = blk[2 * i];
		o.sacks[i].end = blk[2 * i + 1];
	}
	o.num_sacks = nb;
	return feed(test, t, ACK, IRS + 1, ack, 0, PEER_WND, nb ? &o : NULL,
		    r);
}

/* packets_out, sacked_out and lost_out after @step. */
static void expect_board(struct kunit *test, const struct xtcp_sock *xsk,
			 u32 pkts, u32 sacked, u32 lost, const char *step)
{
	KUNIT_EXPECT_EQ_MSG(test, xsk->packets_out, pkts, "%s: packets_out",
			    step);
	KUNIT_EXPECT_EQ_MSG(test, xsk->sacked_out, sacked, "%s: sacked_out",
			    step);
	KUNIT_EXPECT_EQ_MSG(test, xsk->lost_out, lost, "%s: lost_out", step);
}

static int scoreboard_setup(struct tsk *t)
{
	struct xtcp_sock *xsk;
	int err;

	err = sack_setup(t, TCP_ESTABLISHED, IRS + 1, NSEGS, SEG);
	if (err)
		return err;
	xsk = xtcp_sk(t->sk);
	lock_sock(t->sk);
	xsk->sack_ok = 1;
	xsk->cc.sack = 1;
	release_sock(t->sk);
	return 0;
}

/*
 * RFC 6675 section 5: an ACK of SND.UNA whose SACK block covers segments
 * 2..4 of 10 marks them and, DupThresh SACKed above the first, starts
 * recovery: RecoveryPoint = SND.NXT, ssthresh = cwnd = FlightSize / 2
 * (4.2), and the first segment is retransmitted at once (4.3).
 */
static void xtcp_sack_recovery_entry(struct kunit *test)
{
	unsigned long recs = xtcp_kt_counter(XTCP_MIB_SACKRECOVERY);
	unsigned long in = xtcp_kt_counter(XTCP_MIB_SACKBLOCKSIN);
	const u32 blk[] = { SB_SEG(2), SB_SEG(5) };
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct xtcp_cc want;
	struct tsk t = {};
	unsigned int i, n;
	bool entered;

	KUNIT_ASSERT_EQ(test, scoreboard_setup(&t), 0);
	xsk = xtcp_sk(t.sk);
	expect_board(test, xsk, 10U, 0U, 0U, "set-up");
	/* RFC 5681 FlightSize: the 10 segments outstanding. */
	want = xsk->cc;
	entered = xtcp_cc_enter_recovery(&want, SB_UNA, SB_NXT, NSEGS);
	KUNIT_EXPECT_TRUE(test, entered);

	n = sack_ack(test, &t, SB_UNA, blk, 1, r);
	for (i = 1; i <= NSEGS; i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    !!(seg_marks(t.sk, i) & XTCP_SKB_SACKED),
				    i >= 2 && i <= 4, "segment %u", i);
	KUNIT_EXPECT_EQ(test, xsk->sacked_out, 3U);
	KUNIT_EXPECT_EQ(test, xsk->packets_out, 10U);
	KUNIT_EXPECT_EQ(test, xsk->cc.state, XTCP_CA_RECOVERY);
	KUNIT_EXPECT_EQ(test, xsk->cc.recover, SB_NXT);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_SACKRECOVERY), recs + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_SACKBLOCKSIN), in + 1);
	/*
	 * RFC 6675 4.2 and RFC 5681 (4) halve FlightSize, the 10 segments
	 * outstanding, not the pipe (10 - 3 SACKed): 5, not 3.
	 */
	KUNIT_EXPECT_EQ_MSG(test, xsk->cc.ssthresh, want.ssthresh,
			    "ssthresh from the pipe, not FlightSize");
	KUNIT_EXPECT_EQ_MSG(test, xsk->cc.cwnd, want.cwnd,
			    "cwnd from the pipe, not FlightSize");
	/*
	 * RFC 6675 4.3: the first segment is resent on entering recovery,
	 * though the pipe (6) is above cwnd.
	 */
	KUNIT_EXPECT_EQ_MSG(test, n, 1U,
			    "first segment not retransmitted on entry");
	if (n >= 1) {
		KUNIT_EXPECT_EQ(test, r[0].seq, SB_UNA);
		KUNIT_EXPECT_EQ(test, r[0].len, (u32)SEG);
	}
	KUNIT_EXPECT_TRUE_MSG(test, seg_marks(t.sk, 1) & XTCP_SKB_RETRANS,
			      "first segment not retransmitted on entry");
	KUNIT_EXPECT_EQ_MSG(test, xsk->lost_out, 0U,
			    "first segment not retransmitted on entry");
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * The scoreboard through a recovery, from a socket put by hand in the
 * state right after entering it: 10 segments in flight, the first resent
 * at entry, 2..4 SACKed; cwnd = ssthresh = 3 (small, so that the holes
 * found below do not all fit in the pipe).  RFC 6675: IsLost() marks a
 * segment with DupThresh SACKed segments above it, NextSeg() resends
 * those oldest first while the pipe is below cwnd; blocks outside
 * SND.UNA..SND.NXT count for nothing; the ACK of RecoveryPoint ends it.
 */
static void xtcp_sack_scoreboard(struct kunit *test)
{
	unsigned long partial = xtcp_kt_counter(XTCP_MIB_PARTIALACKS);
	unsigned long in = xtcp_kt_counter(XTCP_MIB_SACKBLOCKSIN);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct sk_buff *skb;
	struct tsk t = {};
	unsigned int i, n;

	KUNIT_ASSERT_EQ(test, scoreboard_setup(&t), 0);
	xsk = xtcp_sk(t.sk);
	lock_sock(t.sk);
	for (i = 1; i <= 4; i++) {
		skb = wq_seg(t.sk, i);
		if (!skb)
			break;
		XTCP_SKB_CB(skb)->sacked = i == 1 ?
			XTCP_SKB_RETRANS | XTCP_SKB_RXT_OUT : XTCP_SKB_SACKED;
	}
	xsk->sacked_out = 3;
	xsk->cc.state = XTCP_CA_RECOVERY;
	xsk->cc.ssthresh = 3;
	xsk->cc.cwnd = 3;
	xsk->cc.recover = SB_NXT;
	release_sock(t.sk);
	KUNIT_ASSERT_EQ(test, i, 5U);
	KUNIT_EXPECT_EQ(test, sb_pipe(xsk), 7U);

	/*
	 * 8..10 SACKed: 5, 6 and 7 have three SACKed above them and are
	 * lost (1 was resent: not again).  The pipe is 10 - 6 - 3 = 1: 5
	 * and 6 are resent, then it is full and 7 waits.
	 */
	{
		const u32 blk[] = { SB_SEG(2), SB_SEG(5), SB_SEG(8), SB_NXT };

		n = sack_ack(test, &t, SB_UNA, blk, 2, r);
	}
	expect_board(test, xsk, 10U, 6U, 1U, "8..10 SACKed");
	KUNIT_EXPECT_EQ(test, n, 2U);
	if (n == 2) {
		KUNIT_EXPECT_EQ(test, r[0].seq, SB_SEG(5));
		KUNIT_EXPECT_EQ(test, r[1].seq, SB_SEG(6));
		KUNIT_EXPECT_EQ(test, r[0].len, (u32)SEG);
	}
	KUNIT_EXPECT_TRUE(test, seg_marks(t.sk, 7) & XTCP_SKB_LOST);
	KUNIT_EXPECT_FALSE(test, seg_marks(t.sk, 5) & XTCP_SKB_LOST);
	KUNIT_EXPECT_TRUE(test, seg_marks(t.sk, 6) & XTCP_SKB_RETRANS);
	KUNIT_EXPECT_FALSE(test, seg_marks(t.sk, 1) & XTCP_SKB_LOST);
	KUNIT_EXPECT_FALSE(test, seg_marks(t.sk, 9) & XTCP_SKB_LOST);
	KUNIT_EXPECT_EQ(test, sb_pipe(xsk), 3U);
	KUNIT_EXPECT_EQ(test, xsk->cc.cwnd, 3U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_SACKBLOCKSIN), in + 2);

	/* 5's retransmission arrives: the pipe has room for 7. */
	{
		const u32 blk[] = { SB_SEG(2), SB_SEG(6), SB_SEG(8), SB_NXT };

		n = sack_ack(test, &t, SB_UNA, blk, 2, r);
	}
	expect_board(test, xsk, 10U, 7U, 0U, "5 SACKed");
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1)
		KUNIT_EXPECT_EQ(test, r[0].seq, SB_SEG(7));
	KUNIT_EXPECT_TRUE(test, seg_marks(t.sk, 5) & XTCP_SKB_SACKED);
	KUNIT_EXPECT_EQ(test, sb_pipe(xsk), 3U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_SACKBLOCKSIN), in + 4);

	/*
	 * Blocks not within SND.UNA..SND.NXT: a D-SACK below SND.UNA, one
	 * from below SND.UNA over segment 1, one from segment 6 past
	 * SND.NXT.  None marks anything.
	 */
	{
		const u32 blk[] = { SB_UNA - 2 * SEG, SB_UNA - SEG,
				    SB_UNA - SEG, SB_SEG(2),
				    SB_SEG(6), SB_NXT + SEG };

		n = sack_ack(test, &t, SB_UNA, blk, 3, r);
	}
	expect_board(test, xsk, 10U, 7U, 0U, "blocks outside");
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_FALSE(test, seg_marks(t.sk, 1) & XTCP_SKB_SACKED);
	KUNIT_EXPECT_FALSE(test, seg_marks(t.sk, 6) & XTCP_SKB_SACKED);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_SACKBLOCKSIN), in + 4);
	KUNIT_EXPECT_EQ(test, xsk->cc.state, XTCP_CA_RECOVERY);

	/* A partial ACK (segment 1): recovery goes on, cwnd stays. */
	n = sack_ack(test, &t, SB_SEG(2), NULL, 0, r);
	expect_board(test, xsk, 9U, 7U, 0U, "partial ACK");
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, xsk->snd_una, SB_SEG(2));
	KUNIT_EXPECT_EQ(test, xsk->cc.state, XTCP_CA_RECOVERY);
	KUNIT_EXPECT_EQ(test, xsk->cc.cwnd, 3U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PARTIALACKS), partial + 1);

	/*
	 * The ACK of RecoveryPoint ends it: cwnd = min(ssthresh, max(
	 * FlightSize after it, 1) + 1) = 2 (xtcp_cc_ack()).
	 */
	n = sack_ack(test, &t, SB_NXT, NULL, 0, r);
	expect_board(test, xsk, 0U, 0U, 0U, "recover ACKed");
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, xsk->snd_una, SB_NXT);
	KUNIT_EXPECT_EQ(test, xsk->cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, xsk->cc.cwnd, 2U);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&t.sk->sk_write_queue));
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/* ---- 6. Hostile peers, odd timings ------------------------------------- */

/*
 * A SYN announcing a tiny MSS: the MSS we send with is never below
 * net.xtcp.min_snd_mss, less the timestamps' room; it once wrapped below
 * zero to nearly 64 KB.
 */
static void xtcp_sack_tiny_mss(struct kunit *test)
{
	static const struct {
		u16 mss;
		bool ts;
		int floor;	/* net.xtcp.min_snd_mss */
		u16 want;	/* mss_cache */
	} cases[] = {
		{ 1, true, 48, 36 },
		{ 11, true, 48, 36 },
		{ 8, false, 48, 48 },
		{ 60, true, 48, 48 },
		{ 4, true, 100, 88 },
		{ 1460, true, 48, 1448 },
	};
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	int saved = xn->sysctl.min_snd_mss;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_opts o;
	unsigned int i, n;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct child_view v;
		struct tsk t = {};
		int err;

		memset(&o, 0, sizeof(o));
		o.has_mss = 1;
		o.mss = cases[i].mss;
		o.has_tstamp = cases[i].ts;
		o.tsval = TSX;
		WRITE_ONCE(xn->sysctl.min_snd_mss, cases[i].floor);
		err = listen_child(&t, 0, &o, r, &n);
		WRITE_ONCE(xn->sysctl.min_snd_mss, saved);
		if (err) {
			KUNIT_FAIL(test, "MSS %u: set-up failed: %d",
				   cases[i].mss, err);
		} else {
			child_read(&t, &v);
			KUNIT_EXPECT_EQ_MSG(test, v.tstamp_ok, cases[i].ts,
					    "MSS %u", cases[i].mss);
			KUNIT_EXPECT_EQ_MSG(test, v.mss_cache, cases[i].want,
					    "MSS %u, min_snd_mss %d",
					    cases[i].mss, cases[i].floor);
		}
		sack_teardown(&t);
		xtcp_kt_rec_take(NULL);
	}
}

/*
 * RFC 7323 4.3: TS.Recent takes the TSval of acceptable segments only.
 * One forged segment, its ACK of data never sent or far too old, or no
 * ACK at all, must not move it, or PAWS would drop all that follow.
 */
static void xtcp_sack_ts_recent_acceptable(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	int saved = xn->sysctl.invalid_ratelimit;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	const u32 far = TSX + 0x40000000U;
	struct xtcp_sock *xsk;
	struct xtcp_opts o;
	struct tsk t = {};
	unsigned int n;

	KUNIT_ASSERT_EQ(test, paws_setup(&t, 100), 0);
	xsk = xtcp_sk(t.sk);
	WRITE_ONCE(xn->sysctl.invalid_ratelimit, 0);
	ts_opts(&o, far);

	/* Acknowledges what was never sent: a challenge ACK, no more. */
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1 + DLEN + 100, DLEN,
		 PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, TSX);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1);

	/* Acknowledges what is older than the largest window. */
	n = feed(test, &t, ACK, IRS + 1, ISS + 1 - PEER_WND - 10, 0,
		 PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, TSX);

	/* No ACK at all. */
	n = feed(test, &t, PSH, IRS + 1, 0, DLEN, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, TSX);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1);

	/* The real peer carries on, and is heard. */
	ts_opts(&o, TSX + 1);
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1, DLEN, PEER_WND, &o, r);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1 + DLEN);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, TSX + 1);
	WRITE_ONCE(xn->sysctl.invalid_ratelimit, saved);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * PAWS applies to a request too (TCP's tcp_check_req()): a final ACK
 * whose TSval is older than the SYN's is an old duplicate; it makes no
 * connection, is counted and answered.  The real final ACK then does.
 */
static void xtcp_sack_paws_request(struct kunit *test)
{
	unsigned long paws = xtcp_kt_counter(XTCP_MIB_PAWSESTAB);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_opts o, ao = {};
	struct sock *lsk, *csk;
	struct tsk t = {};
	unsigned int n;
	u32 iss;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM,
					       0, &t.sock), 0);
	lsk = t.sock->sk;
	t.sk = lsk;
	KUNIT_ASSERT_EQ(test, kernel_listen(t.sock, 8), 0);
	t.lport = inet_sk(lsk)->inet_num;

	syn_opts(&o, TSX, 7);
	n = feed(test, &t, SYN, IRS, 0, 0, PEER_WND, &o, r);
	KUNIT_ASSERT_EQ(test, n, 1U);
	iss = r[0].seq;

	ao.has_tstamp = 1;
	ao.tsecr = r[0].opts.tsval;
	ao.tsval = TSX - 1;
	n = feed(test, &t, ACK, IRS + 1, iss + 1, 0, PEER_WND, &ao, r);
	csk = xtcp_kt_first_child(lsk);
	KUNIT_EXPECT_NULL(test, csk);
	if (csk)
		sock_put(csk);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_PAWSESTAB), paws + 1);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, r[0].flags & (SYN | ACK | RST), ACK);
		KUNIT_EXPECT_EQ(test, r[0].ack, IRS + 1);
	}

	ao.tsval = TSX;
	feed(test, &t, ACK, IRS + 1, iss + 1, 0, PEER_WND, &ao, NULL);
	csk = xtcp_kt_first_child(lsk);
	KUNIT_EXPECT_NOT_NULL(test, csk);
	if (csk) {
		t.sk = csk;
		t.child = true;
	}
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * The window offered from RCV.NXT: @wnd bytes, and a receive buffer of
 * @rcvbuf (0 keeps it closed when the next ACK chooses a window).
 */
static void set_rcv_wnd(struct tsk *t, u32 wnd, int rcvbuf)
{
	lock_sock(t->sk);
	WRITE_ONCE(t->sk->sk_rcvbuf, rcvbuf);
	xtcp_kt_open_rcv(t->sk, wnd);
	release_sock(t->sk);
}

/*
 * RFC 9293 3.10.7.4: with the receive window closed, a segment at
 * RCV.NXT carrying data still has its ACK processed (the text dropped
 * and counted, an ACK sent), and a RST there still resets.  Text past
 * the right edge of an open window is trimmed, a FIN with it.
 */
static void xtcp_sack_zero_window(struct kunit *test)
{
	unsigned long zwin = xtcp_kt_counter(XTCP_MIB_ZEROWINDOWDROP);
	unsigned long oow = xtcp_kt_counter(XTCP_MIB_OUTOFWINDOW);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct tsk t = {};
	unsigned int n;
	int rcvbuf;

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, IRS + 1, 1, SEG),
			0);
	xsk = xtcp_sk(t.sk);
	rcvbuf = READ_ONCE(t.sk->sk_rcvbuf);
	set_rcv_wnd(&t, 0, 0);

	/* Data at RCV.NXT acknowledging our segment: the ACK counts. */
	n = feed(test, &t, ACK | PSH, IRS + 1, ISS + 1 + SEG, DLEN, PEER_WND,
		 NULL, r);
	KUNIT_EXPECT_EQ(test, xsk->snd_una, ISS + 1 + SEG);
	KUNIT_EXPECT_EQ(test, xsk->packets_out, 0U);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&t.sk->sk_receive_queue));
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_ZEROWINDOWDROP),
			zwin + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OUTOFWINDOW), oow);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, r[0].flags, ACK);
		KUNIT_EXPECT_EQ(test, r[0].ack, IRS + 1);
		KUNIT_EXPECT_EQ(test, r[0].window, 0);
	}

	/* Past RCV.NXT: unacceptable, and its ACK field is not read. */
	n = feed(test, &t, ACK | PSH, IRS + 2, ISS + 1 + SEG, DLEN,
		 PEER_WND - 100, NULL, r);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OUTOFWINDOW), oow + 1);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, (u32)PEER_WND);
	KUNIT_EXPECT_EQ(test, n, 1U);

	/* Four bytes of window: ten bytes and a FIN come, four are taken. */
	set_rcv_wnd(&t, 4, rcvbuf);
	n = feed(test, &t, ACK | PSH | FIN, IRS + 1, ISS + 1 + SEG, DLEN,
		 PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1 + 4);
	KUNIT_EXPECT_EQ(test, t.sk->sk_state, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&t.sk->sk_receive_queue), 1U);
	if (!skb_queue_empty(&t.sk->sk_receive_queue))
		KUNIT_EXPECT_EQ(test,
				skb_peek(&t.sk->sk_receive_queue)->len, 4U);
	KUNIT_EXPECT_GE(test, n, 1U);
	if (n >= 1)
		KUNIT_EXPECT_EQ(test, r[n - 1].ack, IRS + 1 + 4);

	/* A RST at RCV.NXT with the window closed still resets. */
	set_rcv_wnd(&t, 0, 0);
	n = feed(test, &t, RST, IRS + 1 + 4, 0, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, t.sk->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(t.sk->sk_err), ECONNRESET);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

static int xmit_refused(struct sock *sk, struct sk_buff *skb)
{
	kfree_skb(skb);
	return -ENOBUFS;
}

/*
 * A reset that IP refuses is counted in XtcpAbortFailed, as TCP's
 * TCPAbortFailed: its peer only learns of the end from its timeouts.
 */
static void xtcp_sack_abort_failed(struct kunit *test)
{
	unsigned long failed = xtcp_kt_counter(XTCP_MIB_ABORTFAILED);
	unsigned long rsts = xtcp_kt_counter(XTCP_MIB_OUTRSTS);
	struct tsk t = {};

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, IRS + 1, 1, SEG),
			0);
	kunit_activate_static_stub(test, xtcp_queue_xmit, xmit_refused);
	lock_sock(t.sk);
	xtcp_send_active_reset(t.sk, GFP_KERNEL);
	release_sock(t.sk);
	/* The recorder again, for the teardown. */
	xtcp_kt_rec_start(test);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_ABORTFAILED),
			failed + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OUTRSTS), rsts + 1);

	/* One that leaves is not counted. */
	lock_sock(t.sk);
	xtcp_send_active_reset(t.sk, GFP_KERNEL);
	release_sock(t.sk);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_ABORTFAILED),
			failed + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(NULL), 1U);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * Urgent data from a peer (a Linux TCP one, through a translator): XTCP
 * has no out-of-band byte, so the urgent pointer is ignored and every
 * byte stays in the stream, SO_OOBINLINE or not; a pointer past the
 * segment, or with no text at all, changes nothing.
 */
static void xtcp_sack_urgent(struct kunit *test)
{
	static const u8 text[DLEN] = "0123456789";
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	static const u16 ptrs[] = { 3, 65535 };
	unsigned int i, inline_on;
	u8 got[DLEN];

	for (inline_on = 0; inline_on < 2; inline_on++) {
		for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
			struct sk_buff *skb, *q;
			struct xtcp_sock *xsk;
			struct tsk t = {};

			KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED,
							 IRS + 1, 1, SEG), 0);
			xsk = xtcp_sk(t.sk);
			sock_valbool_flag(t.sk, SOCK_URGINLINE, inline_on);
			skb = xtcp_kt_make_skb(PPORT, t.lport,
					       XTCP_FLAG_URG | ACK | PSH, IRS + 1,
					       ISS + 1 + SEG, PEER_WND, NULL,
					       text, DLEN);
			KUNIT_ASSERT_NOT_NULL(test, skb);
			xtcp_hdr(skb)->urg_ptr = htons(ptrs[i]);
			lock_sock(t.sk);
			xtcp_v4_do_rcv(t.sk, skb);
			xtcp_kt_rec_take(r);
			release_sock(t.sk);
			KUNIT_EXPECT_EQ(test, xsk->snd_una, ISS + 1 + SEG);
			KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1 + DLEN);
			KUNIT_EXPECT_EQ(test, READ_ONCE(t.sk->sk_err), 0);
			q = skb_peek(&t.sk->sk_receive_queue);
			KUNIT_EXPECT_NOT_NULL(test, q);
			if (q && q->len == DLEN &&
			    !skb_copy_bits(q, 0, got, DLEN))
				KUNIT_EXPECT_MEMEQ(test, got, text, DLEN);
			else
				KUNIT_FAIL(test, "the 10 bytes are not queued");

			/* URG on a bare ACK: nothing moves. */
			feed(test, &t, XTCP_FLAG_URG | ACK, IRS + 1 + DLEN,
			     ISS + 1 + SEG, 0, PEER_WND, NULL, r);
			KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, IRS + 1 + DLEN);
			KUNIT_EXPECT_EQ(test, t.sk->sk_state, TCP_ESTABLISHED);
			sack_teardown(&t);
		}
	}
	xtcp_kt_rec_take(NULL);
}

/*
 * Text on a SYN-ACK (RFC 9293 3.10.7.3): queued, and acknowledged with
 * the SYN; a FIN with it closes the peer's side at once.
 */
static void xtcp_sack_synack_text(struct kunit *test)
{
	static const u8 flags[] = { SYN | ACK | PSH, SYN | ACK | PSH | FIN };
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		bool fin = flags[i] & FIN;
		struct xtcp_sock *xsk;
		struct tsk t = {};
		u32 end = IRS + 1 + DLEN + fin;

		KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_SYN_SENT, 0, 0, 0), 0);
		xsk = xtcp_sk(t.sk);
		n = feed(test, &t, flags[i], IRS, ISS + 1, DLEN, PEER_WND,
			 NULL, r);
		KUNIT_EXPECT_EQ(test, t.sk->sk_state,
				fin ? TCP_CLOSE_WAIT : TCP_ESTABLISHED);
		KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, end);
		KUNIT_EXPECT_EQ(test, skb_queue_len(&t.sk->sk_receive_queue),
				1U);
		if (!skb_queue_empty(&t.sk->sk_receive_queue))
			KUNIT_EXPECT_EQ(test,
					skb_peek(&t.sk->sk_receive_queue)->len,
					(unsigned int)DLEN);
		/* The last segment sent acknowledges all of it. */
		KUNIT_EXPECT_GE(test, n, 1U);
		if (n >= 1) {
			KUNIT_EXPECT_EQ(test, r[n - 1].ack, end);
			KUNIT_EXPECT_TRUE(test, r[n - 1].flags & ACK);
		}
		sack_teardown(&t);
	}
	xtcp_kt_rec_take(NULL);
}

/*
 * The send window (RFC 9293 3.10.7.4, tcp_may_update_window()): a
 * segment far ahead in the receive window, as a forged one or one out of
 * order, carries a shut window; the peer's next ACK of new data, from an
 * older SEG.SEQ, opens it again.  An ACK below SND.UNA sets nothing.
 */
static void xtcp_sack_window_update(struct kunit *test)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct tsk t = {};

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, IRS + 1, 4, SEG),
			0);
	xsk = xtcp_sk(t.sk);

	/* Ahead of RCV.NXT, nothing newly acknowledged, window 0. */
	feed(test, &t, ACK, IRS + 1 + 500, ISS + 1, 0, 0, NULL, r);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, 0U);
	KUNIT_EXPECT_EQ(test, xsk->snd_wl1, IRS + 1 + 500);

	/* The peer's own ACK of the first segment, from RCV.NXT. */
	feed(test, &t, ACK, IRS + 1, ISS + 1 + SEG, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, xsk->snd_una, ISS + 1 + SEG);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, (u32)PEER_WND);
	KUNIT_EXPECT_EQ(test, xsk->snd_wl1, IRS + 1);

	/* Below SND.UNA, however new its SEG.SEQ: the window stays. */
	feed(test, &t, ACK, IRS + 1 + 900, ISS + 1, 0, 5, NULL, r);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, (u32)PEER_WND);
	KUNIT_EXPECT_EQ(test, xsk->snd_wl1, IRS + 1);

	/* At SND.UNA with a newer SEG.SEQ: RFC 9293 takes it. */
	feed(test, &t, ACK, IRS + 1 + 900, ISS + 1 + SEG, 0, 7, NULL, r);
	KUNIT_EXPECT_EQ(test, xsk->snd_wnd, 7U);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * Answers to bad segments: at most one per invalid_ratelimit for a
 * connection, but data is always answered; challenge ACKs within the
 * socket's limit and a budget drawn each second between half and one
 * and a half times challenge_ack_limit.
 */
static void xtcp_sack_invalid_ratelimit(struct kunit *test)
{
	unsigned long skipped = xtcp_kt_counter(XTCP_MIB_ACKSKIPPED);
	const u32 away = IRS + 1 + (1U << 30);	/* past any window */
	unsigned long ch, lim, j0;
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sysctl saved = xn->sysctl;
	unsigned int i, n, sent;
	struct tsk t = {};

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, IRS + 1, 1, DLEN),
			0);
	WRITE_ONCE(xn->sysctl.invalid_ratelimit, 60000);

	n = feed(test, &t, ACK, away, ISS + 1, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	n = feed(test, &t, ACK, away, ISS + 1, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_ACKSKIPPED),
			skipped + 1);
	/* Data: the peer may have lost our ACK; always answered. */
	n = feed(test, &t, ACK | PSH, away, ISS + 1, DLEN, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	/* A SYN's challenge ACK falls under the same limit. */
	n = feed(test, &t, SYN, IRS + 1, 0, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_ACKSKIPPED),
			skipped + 2);

	WRITE_ONCE(xn->sysctl.invalid_ratelimit, 0);
	n = feed(test, &t, ACK, away, ISS + 1, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 1U);

	/* A budget of 2: one or two a second, the draw's. */
	WRITE_ONCE(xn->sysctl.challenge_ack_limit, 2);
	spin_lock_bh(&xn->challenge_lock);
	xn->challenge_stamp = jiffies - 2 * HZ;	/* draw anew */
	spin_unlock_bh(&xn->challenge_lock);
	ch = xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS);
	lim = xtcp_kt_counter(XTCP_MIB_CHALLENGELIMITED);
	sent = 0;
	j0 = jiffies;
	for (i = 0; i < 8; i++)
		sent += feed(test, &t, SYN, IRS + 1, 0, 0, PEER_WND, NULL, r);
	/* Each second begun may draw another budget. */
	KUNIT_EXPECT_GE(test, sent, 1U);
	KUNIT_EXPECT_LE(test, sent, 2 * ((jiffies - j0) / HZ + 1));
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS),
			ch + sent);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGELIMITED),
			lim + 8 - sent);

	/* No budget: none. */
	WRITE_ONCE(xn->sysctl.challenge_ack_limit, 0);
	spin_lock_bh(&xn->challenge_lock);
	xn->challenge_stamp = jiffies - 2 * HZ;
	spin_unlock_bh(&xn->challenge_lock);
	n = feed(test, &t, SYN, IRS + 1, 0, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 0U);
	spin_lock_bh(&xn->challenge_lock);
	xn->challenge_stamp = jiffies - 2 * HZ;
	spin_unlock_bh(&xn->challenge_lock);

	WRITE_ONCE(xn->sysctl.invalid_ratelimit, saved.invalid_ratelimit);
	WRITE_ONCE(xn->sysctl.challenge_ack_limit, saved.challenge_ack_limit);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * Karn (RFC 6298 5.7): an ACK of retransmitted data, without timestamps,
 * gives no sample and leaves the backed-off RTO; the next ACK of data
 * sent once does, and the backoff is gone.
 */
static void xtcp_sack_karn(struct kunit *test)
{
	const u64 backed = 4ULL * NSEC_PER_SEC;
	struct xtcp_sock *xsk;
	struct tsk t = {};
	u32 samples;

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, IRS + 1, 2, SEG),
			0);
	xsk = xtcp_sk(t.sk);
	lock_sock(t.sk);
	XTCP_SKB_CB(skb_peek(&t.sk->sk_write_queue))->sacked |=
		XTCP_SKB_RETRANS;
	xsk->retransmits = 2;
	xsk->rto_ns = backed;
	samples = xsk->rtt_samples;
	release_sock(t.sk);

	feed(test, &t, ACK, IRS + 1, ISS + 1 + SEG, 0, PEER_WND, NULL, NULL);
	KUNIT_EXPECT_EQ(test, xsk->snd_una, ISS + 1 + SEG);
	KUNIT_EXPECT_EQ(test, xsk->retransmits, 0);
	KUNIT_EXPECT_EQ(test, xsk->rtt_samples, samples);
	KUNIT_EXPECT_EQ(test, xsk->rto_ns, backed);

	feed(test, &t, ACK, IRS + 1, ISS + 1 + 2 * SEG, 0, PEER_WND, NULL,
	     NULL);
	KUNIT_EXPECT_EQ(test, xsk->rtt_samples, samples + 1);
	KUNIT_EXPECT_LT(test, xsk->rto_ns, backed);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * A connection born from a listener loses a segment of its very first
 * flight: three duplicate ACKs start NewReno's fast retransmit (recover
 * starts at the ISS, not at SND.UNA, RFC 6582 3.2).
 */
static void xtcp_sack_first_flight(struct kunit *test)
{
	unsigned long fast = xtcp_kt_counter(XTCP_MIB_FASTRETRANS);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_opts o = {};
	struct xtcp_sock *xsk;
	unsigned int i, n = 0;
	struct tsk t = {};
	int err = 0;
	u32 una;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	o.has_mss = 1;
	o.mss = SEG;
	KUNIT_ASSERT_EQ(test, listen_child(&t, 0, &o, r, &n), 0);
	xsk = xtcp_sk(t.sk);

	lock_sock(t.sk);
	una = xsk->snd_una;
	for (i = 0; i < 5 && !err; i++)
		err = xtcp_kt_queue_sent(t.sk, una + i * SEG, SEG, 0);
	xsk->snd_nxt = una + 5 * SEG;
	xsk->write_seq = xsk->snd_nxt;
	release_sock(t.sk);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE(test, xsk->cc.sack);

	for (i = 0; i < 3; i++)
		n = feed(test, &t, ACK, IRS + 1, una, 0, PEER_WND, NULL, r);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_FASTRETRANS), fast + 1);
	KUNIT_EXPECT_GE(test, n, 1U);
	if (n >= 1) {
		KUNIT_EXPECT_EQ(test, r[0].seq, una);
		KUNIT_EXPECT_EQ(test, r[0].len, (u32)SEG);
	}
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * A retransmission timeout deferred while the user held the socket, its
 * timer armed again before release_sock() ran the deferred work (an ACK
 * in the backlog moved the deadline): the stale expiry does nothing; the
 * timer queued now is the one that counts.
 */
static void xtcp_sack_stale_expiry(struct kunit *test)
{
	unsigned long rto = xtcp_kt_counter(XTCP_MIB_RTOEXPIRED);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_sock *xsk;
	struct tsk t = {};

	KUNIT_ASSERT_EQ(test, sack_setup(&t, TCP_ESTABLISHED, IRS + 1, 2, SEG),
			0);
	xsk = xtcp_sk(t.sk);
	lock_sock(t.sk);
	/* The timer fired while we owned the socket: its reference passed. */
	sock_hold(t.sk);
	set_bit(XTCP_RTX_DEFERRED, &xsk->deferred);
	/* Then the deadline moved on. */
	xtcp_rtx_timer_arm(t.sk);
	release_sock(t.sk);

	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_RTOEXPIRED), rto);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(r), 0U);
	KUNIT_EXPECT_EQ(test, xsk->retransmits, 0);
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(&xsk->rtx_timer));
	KUNIT_EXPECT_FALSE(test, test_bit(XTCP_RTX_DEFERRED, &xsk->deferred));
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/*
 * connect(AF_UNSPEC) disconnects to a clean CLOSED state: nothing the
 * connection learnt or agreed (timestamps and TS.Recent, SACK, window
 * scaling, congestion and RTT state, queues) carries over to the next
 * connect(); the user's options stay (TCP's tcp_disconnect()).
 */
static void xtcp_sack_disconnect(struct kunit *test)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	struct xtcp_sock *xsk;
	struct xtcp_opts o;
	struct tsk t = {};

	KUNIT_ASSERT_EQ(test, paws_setup(&t, 100), 0);
	xsk = xtcp_sk(t.sk);
	lock_sock(t.sk);
	xsk->sack_ok = 1;
	xsk->wscale_ok = 1;
	xsk->snd_wscale = 7;
	xsk->rcv_wscale = 5;
	xsk->cc.cwnd = 3;
	xsk->cc.state = XTCP_CA_RECOVERY;
	xsk->rtt.srtt_us = 1000;
	xsk->nodelay = 1;
	release_sock(t.sk);
	ts_opts(&o, TSX + 1);
	feed(test, &t, ACK | PSH, IRS + 1, ISS + 1, DLEN, PEER_WND, &o, NULL);
	KUNIT_ASSERT_EQ(test, skb_queue_len(&t.sk->sk_receive_queue), 1U);

	KUNIT_EXPECT_EQ(test, kernel_connect(t.sock, &sa, sizeof(sa), 0), 0);
	lock_sock(t.sk);
	KUNIT_EXPECT_EQ(test, t.sk->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&t.sk->sk_receive_queue));
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&t.sk->sk_write_queue));
	KUNIT_EXPECT_EQ(test, xsk->packets_out, 0U);
	KUNIT_EXPECT_EQ(test, (int)xsk->tstamp_ok, 0);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent, 0U);
	KUNIT_EXPECT_EQ(test, xsk->ts_recent_stamp, 0U);
	KUNIT_EXPECT_EQ(test, (int)xsk->sack_ok, 0);
	KUNIT_EXPECT_EQ(test, (int)xsk->wscale_ok, 0);
	KUNIT_EXPECT_EQ(test, xsk->snd_wscale, 0);
	KUNIT_EXPECT_EQ(test, xsk->rcv_wscale, 0);
	KUNIT_EXPECT_EQ(test, xsk->cc.cwnd, (u32)XTCP_INIT_CWND);
	KUNIT_EXPECT_EQ(test, xsk->cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, xsk->rtt.srtt_us, 0U);
	KUNIT_EXPECT_EQ(test, xsk->rto_ns, (u64)XTCP_RTO_INIT_NS);
	KUNIT_EXPECT_EQ(test, xsk->rcv_nxt, 0U);
	KUNIT_EXPECT_EQ(test, xsk->snd_una, 0U);
	KUNIT_EXPECT_EQ(test, xsk->bytes_received, 0ULL);
	KUNIT_EXPECT_EQ(test, xsk->mss_cache, XTCP_DEFAULT_MSS);
	KUNIT_EXPECT_EQ(test, (int)xsk->nodelay, 1);
	release_sock(t.sk);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

/* The reason the segment being watched was freed with, if dropped. */
static struct sk_buff *drop_watched;
static enum skb_drop_reason drop_seen;

static void drop_probe(void *data, struct sk_buff *skb, void *location,
		       enum skb_drop_reason reason, struct sock *rx_sk)
{
	if (skb == READ_ONCE(drop_watched))
		WRITE_ONCE(drop_seen, reason);
}

enum { D_EST, D_PAWS, D_ZWIN };

struct drop_case {
	const char *name;
	u8 setup;
	u8 flags;
	s32 seq;	/* SEG.SEQ - RCV.NXT */
	s32 ack;	/* SEG.ACK - SND.UNA */
	u16 dlen;
	enum skb_drop_reason want;	/* SKB_CONSUMED: not dropped */
};

static const struct drop_case drop_cases[] = {
	{ "PAWS", D_PAWS, ACK | PSH, 0, 0, DLEN,
	  SKB_DROP_REASON_TCP_RFC7323_PAWS },
	{ "old sequence", D_EST, ACK | PSH, -2000, 0, DLEN,
	  SKB_DROP_REASON_TCP_OLD_SEQUENCE },
	{ "past the window", D_EST, ACK, 1 << 30, 0, 0,
	  SKB_DROP_REASON_TCP_INVALID_SEQUENCE },
	{ "RST in the window", D_EST, RST, 1, 0, 0, SKB_DROP_REASON_TCP_RESET },
	{ "SYN", D_EST, SYN, 0, 0, 0, SKB_DROP_REASON_TCP_INVALID_SYN },
	{ "no ACK", D_EST, PSH, 0, 0, DLEN, SKB_DROP_REASON_TCP_FLAGS },
	{ "ACK of data never sent", D_EST, ACK, 0, DLEN + 100, 0,
	  SKB_DROP_REASON_TCP_ACK_UNSENT_DATA },
	{ "ACK too old", D_EST, ACK, 0, -(PEER_WND + 10), 0,
	  SKB_DROP_REASON_TCP_TOO_OLD_ACK },
	{ "closed window", D_ZWIN, ACK | PSH, 0, 0, DLEN,
	  SKB_DROP_REASON_TCP_ZEROWINDOW },
	{ "data in order", D_EST, ACK | PSH, 0, 0, DLEN, SKB_CONSUMED },
	{ "a plain ACK", D_EST, ACK, 0, DLEN, 0, SKB_CONSUMED },
};

static void drop_desc(const struct drop_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(drop, drop_cases, drop_desc);

/*
 * A segment the state machine drops is freed with kfree_skb_reason() and
 * the reason TCP gives the same drop, so that drop monitors and perf see
 * why; one it uses or queues is not reported as a drop.  Seen through
 * the kfree_skb tracepoint.
 */
static void xtcp_sack_drop_reasons(struct kunit *test)
{
	const struct drop_case *c = test->param_value;
	struct xtcp_opts o, *op = NULL;
	struct sk_buff *skb;
	struct tsk t = {};
	int err;

	err = c->setup == D_PAWS ? paws_setup(&t, 100) :
	      sack_setup(&t, TCP_ESTABLISHED, IRS + 1, 1, DLEN);
	KUNIT_ASSERT_EQ(test, err, 0);
	if (c->setup == D_PAWS) {
		ts_opts(&o, TSX - 1);
		op = &o;
	}
	if (c->setup == D_ZWIN)
		set_rcv_wnd(&t, 0, 0);
	skb = sack_make_skb(&t, c->flags, IRS + 1 + c->seq, ISS + 1 + c->ack,
			    c->dlen, PEER_WND, op);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	WRITE_ONCE(drop_seen, SKB_CONSUMED);
	WRITE_ONCE(drop_watched, skb);
	KUNIT_ASSERT_EQ(test, register_trace_kfree_skb(drop_probe, NULL), 0);
	lock_sock(t.sk);
	xtcp_v4_do_rcv(t.sk, skb);
	release_sock(t.sk);
	unregister_trace_kfree_skb(drop_probe, NULL);
	tracepoint_synchronize_unregister();
	WRITE_ONCE(drop_watched, NULL);

	KUNIT_EXPECT_EQ(test, READ_ONCE(drop_seen), c->want);
	sack_teardown(&t);
	xtcp_kt_rec_take(NULL);
}

static int xtcp_sack_init(struct kunit *test)
{
	xtcp_kt_rec_start(test);
	return 0;
}

static void xtcp_sack_exit(struct kunit *test)
{
	xtcp_kt_rec_stop(test);
}

static struct kunit_case xtcp_sack_cases[] = {
	KUNIT_CASE_PARAM(xtcp_sack_wscale_send, wscale_gen_params),
	KUNIT_CASE(xtcp_sack_wscale_receive),
	KUNIT_CASE(xtcp_sack_wscale_active),
	KUNIT_CASE(xtcp_sack_wscale_select),
	KUNIT_CASE(xtcp_sack_options_agreed),
	KUNIT_CASE(xtcp_sack_paws),
	KUNIT_CASE(xtcp_sack_paws_disordered_ack),
	KUNIT_CASE(xtcp_sack_paws_idle),
	KUNIT_CASE_PARAM(xtcp_sack_blocks_sent, sack_ts_gen_params),
	KUNIT_CASE(xtcp_sack_recovery_entry),
	KUNIT_CASE(xtcp_sack_scoreboard),
	KUNIT_CASE(xtcp_sack_tiny_mss),
	KUNIT_CASE(xtcp_sack_ts_recent_acceptable),
	KUNIT_CASE(xtcp_sack_paws_request),
	KUNIT_CASE(xtcp_sack_zero_window),
	KUNIT_CASE(xtcp_sack_window_update),
	KUNIT_CASE(xtcp_sack_synack_text),
	KUNIT_CASE(xtcp_sack_urgent),
	KUNIT_CASE(xtcp_sack_abort_failed),
	KUNIT_CASE(xtcp_sack_invalid_ratelimit),
	KUNIT_CASE(xtcp_sack_karn),
	KUNIT_CASE(xtcp_sack_first_flight),
	KUNIT_CASE(xtcp_sack_stale_expiry),
	KUNIT_CASE(xtcp_sack_disconnect),
	KUNIT_CASE_PARAM(xtcp_sack_drop_reasons, drop_gen_params),
	{}
};

static struct kunit_suite xtcp_sack_suite = {
	.name = "xtcp_sack",
	.init = xtcp_sack_init,
	.exit = xtcp_sack_exit,
	.test_cases = xtcp_sack_cases,
};

kunit_test_suites(&xtcp_sack_suite);
