// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP TIME_WAIT: the 2 MSL an actively closed connection waits, kept in
 * a mini-socket of its own (struct xtcp_tw, under 96 bytes) instead of the
 * connection's socket, which is freed at once.
 *
 * An entry holds what RFC 9293 3.10.7.4 and RFC 7323 need to answer the
 * old connection's segments: the 4-tuple, SND.NXT and RCV.NXT, the window
 * of our ACKs, TS.Recent and our TSval clock's offset.  It sits in the
 * connection table's bucket of its 4-tuple, on a chain of its own
 * (tw_chain), so the lookup that found the socket finds the entry, and in
 * its namespace's expiry list.
 *
 * Expiry: every entry of a namespace waits the same net.xtcp.tw_timeout
 * from its stamp (entering TIME_WAIT, or a segment that restarted it), so
 * appending keeps the list in expiry order and one hrtimer per namespace,
 * armed for the head, serves them all.  The timer expires in the
 * HRTIMER_SOFTIRQ and frees at most XTCP_TW_BUDGET entries a run; when
 * more are due it is armed again at once, so other softirq work runs
 * between the batches of a mass expiry.
 *
 * Locking and lifetime: entries hold no reference and are never seen
 * without a lock.  The bucket lock of the connection table protects
 * tw_chain and an entry's fields; the namespace's twq lock, which nests
 * inside bucket locks (and inside bhash locks, for bind()'s port check),
 * protects the expiry list, ->listed and the timer's arming.  Who frees
 * an entry is decided once, under the twq lock, by who takes it off the
 * list: the reaper unlists a batch under the twq lock, then unhashes each
 * entry under its bucket lock and frees it; a new SYN (RFC 6191) or
 * connect() (tw_reuse) unhashes it and, still under the bucket lock,
 * unlists it unless the reaper has (xtcp_tw_claim()).  If the reaper had,
 * the entry is the reaper's to free and the SYN or connect() never
 * touches it again; otherwise theirs, once the bucket lock is dropped.
 *
 * Namespace exit and module unload: entries hold no module or namespace
 * reference; xtcp_tw_exit_net() stops the timer and frees every entry of
 * the namespace, silently, after the namespace's devices are gone (no
 * segment can reach an entry) and after its sysctls (no tw_timeout write
 * can arm the timer).  rmmod therefore succeeds while entries exist and
 * ends their TIME_WAIT early, as if it had run out.
 */

#include <linux/slab.h>
#include <kunit/visibility.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"
#include <trace/events/xtcp.h>

#define XTCP_TW_BUDGET		128		/* entries a timer run frees */
#define XTCP_TW_PURGE_BATCH	1024

static struct kmem_cache *xtcp_tw_cache __read_mostly;

static struct xtcp_twq *xtcp_twq(const struct net *net)
{
	return &xtcp_pernet(net)->twq;
}

/* net.xtcp.tw_timeout, in nanoseconds. */
u64 xtcp_tw_len_ns(const struct net *net)
{
	unsigned long j = READ_ONCE(xtcp_pernet(net)->sysctl.tw_timeout);

	return (u64)jiffies_to_msecs(j) * NSEC_PER_MSEC;
}

/*
 * RFC 7323 5.3 R1 on an entry: a TSval older than TS.Recent is an old
 * duplicate.  Resets are not subject to it; TS.Recent is younger than
 * 24 days here (set at most one TIME_WAIT ago, or checked on entry).
 */
static bool xtcp_tw_paws_reject(const struct xtcp_tw *tw,
				const struct xtcp_skb_cb *cb,
				const struct xtcp_opts *opts)
{
	return tw->tstamp_ok && opts->has_tstamp &&
	       !(cb->flags & XTCP_FLAG_RST) &&
	       (s32)(opts->tsval - tw->ts_recent) < 0;
}

/**
 * xtcp_tw_judge - what a segment does to a TIME_WAIT entry
 * @tw: the entry
 * @cb: the segment's sequence numbers and flags
 * @opts: its options
 *
 * RFC 9293 3.10.7.4 in TIME_WAIT, RFC 1337 and RFC 6191, as TCP's
 * tcp_timewait_state_process() applies them:
 *  - at RCV.NXT, a bare ACK restarts the wait and may carry a newer
 *    TS.Recent; a reset is ignored (RFC 1337: no TIME_WAIT assassination);
 *  - a SYN without ACK beyond RCV.NXT, or with a TSval newer than
 *    TS.Recent, and not an old duplicate, may open a new connection;
 *  - everything else but a reset is acknowledged, and the wait restarts
 *    when the segment carries an ACK (a retransmitted FIN does) or is an
 *    old duplicate by PAWS.
 *
 * Return: XTCP_TWV_* bits.
 */
unsigned int xtcp_tw_judge(const struct xtcp_tw *tw,
			   const struct xtcp_skb_cb *cb,
			   const struct xtcp_opts *opts)
{
	bool paws = xtcp_tw_paws_reject(tw, cb, opts);
	u8 fl = cb->flags;

	if (!paws && cb->seq == tw->rcv_nxt &&
	    (cb->seq == cb->end_seq || (fl & XTCP_FLAG_RST))) {
		if (fl & XTCP_FLAG_RST)
			return 0;
		return XTCP_TWV_RESTART |
		       (tw->tstamp_ok && opts->has_tstamp ? XTCP_TWV_TS : 0);
	}

	if ((fl & (XTCP_FLAG_SYN | XTCP_FLAG_RST | XTCP_FLAG_ACK)) ==
	    XTCP_FLAG_SYN && !paws &&
	    (xtcp_seq_after(cb->seq, tw->rcv_nxt) ||
	     (tw->tstamp_ok && opts->has_tstamp &&
	      (s32)(tw->ts_recent - opts->tsval) < 0)))
		return XTCP_TWV_SYN;

	if (fl & XTCP_FLAG_RST)
		return 0;
	return XTCP_TWV_ACK | (paws ? XTCP_TWV_PAWS : 0) |
	       (paws || (fl & XTCP_FLAG_ACK) ? XTCP_TWV_RESTART : 0);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_judge);

/**
 * xtcp_tw_reusable - may connect() take over an entry's 4-tuple?
 * @tw: the entry
 * @reuse: net.xtcp.tw_reuse: 0 never, 1 always, 2 over loopback only
 * @loopback: the connection's addresses are loopback ones
 * @bound: the user bound the local port (connect() did not choose it)
 * @now_s: xtcp_seconds()
 *
 * TCP's tcp_twsk_unique(): only when the old connection used timestamps,
 * so that PAWS keeps its old duplicates out of the new one (our TSval
 * clock carries on; the peer's has moved on a second at least).  A port
 * the user bound is taken without waiting for tw_reuse, as TCP does.
 */
bool xtcp_tw_reusable(const struct xtcp_tw *tw, int reuse, bool loopback,
		      bool bound, u32 now_s)
{
	if (reuse == 2 && !loopback)
		reuse = 0;
	if (!tw->tstamp_ok || !tw->ts_recent_stamp)
		return false;
	return bound || (reuse && (s32)(now_s - tw->ts_recent_stamp) > 0);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_reusable);

/* The expiry list.  The caller holds q->lock. */
VISIBLE_IF_KUNIT void __xtcp_twq_add(struct xtcp_twq *q, struct xtcp_tw *tw,
				     u64 now)
{
	lockdep_assert_held(&q->lock);

	tw->stamp = now;
	list_add_tail(&tw->lnode, &q->list);
	tw->listed = 1;
	q->count++;
}
EXPORT_SYMBOL_IF_KUNIT(__xtcp_twq_add);

VISIBLE_IF_KUNIT void __xtcp_twq_restart(struct xtcp_twq *q,
					 struct xtcp_tw *tw, u64 now)
{
	lockdep_assert_held(&q->lock);

	if (!tw->listed)
		return;
	tw->stamp = now;
	list_move_tail(&tw->lnode, &q->list);
}
EXPORT_SYMBOL_IF_KUNIT(__xtcp_twq_restart);

/* Take an entry off the list; the caller holds q->lock. */
VISIBLE_IF_KUNIT void xtcp_tw_unlist(struct xtcp_twq *q, struct xtcp_tw *tw)
{
	lockdep_assert_held(&q->lock);

	list_del(&tw->lnode);
	tw->listed = 0;
	q->count--;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_unlist);

/* The head's expiry, if there is a head.  The caller holds q->lock. */
VISIBLE_IF_KUNIT bool __xtcp_twq_next(struct xtcp_twq *q, u64 len_ns,
				      u64 *expires)
{
	struct xtcp_tw *tw = list_first_entry_or_null(&q->list,
						      struct xtcp_tw, lnode);

	lockdep_assert_held(&q->lock);

	if (!tw)
		return false;
	*expires = tw->stamp + len_ns;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(__xtcp_twq_next);

/*
 * Arm the timer for the head, not before @floor; the caller holds
 * q->lock.
 */
static void xtcp_twq_arm(struct xtcp_twq *q, u64 len_ns, u64 floor)
{
	u64 due;

	lockdep_assert_held(&q->lock);

	if (__xtcp_twq_next(q, len_ns, &due))
		hrtimer_start(&q->timer, ns_to_ktime(max(due, floor)),
			      HRTIMER_MODE_ABS_SOFT);
}

void xtcp_tw_free(struct xtcp_tw *tw)
{
	if (tw->bound)
		xtcp_tw_port_put(read_pnet(&tw->net), ntohs(tw->lport),
				 tw->reuse);
	kmem_cache_free(xtcp_tw_cache, tw);
}

/*
 * Take an entry the reaper unlisted out of the connection table, unless
 * a SYN or connect() did already.  Returns true if it was still there.
 */
static bool xtcp_tw_unhash(struct xtcp_tw *tw)
{
	struct xtcp_hbucket *b;
	bool hashed;

	b = xtcp_ehash_bucket(read_pnet(&tw->net), tw->laddr,
			      ntohs(tw->lport), tw->raddr, tw->rport);
	spin_lock_bh(&b->lock);
	hashed = !hlist_unhashed(&tw->node);
	if (hashed)
		hlist_del_init(&tw->node);
	spin_unlock_bh(&b->lock);
	return hashed;
}

/*
 * Free up to @budget entries whose wait ended by @now (all of them with
 * @now U64_MAX).  Returns how many were freed.
 */
VISIBLE_IF_KUNIT unsigned int __xtcp_twq_reap(struct xtcp_twq *q, u64 now,
					      u64 len_ns,
					      unsigned int budget)
{
	unsigned int n = 0, ended = 0;
	struct xtcp_tw *tw, *tmp;
	LIST_HEAD(batch);

	spin_lock_bh(&q->lock);
	while (n < budget) {
		tw = list_first_entry_or_null(&q->list, struct xtcp_tw,
					      lnode);
		if (!tw || (now != U64_MAX && tw->stamp + len_ns > now))
			break;
		xtcp_tw_unlist(q, tw);
		list_add_tail(&tw->lnode, &batch);
		n++;
	}
	spin_unlock_bh(&q->lock);

	list_for_each_entry_safe(tw, tmp, &batch, lnode) {
		if (xtcp_tw_unhash(tw)) {
			ended++;
			if (now != U64_MAX)
				trace_xtcp_tw_reaped(tw);
		}
		xtcp_tw_free(tw);
	}
	if (q->net && n) {
		XTCP_ADD_STATS(q->net, XTCP_MIB_TIMEWAITCURR, -(long)n);
		if (now != U64_MAX)
			XTCP_ADD_STATS(q->net, XTCP_MIB_TWEXPIRED, ended);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(__xtcp_twq_reap);

static enum hrtimer_restart xtcp_twq_timer_fn(struct hrtimer *t)
{
	struct xtcp_twq *q = container_of(t, struct xtcp_twq, timer);
	u64 len = xtcp_tw_len_ns(q->net);

	__xtcp_twq_reap(q, ktime_get_ns(), len, XTCP_TW_BUDGET);
	/*
	 * Armed again for the new head.  If it is due already, a little
	 * after this run's clock: then the hrtimer softirq returns before it
	 * expires, and other softirqs run between the batches.
	 */
	spin_lock(&q->lock);
	xtcp_twq_arm(q, len, ktime_get_ns() + NSEC_PER_USEC);
	spin_unlock(&q->lock);
	return HRTIMER_NORESTART;
}

VISIBLE_IF_KUNIT void __xtcp_twq_init(struct xtcp_twq *q, struct net *net)
{
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->list);
	q->count = 0;
	q->net = net;
	hrtimer_init(&q->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	q->timer.function = xtcp_twq_timer_fn;
}
EXPORT_SYMBOL_IF_KUNIT(__xtcp_twq_init);

/* net.xtcp.tw_timeout changed: the head's expiry with it. */
void xtcp_tw_timeout_changed(struct xtcp_net *xn)
{
	struct xtcp_twq *q = &xn->twq;

	spin_lock_bh(&q->lock);
	xtcp_twq_arm(q, xtcp_tw_len_ns(q->net), 0);
	spin_unlock_bh(&q->lock);
}

/* The window field of the ACKs the entry will send, as the socket's. */
static u16 xtcp_tw_window(const struct xtcp_sock *xsk)
{
	return min_t(u32, xtcp_receive_window(xsk) >> xsk->rcv_wscale,
		     XTCP_MAX_WINDOW);
}

/**
 * xtcp_time_wait - a connection enters TIME_WAIT
 * @sk: its socket, locked
 *
 * The socket gives its place in the connection table to an entry and is
 * done (xtcp_done()): an orphan is freed, a socket the user still holds
 * is left in TCP_CLOSE.  Without room (net.xtcp.max_tw_buckets) or memory
 * the connection closes without TIME_WAIT, and XtcpTimeWaitOverflow says
 * so.
 */
void xtcp_time_wait(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_net *xn = xtcp_pernet(net);
	struct xtcp_twq *q = &xn->twq;
	struct xtcp_tw *tw = NULL;
	struct xtcp_hbucket *b;
	bool first;

	lockdep_assert(lockdep_sock_is_held(sk));

	if (READ_ONCE(q->count) < (u32)READ_ONCE(xn->sysctl.max_tw_buckets))
		tw = kmem_cache_alloc(xtcp_tw_cache,
				      GFP_ATOMIC | __GFP_NOWARN);
	if (!tw) {
		XTCP_INC_STATS(net, XTCP_MIB_TIMEWAITOVERFLOW);
		xtcp_done(sk);
		return;
	}

	INIT_HLIST_NODE(&tw->node);
	write_pnet(&tw->net, net);
	tw->laddr = inet->inet_rcv_saddr;
	tw->raddr = inet->inet_daddr;
	tw->lport = inet->inet_sport;
	tw->rport = inet->inet_dport;
	tw->snd_nxt = xsk->snd_nxt;
	tw->rcv_nxt = xsk->rcv_nxt;
	tw->window = xtcp_tw_window(xsk);
	tw->ts_offset = xsk->ts_offset;
	tw->ts_recent = xsk->ts_recent;
	tw->ts_recent_stamp = xsk->ts_recent_stamp;
	/* A TS.Recent idle for 24 days no longer guards anything (5.5). */
	tw->tstamp_ok = xsk->tstamp_ok && xsk->ts_recent_stamp &&
			xtcp_seconds() - xsk->ts_recent_stamp <
			XTCP_PAWS_IDLE_S;
	tw->bound = !xsk->connect_port;
	tw->reuse = sk->sk_reuse != SK_NO_REUSE;
	tw->oow_stamp = 0;
	tw->listed = 0;

	/* Before the socket gives its port back: no gap for bind(). */
	if (tw->bound)
		xtcp_tw_port_hold(net, inet->inet_num, tw->reuse);

	b = xtcp_ehash_bucket(net, tw->laddr, inet->inet_num, tw->raddr,
			      tw->rport);
	spin_lock_bh(&b->lock);
	spin_lock(&q->lock);
	first = list_empty(&q->list);
	__xtcp_twq_add(q, tw, ktime_get_ns());
	if (first)
		xtcp_twq_arm(q, xtcp_tw_len_ns(net), 0);
	spin_unlock(&q->lock);
	/* In one step: a lookup finds the socket or the entry. */
	hlist_add_head(&tw->node, &b->tw_chain);
	sk_del_node_init(sk);
	spin_unlock_bh(&b->lock);

	XTCP_INC_STATS(net, XTCP_MIB_TIMEWAITCURR);
	XTCP_INC_STATS(net, XTCP_MIB_TW);
	xsk->timewait = 1;
	xtcp_state_store(sk, TCP_TIME_WAIT);
	xtcp_done(sk);
}

/**
 * xtcp_tw_process - a segment for a TIME_WAIT entry
 * @net: the namespace
 * @tw: the entry, its bucket locked
 * @skb: the segment, its control block filled in
 * @opts: its options
 * @reply: the ACK to send, when the result has XTCP_TWV_ACK
 *
 * Return: XTCP_TWV_* bits.  With XTCP_TWV_SYN the caller looks for a
 * listener: if one takes the SYN, the caller ends the entry
 * (xtcp_tw_claim(), xtcp_tw_release()); if none does, the entry stays and
 * @reply is its answer when XTCP_TWV_ACK is set too.
 */
unsigned int xtcp_tw_process(struct net *net, struct xtcp_tw *tw,
			     const struct sk_buff *skb,
			     const struct xtcp_opts *opts,
			     struct xtcp_tw_reply *reply)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_twq *q = xtcp_twq(net);
	u32 now_s = xtcp_seconds();
	unsigned int v;

	v = xtcp_tw_judge(tw, cb, opts);
	/*
	 * A SYN that may open a new connection ends the entry only if a
	 * listener takes it; else the entry answers it with its ACK, as
	 * TCP answers a TCP_TW_SYN no listener took with its TCP_TW_ACK.
	 */
	if (v & XTCP_TWV_SYN)
		v |= XTCP_TWV_ACK;
	if (v & XTCP_TWV_PAWS)
		XTCP_INC_STATS(net, XTCP_MIB_PAWSTIMEWAIT);
	if (v & XTCP_TWV_TS) {
		tw->ts_recent = opts->tsval;
		tw->ts_recent_stamp = now_s;
	}
	if (v & XTCP_TWV_RESTART) {
		spin_lock(&q->lock);
		__xtcp_twq_restart(q, tw, ktime_get_ns());
		spin_unlock(&q->lock);
	}
	if (!(v & XTCP_TWV_ACK))
		return v;
	/*
	 * Segments that take no sequence space (and SYNs) may be part of an
	 * ACK loop with a confused peer: answer those once per
	 * invalid_ratelimit at most.  A FIN is always answered.
	 */
	if (xtcp_oow_rate_limited(net, skb, &tw->oow_stamp))
		return v & ~XTCP_TWV_ACK;
	reply->seq = tw->snd_nxt;
	reply->ack = tw->rcv_nxt;
	reply->window = tw->window;
	reply->has_ts = tw->tstamp_ok;
	reply->tsval = xtcp_ts_clock() + tw->ts_offset;
	reply->tsecr = tw->ts_recent;
	return v;
}

/**
 * xtcp_tw_claim - take an entry out for a SYN or connect()
 * @net: the namespace
 * @tw: the entry, its bucket locked
 *
 * Unhashes the entry and, unless the reaper has already taken it off the
 * list (and will free it), unlists it.
 *
 * Return: @tw if the caller now owns it (to end with xtcp_tw_release()
 * once the bucket lock is dropped), NULL if the reaper does.
 */
struct xtcp_tw *xtcp_tw_claim(struct net *net, struct xtcp_tw *tw)
{
	struct xtcp_twq *q = xtcp_twq(net);
	bool mine;

	hlist_del_init(&tw->node);
	spin_lock(&q->lock);
	mine = tw->listed;
	if (mine)
		xtcp_tw_unlist(q, tw);
	spin_unlock(&q->lock);
	return mine ? tw : NULL;
}

/* Free an entry xtcp_tw_claim() gave its caller; NULL: the reaper's. */
static void xtcp_tw_end(struct net *net, struct xtcp_tw *tw)
{
	if (!tw)
		return;
	XTCP_DEC_STATS(net, XTCP_MIB_TIMEWAITCURR);
	xtcp_tw_free(tw);
}

/**
 * xtcp_tw_kill - end the entry of a 4-tuple now (sock_diag's SOCK_DESTROY)
 * @net: the namespace
 * @laddr: our address
 * @lport: our port
 * @raddr: the peer's address
 * @rport: the peer's port
 *
 * As tcp_abort() ends a TIME_WAIT socket: at once, without a segment.
 *
 * Return: 0, or -ENOENT when no entry has the 4-tuple.
 */
int xtcp_tw_kill(struct net *net, __be32 laddr, __be16 lport, __be32 raddr,
		 __be16 rport)
{
	struct xtcp_tw *tw, *ended = NULL;
	struct xtcp_hbucket *b;

	b = xtcp_ehash_bucket(net, laddr, ntohs(lport), raddr, rport);
	spin_lock_bh(&b->lock);
	tw = xtcp_tw_find(b, net, raddr, rport, laddr, ntohs(lport));
	if (tw)
		ended = xtcp_tw_claim(net, tw);
	spin_unlock_bh(&b->lock);
	if (!tw)
		return -ENOENT;
	xtcp_tw_end(net, ended);
	return 0;
}
EXPORT_SYMBOL_GPL(xtcp_tw_kill);

/**
 * xtcp_tw_release - end an entry a SYN or connect() took
 * @net: the namespace
 * @tw: what xtcp_tw_claim() returned; no lock held
 * @field: the counter of why: XTCP_MIB_TWREOPENED or XTCP_MIB_TWRECYCLED
 */
void xtcp_tw_release(struct net *net, struct xtcp_tw *tw,
		     enum xtcp_mib_field field)
{
	XTCP_INC_STATS(net, field);
	xtcp_tw_end(net, tw);
}

/**
 * xtcp_tw_take - connect() meets an entry holding its 4-tuple
 * @sk: the connecting socket
 * @tw: the entry, its bucket locked
 * @bound: the user bound @sk's port
 * @inh: where to say what the new connection inherits; NULL: never take
 *
 * Return: true if @sk may have the 4-tuple; the entry is then claimed
 * (xtcp_tw_claim()) and the caller ends it with xtcp_tw_release() once
 * unlocked.
 */
bool xtcp_tw_take(struct sock *sk, struct xtcp_tw *tw, bool bound,
		  struct xtcp_tw_inherit *inh)
{
	bool lo = ipv4_is_loopback(tw->laddr) || ipv4_is_loopback(tw->raddr);
	int reuse = READ_ONCE(xtcp_sysctl(sk)->timewait_reuse);

	if (!inh || inh->taken ||
	    !xtcp_tw_reusable(tw, reuse, lo, bound, xtcp_seconds()))
		return false;
	inh->taken = true;
	/* Beyond anything the old connection could have sent. */
	inh->iss = tw->snd_nxt + XTCP_MAX_WINDOW + 2;
	if (!inh->iss)
		inh->iss = 1;
	inh->ts_offset = tw->ts_offset;
	inh->ts_recent = tw->ts_recent;
	inh->ts_recent_stamp = tw->ts_recent_stamp;
	inh->tw = xtcp_tw_claim(sock_net(sk), tw);
	return true;
}

/**
 * xtcp_tw_port_conflict - does a TIME_WAIT entry keep bind() off a port?
 * @sk: the socket binding, its local address set
 * @port: the port
 *
 * As with a socket holding the port: an entry of a connection whose port
 * was bound (not chosen by connect()) conflicts where the addresses
 * overlap, unless both set SO_REUSEADDR.  The caller holds the port's
 * bhash bucket lock and has seen a bound entry counted in it.
 */
bool xtcp_tw_port_conflict(const struct sock *sk, u16 port)
{
	struct xtcp_twq *q = xtcp_twq(sock_net(sk));
	__be32 addr = inet_sk(sk)->inet_rcv_saddr;
	bool reuse = sk->sk_reuse != SK_NO_REUSE;
	bool conflict = false;
	struct xtcp_tw *tw;

	spin_lock(&q->lock);
	list_for_each_entry(tw, &q->list, lnode) {
		if (tw->bound && ntohs(tw->lport) == port &&
		    (!addr || addr == tw->laddr) && !(reuse && tw->reuse)) {
			conflict = true;
			break;
		}
	}
	spin_unlock(&q->lock);
	return conflict;
}

static void xtcp_tw_view(const struct xtcp_tw *tw, u64 len_ns,
			 struct xtcp_tw_view *v)
{
	v->laddr = tw->laddr;
	v->raddr = tw->raddr;
	v->lport = tw->lport;
	v->rport = tw->rport;
	v->expires_ns = tw->stamp + len_ns;
	v->snd_nxt = tw->snd_nxt;
	v->rcv_nxt = tw->rcv_nxt;
	v->ts_recent = tw->ts_recent;
	v->tstamp_ok = tw->tstamp_ok;
}

/**
 * xtcp_tw_copy - the @n-th entry of a bucket's chain in a namespace
 * @net: the namespace
 * @b: a connection table bucket
 * @n: the index among the namespace's entries in it
 * @v: the copy
 *
 * Return: false past the last.
 */
bool xtcp_tw_copy(struct net *net, struct xtcp_hbucket *b, unsigned int n,
		  struct xtcp_tw_view *v)
{
	u64 len = xtcp_tw_len_ns(net);
	struct xtcp_tw *tw;
	bool found = false;

	spin_lock_bh(&b->lock);
	hlist_for_each_entry(tw, &b->tw_chain, node) {
		if (!net_eq(read_pnet(&tw->net), net) || n--)
			continue;
		xtcp_tw_view(tw, len, v);
		found = true;
		break;
	}
	spin_unlock_bh(&b->lock);
	return found;
}
EXPORT_SYMBOL_GPL(xtcp_tw_copy);

int xtcp_tw_init_net(struct net *net)
{
	__xtcp_twq_init(xtcp_twq(net), net);
	return 0;
}

/*
 * Free every entry of @net now.  Called when nothing else can touch them:
 * see the top of the file.
 */
VISIBLE_IF_KUNIT unsigned int xtcp_tw_purge(struct net *net)
{
	struct xtcp_twq *q = xtcp_twq(net);
	unsigned int n, total = 0;

	hrtimer_cancel(&q->timer);
	do {
		n = __xtcp_twq_reap(q, U64_MAX, 0, XTCP_TW_PURGE_BATCH);
		total += n;
		cond_resched();
	} while (n);
	return total;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_purge);

void xtcp_tw_exit_net(struct net *net)
{
	xtcp_tw_purge(net);
}

int __init xtcp_tw_cache_init(void)
{
	/* Unmerged: /proc/slabinfo shows what the entries cost. */
	xtcp_tw_cache = kmem_cache_create("xtcp_tw", sizeof(struct xtcp_tw),
					  0, SLAB_NO_MERGE | SLAB_ACCOUNT,
					  NULL);
	return xtcp_tw_cache ? 0 : -ENOMEM;
}

void xtcp_tw_cache_exit(void)
{
	kmem_cache_destroy(xtcp_tw_cache);
}

#if IS_ENABLED(CONFIG_KUNIT)
struct xtcp_tw *xtcp_tw_alloc(void)
{
	struct xtcp_tw *tw = kmem_cache_zalloc(xtcp_tw_cache, GFP_KERNEL);

	if (tw) {
		INIT_HLIST_NODE(&tw->node);
		write_pnet(&tw->net, &init_net);
	}
	return tw;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_alloc);

bool xtcp_tw_peek(struct net *net, __be32 laddr, __be16 lport,
		  __be32 raddr, __be16 rport, struct xtcp_tw_view *v)
{
	struct xtcp_hbucket *b;
	struct xtcp_tw *tw;

	b = xtcp_ehash_bucket(net, laddr, ntohs(lport), raddr, rport);
	spin_lock_bh(&b->lock);
	tw = xtcp_tw_find(b, net, raddr, rport, laddr, ntohs(lport));
	if (tw)
		xtcp_tw_view(tw, xtcp_tw_len_ns(net), v);
	spin_unlock_bh(&b->lock);
	return !!tw;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_peek);

unsigned int xtcp_tw_size(void)
{
	return kmem_cache_size(xtcp_tw_cache);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_tw_size);
#endif
