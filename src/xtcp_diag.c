// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_diag: XTCP's sockets through sock_diag, as tcp_diag gives TCP's.
 *
 * A module of its own, as tcp_diag and mptcp_diag are: it needs
 * inet_diag, which xtcp.ko does not.  It registers an inet_diag handler
 * for XTCP's IP protocol (xtcp.ko's ipproto), so that a
 * SOCK_DIAG_BY_FAMILY request for AF_INET and that protocol lists
 * listeners, each followed by its half-open requests, then connections,
 * then TIME_WAIT entries, in the order of /proc/net/xtcp.  Sockets of
 * either family (AF_XTCP or AF_INET) are shown as AF_INET: their
 * addresses are IPv4.
 *
 * A connection carries what tcp_diag gives TCP's: state, queues, the
 * pending timer, uid and inode, INET_DIAG_INFO (struct xtcp_info, as
 * getsockopt(XTCP_INFO) gives it), INET_DIAG_CONG, the memory attributes
 * and inet_diag's common ones.  Requests and TIME_WAIT entries, which are
 * not sockets, carry their 4-tuple, state and timer only.
 *
 * SOCK_DESTROY ends a connection with a reset (xtcp_diag_destroy()), a
 * listener with its requests and children, a request or a TIME_WAIT entry
 * at once, as tcp_diag's does.
 *
 * It has no module alias: sock_diag may load modules on behalf of any
 * user, and loading it would load xtcp.ko.  Load it by hand, after xtcp.
 *
 * Locking: a bucket's lock is held only to find the next entry of the
 * namespace and take a reference on it (or, for a TIME_WAIT entry, to copy
 * it); a listener's lock only to copy a batch of its requests.  Messages
 * are filled with neither held.
 */

#include <linux/inet_diag.h>
#include <linux/module.h>
#include <linux/sock_diag.h>
#include <net/inet_timewait_sock.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"

#define XTCP_DIAG_REQS	16	/* requests copied under one lock_sock() */

/* Where a dump stopped, kept in cb->args between its calls. */
enum {
	XTCP_DIAG_TABLE,	/* 0 lhash, 1 ehash, 2 ehash's TIME_WAIT */
	XTCP_DIAG_BUCKET,
	XTCP_DIAG_INDEX,	/* the namespace's entries done in the bucket */
	XTCP_DIAG_SUB,		/* 0: the listener; n: its request n - 1 */
};

/* The part of a message every entry has; the caller ends it. */
static struct inet_diag_msg *xtcp_diag_put(struct sk_buff *skb,
					   const struct netlink_callback *cb,
					   u16 flags, struct nlmsghdr **nlh)
{
	struct inet_diag_msg *r;

	*nlh = nlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			 cb->nlh->nlmsg_type, sizeof(*r), flags);
	if (!*nlh)
		return NULL;
	r = nlmsg_data(*nlh);
	memset(r, 0, sizeof(*r));
	r->idiag_family = AF_INET;
	return r;
}

/* A connection or listener, with the attributes the request asks for. */
static int xtcp_diag_fill_sk(struct sock *sk, struct sk_buff *skb,
			     const struct netlink_callback *cb,
			     const struct inet_diag_req_v2 *req, u16 flags,
			     bool net_admin)
{
	const struct xtcp_sock *xsk = xtcp_sk(sk);
	int ext = req->idiag_ext;
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;
	struct nlattr *attr;
	s64 left_ns;

	r = xtcp_diag_put(skb, cb, flags, &nlh);
	if (!r)
		return -EMSGSIZE;
	inet_diag_msg_common_fill(r, sk);
	r->idiag_family = AF_INET;
	r->idiag_state = inet_sk_state_load(sk);
	xtcp_queues(sk, &r->idiag_rqueue, &r->idiag_wqueue);
	r->idiag_timer = xtcp_timer_pending(sk, &left_ns);
	r->idiag_expires = div_u64(left_ns, NSEC_PER_MSEC);
	/* As tcp_diag: the timeouts, or the unanswered probes. */
	r->idiag_retrans = r->idiag_timer == 1 ? READ_ONCE(xsk->retransmits) :
			   READ_ONCE(xsk->probes_out);

	if (inet_diag_msg_attrs_fill(sk, skb, r, ext,
				     sk_user_ns(NETLINK_CB(cb->skb).sk),
				     net_admin))
		goto cancel;

	if (ext & (1 << (INET_DIAG_MEMINFO - 1))) {
		struct inet_diag_meminfo minfo = {
			.idiag_rmem = sk_rmem_alloc_get(sk),
			.idiag_wmem = READ_ONCE(sk->sk_wmem_queued),
			.idiag_fmem = sk_forward_alloc_get(sk),
			.idiag_tmem = sk_wmem_alloc_get(sk),
		};

		if (nla_put(skb, INET_DIAG_MEMINFO, sizeof(minfo), &minfo))
			goto cancel;
	}
	if ((ext & (1 << (INET_DIAG_SKMEMINFO - 1))) &&
	    sock_diag_put_meminfo(sk, skb, INET_DIAG_SKMEMINFO))
		goto cancel;
	if (ext & (1 << (INET_DIAG_INFO - 1))) {
		attr = nla_reserve_64bit(skb, INET_DIAG_INFO,
					 sizeof(struct xtcp_info),
					 INET_DIAG_PAD);
		if (!attr)
			goto cancel;
		xtcp_get_info(sk, nla_data(attr));
	}
	if ((ext & (1 << (INET_DIAG_CONG - 1))) &&
	    nla_put_string(skb, INET_DIAG_CONG, XTCP_CA_NAME))
		goto cancel;
	nlmsg_end(skb, nlh);
	return 0;

cancel:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

/*
 * A half-open request or a TIME_WAIT entry, which are not sockets: its
 * 4-tuple, state and timer (TCP's codes: 1 the SYN-ACK's, 3 TIME_WAIT's)
 * and nothing more, as TCP shows its own.
 */
struct xtcp_diag_mini {
	__be32	laddr;
	__be32	raddr;
	__be16	lport;
	__be16	rport;
	u64	expires_ns;
	u8	state;
	u8	timer;
	u8	retrans;
};

static int xtcp_diag_fill_mini(const struct xtcp_diag_mini *m,
			       struct sk_buff *skb,
			       const struct netlink_callback *cb)
{
	s64 left = (s64)(m->expires_ns - ktime_get_ns());
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;

	r = xtcp_diag_put(skb, cb, NLM_F_MULTI, &nlh);
	if (!r)
		return -EMSGSIZE;
	r->id.idiag_sport = m->lport;
	r->id.idiag_dport = m->rport;
	r->id.idiag_src[0] = m->laddr;
	r->id.idiag_dst[0] = m->raddr;
	r->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	r->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	r->idiag_state = m->state;
	r->idiag_timer = m->timer;
	r->idiag_retrans = m->retrans;
	r->idiag_expires = div_u64(max_t(s64, left, 0), NSEC_PER_MSEC);
	nlmsg_end(skb, nlh);
	return 0;
}

/*
 * The request's bytecode filter (ss's "sport = :80" and the like) on a
 * 4-tuple.  inet_diag_bc_sk() reads a socket's common part, and for a
 * TIME_WAIT one its mark: a zeroed TIME_WAIT socket on the stack carries
 * the tuple for every kind of entry, in AF_INET whatever the socket's
 * family.  The conditions on the cgroup and on an automatically chosen
 * port never match XTCP's entries.
 */
static bool xtcp_diag_bc(const struct nlattr *bc, __be32 laddr, __be16 lport,
			 __be32 raddr, __be16 rport, int ifindex, u32 mark)
{
	struct inet_timewait_sock tw;

	if (!bc)
		return true;
	memset(&tw, 0, sizeof(tw));
	tw.tw_family = AF_INET;
	tw.tw_state = TCP_TIME_WAIT;
	tw.tw_rcv_saddr = laddr;
	tw.tw_daddr = raddr;
	tw.tw_num = ntohs(lport);
	tw.tw_dport = rport;
	tw.tw_bound_dev_if = ifindex;
	tw.tw_mark = mark;
	return inet_diag_bc_sk(bc, (struct sock *)&tw);
}

static bool xtcp_diag_bc_sk(const struct nlattr *bc, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

	return xtcp_diag_bc(bc, inet->inet_rcv_saddr, inet->inet_sport,
			    inet->inet_daddr, inet->inet_dport,
			    READ_ONCE(sk->sk_bound_dev_if),
			    READ_ONCE(sk->sk_mark));
}

struct xtcp_diag_walk {
	struct sk_buff			*skb;
	struct netlink_callback		*cb;
	const struct inet_diag_req_v2	*req;
	const struct nlattr		*bc;
	struct net			*net;
	bool				net_admin;
	struct xtcp_req_view		reqs[XTCP_DIAG_REQS];
};

/* A mini-socket the filter lets through.  Return: false when full. */
static bool xtcp_diag_mini_out(struct xtcp_diag_walk *w,
			       const struct xtcp_diag_mini *m)
{
	if (!xtcp_diag_bc(w->bc, m->laddr, m->lport, m->raddr, m->rport, 0, 0))
		return true;
	return !xtcp_diag_fill_mini(m, w->skb, w->cb);
}

/*
 * The requests of a listener from number cb->args[XTCP_DIAG_SUB] - 1 on.
 * Return: false when the message buffer is full.
 */
static bool xtcp_diag_dump_reqs(struct xtcp_diag_walk *w, struct sock *sk)
{
	long *args = w->cb->args;
	unsigned int i, n;

	for (;;) {
		lock_sock(sk);
		n = sk->sk_state == TCP_LISTEN ?
		    xtcp_synq_copy(sk, args[XTCP_DIAG_SUB] - 1, w->reqs,
				   XTCP_DIAG_REQS) : 0;
		release_sock(sk);
		for (i = 0; i < n; i++, args[XTCP_DIAG_SUB]++) {
			const struct xtcp_req_view *v = &w->reqs[i];
			struct xtcp_diag_mini m = {
				.laddr = v->laddr, .raddr = v->raddr,
				.lport = v->lport, .rport = v->rport,
				.expires_ns = v->expires_ns,
				.state = TCP_SYN_RECV, .timer = 1,
				.retrans = v->retrans,
			};

			if (!xtcp_diag_mini_out(w, &m))
				return false;
		}
		if (n < XTCP_DIAG_REQS)
			return true;
	}
}

/*
 * The sockets of one bucket from the namespace's entry number
 * cb->args[XTCP_DIAG_INDEX] on: one at a time, found under the bucket's
 * lock and shown with a reference held.
 * Return: false when the message buffer is full.
 */
static bool xtcp_diag_dump_chain(struct xtcp_diag_walk *w,
				 struct xtcp_hbucket *b, bool listeners)
{
	u32 states = w->req->idiag_states;
	long *args = w->cb->args;
	struct sock *sk;
	bool more;
	long n;

	for (;;) {
		n = 0;
		more = false;
		spin_lock_bh(&b->lock);
		sk_for_each(sk, &b->chain) {
			if (!net_eq(sock_net(sk), w->net))
				continue;
			if (n++ == args[XTCP_DIAG_INDEX]) {
				sock_hold(sk);
				more = true;
				break;
			}
		}
		spin_unlock_bh(&b->lock);
		if (!more)
			return true;

		if (!args[XTCP_DIAG_SUB] &&
		    (states & BIT(inet_sk_state_load(sk))) &&
		    xtcp_diag_bc_sk(w->bc, sk) &&
		    xtcp_diag_fill_sk(sk, w->skb, w->cb, w->req,
				      NLM_F_MULTI, w->net_admin)) {
			sock_put(sk);
			return false;
		}
		if (listeners && (states & TCPF_SYN_RECV)) {
			args[XTCP_DIAG_SUB] = max(args[XTCP_DIAG_SUB], 1L);
			if (!xtcp_diag_dump_reqs(w, sk)) {
				sock_put(sk);
				return false;
			}
		}
		sock_put(sk);
		args[XTCP_DIAG_SUB] = 0;
		args[XTCP_DIAG_INDEX]++;
	}
}

/* The TIME_WAIT entries of one bucket, each copied under its lock. */
static bool xtcp_diag_dump_tw(struct xtcp_diag_walk *w,
			      struct xtcp_hbucket *b)
{
	long *args = w->cb->args;
	struct xtcp_tw_view v;

	if (hlist_empty(&b->tw_chain))
		return true;
	for (; xtcp_tw_copy(w->net, b, args[XTCP_DIAG_INDEX], &v);
	     args[XTCP_DIAG_INDEX]++) {
		struct xtcp_diag_mini m = {
			.laddr = v.laddr, .raddr = v.raddr,
			.lport = v.lport, .rport = v.rport,
			.expires_ns = v.expires_ns,
			.state = TCP_TIME_WAIT, .timer = 3,
		};

		if (!xtcp_diag_mini_out(w, &m))
			return false;
	}
	return true;
}

static void xtcp_diag_dump(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct inet_diag_req_v2 *req)
{
	struct inet_diag_dump_data *data = cb->data;
	struct xtcp_diag_walk *w;
	struct xtcp_hbucket *b;
	long *args = cb->args;
	unsigned int mask;
	bool done = true;

	if (req->sdiag_family != AF_INET && req->sdiag_family != AF_UNSPEC)
		return;
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return;
	w->skb = skb;
	w->cb = cb;
	w->req = req;
	w->bc = data->inet_diag_nla_bc;
	w->net = sock_net(skb->sk);
	w->net_admin = netlink_net_capable(cb->skb, CAP_NET_ADMIN);

	for (; args[XTCP_DIAG_TABLE] < 3; args[XTCP_DIAG_TABLE]++,
	     args[XTCP_DIAG_BUCKET] = 0) {
		bool lhash = args[XTCP_DIAG_TABLE] == 0;

		if (lhash && !(req->idiag_states & (TCPF_LISTEN | TCPF_SYN_RECV)))
			continue;
		if (args[XTCP_DIAG_TABLE] == 2 &&
		    !(req->idiag_states & TCPF_TIME_WAIT))
			continue;
		mask = lhash ? xtcp_tables.lhash_mask : xtcp_tables.ehash_mask;
		for (; args[XTCP_DIAG_BUCKET] <= mask;
		     args[XTCP_DIAG_BUCKET]++, args[XTCP_DIAG_INDEX] = 0,
		     args[XTCP_DIAG_SUB] = 0) {
			b = lhash ? &xtcp_tables.lhash[args[XTCP_DIAG_BUCKET]] :
				    &xtcp_tables.ehash[args[XTCP_DIAG_BUCKET]];
			if (args[XTCP_DIAG_TABLE] == 2)
				done = xtcp_diag_dump_tw(w, b);
			else if (!hlist_empty(&b->chain))
				done = xtcp_diag_dump_chain(w, b, lhash);
			if (!done)
				goto out;
			cond_resched();
		}
	}
out:
	kfree(w);
}

/* The connection of an exact 4-tuple (no listener, no TIME_WAIT entry). */
static struct sock *xtcp_diag_find(struct net *net,
				   const struct inet_diag_req_v2 *req)
{
	struct sock *sk;

	if (req->sdiag_family != AF_INET)
		return ERR_PTR(-EINVAL);
	sk = xtcp_lookup_conn(net, req->id.idiag_dst[0], req->id.idiag_dport,
			      req->id.idiag_src[0],
			      ntohs(req->id.idiag_sport));
	if (!sk)
		return ERR_PTR(-ENOENT);
	if (sock_diag_check_cookie(sk, req->id.idiag_cookie)) {
		sock_put(sk);
		return ERR_PTR(-ENOENT);
	}
	return sk;
}

static size_t xtcp_diag_size(void)
{
	return nla_total_size(sizeof(struct inet_diag_msg)) +
	       inet_diag_msg_attrs_size() +
	       nla_total_size(sizeof(struct inet_diag_meminfo)) +
	       nla_total_size(SK_MEMINFO_VARS * sizeof(u32)) +
	       nla_total_size_64bit(sizeof(struct xtcp_info)) +
	       nla_total_size(sizeof(XTCP_CA_NAME)) + 64;
}

static int xtcp_diag_dump_one(struct netlink_callback *cb,
			      const struct inet_diag_req_v2 *req)
{
	struct sk_buff *in_skb = cb->skb;
	struct net *net = sock_net(in_skb->sk);
	struct sk_buff *rep;
	struct sock *sk;
	int err;

	sk = xtcp_diag_find(net, req);
	if (IS_ERR(sk))
		return PTR_ERR(sk);
	rep = nlmsg_new(xtcp_diag_size(), GFP_KERNEL);
	if (!rep) {
		err = -ENOMEM;
		goto out;
	}
	err = xtcp_diag_fill_sk(sk, rep, cb, req, 0,
				netlink_net_capable(in_skb, CAP_NET_ADMIN));
	if (err) {
		WARN_ON_ONCE(err == -EMSGSIZE);
		nlmsg_free(rep);
		goto out;
	}
	err = nlmsg_unicast(net->diag_nlsk, rep, NETLINK_CB(in_skb).portid);
out:
	sock_put(sk);
	return err;
}

#ifdef CONFIG_INET_DIAG_DESTROY
/*
 * What SOCK_DESTROY finds no socket for: a TIME_WAIT entry, else a
 * request in the SYN queue of the listener that took its SYN.  Both end
 * at once, without a segment, as tcp_abort() ends them.
 */
static int xtcp_diag_destroy_mini(struct net *net,
				  const struct inet_diag_req_v2 *req)
{
	__be32 laddr = req->id.idiag_src[0], raddr = req->id.idiag_dst[0];
	__be16 lport = req->id.idiag_sport, rport = req->id.idiag_dport;
	struct sock *lsk;
	int err;

	/* sock_diag_destroy()'s check, for entries that are no sockets. */
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	err = xtcp_tw_kill(net, laddr, lport, raddr, rport);
	if (err != -ENOENT)
		return err;
	lsk = xtcp_lookup_listener_of(net, raddr, rport, laddr, ntohs(lport));
	if (!lsk)
		return -ENOENT;
	lock_sock(lsk);
	err = xtcp_synq_kill(lsk, laddr, raddr, rport);
	release_sock(lsk);
	sock_put(lsk);
	return err;
}

/*
 * SOCK_DESTROY, as tcp_diag's: a connection or a listener ends through
 * xtcp_diag_destroy() (its owner sees ECONNABORTED), a TIME_WAIT entry
 * or a request through xtcp_diag_destroy_mini().  A listener's id has
 * no remote end; its cookie tells the members of an SO_REUSEPORT group
 * apart.
 */
static int xtcp_diag_destroy_one(struct sk_buff *in_skb,
				 const struct inet_diag_req_v2 *req)
{
	struct net *net = sock_net(in_skb->sk);
	struct sock *sk;
	int err;

	if (req->sdiag_family != AF_INET)
		return -EINVAL;
	if (!req->id.idiag_dst[0] && !req->id.idiag_dport) {
		sk = xtcp_lookup_listener(net, req->id.idiag_src[0],
					  ntohs(req->id.idiag_sport),
					  req->id.idiag_cookie);
		if (!sk)
			return -ENOENT;
	} else {
		sk = xtcp_diag_find(net, req);
		if (PTR_ERR_OR_ZERO(sk) == -ENOENT)
			return xtcp_diag_destroy_mini(net, req);
		if (IS_ERR(sk))
			return PTR_ERR(sk);
	}
	err = sock_diag_destroy(sk, ECONNABORTED);
	sock_put(sk);
	return err;
}
#endif

static struct inet_diag_handler xtcp_diag_handler = {
	.owner		 = THIS_MODULE,
	.dump		 = xtcp_diag_dump,
	.dump_one	 = xtcp_diag_dump_one,
#ifdef CONFIG_INET_DIAG_DESTROY
	.destroy	 = xtcp_diag_destroy_one,
#endif
	.idiag_info_size = sizeof(struct xtcp_info),
};

static int __init xtcp_diag_init(void)
{
	xtcp_diag_handler.idiag_type = xtcp_ipproto;
	return inet_diag_register(&xtcp_diag_handler);
}

static void __exit xtcp_diag_exit(void)
{
	inet_diag_unregister(&xtcp_diag_handler);
}

module_init(xtcp_diag_init);
module_exit(xtcp_diag_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP socket monitoring through sock_diag");
