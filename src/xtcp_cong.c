// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP congestion control: slow start and congestion avoidance
 * (RFC 5681), fast retransmit and NewReno fast recovery (RFC 6582),
 * initial window of ten segments (RFC 6928), limited transmit (RFC 3042).
 * When SACK is agreed (cc->sack), fast recovery is RFC 6675's instead:
 * cwnd drops to ssthresh at once and is neither inflated by duplicate
 * ACKs nor deflated by partial ones, because the sender's pipe estimate
 * (xtcp_in_flight()) leaves out what the peer SACKed or lost.
 *
 * Windows count segments, as Linux counts them: the write queue holds at
 * most one MSS per skb, and a segment in flight is one skb.  Nothing here
 * touches a socket; the receive path tells it what an ACK did and the
 * caller does what it answers, so KUnit drives it through its
 * transitions directly.
 */

#include <linux/minmax.h>
#include <kunit/visibility.h>
#include "xtcp_protocol.h"

/**
 * xtcp_cc_init - a new connection's congestion state
 * @cc: the state
 * @iss: our initial sequence number, RFC 6582's first value of recover
 */
void xtcp_cc_init(struct xtcp_cc *cc, u32 iss)
{
	cc->cwnd = XTCP_INIT_CWND;
	cc->ssthresh = XTCP_INFINITE_SSTHRESH;
	cc->cwnd_cnt = 0;
	cc->recover = iss;
	cc->dupacks = 0;
	cc->state = XTCP_CA_OPEN;
	cc->sack = 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_init);

/* Slow start, then one segment per window of ACKed segments. */
static void xtcp_cc_grow(struct xtcp_cc *cc, u32 acked)
{
	if (cc->cwnd < cc->ssthresh) {
		u32 room = cc->ssthresh - cc->cwnd;

		cc->cwnd += min(acked, room);
		acked -= min(acked, room);
		if (!acked)
			return;
	}
	cc->cwnd_cnt += acked;
	if (cc->cwnd_cnt >= cc->cwnd) {
		cc->cwnd_cnt -= cc->cwnd;
		cc->cwnd++;
	}
}

/**
 * xtcp_cc_ack - an ACK acknowledged new data
 * @cc: the state
 * @ack: SEG.ACK, the new SND.UNA
 * @acked: segments it acknowledged
 * @in_flight: segments in flight before it arrived
 *
 * In fast recovery a partial ACK (RFC 6582 3.2 step 5) deflates the window
 * by what it acknowledged, adds one segment back if it acknowledged a
 * whole one, and asks for the next hole to be resent (with SACK the
 * window stays and the caller marks the hole lost); a full ACK ends
 * recovery with cwnd = min(ssthresh, max(FlightSize, 1) + 1).  After a
 * timeout the window grows from one segment in slow start until SND.UNA
 * passes recover.  The window only grows while the sender uses it: with
 * less than half of it in flight the ACK changes nothing.
 *
 * Return: XTCP_CC_RETRANSMIT for a partial ACK, else XTCP_CC_NONE.
 */
enum xtcp_cc_action xtcp_cc_ack(struct xtcp_cc *cc, u32 ack, u32 acked,
				u32 in_flight)
{
	u32 flight_after = in_flight > acked ? in_flight - acked : 0;

	cc->dupacks = 0;
	switch (cc->state) {
	case XTCP_CA_RECOVERY:
		if (xtcp_seq_before(ack, cc->recover)) {
			if (cc->sack)
				return XTCP_CC_RETRANSMIT;
			/* Add one back only for a whole segment ACKed. */
			cc->cwnd = cc->cwnd > acked ? cc->cwnd - acked : 0;
			cc->cwnd = max(cc->cwnd + !!acked, 1U);
			return XTCP_CC_RETRANSMIT;
		}
		cc->cwnd = min(cc->ssthresh, max(flight_after, 1U) + 1);
		cc->cwnd_cnt = 0;
		cc->state = XTCP_CA_OPEN;
		return XTCP_CC_NONE;
	case XTCP_CA_LOSS:
		if (!xtcp_seq_before(ack, cc->recover))
			cc->state = XTCP_CA_OPEN;
		xtcp_cc_grow(cc, acked);
		return XTCP_CC_NONE;
	case XTCP_CA_DISORDER:
		cc->state = XTCP_CA_OPEN;
		fallthrough;
	default:
		/*
		 * recover trails SND.UNA once passed, so that it stays in
		 * the 2^31 bytes behind it the sequence space can compare.
		 */
		if (xtcp_seq_after(ack, cc->recover))
			cc->recover = ack - 1;
		if (2 * in_flight >= cc->cwnd)
			xtcp_cc_grow(cc, acked);
		return XTCP_CC_NONE;
	}
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_ack);

/**
 * xtcp_cc_dupack - a duplicate ACK, RFC 5681 section 2's definition
 * @cc: the state
 * @snd_una: SND.UNA, which the ACK repeats
 * @snd_nxt: SND.NXT
 * @in_flight: FlightSize, the segments sent and not yet acknowledged
 *
 * The third one starts fast recovery (RFC 6582 3.2 steps 1 and 2) unless
 * it does not cover more than recover, which guards against a second
 * recovery for losses of one window.  In recovery each further one
 * inflates the window by a segment.  After a timeout they are ignored
 * until SND.UNA passes recover.
 *
 * Return: XTCP_CC_RETRANSMIT when fast recovery starts.
 */
enum xtcp_cc_action xtcp_cc_dupack(struct xtcp_cc *cc, u32 snd_una,
				   u32 snd_nxt, u32 in_flight)
{
	switch (cc->state) {
	case XTCP_CA_LOSS:
		return XTCP_CC_NONE;
	case XTCP_CA_RECOVERY:
		if (!cc->sack)
			cc->cwnd++;
		return XTCP_CC_NONE;
	default:
		break;
	}

	cc->dupacks++;
	cc->state = XTCP_CA_DISORDER;
	if (cc->dupacks != XTCP_DUPACK_THRESH)
		return XTCP_CC_NONE;
	return xtcp_cc_enter_recovery(cc, snd_una, snd_nxt, in_flight) ?
	       XTCP_CC_RETRANSMIT : XTCP_CC_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_dupack);

/**
 * xtcp_cc_enter_recovery - loss detected: start fast recovery
 * @cc: the state
 * @snd_una: SND.UNA
 * @snd_nxt: SND.NXT, the new recover
 * @in_flight: FlightSize, the segments sent and not yet acknowledged
 *
 * On the third duplicate ACK, or (SACK) when the scoreboard presumes the
 * oldest segment lost (RFC 6675 section 5).  ssthresh = max(FlightSize /
 * 2, 2); NewReno inflates cwnd by the three segments that left the
 * network, RFC 6675 sets cwnd = ssthresh.  Not while a recovery or the
 * loss state after a timeout lasts; without SACK, not for losses of the
 * window a recovery already covered either (SND.UNA not past recover,
 * RFC 6582 3.2 step 1: duplicate ACKs cannot tell them from new ones).
 *
 * Return: true when recovery started.
 */
bool xtcp_cc_enter_recovery(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt,
			    u32 in_flight)
{
	if (cc->state == XTCP_CA_RECOVERY || cc->state == XTCP_CA_LOSS ||
	    (!cc->sack && !xtcp_seq_after(snd_una, cc->recover)))
		return false;

	cc->ssthresh = max(in_flight / 2, 2U);
	cc->cwnd = cc->ssthresh + (cc->sack ? 0 : XTCP_DUPACK_THRESH);
	cc->cwnd_cnt = 0;
	cc->recover = snd_nxt;
	cc->state = XTCP_CA_RECOVERY;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_enter_recovery);

/**
 * xtcp_cc_timeout - the retransmission timer expired, RFC 5681 3.1
 * @cc: the state
 * @snd_nxt: SND.NXT, the new recover (RFC 6582 section 4)
 * @in_flight: FlightSize, the segments sent and not yet acknowledged
 * @again: the segment timing out was already resent by the timer
 *
 * ssthresh = max(FlightSize / 2, 2), cwnd = 1 (the loss window).  When
 * the segment was already retransmitted on a timeout, ssthresh is left
 * alone, as RFC 5681 says after equation (4); a timeout of a later
 * segment, once ACKs made progress, computes it afresh.
 */
void xtcp_cc_timeout(struct xtcp_cc *cc, u32 snd_nxt, u32 in_flight,
		     bool again)
{
	if (!again)
		cc->ssthresh = max(in_flight / 2, 2U);
	cc->cwnd = 1;
	cc->cwnd_cnt = 0;
	cc->dupacks = 0;
	cc->recover = snd_nxt;
	cc->state = XTCP_CA_LOSS;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_timeout);

/**
 * xtcp_cc_restart - data leaves again after the connection was idle
 * @cc: the state
 * @idle_ns: since the last data was sent, nothing in flight meanwhile
 * @rto_ns: the retransmission timeout
 *
 * RFC 5681 4.1, as TCP's tcp_cwnd_restart(): after more than an RTO of
 * silence the window no longer describes the path.  ssthresh keeps three
 * quarters of it; the window halves for every RTO that passed, down to
 * the restart window, the initial window or the window if smaller.
 * Nothing changes in loss recovery.
 *
 * Return: true when the silence counted (the caller then marks it used
 * up), false when it was too short or the state is not open.
 */
bool xtcp_cc_restart(struct xtcp_cc *cc, u64 idle_ns, u64 rto_ns)
{
	u32 restart = min_t(u32, XTCP_INIT_CWND, cc->cwnd), cwnd = cc->cwnd;

	if (cc->state != XTCP_CA_OPEN || !rto_ns || idle_ns <= rto_ns)
		return false;
	cc->ssthresh = max(cc->ssthresh, cwnd - cwnd / 4);
	while (idle_ns > rto_ns && cwnd > restart) {
		idle_ns -= rto_ns;
		cwnd >>= 1;
	}
	cc->cwnd = max(cwnd, restart);
	cc->cwnd_cnt = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_restart);

/**
 * xtcp_cc_send_quota - segments the sender may have in flight
 * @cc: the state
 *
 * The congestion window, plus one new segment for each of the first two
 * duplicate ACKs (limited transmit, RFC 3042).
 */
u32 xtcp_cc_send_quota(const struct xtcp_cc *cc)
{
	if (cc->state == XTCP_CA_DISORDER)
		return cc->cwnd + min_t(u32, cc->dupacks,
					XTCP_DUPACK_THRESH - 1);
	return cc->cwnd;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_cc_send_quota);
