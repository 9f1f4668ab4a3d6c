// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the XTCP wire helpers: option parsing and building,
 * the checksum, sequence-number comparison and the header layout.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/stddef.h>
#include <linux/unaligned.h>
#include "../src/xtcp_wire.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Parse @len bytes copied into a buffer of exactly that size (KASAN sees
 * any read past it).
 */
static int parse(struct kunit *test, const u8 *bytes, unsigned int len,
		 bool syn, struct xtcp_opts *opts)
{
	u8 *buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (len)
		memcpy(buf, bytes, len);
	return xtcp_parse_options(buf, len, syn, opts);
}

/* The options Linux puts on a SYN: MSS, SACK-permitted, timestamps, wscale. */
static const u8 linux_syn_opts[] = {
	0x02, 0x04, 0x05, 0xb4,			/* MSS 1460 */
	0x04, 0x02,				/* SACK permitted */
	0x08, 0x0a, 0x11, 0x22, 0x33, 0x44,	/* TSval 0x11223344 */
	0x00, 0x00, 0x00, 0x00,			/* TSecr 0 */
	0x01, 0x03, 0x03, 0x07,			/* NOP, wscale 7 */
};

static void xtcp_opt_parse_syn(struct kunit *test)
{
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, 0, parse(test, linux_syn_opts,
				       sizeof(linux_syn_opts), true, &o));
	KUNIT_EXPECT_TRUE(test, o.has_mss);
	KUNIT_EXPECT_EQ(test, o.mss, 1460);
	KUNIT_EXPECT_TRUE(test, o.sack_ok);
	KUNIT_EXPECT_TRUE(test, o.has_tstamp);
	KUNIT_EXPECT_EQ(test, o.tsval, 0x11223344);
	KUNIT_EXPECT_EQ(test, o.tsecr, 0);
	KUNIT_EXPECT_TRUE(test, o.has_wscale);
	KUNIT_EXPECT_EQ(test, o.wscale, 7);
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);
}

/* SYN-only options mean nothing on other segments; timestamps still do. */
static void xtcp_opt_parse_non_syn(struct kunit *test)
{
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, 0, parse(test, linux_syn_opts,
				       sizeof(linux_syn_opts), false, &o));
	KUNIT_EXPECT_FALSE(test, o.has_mss);
	KUNIT_EXPECT_FALSE(test, o.sack_ok);
	KUNIT_EXPECT_FALSE(test, o.has_wscale);
	KUNIT_EXPECT_TRUE(test, o.has_tstamp);
	KUNIT_EXPECT_EQ(test, o.tsval, 0x11223344);
}

static void xtcp_opt_parse_empty_and_padding(struct kunit *test)
{
	static const u8 eol_then_garbage[] = { 0, 0xff, 0x00, 0x42 };
	static const u8 nops[] = { 1, 1, 1, 1 };
	struct xtcp_opts o;

	KUNIT_EXPECT_EQ(test, 0, parse(test, NULL, 0, true, &o));
	KUNIT_EXPECT_FALSE(test, o.has_mss || o.has_tstamp || o.sack_ok);
	KUNIT_EXPECT_EQ(test, 0, parse(test, nops, sizeof(nops), true, &o));
	/* Nothing after end-of-list is looked at, malformed or not. */
	KUNIT_EXPECT_EQ(test, 0, parse(test, eol_then_garbage,
				       sizeof(eol_then_garbage), true, &o));
	KUNIT_EXPECT_FALSE(test, o.has_mss || o.has_tstamp || o.sack_ok);
}

static void xtcp_opt_parse_unknown_skipped(struct kunit *test)
{
	static const u8 bytes[] = {
		30, 6, 0xde, 0xad, 0xbe, 0xef,		/* kind 30 (MPTCP) */
		1, 1,
		8, 10, 0, 0, 0, 9, 0, 0, 0, 8,		/* timestamps */
	};
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, 0, parse(test, bytes, sizeof(bytes), false, &o));
	KUNIT_EXPECT_TRUE(test, o.has_tstamp);
	KUNIT_EXPECT_EQ(test, o.tsval, 9);
	KUNIT_EXPECT_EQ(test, o.tsecr, 8);
}

static void xtcp_opt_parse_clamps(struct kunit *test)
{
	static const u8 big_ws_zero_mss[] = {
		3, 3, 15, 1,		/* wscale 15, NOP */
		2, 4, 0, 0,		/* MSS 0 */
	};
	struct xtcp_opts o;

	KUNIT_ASSERT_EQ(test, 0, parse(test, big_ws_zero_mss,
				       sizeof(big_ws_zero_mss), true, &o));
	KUNIT_EXPECT_TRUE(test, o.has_wscale);
	KUNIT_EXPECT_EQ(test, o.wscale, XTCP_MAX_WSCALE);
	KUNIT_EXPECT_FALSE(test, o.has_mss);
}

static void xtcp_opt_parse_sack_blocks(struct kunit *test)
{
	u8 bytes[2 + 4 * 8];
	struct xtcp_opts o;
	int i;

	bytes[0] = XTCPOPT_SACK;
	bytes[1] = sizeof(bytes);
	for (i = 0; i < 4; i++) {
		put_unaligned_be32(0xfffffff0 + i * 100, bytes + 2 + i * 8);
		put_unaligned_be32(0xfffffff0 + i * 100 + 50, bytes + 6 + i * 8);
	}
	KUNIT_ASSERT_EQ(test, 0, parse(test, bytes, sizeof(bytes), false, &o));
	KUNIT_ASSERT_EQ(test, o.num_sacks, 4);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, o.sacks[i].start, 0xfffffff0 + i * 100);
		KUNIT_EXPECT_EQ(test, o.sacks[i].end,
				0xfffffff0 + i * 100 + 50);
	}
	/* On a SYN the blocks are checked but not kept. */
	KUNIT_ASSERT_EQ(test, 0, parse(test, bytes, sizeof(bytes), true, &o));
	KUNIT_EXPECT_EQ(test, o.num_sacks, 0);
}

struct xtcp_bad_opt_case {
	const char *name;
	u8 bytes[XTCP_MAX_OPT_LEN + 1];
	unsigned int len;
};

/* Every one of these must be rejected as malformed. */
static const struct xtcp_bad_opt_case xtcp_bad_opt_cases[] = {
	{ "kind without length", { 2 }, 1 },
	{ "NOP then kind without length", { 1, 1, 1, 8 }, 4 },
	{ "length 0", { 30, 0, 1, 1 }, 4 },
	{ "length 1", { 30, 1, 1, 1 }, 4 },
	{ "length past the end", { 30, 5, 0, 0 }, 4 },
	{ "MSS truncated", { 2, 4, 5 }, 3 },
	{ "MSS length 3", { 2, 3, 5, 1 }, 4 },
	{ "MSS length 5", { 2, 5, 5, 0xb4, 0 }, 5 },
	{ "wscale length 2", { 3, 2, 1, 1 }, 4 },
	{ "wscale length 4", { 3, 4, 7, 0 }, 4 },
	{ "SACK-permitted length 3", { 4, 3, 0, 1 }, 4 },
	{ "timestamps length 8", { 8, 8, 0, 0, 0, 1, 0, 0 }, 8 },
	{ "timestamps truncated", { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0 }, 11 },
	{ "SACK without blocks", { 5, 2, 1, 1 }, 4 },
	{ "SACK partial block", { 5, 9, 0, 0, 0, 1, 0, 0, 0 }, 9 },
	{ "SACK length 11", { 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0 }, 11 },
	{ "more than 40 bytes", { 1 }, XTCP_MAX_OPT_LEN + 1 },
};

static void xtcp_bad_opt_desc(const struct xtcp_bad_opt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xtcp_bad_opt, xtcp_bad_opt_cases, xtcp_bad_opt_desc);

static void xtcp_opt_parse_malformed(struct kunit *test)
{
	const struct xtcp_bad_opt_case *c = test->param_value;
	struct xtcp_opts o;

	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, c->bytes, c->len, true, &o));
	KUNIT_EXPECT_EQ(test, -EINVAL, parse(test, c->bytes, c->len, false, &o));
}

/* Random bytes never make the parser read out of bounds or return junk. */
static void xtcp_opt_parse_random(struct kunit *test)
{
	static const u8 kinds[] = { 1, 2, 3, 4, 5, 8 };
	u8 bytes[XTCP_MAX_OPT_LEN];
	struct rnd_state rnd;
	int i, accepted = 0;
	struct xtcp_opts o;

	prandom_seed_state(&rnd, 0x5854435000000001ULL);
	for (i = 0; i < 20000; i++) {
		unsigned int len = prandom_u32_state(&rnd) % (XTCP_MAX_OPT_LEN + 1);
		unsigned int j;

		prandom_bytes_state(&rnd, bytes, len);
		/* Bias towards known kinds and plausible lengths. */
		for (j = 0; j + 1 < len; j += 2) {
			if (bytes[j] & 1)
				bytes[j] = kinds[bytes[j] % ARRAY_SIZE(kinds)];
			if (bytes[j + 1] & 1)
				bytes[j + 1] %= 12;
		}
		if (parse(test, bytes, len, i & 1, &o))
			continue;
		accepted++;
		KUNIT_ASSERT_LE(test, o.num_sacks, XTCP_MAX_SACKS);
		KUNIT_ASSERT_LE(test, o.wscale, XTCP_MAX_WSCALE);
		if (i & 1)
			KUNIT_ASSERT_EQ(test, o.num_sacks, 0);
	}
	/* The generator is meant to produce both outcomes. */
	KUNIT_EXPECT_GT(test, accepted, 100);
	KUNIT_EXPECT_LT(test, accepted, 19900);
}

static void xtcp_opt_build_linux_layout(struct kunit *test)
{
	u8 buf[XTCP_MAX_OPT_LEN];
	struct xtcp_opts o = {
		.has_mss = 1, .mss = 1460, .sack_ok = 1,
		.has_tstamp = 1, .tsval = 0x11223344, .tsecr = 0,
		.has_wscale = 1, .wscale = 7,
	};

	KUNIT_ASSERT_EQ(test, xtcp_options_size(&o, true),
			sizeof(linux_syn_opts));
	KUNIT_ASSERT_EQ(test, xtcp_build_options(buf, &o, true),
			sizeof(linux_syn_opts));
	KUNIT_EXPECT_MEMEQ(test, buf, linux_syn_opts, sizeof(linux_syn_opts));
}

static void xtcp_opts_expect_eq(struct kunit *test, const struct xtcp_opts *a,
				const struct xtcp_opts *b)
{
	int i;

	KUNIT_EXPECT_EQ(test, !!a->has_mss, !!b->has_mss);
	KUNIT_EXPECT_EQ(test, a->mss, b->mss);
	KUNIT_EXPECT_EQ(test, !!a->has_wscale, !!b->has_wscale);
	KUNIT_EXPECT_EQ(test, a->wscale, b->wscale);
	KUNIT_EXPECT_EQ(test, !!a->sack_ok, !!b->sack_ok);
	KUNIT_EXPECT_EQ(test, !!a->has_tstamp, !!b->has_tstamp);
	KUNIT_EXPECT_EQ(test, a->tsval, b->tsval);
	KUNIT_EXPECT_EQ(test, a->tsecr, b->tsecr);
	KUNIT_ASSERT_EQ(test, a->num_sacks, b->num_sacks);
	for (i = 0; i < a->num_sacks; i++) {
		KUNIT_EXPECT_EQ(test, a->sacks[i].start, b->sacks[i].start);
		KUNIT_EXPECT_EQ(test, a->sacks[i].end, b->sacks[i].end);
	}
}

/* Every SYN combination survives build then parse, sized as announced. */
static void xtcp_opt_roundtrip_syn(struct kunit *test)
{
	unsigned int combo;

	for (combo = 0; combo < 16; combo++) {
		struct xtcp_opts in = {
			.has_mss = !!(combo & 1), .mss = 1460 - combo,
			.has_wscale = !!(combo & 2), .wscale = combo % 15,
			.sack_ok = !!(combo & 4),
			.has_tstamp = !!(combo & 8),
			.tsval = 0xfffffff0 + combo, .tsecr = combo,
		};
		struct xtcp_opts out;
		u8 buf[XTCP_MAX_OPT_LEN];
		unsigned int size = xtcp_options_size(&in, true);

		if (!in.has_mss)
			in.mss = 0;
		if (!in.has_wscale)
			in.wscale = 0;
		if (!in.has_tstamp) {
			in.tsval = 0;
			in.tsecr = 0;
		}
		KUNIT_ASSERT_EQ(test, size % 4, 0);
		KUNIT_ASSERT_LE(test, size, XTCP_MAX_OPT_LEN);
		KUNIT_ASSERT_EQ(test, xtcp_build_options(buf, &in, true), size);
		KUNIT_ASSERT_EQ(test, 0, parse(test, buf, size, true, &out));
		xtcp_opts_expect_eq(test, &in, &out);
	}
}

/* SACK blocks on data segments: the ones that fit are kept, in order. */
static void xtcp_opt_roundtrip_sack(struct kunit *test)
{
	unsigned int n, ts;

	for (ts = 0; ts < 2; ts++) {
		for (n = 0; n <= XTCP_MAX_SACKS; n++) {
			struct xtcp_opts in = { .has_tstamp = ts, .num_sacks = n };
			unsigned int fit = ts ? min(n, 3U) : n, size, i;
			struct xtcp_opts out;
			u8 buf[XTCP_MAX_OPT_LEN];

			if (ts) {
				in.tsval = 1000 + n;
				in.tsecr = 2000 + n;
			}
			for (i = 0; i < n; i++) {
				in.sacks[i].start = 0x7ffffff0 + 1000 * i;
				in.sacks[i].end = 0x80000010 + 1000 * i;
			}
			size = xtcp_options_size(&in, false);
			KUNIT_ASSERT_EQ(test, size % 4, 0);
			KUNIT_ASSERT_LE(test, size, XTCP_MAX_OPT_LEN);
			KUNIT_ASSERT_EQ(test, xtcp_build_options(buf, &in, false),
					size);
			KUNIT_ASSERT_EQ(test, 0, parse(test, buf, size, false, &out));
			in.num_sacks = fit;
			xtcp_opts_expect_eq(test, &in, &out);
		}
	}
}

static struct kunit_case xtcp_options_cases[] = {
	KUNIT_CASE(xtcp_opt_parse_syn),
	KUNIT_CASE(xtcp_opt_parse_non_syn),
	KUNIT_CASE(xtcp_opt_parse_empty_and_padding),
	KUNIT_CASE(xtcp_opt_parse_unknown_skipped),
	KUNIT_CASE(xtcp_opt_parse_clamps),
	KUNIT_CASE(xtcp_opt_parse_sack_blocks),
	KUNIT_CASE_PARAM(xtcp_opt_parse_malformed, xtcp_bad_opt_gen_params),
	KUNIT_CASE(xtcp_opt_parse_random),
	KUNIT_CASE(xtcp_opt_build_linux_layout),
	KUNIT_CASE(xtcp_opt_roundtrip_syn),
	KUNIT_CASE(xtcp_opt_roundtrip_sack),
	{}
};

static struct kunit_suite xtcp_options_suite = {
	.name = "xtcp_options",
	.test_cases = xtcp_options_cases,
};

/*
 * Checksums.  The vectors are a SYN from 10.0.0.1:40000 to 10.0.0.2:80
 * carrying the options above (TSval 1), without and with a 13-byte payload.
 * The protocol-6 values were confirmed by tshark's TCP checksum validation;
 * the protocol-253 ones differ by exactly 253 - 6 in ones'-complement.
 */
static const u8 xtcp_vec_syn[] = {
	0x9c, 0x40, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04,
	0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
	0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x03, 0x03, 0x07,
	'h', 'e', 'l', 'l', 'o', ',', ' ', 'x', 't', 'c', 'p', '!', 'X',
};

#define XTCP_VEC_HDR_LEN	40

struct xtcp_csum_vec {
	unsigned int len;
	u8 proto;
	u16 check;
};

static const struct xtcp_csum_vec xtcp_csum_vecs[] = {
	{ XTCP_VEC_HDR_LEN, 6, 0x9875 },
	{ XTCP_VEC_HDR_LEN, 253, 0x977e },
	{ sizeof(xtcp_vec_syn), 6, 0xf76c },
	{ sizeof(xtcp_vec_syn), 253, 0xf675 },
};

static __be32 xtcp_vec_addr(u8 last)
{
	return htonl(0x0a000000 | last);
}

static void xtcp_csum_known_vectors(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtcp_csum_vecs); i++) {
		const struct xtcp_csum_vec *v = &xtcp_csum_vecs[i];
		u8 *seg = kunit_kmalloc(test, v->len, GFP_KERNEL);
		__sum16 got;

		KUNIT_ASSERT_NOT_NULL(test, seg);
		memcpy(seg, xtcp_vec_syn, v->len);
		got = xtcp_v4_csum_buf(seg, v->len, xtcp_vec_addr(1),
				       xtcp_vec_addr(2), v->proto);
		KUNIT_EXPECT_EQ_MSG(test, ntohs((__force __be16)got), v->check,
				    "vector %u (len %u proto %u)", i, v->len,
				    v->proto);

		/* With the field filled in the segment verifies as 0. */
		put_unaligned_be16(v->check, seg + 16);
		got = xtcp_v4_csum_buf(seg, v->len, xtcp_vec_addr(1),
				       xtcp_vec_addr(2), v->proto);
		KUNIT_EXPECT_EQ(test, (__force u16)got, 0);

		/* ... and not under the other protocol number. */
		got = xtcp_v4_csum_buf(seg, v->len, xtcp_vec_addr(1),
				       xtcp_vec_addr(2), v->proto == 6 ? 253 : 6);
		KUNIT_EXPECT_NE(test, (__force u16)got, 0);
	}
}

/* RFC 1071 the slow way: an oracle independent of csum_partial(). */
static u16 rfc1071(const u8 *p, unsigned int len, __be32 saddr, __be32 daddr,
		   u8 proto)
{
	unsigned int i;
	u32 sum = 0;

	sum += ntohl(saddr) >> 16;
	sum += ntohl(saddr) & 0xffff;
	sum += ntohl(daddr) >> 16;
	sum += ntohl(daddr) & 0xffff;
	sum += proto;
	sum += len;
	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void xtcp_csum_matches_rfc1071(struct kunit *test)
{
	struct rnd_state rnd;
	int i;

	prandom_seed_state(&rnd, 0x5854435000000002ULL);
	for (i = 0; i < 2000; i++) {
		unsigned int len = XTCP_HDR_LEN + prandom_u32_state(&rnd) % 1481;
		__be32 s = (__force __be32)prandom_u32_state(&rnd);
		__be32 d = (__force __be32)prandom_u32_state(&rnd);
		u8 proto = i & 1 ? 253 : 1 + prandom_u32_state(&rnd) % 254;
		u8 *seg = kunit_kmalloc(test, len, GFP_KERNEL);
		u16 want;
		__sum16 got;

		KUNIT_ASSERT_NOT_NULL(test, seg);
		prandom_bytes_state(&rnd, seg, len);
		want = rfc1071(seg, len, s, d, proto);
		got = xtcp_v4_csum_buf(seg, len, s, d, proto);
		/* 0 and 0xffff are the same number in ones'-complement. */
		if (want == 0xffff)
			want = 0;
		KUNIT_ASSERT_EQ_MSG(test, ntohs((__force __be16)got), want,
				    "len %u proto %u", len, proto);
		kunit_kfree(test, seg);
	}
}

/* Any single flipped bit in an intact segment is detected. */
static void xtcp_csum_detects_bit_flips(struct kunit *test)
{
	unsigned int len = sizeof(xtcp_vec_syn), bit;
	u8 *seg = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, seg);
	memcpy(seg, xtcp_vec_syn, len);
	put_unaligned_be16(0xf675, seg + 16);
	for (bit = 0; bit < len * 8; bit++) {
		__sum16 got;

		seg[bit / 8] ^= BIT(bit % 8);
		got = xtcp_v4_csum_buf(seg, len, xtcp_vec_addr(1),
				       xtcp_vec_addr(2), 253);
		KUNIT_EXPECT_NE_MSG(test, (__force u16)got, 0, "bit %u", bit);
		seg[bit / 8] ^= BIT(bit % 8);
	}
}

static struct kunit_case xtcp_checksum_cases[] = {
	KUNIT_CASE(xtcp_csum_known_vectors),
	KUNIT_CASE(xtcp_csum_matches_rfc1071),
	KUNIT_CASE(xtcp_csum_detects_bit_flips),
	{}
};

static struct kunit_suite xtcp_checksum_suite = {
	.name = "xtcp_checksum",
	.test_cases = xtcp_checksum_cases,
};

/* Sequence space and header layout. */
static void xtcp_seq_compare_wrap(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(1, 2));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_before(2, 2));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before_eq(2, 2));
	/* Across the wrap: 0xfffffff0 comes before 0x10. */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0x10, 0xfffffff0));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_after(0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after_eq(0, 0xffffffff));
	/* Half the space ahead is still "after"; further is "before". */
	KUNIT_EXPECT_TRUE(test, xtcp_seq_after(0x7fffffff, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0x80000001, 0));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_before(0xffffffff, 0));
}

static void xtcp_seq_compare_random(struct kunit *test)
{
	struct rnd_state rnd;
	int i;

	prandom_seed_state(&rnd, 0x5854435000000003ULL);
	for (i = 0; i < 10000; i++) {
		u32 base = prandom_u32_state(&rnd);
		u32 d = 1 + prandom_u32_state(&rnd) % 0x7fffffff;

		KUNIT_ASSERT_TRUE(test, xtcp_seq_before(base, base + d));
		KUNIT_ASSERT_TRUE(test, xtcp_seq_after(base + d, base));
		KUNIT_ASSERT_FALSE(test, xtcp_seq_before(base + d, base));
		KUNIT_ASSERT_TRUE(test, xtcp_seq_between(base + d / 2, base,
							 base + d));
		KUNIT_ASSERT_FALSE(test, xtcp_seq_between(base - 1, base,
							  base + d));
		KUNIT_ASSERT_FALSE(test, xtcp_seq_between(base + d + 1, base,
							  base + d));
	}
}

static void xtcp_seq_between_wrap(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0, 0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0xfffffff0, 0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(0x10, 0xfffffff0, 0x10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0x11, 0xfffffff0, 0x10));
	KUNIT_EXPECT_FALSE(test, xtcp_seq_between(0xffffffef, 0xfffffff0, 0x10));
	KUNIT_EXPECT_TRUE(test, xtcp_seq_between(5, 5, 5));
}

struct xtcp_accept_case {
	u32 seq, len, rcv_nxt, rcv_wnd;
	bool want;
};

/* RFC 9293 3.10.7.4, each row of the table, at and across the wrap. */
static const struct xtcp_accept_case xtcp_accept_cases[] = {
	/* Length 0, window 0: only SEG.SEQ = RCV.NXT. */
	{ 1000, 0, 1000, 0, true },
	{ 1001, 0, 1000, 0, false },
	{ 999, 0, 1000, 0, false },
	{ 0, 0, 0xffffffff, 0, false },
	/* Length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT + RCV.WND. */
	{ 1000, 0, 1000, 100, true },
	{ 1099, 0, 1000, 100, true },
	{ 1100, 0, 1000, 100, false },
	{ 999, 0, 1000, 100, false },
	{ 0x10, 0, 0xfffffff0, 0x40, true },
	{ 0x30, 0, 0xfffffff0, 0x40, false },
	/* Length > 0, window 0: never. */
	{ 1000, 1, 1000, 0, false },
	{ 1000, 500, 1000, 0, false },
	/* Length > 0, window > 0: first or last octet in the window. */
	{ 1000, 10, 1000, 100, true },
	{ 950, 60, 1000, 100, true },		/* last octet 1009 inside */
	{ 950, 50, 1000, 100, false },		/* last octet 999 outside */
	{ 1099, 500, 1000, 100, true },		/* first octet inside */
	{ 1100, 1, 1000, 100, false },
	{ 0xffffffe0, 0x30, 0x5, 0x100, true },	/* last octet 0xf across */
	{ 0xffffffe0, 0x20, 0x5, 0x100, false },	/* ends at 0xffffffff */
	{ 0xfffffff8, 4, 0xfffffff0, 0x20, true },
	{ 0x20, 4, 0xfffffff0, 0x20, false },
};

static void xtcp_seq_acceptability(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xtcp_accept_cases); i++) {
		const struct xtcp_accept_case *c = &xtcp_accept_cases[i];
		bool got = xtcp_seq_acceptable(c->seq, c->len, c->rcv_nxt,
					       c->rcv_wnd);

		KUNIT_EXPECT_EQ_MSG(test, got, c->want,
				    "row %u: seq %#x len %u nxt %#x wnd %u", i,
				    c->seq, c->len, c->rcv_nxt, c->rcv_wnd);
	}
}

static void xtcp_header_layout(struct kunit *test)
{
	struct xtcphdr th = {};

	KUNIT_EXPECT_EQ(test, sizeof(struct xtcphdr), XTCP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcphdr, seq), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcphdr, ack_seq), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcphdr, doff_res), 12);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcphdr, flags), 13);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcphdr, window), 14);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcphdr, check), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct xtcphdr, urg_ptr), 18);

	xtcp_set_hdrlen(&th, 60);
	KUNIT_EXPECT_EQ(test, th.doff_res, 0xf0);
	KUNIT_EXPECT_EQ(test, xtcp_hdrlen(&th), 60);
	/* The vector's header: data offset 10 words, flags SYN. */
	memcpy(&th, xtcp_vec_syn, sizeof(th));
	KUNIT_EXPECT_EQ(test, xtcp_hdrlen(&th), XTCP_VEC_HDR_LEN);
	KUNIT_EXPECT_EQ(test, th.flags, XTCP_FLAG_SYN);
	KUNIT_EXPECT_EQ(test, ntohs(th.source), 40000);
	KUNIT_EXPECT_EQ(test, ntohl(th.seq), 0x01020304);
}

static struct kunit_case xtcp_seq_cases[] = {
	KUNIT_CASE(xtcp_seq_compare_wrap),
	KUNIT_CASE(xtcp_seq_compare_random),
	KUNIT_CASE(xtcp_seq_between_wrap),
	KUNIT_CASE(xtcp_seq_acceptability),
	KUNIT_CASE(xtcp_header_layout),
	{}
};

static struct kunit_suite xtcp_seq_suite = {
	.name = "xtcp_seq",
	.test_cases = xtcp_seq_cases,
};

kunit_test_suites(&xtcp_options_suite, &xtcp_checksum_suite, &xtcp_seq_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for XTCP");
