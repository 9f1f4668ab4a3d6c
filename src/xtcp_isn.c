// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP initial sequence numbers, RFC 6528: ISN = M + F(4-tuple, secret),
 * F a keyed hash of the connection's addresses and ports, M a clock.
 *
 * F is SipHash under a key drawn when the module loads, so ISNs of
 * different connections are unrelated and unpredictable off-path; M ticks
 * every 64 ns, as Linux TCP's does: fast enough that a reincarnation of a
 * connection starts above its predecessor's sequence space, slow enough
 * that the 32-bit space wraps only every 274 s, more than an MSL.
 *
 * The offset of a connection's TSval clock (RFC 7323 5.4) is a keyed hash
 * of the 4-tuple too, under a key of its own: it tells nothing of the
 * host's uptime, differs between connections, and stays the same for a
 * new incarnation of a 4-tuple, whose TSvals therefore carry on above the
 * old one's, as RFC 6191 needs to let its SYN into a TIME_WAIT.
 */

#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <kunit/visibility.h>
#include "xtcp_protocol.h"

static siphash_aligned_key_t xtcp_isn_key __read_mostly;
static siphash_aligned_key_t xtcp_ts_key __read_mostly;

#define XTCP_ISN_CLOCK_SHIFT	6	/* 64 ns ticks */

/* The ISN for the 4-tuple under @key at wall-clock time @now_ns. */
VISIBLE_IF_KUNIT u32 __xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport,
				__be16 dport, const siphash_key_t *key,
				u64 now_ns)
{
	u32 ports = (u32)ntohs(sport) << 16 | ntohs(dport);
	u32 f = siphash_3u32((__force u32)saddr, (__force u32)daddr, ports,
			     key);

	return f + (u32)(now_ns >> XTCP_ISN_CLOCK_SHIFT);
}
EXPORT_SYMBOL_IF_KUNIT(__xtcp_isn);

/**
 * xtcp_isn - initial sequence number of a new connection
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 *
 * Return: the ISN, RFC 6528.
 */
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	return __xtcp_isn(saddr, daddr, sport, dport, &xtcp_isn_key,
			  ktime_get_real_ns());
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_isn);

/**
 * xtcp_ts_offset - the offset of a new connection's TSval clock
 * @saddr: local address
 * @daddr: remote address
 * @sport: local port
 * @dport: remote port
 *
 * Return: the offset, the same for every incarnation of the 4-tuple.
 */
u32 xtcp_ts_offset(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 ports = (u32)ntohs(sport) << 16 | ntohs(dport);

	return siphash_3u32((__force u32)saddr, (__force u32)daddr, ports,
			    &xtcp_ts_key);
}

void xtcp_isn_init(void)
{
	get_random_bytes(&xtcp_isn_key, sizeof(xtcp_isn_key));
	get_random_bytes(&xtcp_ts_key, sizeof(xtcp_ts_key));
}
