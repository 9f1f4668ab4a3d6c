// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP SYN cookies: the codec.  A listener whose SYN queue is full answers
 * a SYN with a SYN-ACK whose ISN (the cookie) carries all it must remember,
 * and keeps no state; the client's ACK brings the cookie back in SEG.ACK - 1
 * and the listener rebuilds the connection from it.
 *
 * The cookie, most significant bit first:
 *
 *   | 31 ... 28 | 27 26 | 25 ...                                      0 |
 *   |  count    |  mss  | SipHash(key; saddr, daddr, sport, dport,      |
 *   |  mod 16   | index |   client ISN, count, mss index, optbits)      |
 *
 * count is the time in 64-second units of the monotonic clock.  Its low 4
 * bits travel in clear: the checker takes the difference with its own count
 * mod 16, accepts 0 (this unit) and 1 (the one before; a lifetime of 64 to
 * 128 s, like Linux TCP's MAX_SYNCOOKIE_AGE) and rebuilds the full count
 * from it; any other difference is stale or from the future.  The MSS index
 * (4 entries) travels in clear too.  The remaining 26 bits are SipHash-2-4
 * under a per-netns secret key of everything the connection will be built
 * from: the 4-tuple, the client's ISN, the full count, the MSS index and
 * the option bits that the SYN-ACK's TSval carried (see below), so neither
 * the MSS, the time nor the options can be changed without the key.
 *
 * An attacker can get the count and pick the index, so a forged cookie (or
 * TSecr) passes with probability 2^-26 per guess; a random 32-bit guess,
 * 2^-29 (two counts of 16 accepted).  The price of the clear bits is that
 * the ISN of a cookie SYN-ACK has 26 unpredictable bits instead of 32.
 *
 * Window scale and SACK-permitted cannot fit in the ISN; when the client
 * sent timestamps they travel in the low 6 bits of the SYN-ACK's TSval (the
 * client echoes it in TSecr): 4 bits of shift (15: no Window Scale), 1 of
 * SACK and a mark bit always set.  The TSval keeps the clock in its high
 * bits and is moved back by one 64 ms step when the options would put it
 * after the clock (as Linux's cookie_init_timestamp does), so later TSvals
 * never go backwards.  Without timestamps the options are lost, as with
 * Linux TCP, and optbits is 0; with them it is never 0 thanks to the mark,
 * so an ACK cannot drop or add timestamps under a cookie made without or
 * with them.
 */

#include <linux/bitfield.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/siphash.h>
#include <linux/timekeeping.h>
#include <kunit/visibility.h>
#include "xtcp_syncookies.h"

#define XTCP_COOKIE_COUNT	GENMASK(31, XTCP_COOKIE_COUNT_SHIFT)
#define XTCP_COOKIE_MSS		GENMASK(XTCP_COOKIE_COUNT_SHIFT - 1, \
					XTCP_COOKIE_MSS_SHIFT)
#define XTCP_COOKIE_HASH	GENMASK(XTCP_COOKIE_HASH_BITS - 1, 0)

static_assert(XTCP_COOKIE_COUNT_BITS + XTCP_COOKIE_MSS_BITS +
	      XTCP_COOKIE_HASH_BITS == 32);
static_assert(XTCP_COOKIE_MSS_NR <= 1 << XTCP_COOKIE_MSS_BITS);
static_assert(XTCP_COOKIE_MAX_AGE < 1 << XTCP_COOKIE_COUNT_BITS);
/* Forgery at most 2^-24 per guess. */
static_assert(XTCP_COOKIE_HASH_BITS >= 24);

/*
 * The MSS a cookie can give, ascending: the RFC 9293 default, and the
 * common sizes behind tunnels and on Ethernet (Linux TCP's msstab).
 */
const u16 xtcp_cookie_mss_table[XTCP_COOKIE_MSS_NR] = {
	536, 1300, 1440, 1460,
};
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_mss_table);

/**
 * xtcp_cookie_count - the time counter of cookies
 *
 * Return: the monotonic clock in 64-second units.
 */
u32 xtcp_cookie_count(void)
{
	return (u32)(ktime_get_seconds() >> XTCP_COOKIE_PERIOD_SHIFT);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_count);

static u32 xtcp_cookie_hash(const siphash_key_t *key, __be32 saddr,
			    __be32 daddr, __be16 sport, __be16 dport,
			    u32 client_isn, u32 count, u32 mss_idx, u32 optbits)
{
	u64 addrs = (u64)(__force u32)saddr << 32 | (__force u32)daddr;
	u64 ports = (u64)ntohs(sport) << 16 | ntohs(dport);
	u64 rest = (u64)count << 32 | mss_idx << 8 |
		   (optbits & XTCP_COOKIE_TS_MASK);

	return (u32)siphash_3u64(addrs, ports << 32 | client_isn, rest, key) &
	       XTCP_COOKIE_HASH;
}

/**
 * xtcp_cookie_make - the ISN of a cookie SYN-ACK
 * @key: the namespace's cookie secret
 * @saddr: the client's address
 * @daddr: the listener's address
 * @sport: the client's port
 * @dport: the listener's port
 * @client_isn: SEG.SEQ of the client's SYN
 * @count: xtcp_cookie_count() now
 * @mss: the client's MSS clamp
 * @optbits: xtcp_cookie_optbits() of the SYN-ACK's TSval, 0 without
 *	timestamps
 * @mss_out: if not NULL, receives the MSS the cookie stands for: the
 *	largest table entry not above @mss, or the smallest one
 *
 * Return: the cookie, to be sent as the SYN-ACK's SEG.SEQ.
 */
u32 xtcp_cookie_make(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		     __be16 sport, __be16 dport, u32 client_isn, u32 count,
		     u16 mss, u32 optbits, u16 *mss_out)
{
	u32 idx = XTCP_COOKIE_MSS_NR - 1;

	while (idx > 0 && xtcp_cookie_mss_table[idx] > mss)
		idx--;
	if (mss_out)
		*mss_out = xtcp_cookie_mss_table[idx];

	return FIELD_PREP(XTCP_COOKIE_COUNT, count) |
	       FIELD_PREP(XTCP_COOKIE_MSS, idx) |
	       xtcp_cookie_hash(key, saddr, daddr, sport, dport, client_isn,
				count, idx, optbits);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_make);

/**
 * xtcp_cookie_check - validate the ACK completing a cookie handshake
 * @key: the namespace's cookie secret
 * @saddr: the client's address
 * @daddr: the listener's address
 * @sport: the client's port
 * @dport: the listener's port
 * @client_isn: SEG.SEQ - 1 of the ACK
 * @cookie: SEG.ACK - 1 of the ACK
 * @count_now: xtcp_cookie_count() now
 * @optbits: xtcp_cookie_optbits() of the ACK's TSecr, 0 without timestamps
 *
 * Return: the MSS the cookie stands for; -ETIME if it was made neither in
 * this time unit nor in the one before (stale, or from the future);
 * -EBADMSG if its hash does not match (forged, or another tuple, client
 * ISN or options).
 */
int xtcp_cookie_check(const siphash_key_t *key, __be32 saddr, __be32 daddr,
		      __be16 sport, __be16 dport, u32 client_isn, u32 cookie,
		      u32 count_now, u32 optbits)
{
	u32 age = (count_now - FIELD_GET(XTCP_COOKIE_COUNT, cookie)) &
		  (XTCP_COOKIE_COUNT >> XTCP_COOKIE_COUNT_SHIFT);
	u32 idx = FIELD_GET(XTCP_COOKIE_MSS, cookie);

	if (age >= XTCP_COOKIE_MAX_AGE)
		return -ETIME;
	if (idx >= XTCP_COOKIE_MSS_NR)
		return -EBADMSG;
	if ((cookie & XTCP_COOKIE_HASH) !=
	    xtcp_cookie_hash(key, saddr, daddr, sport, dport, client_isn,
			     count_now - age, idx, optbits))
		return -EBADMSG;
	return xtcp_cookie_mss_table[idx];
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_check);

/**
 * xtcp_cookie_tsval - the TSval of a cookie SYN-ACK
 * @ts_now: the connection's timestamp clock now
 * @o: the client's options (a shift above 14 counts as 14, RFC 7323)
 *
 * Return: @ts_now with its low bits replaced by the options' encoding,
 * moved back one step if that put it after @ts_now (modulo 2^32).
 */
u32 xtcp_cookie_tsval(u32 ts_now, const struct xtcp_cookie_opts *o)
{
	u32 bits = XTCP_COOKIE_TS_MARK;
	u32 ts;

	if (o->wscale_ok)
		bits |= min_t(u32, o->snd_wscale, XTCP_COOKIE_WSCALE_MAX);
	else
		bits |= XTCP_COOKIE_TS_WSCALE_NONE;
	if (o->sack_ok)
		bits |= XTCP_COOKIE_TS_SACK;

	ts = (ts_now & ~XTCP_COOKIE_TS_MASK) | bits;
	if (ts > ts_now)
		ts -= BIT(XTCP_COOKIE_TS_BITS);
	return ts;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_tsval);

/**
 * xtcp_cookie_optbits - the bits of a TSval or TSecr that carry options
 * @tsval_or_tsecr: the SYN-ACK's TSval, or the TSecr echoing it
 *
 * Return: the value to give xtcp_cookie_make() and xtcp_cookie_check().
 */
u32 xtcp_cookie_optbits(u32 tsval_or_tsecr)
{
	return tsval_or_tsecr & XTCP_COOKIE_TS_MASK;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_optbits);

/**
 * xtcp_cookie_ts_decode - the options a cookie ACK's TSecr carries
 * @tsecr: the ACK's TSecr
 * @o: receives the options, all off when the encoding is invalid
 *
 * Return: false if @tsecr does not carry a cookie's options.
 */
bool xtcp_cookie_ts_decode(u32 tsecr, struct xtcp_cookie_opts *o)
{
	u32 wscale = tsecr & XTCP_COOKIE_TS_WSCALE;

	*o = (struct xtcp_cookie_opts){};
	if (!(tsecr & XTCP_COOKIE_TS_MARK))
		return false;
	if (wscale != XTCP_COOKIE_TS_WSCALE_NONE) {
		o->wscale_ok = 1;
		o->snd_wscale = wscale;
	}
	o->sack_ok = !!(tsecr & XTCP_COOKIE_TS_SACK);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cookie_ts_decode);
