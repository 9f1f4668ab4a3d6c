// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP option parsing and building.
 *
 * The parser is strict: a structurally malformed option list (a length byte
 * missing, a length below 2 or running past the header, a known option of
 * the wrong length) rejects the whole segment, which the input path then
 * drops and counts.  Unknown options are skipped by their length, as
 * RFC 9293 section 3.2 requires.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>
#include "xtcp_wire.h"

static int xtcp_parse_sack(const u8 *ptr, unsigned int opsize,
			   struct xtcp_opts *opts)
{
	unsigned int i, n;

	if (opsize < XTCPOLEN_SACK_BASE + XTCPOLEN_SACK_PERBLOCK ||
	    (opsize - XTCPOLEN_SACK_BASE) % XTCPOLEN_SACK_PERBLOCK)
		return -EINVAL;

	n = (opsize - XTCPOLEN_SACK_BASE) / XTCPOLEN_SACK_PERBLOCK;
	/* A 40-byte option space holds at most four blocks. */
	if (n > XTCP_MAX_SACKS)
		return -EINVAL;

	ptr += XTCPOLEN_SACK_BASE;
	for (i = 0; i < n; i++, ptr += XTCPOLEN_SACK_PERBLOCK) {
		opts->sacks[i].start = get_unaligned_be32(ptr);
		opts->sacks[i].end = get_unaligned_be32(ptr + 4);
	}
	opts->num_sacks = n;
	return 0;
}

/**
 * xtcp_parse_options - parse the options of a received segment
 * @ptr: first option byte (just past the fixed header)
 * @len: option bytes, header length minus XTCP_HDR_LEN
 * @syn: the segment carries SYN, so MSS, window scale and SACK-permitted
 *	count and SACK blocks do not
 * @opts: result, zeroed first
 *
 * Return: 0, or -EINVAL when the option list is malformed.
 */
int xtcp_parse_options(const u8 *ptr, unsigned int len, bool syn,
		       struct xtcp_opts *opts)
{
	const u8 *end = ptr + len;

	memset(opts, 0, sizeof(*opts));
	if (len > XTCP_MAX_OPT_LEN)
		return -EINVAL;

	while (ptr < end) {
		unsigned int kind = ptr[0], opsize;

		if (kind == XTCPOPT_EOL)
			break;
		if (kind == XTCPOPT_NOP) {
			ptr++;
			continue;
		}
		if (end - ptr < 2)
			return -EINVAL;
		opsize = ptr[1];
		if (opsize < 2 || opsize > end - ptr)
			return -EINVAL;

		switch (kind) {
		case XTCPOPT_MSS:
			if (opsize != XTCPOLEN_MSS)
				return -EINVAL;
			/* An MSS of zero is meaningless: ignore it. */
			if (syn && get_unaligned_be16(ptr + 2)) {
				opts->mss = get_unaligned_be16(ptr + 2);
				opts->has_mss = 1;
			}
			break;
		case XTCPOPT_WINDOW:
			if (opsize != XTCPOLEN_WINDOW)
				return -EINVAL;
			if (syn) {
				/* RFC 7323 2.3: a shift above 14 is used as 14. */
				opts->wscale = min_t(u8, ptr[2], XTCP_MAX_WSCALE);
				opts->has_wscale = 1;
			}
			break;
		case XTCPOPT_SACK_PERM:
			if (opsize != XTCPOLEN_SACK_PERM)
				return -EINVAL;
			if (syn)
				opts->sack_ok = 1;
			break;
		case XTCPOPT_TIMESTAMP:
			if (opsize != XTCPOLEN_TIMESTAMP)
				return -EINVAL;
			opts->tsval = get_unaligned_be32(ptr + 2);
			opts->tsecr = get_unaligned_be32(ptr + 6);
			opts->has_tstamp = 1;
			break;
		case XTCPOPT_SACK:
			if (xtcp_parse_sack(ptr, opsize, opts))
				return -EINVAL;
			if (syn)
				opts->num_sacks = 0;
			break;
		default:
			break;
		}
		ptr += opsize;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_parse_options);

/*
 * SACK blocks that fit beside the other options of a segment that is not a
 * SYN: 40 bytes less 12 for timestamps leaves room for three, else four.
 */
static unsigned int xtcp_sacks_that_fit(const struct xtcp_opts *opts)
{
	unsigned int room = XTCP_MAX_OPT_LEN;

	if (opts->has_tstamp)
		room -= 12;
	room -= 4;	/* NOP, NOP, kind, length */
	return min_t(unsigned int, min_t(unsigned int, opts->num_sacks,
					 XTCP_MAX_SACKS),
		     room / XTCPOLEN_SACK_PERBLOCK);
}

/**
 * xtcp_options_size - bytes xtcp_build_options() will write
 * @opts: the options to send
 * @syn: building a SYN or SYN-ACK
 *
 * Return: a multiple of 4, at most XTCP_MAX_OPT_LEN.
 */
unsigned int xtcp_options_size(const struct xtcp_opts *opts, bool syn)
{
	unsigned int size = 0, n;

	if (opts->has_tstamp)
		size += 12;
	if (syn) {
		if (opts->has_mss)
			size += 4;
		if (opts->sack_ok && !opts->has_tstamp)
			size += 4;
		if (opts->has_wscale)
			size += 4;
	} else {
		n = xtcp_sacks_that_fit(opts);
		if (n)
			size += 4 + n * XTCPOLEN_SACK_PERBLOCK;
	}
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_options_size);

/**
 * xtcp_build_options - write options in the usual aligned layout
 * @ptr: where to write, with room for xtcp_options_size() bytes
 * @opts: the options to send
 * @syn: building a SYN or SYN-ACK
 *
 * The layout is the one Linux TCP sends, so captures compare easily: MSS;
 * SACK-permitted packed before the timestamps (else NOP, NOP before them);
 * NOP before window scale; NOP, NOP before SACK blocks.  SACK blocks that do
 * not fit are left out, the first ones kept.
 *
 * Return: bytes written, a multiple of 4.
 */
unsigned int xtcp_build_options(u8 *ptr, const struct xtcp_opts *opts,
				bool syn)
{
	unsigned int i, n;
	u8 *start = ptr;

	if (syn && opts->has_mss) {
		*ptr++ = XTCPOPT_MSS;
		*ptr++ = XTCPOLEN_MSS;
		put_unaligned_be16(opts->mss, ptr);
		ptr += 2;
	}
	if (opts->has_tstamp) {
		if (syn && opts->sack_ok) {
			*ptr++ = XTCPOPT_SACK_PERM;
			*ptr++ = XTCPOLEN_SACK_PERM;
		} else {
			*ptr++ = XTCPOPT_NOP;
			*ptr++ = XTCPOPT_NOP;
		}
		*ptr++ = XTCPOPT_TIMESTAMP;
		*ptr++ = XTCPOLEN_TIMESTAMP;
		put_unaligned_be32(opts->tsval, ptr);
		put_unaligned_be32(opts->tsecr, ptr + 4);
		ptr += 8;
	} else if (syn && opts->sack_ok) {
		*ptr++ = XTCPOPT_NOP;
		*ptr++ = XTCPOPT_NOP;
		*ptr++ = XTCPOPT_SACK_PERM;
		*ptr++ = XTCPOLEN_SACK_PERM;
	}
	if (syn && opts->has_wscale) {
		*ptr++ = XTCPOPT_NOP;
		*ptr++ = XTCPOPT_WINDOW;
		*ptr++ = XTCPOLEN_WINDOW;
		*ptr++ = min_t(u8, opts->wscale, XTCP_MAX_WSCALE);
	}
	n = syn ? 0 : xtcp_sacks_that_fit(opts);
	if (n) {
		*ptr++ = XTCPOPT_NOP;
		*ptr++ = XTCPOPT_NOP;
		*ptr++ = XTCPOPT_SACK;
		*ptr++ = XTCPOLEN_SACK_BASE + n * XTCPOLEN_SACK_PERBLOCK;
		for (i = 0; i < n; i++, ptr += XTCPOLEN_SACK_PERBLOCK) {
			put_unaligned_be32(opts->sacks[i].start, ptr);
			put_unaligned_be32(opts->sacks[i].end, ptr + 4);
		}
	}
	return ptr - start;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_build_options);
