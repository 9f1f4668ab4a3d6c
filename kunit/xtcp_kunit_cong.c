// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for congestion control: the initial window (RFC 6928),
 * slow start and congestion avoidance (RFC 5681), limited transmit
 * (RFC 3042), fast retransmit and NewReno fast recovery (RFC 6582), the
 * retransmission timeout's loss window, recover compared across the 2^32
 * wrap, and RFC 6675 recovery when SACK is agreed.  Windows count
 * segments; sequence numbers advance by SEG bytes per segment.
 */

#include <kunit/test.h>
#include <linux/net.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define SEG	1000U		/* bytes per segment */
#define ISS	1000000U	/* an ISS far from the wrap */
#define INF	XTCP_INFINITE_SSTHRESH

/* A new connection, its first data byte at ISS + 1, cwnd and ssthresh set. */
static void cc_open(struct xtcp_cc *cc, u32 iss, u32 cwnd, u32 ssthresh)
{
	xtcp_cc_init(cc, iss);
	cc->cwnd = cwnd;
	cc->ssthresh = ssthresh;
}

/* Three duplicate ACKs of @una: the third starts fast recovery. */
static void cc_three_dupacks(struct kunit *test, struct xtcp_cc *cc, u32 una,
			     u32 nxt, u32 flight)
{
	KUNIT_ASSERT_EQ(test, xtcp_cc_dupack(cc, una, nxt, flight),
			XTCP_CC_NONE);
	KUNIT_ASSERT_EQ(test, xtcp_cc_dupack(cc, una, nxt, flight),
			XTCP_CC_NONE);
	KUNIT_ASSERT_EQ(test, xtcp_cc_dupack(cc, una, nxt, flight),
			XTCP_CC_RETRANSMIT);
	KUNIT_ASSERT_EQ(test, cc->state, XTCP_CA_RECOVERY);
}

/* RFC 6928 initial window, no ssthresh yet, RFC 6582's recover = ISS. */
static void xtcp_cong_init(struct kunit *test)
{
	static const u32 isses[] = { ISS, 0, 0x7fffffff, 0x80000000,
				     0xfffffff0, 0xffffffff };
	struct xtcp_cc cc;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(isses); i++) {
		/* Whatever was there before, every field is set. */
		memset(&cc, 0xa5, sizeof(cc));
		xtcp_cc_init(&cc, isses[i]);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
		KUNIT_EXPECT_EQ(test, cc.ssthresh, 0x7fffffffU);
		KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);
		KUNIT_EXPECT_EQ(test, cc.recover, isses[i]);
		KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
		KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
		KUNIT_EXPECT_EQ(test, cc.sack, 0);
		KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 10U);
	}
}

/* RFC 5681 3.1: in slow start each ACKed segment adds one to cwnd. */
static void xtcp_cong_slow_start(struct kunit *test)
{
	u32 una = ISS + 1;
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, ISS);
	una += SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 1, 10), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11U);
	una += 2 * SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 2, 11), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	una += 10 * SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 10, 13), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 23U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 0x7fffffffU);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 23U);

	/* An ACK of no whole segment adds nothing. */
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una + 100, 0, 23), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 23U);
}

/*
 * Slow start stops at ssthresh: what is left of the ACK counts toward
 * congestion avoidance.
 */
static void xtcp_cong_slow_start_cap(struct kunit *test)
{
	struct xtcp_cc cc;

	cc_open(&cc, ISS, 10, 16);
	xtcp_cc_ack(&cc, ISS + 1 + 4 * SEG, 4, 10);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 14U);
	/* 14 + 2 = 16 exactly: nothing left over. */
	xtcp_cc_ack(&cc, ISS + 1 + 6 * SEG, 2, 14);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);

	/* 14 + 5: 2 reach ssthresh, 3 go to the counter. */
	cc_open(&cc, ISS, 14, 16);
	xtcp_cc_ack(&cc, ISS + 1 + 5 * SEG, 5, 14);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 3U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 16U);

	/* 20 at once from 10: 16, and 14 toward the next (short of 16). */
	cc_open(&cc, ISS, 10, 16);
	xtcp_cc_ack(&cc, ISS + 1 + 20 * SEG, 20, 20);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 14U);
	xtcp_cc_ack(&cc, ISS + 1 + 22 * SEG, 2, 16);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 17U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);
}

/*
 * RFC 5681 3.1 congestion avoidance, counted as RFC 3465 does: one
 * segment more once a window's worth has been ACKed, at most one per ACK,
 * the surplus kept for the next.
 */
static void xtcp_cong_avoidance(struct kunit *test)
{
	u32 una = ISS + 1;
	struct xtcp_cc cc;
	unsigned int i;

	cc_open(&cc, ISS, 16, 16);
	for (i = 0; i < 15; i++) {
		una += SEG;
		xtcp_cc_ack(&cc, una, 1, 16);
	}
	KUNIT_EXPECT_EQ(test, cc.cwnd, 16U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 15U);
	una += SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 1, 16), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 17U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);

	/* The next one takes 17. */
	for (i = 0; i < 16; i++) {
		una += SEG;
		xtcp_cc_ack(&cc, una, 1, 17);
	}
	KUNIT_EXPECT_EQ(test, cc.cwnd, 17U);
	una += SEG;
	xtcp_cc_ack(&cc, una, 1, 17);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 18U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);

	/* 10 counted, 18 more: 28 >= 18 gives 19 and keeps 10. */
	cc.cwnd_cnt = 10;
	una += 18 * SEG;
	xtcp_cc_ack(&cc, una, 18, 18);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 19U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 10U);
	/* 10 + 9 = 19 >= 19: 20, nothing kept. */
	una += 9 * SEG;
	xtcp_cc_ack(&cc, una, 9, 19);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);

	/* A stretch ACK of three windows still adds one segment. */
	una += 60 * SEG;
	xtcp_cc_ack(&cc, una, 60, 60);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 21U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 40U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 16U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
}

/*
 * The window grows only while it is used: with less than half of it in
 * flight (application-limited, RFC 7661's concern) an ACK changes nothing.
 */
static void xtcp_cong_app_limited(struct kunit *test)
{
	struct xtcp_cc cc;

	/* cwnd 10: 4 in flight is less than half, 5 is half. */
	xtcp_cc_init(&cc, ISS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, ISS + 1 + SEG, 1, 4),
			XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	xtcp_cc_ack(&cc, ISS + 1 + 2 * SEG, 1, 5);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11U);
	/* cwnd 11: 5 is less than 5.5, 6 is more. */
	xtcp_cc_ack(&cc, ISS + 1 + 3 * SEG, 1, 5);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11U);
	xtcp_cc_ack(&cc, ISS + 1 + 4 * SEG, 1, 6);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 12U);

	/* In congestion avoidance the counter does not move either. */
	cc_open(&cc, ISS, 20, 20);
	cc.cwnd_cnt = 19;
	xtcp_cc_ack(&cc, ISS + 1 + SEG, 1, 9);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 20U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 19U);
	xtcp_cc_ack(&cc, ISS + 1 + 2 * SEG, 1, 10);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 21U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);

	/* Limited or not, a new ACK ends DISORDER. */
	xtcp_cc_init(&cc, ISS);
	xtcp_cc_dupack(&cc, ISS + 1, ISS + 1 + 2 * SEG, 2);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_DISORDER);
	xtcp_cc_ack(&cc, ISS + 1 + SEG, 1, 2);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
}

/*
 * RFC 3042: each of the first two duplicate ACKs lets one new segment
 * out beyond cwnd; cwnd and ssthresh stay as they are.
 */
static void xtcp_cong_limited_transmit(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 10 * SEG;
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, ISS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, una, nxt, 10), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_DISORDER);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 1);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 11U);
	nxt += SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, una, nxt, 11), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 2);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 12U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 0x7fffffffU);
	KUNIT_EXPECT_EQ(test, cc.recover, ISS);

	/* The hole filled: back to OPEN, the count starts over. */
	una += SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 1, 12), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11U);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 11U);
	xtcp_cc_dupack(&cc, una, nxt, 11);
	xtcp_cc_dupack(&cc, una, nxt, 11);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 2);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_DISORDER);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 13U);
}

/*
 * RFC 5681 3.2 steps 2 and 3 with RFC 6582's recover: on the third
 * duplicate ACK, ssthresh = max(FlightSize / 2, 2), cwnd = ssthresh + 3,
 * recover = SND.NXT, resend the first unacknowledged segment.
 */
static void xtcp_cong_fast_retransmit(struct kunit *test)
{
	static const struct {
		u32 flight, ssthresh;
	} cases[] = {
		{ 20, 10 }, { 21, 10 }, { 7, 3 }, { 5, 2 }, { 4, 2 },
		{ 3, 2 }, { 1, 2 }, { 0, 2 }, { 1000, 500 },
	};
	u32 una = ISS + 1;
	struct xtcp_cc cc;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 nxt = una + cases[i].flight * SEG;

		cc_open(&cc, ISS, max(cases[i].flight, 4U), 64);
		cc.cwnd_cnt = 5;
		cc_three_dupacks(test, &cc, una, nxt, cases[i].flight);
		KUNIT_EXPECT_EQ_MSG(test, cc.ssthresh, cases[i].ssthresh,
				    "flight %u", cases[i].flight);
		KUNIT_EXPECT_EQ_MSG(test, cc.cwnd, cases[i].ssthresh + 3,
				    "flight %u", cases[i].flight);
		KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);
		KUNIT_EXPECT_EQ(test, cc.recover, nxt);
		/* No limited-transmit bonus in recovery. */
		KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc),
				cases[i].ssthresh + 3);
	}
}

/* RFC 5681 3.2 step 4: each further duplicate ACK inflates cwnd by one. */
static void xtcp_cong_recovery_inflate(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;
	unsigned int i;

	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	for (i = 0; i < 3; i++) {
		/* New data goes out as the window opens: SND.NXT moves. */
		KUNIT_EXPECT_EQ(test,
				xtcp_cc_dupack(&cc, una, nxt + i * SEG, 20 + i),
				XTCP_CC_NONE);
		KUNIT_EXPECT_EQ(test, cc.cwnd, 14U + i);
		KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 14U + i);
	}
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	/* recover stays where the loss was detected. */
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
}

/*
 * RFC 6582 3.2 step 3, partial acknowledgments: resend the next hole,
 * deflate cwnd by what was ACKed and add one segment back; stay in
 * recovery.
 */
static void xtcp_cong_partial_ack(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	xtcp_cc_dupack(&cc, una, nxt + SEG, 21);
	xtcp_cc_dupack(&cc, una, nxt + 2 * SEG, 22);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 15U);

	/* 3 segments: 15 - 3 + 1 = 13. */
	una += 3 * SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 3, 22),
			XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);

	/* Duplicates of the partial ACK still inflate: 14. */
	KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, una, nxt + 3 * SEG, 20),
			XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 14U);

	/* 5 more: 14 - 5 + 1 = 10. */
	una += 5 * SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 5, 20),
			XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);

	/*
	 * One byte short of recover is still partial; 11 segments, more
	 * than cwnd: down to 0, plus the one: 1.
	 */
	cc.cwnd = 4;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt - 1, 11, 20),
			XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);
}

/*
 * RFC 6582 3.2 step 3, full acknowledgments: cwnd =
 * min(ssthresh, max(FlightSize, SMSS) + SMSS), FlightSize what is still
 * outstanding after this ACK; recovery ends.
 */
static void xtcp_cong_full_ack(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;

	/* 20 lost-window segments plus 7 sent in recovery, 20 ACKed. */
	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	xtcp_cc_dupack(&cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt, 20, 27), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	/* min(10, 7 + 1) */
	KUNIT_EXPECT_EQ(test, cc.cwnd, 8U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 8U);

	/* 15 still out: min(10, 16) = ssthresh. */
	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt, 20, 35), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);

	/* Beyond recover is full too: min(10, 9 + 1). */
	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt + 5 * SEG, 25, 34),
			XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);

	/* Then cwnd == ssthresh: congestion avoidance. */
	xtcp_cc_ack(&cc, nxt + 6 * SEG, 1, 10);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 1U);
}

/*
 * The same full ACK with nothing left outstanding: RFC 6582 option (1)
 * is min(ssthresh, max(0, SMSS) + SMSS) = 2 segments, option (2)
 * ssthresh; never a window of one segment (which would wait on the
 * peer's delayed ACK).
 */
static void xtcp_cong_full_ack_empty(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt, 20, 20), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2U);
}

/*
 * RFC 6582 3.2 step 3: one segment is added back only "if the partial ACK
 * acknowledges at least one SMSS of new data".  An ACK that ends inside a
 * segment (acked 0) still has the hole resent, but must not inflate cwnd:
 * otherwise a receiver splitting its ACKs (ACK division) grows the window
 * at will during recovery.
 */
static void xtcp_cong_partial_ack_split(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;
	unsigned int i;

	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	for (i = 1; i <= 10; i++)
		KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una + i * 50, 0, 20),
				XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);
}

/*
 * RFC 6582 3.2 step 1: duplicate ACKs that do not cover more than
 * recover start no second recovery (nor a second ssthresh cut) for the
 * same window; once SND.UNA is beyond recover they do again.  Limited
 * transmit still applies.
 */
static void xtcp_cong_recover_guard(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;
	unsigned int i;

	/* SND.UNA still at the ISS (not after recover): none. */
	xtcp_cc_init(&cc, ISS);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, ISS, nxt, 10),
				XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_DISORDER);

	/* A recovery ends with SND.UNA == recover. */
	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	xtcp_cc_ack(&cc, nxt, 20, 28);
	KUNIT_ASSERT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_ASSERT_EQ(test, cc.cwnd, 9U);

	/* Duplicates of exactly recover: DISORDER only, no cut. */
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test,
				xtcp_cc_dupack(&cc, nxt, nxt + 8 * SEG, 8),
				XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_DISORDER);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 4);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 9U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 11U);

	/* One segment further, beyond recover: the third starts recovery. */
	xtcp_cc_ack(&cc, nxt + SEG, 1, 10);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	cc_three_dupacks(test, &cc, nxt + SEG, nxt + 11 * SEG, 10);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 8U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt + 11 * SEG);
}

/*
 * RFC 5681 3.1: on a timeout ssthresh = max(FlightSize / 2, 2) and cwnd
 * = 1, the loss window; RFC 6582 4: recover = SND.NXT.  A second expiry
 * of the same segment leaves ssthresh alone; one of a later segment does
 * not.
 */
static void xtcp_cong_timeout(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 30 * SEG;
	struct xtcp_cc cc;

	cc_open(&cc, ISS, 30, INF);
	cc.cwnd_cnt = 7;
	xtcp_cc_timeout(&cc, nxt, 30, false);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 15U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 0U);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 1U);

	/* Again, no ACK in between: ssthresh kept (not max(1/2, 2)). */
	xtcp_cc_timeout(&cc, nxt, 1, true);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 15U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);

	/*
	 * ACKs moved SND.UNA, the window grew to 4, and the next segment
	 * times out: a new loss, ssthresh = max(4 / 2, 2) from the flight.
	 */
	xtcp_cc_ack(&cc, una + 5 * SEG, 5, 1);
	cc.cwnd = 4;
	xtcp_cc_timeout(&cc, nxt, 4, false);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);

	/* A small flight: the floor of 2. */
	xtcp_cc_init(&cc, ISS);
	xtcp_cc_timeout(&cc, una + 3 * SEG, 3, false);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 2U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);

	/* From DISORDER: the duplicate count is forgotten. */
	xtcp_cc_init(&cc, ISS);
	xtcp_cc_dupack(&cc, una, una + 9 * SEG, 9);
	xtcp_cc_dupack(&cc, una, una + 10 * SEG, 10);
	xtcp_cc_timeout(&cc, una + 11 * SEG, 11, false);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5U);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 1U);

	/* From RECOVERY: ssthresh recomputed, recovery abandoned. */
	xtcp_cc_init(&cc, ISS);
	cc_three_dupacks(test, &cc, una, una + 20 * SEG, 20);
	xtcp_cc_timeout(&cc, una + 24 * SEG, 16, false);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 8U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.recover, una + 24 * SEG);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
}

/* After a timeout duplicate ACKs neither count nor inflate. */
static void xtcp_cong_loss_dupacks(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;
	unsigned int i;

	xtcp_cc_init(&cc, ISS);
	xtcp_cc_timeout(&cc, nxt, 20, false);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, una, nxt, 20),
				XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 1U);
}

/*
 * After a timeout the window grows in slow start from one segment; LOSS
 * ends when SND.UNA reaches recover.
 */
static void xtcp_cong_loss_exit(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, ISS);
	xtcp_cc_timeout(&cc, nxt, 20, false);
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una + SEG, 1, 1), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	xtcp_cc_ack(&cc, una + 3 * SEG, 2, 2);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 4U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	/* One byte short of recover: still LOSS. */
	xtcp_cc_ack(&cc, nxt - 1, 3, 4);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	/* Dupacks are still ignored there. */
	xtcp_cc_dupack(&cc, nxt - 1, nxt + 3 * SEG, 7);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7U);
	KUNIT_EXPECT_EQ(test, cc.dupacks, 0);
	/* recover reached: OPEN, and the ACK still counts: 8. */
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt, 1, 7), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 8U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	/* Slow start up to ssthresh 10, then 2 toward avoidance. */
	xtcp_cc_ack(&cc, nxt + 4 * SEG, 4, 8);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 2U);
	/* A later timeout, out of LOSS, cuts ssthresh again. */
	xtcp_cc_timeout(&cc, nxt + 14 * SEG, 10, false);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 5U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);

	/*
	 * An ACK beyond recover ends LOSS as well.  21 segments: 9 take
	 * cwnd to ssthresh 10, the other 12 are a window's worth: 11, 2 kept.
	 */
	xtcp_cc_init(&cc, ISS);
	xtcp_cc_timeout(&cc, nxt, 20, false);
	xtcp_cc_ack(&cc, nxt + SEG, 21, 21);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 11U);
	KUNIT_EXPECT_EQ(test, cc.cwnd_cnt, 2U);
}

/*
 * Every comparison with recover across 2^32: the ISS just below the wrap,
 * the loss window straddling it.
 */
static void xtcp_cong_wrap(struct kunit *test)
{
	u32 iss = 0xfffffff0, una = iss + 1, nxt = una + 20 * SEG;
	struct xtcp_cc cc;
	unsigned int i;

	KUNIT_ASSERT_LT(test, nxt, una);	/* it does wrap */

	xtcp_cc_init(&cc, iss);
	KUNIT_EXPECT_EQ(test, cc.recover, 0xfffffff0U);
	cc_three_dupacks(test, &cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 13U);

	/* Partial ACKs, numerically below una then just below recover. */
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una + 5 * SEG, 5, 20),
			XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 9U);
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt - 1, 14, 15),
			XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	/* The full ACK, 5 sent meanwhile: min(10, 5 + 1). */
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt, 1, 6), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 6U);

	/* The guard, at recover and one segment past it. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, nxt, nxt + 6 * SEG, 6),
				XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_DISORDER);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	xtcp_cc_ack(&cc, nxt + SEG, 1, 6);
	cc_three_dupacks(test, &cc, nxt + SEG, nxt + 7 * SEG, 6);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 3U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 6U);

	/* The ISS is 2^32 - 1 and the first data byte 0. */
	xtcp_cc_init(&cc, 0xffffffff);
	cc_three_dupacks(test, &cc, 0, 10 * SEG, 10);
	KUNIT_EXPECT_EQ(test, cc.recover, 10 * SEG);

	/* A timeout with SND.UNA before the wrap, SND.NXT after it. */
	una = 0xffffc000;
	nxt = 0x1000;
	xtcp_cc_init(&cc, una - 1);
	xtcp_cc_timeout(&cc, nxt, 20, false);
	KUNIT_EXPECT_EQ(test, cc.recover, 0x1000U);
	xtcp_cc_ack(&cc, 0xffffffff, 1, 1);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2U);
	xtcp_cc_dupack(&cc, 0xffffffff, nxt, 20);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 2U);
	xtcp_cc_ack(&cc, 0xfff, 2, 2);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 4U);
	xtcp_cc_ack(&cc, 0x1000, 1, 4);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 5U);
	/* And the guard there: SND.UNA == recover == 0x1000. */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, 0x1000, 0x3000, 5),
				XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_DISORDER);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
}

/*
 * recover only ever moves forward in RFC 6582's unbounded sequence
 * space, so any SND.UNA past it "covers more than recover".  Compared
 * modulo 2^32, a recover left behind by more than 2^31 bytes (a transfer
 * of 2 GiB without loss since the ISS or the last recovery) looks ahead:
 * the guard must not then block fast retransmit.
 */
static void xtcp_cong_recover_stale(struct kunit *test)
{
	u32 una = ISS + 1, step = 64 * SEG;
	struct xtcp_cc cc;

	xtcp_cc_init(&cc, ISS);
	/* 2^31 + 64000 bytes ACKed, 64 segments at a time. */
	while (una - (ISS + 1) <= 0x80000000U) {
		una += step;
		xtcp_cc_ack(&cc, una, 64, 64);
	}
	KUNIT_ASSERT_EQ(test, cc.state, XTCP_CA_OPEN);
	xtcp_cc_dupack(&cc, una, una + 64 * SEG, 64);
	xtcp_cc_dupack(&cc, una, una + 64 * SEG, 64);
	KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, una, una + 64 * SEG, 64),
			XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 32U);
	KUNIT_EXPECT_EQ(test, cc.recover, una + 64 * SEG);
}

/*
 * RFC 6675 with SACK agreed: the third duplicate ACK sets cwnd =
 * ssthresh = FlightSize / 2, without the three segments NewReno adds;
 * later duplicates do not inflate it, partial ACKs do not deflate it
 * (each still asks for the next hole), a full ACK ends recovery as
 * NewReno's does.
 */
static void xtcp_cong_sack_recovery(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 20 * SEG;
	struct xtcp_cc cc;
	unsigned int i;

	xtcp_cc_init(&cc, ISS);
	cc.sack = 1;
	cc_three_dupacks(test, &cc, una, nxt, 20);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);
	KUNIT_EXPECT_EQ(test, xtcp_cc_send_quota(&cc), 10U);

	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, xtcp_cc_dupack(&cc, una, nxt, 20),
				XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);

	una += 3 * SEG;
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, una, 3, 17),
			XTCP_CC_RETRANSMIT);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);

	/* Full ACK, 6 segments left in flight: min(10, 6 + 1). */
	KUNIT_EXPECT_EQ(test, xtcp_cc_ack(&cc, nxt, 11, 17), XTCP_CC_NONE);
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 10U);
}

/*
 * xtcp_cc_enter_recovery(), the SACK scoreboard's way in: once from OPEN
 * or DISORDER, never while in recovery or after a timeout.  Without SACK
 * RFC 6582's guard refuses a SND.UNA not past recover; with SACK the
 * scoreboard tells a new loss from an old one, and it enters.
 */
static void xtcp_cong_enter_recovery(struct kunit *test)
{
	u32 una = ISS + 1, nxt = ISS + 1 + 8 * SEG;
	struct xtcp_cc cc;

	/* SND.UNA == recover == ISS + 1 after the handshake. */
	xtcp_cc_init(&cc, ISS + 1);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_enter_recovery(&cc, una, nxt, 8));
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_OPEN);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 10U);

	cc.sack = 1;
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery(&cc, una, nxt, 8));
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_RECOVERY);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 4U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 4U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);

	/* Already in recovery: nothing changes. */
	KUNIT_EXPECT_FALSE(test,
			   xtcp_cc_enter_recovery(&cc, una, nxt + SEG, 2));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 4U);
	KUNIT_EXPECT_EQ(test, cc.recover, nxt);

	/* After a timeout: none until the loss state ends. */
	xtcp_cc_timeout(&cc, nxt, 8, false);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_enter_recovery(&cc, una, nxt, 8));
	KUNIT_EXPECT_EQ(test, cc.state, XTCP_CA_LOSS);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);

	/* NewReno, SND.UNA past recover: enters, with the inflation. */
	xtcp_cc_init(&cc, ISS);
	KUNIT_EXPECT_TRUE(test, xtcp_cc_enter_recovery(&cc, una, nxt, 8));
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 4U);
	KUNIT_EXPECT_EQ(test, cc.cwnd, 7U);
}

/*
 * RFC 5681 4.1: the restart window after an idle RTO, as Linux's
 * tcp_cwnd_restart() computes it, RTO 200 ms.
 */
static void xtcp_cong_restart(struct kunit *test)
{
	static const struct {
		u32 cwnd, ssthresh;
		u64 idle_ms;
		u32 want_cwnd, want_ssthresh;
	} cases[] = {
		{ 100, INF, 150, 100, INF },	/* within an RTO: nothing */
		{ 100, INF, 200, 100, INF },	/* exactly one: nothing */
		{ 100, 20, 201, 50, 75 },	/* halved; ssthresh 3/4 */
		{ 100, 20, 450, 25, 75 },	/* twice */
		{ 100, 90, 10000, 10, 90 },	/* down to the initial window */
		{ 6, 20, 10000, 6, 20 },	/* a smaller window stays */
		{ 13, 4, 201, 10, 10 },		/* no lower than IW */
	};
	struct xtcp_cc cc;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cc_open(&cc, ISS, cases[i].cwnd, cases[i].ssthresh);
		cc.cwnd_cnt = 3;
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cc_restart(&cc,
						    cases[i].idle_ms * NSEC_PER_MSEC,
						    200 * NSEC_PER_MSEC),
				    cases[i].idle_ms > 200, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, cc.cwnd, cases[i].want_cwnd,
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, cc.ssthresh, cases[i].want_ssthresh,
				    "case %u", i);
	}

	/* In loss recovery the window is the recovery's business. */
	cc_open(&cc, ISS, 30, INF);
	xtcp_cc_timeout(&cc, ISS + 1 + 30 * SEG, 30, false);
	KUNIT_EXPECT_FALSE(test, xtcp_cc_restart(&cc, 10ULL * NSEC_PER_SEC,
						 200 * NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, cc.cwnd, 1U);
	KUNIT_EXPECT_EQ(test, cc.ssthresh, 15U);
}

/*
 * The restart is applied when data is pushed after the silence, and the
 * silence is then used up: with the peer's window closed nothing leaves,
 * and a second push at once must not halve the window again.
 */
static void xtcp_cong_restart_once(struct kunit *test)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct xtcp_sock *xsk;
	struct socket *sock;
	struct kvec iov;
	struct sock *sk;
	char *buf;

	buf = kunit_kzalloc(test, 1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, xtcp_kt_sock_create(&sock, 40110, 40111), 0);
	sk = sock->sk;
	xsk = xtcp_sk(sk);
	xtcp_kt_rec_start(test);
	lock_sock(sk);
	xtcp_kt_init_seq(sk, ISS, 5000, 0);
	xsk->mss_cache = 1460;
	xtcp_kt_open_rcv(sk, 65535);
	XTCP_INC_STATS(&init_net, XTCP_MIB_CURRESTAB);
	xtcp_state_store(sk, TCP_ESTABLISHED);
	xsk->cc.cwnd = 40;
	xsk->rto_ns = 200 * NSEC_PER_MSEC;
	xsk->lsnd_ns = ktime_get_ns() - 300 * NSEC_PER_MSEC;
	release_sock(sk);

	/* sendmsg() pushes once: 1.5 RTO of silence halve the window. */
	iov.iov_base = buf;
	iov.iov_len = 1000;
	KUNIT_ASSERT_EQ(test, kernel_sendmsg(sock, &msg, &iov, 1, 1000), 1000);
	lock_sock(sk);
	KUNIT_EXPECT_EQ(test, xsk->packets_out, 0U);
	KUNIT_EXPECT_NOT_NULL(test, sk->sk_send_head);
	KUNIT_EXPECT_EQ(test, xsk->cc.cwnd, 20U);
	xtcp_push(sk);
	KUNIT_EXPECT_EQ(test, xsk->cc.cwnd, 20U);
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(NULL), 0U);
	xtcp_kt_close_manual(sock);
}

static struct kunit_case xtcp_cong_cases[] = {
	KUNIT_CASE(xtcp_cong_init),
	KUNIT_CASE(xtcp_cong_slow_start),
	KUNIT_CASE(xtcp_cong_slow_start_cap),
	KUNIT_CASE(xtcp_cong_avoidance),
	KUNIT_CASE(xtcp_cong_app_limited),
	KUNIT_CASE(xtcp_cong_limited_transmit),
	KUNIT_CASE(xtcp_cong_fast_retransmit),
	KUNIT_CASE(xtcp_cong_recovery_inflate),
	KUNIT_CASE(xtcp_cong_partial_ack),
	KUNIT_CASE(xtcp_cong_full_ack),
	KUNIT_CASE(xtcp_cong_full_ack_empty),
	KUNIT_CASE(xtcp_cong_partial_ack_split),
	KUNIT_CASE(xtcp_cong_recover_guard),
	KUNIT_CASE(xtcp_cong_timeout),
	KUNIT_CASE(xtcp_cong_loss_dupacks),
	KUNIT_CASE(xtcp_cong_loss_exit),
	KUNIT_CASE(xtcp_cong_wrap),
	KUNIT_CASE(xtcp_cong_recover_stale),
	KUNIT_CASE(xtcp_cong_sack_recovery),
	KUNIT_CASE(xtcp_cong_enter_recovery),
	KUNIT_CASE(xtcp_cong_restart),
	KUNIT_CASE(xtcp_cong_restart_once),
	{}
};

static struct kunit_suite xtcp_cong_suite = {
	.name = "xtcp_cong",
	.test_cases = xtcp_cong_cases,
};

kunit_test_suites(&xtcp_cong_suite);
