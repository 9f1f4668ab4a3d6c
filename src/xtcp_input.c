// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP receive path: the IPv4 protocol handler and the RFC 9293 state
 * machine ("SEGMENT ARRIVES", section 3.10.7).
 *
 * xtcp_v4_rcv() runs in softirq context (NET_RX) under rcu_read_lock(),
 * called by ip_local_deliver for every datagram carrying XTCP's protocol
 * number.  It validates the segment before anything else looks at it:
 * length, data offset, checksum over the pseudo-header, option list.  A
 * segment failing any check is dropped and counted once in the namespace's
 * counters.  A valid one is handed to its socket under the socket's
 * spinlock, or queued on the socket's backlog when the user owns the
 * socket; release_sock() then runs xtcp_v4_do_rcv() in process context.
 * Either way the state machine runs with the socket locked.
 */

#include <linux/filter.h>
#include <linux/security.h>
#include <linux/skbuff.h>
#include <kunit/visibility.h>
#include <net/dropreason.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"
#include <trace/events/xtcp.h>

static bool xtcp_checksum_ok(struct sk_buff *skb)
{
	if (skb_checksum_init(skb, xtcp_ipproto, inet_compute_pseudo))
		return false;
	return skb_csum_unnecessary(skb) || !__skb_checksum_complete(skb);
}

/*
 * Check a segment's header.  On success the whole header, options
 * included, is in the linear area and @opts holds the parsed options.
 * A malformed segment gets its drop reason and, in @field, the counter of
 * its cause; one that could not be pulled for want of memory gets
 * SKB_DROP_REASON_NOMEM and @field stays __XTCP_MIB_MAX: it is not
 * malformed.
 *
 * The format is TCP's, so TCP's drop reasons describe it; options have no
 * reason of their own.
 */
static enum skb_drop_reason xtcp_validate(struct sk_buff *skb,
					  struct xtcp_opts *opts,
					  enum xtcp_mib_field *field)
{
	enum skb_drop_reason reason;
	const struct xtcphdr *th;
	unsigned int hdrlen;

	*field = __XTCP_MIB_MAX;
	reason = pskb_may_pull_reason(skb, XTCP_HDR_LEN);
	if (reason) {
		if (reason == SKB_DROP_REASON_PKT_TOO_SMALL)
			*field = XTCP_MIB_INSHORT;
		return reason;
	}

	hdrlen = xtcp_hdrlen(xtcp_hdr(skb));
	if (hdrlen < XTCP_HDR_LEN || hdrlen > skb->len) {
		*field = XTCP_MIB_INBADDOFF;
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	}
	/* The length is checked: this fails only for want of memory. */
	reason = pskb_may_pull_reason(skb, hdrlen);
	if (reason)
		return reason;

	if (!xtcp_checksum_ok(skb)) {
		*field = XTCP_MIB_INCSUMERRORS;
		return SKB_DROP_REASON_TCP_CSUM;
	}

	th = xtcp_hdr(skb);
	if (xtcp_parse_options((const u8 *)(th + 1), hdrlen - XTCP_HDR_LEN,
			       th->flags & XTCP_FLAG_SYN, opts)) {
		*field = XTCP_MIB_INBADOPTS;
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
	return SKB_NOT_DROPPED_YET;
}

/* SEG.LEN of a segment with its control block filled in. */
static u32 xtcp_cb_len(const struct sk_buff *skb)
{
	return XTCP_SKB_CB(skb)->end_seq - XTCP_SKB_CB(skb)->seq;
}

/*
 * RFC 5961: a challenge ACK, within the socket's limit on answers to bad
 * segments and the namespace's budget of them.
 */
static void xtcp_send_challenge_ack(struct sock *sk)
{
	if (xtcp_challenge_ack_allowed(sock_net(sk), &xtcp_sk(sk)->oow_stamp))
		xtcp_send_ack(sk);
}

/* A duplicate ACK for a bad segment, within invalid_ratelimit. */
static void xtcp_send_oow_ack(struct sock *sk, const struct sk_buff *skb)
{
	if (!xtcp_oow_rate_limited(sock_net(sk), skb,
				   &xtcp_sk(sk)->oow_stamp))
		xtcp_send_ack(sk);
}

/* The errno a reset gives the user, as TCP's tcp_reset() has it. */
static void xtcp_reset(struct sock *sk)
{
	int err;

	trace_xtcp_receive_reset(sk);
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		err = ECONNREFUSED;
		break;
	case TCP_CLOSE_WAIT:
		err = EPIPE;
		break;
	case TCP_CLOSE:
		return;
	default:
		err = ECONNRESET;
	}
	if (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ESTABRESETS);
	WRITE_ONCE(sk->sk_err, err);
	/* Pairs with the smp_rmb() in xtcp_poll(). */
	smp_wmb();
	sk_error_report(sk);
	xtcp_done(sk);
}

/*
 * The MSS we send with: the peer's MSS option (536 without one), bounded
 * by ours and by TCP_MAXSEG, and from below by net.xtcp.min_snd_mss, so
 * that a peer announcing a tiny MSS cannot make us send a segment for
 * every few bytes (TCP's tcp_min_snd_mss).  The MSS counts data and
 * options alike (RFC 6691): the timestamps' room comes off, which leaves
 * at least 8 bytes of data whatever else the options carry.
 */
void xtcp_set_mss(struct xtcp_sock *xsk, const struct xtcp_opts *opts)
{
	u32 floor = READ_ONCE(xtcp_sysctl(&xsk->inet.sk)->min_snd_mss);
	u32 mss = opts->has_mss ? opts->mss : XTCP_DEFAULT_MSS;

	mss = min_t(u32, mss, xsk->advmss);
	if (xsk->user_mss)
		mss = min_t(u32, mss, xsk->user_mss);
	mss = max_t(u32, mss, max_t(u32, floor, XTCP_MIN_SND_MSS));
	if (xsk->tstamp_ok)
		mss -= XTCPOLEN_TSTAMP_ALIGNED;
	xsk->mss_cache = mss;
}

/* SEG.WND in bytes: scaled, but never on a SYN (RFC 7323 2.2). */
static u32 xtcp_seg_wnd(const struct xtcp_sock *xsk,
			const struct xtcphdr *th)
{
	if (th->flags & XTCP_FLAG_SYN)
		return ntohs(th->window);
	return (u32)ntohs(th->window) << xsk->snd_wscale;
}

/* Seconds, for TS.Recent's age. */
u32 xtcp_seconds(void)
{
	return (u32)ktime_get_seconds();
}

/*
 * The options an active open agreed on: what our SYN offered (the
 * socket's flags) and the peer's SYN carried.  We keep the shift our SYN
 * offered: it is the one the peer applies to our window.  The peer's
 * TSval becomes TS.Recent.  (A listener agrees in its request: see
 * xtcp_listen.c.)
 */
static void xtcp_agree_options(struct sock *sk, const struct xtcp_opts *opts)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xsk->tstamp_ok = xsk->tstamp_ok && opts->has_tstamp;
	xsk->sack_ok = xsk->sack_ok && opts->sack_ok;
	xsk->wscale_ok = xsk->wscale_ok && opts->has_wscale;
	if (xsk->wscale_ok) {
		/* RFC 7323 2.3: a larger shift is taken as 14. */
		xsk->snd_wscale = min_t(u8, opts->wscale, XTCP_MAX_WSCALE);
	} else {
		xsk->snd_wscale = 0;
		xsk->rcv_wscale = 0;
	}
	if (xsk->tstamp_ok) {
		xsk->ts_recent = opts->tsval;
		xsk->ts_recent_stamp = xtcp_seconds();
	}
}

/*
 * A duplicate ACK the network merely delivered out of order: a pure ACK
 * at RCV.NXT, of SND.UNA, with the window unchanged, its TSval at most an
 * RTO older than TS.Recent.  Dropping it would cost a duplicate ACK the
 * sender's loss detection counts on; it cannot be an old duplicate of
 * another incarnation (TCP's tcp_disordered_ack()).
 */
static bool xtcp_disordered_ack(const struct xtcp_sock *xsk,
				const struct sk_buff *skb,
				const struct xtcp_opts *opts)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcphdr *th = xtcp_hdr(skb);

	return (th->flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN | XTCP_FLAG_RST |
			     XTCP_FLAG_ACK)) == XTCP_FLAG_ACK &&
	       cb->seq == cb->end_seq && cb->seq == xsk->rcv_nxt &&
	       cb->ack_seq == xsk->snd_una &&
	       xtcp_seg_wnd(xsk, th) == xsk->snd_wnd &&
	       (s32)(xsk->ts_recent - opts->tsval) <=
	       div_u64(xsk->rto_ns, NSEC_PER_MSEC);
}

/*
 * PAWS, RFC 7323 5.3 R1: a segment whose TSval is older than TS.Recent is
 * a duplicate from an earlier incarnation of the sequence space, unless
 * TS.Recent is more than 24 days old (5.5), or it is a reordered
 * duplicate ACK.  Resets are not subject to it.
 */
static bool xtcp_paws_reject(const struct xtcp_sock *xsk,
			     const struct sk_buff *skb,
			     const struct xtcp_opts *opts)
{
	return xsk->tstamp_ok && opts->has_tstamp && xsk->ts_recent_stamp &&
	       !(xtcp_hdr(skb)->flags & XTCP_FLAG_RST) &&
	       (s32)(opts->tsval - xsk->ts_recent) < 0 &&
	       xtcp_seconds() - xsk->ts_recent_stamp < XTCP_PAWS_IDLE_S &&
	       !xtcp_disordered_ack(xsk, skb, opts);
}

/*
 * RFC 7323 4.3: TS.Recent follows the segment at the left window edge,
 * unless its TSval is older; a TS.Recent idle for 24 days is no longer
 * valid and is replaced whatever the TSval (5.5).
 */
static void xtcp_store_ts_recent(struct xtcp_sock *xsk, u32 seq,
				 const struct xtcp_opts *opts)
{
	if (xsk->tstamp_ok && opts->has_tstamp &&
	    !xtcp_seq_after(seq, xsk->rcv_wup) &&
	    ((s32)(opts->tsval - xsk->ts_recent) >= 0 ||
	     xtcp_seconds() - xsk->ts_recent_stamp >= XTCP_PAWS_IDLE_S)) {
		xsk->ts_recent = opts->tsval;
		xsk->ts_recent_stamp = xtcp_seconds();
	}
}

/*
 * Resend the oldest unacknowledged segment: NewReno at once; with SACK it
 * is marked lost and xtcp_push() resends it as the pipe allows.
 */
static void xtcp_resend_hole(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!xtcp_sk(sk)->cc.sack) {
		xtcp_retransmit_head(sk);
		return;
	}
	if (skb && skb != sk->sk_send_head)
		xtcp_mark_lost(sk, skb);
}

/*
 * Fast recovery started: count it, resend the oldest segment at once,
 * whatever the pipe (RFC 5681 3.2 step 2, RFC 6675 5 step 4.3).
 */
static void xtcp_recovery_started(struct sock *sk)
{
	struct net *net = sock_net(sk);

	XTCP_INC_STATS(net, XTCP_MIB_FASTRETRANS);
	XTCP_INC_STATS(net, xtcp_sk(sk)->cc.sack ? XTCP_MIB_SACKRECOVERY :
						   XTCP_MIB_RECOVERIES);
	xtcp_retransmit_head(sk);
}

/*
 * RFC 2018 section 3: mark what the SACK blocks of an ACK cover.  Only
 * blocks within SND.UNA..SND.NXT count (a D-SACK, RFC 2883, reports data
 * below SND.UNA and is ignored), and only whole segments get marked.
 * What was presumed lost but arrived is no longer.
 */
static void xtcp_sack_tag(struct sock *sk, const struct xtcp_opts *opts)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_skb_cb *cb;
	struct sk_buff *skb;
	unsigned int i;
	u32 start, end;

	for (i = 0; i < opts->num_sacks; i++) {
		start = opts->sacks[i].start;
		end = opts->sacks[i].end;
		if (!xtcp_seq_after(end, start) ||
		    xtcp_seq_before(start, xsk->snd_una) ||
		    xtcp_seq_after(end, xsk->snd_nxt))
			continue;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKBLOCKSIN);
		skb_queue_walk(&sk->sk_write_queue, skb) {
			cb = XTCP_SKB_CB(skb);
			if (skb == sk->sk_send_head ||
			    !xtcp_seq_before(cb->seq, end))
				break;
			if (xtcp_seq_before(cb->seq, start) ||
			    xtcp_seq_after(cb->end_seq, end) ||
			    (cb->sacked & XTCP_SKB_SACKED))
				continue;
			if (cb->sacked & XTCP_SKB_LOST)
				xsk->lost_out--;
			cb->sacked &= ~XTCP_SKB_LOST;
			cb->sacked |= XTCP_SKB_SACKED;
			xsk->sacked_out++;
		}
	}
}

/*
 * RFC 6675 after an ACK: recovery starts when the scoreboard presumes the
 * oldest segment lost (DupThresh segments SACKed above it) or something
 * is still marked lost; in recovery every segment with DupThresh SACKed
 * segments above it is presumed lost (IsLost()), and xtcp_push() resends
 * those before new data while the pipe is below cwnd.
 */
static void xtcp_sack_update(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	unsigned int above = 0;

	if (!skb || skb == sk->sk_send_head)
		return;
	if (xsk->cc.state == XTCP_CA_OPEN || xsk->cc.state == XTCP_CA_DISORDER) {
		if (!xsk->lost_out &&
		    (xsk->sacked_out < XTCP_DUPACK_THRESH ||
		     (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_SACKED)))
			return;
		if (!xtcp_cc_enter_recovery(&xsk->cc, xsk->snd_una,
					    xsk->snd_nxt, xsk->packets_out))
			return;
		xtcp_recovery_started(sk);
	}

	skb_queue_reverse_walk(&sk->sk_write_queue, skb) {
		if (!xtcp_seq_before(XTCP_SKB_CB(skb)->seq, xsk->snd_nxt))
			continue;
		if (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_SACKED)
			above++;
		else if (above >= XTCP_DUPACK_THRESH)
			xtcp_mark_lost(sk, skb);
	}
}

/*
 * Free what SEG.ACK acknowledges; SND.UNA moves to @ack.  The oldest
 * segment it acknowledges gives an RTT sample unless any of them was
 * retransmitted (Karn's rule, RFC 6298 section 3); a sample computes the
 * RTO afresh, its backoff gone (5.7); congestion control grows the window or,
 * on a partial ACK in fast recovery, has the next hole resent.
 */
static void xtcp_clean_rtx_queue(struct sock *sk, u32 ack,
				 const struct xtcp_opts *opts)
{
	bool retrans = false, sample = false;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 in_flight = xtcp_in_flight(xsk), acked = 0, first_tx = 0;
	struct xtcp_skb_cb *cb;
	struct sk_buff *skb;
	u32 rtt_us = 0;

	while ((skb = skb_peek(&sk->sk_write_queue)) &&
	       skb != sk->sk_send_head &&
	       !xtcp_seq_after(XTCP_SKB_CB(skb)->end_seq, ack)) {
		cb = XTCP_SKB_CB(skb);
		if (cb->sacked & XTCP_SKB_RETRANS) {
			retrans = true;
		} else if (!sample) {
			first_tx = cb->tx_us;
			sample = true;
		}
		if (cb->sacked & XTCP_SKB_LOST)
			xsk->lost_out--;
		if (cb->sacked & XTCP_SKB_SACKED)
			xsk->sacked_out--;
		__skb_unlink(skb, &sk->sk_write_queue);
		xsk->bytes_acked += skb->len;
		if (xsk->packets_out)
			xsk->packets_out--;
		acked++;
		xtcp_wmem_free_skb(sk, skb);
	}
	xsk->snd_una = ack;
	if (!xsk->packets_out) {
		xsk->lost_out = 0;
		xsk->sacked_out = 0;
	}

	/*
	 * A retransmission spoils the sample of its send time; the echoed
	 * timestamp still times the segment that made the peer ACK (RFC
	 * 7323 4.1), to the millisecond, at least one.  A round trip inside
	 * one tick of a coarse clock is a sample too, of one microsecond.
	 */
	if (sample && !retrans) {
		rtt_us = max(xtcp_clock_us() - first_tx, 1U);
	} else if (acked && xsk->tstamp_ok && opts->has_tstamp &&
		   opts->tsecr) {
		rtt_us = xtcp_ts_now(xsk) - opts->tsecr;
		rtt_us = rtt_us < XTCP_RTO_MAX_NS / NSEC_PER_MSEC ?
			 max(rtt_us, 1U) * USEC_PER_MSEC : 0;
	}
	/*
	 * Only a valid sample clears the backoff (RFC 6298 5.7): an ACK of
	 * a retransmission without timestamps says nothing of the path, and
	 * the RTO stays where the timeouts took it.
	 */
	if (rtt_us) {
		xtcp_rtt_sample(&xsk->rtt, rtt_us);
		xsk->rtt_samples++;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RTTSAMPLES);
		xsk->rto_ns = xtcp_rto_base(sk);
	}
	xsk->retransmits = 0;
	xsk->rtx_stamp_ns = 0;

	if (xtcp_cc_ack(&xsk->cc, ack, acked, in_flight) ==
	    XTCP_CC_RETRANSMIT) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PARTIALACKS);
		xtcp_resend_hole(sk);
	}

	if (!xsk->packets_out)
		xtcp_rtx_timer_stop(sk);
	else
		xtcp_rtx_timer_arm(sk);

	if (acked && sk->sk_socket) {
		/*
		 * The writer ran out of buffer: it grows with cwnd, but not
		 * while XTCP's memory is short (tcp_should_expand_sndbuf()).
		 */
		if (test_bit(SOCK_NOSPACE, &sk->sk_socket->flags) &&
		    !sk_under_memory_pressure(sk) &&
		    sk_memory_allocated(sk) < sk_prot_mem_limits(sk, 0))
			xtcp_sndbuf_expand(sk);
		sk->sk_write_space(sk);
	}
}

/*
 * RFC 5681 section 2: an ACK that acknowledges nothing new, carries no
 * data, SYN or FIN, leaves the window as it was, while data is in flight.
 * The third starts fast recovery.
 */
static void xtcp_check_dupack(struct sock *sk, const struct sk_buff *skb,
			      const struct xtcphdr *th, u32 datalen)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	if (XTCP_SKB_CB(skb)->ack_seq != xsk->snd_una || !xsk->packets_out ||
	    datalen || (th->flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN)) ||
	    xtcp_seg_wnd(xsk, th) != xsk->snd_wnd)
		return;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DUPACKS);
	/* FlightSize, all that is outstanding, RFC 5681 (4). */
	if (xtcp_cc_dupack(&xsk->cc, xsk->snd_una, xsk->snd_nxt,
			   xsk->packets_out) == XTCP_CC_RETRANSMIT)
		xtcp_recovery_started(sk);
}

/*
 * Data was received: acknowledge it now, or within XTCP_DELACK_NS
 * (RFC 9293 3.8.6.3, RFC 5681 4.2).  Now: when asked, in quick-ACK mode
 * (the start of a connection, after out-of-order data), while a hole
 * remains, or once two full segments wait for their ACK.
 */
static void xtcp_ack_snd_check(struct sock *sk, bool now)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xsk->ack_pending = 1;
	if (now || xsk->quickacks || !skb_queue_empty(&xsk->ofo_queue) ||
	    xsk->rcv_nxt - xsk->rcv_wup >= 2U * xsk->rcv_mss) {
		xtcp_send_ack(sk);
		return;
	}
	xtcp_delack_timer_arm(sk);
}

/*
 * RFC 9293 3.10.7.4: the send window from SEG.WND, when newer.  Only an
 * ACK within SND.UNA..SND.NXT (@prior_una: SND.UNA before this ACK) may
 * set it.  As tcp_may_update_window(), one that acknowledges new data
 * always does, whatever SND.WL1 says: a segment with a far SEG.SEQ (out of
 * order, or forged in the window) would otherwise hold the window it
 * carried until the peer's sequence passes it, for ever from a peer that
 * sends no more data, and stall this end's sending.
 */
static void xtcp_update_wnd(struct xtcp_sock *xsk, const struct sk_buff *skb,
			    const struct xtcphdr *th, u32 prior_una)
{
	u32 seq = XTCP_SKB_CB(skb)->seq, ack = XTCP_SKB_CB(skb)->ack_seq;

	if (xtcp_seq_before(ack, prior_una))
		return;
	if (xtcp_seq_after(ack, prior_una) ||
	    xtcp_seq_before(xsk->snd_wl1, seq) ||
	    (xsk->snd_wl1 == seq && !xtcp_seq_before(ack, xsk->snd_wl2))) {
		xsk->snd_wnd = xtcp_seg_wnd(xsk, th);
		xsk->snd_wl1 = seq;
		xsk->snd_wl2 = ack;
		xsk->max_window = max(xsk->max_window, xsk->snd_wnd);
	}
}

/*
 * FIN_WAIT_1 -> FIN_WAIT_2: an orphan waits at most xtcp_fin_time(), or
 * with TCP_LINGER2 below 0 not at all: it resets, as TCP does.
 *
 * Return: false if the socket was closed.
 */
static bool xtcp_fin_wait2(struct sock *sk)
{
	if (sock_flag(sk, SOCK_DEAD) && READ_ONCE(xtcp_sk(sk)->linger2) < 0) {
		/* TCP counts this one as TCPAbortOnData. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONDATA);
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_done(sk);
		return false;
	}
	xtcp_set_state(sk, TCP_FIN_WAIT2);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
	if (sock_flag(sk, SOCK_DEAD))
		xtcp_state_timer_arm(sk, xtcp_fin_time(sk));
	else
		sk->sk_state_change(sk);
	return true;
}

/* Our FIN is sent and acknowledged. */
static bool xtcp_fin_acked(const struct xtcp_sock *xsk)
{
	return xsk->fin_queued && xsk->snd_una == xsk->write_seq;
}

static bool xtcp_rmem_full(const struct sock *sk)
{
	return atomic_read(&sk->sk_rmem_alloc) > 2 * READ_ONCE(sk->sk_rcvbuf);
}

/* Room for @skb in the receive buffer and in XTCP's memory (xtcp_mem.c). */
static bool xtcp_rmem_room(struct sock *sk, struct sk_buff *skb)
{
	return !xtcp_rmem_full(sk) && sk_rmem_schedule(sk, skb, skb->truesize);
}

/*
 * Data arrives at RCV.NXT and the receive buffer or XTCP's memory is
 * short: the held out-of-order segments must not starve it, or the hole
 * never fills.  Drop them from the highest down until it fits, as TCP's
 * tcp_prune_ofo_queue() does; the peer resends them (it will find our
 * SACKs for them gone, RFC 2018 section 8).  The first segment of an
 * empty receive queue is always taken, whatever the memory (TCP's
 * tcp_data_queue()), so that a reader always progresses.  Returns true
 * when there is room now.
 */
static bool xtcp_prune_ofo(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct sk_buff *p;

	while (!xtcp_rmem_room(sk, skb)) {
		if (!xtcp_rmem_full(sk) &&
		    skb_queue_empty(&sk->sk_receive_queue)) {
			xtcp_forced_mem_schedule(sk, skb->truesize,
						 SK_MEM_RECV);
			return true;
		}
		p = __skb_dequeue_tail(&xsk->ofo_queue);
		if (!p)
			return false;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OFOPRUNED);
		kfree_skb_reason(p, SKB_DROP_REASON_TCP_OFO_QUEUE_PRUNE);
	}
	return true;
}

/*
 * Append @from's data to @to, the receive queue's tail, when it follows
 * it (TCP's tcp_try_coalesce()): one skb fewer to queue, charge and read,
 * and often less memory.  Only @to's seq is read later: the reader takes
 * its bytes from there.
 */
static bool xtcp_try_coalesce(struct sock *sk, struct sk_buff *to,
			      struct sk_buff *from, bool *fragstolen)
{
	int delta;

	*fragstolen = false;
	if (XTCP_SKB_CB(to)->seq + to->len != XTCP_SKB_CB(from)->seq)
		return false;
	if (!skb_try_coalesce(to, from, fragstolen, &delta))
		return false;
	atomic_add(delta, &sk->sk_rmem_alloc);
	sk_mem_charge(sk, delta);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RCVCOALESCE);
	return true;
}

/*
 * Data in sequence goes to the receive queue; returns false if dropped.
 * Once it returns true, @skb is the queue's, or freed (coalesced).
 */
static bool xtcp_data_queue(struct sock *sk, struct sk_buff *skb,
			    unsigned int hdrlen)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 dup = xsk->rcv_nxt - cb->seq;
	struct sk_buff *tail;
	bool fragstolen;

	/* Pulled first: a pull may change the truesize to be charged. */
	if (!pskb_pull(skb, hdrlen + dup))
		return false;
	if (!xtcp_prune_ofo(sk, skb)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RCVQDROP);
		return false;
	}
	cb->seq += dup;
	skb_dst_drop(skb);
	xsk->rcv_nxt = cb->seq + skb->len;
	xsk->bytes_received += skb->len;
	tail = skb_peek_tail(&sk->sk_receive_queue);
	if (tail && xtcp_try_coalesce(sk, tail, skb, &fragstolen)) {
		kfree_skb_partial(skb, fragstolen);
		return true;
	}
	skb_set_owner_r(skb, sk);
	__skb_queue_tail(&sk->sk_receive_queue, skb);
	return true;
}

/* RFC 9293 3.10.7.4, eighth: the peer's FIN, in sequence. */
static void xtcp_rcv_fin(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xsk->rcv_nxt++;
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);
	__skb_queue_purge(&xsk->ofo_queue);
	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		xtcp_set_state(sk, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		xtcp_set_state(sk, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		/* The socket is gone after this: acknowledge the FIN now. */
		xtcp_state_timer_stop(sk);
		xtcp_send_ack(sk);
		xtcp_time_wait(sk);
		break;
	}
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/*
 * Out-of-order queue: segments after a hole, sorted by sequence number,
 * their header pulled; cb->end_seq counts data only, the FIN flag stays.
 * Charged to the receive buffer like in-order data.  Overlaps are left
 * to the drain, which trims what is already received.
 */
static void xtcp_ofo_add(struct sock *sk, struct sk_buff *skb,
			 unsigned int hdrlen)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct sk_buff *p;

	if (!pskb_pull(skb, hdrlen) || !xtcp_rmem_room(sk, skb)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RCVQDROP);
		kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
		return;
	}
	cb->end_seq = cb->seq + skb->len;

	skb_queue_reverse_walk(&xsk->ofo_queue, p) {
		if (xtcp_seq_before_eq(XTCP_SKB_CB(p)->seq, cb->seq)) {
			if (XTCP_SKB_CB(p)->seq == cb->seq &&
			    !xtcp_seq_before(XTCP_SKB_CB(p)->end_seq,
					     cb->end_seq)) {
				/*
				 * A duplicate of what is held: the ACK's
				 * first SACK block is the one holding it
				 * (RFC 2018 section 4).
				 */
				xsk->ofo_last = cb->seq;
				consume_skb(skb);
				return;
			}
			break;
		}
	}
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OFOQUEUE);
	xsk->ofo_last = cb->seq;
	skb_dst_drop(skb);
	skb_set_owner_r(skb, sk);
	if (p == (struct sk_buff *)&xsk->ofo_queue)
		__skb_queue_head(&xsk->ofo_queue, skb);
	else
		__skb_queue_after(&xsk->ofo_queue, p, skb);
}

/* Move what the queue holds at RCV.NXT to the receive queue. */
static void xtcp_ofo_drain(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_skb_cb *cb;
	struct sk_buff *skb;
	bool fin;

	while ((skb = skb_peek(&xsk->ofo_queue))) {
		cb = XTCP_SKB_CB(skb);
		if (xtcp_seq_after(cb->seq, xsk->rcv_nxt))
			break;
		__skb_unlink(skb, &xsk->ofo_queue);
		fin = cb->flags & XTCP_FLAG_FIN;
		if (xtcp_seq_after(cb->end_seq, xsk->rcv_nxt)) {
			if (!pskb_pull(skb, xsk->rcv_nxt - cb->seq)) {
				kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
				break;
			}
			cb->seq = xsk->rcv_nxt;
			xsk->rcv_nxt = cb->end_seq;
			xsk->bytes_received += skb->len;
			__skb_queue_tail(&sk->sk_receive_queue, skb);
		} else if (cb->end_seq == xsk->rcv_nxt && fin) {
			consume_skb(skb);
		} else {
			consume_skb(skb);
			continue;
		}
		if (fin) {
			xtcp_rcv_fin(sk);
			break;
		}
	}
}

/*
 * RFC 9293 3.10.7.4's seventh and eighth steps, the segment text and FIN,
 * of a segment found acceptable, its ACK processed; also those of a
 * SYN-ACK (3.10.7.3), whose CB's sequence then starts after its SYN.
 * Returns as xtcp_rcv_synchronized().
 */
static bool xtcp_rcv_text(struct sock *sk, struct sk_buff *skb,
			  enum skb_drop_reason *reason)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcphdr *th = xtcp_hdr(skb);
	unsigned int hdrlen = xtcp_hdrlen(th);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	bool queued = false, fin, had_ofo;
	u32 datalen = skb->len - hdrlen;
	u32 fin_seq, right;

	fin = th->flags & XTCP_FLAG_FIN;
	fin_seq = cb->end_seq - 1;
	if (!(1 << sk->sk_state &
	      (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2)))
		return false;
	if (!datalen && !fin)
		return false;

	if (sock_flag(sk, SOCK_DEAD) && datalen &&
	    xtcp_seq_after(cb->seq + datalen, xsk->rcv_nxt)) {
		/* Data for a closed socket: RFC 9293 3.10.4. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONDATA);
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_done(sk);
		*reason = SKB_DROP_REASON_TCP_ABORT_ON_DATA;
		return false;
	}

	/*
	 * Text past the window's right edge is trimmed, and a FIN with it:
	 * we never acknowledge beyond what we offered.
	 */
	right = xsk->rcv_nxt + xtcp_receive_window(xsk);
	if (xtcp_seq_after(cb->seq + datalen + fin, right)) {
		if (!xtcp_seq_after(right, cb->seq)) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ZEROWINDOWDROP);
			xtcp_send_ack(sk);
			*reason = SKB_DROP_REASON_TCP_ZEROWINDOW;
			return false;
		}
		datalen = min(datalen, right - cb->seq);
		if (pskb_trim_rcsum(skb, hdrlen + datalen)) {
			*reason = SKB_DROP_REASON_NOMEM;
			return false;
		}
		fin = false;
		cb->flags &= ~XTCP_FLAG_FIN;
		cb->end_seq = cb->seq + datalen;
	}

	/* The peer's segment size; of a large skb, the size of its parts. */
	if (datalen)
		xsk->rcv_mss = clamp_t(u32, skb_shinfo(skb)->gso_size ?: datalen,
				       xsk->rcv_mss, xsk->advmss);

	if (xtcp_seq_after(cb->seq, xsk->rcv_nxt)) {
		/* A hole before it: hold it until the hole fills. */
		xtcp_ofo_add(sk, skb, hdrlen);
		xsk->quickacks = XTCP_QUICKACKS;
		xtcp_send_ack(sk);
		return true;
	}

	if (datalen && xtcp_seq_after(cb->seq + datalen, xsk->rcv_nxt)) {
		queued = xtcp_data_queue(sk, skb, hdrlen);
		if (!queued) {
			xtcp_send_ack(sk);
			*reason = SKB_DROP_REASON_SOCKET_RCVBUFF;
			return false;
		}
	} else if (!fin) {
		/* All of it seen before: the peer lost our ACK. */
		xtcp_send_ack(sk);
		*reason = SKB_DROP_REASON_TCP_OLD_DATA;
		return false;
	}
	had_ofo = !skb_queue_empty(&xsk->ofo_queue);
	if (fin && fin_seq == xsk->rcv_nxt)
		xtcp_rcv_fin(sk);
	else
		xtcp_ofo_drain(sk);
	xtcp_ack_snd_check(sk, fin || had_ofo);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	return queued;
}

/*
 * SYN_SENT, RFC 9293 3.10.7.3.  Returns as xtcp_rcv_synchronized(): true
 * when the text of a SYN-ACK was queued.
 */
static bool xtcp_syn_sent_rcv(struct sock *sk, struct sk_buff *skb,
			      const struct xtcp_opts *opts,
			      enum skb_drop_reason *reason)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcphdr *th = xtcp_hdr(skb);
	bool ack = th->flags & XTCP_FLAG_ACK;
	struct xtcp_sock *xsk = xtcp_sk(sk);

	if (ack && (!xtcp_seq_after(cb->ack_seq, xsk->iss) ||
		    xtcp_seq_after(cb->ack_seq, xsk->snd_nxt))) {
		if (!(th->flags & XTCP_FLAG_RST))
			xtcp_v4_send_reset(sock_net(sk), skb);
		*reason = SKB_DROP_REASON_TCP_INVALID_ACK_SEQUENCE;
		return false;
	}
	if (th->flags & XTCP_FLAG_RST) {
		if (ack)
			xtcp_reset(sk);
		else
			*reason = SKB_DROP_REASON_TCP_RESET;
		return false;
	}
	if (!(th->flags & XTCP_FLAG_SYN)) {
		*reason = SKB_DROP_REASON_TCP_FLAGS;
		return false;
	}

	xsk->irs = cb->seq;
	xsk->rcv_nxt = cb->seq + 1;
	xsk->copied_seq = xsk->rcv_nxt;
	xsk->rcv_wup = xsk->rcv_nxt;
	xsk->rcv_wnd = 0;
	xtcp_agree_options(sk, opts);
	xtcp_set_mss(xsk, opts);
	xsk->snd_wnd = ntohs(th->window);
	xsk->max_window = xsk->snd_wnd;
	xsk->snd_wl1 = cb->seq;
	xsk->snd_wl2 = cb->ack_seq;

	if (ack) {
		/* As tcp_finish_connect(): the LSM labels the connection. */
		security_inet_conn_established(sk, skb);
		xtcp_set_state(sk, TCP_ESTABLISHED);
		xtcp_clean_rtx_queue(sk, cb->ack_seq, opts);
		xtcp_send_ack(sk);
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		xtcp_push(sk);
		/*
		 * Text or a FIN after the SYN: on from the sixth step
		 * (3.10.7.3).  Linux TCP drops the text, for the peer to
		 * send again a retransmission timeout later.
		 */
		if (cb->end_seq - cb->seq > 1) {
			cb->seq++;
			return xtcp_rcv_text(sk, skb, reason);
		}
		return false;
	}

	/* Simultaneous open: our SYN goes again, now as a SYN-ACK. */
	xtcp_set_state(sk, TCP_SYN_RECV);
	xsk->snd_wl2 = xsk->iss;
	xtcp_retransmit_head(sk);
	return false;
}

/*
 * RFC 9293 3.10.7.4, the synchronized states and SYN_RECV.  Returns true
 * when the skb was queued to the receive queue (the caller must not free
 * it); otherwise *@reason says why it is dropped, or stays SKB_CONSUMED
 * when it was used.
 */
static bool xtcp_rcv_synchronized(struct sock *sk, struct sk_buff *skb,
				  const struct xtcp_opts *opts,
				  enum skb_drop_reason *reason)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcphdr *th = xtcp_hdr(skb);
	u32 datalen = skb->len - xtcp_hdrlen(th);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 ack = cb->ack_seq, prior_una;

	/* PAWS (RFC 7323 5.3): an old duplicate. */
	if (xtcp_paws_reject(xsk, skb, opts)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PAWSESTAB);
		xtcp_send_oow_ack(sk, skb);
		*reason = SKB_DROP_REASON_TCP_RFC7323_PAWS;
		return false;
	}

	/*
	 * First: sequence number.  A closed window takes no text, but a
	 * segment reaching RCV.NXT still has its ACK (and RST) processed,
	 * or a peer whose ACKs ride on its data would never see them while
	 * our buffer is full; its text is dropped below.
	 */
	if (!xtcp_seq_acceptable(cb->seq, xtcp_cb_len(skb), xsk->rcv_nxt,
				 xtcp_receive_window(xsk)) &&
	    (xtcp_receive_window(xsk) || xtcp_seq_after(cb->seq, xsk->rcv_nxt) ||
	     xtcp_seq_before(cb->end_seq, xsk->rcv_nxt))) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTOFWINDOW);
		*reason = xtcp_seq_before(cb->end_seq, xsk->rcv_nxt) ?
			  SKB_DROP_REASON_TCP_OLD_SEQUENCE :
			  SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
		if (!(th->flags & XTCP_FLAG_RST))
			xtcp_send_oow_ack(sk, skb);
		return false;
	}

	/* Second: RST, with RFC 5961 3.2's exact-match rule. */
	if (th->flags & XTCP_FLAG_RST) {
		if (cb->seq != xsk->rcv_nxt) {
			xtcp_send_challenge_ack(sk);
			*reason = SKB_DROP_REASON_TCP_RESET;
			return false;
		}
		/* A simultaneous open's SYN_RECV: refused, as in SYN_SENT. */
		if (sk->sk_state == TCP_SYN_RECV)
			xtcp_state_store(sk, TCP_SYN_SENT);
		if (sk->sk_state == TCP_CLOSING ||
		    sk->sk_state == TCP_LAST_ACK)
			xtcp_done(sk);
		else
			xtcp_reset(sk);
		return false;
	}

	/* Fourth: a SYN in a synchronized state, RFC 5961 4.2. */
	if (th->flags & XTCP_FLAG_SYN) {
		xtcp_send_challenge_ack(sk);
		*reason = SKB_DROP_REASON_TCP_INVALID_SYN;
		return false;
	}

	/* Fifth: the ACK field. */
	if (!(th->flags & XTCP_FLAG_ACK)) {
		*reason = SKB_DROP_REASON_TCP_FLAGS;
		return false;
	}

	if (sk->sk_state == TCP_SYN_RECV) {
		if (!xtcp_seq_after(ack, xsk->snd_una) ||
		    xtcp_seq_after(ack, xsk->snd_nxt)) {
			xtcp_v4_send_reset(sock_net(sk), skb);
			*reason = SKB_DROP_REASON_TCP_INVALID_ACK_SEQUENCE;
			return false;
		}
		xtcp_set_state(sk, TCP_ESTABLISHED);
		xsk->snd_wl1 = cb->seq;
		xsk->snd_wl2 = ack;
		xsk->snd_wnd = xtcp_seg_wnd(xsk, th);
		xsk->max_window = max(xsk->max_window, xsk->snd_wnd);
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}

	if (xtcp_seq_after(ack, xsk->snd_nxt)) {
		/* RFC 5961 5.2: acknowledges what we never sent. */
		xtcp_send_challenge_ack(sk);
		*reason = SKB_DROP_REASON_TCP_ACK_UNSENT_DATA;
		return false;
	}
	if (xtcp_seq_before(ack, xsk->snd_una - xsk->max_window)) {
		/* RFC 5961 5.2: too old to be acceptable; discard, ACK. */
		xtcp_send_challenge_ack(sk);
		*reason = SKB_DROP_REASON_TCP_TOO_OLD_ACK;
		return false;
	}
	/*
	 * An acceptable segment: only now may its TSval become TS.Recent
	 * (RFC 7323 4.3), or one forged segment with a far TSval would have
	 * PAWS drop all that follow.
	 */
	xtcp_store_ts_recent(xsk, cb->seq, opts);
	/* The peer answers: its probes are accounted for (keepalive too). */
	xsk->probes_out = 0;
	xsk->rcv_stamp_ns = ktime_get_ns();
	prior_una = xsk->snd_una;
	if (xsk->sack_ok && opts->num_sacks)
		xtcp_sack_tag(sk, opts);
	if (xtcp_seq_after(ack, xsk->snd_una))
		xtcp_clean_rtx_queue(sk, ack, opts);
	else
		xtcp_check_dupack(sk, skb, th, datalen);
	if (xsk->cc.sack && (xsk->sacked_out || xsk->lost_out))
		xtcp_sack_update(sk);
	xtcp_update_wnd(xsk, skb, th, prior_una);
	trace_xtcp_probe(sk, skb);
	/*
	 * The ACK may have opened a window or ended Nagle's wait, or there
	 * are holes to fill.
	 */
	if (sk->sk_send_head || xsk->lost_out)
		xtcp_push(sk);
	/*
	 * What was sent may be what a writer under TCP_NOTSENT_LOWAT waits
	 * for, even when nothing was acknowledged (tcp_check_space()).  The
	 * barrier pairs with the one in xtcp_poll() after it sets the bit.
	 */
	smp_mb();
	if (sk->sk_socket && test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		sk->sk_write_space(sk);

	switch (sk->sk_state) {
	case TCP_FIN_WAIT1:
		if (xtcp_fin_acked(xsk) && !xtcp_fin_wait2(sk))
			return false;
		break;
	case TCP_CLOSING:
		if (xtcp_fin_acked(xsk)) {
			xtcp_time_wait(sk);
			return false;
		}
		break;
	case TCP_LAST_ACK:
		if (xtcp_fin_acked(xsk)) {
			xtcp_done(sk);
			return false;
		}
		break;
	}

	/* Seventh: the segment text; eighth: FIN. */
	return xtcp_rcv_text(sk, skb, reason);
}

/**
 * xtcp_v4_do_rcv - run the state machine for one segment
 * @sk: the socket it belongs to, locked (bh_lock_sock() or owned)
 * @skb: the validated segment, its control block filled in
 *
 * Also the socket's backlog_rcv.  Consumes @skb.
 *
 * Return: 0.
 */
int xtcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	enum skb_drop_reason reason = SKB_CONSUMED;
	const struct xtcphdr *th = xtcp_hdr(skb);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_opts opts;
	bool queued = false;

	lockdep_assert(lockdep_sock_is_held(sk));

	xsk->segs_in++;
	/* Validated already: this cannot fail but for a bug. */
	if (xtcp_parse_options((const u8 *)(th + 1),
			       xtcp_hdrlen(th) - XTCP_HDR_LEN,
			       th->flags & XTCP_FLAG_SYN, &opts)) {
		consume_skb(skb);
		return 0;
	}
	switch (sk->sk_state) {
	case TCP_CLOSE:
		/*
		 * RFC 9293 3.10.7.1: as if there were no socket; but a
		 * segment that waited in the backlog while its connection
		 * went into a TIME_WAIT entry belongs to the entry, which
		 * the peer's retransmission will find.
		 */
		if (!xsk->timewait)
			xtcp_v4_send_reset(sock_net(sk), skb);
		break;
	case TCP_LISTEN:
	case TCP_SYN_SENT:
		if (sk->sk_state == TCP_LISTEN) {
			/*
			 * From the backlog this runs in process context:
			 * keep softirqs off while the new child's spinlock
			 * is held, or our own SYN-ACK's transmission could
			 * run the receive path for the child on this CPU.
			 */
			local_bh_disable();
			queued = xtcp_listen_rcv(sk, skb, &opts);
			local_bh_enable();
		} else {
			queued = xtcp_syn_sent_rcv(sk, skb, &opts, &reason);
		}
		break;
	default:
		queued = xtcp_rcv_synchronized(sk, skb, &opts, &reason);
	}
	/* Drops go with their reason, for drop monitors and perf. */
	if (!queued)
		kfree_skb_reason(skb, reason);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_v4_do_rcv);

/* SEG.SEQ + SEG.LEN of @skb as it is now: data, and a SYN or FIN. */
static void xtcp_fill_end_seq(struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcphdr *th = xtcp_hdr(skb);

	cb->end_seq = cb->seq + skb->len - xtcp_hdrlen(th) +
		      !!(th->flags & XTCP_FLAG_SYN) +
		      !!(th->flags & XTCP_FLAG_FIN);
}

/**
 * xtcp_v4_rcv - receive one XTCP segment from IPv4
 * @skb: the segment, data pointing at the XTCP header
 *
 * Return: 0; the skb is always consumed.
 */
int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net_rcu(skb->dev);
	enum skb_drop_reason reason;
	struct xtcp_tw_reply reply;
	enum xtcp_mib_field field;
	const struct xtcphdr *th;
	const struct rtable *rt;
	struct xtcp_skb_cb *cb;
	struct xtcp_opts opts;
	unsigned int twv;
	struct sock *sk;

	/* Not unicast to us, by link layer or IP: never answered. */
	rt = skb_rtable(skb);
	if (skb->pkt_type != PACKET_HOST ||
	    (rt && rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))) {
		XTCP_INC_STATS(net, XTCP_MIB_INNOTHOST);
		kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
		return 0;
	}

	/* A large skb from lo or a veth counts as the segments it holds. */
	XTCP_ADD_STATS(net, XTCP_MIB_INSEGS,
		       max_t(u16, 1, skb_shinfo(skb)->gso_segs));

	reason = xtcp_validate(skb, &opts, &field);
	if (reason) {
		if (field != __XTCP_MIB_MAX) {
			XTCP_INC_STATS(net, XTCP_MIB_INERRS);
			XTCP_INC_STATS(net, field);
		}
		kfree_skb_reason(skb, reason);
		return 0;
	}

	th = xtcp_hdr(skb);
	cb = XTCP_SKB_CB(skb);
	/* IP input is done with its control block; ours goes after it. */
	cb->seq = ntohl(th->seq);
	xtcp_fill_end_seq(skb);
	cb->ack_seq = ntohl(th->ack_seq);
	cb->flags = th->flags;
	cb->tw_isn = 0;

	sk = xtcp_lookup(net, skb, &opts, inet_iif(skb), &twv, &reply);
	if (!sk && (twv & XTCP_TWV_FOUND)) {
		/* A TIME_WAIT entry took it. */
		if (twv & XTCP_TWV_ACK)
			xtcp_tw_send_ack(net, skb, &reply);
		consume_skb(skb);
		return 0;
	}
	if (sk) {
		if (sk_filter_trim_cap(sk, skb, xtcp_hdrlen(th))) {
			sock_put(sk);
			kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_FILTER);
			return 0;
		}
		/*
		 * The socket's filter may have cut data off (as tcp_filter()
		 * before tcp_v4_fill_cb()): the segment ends where it now
		 * ends, and only what is left is acknowledged.
		 */
		xtcp_fill_end_seq(skb);
		nf_reset_ct(skb);
		bh_lock_sock_nested(sk);
		if (!sock_owned_by_user(sk)) {
			xtcp_v4_do_rcv(sk, skb);
		} else if (sk_add_backlog(sk, skb, READ_ONCE(sk->sk_rcvbuf) +
					  READ_ONCE(sk->sk_sndbuf))) {
			bh_unlock_sock(sk);
			sock_put(sk);
			XTCP_INC_STATS(net, XTCP_MIB_BACKLOGDROP);
			kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_BACKLOG);
			return 0;
		}
		bh_unlock_sock(sk);
		sock_put(sk);
		return 0;
	}

	/* RFC 9293 3.10.7.1: the connection is CLOSED. */
	XTCP_INC_STATS(net, XTCP_MIB_INNOSOCKET);
	xtcp_v4_send_reset(net, skb);
	kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_v4_rcv);
