// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for initial sequence numbers (RFC 6528): the clock part,
 * the keyed-hash part, and the live function's monotonic clock.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/siphash.h>
#include "../src/xtcp_protocol.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static const siphash_key_t key_a = { { 0x0706050403020100ULL,
				       0x0f0e0d0c0b0a0908ULL } };
static const siphash_key_t key_b = { { 0x0706050403020101ULL,
				       0x0f0e0d0c0b0a0908ULL } };

#define A1	htonl(0xc0000201)
#define A2	htonl(0xc0000202)
#define P1	htons(40000)
#define P2	htons(80)
#define T0	1700000000000000000ULL	/* a wall-clock time in ns */

/* M: one tick per 64 ns, for any tuple. */
static void xtcp_isn_clock(struct kunit *test)
{
	u32 base = __xtcp_isn(A1, A2, P1, P2, &key_a, T0);

	KUNIT_EXPECT_EQ(test, __xtcp_isn(A1, A2, P1, P2, &key_a, T0), base);
	KUNIT_EXPECT_EQ(test, __xtcp_isn(A1, A2, P1, P2, &key_a, T0 + 63), base);
	KUNIT_EXPECT_EQ(test, __xtcp_isn(A1, A2, P1, P2, &key_a, T0 + 64),
			base + 1);
	KUNIT_EXPECT_EQ(test, __xtcp_isn(A1, A2, P1, P2, &key_a,
					 T0 + NSEC_PER_SEC),
			base + (u32)(NSEC_PER_SEC / 64));
	/* The space wraps after 2^32 ticks, about 274 s: more than an MSL. */
	KUNIT_EXPECT_EQ(test, __xtcp_isn(A1, A2, P1, P2, &key_a,
					 T0 + (64ULL << 32)), base);
}

/* F: every part of the tuple and the key changes the result. */
static void xtcp_isn_hash_inputs(struct kunit *test)
{
	u32 base = __xtcp_isn(A1, A2, P1, P2, &key_a, T0);

	KUNIT_EXPECT_NE(test, __xtcp_isn(A2, A1, P1, P2, &key_a, T0), base);
	KUNIT_EXPECT_NE(test, __xtcp_isn(A1, A2, P2, P1, &key_a, T0), base);
	KUNIT_EXPECT_NE(test, __xtcp_isn(A1, A2, htons(40001), P2, &key_a, T0),
			base);
	KUNIT_EXPECT_NE(test, __xtcp_isn(A1, htonl(0xc0000203), P1, P2,
					 &key_a, T0), base);
	KUNIT_EXPECT_NE(test, __xtcp_isn(A1, A2, P1, P2, &key_b, T0), base);
}

/* Neighbouring source ports give unrelated ISNs (no pattern to guess). */
static void xtcp_isn_spread(struct kunit *test)
{
	u32 prev = __xtcp_isn(A1, A2, htons(1024), P2, &key_a, T0);
	unsigned int i, close = 0;

	for (i = 1025; i < 1025 + 4096; i++) {
		u32 isn = __xtcp_isn(A1, A2, htons(i), P2, &key_a, T0);

		/* Within 2^20 of the previous one: p = 2^-11 each. */
		if (isn - prev < (1U << 20) || prev - isn < (1U << 20))
			close++;
		prev = isn;
	}
	KUNIT_EXPECT_LT(test, close, 16U);
}

/* The live function: the same tuple moves forward with the clock. */
static void xtcp_isn_live(struct kunit *test)
{
	u32 a = xtcp_isn(A1, A2, P1, P2);
	u32 b;

	usleep_range(2000, 4000);
	b = xtcp_isn(A1, A2, P1, P2);
	/* 2 ms is 31250 ticks; allow a slow machine up to 10 s. */
	KUNIT_EXPECT_GE(test, b - a, 31250U);
	KUNIT_EXPECT_LT(test, b - a, (u32)(10 * NSEC_PER_SEC / 64));
}

static struct kunit_case xtcp_isn_cases[] = {
	KUNIT_CASE(xtcp_isn_clock),
	KUNIT_CASE(xtcp_isn_hash_inputs),
	KUNIT_CASE(xtcp_isn_spread),
	KUNIT_CASE(xtcp_isn_live),
	{}
};

static struct kunit_suite xtcp_isn_suite = {
	.name = "xtcp_isn",
	.test_cases = xtcp_isn_cases,
};

kunit_test_suites(&xtcp_isn_suite);
