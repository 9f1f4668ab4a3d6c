// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP timers: two hrtimers per socket, in soft mode (they expire in the
 * HRTIMER_SOFTIRQ, never in hard interrupt context).
 *
 *  rtx_timer   - retransmission of the oldest unacknowledged segment (SYN,
 *                SYN-ACK, data or FIN), with exponential backoff;
 *  state_timer - the end of FIN_WAIT_2 for an orphan, and of TIME_WAIT.
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
#include <net/xtcp.h>

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

void xtcp_rtx_timer_arm(struct sock *sk)
{
	xtcp_timer_arm(sk, &xtcp_sk(sk)->rtx_timer, xtcp_sk(sk)->rto_ns);
}

void xtcp_rtx_timer_stop(struct sock *sk)
{
	xtcp_timer_stop(sk, &xtcp_sk(sk)->rtx_timer);
}

void xtcp_state_timer_arm(struct sock *sk, unsigned long len)
{
	xtcp_timer_arm(sk, &xtcp_sk(sk)->state_timer,
		       (u64)jiffies_to_nsecs(len));
}

void xtcp_state_timer_stop(struct sock *sk)
{
	xtcp_timer_stop(sk, &xtcp_sk(sk)->state_timer);
}

void xtcp_stop_timers(struct sock *sk)
{
	xtcp_rtx_timer_stop(sk);
	xtcp_state_timer_stop(sk);
}

/*
 * The retransmission limit of the socket's state: syn_retries for an
 * active open, synack_retries for a passive one, orphan_retries for an
 * orphan (0 meaning 8, as TCP has it), retries2 otherwise.
 */
static int xtcp_retries_limit(const struct sock *sk)
{
	const struct xtcp_sysctl *ctl = xtcp_sysctl(sk);
	int n;

	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		return READ_ONCE(ctl->syn_retries);
	case TCP_SYN_RECV:
		if (xtcp_sk(sk)->passive)
			return READ_ONCE(ctl->synack_retries);
		return READ_ONCE(ctl->syn_retries);
	default:
		if (sock_flag(sk, SOCK_DEAD)) {
			n = READ_ONCE(ctl->orphan_retries);
			return n ? n : 8;
		}
		return READ_ONCE(ctl->retries2);
	}
}

/* Retransmission timeout; the socket lock is held and not owned. */
void xtcp_rtx_timeout(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	if (xsk->snd_una == xsk->snd_nxt) {
		/*
		 * Nothing in flight but something unsent: a closed window,
		 * or no route.  Try again, backing off and counting as a
		 * retransmission does, until an ACK opens the window or the
		 * limit is reached (zero-window probes come with the next
		 * issue).
		 */
		if (!sk->sk_send_head)
			return;
		xtcp_push(sk);
		if (!sk->sk_send_head || xsk->snd_una != xsk->snd_nxt)
			return;
	}

	if (xsk->retransmits >= xtcp_retries_limit(sk)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_TIMEOUTS);
		WRITE_ONCE(sk->sk_err, sk->sk_err_soft ? : ETIMEDOUT);
		sk_error_report(sk);
		xtcp_done(sk);
		return;
	}

	if (xsk->snd_una == xsk->snd_nxt) {
		xsk->retransmits++;
		xsk->rto_ns = min(xsk->rto_ns * 2, XTCP_RTO_MAX_NS);
		xtcp_rtx_timer_arm(sk);
		return;
	}

	xsk->retransmits++;
	xsk->rto_ns = min(xsk->rto_ns * 2, XTCP_RTO_MAX_NS);
	xtcp_retransmit_head(sk);
	xtcp_rtx_timer_arm(sk);
}

/* FIN_WAIT_2 or TIME_WAIT ran out; the socket lock is held, not owned. */
void xtcp_state_timeout(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_FIN_WAIT2:
		if (!sock_flag(sk, SOCK_DEAD))
			return;
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONTIMEOUT);
		xtcp_send_active_reset(sk, GFP_ATOMIC);
		xtcp_done(sk);
		break;
	case TCP_TIME_WAIT:
		xtcp_done(sk);
		break;
	}
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
	if (test_and_clear_bit(XTCP_RTX_DEFERRED, &xsk->deferred)) {
		xtcp_rtx_timeout(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(XTCP_STATE_DEFERRED, &xsk->deferred)) {
		xtcp_state_timeout(sk);
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
	xsk->deferred = 0;
	xsk->rto_ns = XTCP_RTO_INIT_NS;
}
