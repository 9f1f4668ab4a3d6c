// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP retransmission timeout, RFC 6298.
 *
 * The estimator keeps SRTT and RTTVAR in microseconds.  Samples come from
 * segments sent once (Karn's rule, enforced by the caller).  The timer
 * that uses the result is an hrtimer, so the clock granularity G of
 * RFC 6298 section 2 is one microsecond, not a jiffy: the bounds are the
 * namespace's rto_min_us and rto_max_ms, as Linux's tcp_rto_min_us and
 * tcp_rto_max_ms.
 */

#include <linux/math64.h>
#include <linux/minmax.h>
#include <kunit/visibility.h>
#include "xtcp_protocol.h"

/**
 * xtcp_rtt_sample - fold one round-trip measurement into the estimator
 * @r: the estimator
 * @rtt_us: the measurement R, in microseconds (0 counts as 1)
 *
 * RFC 6298 2.2 for the first sample, 2.3 afterwards, with alpha = 1/8 and
 * beta = 1/4.
 */
void xtcp_rtt_sample(struct xtcp_rtt *r, u32 rtt_us)
{
	u32 delta;

	rtt_us = max(rtt_us, 1U);
	if (!r->srtt_us) {
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
		return;
	}
	delta = r->srtt_us > rtt_us ? r->srtt_us - rtt_us :
				      rtt_us - r->srtt_us;
	r->rttvar_us = div_u64(3ULL * r->rttvar_us + delta, 4);
	r->srtt_us = max_t(u32, div_u64(7ULL * r->srtt_us + rtt_us, 8), 1);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtt_sample);

/**
 * xtcp_rto_compute - RTO from the estimator, RFC 6298 2.1 to 2.5
 * @r: the estimator
 * @min_ns: lower bound (rto_min_us)
 * @max_ns: upper bound (rto_max_ms)
 *
 * Return: 1 s before the first sample; else SRTT + max(G, 4 * RTTVAR)
 * with G one microsecond; both clamped to [@min_ns, @max_ns].
 */
u64 xtcp_rto_compute(const struct xtcp_rtt *r, u64 min_ns, u64 max_ns)
{
	u64 rto;

	if (!r->srtt_us)
		rto = XTCP_RTO_INIT_NS;
	else
		rto = ((u64)r->srtt_us + max(1ULL, 4ULL * r->rttvar_us)) *
		      NSEC_PER_USEC;
	return clamp(rto, min_ns, max(min_ns, max_ns));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rto_compute);

/**
 * xtcp_rto_backoff - the timeout after @shift expiries, RFC 6298 5.5
 * @rto_ns: the computed RTO
 * @shift: expiries so far
 * @max_ns: upper bound
 *
 * Return: @rto_ns doubled @shift times, never more than @max_ns.
 */
u64 xtcp_rto_backoff(u64 rto_ns, unsigned int shift, u64 max_ns)
{
	if (shift >= 63 || rto_ns > (max_ns >> min(shift, 63U)))
		return max_ns;
	return min(rto_ns << shift, max_ns);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rto_backoff);
