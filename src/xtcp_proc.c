// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/xtcp: every XTCP socket of the reader's namespace, in
 * /proc/net/tcp's columns and state numbers.  Listeners come first, each
 * followed by its half-open requests, then connections in every state
 * from SYN_SENT to LAST_ACK, then TIME_WAIT entries.  The column
 * /proc/net/tcp fills with the socket's address is always zero here.
 *
 * The walk takes one bucket lock at a time, only while it looks for the
 * next socket, and holds a reference on the socket it shows; requests and
 * TIME_WAIT entries, which have no reference count, are shown from copies
 * made under their lock.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"

#define XTCP_PROC_REQS	16	/* requests copied under one lock_sock() */

struct xtcp_iter_state {
	struct seq_net_private	p;	/* first: seq_file_net() */
	int			table;	/* 0 lhash, 1 ehash */
	unsigned int		bucket;
	unsigned int		offset;	/* in the bucket, this netns only */
	unsigned int		sub;	/* 0: the listener; n: its request n-1 */
	loff_t			last_pos; /* where the position above is */
	/*
	 * Requests copied from one listener, a batch at a time: its address
	 * (compared, never followed), the index of the first, how many.
	 */
	const struct sock	*req_sk;
	unsigned int		req_base;
	unsigned int		req_n;
	kuid_t			req_uid; /* the listener's owner */
	struct xtcp_req_view	reqs[XTCP_PROC_REQS];
	struct xtcp_tw_view	tw;	/* a TIME_WAIT entry, copied */
};

static bool xtcp_iter_is_req(const struct xtcp_iter_state *st, const void *v)
{
	return v >= (void *)st->reqs && v < (void *)(st->reqs + XTCP_PROC_REQS);
}

static bool xtcp_iter_is_tw(const struct xtcp_iter_state *st, const void *v)
{
	return v == &st->tw;
}

/* Tables walked: 0 lhash, 1 ehash's sockets, 2 ehash's TIME_WAIT. */
static struct xtcp_hbucket *xtcp_iter_bucket(const struct xtcp_iter_state *st)
{
	if (st->table == 0)
		return st->bucket <= xtcp_tables.lhash_mask ?
		       &xtcp_tables.lhash[st->bucket] : NULL;
	return st->bucket <= xtcp_tables.ehash_mask ?
	       &xtcp_tables.ehash[st->bucket] : NULL;
}

/*
 * A listener's request number st->sub - 1: from the batch copied last,
 * or from a new batch copied under the listener's lock.  NULL after its
 * last request.
 */
static struct xtcp_req_view *xtcp_iter_req(struct xtcp_iter_state *st,
					   struct sock *sk)
{
	unsigned int i = st->sub - 1;

	if (st->req_sk != sk || i < st->req_base ||
	    i >= st->req_base + st->req_n) {
		st->req_sk = sk;
		st->req_base = i;
		st->req_n = 0;
		st->req_uid = sock_i_uid(sk);
		lock_sock(sk);
		if (sk->sk_state == TCP_LISTEN)
			st->req_n = xtcp_synq_copy(sk, i, st->reqs,
						   XTCP_PROC_REQS);
		release_sock(sk);
	}
	if (i - st->req_base >= st->req_n)
		return NULL;
	return &st->reqs[i - st->req_base];
}

/*
 * The line at the iterator's position or the first after it: a socket,
 * with a reference held, or after a listener each of its half-open
 * requests (a copy in st->reqs); NULL at the end.  No lock is held between
 * calls: the position is a bucket, an index in it and one among the
 * listener's requests, so an entry coming or going meanwhile may make a
 * line appear twice or not at all, as in /proc/net/tcp, but never a
 * dangling pointer.
 */
static void *xtcp_iter_get(struct seq_file *seq)
{
	struct xtcp_iter_state *st = seq->private;
	struct net *net = seq_file_net(seq);
	struct xtcp_req_view *req;
	struct xtcp_hbucket *b;
	struct sock *sk;
	unsigned int n;

	for (; st->table < 3; st->table++, st->bucket = 0) {
		for (; (b = xtcp_iter_bucket(st)); st->bucket++,
		     st->offset = 0, st->sub = 0) {
			if (st->table == 2) {
				if (!hlist_empty(&b->tw_chain) &&
				    xtcp_tw_copy(net, b, st->offset, &st->tw))
					return &st->tw;
				continue;
			}
again:
			if (hlist_empty(&b->chain))
				continue;
			n = 0;
			spin_lock_bh(&b->lock);
			sk_for_each(sk, &b->chain) {
				if (!net_eq(sock_net(sk), net))
					continue;
				if (n++ == st->offset) {
					sock_hold(sk);
					spin_unlock_bh(&b->lock);
					if (!st->sub)
						return sk;
					req = xtcp_iter_req(st, sk);
					sock_put(sk);
					if (req)
						return req;
					/* Past its last request. */
					st->sub = 0;
					st->offset++;
					goto again;
				}
			}
			spin_unlock_bh(&b->lock);
		}
	}
	return NULL;
}

static void *xtcp_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct xtcp_iter_state *st = seq->private;

	++*pos;
	if (xtcp_iter_is_req(st, v)) {
		st->sub++;
	} else if (xtcp_iter_is_tw(st, v)) {
		st->offset++;
	} else if (v != SEQ_START_TOKEN) {
		/* A listener's requests follow it. */
		if (st->table == 0)
			st->sub = 1;
		else
			st->offset++;
		sock_put(v);
	}
	v = xtcp_iter_get(seq);
	st->last_pos = *pos;
	return v;
}

/*
 * Each read() starts again at *pos: where the last one stopped, its
 * position is still in the iterator (as tcp_seek_last_pos() does);
 * otherwise walk there from the top.  Requests are copied afresh.
 */
static void *xtcp_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct xtcp_iter_state *st = seq->private;
	void *v = SEQ_START_TOKEN;
	loff_t n;

	st->req_sk = NULL;
	if (*pos && *pos == st->last_pos) {
		v = xtcp_iter_get(seq);
		if (v)
			return v;
	}
	st->table = 0;
	st->bucket = 0;
	st->offset = 0;
	st->sub = 0;
	st->last_pos = 0;
	v = SEQ_START_TOKEN;
	for (n = 0; n < *pos && v; n++) {
		loff_t dummy = n;

		v = xtcp_seq_next(seq, v, &dummy);
	}
	return v;
}

static void xtcp_seq_stop(struct seq_file *seq, void *v)
{
	struct xtcp_iter_state *st = seq->private;

	if (v && v != SEQ_START_TOKEN && !xtcp_iter_is_req(st, v) &&
	    !xtcp_iter_is_tw(st, v))
		sock_put(v);
}

#define XTCP_PROC_WIDTH	149	/* /proc/net/tcp's line width */

/* A half-open request: SYN_RECV, its SYN-ACK timer, as TCP shows one. */
static void xtcp_req_show(struct seq_file *seq,
			  const struct xtcp_iter_state *st,
			  const struct xtcp_req_view *v)
{
	s64 ns = (s64)(v->expires_ns - ktime_get_ns());

	seq_printf(seq, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %u %d %016x",
		   (int)(seq->index - 1), v->laddr, ntohs(v->lport), v->raddr,
		   ntohs(v->rport), TCP_SYN_RECV, 0, 0, 1,
		   jiffies_to_clock_t(nsecs_to_jiffies(max_t(s64, ns, 0))),
		   v->retrans, from_kuid_munged(seq_user_ns(seq), st->req_uid),
		   0, 0, 0, 0);
}

/* A TIME_WAIT entry: its timer (3) and what is left of it, as TCP's. */
static void xtcp_tw_show(struct seq_file *seq, const struct xtcp_tw_view *v)
{
	s64 ns = (s64)(v->expires_ns - ktime_get_ns());

	seq_printf(seq, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %016x",
		   (int)(seq->index - 1), v->laddr, ntohs(v->lport), v->raddr,
		   ntohs(v->rport), TCP_TIME_WAIT, 0, 0, 3,
		   jiffies_to_clock_t(nsecs_to_jiffies(max_t(s64, ns, 0))),
		   0, 0, 0, 0, 0, 0U);
}

static int xtcp_seq_show(struct seq_file *seq, void *v)
{
	struct xtcp_iter_state *st = seq->private;
	struct inet_sock *inet;
	struct xtcp_sock *xsk;
	unsigned long expires;
	u32 ssthresh, rx, tx;
	struct sock *sk = v;
	int state, timer;
	s64 left_ns;

	seq_setwidth(seq, XTCP_PROC_WIDTH);
	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
		goto out;
	}
	if (xtcp_iter_is_req(st, v)) {
		xtcp_req_show(seq, st, v);
		goto out;
	}
	if (xtcp_iter_is_tw(st, v)) {
		xtcp_tw_show(seq, v);
		goto out;
	}

	inet = inet_sk(sk);
	xsk = xtcp_sk(sk);
	state = inet_sk_state_load(sk);
	ssthresh = READ_ONCE(xsk->cc.ssthresh);
	xtcp_queues(sk, &rx, &tx);
	/* A listener's backlog is shown by sock_diag only, as TCP's. */
	if (state == TCP_LISTEN)
		tx = 0;
	timer = xtcp_timer_pending(sk, &left_ns);
	expires = jiffies_to_clock_t(nsecs_to_jiffies(left_ns));

	seq_printf(seq, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %016x %lu %lu %u %u %d",
		   (int)(seq->index - 1),
		   inet->inet_rcv_saddr, ntohs(inet->inet_sport),
		   inet->inet_daddr, ntohs(inet->inet_dport), state,
		   tx, rx, timer, expires, xsk->retransmits,
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   0, sock_i_ino(sk), refcount_read(&sk->sk_refcnt), 0,
		   jiffies_to_clock_t(nsecs_to_jiffies(READ_ONCE(xsk->rto_ns))),
		   jiffies_to_clock_t(nsecs_to_jiffies(XTCP_DELACK_NS)),
		   (unsigned int)READ_ONCE(xsk->quickacks) << 1,
		   READ_ONCE(xsk->cc.cwnd),
		   state == TCP_LISTEN ? xtcp_synq_len(sk) :
		   ssthresh >= XTCP_INFINITE_SSTHRESH ? -1 : (int)ssthresh);
out:
	seq_pad(seq, '\n');
	return 0;
}

static const struct seq_operations xtcp_seq_ops = {
	.start	= xtcp_seq_start,
	.next	= xtcp_seq_next,
	.stop	= xtcp_seq_stop,
	.show	= xtcp_seq_show,
};

int xtcp_proc_init_net(struct net *net)
{
	if (!proc_create_net("xtcp", 0444, net->proc_net, &xtcp_seq_ops,
			     sizeof(struct xtcp_iter_state)))
		return -ENOMEM;
	return 0;
}

void xtcp_proc_exit_net(struct net *net)
{
	remove_proc_entry("xtcp", net->proc_net);
}
