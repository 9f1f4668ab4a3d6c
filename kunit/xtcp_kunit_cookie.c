// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the SYN cookie codec: round trips for every MSS index and
 * option combination, the MSS chosen, the lifetime, and rejection of stale,
 * forged, tuple-mismatched and option-tampered cookies; the SYN-ACK's TSval
 * carrying the options without going past the clock.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/prandom.h>
#include <linux/siphash.h>
#include <linux/timekeeping.h>
#include "../src/xtcp_syncookies.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static const siphash_key_t key_a = { { 0x0706050403020100ULL,
				       0x0f0e0d0c0b0a0908ULL } };
static const siphash_key_t key_b = { { 0x0706050403020101ULL,
				       0x0f0e0d0c0b0a0908ULL } };

/* The client (first) and the listener. */
#define CA	htonl(0xc0000201)
#define LA	htonl(0xc0000202)
#define CP	htons(40000)
#define LP	htons(80)
#define CISN	0x89abcdefU
#define COUNT	0x01234567U	/* an arbitrary time counter */
#define TS_NOW	0x10000025U	/* an arbitrary timestamp clock */

/* Every option combination: wscale none or 0..14, SACK off or on. */
#define NR_OPTS	(2 * (1 + XTCP_COOKIE_WSCALE_MAX + 1))

static struct xtcp_cookie_opts opts_nr(unsigned int n)
{
	struct xtcp_cookie_opts o = {};

	o.sack_ok = n & 1;
	if (n >> 1) {
		o.wscale_ok = 1;
		o.snd_wscale = (n >> 1) - 1;
	}
	return o;
}

static u32 make(u32 optbits, u32 count)
{
	u16 mss;

	return xtcp_cookie_make(&key_a, CA, LA, CP, LP, CISN, count, 1460,
				optbits, &mss);
}

static int check(u32 cookie, u32 optbits, u32 count_now)
{
	return xtcp_cookie_check(&key_a, CA, LA, CP, LP, CISN, cookie,
				 count_now, optbits);
}

/* The ascending table, and the documented place of each field. */
static void xtcp_cookie_layout(struct kunit *test)
{
	unsigned int i;
	u16 mss = 0;
	u32 c;

	KUNIT_EXPECT_EQ(test, xtcp_cookie_mss_table[0], 536);
	for (i = 1; i < XTCP_COOKIE_MSS_NR; i++)
		KUNIT_EXPECT_GT(test, xtcp_cookie_mss_table[i],
				xtcp_cookie_mss_table[i - 1]);

	for (i = 0; i < XTCP_COOKIE_MSS_NR; i++) {
		c = xtcp_cookie_make(&key_a, CA, LA, CP, LP, CISN, COUNT,
				     xtcp_cookie_mss_table[i], 0, &mss);
		KUNIT_EXPECT_EQ(test, c >> XTCP_COOKIE_COUNT_SHIFT, COUNT & 0xf);
		KUNIT_EXPECT_EQ(test, (c >> XTCP_COOKIE_MSS_SHIFT) & 3, i);
		KUNIT_EXPECT_EQ(test, mss, xtcp_cookie_mss_table[i]);
	}
	/* The hash part depends on the count beyond the bits in clear. */
	KUNIT_EXPECT_NE(test, make(0, COUNT) & (BIT(26) - 1),
			make(0, COUNT + 16) & (BIT(26) - 1));
	/* mss_out may be NULL. */
	KUNIT_EXPECT_EQ(test, xtcp_cookie_make(&key_a, CA, LA, CP, LP, CISN,
					       COUNT, 1460, 0, NULL),
			make(0, COUNT));
}

static void mss_idx_desc(const unsigned int *idx, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "mss %u",
		 xtcp_cookie_mss_table[*idx]);
}

static const unsigned int mss_idxs[] = { 0, 1, 2, 3 };
static_assert(ARRAY_SIZE(mss_idxs) == XTCP_COOKIE_MSS_NR);
KUNIT_ARRAY_PARAM(mss_idx, mss_idxs, mss_idx_desc);

/*
 * For one MSS index, every option combination with timestamps and the case
 * without: the cookie comes back with its MSS in this unit and the next,
 * the options come back from the TSval, which is never after the clock.
 */
static void xtcp_cookie_round_trip(struct kunit *test)
{
	unsigned int idx = *(const unsigned int *)test->param_value;
	u16 clamp = idx + 1 < XTCP_COOKIE_MSS_NR ?
		    xtcp_cookie_mss_table[idx + 1] - 1 : 65535;
	u16 want = xtcp_cookie_mss_table[idx];
	unsigned int n;

	for (n = 0; n <= NR_OPTS; n++) {
		struct xtcp_cookie_opts o = opts_nr(n), back;
		bool ts = n < NR_OPTS;	/* the last one: no timestamps */
		u32 ts_now = TS_NOW + 7 * n, tsval = 0, optbits = 0, echo;
		u32 isn = CISN + n * 0x01000193U;
		u16 mss_out = 0;
		u32 cookie;

		if (ts) {
			tsval = xtcp_cookie_tsval(ts_now, &o);
			optbits = xtcp_cookie_optbits(tsval);
			KUNIT_EXPECT_NE_MSG(test, optbits, 0U, "opts %u", n);
			KUNIT_EXPECT_LT_MSG(test, ts_now - tsval,
					    (u32)BIT(XTCP_COOKIE_TS_BITS),
					    "opts %u", n);
		}
		cookie = xtcp_cookie_make(&key_a, CA, LA, CP, LP, isn, COUNT,
					  n & 1 ? want : clamp, optbits,
					  &mss_out);
		KUNIT_EXPECT_EQ_MSG(test, mss_out, want, "opts %u", n);
		/* The client's ACK: TSecr echoes our TSval. */
		echo = xtcp_cookie_optbits(tsval);
		KUNIT_EXPECT_EQ_MSG(test, echo, optbits, "opts %u", n);
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cookie_check(&key_a, CA, LA, CP, LP,
						      isn, cookie, COUNT, echo),
				    want, "opts %u, same unit", n);
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cookie_check(&key_a, CA, LA, CP, LP,
						      isn, cookie, COUNT + 1,
						      echo),
				    want, "opts %u, next unit", n);
		if (!ts)
			continue;
		KUNIT_EXPECT_TRUE_MSG(test, xtcp_cookie_ts_decode(tsval, &back),
				      "opts %u", n);
		KUNIT_EXPECT_EQ_MSG(test, (int)back.wscale_ok, (int)o.wscale_ok,
				    "opts %u", n);
		KUNIT_EXPECT_EQ_MSG(test, back.snd_wscale, o.snd_wscale,
				    "opts %u", n);
		KUNIT_EXPECT_EQ_MSG(test, (int)back.sack_ok, (int)o.sack_ok,
				    "opts %u", n);
	}
}

/* The largest entry not above the clamp, or the smallest one. */
static void xtcp_cookie_mss_select(struct kunit *test)
{
	static const struct {
		u16 clamp, mss;
	} cases[] = {
		{ 0, 536 }, { 1, 536 }, { 535, 536 },	/* below the smallest */
		{ 536, 536 }, { 1300, 1300 },		/* exact */
		{ 1440, 1440 }, { 1460, 1460 },
		{ 537, 536 }, { 1299, 536 },		/* between entries */
		{ 1301, 1300 }, { 1439, 1300 }, { 1459, 1440 },
		{ 1461, 1460 }, { 9000, 1460 },		/* above the largest */
		{ 65535, 1460 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u16 mss_out = 0;
		u32 c = xtcp_cookie_make(&key_a, CA, LA, CP, LP, CISN, COUNT,
					 cases[i].clamp, 0, &mss_out);

		KUNIT_EXPECT_EQ_MSG(test, mss_out, cases[i].mss, "clamp %u",
				    cases[i].clamp);
		KUNIT_EXPECT_EQ_MSG(test, check(c, 0, COUNT), cases[i].mss,
				    "clamp %u", cases[i].clamp);
	}
}

/*
 * Accepted in its unit and the next one only: stale two units on, from
 * the future one unit early; also across the counter's 2^32 wrap.
 */
static void xtcp_cookie_lifetime(struct kunit *test)
{
	static const u32 counts[] = { COUNT, 0, 0xf, 0x10, 0xffffffff };
	unsigned int i, d;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		u32 cnt = counts[i];
		u32 c = make(0, cnt);
		u32 ct = make(XTCP_COOKIE_TS_MARK, cnt);

		KUNIT_EXPECT_EQ_MSG(test, check(c, 0, cnt), 1460, "%#x", cnt);
		KUNIT_EXPECT_EQ_MSG(test, check(c, 0, cnt + 1), 1460, "%#x",
				    cnt);
		KUNIT_EXPECT_EQ_MSG(test, check(ct, XTCP_COOKIE_TS_MARK,
						cnt + 1), 1460, "%#x", cnt);
		/* Stale: made at now - 2, and every age up to 15 units. */
		for (d = 2; d < 16; d++)
			KUNIT_EXPECT_EQ_MSG(test, check(c, 0, cnt + d), -ETIME,
					    "%#x + %u", cnt, d);
		/* From the future: made at now + 1, now + 2. */
		KUNIT_EXPECT_EQ_MSG(test, check(c, 0, cnt - 1), -ETIME, "%#x",
				    cnt);
		KUNIT_EXPECT_EQ_MSG(test, check(c, 0, cnt - 2), -ETIME, "%#x",
				    cnt);
		/* 16 and 17 units on the bits in clear match: the hash fails. */
		KUNIT_EXPECT_EQ_MSG(test, check(c, 0, cnt + 16), -EBADMSG,
				    "%#x", cnt);
		KUNIT_EXPECT_EQ_MSG(test, check(c, 0, cnt + 17), -EBADMSG,
				    "%#x", cnt);
	}
}

/* No single flipped bit of a cookie passes, in either accepted unit. */
static void xtcp_cookie_bit_flips(struct kunit *test)
{
	u32 ob = XTCP_COOKIE_TS_MARK | XTCP_COOKIE_TS_SACK | 7;
	unsigned int b, now;

	for (now = COUNT; now <= COUNT + 1; now++) {
		for (b = 0; b < 32; b++) {
			u32 c = make(ob, COUNT) ^ BIT(b);
			int r = check(c, ob, now);

			if (b < XTCP_COOKIE_COUNT_SHIFT)
				KUNIT_EXPECT_EQ_MSG(test, r, -EBADMSG,
						    "bit %u, now %+d", b,
						    now - COUNT);
			else
				KUNIT_EXPECT_LT_MSG(test, r, 0,
						    "bit %u, now %+d", b,
						    now - COUNT);
			KUNIT_EXPECT_LT_MSG(test, check(make(0, COUNT) ^ BIT(b),
							0, now), 0,
					    "bit %u, now %+d, no timestamps",
					    b, now - COUNT);
		}
	}
}

#define GUESSES	100000

/*
 * Blind guesses: uniformly random cookies, and random cookies with the
 * current time bits (an attacker knows the clock).  Each passes with
 * probability 2^-29 and 2^-26: 100000 guesses should see none.
 */
static void xtcp_cookie_random_guesses(struct kunit *test)
{
	unsigned int i, pass = 0, pass_timed = 0, stale = 0;
	struct rnd_state rnd;

	prandom_seed_state(&rnd, 0x5854435000000c00ULL);
	for (i = 0; i < GUESSES; i++) {
		u32 g = prandom_u32_state(&rnd);
		u32 ob = i & 1 ? 0 : xtcp_cookie_optbits(g >> 8) |
				     XTCP_COOKIE_TS_MARK;
		int r = check(g, ob, COUNT);

		if (r > 0)
			pass++;
		else if (r == -ETIME)
			stale++;
		g &= BIT(XTCP_COOKIE_COUNT_SHIFT) - 1;
		g |= (COUNT - (i & 1)) << XTCP_COOKIE_COUNT_SHIFT;
		if (check(g, ob, COUNT) != -EBADMSG)
			pass_timed++;
	}
	KUNIT_EXPECT_EQ(test, pass, 0U);
	KUNIT_EXPECT_EQ(test, pass_timed, 0U);
	/* 14 of the 16 values of the time bits are outside the lifetime. */
	KUNIT_EXPECT_GT(test, stale, GUESSES * 14 / 16 - GUESSES / 100);
	KUNIT_EXPECT_LT(test, stale, GUESSES * 14 / 16 + GUESSES / 100);
}

#define SPREAD	4096

/*
 * Every one of the 26 hash bits is unpredictable: over cookies of 4096
 * client ports, each is set in about half of them (2048, sd 32), so no
 * bit is fixed for a guesser to exploit.
 */
static void xtcp_cookie_hash_bits(struct kunit *test)
{
	unsigned int set[XTCP_COOKIE_HASH_BITS] = {};
	unsigned int i, b;

	for (i = 0; i < SPREAD; i++) {
		u32 c = xtcp_cookie_make(&key_a, CA, LA, htons(1024 + i), LP,
					 CISN, COUNT, 1460, 0, NULL);

		for (b = 0; b < XTCP_COOKIE_HASH_BITS; b++)
			set[b] += (c >> b) & 1;
	}
	for (b = 0; b < XTCP_COOKIE_HASH_BITS; b++) {
		KUNIT_EXPECT_GT_MSG(test, set[b], SPREAD / 2 - 256, "bit %u", b);
		KUNIT_EXPECT_LT_MSG(test, set[b], SPREAD / 2 + 256, "bit %u", b);
	}
}

/* A cookie is bound to its tuple, in its direction, and the client's ISN. */
static void xtcp_cookie_tuple_mismatch(struct kunit *test)
{
	static const struct {
		const char *what;
		__be32 saddr, daddr;
		__be16 sport, dport;
		u32 isn;
	} cases[] = {
		{ "saddr", htonl(0xc0000203), LA, CP, LP, CISN },
		{ "daddr", CA, htonl(0xc0000203), CP, LP, CISN },
		{ "sport", CA, LA, htons(40001), LP, CISN },
		{ "dport", CA, LA, CP, htons(81), CISN },
		{ "addresses swapped", LA, CA, CP, LP, CISN },
		{ "ports swapped", CA, LA, LP, CP, CISN },
		{ "reverse direction", LA, CA, LP, CP, CISN },
		{ "saddr bit 31", htonl(0x40000201), LA, CP, LP, CISN },
		{ "dport bit 15", CA, LA, CP, htons(0x8050), CISN },
		{ "client ISN + 1", CA, LA, CP, LP, CISN + 1 },
		{ "client ISN - 1", CA, LA, CP, LP, CISN - 1 },
		{ "client ISN bit 31", CA, LA, CP, LP, CISN ^ BIT(31) },
	};
	u32 ob = XTCP_COOKIE_TS_MARK | XTCP_COOKIE_TS_WSCALE_NONE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 c = make(ob, COUNT);
		u32 c0 = make(0, COUNT);

		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cookie_check(&key_a, cases[i].saddr,
						      cases[i].daddr,
						      cases[i].sport,
						      cases[i].dport,
						      cases[i].isn, c, COUNT,
						      ob),
				    -EBADMSG, "%s", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test,
				    xtcp_cookie_check(&key_a, cases[i].saddr,
						      cases[i].daddr,
						      cases[i].sport,
						      cases[i].dport,
						      cases[i].isn, c0,
						      COUNT + 1, 0),
				    -EBADMSG, "%s, no timestamps",
				    cases[i].what);
	}
}

/* Another namespace's key, or a key one bit away, does not validate. */
static void xtcp_cookie_wrong_key(struct kunit *test)
{
	u32 c = make(0, COUNT);
	unsigned int b;

	KUNIT_EXPECT_EQ(test, xtcp_cookie_check(&key_b, CA, LA, CP, LP, CISN,
						c, COUNT, 0), -EBADMSG);
	for (b = 0; b < 128; b += 9) {
		siphash_key_t k = key_a;

		k.key[b / 64] ^= BIT_ULL(b % 64);
		KUNIT_EXPECT_EQ_MSG(test, xtcp_cookie_check(&k, CA, LA, CP, LP,
							    CISN, c, COUNT, 0),
				    -EBADMSG, "key bit %u", b);
	}
}

/*
 * The options are authenticated: any other TSecr low bits, timestamps
 * added to a cookie made without them or taken away, are rejected.
 */
static void xtcp_cookie_optbits_tampered(struct kunit *test)
{
	u32 ob = XTCP_COOKIE_TS_MARK | 2;	/* shift 2, no SACK */
	u32 c = make(ob, COUNT), c0 = make(0, COUNT);
	u32 x;

	KUNIT_EXPECT_EQ(test, check(c, ob, COUNT), 1460);
	for (x = 0; x <= XTCP_COOKIE_TS_MASK; x++) {
		if (x != ob)
			KUNIT_EXPECT_EQ_MSG(test, check(c, x, COUNT), -EBADMSG,
					    "TSecr bits %#x", x);
		if (x)
			KUNIT_EXPECT_EQ_MSG(test, check(c0, x, COUNT + 1),
					    -EBADMSG, "TSecr bits %#x added", x);
	}
	/* Only the low bits count: the rest of TSecr is the clock's. */
	KUNIT_EXPECT_EQ(test, check(c, xtcp_cookie_optbits(0xdeadbe00 | ob),
				    COUNT), 1460);
}

/*
 * The TSval: the encoding in its low bits, at most one step before the
 * clock and never after it, the latest such value; across the 2^32 wrap.
 */
static void xtcp_cookie_tsval_clock(struct kunit *test)
{
	static const u32 clocks[] = {
		0, 1, 5, 0x1f, 0x20, 0x3e, 0x3f, 0x40, 0x41, TS_NOW,
		0x7fffffff, 0x80000000, 0xffffffc0, 0xfffffffe, 0xffffffff,
	};
	struct rnd_state rnd;
	unsigned int i, n;

	prandom_seed_state(&rnd, 0x5854435000000c01ULL);
	for (i = 0; i < ARRAY_SIZE(clocks) + 200; i++) {
		u32 now = i < ARRAY_SIZE(clocks) ? clocks[i] :
			  prandom_u32_state(&rnd);

		for (n = 0; n < NR_OPTS; n++) {
			struct xtcp_cookie_opts o = opts_nr(n);
			u32 ts = xtcp_cookie_tsval(now, &o);
			u32 enc = XTCP_COOKIE_TS_MARK |
				  (o.sack_ok ? XTCP_COOKIE_TS_SACK : 0) |
				  (o.wscale_ok ? o.snd_wscale :
				   XTCP_COOKIE_TS_WSCALE_NONE);

			KUNIT_EXPECT_EQ_MSG(test, ts & XTCP_COOKIE_TS_MASK, enc,
					    "now %#x opts %u", now, n);
			KUNIT_EXPECT_LE_MSG(test, now - ts,
					    (u32)XTCP_COOKIE_TS_MASK,
					    "now %#x opts %u", now, n);
		}
	}
	/* Worked cases: kept in the clock's step, or one step back. */
	{
		struct xtcp_cookie_opts none = {}, s14 = {
			.snd_wscale = 14, .wscale_ok = 1, .sack_ok = 1 };

		KUNIT_EXPECT_EQ(test, xtcp_cookie_tsval(0x1000007f, &none),
				0x1000006fU);
		KUNIT_EXPECT_EQ(test, xtcp_cookie_tsval(0x10000040, &none),
				0x1000002fU);
		KUNIT_EXPECT_EQ(test, xtcp_cookie_tsval(0x1000003e, &s14),
				0x1000003eU);
		KUNIT_EXPECT_EQ(test, xtcp_cookie_tsval(0x1000003d, &s14),
				0x0ffffffeU);
		/* Just after the wrap, the TSval is just before it. */
		KUNIT_EXPECT_EQ(test, xtcp_cookie_tsval(5, &none), 0xffffffefU);
		KUNIT_EXPECT_EQ(test, xtcp_cookie_tsval(0, &s14), 0xfffffffeU);
	}
}

/*
 * Decoding: a TSecr without the mark is not ours; a shift above 14 is
 * sent as 14 (RFC 7323 section 2.3).
 */
static void xtcp_cookie_ts_decoding(struct kunit *test)
{
	struct xtcp_cookie_opts big = { .snd_wscale = 15, .wscale_ok = 1 };
	struct xtcp_cookie_opts o = { .snd_wscale = 9, .wscale_ok = 1,
				      .sack_ok = 1 };
	u32 x;

	for (x = 0; x <= XTCP_COOKIE_TS_MASK; x++) {
		bool ok = xtcp_cookie_ts_decode(0xabcdef00 | x, &o);

		KUNIT_EXPECT_EQ_MSG(test, ok, !!(x & XTCP_COOKIE_TS_MARK),
				    "%#x", x);
		if (!ok) {
			KUNIT_EXPECT_FALSE_MSG(test, o.wscale_ok, "%#x", x);
			KUNIT_EXPECT_FALSE_MSG(test, o.sack_ok, "%#x", x);
			KUNIT_EXPECT_EQ_MSG(test, o.snd_wscale, 0, "%#x", x);
		}
	}
	KUNIT_EXPECT_TRUE(test,
			  xtcp_cookie_ts_decode(xtcp_cookie_tsval(TS_NOW, &big),
						&o));
	KUNIT_EXPECT_TRUE(test, o.wscale_ok);
	KUNIT_EXPECT_EQ(test, o.snd_wscale, XTCP_COOKIE_WSCALE_MAX);
	big.snd_wscale = 255;
	KUNIT_EXPECT_TRUE(test,
			  xtcp_cookie_ts_decode(xtcp_cookie_tsval(TS_NOW, &big),
						&o));
	KUNIT_EXPECT_EQ(test, o.snd_wscale, XTCP_COOKIE_WSCALE_MAX);
}

/* The live counter: the monotonic clock in 64 s units. */
static void xtcp_cookie_count_live(struct kunit *test)
{
	u32 before = (u32)(ktime_get_seconds() >> 6);
	u32 after = (u32)(ktime_get_seconds() >> 6);
	u32 c = xtcp_cookie_count();

	KUNIT_EXPECT_GE(test, c, before);
	KUNIT_EXPECT_LE(test, c, after);
}

static struct kunit_case xtcp_cookie_cases[] = {
	KUNIT_CASE(xtcp_cookie_layout),
	KUNIT_CASE_PARAM(xtcp_cookie_round_trip, mss_idx_gen_params),
	KUNIT_CASE(xtcp_cookie_mss_select),
	KUNIT_CASE(xtcp_cookie_lifetime),
	KUNIT_CASE(xtcp_cookie_bit_flips),
	KUNIT_CASE(xtcp_cookie_random_guesses),
	KUNIT_CASE(xtcp_cookie_hash_bits),
	KUNIT_CASE(xtcp_cookie_tuple_mismatch),
	KUNIT_CASE(xtcp_cookie_wrong_key),
	KUNIT_CASE(xtcp_cookie_optbits_tampered),
	KUNIT_CASE(xtcp_cookie_tsval_clock),
	KUNIT_CASE(xtcp_cookie_ts_decoding),
	KUNIT_CASE(xtcp_cookie_count_live),
	{}
};

static struct kunit_suite xtcp_cookie_suite = {
	.name = "xtcp_cookie",
	.test_cases = xtcp_cookie_cases,
};

kunit_test_suites(&xtcp_cookie_suite);
