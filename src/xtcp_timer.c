// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP timers: three hrtimers per socket, in soft mode (they expire in the
 * HRTIMER_SOFTIRQ, never in hard interrupt context), pinned to the CPU
 * that armed them.
 *
 *  rtx_timer    - retransmission of what is in flight (SYN, SYN-ACK, data
 *                 or FIN) on the RFC 6298 timeout with exponential
 *                 backoff; or, with nothing in flight and the peer's
 *                 window closed, zero-window probes (persist);
 *  state_timer  - keepalive, and the end of FIN_WAIT_2 for an orphan
 *                 (TIME_WAIT has no socket: see xtcp_timewait.c);
 *  delack_timer - the delayed ACK, 40 ms after data that did not get one.
 *
 * Lifetime: a queued timer owns one reference on its socket.  Arming an
 * idle timer takes it (re-arming a queued one keeps it); cancelling a
 * queued timer or the expiry of one drops it.  So no timer can run after
 * its socket is freed, and a socket with a timer queued is never freed.
 *
 * An expiring timer takes the socket's spinlock.  When the user owns the
 * socket (lock_sock()), the work is left to xtcp_release_cb(), run by
 * release_sock(): the timer sets a bit in xsk->deferred and hands its
 * reference over to that callback.
 */

#include <linux/hrtimer.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <kunit/visibility.h>
#include "xtcp_protocol.h"

/*
 * Arm or re-arm; the caller holds the socket lock, so no other arm or stop
 * runs meanwhile.  A queued timer's reference carries over: one removed
 * by the cancel (1), or one queued again while its callback runs (-1, and
 * still queued: hrtimer_try_to_cancel() leaves it, and it cannot expire
 * before the running callback ends, as hrtimers never migrate while
 * running).  Otherwise (inactive, or running and not queued) take one.
 */
static void xtcp_timer_arm(struct sock *sk, struct hrtimer *t, u64 ns)
{
	int ret = hrtimer_try_to_cancel(t);

	lockdep_assert(lockdep_sock_is_held(sk));

	if (ret == 0 || (ret < 0 && !hrtimer_is_queued(t)))
		sock_hold(sk);
	hrtimer_start(t, ns_to_ktime(ns), HRTIMER_MODE_REL_PINNED_SOFT);
}

/*
 * Stop without waiting (the caller may be the callback itself).  A timer
 * queued again while its callback runs cannot be removed now; it expires
 * later, finds nothing to do in the socket's state and drops its
 * reference then.
 */
static void xtcp_timer_stop(struct sock *sk, struct hrtimer *t)
{
	if (hrtimer_try_to_cancel(t) == 1)
		__sock_put(sk);
}

static u64 xtcp_rto_max_ns(const struct sock *sk)
{
	return (u64)READ_ONCE(xtcp_sysctl(sk)->rto_max_ms) * NSEC_PER_MSEC;
}

/* The RTO the estimator gives, before any backoff. */
u64 xtcp_rto_base(const struct sock *sk)
{
	const struct xtcp_sysctl *ctl = xtcp_sysctl(sk);

	return xtcp_rto_compute(&xtcp_sk(sk)->rtt,
				(u64)READ_ONCE(ctl->rto_min_us) * NSEC_PER_USEC,
				xtcp_rto_max_ns(sk));
}

/*
 * With TCP_USER_TIMEOUT, never sleep past the moment it runs out (TCP's
 * tcp_clamp_rto_to_user_timeout()): what is left of it, at least 1 ms.
 */
static u64 xtcp_clamp_to_user_timeout(const struct sock *sk, u64 ns)
{
	const struct xtcp_sock *xsk = xtcp_sk(sk);
	u64 end, now;

	if (!xsk->user_timeout || !xsk->rtx_stamp_ns)
		return ns;
	end = xsk->rtx_stamp_ns + (u64)xsk->user_timeout * NSEC_PER_MSEC;
	now = ktime_get_ns();
	if (end <= now)
		return NSEC_PER_MSEC;
	return min(ns, max(end - now, (u64)NSEC_PER_MSEC));
}

/* Retransmission: the current, backed-off RTO from now. */
void xtcp_rtx_timer_arm(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xsk->rtx_mode = XTCP_TIMER_RTO;
	xtcp_timer_arm(sk, &xsk->rtx_timer,
		       xtcp_clamp_to_user_timeout(sk, xsk->rto_ns));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtx_timer_arm);

/* The next zero-window probe: the RTO backed off by the probes sent. */
static void __xtcp_probe_timer_arm(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u64 ns;

	ns = xtcp_rto_backoff(xtcp_rto_base(sk), xsk->retransmits,
			      xtcp_rto_max_ns(sk));
	xsk->rtx_mode = XTCP_TIMER_PROBE;
	xtcp_timer_arm(sk, &xsk->rtx_timer,
		       xtcp_clamp_to_user_timeout(sk, ns));
}

/*
 * Persist: the window closed with data kept back (TCP's
 * tcp_check_probe_timer()).  A pending probe is left alone: queued, its
 * callback running, or its expiry waiting for the socket's owner
 * (xtcp_release_cb()); each probe arms the next, backed off one more
 * step (xtcp_probe_timeout()).  Arming it again here, with the backoff
 * of the probe before, would send the next one early.
 */
void xtcp_probe_timer_arm(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	lockdep_assert(lockdep_sock_is_held(sk));

	if (xsk->rtx_mode == XTCP_TIMER_PROBE &&
	    (hrtimer_active(&xsk->rtx_timer) ||
	     test_bit(XTCP_RTX_DEFERRED, &xsk->deferred)))
		return;
	__xtcp_probe_timer_arm(sk);
}

/* A listener's SYN queue: its next expiry, @ns from now. */
void xtcp_synq_timer_arm(struct sock *sk, u64 ns)
{
	xtcp_timer_arm(sk, &xtcp_sk(sk)->rtx_timer, ns);
}

void xtcp_rtx_timer_stop(struct sock *sk)
{
	xtcp_timer_stop(sk, &xtcp_sk(sk)->rtx_timer);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rtx_timer_stop);

void xtcp_state_timer_arm(struct sock *sk, unsigned long len)
{
	xtcp_timer_arm(sk, &xtcp_sk(sk)->state_timer,
		       (u64)jiffies_to_nsecs(len));
}

void xtcp_state_timer_stop(struct sock *sk)
{
	xtcp_timer_stop(sk, &xtcp_sk(sk)->state_timer);
}

void xtcp_delack_timer_arm(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	if (!hrtimer_is_queued(&xsk->delack_timer))
		xtcp_timer_arm(sk, &xsk->delack_timer, XTCP_DELACK_NS);
}

void xtcp_delack_timer_stop(struct sock *sk)
{
	xtcp_timer_stop(sk, &xtcp_sk(sk)->delack_timer);
}

void xtcp_stop_timers(struct sock *sk)
{
	xtcp_rtx_timer_stop(sk);
	xtcp_state_timer_stop(sk);
	xtcp_delack_timer_stop(sk);
}

/* Keepalive parameters: the socket's own, else the namespace's. */
u32 xtcp_keepidle_s(const struct sock *sk)
{
	return xtcp_sk(sk)->keepidle ? :
	       READ_ONCE(xtcp_sysctl(sk)->keepalive_time);
}

u32 xtcp_keepintvl_s(const struct sock *sk)
{
	return xtcp_sk(sk)->keepintvl ? :
	       READ_ONCE(xtcp_sysctl(sk)->keepalive_intvl);
}

u32 xtcp_keepcnt(const struct sock *sk)
{
	return xtcp_sk(sk)->keepcnt ? :
	       READ_ONCE(xtcp_sysctl(sk)->keepalive_probes);
}

/* States where the keepalive owns the state timer. */
#define XTCP_KEEPALIVE_STATES	(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | \
				 TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | \
				 TCPF_CLOSING | TCPF_LAST_ACK)

static bool xtcp_keepalive_owns_timer(const struct sock *sk)
{
	if (!((1 << sk->sk_state) & XTCP_KEEPALIVE_STATES))
		return false;
	/* An orphan's FIN_WAIT_2 runs on fin_timeout instead. */
	return !(sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD));
}

/* (Re)start the idle wait, when SO_KEEPALIVE is on. */
void xtcp_keepalive_arm(struct sock *sk)
{
	if (!sock_flag(sk, SOCK_KEEPOPEN) || !xtcp_keepalive_owns_timer(sk))
		return;
	xtcp_timer_arm(sk, &xtcp_sk(sk)->state_timer,
		       (u64)xtcp_keepidle_s(sk) * NSEC_PER_SEC);
}

/**
 * xtcp_keepalive - struct proto's keepalive: SO_KEEPALIVE was set
 * @sk: the socket, owned by the caller
 * @on: its new value
 */
void xtcp_keepalive(struct sock *sk, int on)
{
	sock_owned_by_me(sk);
	if (!xtcp_keepalive_owns_timer(sk))
		return;
	if (on) {
		/* sock_setsockopt() sets the flag after this call. */
		sock_set_flag(sk, SOCK_KEEPOPEN);
		xtcp_keepalive_arm(sk);
	} else {
		xtcp_state_timer_stop(sk);
	}
}

/* TCP_SYNCNT, or net.xtcp.syn_retries when it was not set. */
int xtcp_syn_retries(const struct sock *sk)
{
	return READ_ONCE(xtcp_sk(sk)->syn_retries) ? :
	       READ_ONCE(xtcp_sysctl(sk)->syn_retries);
}

/*
 * How long an orphan waits in FIN_WAIT_2 for the peer's FIN, in jiffies:
 * TCP_LINGER2 when it is set above 0, else net.xtcp.fin_timeout; never
 * less than 3.5 RTOs, as tcp_fin_time() has it.  A TCP_LINGER2 below 0
 * means no wait at all: the caller resets instead.
 */
unsigned long xtcp_fin_time(const struct sock *sk)
{
	unsigned long rto = nsecs_to_jiffies(xtcp_sk(sk)->rto_ns);
	int linger2 = READ_ONCE(xtcp_sk(sk)->linger2);
	unsigned long tmo;

	tmo = linger2 > 0 ? linger2 : READ_ONCE(xtcp_sysctl(sk)->fin_timeout);
	return max(tmo, (rto << 2) - (rto >> 1));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_fin_time);

/*
 * The retransmission limit of the socket's state: syn_retries for an
 * open (a passive one is a request, see xtcp_listen.c), orphan_retries
 * for an orphan (0 meaning 8, as TCP has it), retries2 otherwise.
 */
static int xtcp_retries_limit(const struct sock *sk)
{
	const struct xtcp_sysctl *ctl = xtcp_sysctl(sk);
	int n;

	switch (sk->sk_state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:	/* simultaneous open */
		return xtcp_syn_retries(sk);
	default:
		if (sock_flag(sk, SOCK_DEAD)) {
			n = READ_ONCE(ctl->orphan_retries);
			return n ? n : 8;
		}
		return READ_ONCE(ctl->retries2);
	}
}

/*
 * Give up on the connection: ETIMEDOUT, or the soft error seen.  @why
 * goes to the debug log (dynamic debug), for whoever asks why a
 * connection ended.
 */
static void xtcp_write_err(struct sock *sk, const char *why)
{
	net_dbg_ratelimited("xtcp: %pI4:%u -> %pI4:%u: %s, state %d: giving up\n",
			    &sk->sk_rcv_saddr, sk->sk_num, &sk->sk_daddr,
			    ntohs(sk->sk_dport), why, sk->sk_state);
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEOUTS);
	WRITE_ONCE(sk->sk_err, READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT);
	sk_error_report(sk);
	xtcp_done(sk);
}

/*
 * An orphan's retransmission or probe timed out: it goes, with a reset,
 * when the machine cannot afford it (xtcp_check_oom(), as TCP's
 * tcp_out_of_resources()).  One that sent no data for long, or that an
 * ICMP error reached, counts double, or four times for both.  Returns
 * true when it is gone.
 */
static bool xtcp_orphan_oom(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	int shift = 0;

	if (!sock_flag(sk, SOCK_DEAD))
		return false;
	if (xsk->lsnd_ns && ktime_get_ns() - xsk->lsnd_ns > 2 * XTCP_RTO_MAX_NS)
		shift++;
	if (READ_ONCE(sk->sk_err_soft))
		shift++;
	if (!xtcp_check_oom(sk, shift))
		return false;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONMEMORY);
	xtcp_send_active_reset(sk, GFP_ATOMIC);
	xtcp_done(sk);
	return true;
}

/*
 * TCP_USER_TIMEOUT ran out: since the first transmission of the oldest
 * segment in flight (retransmission), or since the first probe (persist),
 * as TCP counts it.
 */
static bool xtcp_user_timeout_expired(const struct sock *sk)
{
	const struct xtcp_sock *xsk = xtcp_sk(sk);

	return xsk->user_timeout && xsk->rtx_stamp_ns &&
	       ktime_get_ns() - xsk->rtx_stamp_ns >=
	       (u64)xsk->user_timeout * NSEC_PER_MSEC;
}

/*
 * Persist (RFC 9293 3.8.6.1): nothing in flight, data waiting, and the
 * peer's window is closed.  Probe it with a segment it must answer; the
 * answer resets probes_out, the backoff goes on until the window opens.
 * As TCP, give up after retries2 unanswered probes (orphan_retries for an
 * orphan) or TCP_USER_TIMEOUT.
 */
static void xtcp_probe_timeout(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	if (xsk->packets_out || !sk->sk_send_head) {
		xsk->probes_out = 0;
		return;
	}
	/*
	 * The window may have opened without an ACK we acted on; data the
	 * cork holds goes now, as TCP's probe timer sends it.
	 */
	__xtcp_push(sk, true);
	if (!xsk->packets_out && sk->sk_send_head)
		xtcp_send_window_part(sk);
	if (xsk->packets_out || !sk->sk_send_head) {
		xsk->retransmits = 0;
		xsk->rtx_stamp_ns = 0;
		return;
	}

	if (!xsk->rtx_stamp_ns)
		xsk->rtx_stamp_ns = ktime_get_ns();
	/*
	 * The peer's answers reset probes_out; an orphan's peer may answer
	 * with a shut window for ever, so an orphan counts its backoff,
	 * which only data getting through resets (TCP's tcp_probe_timer()).
	 */
	if (xtcp_user_timeout_expired(sk) ||
	    xsk->probes_out >= xtcp_retries_limit(sk) ||
	    (sock_flag(sk, SOCK_DEAD) &&
	     xsk->retransmits >= xtcp_retries_limit(sk))) {
		xtcp_write_err(sk, "zero-window probes unanswered");
		return;
	}
	if (xtcp_orphan_oom(sk))
		return;
	/* Before the handshake completes there is no window to probe. */
	if (!((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))) {
		xtcp_send_probe(sk);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PERSISTPROBES);
	}
	xsk->probes_out++;
	if (xsk->retransmits < 32)
		xsk->retransmits++;
	/* Its own expiry: the push above found it pending. */
	__xtcp_probe_timer_arm(sk);
}

/* Forget every SACK mark of the write queue. */
static void xtcp_clear_sacked(struct sock *sk)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb)
		XTCP_SKB_CB(skb)->sacked &= ~XTCP_SKB_SACKED;
	xtcp_sk(sk)->sacked_out = 0;
}

/*
 * The retransmission timer: RFC 6298 5.4 to 5.6.  The oldest segment in
 * flight goes again, the timeout doubles, and congestion control enters
 * its loss state: everything in flight is presumed lost and is resent as
 * the window allows (xtcp_push()).  The limits are those of
 * xtcp_retries_limit() and TCP_USER_TIMEOUT.
 */
static void xtcp_rto_timeout(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct sk_buff *skb;

	if (!xsk->packets_out) {
		/* Nothing in flight: something unsent that could not go. */
		if (sk->sk_send_head)
			xtcp_probe_timeout(sk);
		return;
	}

	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RTOEXPIRED);
	/* As TCP's retrans_stamp: when the oldest first left. */
	if (!xsk->rtx_stamp_ns) {
		skb = skb_peek(&sk->sk_write_queue);
		xsk->rtx_stamp_ns = ktime_get_ns() -
			(u64)(xtcp_clock_us() - XTCP_SKB_CB(skb)->tx_us) *
			NSEC_PER_USEC;
	}
	/* TCP_USER_TIMEOUT, when set, takes the place of the retry limit. */
	if (xsk->user_timeout ? xtcp_user_timeout_expired(sk) :
	    xsk->retransmits >= xtcp_retries_limit(sk)) {
		xtcp_write_err(sk, xsk->user_timeout ? "TCP_USER_TIMEOUT" :
				   "retransmissions unanswered");
		return;
	}
	if (xtcp_orphan_oom(sk))
		return;

	/* retransmits: timeouts of SND.UNA since an ACK last moved it. */
	xtcp_cc_timeout(&xsk->cc, xsk->snd_nxt, xsk->packets_out,
			xsk->retransmits > 0);
	xsk->retransmits++;
	xsk->rto_ns = xtcp_rto_backoff(xsk->rto_ns, 1, xtcp_rto_max_ns(sk));

	/*
	 * Everything in flight is presumed lost but what the peer SACKed,
	 * unless the peer went back on its SACKs: the oldest segment would
	 * then be one it claimed to hold.  A receiver may drop what it
	 * SACKed (RFC 2018 section 8), so then forget them all.
	 */
	skb = skb_peek(&sk->sk_write_queue);
	if (skb && skb != sk->sk_send_head &&
	    (XTCP_SKB_CB(skb)->sacked & XTCP_SKB_SACKED)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SACKRENEGING);
		xtcp_clear_sacked(sk);
	}
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == sk->sk_send_head)
			break;
		XTCP_SKB_CB(skb)->sacked &= ~XTCP_SKB_RXT_OUT;
		xtcp_mark_lost(sk, skb);
	}

	skb = skb_peek(&sk->sk_write_queue);
	if (skb && skb != sk->sk_send_head)
		xtcp_retransmit_skb(sk, skb);
	xtcp_rtx_timer_arm(sk);
}

/* The retransmission timer expired; the socket lock is held, not owned. */
void xtcp_rtx_timeout(struct sock *sk)
{
	lockdep_assert(lockdep_sock_is_held(sk));

	if (sk->sk_state == TCP_LISTEN) {
		xtcp_synq_timeout(sk);
		return;
	}
	if (sk->sk_state == TCP_CLOSE)
		return;
	if (xtcp_sk(sk)->rtx_mode == XTCP_TIMER_PROBE)
		xtcp_probe_timeout(sk);
	else
		xtcp_rto_timeout(sk);
}

/*
 * Keepalive, RFC 9293 3.8.4 as TCP does it: after keepidle without a
 * segment from the peer, and while nothing of ours waits for an ACK (the
 * retransmission timer watches that), send a probe every keepintvl; after
 * keepcnt of them unanswered, or TCP_USER_TIMEOUT, reset the connection.
 */
static void xtcp_keepalive_timeout(struct sock *sk)
{
	u64 idle = (u64)xtcp_keepidle_s(sk) * NSEC_PER_SEC;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u64 elapsed, next;

	if (!sock_flag(sk, SOCK_KEEPOPEN))
		return;
	if (xsk->packets_out || sk->sk_send_head) {
		xtcp_keepalive_arm(sk);
		return;
	}

	elapsed = ktime_get_ns() - xsk->rcv_stamp_ns;
	if (elapsed < idle) {
		next = idle - elapsed;
	} else {
		if ((xsk->user_timeout && xsk->probes_out &&
		     elapsed >= (u64)xsk->user_timeout * NSEC_PER_MSEC) ||
		    (!xsk->user_timeout && xsk->probes_out >= xtcp_keepcnt(sk))) {
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONKEEPALIVE);
			xtcp_send_active_reset(sk, GFP_ATOMIC);
			xtcp_write_err(sk, "keepalive unanswered");
			return;
		}
		xtcp_send_probe(sk);
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_KEEPALIVEPROBES);
		xsk->probes_out++;
		next = (u64)xtcp_keepintvl_s(sk) * NSEC_PER_SEC;
	}
	xtcp_timer_arm(sk, &xsk->state_timer, next);
}

/*
 * Keepalive or FIN_WAIT_2 of an orphan ran out; the socket lock is held,
 * not owned.
 */
void xtcp_state_timeout(struct sock *sk)
{
	lockdep_assert(lockdep_sock_is_held(sk));

	switch (sk->sk_state) {
	case TCP_FIN_WAIT2:
		if (!sock_flag(sk, SOCK_DEAD)) {
			xtcp_keepalive_timeout(sk);
			return;
		}
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONTIMEOUT);
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_done(sk);
		break;
	default:
		if (xtcp_keepalive_owns_timer(sk))
			xtcp_keepalive_timeout(sk);
	}
}

/* The delayed ACK is due; the socket lock is held, not owned. */
static void xtcp_delack_timeout(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	lockdep_assert(lockdep_sock_is_held(sk));

	if (!xsk->ack_pending ||
	    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT)))
		return;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_DELAYEDACKS);
	xtcp_send_ack(sk);
}

static enum hrtimer_restart xtcp_timer_fire(struct sock *sk, int bit,
					    void (*handler)(struct sock *sk))
{
	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		/* Our reference passes to xtcp_release_cb(). */
		if (test_and_set_bit(bit, &xtcp_sk(sk)->deferred))
			__sock_put(sk);
		bh_unlock_sock(sk);
		return HRTIMER_NORESTART;
	}
	handler(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xtcp_rtx_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xsk = container_of(t, struct xtcp_sock, rtx_timer);

	return xtcp_timer_fire((struct sock *)xsk, XTCP_RTX_DEFERRED,
			       xtcp_rtx_timeout);
}

static enum hrtimer_restart xtcp_state_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xsk = container_of(t, struct xtcp_sock,
					     state_timer);

	return xtcp_timer_fire((struct sock *)xsk, XTCP_STATE_DEFERRED,
			       xtcp_state_timeout);
}

static enum hrtimer_restart xtcp_delack_timer_fn(struct hrtimer *t)
{
	struct xtcp_sock *xsk = container_of(t, struct xtcp_sock,
					     delack_timer);

	return xtcp_timer_fire((struct sock *)xsk, XTCP_DELACK_DEFERRED,
			       xtcp_delack_timeout);
}

/**
 * xtcp_release_cb - run timer work deferred while the user held the socket
 * @sk: the socket, owned by the caller (release_sock())
 */
void xtcp_release_cb(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	sock_owned_by_me(sk);
	if (!READ_ONCE(xsk->deferred))
		return;
	/*
	 * An expiry is stale when its timer was armed again since it fired
	 * (the backlog just run, or the owner, moved the deadline): the new
	 * expiry is the one to act on, not this one.
	 */
	if (test_and_clear_bit(XTCP_RTX_DEFERRED, &xsk->deferred)) {
		if (!hrtimer_is_queued(&xsk->rtx_timer))
			xtcp_rtx_timeout(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_STATE_DEFERRED, &xsk->deferred)) {
		if (!hrtimer_is_queued(&xsk->state_timer))
			xtcp_state_timeout(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_DELACK_DEFERRED, &xsk->deferred)) {
		if (!hrtimer_is_queued(&xsk->delack_timer))
			xtcp_delack_timeout(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_MTU_DEFERRED, &xsk->deferred)) {
		xtcp_mtu_reduced(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_ICMP_DEFERRED, &xsk->deferred)) {
		xtcp_icmp_abort(sk);
		__sock_put(sk);
	}
}

void xtcp_init_timers(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	hrtimer_init(&xsk->rtx_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_SOFT);
	xsk->rtx_timer.function = xtcp_rtx_timer_fn;
	hrtimer_init(&xsk->state_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_SOFT);
	xsk->state_timer.function = xtcp_state_timer_fn;
	hrtimer_init(&xsk->delack_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_SOFT);
	xsk->delack_timer.function = xtcp_delack_timer_fn;
	xsk->deferred = 0;
	xsk->rto_ns = XTCP_RTO_INIT_NS;
}

/**
 * xtcp_timer_pending - which of a socket's timers /proc and sock_diag show
 * @sk: the socket, referenced; its lock need not be held
 * @left_ns: set to the time left before it expires, never below 0
 *
 * The codes are TCP's, as /proc/net/tcp and inet_diag give them: 1 the
 * retransmission timer, 4 the zero-window probe (the same hrtimer in
 * probe mode), 2 keepalive or an orphan's FIN_WAIT2.  A snapshot without
 * the lock: a timer armed or cancelled meanwhile may be missed.
 *
 * Return: the code, or 0 (and @left_ns 0) when neither timer is queued.
 */
int xtcp_timer_pending(struct sock *sk, s64 *left_ns)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct hrtimer *t;
	int code;

	if (hrtimer_is_queued(&xsk->rtx_timer)) {
		code = READ_ONCE(xsk->rtx_mode) == XTCP_TIMER_PROBE ? 4 : 1;
		t = &xsk->rtx_timer;
	} else if (hrtimer_is_queued(&xsk->state_timer)) {
		code = 2;
		t = &xsk->state_timer;
	} else {
		*left_ns = 0;
		return 0;
	}
	*left_ns = max_t(s64, ktime_to_ns(hrtimer_get_remaining(t)), 0);
	return code;
}
EXPORT_SYMBOL_GPL(xtcp_timer_pending);
