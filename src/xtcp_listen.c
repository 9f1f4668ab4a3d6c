// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP listeners: the SYN queue of half-open request mini-sockets, their
 * SYN-ACKs and retransmission, and the birth of a connection when the
 * handshake's final ACK arrives.
 *
 * A SYN reaching a listener makes a struct xtcp_request, not a socket: the
 * numbers of the handshake and the options agreed, 88 bytes on x86-64 from a
 * slab cache of its own.  The listener's SYN queue finds it by the peer's
 * address and port (a hash keyed per listener) and keeps it on one of
 * XTCP_SYNQ_LEVELS lists by how often its SYN-ACK was sent again, each in
 * order of expiry: a request on list k waits min(1 s << k, rto_max), so
 * the lists' heads are the only candidates for the next expiry and the
 * listener's one retransmission hrtimer serves them all.  Only the final
 * ACK makes a socket, ESTABLISHED at once, in the accept queue.
 *
 * Bounds: at most min(backlog, net.xtcp.max_syn_backlog) requests.  A SYN
 * finding the queue full is answered with a SYN cookie (syncookies 1);
 * without cookies, the request whose SYN-ACK was sent again most often
 * gives way to it.  While the queue is over half full, a request whose
 * SYN-ACK already went unanswered once is dropped at its next expiry
 * instead of being tried again.  A SYN or final ACK meeting a full accept
 * queue is dropped; the peer's retransmission, or our SYN-ACK's, brings
 * it again.  A request whose final ACK was so dropped never gives way
 * early, at its expiry or to a SYN: its peer holds an open connection,
 * which would meet a reset (TCP's inet_rsk(req)->acked); it lives its
 * synack_retries.
 *
 * Locking: the SYN queue, its requests and their lists change only under
 * the listener's socket lock: bh_lock_sock() with the socket not owned
 * (segments in softirq, the timer), or owned (the backlog, listen(),
 * close(), the deferred timer).  Requests hold no references: closing the
 * listener frees them.  The queue's length is mirrored in the listener's
 * syn_qlen for lockless readers.
 */

#include <linux/hash.h>
#include <linux/ip.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"
#include <trace/events/xtcp.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#define XTCP_SYNQ_LEVELS	8	/* the last holds 7 retransmissions up */
#define XTCP_SYNQ_BUDGET	128	/* SYN-ACKs a timer run sends, at most */
#define XTCP_SYNQ_MIN_BUCKETS	16
#define XTCP_SYNQ_MAX_BUCKETS	65536

struct xtcp_request {
	struct hlist_node	hnode;		/* in the SYN queue's hash */
	struct list_head	lnode;		/* in its retransmission list */
	u64			expires;	/* next SYN-ACK, ktime_get_ns() */
	__be32			raddr;		/* the peer */
	__be32			laddr;		/* the address its SYN reached */
	__be16			rport;
	u16			mss;		/* the peer's MSS option; 0: none */
	u16			peer_wnd;	/* SEG.WND of its SYN */
	u16			rcv_wnd;	/* the window our SYN-ACK offers */
	u32			irs;
	u32			iss;
	u32			ts_recent;	/* the peer's TSval */
	u32			ts_offset;	/* added to our TSval clock */
	u32			sent_us;	/* first SYN-ACK, xtcp_clock_us() */
	u32			oow_stamp;	/* jiffies: last odd answer */
	u8			retrans;	/* SYN-ACKs sent again by the timer */
	u8			snd_wscale:4,	/* the peer's shift */
				rcv_wscale:4;	/* ours */
	u8			wscale_ok:1,
				tstamp_ok:1,
				sack_ok:1,
				resent:1,	/* no RTT from the final ACK */
				acked:1;	/* final ACK dropped: queue full,
						 * or deferred (TCP_DEFER_ACCEPT)
						 */
};

struct xtcp_synq {
	u32			qlen;
	u32			mask;		/* buckets - 1 */
	unsigned long		overflow;	/* jiffies of the last overflow */
	bool			overflowed;	/* ... if there was one */
	bool			synflood_warned; /* the log told of it */
	hsiphash_key_t		key;		/* of the bucket hash */
	struct list_head	levels[XTCP_SYNQ_LEVELS];
	struct hlist_head	buckets[];
};

static struct kmem_cache *xtcp_request_cache __read_mostly;

/* The most requests a listener keeps: min(backlog, max_syn_backlog). */
static u32 xtcp_synq_limit(const struct sock *sk)
{
	u32 lim = min_t(u32, READ_ONCE(sk->sk_max_ack_backlog),
			READ_ONCE(xtcp_sysctl(sk)->max_syn_backlog));

	return max(lim, 1U);
}

u32 xtcp_synq_len(const struct sock *sk)
{
	return READ_ONCE(xtcp_sk(sk)->syn_qlen);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_synq_len);

/*
 * Buckets for the backlog, the bound that only listen() changes (the
 * limit may grow with max_syn_backlog, and the table cannot follow).
 */
static u32 xtcp_synq_buckets(const struct sock *sk)
{
	u32 n = clamp_t(u32, READ_ONCE(sk->sk_max_ack_backlog),
			XTCP_SYNQ_MIN_BUCKETS, XTCP_SYNQ_MAX_BUCKETS);

	return roundup_pow_of_two(n);
}

static struct hlist_head *xtcp_synq_bucket(const struct xtcp_synq *q,
					   __be32 raddr, __be16 rport,
					   __be32 laddr)
{
	u32 h = hsiphash_3u32((__force u32)raddr, (__force u32)rport,
			      (__force u32)laddr, &q->key);

	return (struct hlist_head *)&q->buckets[h & q->mask];
}

static void xtcp_synq_set_len(struct sock *sk, struct xtcp_synq *q, u32 n)
{
	q->qlen = n;
	WRITE_ONCE(xtcp_sk(sk)->syn_qlen, n);
}

/**
 * xtcp_synq_alloc - give a listener a SYN queue sized for its backlog
 * @sk: the listener, owned by the caller
 *
 * Called by listen(), first and again: a new backlog may want more or
 * fewer buckets, and the requests move over.
 *
 * Return: 0 or -ENOMEM (the old queue, if any, stays).
 */
int xtcp_synq_alloc(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_synq *old = xsk->synq, *q;
	u32 n = xtcp_synq_buckets(sk), i;
	struct xtcp_request *req;

	sock_owned_by_me(sk);
	if (old && old->mask + 1 == n)
		return 0;
	q = kvzalloc(struct_size(q, buckets, n), GFP_KERNEL_ACCOUNT);
	if (!q)
		return old ? 0 : -ENOMEM;
	q->mask = n - 1;
	get_random_bytes(&q->key, sizeof(q->key));
	for (i = 0; i < XTCP_SYNQ_LEVELS; i++)
		INIT_LIST_HEAD(&q->levels[i]);
	if (old) {
		/* The lists keep their order; only the hash is new. */
		for (i = 0; i < XTCP_SYNQ_LEVELS; i++) {
			list_splice_init(&old->levels[i], &q->levels[i]);
			list_for_each_entry(req, &q->levels[i], lnode)
				hlist_add_head(&req->hnode,
					       xtcp_synq_bucket(q, req->raddr,
								req->rport,
								req->laddr));
		}
		q->qlen = old->qlen;
		q->overflow = old->overflow;
		q->overflowed = old->overflowed;
		q->synflood_warned = old->synflood_warned;
	}
	/* Owned: segments wait in the backlog, the timer defers. */
	xsk->synq = q;
	kvfree(old);
	return 0;
}

static void xtcp_req_free(struct sock *sk, struct xtcp_synq *q,
			  struct xtcp_request *req)
{
	hlist_del(&req->hnode);
	list_del(&req->lnode);
	xtcp_synq_set_len(sk, q, q->qlen - 1);
	kmem_cache_free(xtcp_request_cache, req);
}

/**
 * xtcp_synq_free - drop a closing listener's half-open requests
 * @sk: the listener, owned by the caller, no longer in TCP_LISTEN
 */
void xtcp_synq_free(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_synq *q = xsk->synq;
	struct xtcp_request *req, *tmp;
	int i;

	sock_owned_by_me(sk);
	if (!q)
		return;
	for (i = 0; i < XTCP_SYNQ_LEVELS; i++)
		list_for_each_entry_safe(req, tmp, &q->levels[i], lnode)
			xtcp_req_free(sk, q, req);
	xsk->synq = NULL;
	kvfree(q);
}

static struct xtcp_request *xtcp_req_lookup(const struct xtcp_synq *q,
					    __be32 raddr, __be16 rport,
					    __be32 laddr)
{
	struct xtcp_request *req;

	hlist_for_each_entry(req, xtcp_synq_bucket(q, raddr, rport, laddr),
			     hnode)
		if (req->raddr == raddr && req->rport == rport &&
		    req->laddr == laddr)
			return req;
	return NULL;
}

/* How long a request waits after its SYN-ACK was sent @n times again. */
static u64 xtcp_synack_timeout(const struct sock *sk, unsigned int n)
{
	u64 max = (u64)READ_ONCE(xtcp_sysctl(sk)->rto_max_ms) * NSEC_PER_MSEC;

	return min(XTCP_RTO_INIT_NS << min(n, XTCP_SYNQ_LEVELS - 1U), max);
}

/*
 * Move @req to list @level, which stays in expiry order.  All of a list
 * wait the same time, so the tail is the place, unless rto_max_ms was
 * lowered since the others were queued: then walk back to it, or a
 * request due sooner would wait behind them.
 */
static void xtcp_synq_requeue(struct xtcp_synq *q, struct xtcp_request *req,
			      int level)
{
	struct list_head *head = &q->levels[level], *pos;

	list_del(&req->lnode);
	for (pos = head->prev; pos != head; pos = pos->prev)
		if (list_entry(pos, struct xtcp_request, lnode)->expires <=
		    req->expires)
			break;
	list_add(&req->lnode, pos);
}

/* Arm the listener's timer for the earliest expiry, if it sleeps longer. */
static void xtcp_synq_rearm(struct sock *sk, struct xtcp_synq *q)
{
	struct hrtimer *t = &xtcp_sk(sk)->rtx_timer;
	struct xtcp_request *req;
	u64 due = U64_MAX, now;
	int i;

	for (i = 0; i < XTCP_SYNQ_LEVELS; i++) {
		req = list_first_entry_or_null(&q->levels[i],
					       struct xtcp_request, lnode);
		if (req && req->expires < due)
			due = req->expires;
	}
	if (due == U64_MAX)
		return;
	if (hrtimer_is_queued(t) && hrtimer_get_expires_ns(t) <= due)
		return;
	now = ktime_get_ns();
	xtcp_synq_timer_arm(sk, due > now ? due - now : 0);
}

static u16 xtcp_req_advmss(const struct sock *sk, const struct rtable *rt)
{
	u16 mss = xtcp_mss_for_mtu(sk, dst_mtu(&rt->dst));
	u16 user = READ_ONCE(xtcp_sk(sk)->user_mss);

	return user && user < mss ? user : mss;
}

static struct rtable *xtcp_req_route(struct sock *sk,
				     const struct xtcp_request *req,
				     struct flowi4 *fl4)
{
	return ip_route_output_ports(sock_net(sk), fl4, sk, req->raddr,
				     req->laddr, req->rport,
				     inet_sk(sk)->inet_sport, sk->sk_protocol,
				     ip_sock_rt_tos(sk), sk->sk_bound_dev_if);
}

/*
 * Hand a segment of the handshake, its route set, to IP through the
 * listener.  The function every such segment leaves through, so that a
 * KUnit test can take them here with a static stub.
 */
VISIBLE_IF_KUNIT int xtcp_req_xmit(struct sock *sk, struct sk_buff *skb,
				   __be32 saddr, __be32 daddr)
{
	int err;

	KUNIT_STATIC_STUB_REDIRECT(xtcp_req_xmit, sk, skb, saddr, daddr);
	/* Not inside net_xmit_eval(): it evaluates its argument twice. */
	err = ip_build_and_send_pkt(skb, sk, saddr, daddr, NULL,
				    READ_ONCE(inet_sk(sk)->tos));
	return net_xmit_eval(err);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_req_xmit);

/*
 * A segment of the handshake from a request: the SYN-ACK
 * <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> with our options, or a bare ACK
 * <SEQ=ISS+1><ACK=RCV.NXT>.  Sent through the listener, as TCP sends its
 * SYN-ACKs; the window is the one the child will honour.
 */
static int __xtcp_req_send(struct sock *sk, const struct xtcp_request *req,
			   u8 flags, u32 tsval)
{
	bool syn = flags & XTCP_FLAG_SYN;
	struct net *net = sock_net(sk);
	struct xtcp_opts opts = {};
	unsigned int hdrlen;
	struct sk_buff *skb;
	struct xtcphdr *th;
	struct flowi4 fl4;
	struct rtable *rt;
	int err;

	rt = xtcp_req_route(sk, req, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (syn) {
		opts.has_mss = 1;
		opts.mss = xtcp_req_advmss(sk, rt);
		opts.has_wscale = req->wscale_ok;
		opts.wscale = req->rcv_wscale;
		opts.sack_ok = req->sack_ok;
	}
	if (req->tstamp_ok) {
		opts.has_tstamp = 1;
		opts.tsval = tsval;
		opts.tsecr = req->ts_recent;
	}
	hdrlen = XTCP_HDR_LEN + xtcp_options_size(&opts, syn);
	skb = alloc_skb(MAX_HEADER + sizeof(struct iphdr) + hdrlen,
			GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return -ENOBUFS;
	}
	skb_reserve(skb, MAX_HEADER + sizeof(struct iphdr));
	th = skb_put_zero(skb, hdrlen);
	skb_reset_transport_header(skb);
	th->source = inet_sk(sk)->inet_sport;
	th->dest = req->rport;
	th->seq = htonl(syn ? req->iss : req->iss + 1);
	th->ack_seq = htonl(req->irs + 1);
	th->flags = flags | XTCP_FLAG_ACK;
	xtcp_set_hdrlen(th, hdrlen);
	th->window = htons(syn ? req->rcv_wnd :
			   req->rcv_wnd >> req->rcv_wscale);
	xtcp_build_options((u8 *)(th + 1), &opts, syn);
	th->check = xtcp_v4_check(hdrlen, fl4.saddr, fl4.daddr,
				  csum_partial(th, hdrlen, 0));
	skb->ip_summed = CHECKSUM_NONE;
	skb_dst_set(skb, &rt->dst);
	err = xtcp_req_xmit(sk, skb, fl4.saddr, fl4.daddr);
	if (!err)
		XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
	return err;
}

static int xtcp_req_send(struct sock *sk, const struct xtcp_request *req,
			 u8 flags)
{
	return __xtcp_req_send(sk, req, flags,
			       xtcp_ts_clock() + req->ts_offset);
}

/* Take a request out of the queue and free it. */
static void xtcp_req_drop(struct sock *sk, struct xtcp_request *req)
{
	xtcp_req_free(sk, xtcp_sk(sk)->synq, req);
}

/*
 * Without cookies, a SYN finding the queue full takes the place of the
 * request whose SYN-ACK was sent again most often, the oldest of them;
 * requests never retransmitted stay, and so do those whose final ACK met
 * a full accept queue (their peers hold open connections).  Returns
 * whether one gave way.
 */
static bool xtcp_synq_prune(struct sock *sk, struct xtcp_synq *q)
{
	struct xtcp_request *req;
	int i;

	for (i = XTCP_SYNQ_LEVELS - 1; i > 0; i--) {
		list_for_each_entry(req, &q->levels[i], lnode) {
			if (req->acked)
				continue;
			xtcp_req_free(sk, q, req);
			XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SYNQPRUNED);
			return true;
		}
	}
	return false;
}

/*
 * The requests due at @now: each sends its SYN-ACK again and waits twice
 * as long, up to synack_retries times; then it is dropped.  While the
 * queue is over half full, a request already retried is dropped instead,
 * unless its peer's final ACK came (and met a full accept queue, or
 * carried no data to a listener with TCP_DEFER_ACCEPT).  A request whose
 * bare final ACK TCP_DEFER_ACCEPT dropped lives at least that many
 * timeouts, sending no SYN-ACK but at the last, so that the peer's ACK to
 * it makes the connection even without data, as TCP's syn_ack_recalc().
 */
VISIBLE_IF_KUNIT void __xtcp_synq_timeout(struct sock *sk, u64 now)
{
	u8 defer = READ_ONCE(xtcp_sk(sk)->defer_accept);
	u32 retries, half, budget = XTCP_SYNQ_BUDGET;
	struct xtcp_synq *q = xtcp_sk(sk)->synq;
	struct net *net = sock_net(sk);
	struct xtcp_request *req, *tmp;
	int i;

	if (!q)
		return;
	/* A listener's TCP_SYNCNT bounds its SYN-ACKs, as in TCP. */
	retries = READ_ONCE(xtcp_sk(sk)->syn_retries) ? :
		  READ_ONCE(xtcp_sysctl(sk)->synack_retries);
	half = xtcp_synq_limit(sk) / 2;
	/* From the top: a request moves up a list, never seen twice. */
	for (i = XTCP_SYNQ_LEVELS - 1; i >= 0; i--) {
		list_for_each_entry_safe(req, tmp, &q->levels[i], lnode) {
			if (req->expires > now)
				break;
			/* Not all at once: the rest in the next run, now. */
			if (!budget--)
				goto out;
			if (req->retrans >= retries &&
			    (!req->acked || req->retrans >= defer)) {
				xtcp_req_drop(sk, req);
				continue;
			}
			if (req->retrans && q->qlen > half && !req->acked) {
				xtcp_req_drop(sk, req);
				XTCP_INC_STATS(net, XTCP_MIB_SYNQPRUNED);
				continue;
			}
			if (req->acked && req->retrans + 1 < defer) {
				/* Deferred: wait on, silently. */
			} else if (!xtcp_req_send(sk, req, XTCP_FLAG_SYN)) {
				XTCP_INC_STATS(net, XTCP_MIB_SYNACKRETRANS);
				XTCP_INC_STATS(net, XTCP_MIB_RETRANSSEGS);
				trace_xtcp_retransmit_synack(sk, req->laddr,
							     inet_sk(sk)->inet_sport,
							     req->raddr,
							     req->rport);
			}
			if (req->retrans < U8_MAX)
				req->retrans++;
			req->expires = now + xtcp_synack_timeout(sk,
								 req->retrans);
			xtcp_synq_requeue(q, req,
					  min_t(int, req->retrans,
						XTCP_SYNQ_LEVELS - 1));
		}
	}
out:
	xtcp_synq_rearm(sk, q);
}
EXPORT_SYMBOL_IF_KUNIT(__xtcp_synq_timeout);

/*
 * TCP_DEFER_ACCEPT's seconds are kept, as TCP keeps them, as a number of
 * SYN-ACK timeouts: 1 s, doubling up to TCP_RTO_MAX (TCP's constants,
 * whatever net.xtcp.rto_max_ms says, so that getsockopt() answers what
 * TCP answers).  xtcp_defer_to_timeouts() gives the first timeout whose
 * end reaches @secs (0 for none, at most 255); xtcp_defer_to_secs() the
 * end of the last of @timeouts.
 */
#define XTCP_DEFER_T0	1	/* s: TCP_TIMEOUT_INIT */
#define XTCP_DEFER_TMAX	120	/* s: TCP_RTO_MAX */

u8 xtcp_defer_to_timeouts(int secs)
{
	u32 timeout = XTCP_DEFER_T0, end = timeout;
	u8 n = 1;

	if (secs <= 0)
		return 0;
	while (secs > end && n < U8_MAX) {
		timeout = min_t(u32, timeout * 2, XTCP_DEFER_TMAX);
		end += timeout;
		n++;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_defer_to_timeouts);

int xtcp_defer_to_secs(u8 timeouts)
{
	u32 timeout = XTCP_DEFER_T0, end = 0;

	while (timeouts--) {
		end += timeout;
		timeout = min_t(u32, timeout * 2, XTCP_DEFER_TMAX);
	}
	return end;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_defer_to_secs);

/**
 * xtcp_synq_timeout - the listener's retransmission timer expired
 * @sk: the listener, locked, not owned (or owned, from release_cb)
 */
void xtcp_synq_timeout(struct sock *sk)
{
	lockdep_assert(lockdep_sock_is_held(sk));

	__xtcp_synq_timeout(sk, ktime_get_ns());
}

/* The window a SYN-ACK offers: what a new child's buffer holds. */
static u16 xtcp_req_window(const struct sock *sk)
{
	return min(xtcp_full_window(sk), XTCP_MAX_WINDOW);
}

/*
 * The options a SYN gets from us: those of the peer's SYN that the
 * namespace's knobs allow (RFC 7323, RFC 2018).  The peer's TSval becomes
 * TS.Recent.
 */
static void xtcp_req_options(const struct sock *sk, struct xtcp_request *req,
			     const struct xtcp_opts *opts)
{
	const struct xtcp_sysctl *ctl = xtcp_sysctl(sk);

	req->mss = opts->has_mss ? opts->mss : 0;
	req->tstamp_ok = READ_ONCE(ctl->timestamps) && opts->has_tstamp;
	req->sack_ok = READ_ONCE(ctl->sack) && opts->sack_ok;
	req->wscale_ok = READ_ONCE(ctl->window_scaling) && opts->has_wscale;
	if (req->wscale_ok) {
		/* RFC 7323 2.3: a larger shift is taken as 14. */
		req->snd_wscale = min_t(u8, opts->wscale, XTCP_MAX_WSCALE);
		req->rcv_wscale = xtcp_select_wscale(sk);
	} else {
		req->snd_wscale = 0;
		req->rcv_wscale = 0;
	}
	req->ts_recent = req->tstamp_ok ? opts->tsval : 0;
}

/* The request a SYN would make, not queued: its numbers and options. */
static void xtcp_req_init(struct sock *sk, struct xtcp_request *req,
			  const struct sk_buff *skb,
			  const struct xtcp_opts *opts)
{
	const struct xtcphdr *th = xtcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);

	req->raddr = iph->saddr;
	req->laddr = iph->daddr;
	req->rport = th->source;
	req->irs = XTCP_SKB_CB(skb)->seq;
	req->peer_wnd = ntohs(th->window);
	req->rcv_wnd = xtcp_req_window(sk);
	req->retrans = 0;
	req->resent = 0;
	req->acked = 0;
	req->oow_stamp = 0;
	xtcp_req_options(sk, req, opts);
}

/*
 * SYN cookies (RFC 4987 3.6): answer a SYN with a SYN-ACK whose ISN
 * encodes what the connection needs, and keep nothing.  The options ride
 * in the TSval when the peer sent timestamps; without them, window
 * scaling and SACK are not offered (see xtcp_syncookies.c).
 */
static void xtcp_send_cookie(struct sock *sk, struct sk_buff *skb,
			     const struct xtcp_opts *opts)
{
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	struct xtcp_cookie_opts co = {};
	struct xtcp_request req = {};
	u32 tsval = 0, optbits = 0;

	xtcp_req_init(sk, &req, skb, opts);
	if (req.tstamp_ok) {
		co.wscale_ok = req.wscale_ok;
		co.snd_wscale = req.snd_wscale;
		co.sack_ok = req.sack_ok;
		tsval = xtcp_cookie_tsval(xtcp_ts_clock() + get_random_u32(),
					  &co);
		optbits = xtcp_cookie_optbits(tsval);
	} else {
		req.wscale_ok = 0;
		req.sack_ok = 0;
		req.snd_wscale = 0;
		req.rcv_wscale = 0;
	}
	req.iss = xtcp_cookie_make(&xn->cookie_key, req.raddr, req.laddr,
				   req.rport, inet_sk(sk)->inet_sport,
				   req.irs, xtcp_cookie_count(),
				   req.mss ? req.mss : XTCP_DEFAULT_MSS, optbits,
				   &req.mss);
	if (!__xtcp_req_send(sk, &req, XTCP_FLAG_SYN, tsval)) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SYNCOOKIESSENT);
		trace_xtcp_syncookie_sent(sk, req.laddr,
					  inet_sk(sk)->inet_sport, req.raddr,
					  req.rport);
	}
}

/*
 * The first time a listener's SYN queue overflows, the log says so and
 * what is done about it, once per listener, in the words of TCP's
 * tcp_syn_flood_action(); the counters tell the rest.
 */
static void xtcp_syn_flood_warn(struct sock *sk, struct xtcp_synq *q,
				int cookies)
{
	if (q->synflood_warned)
		return;
	q->synflood_warned = true;
	net_info_ratelimited("XTCP: Possible SYN flooding on port %pI4:%u. %s.\n",
			     &sk->sk_rcv_saddr, sk->sk_num,
			     cookies ? "Sending cookies" : "Dropping request");
}

/*
 * LISTEN, RFC 9293 3.10.7.2: a SYN.  It makes a request in the SYN queue
 * and is answered with a SYN-ACK; with syncookies 2, or 1 and the queue
 * full, the SYN-ACK carries a cookie instead.
 */
static void xtcp_conn_request(struct sock *sk, struct sk_buff *skb,
			      const struct xtcp_opts *opts)
{
	struct xtcp_synq *q = xtcp_sk(sk)->synq;
	struct net *net = sock_net(sk);
	struct xtcp_request *req;
	int cookies;

	XTCP_INC_STATS(net, XTCP_MIB_SYNSRECEIVED);
	if (sk_acceptq_is_full(sk)) {
		XTCP_INC_STATS(net, XTCP_MIB_LISTENOVERFLOWS);
		goto drop;
	}
	cookies = READ_ONCE(xtcp_sysctl(sk)->syncookies);
	if (cookies == 2) {
		xtcp_send_cookie(sk, skb, opts);
		return;
	}
	if (q->qlen >= xtcp_synq_limit(sk)) {
		XTCP_INC_STATS(net, XTCP_MIB_SYNQOVERFLOWS);
		q->overflow = jiffies;
		q->overflowed = true;
		xtcp_syn_flood_warn(sk, q, cookies);
		if (cookies) {
			xtcp_send_cookie(sk, skb, opts);
			return;
		}
		if (!xtcp_synq_prune(sk, q))
			goto drop;
	}

	req = kmem_cache_alloc(xtcp_request_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!req)
		goto drop;
	xtcp_req_init(sk, req, skb, opts);
	/* A SYN that ended a TIME_WAIT entry: past its sequence space. */
	req->iss = XTCP_SKB_CB(skb)->tw_isn ?:
		   xtcp_isn(req->laddr, req->raddr, inet_sk(sk)->inet_sport,
			    req->rport);
	req->ts_offset = xtcp_ts_offset(req->laddr, req->raddr,
					inet_sk(sk)->inet_sport, req->rport);
	req->sent_us = xtcp_clock_us();
	req->expires = ktime_get_ns() + xtcp_synack_timeout(sk, 0);
	hlist_add_head(&req->hnode, xtcp_synq_bucket(q, req->raddr,
						     req->rport, req->laddr));
	list_add_tail(&req->lnode, &q->levels[0]);
	xtcp_synq_set_len(sk, q, q->qlen + 1);
	xtcp_req_send(sk, req, XTCP_FLAG_SYN);
	xtcp_synq_rearm(sk, q);
	return;
drop:
	XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
}

/*
 * The handshake completed: a child socket, ESTABLISHED, in the connection
 * table and the listener's accept queue, which takes the final ACK @skb
 * (it may carry data and a FIN).  Returns false when no child could be
 * made; @skb is then the caller's.
 */
static bool xtcp_create_child(struct sock *sk, const struct xtcp_request *req,
			      struct sk_buff *skb)
{
	struct xtcp_sock *xsk = xtcp_sk(sk), *cxsk;
	struct net *net = sock_net(sk);
	struct xtcp_opts syn = {};
	struct inet_sock *cinet;
	struct sock *child;
	struct flowi4 fl4;
	struct rtable *rt;
	u32 rtt_us;

	rt = xtcp_req_route(sk, req, &fl4);
	if (IS_ERR(rt))
		return false;
	child = sk_clone_lock(sk, GFP_ATOMIC);
	if (!child) {
		ip_rt_put(rt);
		return false;
	}
	/* sk_clone_lock() returns the child locked: tell sparse. */
	__acquire(&child->sk_lock.slock);

	/* Nothing of the listener's protocol state carries over. */
	cxsk = xtcp_sk(child);
	memset((char *)cxsk + sizeof(struct inet_sock), 0,
	       sizeof(*cxsk) - sizeof(struct inet_sock));
	xtcp_init_sock_common(child);
	cxsk->user_mss = xsk->user_mss;
	cxsk->nodelay = xsk->nodelay;
	cxsk->keepidle = xsk->keepidle;
	cxsk->keepintvl = xsk->keepintvl;
	cxsk->keepcnt = xsk->keepcnt;
	cxsk->user_timeout = xsk->user_timeout;
	cxsk->syn_retries = xsk->syn_retries;
	cxsk->linger2 = xsk->linger2;
	cxsk->window_clamp = xsk->window_clamp;
	cxsk->notsent_lowat = xsk->notsent_lowat;
	cxsk->corked = xsk->corked;
	sk_node_init(&child->sk_bind_node);

	cinet = inet_sk(child);
	RCU_INIT_POINTER(cinet->inet_opt, NULL);
	cinet->mc_list = NULL;
	memset(&cinet->cork, 0, sizeof(cinet->cork));
	/* ip_queue_xmit() takes the addresses from the socket's flow. */
	cinet->cork.fl.u.ip4 = fl4;
	cinet->inet_daddr = req->raddr;
	cinet->inet_dport = req->rport;
	cinet->inet_rcv_saddr = req->laddr;
	cinet->inet_saddr = req->laddr;
	atomic_set(&cinet->inet_id, get_random_u16());
	xtcp_state_store(child, TCP_SYN_RECV);
	sk_setup_caps(child, &rt->dst);

	cxsk->wscale_ok = req->wscale_ok;
	cxsk->tstamp_ok = req->tstamp_ok;
	cxsk->sack_ok = req->sack_ok;
	cxsk->snd_wscale = req->snd_wscale;
	cxsk->rcv_wscale = req->rcv_wscale;
	cxsk->ts_offset = req->ts_offset;
	if (req->tstamp_ok) {
		cxsk->ts_recent = req->ts_recent;
		cxsk->ts_recent_stamp = xtcp_seconds();
	}

	cxsk->irs = req->irs;
	cxsk->rcv_nxt = req->irs + 1;
	cxsk->copied_seq = cxsk->rcv_nxt;
	/* The window our SYN-ACK offered, its right edge kept. */
	cxsk->rcv_wup = cxsk->rcv_nxt;
	cxsk->rcv_wnd = req->rcv_wnd;
	cxsk->snd_wnd = req->peer_wnd;
	cxsk->max_window = cxsk->snd_wnd;
	cxsk->snd_wl1 = req->irs;
	cxsk->advmss = xtcp_req_advmss(child, rt);
	syn.has_mss = !!req->mss;
	syn.mss = req->mss;
	xtcp_set_mss(cxsk, &syn);

	cxsk->iss = req->iss;
	cxsk->snd_una = req->iss + 1;
	WRITE_ONCE(cxsk->snd_nxt, req->iss + 1);
	WRITE_ONCE(cxsk->write_seq, req->iss + 1);
	cxsk->snd_sml = req->iss + 1;
	cxsk->snd_wl2 = req->iss + 1;
	/*
	 * recover starts at the ISS (RFC 6582 section 3.2), below SND.UNA:
	 * three duplicate ACKs of the very first flight start recovery.
	 */
	xtcp_cc_init(&cxsk->cc, req->iss);
	/* Karn: the SYN-ACK's round trip, if it was sent only once. */
	rtt_us = xtcp_clock_us() - req->sent_us;
	if (!req->retrans && !req->resent &&
	    rtt_us < XTCP_RTO_MAX_NS / NSEC_PER_USEC) {
		xtcp_rtt_sample(&cxsk->rtt, max(rtt_us, 1U));
		cxsk->rtt_samples++;
		XTCP_INC_STATS(net, XTCP_MIB_RTTSAMPLES);
	}
	cxsk->rto_ns = xtcp_rto_base(child);
	cxsk->rcv_stamp_ns = ktime_get_ns();

	sock_prot_inuse_add(net, child->sk_prot, 1);
	xtcp_inherit_port(sk, child);
	if (xtcp_hash_established(child, NULL)) {
		/* The 4-tuple came into use meanwhile. */
		xtcp_state_store(child, TCP_CLOSE);
		xtcp_orphan(child);
		xtcp_destroy_sock(child);
		bh_unlock_sock(child);
		sock_put(child);
		return false;
	}
	xtcp_set_state(child, TCP_ESTABLISHED);

	sock_hold(sk);
	cxsk->parent = sk;
	spin_lock(&xsk->accept_lock);
	list_add_tail(&cxsk->child_node, &xsk->accept_queue);
	xsk->accept_qlen++;
	sk_acceptq_added(sk);
	spin_unlock(&xsk->accept_lock);
	XTCP_INC_STATS(net, XTCP_MIB_PASSIVEOPENS);

	xtcp_v4_do_rcv(child, skb);
	bh_unlock_sock(child);
	/* sk_clone_lock()'s second reference; the protocol keeps one. */
	sock_put(child);
	return true;
}

/*
 * The final ACK (it may carry data and a FIN): the child is made, takes
 * the segment and waits for accept().  Returns true when the child took
 * @skb.
 */
static bool xtcp_req_complete(struct sock *sk, struct xtcp_request *req,
			      struct sk_buff *skb, bool cookie)
{
	struct net *net = sock_net(sk);

	if (sk_acceptq_is_full(sk)) {
		XTCP_INC_STATS(net, XTCP_MIB_LISTENOVERFLOWS);
		XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
		if (!cookie)
			req->acked = 1;
		return false;
	}
	if (!xtcp_create_child(sk, req, skb)) {
		XTCP_INC_STATS(net, XTCP_MIB_LISTENDROPS);
		return false;
	}
	if (!cookie)
		xtcp_req_drop(sk, req);
	sk->sk_data_ready(sk);
	return true;
}

/*
 * SYN_RECV, a segment for a request: RFC 9293 3.10.7.4 for a connection
 * opened passively, with RFC 5961's checks of resets, and PAWS against
 * the TSval of the peer's SYN (as TCP's tcp_check_req()): an old
 * duplicate, the final ACK of another incarnation among them, is treated
 * as a segment outside the window.
 */
static bool xtcp_req_rcv(struct sock *sk, struct xtcp_request *req,
			 struct sk_buff *skb, const struct xtcp_opts *opts)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	u8 flags = xtcp_hdr(skb)->flags;
	struct net *net = sock_net(sk);
	bool paws;

	paws = req->tstamp_ok && opts->has_tstamp && req->ts_recent &&
	       !(flags & XTCP_FLAG_RST) &&
	       (s32)(opts->tsval - req->ts_recent) < 0;

	/* The peer's SYN again: our SYN-ACK was lost; send it again. */
	if ((flags & (XTCP_FLAG_SYN | XTCP_FLAG_ACK | XTCP_FLAG_RST)) ==
	    XTCP_FLAG_SYN && cb->seq == req->irs && !paws) {
		if (!xtcp_oow_rate_limited(net, skb, &req->oow_stamp) &&
		    !xtcp_req_send(sk, req, XTCP_FLAG_SYN)) {
			/* Karn: the final ACK may answer either. */
			req->resent = 1;
			XTCP_INC_STATS(net, XTCP_MIB_SYNACKRETRANS);
			XTCP_INC_STATS(net, XTCP_MIB_RETRANSSEGS);
			trace_xtcp_retransmit_synack(sk, req->laddr,
						     inet_sk(sk)->inet_sport,
						     req->raddr, req->rport);
		}
		return false;
	}

	/* First: the sequence number, against the window offered. */
	if (paws || !xtcp_seq_acceptable(cb->seq, cb->end_seq - cb->seq,
					 req->irs + 1, req->rcv_wnd)) {
		XTCP_INC_STATS(net, paws ? XTCP_MIB_PAWSESTAB :
					   XTCP_MIB_OUTOFWINDOW);
		if (!(flags & XTCP_FLAG_RST) &&
		    !xtcp_oow_rate_limited(net, skb, &req->oow_stamp))
			xtcp_req_send(sk, req, 0);
		return false;
	}

	/* Second: a reset, exactly at RCV.NXT (RFC 5961 3.2). */
	if (flags & XTCP_FLAG_RST) {
		if (cb->seq != req->irs + 1) {
			if (xtcp_challenge_ack_allowed(net, &req->oow_stamp))
				xtcp_req_send(sk, req, 0);
			return false;
		}
		XTCP_INC_STATS(net, XTCP_MIB_ATTEMPTFAILS);
		xtcp_req_drop(sk, req);
		return false;
	}

	/* Fourth: a SYN in the window; a passive open returns to LISTEN. */
	if (flags & XTCP_FLAG_SYN) {
		XTCP_INC_STATS(net, XTCP_MIB_ATTEMPTFAILS);
		xtcp_req_drop(sk, req);
		return false;
	}

	/* Fifth: the ACK must acknowledge our SYN, and only it. */
	if (!(flags & XTCP_FLAG_ACK))
		return false;
	if (cb->ack_seq != req->iss + 1) {
		xtcp_v4_send_reset(net, skb);
		return false;
	}
	/*
	 * TCP_DEFER_ACCEPT: a bare ACK is dropped while the deferral lasts;
	 * the request waits for data (without an RTT sample: the data may
	 * come long after our SYN-ACK).
	 */
	if (cb->end_seq == req->irs + 1 &&
	    req->retrans < READ_ONCE(xtcp_sk(sk)->defer_accept)) {
		req->acked = 1;
		req->resent = 1;
		XTCP_INC_STATS(net, XTCP_MIB_DEFERACCEPTDROP);
		return false;
	}
	return xtcp_req_complete(sk, req, skb, false);
}

/* How long after an overflow cookie ACKs are looked at: their lifetime. */
#define XTCP_COOKIE_WINDOW	(XTCP_COOKIE_MAX_AGE * \
				 (HZ << XTCP_COOKIE_PERIOD_SHIFT))

/*
 * An ACK of no request: the final ACK of a cookie handshake, if cookies
 * are on (always, or after an overflow of this listener within a cookie's
 * lifetime) and it carries a valid one.  Returns 1 when the connection it
 * makes took @skb, 0 when a valid cookie's ACK is dropped (a full accept
 * queue: the peer's retransmission brings it again), -1 when the caller
 * must answer with a reset.
 */
static int xtcp_cookie_ack(struct sock *sk, struct sk_buff *skb,
			   const struct xtcp_opts *opts)
{
	int cookies = READ_ONCE(xtcp_sysctl(sk)->syncookies);
	struct xtcp_net *xn = xtcp_pernet(sock_net(sk));
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	const struct xtcphdr *th = xtcp_hdr(skb);
	struct xtcp_synq *q = xtcp_sk(sk)->synq;
	const struct iphdr *iph = ip_hdr(skb);
	struct xtcp_cookie_opts co = {};
	struct xtcp_request req = {};
	u32 optbits = 0;
	int mss;

	if (th->flags & (XTCP_FLAG_SYN | XTCP_FLAG_RST) || !cookies)
		return -1;
	if (cookies == 1 && (!q->overflowed ||
			     time_before(jiffies, q->overflow) ||
			     time_after(jiffies, q->overflow +
					XTCP_COOKIE_WINDOW)))
		return -1;
	if (opts->has_tstamp && READ_ONCE(xtcp_sysctl(sk)->timestamps)) {
		optbits = xtcp_cookie_optbits(opts->tsecr);
		if (!xtcp_cookie_ts_decode(opts->tsecr, &co))
			goto bad;
	}
	mss = xtcp_cookie_check(&xn->cookie_key, iph->saddr, iph->daddr,
				th->source, th->dest, cb->seq - 1,
				cb->ack_seq - 1, xtcp_cookie_count(), optbits);
	if (mss <= 0)
		goto bad;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SYNCOOKIESRECV);
	trace_xtcp_syncookie_accepted(sk, iph->daddr, th->dest, iph->saddr,
				      th->source);

	req.raddr = iph->saddr;
	req.laddr = iph->daddr;
	req.rport = th->source;
	req.irs = cb->seq - 1;
	req.iss = cb->ack_seq - 1;
	req.mss = mss;
	/* The ACK's window, scaled, comes in when the child takes it. */
	req.peer_wnd = 0;
	req.rcv_wnd = xtcp_req_window(sk);
	/* No RTT sample: when the SYN-ACK left is not known. */
	req.retrans = 1;
	if (optbits) {
		req.tstamp_ok = 1;
		req.ts_recent = opts->tsval;
		/* Our TSvals go on from the one the cookie SYN-ACK sent. */
		req.ts_offset = opts->tsecr - xtcp_ts_clock();
		req.sack_ok = co.sack_ok;
		req.wscale_ok = co.wscale_ok;
		if (co.wscale_ok) {
			req.snd_wscale = co.snd_wscale;
			req.rcv_wscale = xtcp_select_wscale(sk);
		}
	}
	return xtcp_req_complete(sk, &req, skb, true) ? 1 : 0;
bad:
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_SYNCOOKIESFAILED);
	trace_xtcp_syncookie_rejected(sk, iph->daddr, th->dest, iph->saddr,
				      th->source);
	return -1;
}

/*
 * A segment that reached the listener though its connection exists: it
 * waited in the listener's backlog behind the final ACK that made the
 * connection, or met the listener while another CPU made it.  The
 * connection takes it, as TCP looks up again after another CPU took the
 * request; answered as if there were none, with a reset, it would kill a
 * connection the peer has just opened.  Returns true when it took @skb.
 */
static bool xtcp_listen_to_child(struct sock *sk, struct sk_buff *skb)
{
	struct sock *child = xtcp_lookup_established(sock_net(sk), skb);

	if (!child)
		return false;
	/* Softirqs are off: the listener's lock nests the child's. */
	lockdep_assert_in_softirq();
	bh_lock_sock_nested(child);
	if (!sock_owned_by_user(child))
		xtcp_v4_do_rcv(child, skb);
	else if (sk_add_backlog(child, skb, READ_ONCE(child->sk_rcvbuf) +
				READ_ONCE(child->sk_sndbuf)))
		kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_BACKLOG);
	bh_unlock_sock(child);
	sock_put(child);
	return true;
}

/**
 * xtcp_listen_rcv - a segment for a listener, RFC 9293 3.10.7.2
 * @sk: the listener, locked (bh_lock_sock() or owned), softirqs off
 * @skb: the segment
 * @opts: its options
 *
 * A segment of a half-open connection goes to its request; else one of
 * a connection made meanwhile goes to it; else a SYN opens one, an ACK is
 * answered with a reset and the rest dropped.
 *
 * Return: true when a connection took @skb.
 */
bool xtcp_listen_rcv(struct sock *sk, struct sk_buff *skb,
		     const struct xtcp_opts *opts)
{
	const struct xtcphdr *th = xtcp_hdr(skb);
	struct xtcp_synq *q = xtcp_sk(sk)->synq;
	const struct iphdr *iph = ip_hdr(skb);
	struct xtcp_request *req;
	int ret;

	lockdep_assert(lockdep_sock_is_held(sk));

	if (WARN_ON_ONCE(!q))
		return false;
	req = xtcp_req_lookup(q, iph->saddr, th->source, iph->daddr);
	if (req)
		return xtcp_req_rcv(sk, req, skb, opts);
	if (!(th->flags & XTCP_FLAG_SYN) && xtcp_listen_to_child(sk, skb))
		return true;

	if (th->flags & XTCP_FLAG_RST)
		return false;
	if (th->flags & XTCP_FLAG_ACK) {
		ret = xtcp_cookie_ack(sk, skb, opts);
		if (ret < 0)
			xtcp_v4_send_reset(sock_net(sk), skb);
		return ret > 0;
	}
	if (th->flags & XTCP_FLAG_SYN)
		xtcp_conn_request(sk, skb, opts);
	return false;
}

/**
 * xtcp_synq_kill - drop a listener's request (sock_diag's SOCK_DESTROY)
 * @sk: the listener, owned by the caller
 * @laddr: the address the SYN came to
 * @raddr: the peer's address
 * @rport: the peer's port
 *
 * As tcp_abort() drops a request: at once, without a segment.
 *
 * Return: 0, or -ENOENT when the listener has no such request.
 */
int xtcp_synq_kill(struct sock *sk, __be32 laddr, __be32 raddr,
		   __be16 rport)
{
	struct xtcp_synq *q = xtcp_sk(sk)->synq;
	struct xtcp_request *req;

	sock_owned_by_me(sk);
	if (sk->sk_state != TCP_LISTEN || !q)
		return -ENOENT;
	req = xtcp_req_lookup(q, raddr, rport, laddr);
	if (!req)
		return -ENOENT;
	xtcp_req_drop(sk, req);
	return 0;
}
EXPORT_SYMBOL_GPL(xtcp_synq_kill);

/**
 * xtcp_synq_copy - what /proc and KUnit see of a listener's requests
 * @sk: the listener, owned by the caller
 * @start: the first to copy, in the order of the lists (least retried
 *	first, each list oldest first)
 * @v: where
 * @max: how many at most
 *
 * Return: how many were copied.
 */
unsigned int xtcp_synq_copy(struct sock *sk, unsigned int start,
			    struct xtcp_req_view *v, unsigned int max)
{
	struct xtcp_synq *q = xtcp_sk(sk)->synq;
	struct xtcp_request *req;
	unsigned int n = 0;
	int i;

	sock_owned_by_me(sk);
	if (!q || start >= q->qlen)
		return 0;
	for (i = 0; i < XTCP_SYNQ_LEVELS; i++) {
		list_for_each_entry(req, &q->levels[i], lnode) {
			if (start) {
				start--;
				continue;
			}
			if (n == max)
				return n;
			v[n].laddr = req->laddr;
			v[n].raddr = req->raddr;
			v[n].lport = inet_sk(sk)->inet_sport;
			v[n].rport = req->rport;
			v[n].expires_ns = req->expires;
			v[n].iss = req->iss;
			v[n].irs = req->irs;
			v[n].ts_recent = req->ts_recent;
			v[n].rcv_wnd = req->rcv_wnd;
			v[n].mss = req->mss;
			v[n].retrans = req->retrans;
			v[n].snd_wscale = req->snd_wscale;
			v[n].rcv_wscale = req->rcv_wscale;
			v[n].wscale_ok = req->wscale_ok;
			v[n].tstamp_ok = req->tstamp_ok;
			v[n].sack_ok = req->sack_ok;
			n++;
		}
	}
	return n;
}
EXPORT_SYMBOL_GPL(xtcp_synq_copy);

#if IS_ENABLED(CONFIG_KUNIT)
/* The oldest request of the least retried. */
bool xtcp_synq_peek(struct sock *sk, struct xtcp_req_view *v)
{
	return xtcp_synq_copy(sk, 0, v, 1) == 1;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_synq_peek);

/* The size of a request's slab object. */
unsigned int xtcp_request_size(void)
{
	return kmem_cache_size(xtcp_request_cache);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_request_size);
#endif

int __init xtcp_listen_init(void)
{
	xtcp_request_cache = kmem_cache_create("xtcp_request",
					       sizeof(struct xtcp_request), 0,
					       SLAB_NO_MERGE, NULL);
	return xtcp_request_cache ? 0 : -ENOMEM;
}

void xtcp_listen_exit(void)
{
	kmem_cache_destroy(xtcp_request_cache);
}
