// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the retransmission timeout (RFC 6298): the estimator's
 * first and later samples worked out by hand, the initial RTO, the clock
 * granularity G of one microsecond, the bounds, and the backoff with
 * shifts far beyond what a u64 can hold.
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/time64.h>
#include "../src/xtcp_protocol.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* The namespace defaults: rto_min_us 200000, rto_max_ms 120000. */
#define MIN_NS	(200ULL * NSEC_PER_MSEC)
#define MAX_NS	XTCP_RTO_MAX_NS
#define US	NSEC_PER_USEC

/* RFC 6298 2.1: before any sample the RTO is 1 s, within the bounds. */
static void xtcp_rto_no_sample(struct kunit *test)
{
	struct xtcp_rtt r = {};

	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS),
			1000ULL * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 0, U64_MAX),
			1000ULL * NSEC_PER_MSEC);
	/* A minimum above 1 s raises it, a maximum below lowers it. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 2 * NSEC_PER_SEC, MAX_NS),
			2ULL * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test,
			xtcp_rto_compute(&r, MIN_NS, 500 * NSEC_PER_MSEC),
			500ULL * NSEC_PER_MSEC);
	/* Computing does not take a sample. */
	KUNIT_EXPECT_EQ(test, r.srtt_us, 0U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 0U);
}

/* RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 * RTTVAR. */
static void xtcp_rto_first_sample(struct kunit *test)
{
	struct xtcp_rtt r = {};

	/* R = 100 ms: 100000 + 4 * 50000 = 300000 us. */
	xtcp_rtt_sample(&r, 100000);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 100000U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 50000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS),
			300000ULL * US);

	/* R = 333 us: RTTVAR 166 (rounded down), 333 + 664 = 997 us. */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 333);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 333U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 166U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 0, MAX_NS), 997ULL * US);
}

/*
 * RFC 6298 2.3, alpha 1/8 and beta 1/4, RTTVAR updated first from the old
 * SRTT; divisions round down.  Samples 100, 120, 80 and 200 ms:
 *
 *   R       |SRTT - R|  RTTVAR                      SRTT
 *   100000  -           50000                       100000
 *   120000  20000       (3*50000 + 20000)/4 = 42500 (7*100000 + 120000)/8
 *                                                     = 102500
 *   80000   22500       (3*42500 + 22500)/4 = 37500 (7*102500 + 80000)/8
 *                                                     = 99687 (.5)
 *   200000  100313      (3*37500 + 100313)/4        (7*99687 + 200000)/8
 *                         = 53203 (.25)               = 112226 (.125)
 *
 * RTO: 300000, 102500 + 170000 = 272500, 99687 + 150000 = 249687,
 * 112226 + 212812 = 325038 us.
 */
static void xtcp_rto_smoothing(struct kunit *test)
{
	static const struct {
		u32 sample, srtt, rttvar;
		u64 rto_us;
	} steps[] = {
		{ 100000, 100000, 50000, 300000 },
		{ 120000, 102500, 42500, 272500 },
		{ 80000, 99687, 37500, 249687 },
		{ 200000, 112226, 53203, 325038 },
	};
	struct xtcp_rtt r = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		xtcp_rtt_sample(&r, steps[i].sample);
		KUNIT_EXPECT_EQ_MSG(test, r.srtt_us, steps[i].srtt,
				    "sample %u", i);
		KUNIT_EXPECT_EQ_MSG(test, r.rttvar_us, steps[i].rttvar,
				    "sample %u", i);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS),
				    steps[i].rto_us * US, "sample %u", i);
	}
}

/*
 * RFC 6298 2.3: RTO = SRTT + max(G, K * RTTVAR), G one microsecond here.
 * With RTTVAR 0 the RTO is SRTT + 1 us, not SRTT.
 */
static void xtcp_rto_granularity(struct kunit *test)
{
	struct xtcp_rtt r = {};
	unsigned int n = 0;

	/* R = 1 us: SRTT 1, RTTVAR 0 (1/2 rounded down), RTO 2 us. */
	xtcp_rtt_sample(&r, 1);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 1U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 0U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 0, MAX_NS), 2ULL * US);

	/* R = 3 us: RTTVAR 1, so 4 * RTTVAR = 4 > G: 3 + 4 = 7 us. */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 3);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 0, MAX_NS), 7ULL * US);

	/*
	 * A steady 10 ms: SRTT stays 10000, RTTVAR decays 5000, 3750, 2812,
	 * 2109, 1581, 1185, 888, 666, 499, 374, 280, 210, 157, 117, 87, 65,
	 * 48, 36, 27, 20, 15, 11, 8, 6, 4, 3, 2, 1, 0: 0 after 28 samples.
	 */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 10000);
	while (r.rttvar_us && n < 100) {
		xtcp_rtt_sample(&r, 10000);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 28U);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 10000U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 0, MAX_NS), 10001ULL * US);
	/* The default minimum is what applies to it in practice. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MIN_NS);
}

/*
 * A measurement of 0 us (faster than the clock) counts as 1 us.  First:
 * SRTT 1 and RTTVAR 0, and the estimator is no longer empty (SRTT 0 would
 * mean "no sample", RTO 1 s).  Later: SRTT 9, RTTVAR 4, R' = 1 gives
 * RTTVAR (12 + 8)/4 = 5 and SRTT (63 + 1)/8 = 8; with R' = 0 taken as is,
 * SRTT would be 63/8 = 7.
 */
static void xtcp_rto_zero_sample(struct kunit *test)
{
	struct xtcp_rtt r = {};
	unsigned int i;

	xtcp_rtt_sample(&r, 0);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 1U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 0U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 0, MAX_NS), 2ULL * US);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MIN_NS);

	/* Zeros forever: SRTT stays at 1, never back to "no sample". */
	for (i = 0; i < 20; i++)
		xtcp_rtt_sample(&r, 0);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 1U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 0U);

	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 9);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 9U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 4U);
	xtcp_rtt_sample(&r, 0);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 8U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 5U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 0, MAX_NS), 28ULL * US);
}

/* RFC 6298 2.4 and 2.5: the result is held within [min, max]. */
static void xtcp_rto_bounds(struct kunit *test)
{
	struct xtcp_rtt r = {};

	/* 1 ms: 3 ms computed, raised to 200 ms. */
	xtcp_rtt_sample(&r, 1000);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MIN_NS);
	/* A lower minimum (rto_min_us = 1000) lets 3 ms through. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, 1000 * US, MAX_NS),
			3000ULL * US);

	/* 66667 us: 66667 + 4 * 33333 = 199999 us, just below: 200 ms. */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 66667);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MIN_NS);
	/* 66668 us: 66668 + 4 * 33334 = 200004 us, just above: as is. */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 66668);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS),
			200004ULL * US);

	/* 40 s: 40 + 4 * 20 = 120 s exactly; 1 us more is cut to 120 s. */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 40000000);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MAX_NS);
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 40000001);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, U64_MAX),
			120000001ULL * US);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MAX_NS);

	/* 100 s: 300 s computed, cut to 120 s, or to a lower rto_max. */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 100000000);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MAX_NS);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, 5 * NSEC_PER_SEC),
			5ULL * NSEC_PER_SEC);

	/* A maximum below the minimum: the minimum wins. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, 100 * NSEC_PER_MSEC),
			MIN_NS);
}

/*
 * The largest sample: SRTT 4294967295, RTTVAR 2147483647, RTO
 * (4294967295 + 8589934588) us = 12884901883000 ns, which only 64 bits
 * hold.  Then R' = 1: |SRTT - R'| = 4294967294, RTTVAR
 * (3 * 2147483647 + 4294967294)/4 = 2684354558, SRTT
 * (7 * 4294967295 + 1)/8 = 3758096383: no 32-bit overflow on the way.
 */
static void xtcp_rto_large_samples(struct kunit *test)
{
	struct xtcp_rtt r = {};

	xtcp_rtt_sample(&r, U32_MAX);
	KUNIT_EXPECT_EQ(test, r.srtt_us, U32_MAX);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 2147483647U);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, U64_MAX),
			12884901883000ULL);
	KUNIT_EXPECT_EQ(test, xtcp_rto_compute(&r, MIN_NS, MAX_NS), MAX_NS);

	xtcp_rtt_sample(&r, 1);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 3758096383U);
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 2684354558U);

	/* And back: R' = U32_MAX after R = 1 (SRTT 1, RTTVAR 0). */
	r = (struct xtcp_rtt){};
	xtcp_rtt_sample(&r, 1);
	xtcp_rtt_sample(&r, U32_MAX);
	/* RTTVAR (0 + 4294967294)/4, SRTT (7 + 4294967295)/8. */
	KUNIT_EXPECT_EQ(test, r.rttvar_us, 1073741823U);
	KUNIT_EXPECT_EQ(test, r.srtt_us, 536870912U);
}

/* RFC 6298 5.5: each expiry doubles the timeout, up to the maximum. */
static void xtcp_rto_backoff_doubling(struct kunit *test)
{
	u64 rto = 200 * NSEC_PER_MSEC;
	unsigned int shift;

	/* 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4 s. */
	for (shift = 0; shift <= 9; shift++)
		KUNIT_EXPECT_EQ_MSG(test, xtcp_rto_backoff(rto, shift, MAX_NS),
				    rto << shift, "shift %u", shift);
	/* 204.8 s is past 120 s. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(rto, 10, MAX_NS), MAX_NS);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(rto, 11, MAX_NS), MAX_NS);

	/* Landing exactly on the maximum, and 1 ns above it. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(15 * NSEC_PER_SEC, 3, MAX_NS),
			MAX_NS);
	KUNIT_EXPECT_EQ(test,
			xtcp_rto_backoff(15 * NSEC_PER_SEC + 1, 3, MAX_NS),
			MAX_NS);
	KUNIT_EXPECT_EQ(test,
			xtcp_rto_backoff(15 * NSEC_PER_SEC - 1, 3, MAX_NS),
			MAX_NS - 8);

	/* Already above the maximum (rto_max lowered): the maximum. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(MAX_NS + 1, 0, MAX_NS), MAX_NS);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(MAX_NS, 0, MAX_NS), MAX_NS);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(MAX_NS, 1, MAX_NS), MAX_NS);

	/* The timer's own use, one doubling at a time: 1 s to 64 s, 128 cut. */
	rto = NSEC_PER_SEC;
	for (shift = 0; shift < 6; shift++)
		rto = xtcp_rto_backoff(rto, 1, MAX_NS);
	KUNIT_EXPECT_EQ(test, rto, 64ULL * NSEC_PER_SEC);
	rto = xtcp_rto_backoff(rto, 1, MAX_NS);
	KUNIT_EXPECT_EQ(test, rto, MAX_NS);
	rto = xtcp_rto_backoff(rto, 1, MAX_NS);
	KUNIT_EXPECT_EQ(test, rto, MAX_NS);
}

/*
 * Shifts a u64 cannot take (a shift by 64 or more is undefined in C, and
 * 200 ms << 40 wraps): always the maximum, never a wrapped small value.
 * Even 1 ns << 37 (137 s) is past 120 s.
 */
static void xtcp_rto_backoff_huge(struct kunit *test)
{
	static const unsigned int shifts[] = {
		37, 40, 62, 63, 64, 65, 100, 1000, UINT_MAX
	};
	u64 rto = 200 * NSEC_PER_MSEC;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shifts); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_rto_backoff(rto, shifts[i], MAX_NS),
				    MAX_NS, "shift %u", shifts[i]);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_rto_backoff(1, shifts[i], MAX_NS),
				    MAX_NS, "1 ns, shift %u", shifts[i]);
	}

	/* With no useful maximum, the overflow itself is the limit. */
	/* 1 s << 34 = 17179869184000000000 < 2^64 - 1: exact. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(NSEC_PER_SEC, 34, U64_MAX),
			17179869184000000000ULL);
	/* 1 s << 35 would wrap to 15912994294290448384. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(NSEC_PER_SEC, 35, U64_MAX),
			U64_MAX);
	/* 3 << 62 fits; 4 << 62 and 5 << 62 (which wraps to 2^62) do not. */
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(3, 62, U64_MAX), 3ULL << 62);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(4, 62, U64_MAX), U64_MAX);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(5, 62, U64_MAX), U64_MAX);
	KUNIT_EXPECT_EQ(test, xtcp_rto_backoff(1, 64, U64_MAX), U64_MAX);
}

static struct kunit_case xtcp_rto_cases[] = {
	KUNIT_CASE(xtcp_rto_no_sample),
	KUNIT_CASE(xtcp_rto_first_sample),
	KUNIT_CASE(xtcp_rto_smoothing),
	KUNIT_CASE(xtcp_rto_granularity),
	KUNIT_CASE(xtcp_rto_zero_sample),
	KUNIT_CASE(xtcp_rto_bounds),
	KUNIT_CASE(xtcp_rto_large_samples),
	KUNIT_CASE(xtcp_rto_backoff_doubling),
	KUNIT_CASE(xtcp_rto_backoff_huge),
	{}
};

static struct kunit_suite xtcp_rto_suite = {
	.name = "xtcp_rto",
	.test_cases = xtcp_rto_cases,
};

kunit_test_suites(&xtcp_rto_suite);
