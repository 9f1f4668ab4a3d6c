// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP socket tables: demultiplexing of arriving segments, local port
 * ownership (bind, listen, connect) and ephemeral port selection.
 *
 * Locking: each bucket has its own spinlock, taken with bottom halves
 * disabled.  Lookups take a reference on the socket they return before
 * dropping the bucket lock; the tables themselves hold no reference, so a
 * socket leaves every table (xtcp_unhash(), xtcp_put_port()) before it is
 * destroyed.  When a bhash and an ehash bucket are both needed (connect),
 * the bhash lock is taken first.  TIME_WAIT entries live in ehash buckets
 * too (see xtcp_timewait.c); their namespace's twq lock nests inside
 * either bucket lock.
 */

#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <kunit/visibility.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/sock_reuseport.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"

struct xtcp_tables xtcp_tables __read_mostly;
/* Walked by xtcp_diag.ko, as inet_diag walks TCP's hashinfo. */
EXPORT_SYMBOL_GPL(xtcp_tables);

static u32 xtcp_hash_secret __read_mostly;
static siphash_aligned_key_t xtcp_port_key;

/* RFC 6056 section 3.3.4: the table of per-destination-group counters. */
#define XTCP_PERTURB_SHIFT	8
static u32 xtcp_port_perturb[1 << XTCP_PERTURB_SHIFT];

static bool sk_unhashed_bound(const struct sock *sk)
{
	return hlist_unhashed(&sk->sk_bind_node);
}

struct xtcp_hbucket *xtcp_ehash_bucket(const struct net *net, __be32 laddr,
				       u16 lport, __be32 faddr, __be16 fport)
{
	u32 h = jhash_3words((__force u32)laddr, (__force u32)faddr,
			     ((u32)lport << 16) | (__force u32)fport,
			     xtcp_hash_secret + net_hash_mix(net));

	return &xtcp_tables.ehash[h & xtcp_tables.ehash_mask];
}

static struct xtcp_hbucket *xtcp_lhash_bucket(const struct net *net,
					      u16 port)
{
	return &xtcp_tables.lhash[(port + net_hash_mix(net)) &
				  xtcp_tables.lhash_mask];
}

static struct xtcp_hbucket *xtcp_bhash_bucket(const struct net *net,
					      u16 port)
{
	return &xtcp_tables.bhash[(port + net_hash_mix(net)) &
				  xtcp_tables.bhash_mask];
}

static bool xtcp_match_established(const struct sock *sk,
				   const struct net *net, __be32 raddr,
				   __be16 rport, __be32 laddr, u16 lport)
{
	const struct inet_sock *inet = inet_sk(sk);

	return net_eq(sock_net(sk), net) && inet->inet_num == lport &&
	       inet->inet_daddr == raddr && inet->inet_dport == rport &&
	       inet->inet_rcv_saddr == laddr;
}

/* Listener score: -1 no match, higher is more specific. */
static int xtcp_listener_score(const struct sock *sk, const struct net *net,
			       __be32 laddr, u16 lport, int dif)
{
	const struct inet_sock *inet = inet_sk(sk);
	int score = 1;

	if (!net_eq(sock_net(sk), net) || inet->inet_num != lport)
		return -1;
	if (inet->inet_rcv_saddr) {
		if (inet->inet_rcv_saddr != laddr)
			return -1;
		score += 2;
	}
	if (sk->sk_bound_dev_if) {
		if (sk->sk_bound_dev_if != dif)
			return -1;
		score++;
	}
	return score;
}

/* The TIME_WAIT entry of a 4-tuple in bucket @b, locked, or NULL. */
struct xtcp_tw *xtcp_tw_find(const struct xtcp_hbucket *b,
			     const struct net *net, __be32 raddr,
			     __be16 rport, __be32 laddr, u16 lport)
{
	struct xtcp_tw *tw;

	lockdep_assert_held(&b->lock);
	hlist_for_each_entry(tw, &b->tw_chain, node)
		if (net_eq(read_pnet(&tw->net), net) && tw->raddr == raddr &&
		    tw->rport == rport && tw->laddr == laddr &&
		    ntohs(tw->lport) == lport)
			return tw;
	return NULL;
}

/* The connection of an arriving segment's 4-tuple, referenced, or NULL. */
static struct sock *__xtcp_lookup_established(struct xtcp_hbucket *b,
					      const struct net *net,
					      __be32 saddr, __be16 sport,
					      __be32 daddr, u16 lport)
{
	struct sock *sk;

	lockdep_assert_held(&b->lock);
	sk_for_each(sk, &b->chain) {
		if (xtcp_match_established(sk, net, saddr, sport, daddr,
					   lport)) {
			sock_hold(sk);
			return sk;
		}
	}
	return NULL;
}

/**
 * xtcp_lookup_conn - the connection of a 4-tuple
 * @net: the namespace
 * @saddr: the peer's address
 * @sport: the peer's port
 * @daddr: our address
 * @lport: our port, host order
 *
 * Only a connection matching the 4-tuple exactly: no TIME_WAIT entry, no
 * listener.
 *
 * Return: the socket with a reference held, or NULL.
 */
struct sock *xtcp_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
			      __be32 daddr, u16 lport)
{
	struct xtcp_hbucket *b;
	struct sock *sk;

	b = xtcp_ehash_bucket(net, daddr, lport, saddr, sport);
	spin_lock_bh(&b->lock);
	sk = __xtcp_lookup_established(b, net, saddr, sport, daddr, lport);
	spin_unlock_bh(&b->lock);
	return sk;
}
EXPORT_SYMBOL_GPL(xtcp_lookup_conn);

/**
 * xtcp_lookup_established - the connection an arriving segment belongs to
 * @net: the namespace it arrived in
 * @skb: the segment, validated
 *
 * Return: as xtcp_lookup_conn().
 */
struct sock *xtcp_lookup_established(struct net *net,
				     const struct sk_buff *skb)
{
	const struct xtcphdr *th = xtcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);

	return xtcp_lookup_conn(net, iph->saddr, th->source, iph->daddr,
				ntohs(th->dest));
}

/*
 * The listener a SYN of this 4-tuple goes to: the most specific one on
 * the port and, in an SO_REUSEPORT group, the member the hash of the
 * 4-tuple (or the group's BPF program, given @skb) selects.  Its members
 * are all in one bucket, under its lock.  Referenced, or NULL.
 */
static struct sock *__xtcp_lookup_listener(struct net *net,
					   struct sk_buff *skb,
					   unsigned int hdrlen, __be32 saddr,
					   __be16 sport, __be32 daddr,
					   u16 lport, int dif)
{
	struct sock *sk, *best = NULL;
	int score, best_score = -1;
	struct xtcp_hbucket *b;

	b = xtcp_lhash_bucket(net, lport);
	spin_lock_bh(&b->lock);
	sk_for_each(sk, &b->chain) {
		score = xtcp_listener_score(sk, net, daddr, lport, dif);
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	if (best && rcu_access_pointer(best->sk_reuseport_cb)) {
		u32 hash = jhash_3words((__force u32)saddr, (__force u32)daddr,
					((u32)ntohs(sport) << 16) | lport,
					xtcp_hash_secret);

		sk = reuseport_select_sock(best, hash, skb, hdrlen);
		if (sk)
			best = sk;
	}
	if (best)
		sock_hold(best);
	spin_unlock_bh(&b->lock);
	return best;
}

/**
 * xtcp_lookup_listener_of - the listener that took a 4-tuple's SYN
 * @net: the namespace
 * @saddr: the peer's address
 * @sport: the peer's port
 * @daddr: our address
 * @lport: our port, host order
 *
 * For sock_diag's SOCK_DESTROY of a request: the listener xtcp_lookup()
 * gives the SYN, unless its SO_REUSEPORT group changed since.
 *
 * Return: the listener with a reference held, or NULL.
 */
struct sock *xtcp_lookup_listener_of(struct net *net, __be32 saddr,
				     __be16 sport, __be32 daddr, u16 lport)
{
	return __xtcp_lookup_listener(net, NULL, 0, saddr, sport, daddr,
				      lport, 0);
}
EXPORT_SYMBOL_GPL(xtcp_lookup_listener_of);

/**
 * xtcp_lookup_listener - a listener by its address, port and cookie
 * @net: the namespace
 * @laddr: the address it is bound to, INADDR_ANY for all
 * @lport: its port, host order
 * @cookie: sock_diag's cookie of the one wanted (INET_DIAG_NOCOOKIE: any)
 *
 * Return: the listener with a reference held, or NULL.
 */
struct sock *xtcp_lookup_listener(struct net *net, __be32 laddr, u16 lport,
				  const u32 *cookie)
{
	struct xtcp_hbucket *b = xtcp_lhash_bucket(net, lport);
	struct sock *sk, *found = NULL;

	spin_lock_bh(&b->lock);
	sk_for_each(sk, &b->chain) {
		if (net_eq(sock_net(sk), net) &&
		    inet_sk(sk)->inet_num == lport &&
		    inet_sk(sk)->inet_rcv_saddr == laddr &&
		    !sock_diag_check_cookie(sk, cookie)) {
			found = sk;
			sock_hold(sk);
			break;
		}
	}
	spin_unlock_bh(&b->lock);
	return found;
}
EXPORT_SYMBOL_GPL(xtcp_lookup_listener);

/**
 * xtcp_lookup - the socket an arriving segment belongs to
 * @net: the namespace it arrived in
 * @skb: the segment, validated, its control block filled in
 * @opts: its options
 * @dif: the arrival interface
 * @twv: set to what a TIME_WAIT entry made of it (XTCP_TWV_*), or 0
 * @reply: the ACK to send when @twv has XTCP_TWV_ACK
 *
 * A connection matching the 4-tuple exactly wins; then a TIME_WAIT entry,
 * which takes the segment itself (in the same bucket lock, so that an
 * entry replacing its socket is never missed) unless it is a SYN that may
 * open a new connection (RFC 6191): that one goes on to the listeners,
 * and only if a listener is there is the entry ended and the listener
 * given the SYN, with its ISS in the control block; otherwise the entry
 * stays and answers it (XTCP_TWV_ACK in @twv), as TCP's
 * tcp_timewait_state_process() and tcp_v4_rcv() have it.  Without an
 * entry: the most specific listener on the port.
 *
 * Return: the socket with a reference held, or NULL.
 */
struct sock *xtcp_lookup(struct net *net, struct sk_buff *skb,
			 const struct xtcp_opts *opts, int dif,
			 unsigned int *twv, struct xtcp_tw_reply *reply)
{
	const struct xtcphdr *th = xtcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	__be32 saddr = iph->saddr, daddr = iph->daddr;
	struct xtcp_tw *tw, *ended = NULL;
	u16 lport = ntohs(th->dest);
	__be16 sport = th->source;
	struct xtcp_hbucket *eb;
	struct sock *sk, *best;
	u32 isn = 0;

	*twv = 0;
	eb = xtcp_ehash_bucket(net, daddr, lport, saddr, sport);
	spin_lock_bh(&eb->lock);
	sk = __xtcp_lookup_established(eb, net, saddr, sport, daddr, lport);
	if (sk) {
		spin_unlock_bh(&eb->lock);
		return sk;
	}
	tw = xtcp_tw_find(eb, net, saddr, sport, daddr, lport);
	if (tw) {
		*twv = xtcp_tw_process(net, tw, skb, opts, reply) |
		       XTCP_TWV_FOUND;
		/* Above anything the old connection used. */
		if (*twv & XTCP_TWV_SYN)
			isn = tw->snd_nxt + XTCP_MAX_WINDOW + 2 ?: 1;
	}
	spin_unlock_bh(&eb->lock);
	if (tw && !(*twv & XTCP_TWV_SYN))
		return NULL;

	best = __xtcp_lookup_listener(net, skb, xtcp_hdrlen(th), saddr, sport,
				      daddr, lport, dif);
	if (!tw || !best)
		return best;

	/*
	 * A listener takes the SYN: the entry ends, if the reaper has not
	 * ended it meanwhile; the bucket lock was dropped, so look again.
	 */
	spin_lock_bh(&eb->lock);
	tw = xtcp_tw_find(eb, net, saddr, sport, daddr, lport);
	if (tw)
		ended = xtcp_tw_claim(net, tw);
	spin_unlock_bh(&eb->lock);
	if (tw)
		xtcp_tw_release(net, ended, XTCP_MIB_TWREOPENED);
	XTCP_SKB_CB(skb)->tw_isn = isn;
	*twv &= ~XTCP_TWV_ACK;
	return best;
}

/*
 * Is the 4-tuple in use?  By a socket, or by a TIME_WAIT entry that
 * connect() may not take over (xtcp_tw_take(); @inh NULL: none may be).
 */
static bool xtcp_ehash_taken(struct sock *sk, struct xtcp_hbucket *b,
			     const struct net *net, __be32 raddr,
			     __be16 rport, __be32 laddr, u16 lport,
			     bool bound, struct xtcp_tw_inherit *inh)
{
	struct xtcp_tw *tw;
	struct sock *sk2;

	sk_for_each(sk2, &b->chain)
		if (xtcp_match_established(sk2, net, raddr, rport, laddr,
					   lport))
			return true;
	tw = xtcp_tw_find(b, net, raddr, rport, laddr, lport);
	return tw && !xtcp_tw_take(sk, tw, bound, inh);
}

/* connect() took a TIME_WAIT entry's 4-tuple: end the entry. */
static void xtcp_tw_taken(struct net *net, struct xtcp_tw_inherit *inh)
{
	if (inh && inh->taken && !inh->released) {
		xtcp_tw_release(net, inh->tw, XTCP_MIB_TWRECYCLED);
		inh->tw = NULL;
		inh->released = true;
	}
}

/**
 * xtcp_hash_established - enter a connection in the 4-tuple table
 * @sk: the socket, its addresses and ports set
 * @inh: connect() of a socket the user bound: what it inherits if it
 *       takes over a TIME_WAIT entry's 4-tuple; NULL for a listener's child
 *
 * Return: 0, or -EADDRNOTAVAIL when the 4-tuple is already in use.
 */
int xtcp_hash_established(struct sock *sk, struct xtcp_tw_inherit *inh)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_hbucket *b;
	int err = 0;

	b = xtcp_ehash_bucket(net, inet->inet_rcv_saddr, inet->inet_num,
			      inet->inet_daddr, inet->inet_dport);
	spin_lock_bh(&b->lock);
	if (xtcp_ehash_taken(sk, b, net, inet->inet_daddr, inet->inet_dport,
			     inet->inet_rcv_saddr, inet->inet_num, true, inh))
		err = -EADDRNOTAVAIL;
	else
		sk_add_node(sk, &b->chain);
	spin_unlock_bh(&b->lock);
	xtcp_tw_taken(net, inh);
	return err;
}

/*
 * May listener @sk join @sk2's SO_REUSEPORT group?  As TCP's
 * inet_reuseport_add_sock(): both set it, same owner, namespace, port,
 * address and device, @sk2 listening in a group.
 */
static bool xtcp_reuseport_peer(const struct sock *sk, const struct sock *sk2)
{
	return sk2 != sk && sk2->sk_reuseport &&
	       rcu_access_pointer(sk2->sk_reuseport_cb) &&
	       sk2->sk_state == TCP_LISTEN &&
	       net_eq(sock_net(sk2), sock_net(sk)) &&
	       inet_sk(sk2)->inet_num == inet_sk(sk)->inet_num &&
	       inet_sk(sk2)->inet_rcv_saddr == inet_sk(sk)->inet_rcv_saddr &&
	       sk2->sk_bound_dev_if == sk->sk_bound_dev_if &&
	       uid_eq(sk2->sk_uid, sk->sk_uid);
}

/**
 * xtcp_hash_listener - enter a listener in the listener table
 * @sk: the listener, its port held
 *
 * With SO_REUSEPORT it joins the group of a listener it may share the
 * port with, or starts one: xtcp_lookup() spreads SYNs over the group.
 *
 * Return: 0, or -ENOMEM when the group could not grow.
 */
int xtcp_hash_listener(struct sock *sk)
{
	struct xtcp_hbucket *b = xtcp_lhash_bucket(sock_net(sk),
						   inet_sk(sk)->inet_num);
	bool any = !inet_sk(sk)->inet_rcv_saddr;
	struct sock *sk2;
	int err = 0;

	spin_lock_bh(&b->lock);
	if (sk->sk_reuseport) {
		sk_for_each(sk2, &b->chain)
			if (xtcp_reuseport_peer(sk, sk2))
				break;
		err = sk2 ? reuseport_add_sock(sk, sk2, any) :
			    reuseport_alloc(sk, any);
	}
	if (!err)
		sk_add_node(sk, &b->chain);
	spin_unlock_bh(&b->lock);
	return err;
}

/* Take a socket out of ehash or lhash, whichever holds it. */
void xtcp_unhash(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_hbucket *b;

	if (sk_unhashed(sk))
		return;
	if (sk->sk_state == TCP_LISTEN)
		b = xtcp_lhash_bucket(net, inet->inet_num);
	else
		b = xtcp_ehash_bucket(net, inet->inet_rcv_saddr,
				      inet->inet_num, inet->inet_daddr,
				      inet->inet_dport);
	spin_lock_bh(&b->lock);
	if (rcu_access_pointer(sk->sk_reuseport_cb))
		reuseport_detach_sock(sk);
	sk_del_node_init(sk);
	spin_unlock_bh(&b->lock);
}

/*
 * May @sk hold its port alongside @sk2?  TCP's rule: not when their
 * local addresses and devices overlap, unless both set SO_REUSEADDR and
 * @sk2 is not listening, or both set SO_REUSEPORT and have one owner.
 */
static bool xtcp_bind_conflict(const struct sock *sk, const struct sock *sk2)
{
	__be32 a2 = inet_sk(sk2)->inet_rcv_saddr;
	__be32 a1 = inet_sk(sk)->inet_rcv_saddr;

	if (sk == sk2 || !net_eq(sock_net(sk), sock_net(sk2)) ||
	    inet_sk(sk)->inet_num != inet_sk(sk2)->inet_num)
		return false;
	if (sk->sk_bound_dev_if && sk2->sk_bound_dev_if &&
	    sk->sk_bound_dev_if != sk2->sk_bound_dev_if)
		return false;
	if (a1 && a2 && a1 != a2)
		return false;
	if (sk->sk_reuse && sk2->sk_reuse && sk2->sk_state != TCP_LISTEN)
		return false;
	/* SO_REUSEPORT on both, one owner: the port is shared. */
	if (sk->sk_reuseport && sk2->sk_reuseport &&
	    uid_eq(sk->sk_uid, sk2->sk_uid))
		return false;
	return true;
}

static bool xtcp_port_in_use(const struct xtcp_hbucket *b,
			     const struct net *net, u16 port)
{
	struct sock *sk2;

	sk_for_each_bound(sk2, &b->chain)
		if (net_eq(sock_net(sk2), net) &&
		    inet_sk(sk2)->inet_num == port)
			return true;
	return false;
}

static void xtcp_port_range(const struct net *net, int *low, int *high)
{
	const struct xtcp_sysctl *ctl = &xtcp_pernet(net)->sysctl;

	*low = READ_ONCE(ctl->port_range[0]);
	*high = READ_ONCE(ctl->port_range[1]);
}

/* Does a TIME_WAIT entry keep @sk off @port?  @b is locked. */
static bool xtcp_tw_port_held(const struct sock *sk,
			      const struct xtcp_hbucket *b, u16 port)
{
	u32 n = sk->sk_reuse != SK_NO_REUSE ? b->tw_noreuse : b->tw_bound;

	lockdep_assert_held(&b->lock);

	return n && xtcp_tw_port_conflict(sk, port);
}

/**
 * xtcp_bind_port - give a socket its local port, bind() and listen()
 * @sk: the socket, its local address set; inet_num is 0 or @port
 * @port: the port, or 0 for any free ephemeral port
 *
 * With @sk already holding @port (listen() after bind()) this only checks
 * again for a conflict, as the socket's state may have changed.
 *
 * Return: 0, or -EADDRINUSE.
 */
int xtcp_bind_port(struct sock *sk, u16 port)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_hbucket *b;
	int low, high, i, n;
	struct sock *sk2;
	u32 offset;

	if (!port) {
		xtcp_port_range(net, &low, &high);
		n = high - low + 1;
		offset = get_random_u32_below(n);
		for (i = 0; i < n; i++) {
			port = low + (offset + i) % n;
			if (inet_is_local_reserved_port(net, port))
				continue;
			b = xtcp_bhash_bucket(net, port);
			spin_lock_bh(&b->lock);
			if (!xtcp_port_in_use(b, net, port) &&
			    !xtcp_tw_port_held(sk, b, port))
				goto found;
			spin_unlock_bh(&b->lock);
		}
		return -EADDRINUSE;
	}

	b = xtcp_bhash_bucket(net, port);
	spin_lock_bh(&b->lock);
	inet->inet_num = port;
	sk_for_each_bound(sk2, &b->chain) {
		if (xtcp_bind_conflict(sk, sk2))
			goto in_use;
	}
	if (xtcp_tw_port_held(sk, b, port))
		goto in_use;
	if (!sk_unhashed_bound(sk)) {
		spin_unlock_bh(&b->lock);
		return 0;
	}
found:
	inet->inet_num = port;
	inet->inet_sport = htons(port);
	sk_add_bind_node(sk, &b->chain);
	spin_unlock_bh(&b->lock);
	return 0;

in_use:
	if (sk_unhashed_bound(sk))
		inet->inet_num = 0;
	spin_unlock_bh(&b->lock);
	return -EADDRINUSE;
}

/* Every holder of the port took it for a connection of its own. */
static bool xtcp_port_shareable(const struct xtcp_hbucket *b,
				const struct net *net, u16 port)
{
	struct sock *sk2;

	sk_for_each_bound(sk2, &b->chain)
		if (net_eq(sock_net(sk2), net) &&
		    inet_sk(sk2)->inet_num == port &&
		    !xtcp_sk(sk2)->connect_port)
			return false;
	return true;
}

VISIBLE_IF_KUNIT u16 xtcp_port_offset(__be32 saddr, __be32 daddr,
				      __be16 dport)
{
	return siphash_3u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)dport, &xtcp_port_key);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_port_offset);

/**
 * xtcp_bind_connect_port - local port and table entries for connect()
 * @sk: the socket, its addresses and destination port set
 * @inh: what @sk inherits if it takes over a TIME_WAIT entry's 4-tuple
 *
 * A socket bound by the user keeps its port; the 4-tuple must be free.
 * Otherwise the port is chosen by RFC 6056's double-hash algorithm
 * (section 3.3.4): a keyed hash of the destination picks where to start
 * in the namespace's range, a second picks a counter that moves on after
 * each use, and the first port that no bind() or listen() holds and whose
 * 4-tuple is free is taken.  Ports taken this way are shared by
 * connections to different destinations, as TCP shares them.
 *
 * Return: 0 with @sk in bhash and ehash, or -EADDRNOTAVAIL.
 */
int xtcp_bind_connect_port(struct sock *sk, struct xtcp_tw_inherit *inh)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct xtcp_hbucket *b, *eb;
	u32 offset, index, base;
	int low, high, i, n;
	u16 port;

	if (inet->inet_num)
		return xtcp_hash_established(sk, inh);

	xtcp_port_range(net, &low, &high);
	n = high - low + 1;
	offset = xtcp_port_offset(inet->inet_rcv_saddr, inet->inet_daddr,
				  inet->inet_dport) + net_hash_mix(net);
	index = hash_32(offset ^ (__force u32)inet->inet_daddr,
			XTCP_PERTURB_SHIFT);
	base = READ_ONCE(xtcp_port_perturb[index]);

	for (i = 0; i < n; i++) {
		port = low + (offset + base + i) % n;
		if (inet_is_local_reserved_port(net, port))
			continue;
		b = xtcp_bhash_bucket(net, port);
		spin_lock_bh(&b->lock);
		if (!xtcp_port_shareable(b, net, port)) {
			spin_unlock_bh(&b->lock);
			continue;
		}
		eb = xtcp_ehash_bucket(net, inet->inet_rcv_saddr, port,
				       inet->inet_daddr, inet->inet_dport);
		spin_lock(&eb->lock);
		if (xtcp_ehash_taken(sk, eb, net, inet->inet_daddr,
				     inet->inet_dport, inet->inet_rcv_saddr,
				     port, false, inh)) {
			spin_unlock(&eb->lock);
			spin_unlock_bh(&b->lock);
			continue;
		}
		inet->inet_num = port;
		inet->inet_sport = htons(port);
		xtcp_sk(sk)->connect_port = 1;
		sk_add_bind_node(sk, &b->chain);
		sk_add_node(sk, &eb->chain);
		spin_unlock(&eb->lock);
		spin_unlock_bh(&b->lock);
		xtcp_tw_taken(net, inh);
		/* Section 3.3.4: move on by a small random step. */
		WRITE_ONCE(xtcp_port_perturb[index],
			   base + i + 1 + get_random_u32_below(4));
		return 0;
	}
	return -EADDRNOTAVAIL;
}

/* Give the local port back, unless the user bound the socket to it. */
void xtcp_put_port(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_hbucket *b;

	if (sk_unhashed_bound(sk))
		return;
	b = xtcp_bhash_bucket(sock_net(sk), inet->inet_num);
	spin_lock_bh(&b->lock);
	__sk_del_bind_node(sk);
	sk_node_init(&sk->sk_bind_node);
	spin_unlock_bh(&b->lock);
	inet->inet_num = 0;
	inet->inet_sport = 0;
	xtcp_sk(sk)->connect_port = 0;
}

/*
 * A TIME_WAIT entry of a connection whose port was bound holds the port
 * against bind(): the bhash bucket counts such entries, and those without
 * SO_REUSEADDR.  bind() looks for them (xtcp_tw_port_conflict()) only
 * where one could conflict: not when the bucket has none, nor when the
 * socket sets SO_REUSEADDR and every entry counted did too (a server
 * restarting over its own TIME_WAITs).
 */
void xtcp_tw_port_hold(const struct net *net, u16 port, bool reuse)
{
	struct xtcp_hbucket *b = xtcp_bhash_bucket(net, port);

	spin_lock_bh(&b->lock);
	b->tw_bound++;
	if (!reuse)
		b->tw_noreuse++;
	spin_unlock_bh(&b->lock);
}

void xtcp_tw_port_put(const struct net *net, u16 port, bool reuse)
{
	struct xtcp_hbucket *b = xtcp_bhash_bucket(net, port);

	spin_lock_bh(&b->lock);
	b->tw_bound--;
	if (!reuse)
		b->tw_noreuse--;
	spin_unlock_bh(&b->lock);
}

/* A listener's child shares its port. */
void xtcp_inherit_port(struct sock *parent, struct sock *child)
{
	struct xtcp_hbucket *b = xtcp_bhash_bucket(sock_net(parent),
						   inet_sk(parent)->inet_num);

	spin_lock(&b->lock);
	sk_add_bind_node(child, &b->chain);
	spin_unlock(&b->lock);
}

/* One lockdep class per table: connect() nests ehash inside bhash. */
static struct lock_class_key xtcp_ehash_key, xtcp_lhash_key, xtcp_bhash_key;

#define XTCP_END_BATCH	16

/*
 * Up to XTCP_END_BATCH kernel sockets of @net in bucket @b not yet in
 * @tried, referenced, into @out; how many.
 */
static unsigned int xtcp_kernel_socks(struct xtcp_hbucket *b,
				      const struct net *net,
				      struct sock **out, unsigned int tried)
{
	unsigned int n = 0, seen = 0;
	struct sock *sk;

	spin_lock_bh(&b->lock);
	sk_for_each(sk, &b->chain) {
		if (!net_eq(sock_net(sk), net) || sk->sk_net_refcnt)
			continue;
		if (seen++ < tried)
			continue;
		sock_hold(sk);
		out[n++] = sk;
		if (n == XTCP_END_BATCH)
			break;
	}
	spin_unlock_bh(&b->lock);
	return n;
}

static void xtcp_end_bucket(struct xtcp_hbucket *b, const struct net *net)
{
	struct sock *batch[XTCP_END_BATCH];
	unsigned int n, i, tried = 0;

	while ((n = xtcp_kernel_socks(b, net, batch, tried))) {
		for (i = 0; i < n; i++) {
			/* One still hashed when done is not met again. */
			if (xtcp_diag_destroy(batch[i], ECONNABORTED) ||
			    !sk_unhashed(batch[i]))
				tried++;
			sock_put(batch[i]);
		}
		cond_resched();
	}
}

/**
 * xtcp_net_end_sockets - end the sockets a dying namespace still has
 * @net: the namespace, in its pre_exit
 *
 * Only kernel sockets (sock_create_kern()) can be left: they hold no
 * reference on their namespace, and neither do the children and orphans
 * they leave, while a user's socket keeps its namespace alive until it
 * is freed.  Each is ended as SOCK_DESTROY ends a socket
 * (xtcp_diag_destroy(): a reset where one is due, ECONNABORTED to its
 * owner, an orphan freed), so that none of their timers runs and none of
 * their segments is sent once the namespace's state is gone.  Its
 * TIME_WAIT entries go with the namespace (xtcp_tw_exit_net()).
 */
void xtcp_net_end_sockets(struct net *net)
{
	unsigned int i;

	if (sock_prot_inuse_get(net, &xtcp_prot) <= 0)
		return;
	for (i = 0; i <= xtcp_tables.lhash_mask; i++)
		xtcp_end_bucket(&xtcp_tables.lhash[i], net);
	for (i = 0; i <= xtcp_tables.ehash_mask; i++)
		xtcp_end_bucket(&xtcp_tables.ehash[i], net);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_net_end_sockets);

static struct xtcp_hbucket *xtcp_alloc_buckets(unsigned int n,
					       struct lock_class_key *key)
{
	struct xtcp_hbucket *t;
	unsigned int i;

	t = kvcalloc(n, sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	for (i = 0; i < n; i++) {
		spin_lock_init(&t[i].lock);
		lockdep_set_class(&t[i].lock, key);
		INIT_HLIST_HEAD(&t[i].chain);
		INIT_HLIST_HEAD(&t[i].tw_chain);
	}
	return t;
}

#define XTCP_EHASH_SIZE	BIT(14)
#define XTCP_LHASH_SIZE	BIT(8)
#define XTCP_BHASH_SIZE	BIT(12)

int xtcp_hash_init(void)
{
	get_random_bytes(&xtcp_hash_secret, sizeof(xtcp_hash_secret));
	get_random_bytes(&xtcp_port_key, sizeof(xtcp_port_key));
	get_random_bytes(xtcp_port_perturb, sizeof(xtcp_port_perturb));

	xtcp_tables.ehash = xtcp_alloc_buckets(XTCP_EHASH_SIZE,
					       &xtcp_ehash_key);
	xtcp_tables.lhash = xtcp_alloc_buckets(XTCP_LHASH_SIZE,
					       &xtcp_lhash_key);
	xtcp_tables.bhash = xtcp_alloc_buckets(XTCP_BHASH_SIZE,
					       &xtcp_bhash_key);
	if (!xtcp_tables.ehash || !xtcp_tables.lhash || !xtcp_tables.bhash) {
		xtcp_hash_exit();
		return -ENOMEM;
	}
	xtcp_tables.ehash_mask = XTCP_EHASH_SIZE - 1;
	xtcp_tables.lhash_mask = XTCP_LHASH_SIZE - 1;
	xtcp_tables.bhash_mask = XTCP_BHASH_SIZE - 1;
	return 0;
}

void xtcp_hash_exit(void)
{
	kvfree(xtcp_tables.ehash);
	kvfree(xtcp_tables.lhash);
	kvfree(xtcp_tables.bhash);
	memset(&xtcp_tables, 0, sizeof(xtcp_tables));
}
