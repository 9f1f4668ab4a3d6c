/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP SYN cookies: the codec.  Pure functions of their arguments (the key
 * and the time counter are passed in), so the listener owns the per-netns
 * secret and the clock, and KUnit can test every case.  The layout is
 * described at the top of src/xtcp_syncookies.c.
 */
#ifndef _XTCP_SYNCOOKIES_H
#define _XTCP_SYNCOOKIES_H

#include <linux/bits.h>
#include <linux/siphash.h>
#include <linux/types.h>

/*
 * Cookie time: a counter of 64-second units of the monotonic clock.  A
 * cookie is accepted in the unit it was made in and the next one, so it
 * lives between 64 and 128 s (Linux TCP: MAX_SYNCOOKIE_AGE of 2 units).
 */
#define XTCP_COOKIE_PERIOD_SHIFT	6	/* 64 s units */
#define XTCP_COOKIE_MAX_AGE		2	/* units accepted: now, now - 1 */

/* The cookie's 32 bits, most significant first. */
#define XTCP_COOKIE_COUNT_BITS		4	/* count mod 16, in clear */
#define XTCP_COOKIE_MSS_BITS		2	/* index in the MSS table */
#define XTCP_COOKIE_HASH_BITS		26	/* truncated SipHash */
#define XTCP_COOKIE_MSS_SHIFT		XTCP_COOKIE_HASH_BITS
#define XTCP_COOKIE_COUNT_SHIFT		(XTCP_COOKIE_HASH_BITS + \
					 XTCP_COOKIE_MSS_BITS)

#define XTCP_COOKIE_MSS_NR		4
extern const u16 xtcp_cookie_mss_table[XTCP_COOKIE_MSS_NR];

/*
 * The options of a cookie SYN-ACK, in the low bits of its TSval (echoed in
 * the TSecr of the client's ACK):
 *
 *   | 31 ... 6 |   5  |   4  | 3 2 1 0 |
 *   | clock    | mark | SACK | wscale  |
 *
 * wscale is the client's shift, 0..14, or 15 when it sent no Window Scale
 * option; mark is always set, so a TSecr that was not ours decodes as
 * invalid and the option bits of a cookie with timestamps are never 0.
 */
#define XTCP_COOKIE_TS_BITS		6
#define XTCP_COOKIE_TS_MASK		(BIT(XTCP_COOKIE_TS_BITS) - 1)
#define XTCP_COOKIE_TS_WSCALE		0x0f
#define XTCP_COOKIE_TS_WSCALE_NONE	0x0f
#define XTCP_COOKIE_TS_SACK		BIT(4)
#define XTCP_COOKIE_TS_MARK		BIT(5)
#define XTCP_COOKIE_WSCALE_MAX		14	/* RFC 7323 section 2.3 */

struct xtcp_cookie_opts {
	u8 snd_wscale;		/* the client's window shift */
	u8 wscale_ok:1, sack_ok:1;
};

u32 xtcp_cookie_count(void);
u32 xtcp_cookie_make(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		     __be16 sport, __be16 dport, u32 client_isn, u32 count,
		     u16 mss, u32 optbits, u16 *mss_out);
int xtcp_cookie_check(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		      __be16 sport, __be16 dport, u32 client_isn, u32 cookie,
		      u32 count_now, u32 optbits);
u32 xtcp_cookie_tsval(u32 ts_now, const struct xtcp_cookie_opts *o);
u32 xtcp_cookie_optbits(u32 tsval_or_tsecr);
bool xtcp_cookie_ts_decode(u32 tsecr, struct xtcp_cookie_opts *o);

#endif /* _XTCP_SYNCOOKIES_H */
