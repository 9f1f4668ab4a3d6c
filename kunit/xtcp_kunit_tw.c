// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_tw": TIME_WAIT entries, the mini-sockets that take
 * the place of an actively closed connection (xtcp_timewait.c).
 *
 * The expiry queue runs on a queue of the test's own, at chosen clocks,
 * its timer never started: entries are reaped in the order of their
 * stamps, a batch at most, a cancelled one leaves the middle, a restarted
 * one goes to the tail.  xtcp_tw_judge() and xtcp_tw_reusable() are
 * decisions, each checked against a table written from RFC 9293 3.10.7.4
 * (TIME-WAIT STATE), RFC 1337, RFC 6191 and RFC 7323 as Linux TCP applies
 * them.
 *
 * Then real entries: a socket of init_net set up by hand in FIN_WAIT2
 * takes the peer's FIN through xtcp_v4_do_rcv() and gives its place in
 * the connection table to an entry; the peer's segments reach the entry
 * as IPv4 hands them to xtcp_v4_rcv(), and what it sends is caught by the
 * recorder as a reply of no socket.  The cases purge the entries they
 * leave.
 */

#include <kunit/test.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define SYN		XTCP_FLAG_SYN
#define ACK		XTCP_FLAG_ACK
#define FIN		XTCP_FLAG_FIN
#define RST		XTCP_FLAG_RST
#define PSH		XTCP_FLAG_PSH

#define C(f)		xtcp_kt_counter(XTCP_MIB_##f)

/* ---- The expiry queue ------------------------------------------------ */

#define Q_LEN		1000ULL		/* tw_timeout of the queue, ns */

/* Whatever the case left in its queue, freed as a purge frees it. */
static void twq_release(void *data)
{
	struct xtcp_twq *q = data;

	__xtcp_twq_reap(q, U64_MAX, 0, UINT_MAX);
	hrtimer_cancel(&q->timer);
}

/* A queue of the case's own: no namespace, so no counters. */
static struct xtcp_twq *twq_new(struct kunit *test)
{
	struct xtcp_twq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, q);
	__xtcp_twq_init(q, NULL);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, twq_release, q),
			0);
	return q;
}

static void twq_add_locked(struct xtcp_twq *q, struct xtcp_tw *tw, u64 now)
{
	spin_lock_bh(&q->lock);
	__xtcp_twq_add(q, tw, now);
	spin_unlock_bh(&q->lock);
}

/*
 * A new entry, added at @stamp.  It is zeroed and in no bucket: the
 * reaper locks init_net's bucket of its (zero) 4-tuple and finds it
 * unhashed.
 */
static struct xtcp_tw *twq_add(struct kunit *test, struct xtcp_twq *q,
			       u64 stamp)
{
	struct xtcp_tw *tw = xtcp_tw_alloc();

	KUNIT_ASSERT_NOT_NULL(test, tw);
	twq_add_locked(q, tw, stamp);
	return tw;
}

static void twq_restart(struct xtcp_twq *q, struct xtcp_tw *tw, u64 now)
{
	spin_lock_bh(&q->lock);
	__xtcp_twq_restart(q, tw, now);
	spin_unlock_bh(&q->lock);
}

static void twq_unlist(struct xtcp_twq *q, struct xtcp_tw *tw)
{
	spin_lock_bh(&q->lock);
	xtcp_tw_unlist(q, tw);
	spin_unlock_bh(&q->lock);
}

static struct xtcp_tw *twq_head(struct xtcp_twq *q)
{
	struct xtcp_tw *tw;

	spin_lock_bh(&q->lock);
	tw = list_first_entry_or_null(&q->list, struct xtcp_tw, lnode);
	spin_unlock_bh(&q->lock);
	return tw;
}

/* The head's expiry, 0 for an empty queue. */
static u64 twq_next(struct xtcp_twq *q)
{
	u64 expires = 0;
	bool any;

	spin_lock_bh(&q->lock);
	any = __xtcp_twq_next(q, Q_LEN, &expires);
	spin_unlock_bh(&q->lock);
	return any ? expires : 0;
}

/* Whether the queue holds exactly @want[0..@n), in that order, listed. */
static bool twq_is(struct xtcp_twq *q, struct xtcp_tw *const *want,
		   unsigned int n)
{
	struct xtcp_tw *tw;
	unsigned int i = 0;
	bool same = true;

	spin_lock_bh(&q->lock);
	list_for_each_entry(tw, &q->list, lnode) {
		if (i >= n || tw != want[i] || !tw->listed)
			same = false;
		i++;
	}
	same = same && i == n && q->count == n;
	spin_unlock_bh(&q->lock);
	return same;
}

/*
 * Entries added at t0 < t1 < t2 end in that order, each exactly when the
 * clock reaches its stamp + tw_timeout, not a nanosecond before; the
 * head's expiry follows.
 */
static void xtcp_tw_queue_order(struct kunit *test)
{
	static const u64 t[] = { 100, 200, 300 };
	struct xtcp_twq *q = twq_new(test);
	struct xtcp_tw *tw[ARRAY_SIZE(t)];
	unsigned int i, left;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		tw[i] = twq_add(test, q, t[i]);
	KUNIT_EXPECT_TRUE(test, twq_is(q, tw, 3));
	KUNIT_EXPECT_EQ(test, twq_next(q), t[0] + Q_LEN);

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		left = ARRAY_SIZE(t) - i - 1;
		KUNIT_EXPECT_PTR_EQ_MSG(test, twq_head(q), tw[i], "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test,
				    __xtcp_twq_reap(q, t[i] + Q_LEN - 1, Q_LEN,
						    8), 0U, "entry %u early", i);
		KUNIT_EXPECT_EQ_MSG(test,
				    __xtcp_twq_reap(q, t[i] + Q_LEN, Q_LEN, 8),
				    1U, "entry %u due", i);
		KUNIT_EXPECT_TRUE_MSG(test, twq_is(q, tw + i + 1, left),
				      "after entry %u", i);
		if (left)
			KUNIT_EXPECT_EQ_MSG(test, twq_next(q), t[i + 1] + Q_LEN,
					    "after entry %u", i);
	}
	KUNIT_EXPECT_EQ(test, twq_next(q), 0ULL);
	KUNIT_EXPECT_TRUE(test, list_empty(&q->list));
	KUNIT_EXPECT_EQ(test, __xtcp_twq_reap(q, U64_MAX - 1, Q_LEN, 8), 0U);
}

/*
 * Ten entries due at once and a budget of four: four end, six wait for
 * the next batch, which takes them all; a budget of 0 takes nothing.
 */
static void xtcp_tw_queue_budget(struct kunit *test)
{
	struct xtcp_twq *q = twq_new(test);
	struct xtcp_tw *tw[10];
	u64 now = 90 + Q_LEN;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tw); i++)
		tw[i] = twq_add(test, q, 10 * i);
	KUNIT_EXPECT_EQ(test, __xtcp_twq_reap(q, now, Q_LEN, 0), 0U);
	KUNIT_EXPECT_EQ(test, q->count, 10U);
	KUNIT_EXPECT_EQ(test, __xtcp_twq_reap(q, now, Q_LEN, 4), 4U);
	KUNIT_EXPECT_TRUE(test, twq_is(q, tw + 4, 6));
	/* The head of the next batch is due already. */
	KUNIT_EXPECT_EQ(test, twq_next(q), 40 + Q_LEN);
	KUNIT_EXPECT_EQ(test, __xtcp_twq_reap(q, now, Q_LEN, 128), 6U);
	KUNIT_EXPECT_EQ(test, q->count, 0U);
	KUNIT_EXPECT_EQ(test, twq_next(q), 0ULL);
}

/*
 * Cancel (a SYN or connect() taking the entry): xtcp_tw_unlist() takes
 * one out of the middle, the count with it; the reaper never sees it.
 * The head and the tail can go too.
 */
static void xtcp_tw_queue_cancel(struct kunit *test)
{
	struct xtcp_twq *q = twq_new(test);
	struct xtcp_tw *tw[5], *rest[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tw); i++)
		tw[i] = twq_add(test, q, 10 * (i + 1));

	twq_unlist(q, tw[2]);
	KUNIT_EXPECT_FALSE(test, tw[2]->listed);
	rest[0] = tw[0];
	rest[1] = tw[1];
	rest[2] = tw[3];
	rest[3] = tw[4];
	KUNIT_EXPECT_TRUE(test, twq_is(q, rest, 4));

	/* By the cancelled one's expiry, only those before it end. */
	KUNIT_EXPECT_EQ(test, __xtcp_twq_reap(q, 30 + Q_LEN, Q_LEN, 8), 2U);
	KUNIT_EXPECT_TRUE(test, twq_is(q, rest + 2, 2));
	KUNIT_EXPECT_EQ(test, twq_next(q), 40 + Q_LEN);

	twq_unlist(q, tw[4]);
	KUNIT_EXPECT_TRUE(test, twq_is(q, rest + 2, 1));
	twq_unlist(q, tw[3]);
	KUNIT_EXPECT_TRUE(test, twq_is(q, NULL, 0));
	KUNIT_EXPECT_EQ(test, twq_next(q), 0ULL);

	/* Back in the queue, to be freed with it. */
	for (i = 2; i < ARRAY_SIZE(tw); i++)
		twq_add_locked(q, tw[i], 100);
}

/*
 * Re-arm (a segment restarting the wait, RFC 9293 3.10.7.4): the entry
 * moves to the tail with its new stamp, wherever it was, and the head's
 * expiry follows; an entry in no list is left alone.
 */
static void xtcp_tw_queue_restart(struct kunit *test)
{
	struct xtcp_tw *tw[3], *want[3], *lone;
	struct xtcp_twq *q = twq_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tw); i++)
		tw[i] = twq_add(test, q, 10 * (i + 1));
	KUNIT_EXPECT_EQ(test, twq_next(q), 10 + Q_LEN);

	/* The head to the tail. */
	twq_restart(q, tw[0], 40);
	want[0] = tw[1];
	want[1] = tw[2];
	want[2] = tw[0];
	KUNIT_EXPECT_TRUE(test, twq_is(q, want, 3));
	KUNIT_EXPECT_EQ(test, tw[0]->stamp, 40ULL);
	KUNIT_EXPECT_EQ(test, twq_next(q), 20 + Q_LEN);

	/* From the middle. */
	twq_restart(q, tw[2], 50);
	want[1] = tw[0];
	want[2] = tw[2];
	KUNIT_EXPECT_TRUE(test, twq_is(q, want, 3));
	KUNIT_EXPECT_EQ(test, twq_next(q), 20 + Q_LEN);

	/* The tail stays the tail, later. */
	twq_restart(q, tw[2], 60);
	KUNIT_EXPECT_TRUE(test, twq_is(q, want, 3));
	KUNIT_EXPECT_EQ(test, tw[2]->stamp, 60ULL);

	/* Reaped by the new stamps: tw[1], then tw[0] at 40 + len. */
	KUNIT_EXPECT_EQ(test, __xtcp_twq_reap(q, 40 + Q_LEN - 1, Q_LEN, 8),
			1U);
	KUNIT_EXPECT_TRUE(test, twq_is(q, want + 1, 2));
	KUNIT_EXPECT_EQ(test, twq_next(q), 40 + Q_LEN);
	KUNIT_EXPECT_EQ(test, __xtcp_twq_reap(q, 40 + Q_LEN, Q_LEN, 8), 1U);
	KUNIT_EXPECT_TRUE(test, twq_is(q, want + 2, 1));
	KUNIT_EXPECT_EQ(test, twq_next(q), 60 + Q_LEN);

	/* Not listed (taken by a SYN, or by the reaper): left alone. */
	lone = xtcp_tw_alloc();
	KUNIT_ASSERT_NOT_NULL(test, lone);
	lone->stamp = 5;
	twq_restart(q, lone, 70);
	KUNIT_EXPECT_FALSE(test, lone->listed);
	KUNIT_EXPECT_EQ(test, lone->stamp, 5ULL);
	KUNIT_EXPECT_TRUE(test, twq_is(q, want + 2, 1));
	KUNIT_EXPECT_EQ(test, twq_next(q), 60 + Q_LEN);
	/* In the queue, to be freed with it. */
	twq_add_locked(q, lone, 80);
}

/* ---- What a segment does to an entry: xtcp_tw_judge() --------------- */

#define J_RCV_NXT	0xfffffff0U	/* RCV.NXT, 16 below the wrap */
#define J_SND_NXT	0x12345678U
#define J_TS_RECENT	0x7ffffff8U	/* TS.Recent, 8 below 2^31 */
#define J_NOW_S		100000U

#define V_ACK		XTCP_TWV_ACK
#define V_RESTART	XTCP_TWV_RESTART
#define V_TS		XTCP_TWV_TS
#define V_SYN		XTCP_TWV_SYN
#define V_PAWS		XTCP_TWV_PAWS

struct judge_case {
	const char *name;
	bool ts;		/* the entry has timestamps */
	u8 flags;
	s32 seq;		/* SEG.SEQ - RCV.NXT */
	u16 dlen;		/* bytes of data */
	bool has_ts;		/* the segment carries a timestamp */
	s32 tsval;		/* SEG.TSval - TS.Recent */
	unsigned int want;	/* XTCP_TWV_* */
};

#define J(n, f, s, v)		{ .name = (n), .flags = (f), .seq = (s), \
				  .want = (v) }
#define JD(n, f, s, d, v)	{ .name = (n), .flags = (f), .seq = (s), \
				  .dlen = (d), .want = (v) }
#define JT(n, ets, f, s, t, v)	{ .name = (n), .ts = (ets), .flags = (f), \
				  .seq = (s), .has_ts = true, .tsval = (t), \
				  .want = (v) }

/*
 * The table, from RFC 9293 3.10.7.4 in TIME-WAIT, RFC 1337 (resets do not
 * end TIME_WAIT), RFC 6191 (a SYN may reopen the 4-tuple) and RFC 7323
 * 5.3 (PAWS), as Linux's tcp_timewait_state_process() applies them:
 *  - a bare ACK at RCV.NXT is the peer's last ACK again: no answer, the
 *    wait restarts and a newer or equal TSval becomes TS.Recent; a reset
 *    at RCV.NXT, or anywhere, is dropped;
 *  - a SYN without ACK beyond RCV.NXT, or carrying a TSval newer than
 *    TS.Recent, opens a new connection unless PAWS rejects it;
 *  - everything else is acknowledged, <SEQ=SND.NXT><ACK=RCV.NXT>, and the
 *    wait restarts when the segment has the ACK flag (a retransmitted FIN
 *    does) or is an old duplicate by PAWS.
 * RCV.NXT sits 16 below 2^32, so "beyond" crosses the wrap; the peer's
 * TSvals cross 2^31 from TS.Recent.
 */
static const struct judge_case judge_cases[] = {
	J("bare ACK at RCV.NXT", ACK, 0, V_RESTART),
	JT("bare ACK at RCV.NXT, newer TSval", true, ACK, 0, 1,
	   V_RESTART | V_TS),
	JT("bare ACK at RCV.NXT, TSval equal to TS.Recent", true, ACK, 0, 0,
	   V_RESTART | V_TS),
	JT("bare ACK at RCV.NXT, TSval 2^31 - 1 newer", true, ACK, 0,
	   0x7fffffff, V_RESTART | V_TS),
	JT("bare ACK at RCV.NXT, TSval, entry without timestamps", false,
	   ACK, 0, 1, V_RESTART),
	J("RST at RCV.NXT (RFC 1337)", RST, 0, 0),
	J("RST-ACK at RCV.NXT", RST | ACK, 0, 0),
	J("RST-FIN-ACK at RCV.NXT", RST | FIN | ACK, 0, 0),
	J("RST at RCV.NXT + 1", RST, 1, 0),
	J("RST below RCV.NXT", RST, -1000, 0),
	J("RST beyond RCV.NXT", RST, 100000, 0),
	JT("RST with an older TSval", true, RST, 1, -1, 0),
	J("FIN retransmitted", FIN | ACK, -1, V_ACK | V_RESTART),
	JT("FIN retransmitted, TSval equal to TS.Recent", true, FIN | ACK, -1,
	   0, V_ACK | V_RESTART),
	J("FIN at RCV.NXT", FIN | ACK, 0, V_ACK | V_RESTART),
	J("SYN beyond RCV.NXT", SYN, 1000, V_SYN),
	J("SYN at RCV.NXT + 1", SYN, 1, V_SYN),
	J("SYN at RCV.NXT", SYN, 0, V_ACK),
	J("SYN below RCV.NXT, no timestamps", SYN, -1000, V_ACK),
	JT("SYN below RCV.NXT, newer TSval", true, SYN, -1000, 1, V_SYN),
	JT("SYN below RCV.NXT, TSval equal to TS.Recent", true, SYN, -1000, 0,
	   V_ACK),
	JT("SYN below RCV.NXT, newer TSval, entry without timestamps", false,
	   SYN, -1000, 1, V_ACK),
	JT("SYN beyond RCV.NXT, older TSval (PAWS)", true, SYN, 1000, -1,
	   V_PAWS | V_ACK | V_RESTART),
	JT("SYN beyond RCV.NXT, TSval 2^31 away (PAWS)", true, SYN, 1000,
	   (s32)0x80000000, V_PAWS | V_ACK | V_RESTART),
	J("SYN-ACK beyond RCV.NXT", SYN | ACK, 1000, V_ACK | V_RESTART),
	J("SYN-RST beyond RCV.NXT", SYN | RST, 1000, 0),
	JD("data at RCV.NXT", ACK | PSH, 0, 10, V_ACK | V_RESTART),
	JD("data out of window", ACK | PSH, 100000, 10, V_ACK | V_RESTART),
	JD("data without ACK, out of window", PSH, 100000, 10, V_ACK),
	J("bare ACK out of window", ACK, 100000, V_ACK | V_RESTART),
	J("bare ACK below RCV.NXT", ACK, -1, V_ACK | V_RESTART),
	JT("PAWS: old duplicate ACK at RCV.NXT", true, ACK, 0, -1,
	   V_PAWS | V_ACK | V_RESTART),
	JT("PAWS: old duplicate data", true, ACK | PSH, 0, -1000,
	   V_PAWS | V_ACK | V_RESTART),
};

static void judge_desc(const struct judge_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(judge, judge_cases, judge_desc);

/* XTCP_TWV_* bits by name, for the failure messages. */
static const char *twv_str(unsigned int v, char *buf, size_t len)
{
	static const char *const names[] = {
		"ACK", "RESTART", "TS", "SYN", "PAWS", "FOUND",
	};
	unsigned int i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (v & BIT(i))
			off += scnprintf(buf + off, len - off, "%s%s",
					 off ? "|" : "", names[i]);
	if (!off)
		scnprintf(buf, len, "0");
	return buf;
}

static void xtcp_tw_judge_table(struct kunit *test)
{
	const struct judge_case *c = test->param_value;
	struct xtcp_skb_cb cb = {};
	struct xtcp_opts opts = {};
	char got_s[48], want_s[48];
	struct xtcp_tw tw = {};
	unsigned int got;

	tw.snd_nxt = J_SND_NXT;
	tw.rcv_nxt = J_RCV_NXT;
	tw.window = 1000;
	/* Only tstamp_ok says whether the timestamps count. */
	tw.ts_recent = J_TS_RECENT;
	tw.ts_recent_stamp = J_NOW_S - 10;
	tw.tstamp_ok = c->ts;

	cb.flags = c->flags;
	cb.seq = J_RCV_NXT + c->seq;
	cb.end_seq = cb.seq + c->dlen + !!(c->flags & SYN) +
		     !!(c->flags & FIN);
	cb.ack_seq = c->flags & ACK ? J_SND_NXT : 0;
	opts.has_tstamp = c->has_ts;
	opts.tsval = J_TS_RECENT + c->tsval;
	opts.tsecr = 0x1000;

	got = xtcp_tw_judge(&tw, &cb, &opts);
	KUNIT_EXPECT_EQ_MSG(test, got, c->want, "%s: %s, want %s", c->name,
			    twv_str(got, got_s, sizeof(got_s)),
			    twv_str(c->want, want_s, sizeof(want_s)));
}

/* ---- May connect() take an entry's 4-tuple: xtcp_tw_reusable() ------ */

#define R_STAMP		5000U	/* TS.Recent's stamp, seconds */

struct reuse_case {
	const char *name;
	bool ts;		/* the entry has timestamps */
	u32 stamp;		/* its TS.Recent's stamp */
	int reuse;		/* net.xtcp.tw_reuse */
	bool lo;		/* a loopback connection */
	bool bound;		/* the user bound the port */
	u32 now;		/* xtcp_seconds() */
	bool want;
};

#define RU(n, t, s, r, l, b, nw, w) \
	{ .name = (n), .ts = (t), .stamp = (s), .reuse = (r), .lo = (l), \
	  .bound = (b), .now = (nw), .want = (w) }

/*
 * The table, from Linux's tcp_twsk_unique(): never without timestamps
 * (PAWS is what keeps the old connection's duplicates out of the new
 * one); a port the user bound, always; otherwise tw_reuse 1 once the
 * clock of TS.Recent's stamp has moved a second on, tw_reuse 2 so only
 * for loopback connections, tw_reuse 0 never.
 */
static const struct reuse_case reuse_cases[] = {
	RU("no timestamps, bound", false, R_STAMP, 1, true, true,
	   R_STAMP + 10, false),
	RU("no timestamps, reuse 1, a second later", false, R_STAMP, 1, false,
	   false, R_STAMP + 1, false),
	RU("timestamps, no TS.Recent stamp, bound", true, 0, 1, true, true,
	   R_STAMP, false),
	RU("bound, reuse 0", true, R_STAMP, 0, false, true, R_STAMP + 1,
	   true),
	RU("bound, reuse 0, the same second", true, R_STAMP, 0, false, true,
	   R_STAMP, true),
	RU("bound, reuse 2, not loopback", true, R_STAMP, 2, false, true,
	   R_STAMP + 1, true),
	RU("reuse 0, a second later", true, R_STAMP, 0, true, false,
	   R_STAMP + 1, false),
	RU("reuse 1, the same second", true, R_STAMP, 1, false, false,
	   R_STAMP, false),
	RU("reuse 1, a second later", true, R_STAMP, 1, false, false,
	   R_STAMP + 1, true),
	RU("reuse 1, loopback, a second later", true, R_STAMP, 1, true, false,
	   R_STAMP + 1, true),
	RU("reuse 1, the clock before the stamp", true, R_STAMP, 1, false,
	   false, R_STAMP - 1, false),
	RU("reuse 1, across the wrap of the seconds", true, 0xffffffffU, 1,
	   false, false, 1, true),
	RU("reuse 2, loopback, a second later", true, R_STAMP, 2, true, false,
	   R_STAMP + 1, true),
	RU("reuse 2, loopback, the same second", true, R_STAMP, 2, true,
	   false, R_STAMP, false),
	RU("reuse 2, not loopback, a second later", true, R_STAMP, 2, false,
	   false, R_STAMP + 1, false),
};

static void reuse_desc(const struct reuse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reuse, reuse_cases, reuse_desc);

static void xtcp_tw_reusable_table(struct kunit *test)
{
	const struct reuse_case *c = test->param_value;
	struct xtcp_tw tw = {};

	tw.tstamp_ok = c->ts;
	tw.ts_recent = J_TS_RECENT;
	tw.ts_recent_stamp = c->stamp;
	tw.bound = c->bound;
	KUNIT_EXPECT_EQ_MSG(test, xtcp_tw_reusable(&tw, c->reuse, c->lo,
						   c->bound, c->now),
			    c->want, "%s", c->name);
}

/* ---- Real entries, through xtcp_v4_rcv() ----------------------------- */

#define LPORT		5011		/* of the sockets set up by hand */
#define PPORT		40011		/* the peer's */
#define ISS		0xfffffffdU	/* the entry's SND.NXT: 2^32 - 1 */
#define IRS		0x7ffffffeU	/* its RCV.NXT: 2^31 */
#define RWND		1000U		/* the window we advertised */
#define PEER_WND	8192		/* SEG.WND of every crafted segment */
#define DLEN		10
#define TS_RECENT	0xfffffff0U	/* TS.Recent before the peer's FIN */
#define TS_FIN		(TS_RECENT + 1)	/* the FIN's TSval, TS.Recent after */

/* A connection closed into a TIME_WAIT entry. */
struct twc {
	u16 lport;
	u16 pport;
	bool ts;		/* with timestamps */
	u32 snd_nxt;		/* our FIN, acknowledged, was ISS + 1 */
	u32 rcv_nxt;		/* the peer's FIN was IRS + 1 */
	u16 window;		/* of the socket's ACK of the FIN */
	u32 tsval;		/* of the same ACK */
};

static bool tw_peek(const struct twc *c, struct xtcp_tw_view *v)
{
	return xtcp_tw_peek(&init_net, XTCP_KT_ADDR, htons(c->lport),
			    XTCP_KT_ADDR, htons(c->pport), v);
}

/*
 * A socket in FIN_WAIT2, set up by hand (in no table; its port bound by
 * the user, as connect() did not choose it), takes the peer's FIN and
 * acknowledges it: an entry takes its 4-tuple, the socket is closed.
 * With @ts the connection uses timestamps.  Every field of the entry is
 * checked in passing.
 */
static bool tw_make(struct kunit *test, struct twc *c, u16 lport, u16 pport,
		    u32 iss, bool ts)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned long curr = C(TIMEWAITCURR);
	struct xtcp_opts o = {};
	struct xtcp_tw_view v;
	struct xtcp_sock *xsk;
	struct socket *sock;
	struct sk_buff *skb;
	struct sock *sk;
	unsigned int n;
	int state;

	memset(c, 0, sizeof(*c));
	c->lport = lport;
	c->pport = pport;
	c->ts = ts;
	c->snd_nxt = iss + 2;
	c->rcv_nxt = IRS + 2;

	if (xtcp_kt_sock_create(&sock, lport, pport)) {
		KUNIT_FAIL(test, "no socket");
		return false;
	}
	sk = sock->sk;
	xsk = xtcp_sk(sk);
	lock_sock(sk);
	xtcp_kt_init_seq(sk, iss, IRS + 1, PEER_WND);
	xsk->snd_una = iss + 2;
	xsk->snd_nxt = iss + 2;
	xsk->write_seq = iss + 2;
	xsk->fin_queued = 1;
	xsk->quickacks = XTCP_QUICKACKS;
	xtcp_kt_open_rcv(sk, RWND);
	if (ts) {
		xsk->tstamp_ok = 1;
		xsk->ts_recent = TS_RECENT;
		/* xtcp_seconds() */
		xsk->ts_recent_stamp = (u32)ktime_get_seconds();
	}
	WRITE_ONCE(sk->sk_shutdown, SEND_SHUTDOWN);
	xtcp_state_store(sk, TCP_FIN_WAIT2);
	release_sock(sk);

	o.has_tstamp = ts;
	o.tsval = TS_FIN;
	skb = xtcp_kt_make_skb(pport, lport, FIN | ACK, IRS + 1, iss + 2,
			       PEER_WND, ts ? &o : NULL, NULL, 0);
	if (!skb) {
		xtcp_kt_close_manual(sock);
		KUNIT_FAIL(test, "no memory");
		return false;
	}
	lock_sock(sk);
	xtcp_v4_do_rcv(sk, skb);
	state = sk->sk_state;
	n = xtcp_kt_rec_take(r);
	release_sock(sk);

	KUNIT_EXPECT_EQ(test, state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n >= 1) {
		/* The socket acknowledged the FIN before it went. */
		KUNIT_EXPECT_PTR_EQ(test, r[0].sk, (const struct sock *)sk);
		KUNIT_EXPECT_EQ(test, r[0].flags, ACK);
		KUNIT_EXPECT_EQ(test, r[0].seq, c->snd_nxt);
		KUNIT_EXPECT_EQ(test, r[0].ack, c->rcv_nxt);
		KUNIT_EXPECT_EQ(test, !!r[0].opts.has_tstamp, ts);
		c->window = r[0].window;
		c->tsval = r[0].opts.tsval;
	}
	xtcp_kt_close_manual(sock);

	if (!tw_peek(c, &v)) {
		KUNIT_FAIL(test, "no TIME_WAIT entry for port %u", lport);
		return false;
	}
	KUNIT_EXPECT_TRUE(test, v.laddr == XTCP_KT_ADDR);
	KUNIT_EXPECT_TRUE(test, v.raddr == XTCP_KT_ADDR);
	KUNIT_EXPECT_EQ(test, v.snd_nxt, c->snd_nxt);
	KUNIT_EXPECT_EQ(test, v.rcv_nxt, c->rcv_nxt);
	KUNIT_EXPECT_EQ(test, v.tstamp_ok, ts);
	if (ts)
		KUNIT_EXPECT_EQ(test, v.ts_recent, TS_FIN);
	KUNIT_EXPECT_EQ(test, C(TIMEWAITCURR), curr + 1);
	return true;
}

/* The peer's segment, handed to xtcp_v4_rcv(); what came back. */
static unsigned int tw_send(struct kunit *test, const struct twc *c,
			    u8 flags, u32 seq, u32 ack, unsigned int dlen,
			    const struct xtcp_opts *opts,
			    struct xtcp_kt_rec *out)
{
	struct xtcp_kt_rec scratch[XTCP_KT_MAX_RECS];
	struct sk_buff *skb;

	skb = xtcp_kt_make_skb(c->pport, c->lport, flags, seq, ack, PEER_WND,
			       opts, NULL, dlen);
	if (!skb) {
		KUNIT_FAIL(test, "no memory");
		return 0;
	}
	/* The context ip_local_deliver() calls protocol handlers in. */
	local_bh_disable();
	rcu_read_lock();
	xtcp_v4_rcv(skb);
	rcu_read_unlock();
	local_bh_enable();
	return xtcp_kt_rec_take(out ? out : scratch);
}

/* Let the clock move on, so that a restart shows in expires_ns. */
static void tw_tick(void)
{
	u64 t = ktime_get_ns();

	while (ktime_get_ns() == t)
		cpu_relax();
}

/*
 * The entry's ACK, a reply of no socket: <SEQ=SND.NXT><ACK=RCV.NXT>, the
 * window of the socket's last ACK, and with timestamps TS.Recent echoed
 * and a TSval of the connection's clock.
 */
static void check_tw_ack(struct kunit *test, const char *where,
			 const struct twc *c, const struct xtcp_kt_rec *r,
			 u32 ts_recent)
{
	KUNIT_EXPECT_NULL_MSG(test, r->sk, "%s: a socket's", where);
	KUNIT_EXPECT_EQ_MSG(test, r->flags, ACK, "%s: flags", where);
	KUNIT_EXPECT_EQ_MSG(test, r->seq, c->snd_nxt, "%s: SEQ", where);
	KUNIT_EXPECT_EQ_MSG(test, r->ack, c->rcv_nxt, "%s: ACK", where);
	KUNIT_EXPECT_EQ_MSG(test, r->len, 0U, "%s: data", where);
	KUNIT_EXPECT_EQ_MSG(test, r->window, c->window, "%s: window", where);
	KUNIT_EXPECT_EQ_MSG(test, r->opt_err, 0, "%s: options", where);
	KUNIT_EXPECT_EQ_MSG(test, !!r->opts.has_tstamp, c->ts, "%s: TS",
			    where);
	if (!c->ts || !r->opts.has_tstamp)
		return;
	KUNIT_EXPECT_EQ_MSG(test, r->opts.tsecr, ts_recent, "%s: TSecr",
			    where);
	/* The socket's clock goes on, in milliseconds. */
	KUNIT_EXPECT_GE_MSG(test, (s32)(r->opts.tsval - c->tsval), 0,
			    "%s: TSval", where);
	KUNIT_EXPECT_LT_MSG(test, (s32)(r->opts.tsval - c->tsval), 60000,
			    "%s: TSval", where);
}

enum tw_act {
	TA_NONE,
	TA_ACK,		/* the entry's ACK */
};

enum tw_fate {
	TF_STAYS,	/* its expiry unchanged */
	TF_RESTARTS,	/* tw_timeout anew */
};

struct seg_case {
	const char *name;
	u8 flags;
	s32 seq;		/* SEG.SEQ - RCV.NXT */
	s32 ack;		/* SEG.ACK - SND.NXT, with the ACK flag */
	u16 dlen;
	u8 act;
	u8 fate;
};

#define SEG(n, f, s, a, d, ac, fa) \
	{ .name = (n), .flags = (f), .seq = (s), .ack = (a), .dlen = (d), \
	  .act = TA_##ac, .fate = TF_##fa }

/*
 * The TIME_WAIT row of the state table, on entries, no timestamps, no
 * listener on the port; each segment to a fresh entry.  The columns are
 * those of the "xtcp_state" suite: SEG.SEQ is RCV.NXT unless said
 * otherwise.  As xtcp_tw_judge()'s table says, and with the rate limit of
 * the answers never reached (one segment to each entry).  Where the
 * RFC's synchronized states send an RFC 5961 challenge ACK (a SYN, a
 * reset in the window, an unacceptable ACK), TIME_WAIT sends the plain
 * ACK for a SYN, drops the reset (RFC 1337) and takes the ACK as a bare
 * ACK at RCV.NXT, as Linux does.  A SYN that would open a new connection
 * (RFC 6191) finds no listener here: the entry stays and answers it, so
 * that no one ends a TIME_WAIT with a SYN to a port nobody listens on.
 */
static const struct seg_case seg_cases[] = {
	SEG("SYN", SYN, 0, 0, 0, ACK, STAYS),
	SEG("SYN-ACK", SYN | ACK, 0, -1, 0, ACK, RESTARTS),
	SEG("ACK", ACK, 0, 0, 0, NONE, RESTARTS),
	SEG("FIN", FIN | ACK, 0, 0, 0, ACK, RESTARTS),
	SEG("FIN retransmitted", FIN | ACK, -1, 0, 0, ACK, RESTARTS),
	SEG("RST at RCV.NXT", RST, 0, 0, 0, NONE, STAYS),
	SEG("RST in window", RST, 1, 0, 0, NONE, STAYS),
	SEG("data", ACK | PSH, 0, 0, DLEN, ACK, RESTARTS),
	SEG("out of window", ACK | PSH, RWND + 100, 0, DLEN, ACK, RESTARTS),
	SEG("ACK beyond SND.NXT", ACK, 0, 1000, 0, NONE, RESTARTS),
	SEG("ACK too old", ACK, 0, -(PEER_WND + 1000), 0, NONE, RESTARTS),
	SEG("SYN beyond RCV.NXT", SYN, 1000, 0, 0, ACK, STAYS),
};

static void seg_desc(const struct seg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(seg, seg_cases, seg_desc);

static void xtcp_tw_segment_table(struct kunit *test)
{
	const struct seg_case *s = test->param_value;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned long killed, curr;
	struct xtcp_tw_view v0, v;
	unsigned int n;
	u32 seq, ack;
	struct twc c;
	bool found;

	KUNIT_ASSERT_TRUE(test, tw_make(test, &c, LPORT, PPORT, ISS, false));
	KUNIT_ASSERT_TRUE(test, tw_peek(&c, &v0));
	killed = C(TWREOPENED);
	curr = C(TIMEWAITCURR);
	tw_tick();

	seq = c.rcv_nxt + s->seq;
	ack = s->flags & ACK ? c.snd_nxt + s->ack : 0;
	n = tw_send(test, &c, s->flags, seq, ack, s->dlen, NULL, r);
	KUNIT_EXPECT_EQ(test, n, s->act == TA_NONE ? 0U : 1U);
	if (n == 1 && s->act == TA_ACK)
		check_tw_ack(test, s->name, &c, &r[0], 0);

	found = tw_peek(&c, &v);
	KUNIT_EXPECT_TRUE(test, found);
	if (found && s->fate == TF_STAYS)
		KUNIT_EXPECT_EQ(test, v.expires_ns, v0.expires_ns);
	if (found && s->fate == TF_RESTARTS)
		KUNIT_EXPECT_GT(test, v.expires_ns, v0.expires_ns);
	if (found) {
		KUNIT_EXPECT_EQ(test, v.snd_nxt, c.snd_nxt);
		KUNIT_EXPECT_EQ(test, v.rcv_nxt, c.rcv_nxt);
	}
	KUNIT_EXPECT_EQ(test, C(TWREOPENED), killed);
	KUNIT_EXPECT_EQ(test, C(TIMEWAITCURR), curr);
}

struct ts_param {
	const char *name;
	bool ts;
};

static const struct ts_param ts_params[] = {
	{ "no timestamps", false },
	{ "timestamps", true },
};

static void ts_desc(const struct ts_param *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ts, ts_params, ts_desc);

/*
 * The peer lost our ACK of its FIN and sends the FIN again: the entry
 * answers <SEQ=SND.NXT><ACK=RCV.NXT>, echoing TS.Recent, and waits
 * tw_timeout anew.  Every time: a FIN is never rate-limited.
 */
static void xtcp_tw_fin_retransmitted(struct kunit *test)
{
	const struct ts_param *p = test->param_value;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_tw_view v0, v;
	struct xtcp_opts o = {};
	unsigned int i, n;
	struct twc c;

	KUNIT_ASSERT_TRUE(test, tw_make(test, &c, LPORT, PPORT, ISS, p->ts));
	o.has_tstamp = 1;
	o.tsval = TS_FIN;
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_TRUE(test, tw_peek(&c, &v0));
		tw_tick();
		n = tw_send(test, &c, FIN | ACK, c.rcv_nxt - 1, c.snd_nxt, 0,
			    p->ts ? &o : NULL, r);
		KUNIT_EXPECT_EQ_MSG(test, n, 1U, "FIN %u", i);
		if (n == 1)
			check_tw_ack(test, "FIN", &c, &r[0], TS_FIN);
		KUNIT_ASSERT_TRUE(test, tw_peek(&c, &v));
		KUNIT_EXPECT_GT_MSG(test, v.expires_ns, v0.expires_ns,
				    "FIN %u: restarted", i);
		KUNIT_EXPECT_EQ(test, v.ts_recent, v0.ts_recent);
	}
}

/*
 * RFC 1337: no reset ends TIME_WAIT, at RCV.NXT or in the window, with
 * ACK or FIN; none is answered, none restarts the wait, and the entry
 * still acknowledges the FIN retransmitted afterwards.
 */
static void xtcp_tw_ignores_rst(struct kunit *test)
{
	static const struct {
		const char *what;
		u8 flags;
		s32 seq;	/* SEG.SEQ - RCV.NXT */
	} rsts[] = {
		{ "RST", RST, 0 },
		{ "RST-ACK", RST | ACK, 0 },
		{ "RST-FIN-ACK", RST | FIN | ACK, 0 },
		{ "RST in window", RST, 1 },
		{ "RST-ACK in window", RST | ACK, 100 },
	};
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_opts o = {};
	struct xtcp_tw_view v0, v;
	unsigned long curr;
	unsigned int i, n;
	struct twc c;

	o.has_tstamp = 1;
	o.tsval = TS_FIN;
	for (i = 0; i < ARRAY_SIZE(rsts); i++) {
		const char *what = rsts[i].what;

		xtcp_tw_purge(&init_net);
		KUNIT_ASSERT_TRUE(test, tw_make(test, &c, LPORT, PPORT, ISS,
						true));
		KUNIT_ASSERT_TRUE(test, tw_peek(&c, &v0));
		curr = C(TIMEWAITCURR);
		tw_tick();
		n = tw_send(test, &c, rsts[i].flags, c.rcv_nxt + rsts[i].seq,
			    rsts[i].flags & ACK ? c.snd_nxt : 0, 0, &o, NULL);
		KUNIT_EXPECT_EQ_MSG(test, n, 0U, "%s: answered", what);
		KUNIT_EXPECT_TRUE_MSG(test, tw_peek(&c, &v), "%s: ended", what);
		KUNIT_EXPECT_EQ_MSG(test, v.expires_ns, v0.expires_ns,
				    "%s: restarted", what);
		KUNIT_EXPECT_EQ_MSG(test, C(TIMEWAITCURR), curr, "%s", what);

		n = tw_send(test, &c, FIN | ACK, c.rcv_nxt - 1, c.snd_nxt, 0,
			    &o, r);
		KUNIT_EXPECT_EQ_MSG(test, n, 1U, "%s: the FIN after", what);
		if (n == 1)
			check_tw_ack(test, what, &c, &r[0], TS_FIN);
	}
}

/*
 * A bare ACK at RCV.NXT with a newer TSval restarts the wait silently and
 * becomes TS.Recent; one with an older TSval is an old duplicate (PAWS,
 * counted): acknowledged, TS.Recent kept, the wait restarted.
 */
static void xtcp_tw_ts_recent(struct kunit *test)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned long paws = C(PAWSTIMEWAIT);
	struct xtcp_tw_view v0, v;
	struct xtcp_opts o = {};
	unsigned int n;
	struct twc c;

	KUNIT_ASSERT_TRUE(test, tw_make(test, &c, LPORT, PPORT, ISS, true));
	o.has_tstamp = 1;

	KUNIT_ASSERT_TRUE(test, tw_peek(&c, &v0));
	tw_tick();
	o.tsval = TS_FIN + 100;		/* across the wrap */
	n = tw_send(test, &c, ACK, c.rcv_nxt, c.snd_nxt, 0, &o, r);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_ASSERT_TRUE(test, tw_peek(&c, &v));
	KUNIT_EXPECT_EQ(test, v.ts_recent, TS_FIN + 100);
	KUNIT_EXPECT_GT(test, v.expires_ns, v0.expires_ns);
	KUNIT_EXPECT_EQ(test, C(PAWSTIMEWAIT), paws);

	v0 = v;
	tw_tick();
	o.tsval = TS_FIN + 50;
	n = tw_send(test, &c, ACK, c.rcv_nxt, c.snd_nxt, 0, &o, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1)
		check_tw_ack(test, "PAWS", &c, &r[0], TS_FIN + 100);
	KUNIT_ASSERT_TRUE(test, tw_peek(&c, &v));
	KUNIT_EXPECT_EQ(test, v.ts_recent, TS_FIN + 100);
	KUNIT_EXPECT_GT(test, v.expires_ns, v0.expires_ns);
	KUNIT_EXPECT_EQ(test, C(PAWSTIMEWAIT), paws + 1);
}

/*
 * Segments that take no sequence space (and SYNs) are answered twice a
 * second at most, against ACK loops (tcp_oow_rate_limited()); a FIN is
 * always answered.  The limit is checked only if the segments were all
 * sent within half a second.
 */
static void xtcp_tw_oow_rate_limit(struct kunit *test)
{
	unsigned int n, n_ack, n_syn, n_fin1, n_fin2;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct xtcp_tw_view v;
	unsigned long start;
	struct twc c;
	u32 oow;

	KUNIT_ASSERT_TRUE(test, tw_make(test, &c, LPORT, PPORT, ISS, false));
	oow = c.rcv_nxt + RWND + 100;

	start = jiffies;
	n = tw_send(test, &c, ACK, oow, c.snd_nxt, 0, NULL, r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1)
		check_tw_ack(test, "first ACK", &c, &r[0], 0);
	n_ack = tw_send(test, &c, ACK, oow, c.snd_nxt, 0, NULL, NULL);
	n_syn = tw_send(test, &c, SYN, c.rcv_nxt, 0, 0, NULL, NULL);
	n_fin1 = tw_send(test, &c, FIN | ACK, c.rcv_nxt - 1, c.snd_nxt, 0,
			 NULL, r);
	n_fin2 = tw_send(test, &c, FIN | ACK, c.rcv_nxt - 1, c.snd_nxt, 0,
			 NULL, NULL);

	KUNIT_EXPECT_EQ(test, n_fin1, 1U);
	if (n_fin1 == 1)
		check_tw_ack(test, "FIN", &c, &r[0], 0);
	KUNIT_EXPECT_EQ(test, n_fin2, 1U);
	if (time_after_eq(jiffies, start + HZ / 2)) {
		kunit_info(test, "the segments took half a second: the limit was not checked\n");
		return;
	}
	KUNIT_EXPECT_EQ(test, n_ack, 0U);
	KUNIT_EXPECT_EQ(test, n_syn, 0U);
	KUNIT_EXPECT_TRUE(test, tw_peek(&c, &v));
}

KUNIT_DEFINE_ACTION_WRAPPER(tw_release_action, sock_release, struct socket *);

/*
 * RFC 6191 with a listener on the port: a SYN beyond RCV.NXT ends the
 * entry and makes a request whose ISS is past anything the old
 * connection sent, SND.NXT + 65537 (never 0), so the old duplicates
 * cannot be taken for the new connection's.
 */
static void xtcp_tw_syn_listener(struct kunit *test)
{
	static const struct {
		const char *what;
		u32 iss;	/* the old connection's */
		u32 want;	/* the new one's */
	} cases[] = {
		{ "SND.NXT + 65537, across the wrap", ISS,
		  ISS + 2 + XTCP_MAX_WINDOW + 2 },
		{ "0 made 1", 0xfffefffdU, 1 },
	};
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	unsigned long killed, curr;
	struct xtcp_tw_view v;
	struct socket *lsock;
	unsigned int i, n;
	struct sock *lsk;
	struct twc c;
	u16 lport;
	u32 seq;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	/* A request, not a cookie, whose ISS the entry chose. */
	WRITE_ONCE(xn->sysctl.syncookies, 0);
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM,
					       0, &lsock), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tw_release_action,
							lsock), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(lsock, 8), 0);
	lsk = lsock->sk;
	lport = inet_sk(lsk)->inet_num;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *what = cases[i].what;

		KUNIT_ASSERT_TRUE(test, tw_make(test, &c, lport, PPORT + i,
						cases[i].iss, false));
		killed = C(TWREOPENED);
		curr = C(TIMEWAITCURR);
		seq = c.rcv_nxt + 1000;
		n = tw_send(test, &c, SYN, seq, 0, 0, NULL, r);
		KUNIT_EXPECT_EQ_MSG(test, n, 1U, "%s", what);
		if (n == 1) {
			KUNIT_EXPECT_PTR_EQ_MSG(test, r[0].sk,
						(const struct sock *)lsk,
						"%s", what);
			KUNIT_EXPECT_EQ_MSG(test, r[0].flags, SYN | ACK, "%s",
					    what);
			KUNIT_EXPECT_EQ_MSG(test, r[0].seq, cases[i].want,
					    "%s: ISS", what);
			KUNIT_EXPECT_EQ_MSG(test, r[0].ack, seq + 1, "%s",
					    what);
		}
		KUNIT_EXPECT_FALSE_MSG(test, tw_peek(&c, &v), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, C(TWREOPENED), killed + 1, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, C(TIMEWAITCURR), curr - 1, "%s",
				    what);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_synq_len(lsk), i + 1, "%s",
				    what);
	}
}

/*
 * XtcpTimeWaitCurr counts the entries: up with each, down when they are
 * purged; XtcpTW counts each made; the purge, not the timer, ends them:
 * XtcpTWExpired stays.
 */
static void xtcp_tw_purge_counts(struct kunit *test)
{
	unsigned long curr = C(TIMEWAITCURR), ended = C(TWEXPIRED);
	unsigned long made = C(TW);
	struct xtcp_tw_view v;
	struct twc c[3];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_ASSERT_TRUE(test, tw_make(test, &c[i], LPORT + i, PPORT,
						ISS, i & 1));
	KUNIT_EXPECT_EQ(test, C(TIMEWAITCURR), curr + 3);
	KUNIT_EXPECT_EQ(test, C(TW), made + 3);
	KUNIT_EXPECT_EQ(test, xtcp_tw_purge(&init_net), 3U);
	KUNIT_EXPECT_EQ(test, C(TIMEWAITCURR), curr);
	KUNIT_EXPECT_EQ(test, C(TWEXPIRED), ended);
	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_FALSE(test, tw_peek(&c[i], &v));
	KUNIT_EXPECT_EQ(test, xtcp_tw_purge(&init_net), 0U);
}

/* An entry costs what its slab object costs: at most 96 bytes. */
static void xtcp_tw_entry_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, xtcp_tw_size(), 96U);
}

static int xtcp_tw_init(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	struct xtcp_sysctl *saved;

	saved = kunit_kzalloc(test, sizeof(*saved), GFP_KERNEL);
	if (!saved)
		return -ENOMEM;
	*saved = *ctl;
	test->priv = saved;
	/* Only the case's entries, none ending while it runs. */
	xtcp_tw_purge(&init_net);
	WRITE_ONCE(ctl->tw_timeout, 60 * HZ);
	xtcp_kt_rec_start(test);
	return 0;
}

static void xtcp_tw_exit(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	struct xtcp_sysctl *saved = test->priv;

	xtcp_kt_rec_stop(test);
	xtcp_tw_purge(&init_net);
	if (!saved)
		return;
	WRITE_ONCE(ctl->tw_timeout, saved->tw_timeout);
	WRITE_ONCE(ctl->syncookies, saved->syncookies);
}

static struct kunit_case xtcp_tw_cases[] = {
	KUNIT_CASE(xtcp_tw_queue_order),
	KUNIT_CASE(xtcp_tw_queue_budget),
	KUNIT_CASE(xtcp_tw_queue_cancel),
	KUNIT_CASE(xtcp_tw_queue_restart),
	KUNIT_CASE_PARAM(xtcp_tw_judge_table, judge_gen_params),
	KUNIT_CASE_PARAM(xtcp_tw_reusable_table, reuse_gen_params),
	KUNIT_CASE_PARAM(xtcp_tw_segment_table, seg_gen_params),
	KUNIT_CASE_PARAM(xtcp_tw_fin_retransmitted, ts_gen_params),
	KUNIT_CASE(xtcp_tw_ignores_rst),
	KUNIT_CASE(xtcp_tw_ts_recent),
	KUNIT_CASE(xtcp_tw_oow_rate_limit),
	KUNIT_CASE(xtcp_tw_syn_listener),
	KUNIT_CASE(xtcp_tw_purge_counts),
	KUNIT_CASE(xtcp_tw_entry_size),
	{}
};

static struct kunit_suite xtcp_tw_suite = {
	.name = "xtcp_tw",
	.init = xtcp_tw_init,
	.exit = xtcp_tw_exit,
	.test_cases = xtcp_tw_cases,
};

kunit_test_suites(&xtcp_tw_suite);
