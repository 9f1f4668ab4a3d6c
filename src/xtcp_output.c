// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP transmit path.
 *
 * Segments of a socket are built here and leave through ip_queue_xmit(),
 * the route cached on the socket and the whole IPv4 output path
 * (netfilter, tc, taps).  Data, SYN and FIN occupy sequence space and sit
 * in the write queue, one segment per skb, until acknowledged.  A segment
 * sent alone leaves as a clone whose header is pushed into the headroom
 * the queued skb keeps free; segments sent together leave as one GSO skb
 * referring to their pages (struct xtcp_batch), cut up as late as
 * possible (xtcp_offload.c).  Either way the data is copied once, from
 * the user.  The checksum is left to the device or to the stack
 * (CHECKSUM_PARTIAL over XTCP's pseudo-header).  Window selection, SACK
 * blocks, Nagle and corking, retransmission, loss marking and the rate
 * limits of answers to bad segments live here too.  All of it runs under
 * the socket lock, but for the segments of no socket below.
 *
 * Segments that belong to no socket, the reset RFC 9293 3.10.7.1 sends in
 * reply to a segment for a connection that does not exist, leave through
 * the namespace's control socket, a raw IPv4 socket of XTCP's protocol
 * number that IP input never sees (inet_ctl_sock_create() unhashes it);
 * ip_build_and_send_pkt() only reads it, so CPUs share it without a lock.
 */

#include <linux/security.h>
#include <linux/skbuff.h>
#include <linux/skbuff_ref.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <net/inet_dscp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/route.h>
#include "xtcp_protocol.h"
#include <trace/events/xtcp.h>

/**
 * xtcp_reset_for - the reset answering a segment, RFC 9293 3.10.7.1
 * @th: the received segment's header
 * @seglen: SEG.LEN, its data plus one for SYN and one for FIN
 * @rst: the reset's header, filled in but for the checksum
 *
 * A reset is never answered.  A segment carrying an ACK gets
 * <SEQ=SEG.ACK><CTL=RST>; one without gets
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 *
 * Return: false when no reset is to be sent.
 */
VISIBLE_IF_KUNIT bool xtcp_reset_for(const struct xtcphdr *th,
				     unsigned int seglen, struct xtcphdr *rst)
{
	if (th->flags & XTCP_FLAG_RST)
		return false;

	memset(rst, 0, sizeof(*rst));
	rst->source = th->dest;
	rst->dest = th->source;
	xtcp_set_hdrlen(rst, XTCP_HDR_LEN);
	if (th->flags & XTCP_FLAG_ACK) {
		rst->seq = th->ack_seq;
		rst->flags = XTCP_FLAG_RST;
	} else {
		rst->ack_seq = htonl(ntohl(th->seq) + seglen);
		rst->flags = XTCP_FLAG_RST | XTCP_FLAG_ACK;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_reset_for);

/* SEG.LEN of a validated segment whose header is linear. */
static unsigned int xtcp_seg_len(const struct sk_buff *skb)
{
	const struct xtcphdr *th = xtcp_hdr(skb);

	return skb->len - xtcp_hdrlen(th) +
	       !!(th->flags & XTCP_FLAG_SYN) + !!(th->flags & XTCP_FLAG_FIN);
}

/*
 * Answer @skb with the header @th (@hdrlen bytes, options included) from
 * no socket, through the namespace's control socket: 0 when sent, an
 * errno, or 1 when a KUnit test took it instead (its static stub, which
 * sees the crafted skbs of the tests, with no input route).  Only a
 * segment addressed to a local unicast address is answered (the caller
 * has dropped broadcast and multicast ones), and never towards a
 * broadcast or multicast address (a spoofed source).  As TCP's replies
 * do, the answer leaves by the VRF the segment came in on, reflects its
 * TOS, and carries the mark net.ipv4.fwmark_reflect gives it.
 */
VISIBLE_IF_KUNIT int xtcp_v4_send_reply(struct net *net, struct sk_buff *skb,
					const struct xtcphdr *th,
					unsigned int hdrlen)
{
	const struct rtable *in_rt = skb_rtable(skb);
	u32 mark = IP4_REPLY_MARK(net, skb->mark);
	struct xtcp_net *xn = xtcp_pernet(net);
	const struct iphdr *iph = ip_hdr(skb);
	struct sk_buff *nskb;
	struct xtcphdr *nth;
	struct flowi4 fl4;
	struct rtable *rt;
	int oif = 0, err;

	KUNIT_STATIC_STUB_REDIRECT(xtcp_v4_send_reply, net, skb, th, hdrlen);
	/* Crafted skbs have no input route: nothing to answer. */
	if (!in_rt || in_rt->rt_type != RTN_LOCAL)
		return -EINVAL;

	if (netif_index_is_l3_master(net, skb->skb_iif))
		oif = skb->skb_iif;
	flowi4_init_output(&fl4, oif, mark, iph->tos & INET_DSCP_MASK,
			   RT_SCOPE_UNIVERSE, xtcp_ipproto, 0, iph->saddr,
			   iph->daddr, th->dest, th->source,
			   sock_net_uid(net, NULL));
	security_skb_classify_flow(skb, flowi4_to_flowi_common(&fl4));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
		ip_rt_put(rt);
		return -EINVAL;
	}

	nskb = alloc_skb(MAX_HEADER + sizeof(struct iphdr) + hdrlen,
			 GFP_ATOMIC);
	if (!nskb) {
		ip_rt_put(rt);
		return -ENOBUFS;
	}
	skb_reserve(nskb, MAX_HEADER + sizeof(struct iphdr));
	skb_dst_set(nskb, &rt->dst);
	nth = skb_put_data(nskb, th, hdrlen);
	skb_reset_transport_header(nskb);
	nth->check = xtcp_v4_check(hdrlen, fl4.saddr, fl4.daddr,
				   csum_partial(nth, hdrlen, 0));
	nskb->ip_summed = CHECKSUM_NONE;
	nskb->mark = mark;

	/* Not inside net_xmit_eval(): it evaluates its argument twice. */
	err = ip_build_and_send_pkt(nskb, xn->ctl_sk, fl4.saddr, fl4.daddr,
				    NULL, iph->tos & ~INET_ECN_MASK);
	err = net_xmit_eval(err);
	if (!err)
		XTCP_INC_STATS(net, XTCP_MIB_OUTSEGS);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_v4_send_reply);

/**
 * xtcp_v4_send_reset - answer a segment no socket takes with a reset
 * @net: the namespace it arrived in
 * @skb: the validated segment, data at the XTCP header
 */
void xtcp_v4_send_reset(struct net *net, struct sk_buff *skb)
{
	struct xtcphdr rst;

	if (!xtcp_reset_for(xtcp_hdr(skb), xtcp_seg_len(skb), &rst))
		return;
	if (!xtcp_v4_send_reply(net, skb, &rst, sizeof(rst))) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTRSTS);
		trace_xtcp_send_reset(NULL, skb);
	}
}

/**
 * xtcp_tw_send_ack - a TIME_WAIT entry's ACK
 * @net: the namespace
 * @skb: the segment it answers
 * @r: what the entry said: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, its
 *     window and timestamps
 */
void xtcp_tw_send_ack(struct net *net, struct sk_buff *skb,
		      const struct xtcp_tw_reply *r)
{
	const struct xtcphdr *in = xtcp_hdr(skb);
	struct xtcp_opts opts = {};
	u8 buf[XTCP_MAX_HDR_LEN];
	struct xtcphdr *th = (struct xtcphdr *)buf;
	unsigned int hdrlen;

	if (r->has_ts) {
		opts.has_tstamp = 1;
		opts.tsval = r->tsval;
		opts.tsecr = r->tsecr;
	}
	hdrlen = XTCP_HDR_LEN + xtcp_options_size(&opts, false);
	memset(buf, 0, hdrlen);
	th->source = in->dest;
	th->dest = in->source;
	th->seq = htonl(r->seq);
	th->ack_seq = htonl(r->ack);
	th->flags = XTCP_FLAG_ACK;
	xtcp_set_hdrlen(th, hdrlen);
	th->window = htons(r->window);
	xtcp_build_options((u8 *)(th + 1), &opts, false);
	xtcp_v4_send_reply(net, skb, th, hdrlen);
}

/* The largest segment the route's MTU lets us send or receive. */
unsigned int xtcp_mss_for_mtu(const struct sock *sk, unsigned int mtu)
{
	const struct ip_options_rcu *opt;
	unsigned int optlen = 0;
	int mss;

	rcu_read_lock();
	opt = rcu_dereference(inet_sk(sk)->inet_opt);
	if (opt)
		optlen = opt->opt.optlen;
	rcu_read_unlock();

	mss = mtu - sizeof(struct iphdr) - optlen - XTCP_HDR_LEN;
	return clamp(mss, 88, 65535);
}

/*
 * Add the run [@start, @end) to the SACK blocks being built: first if it
 * holds the newest out-of-order arrival, else after the others, keeping
 * a place for that one until it is found.  Returns true once full.
 */
static bool xtcp_sack_emit(struct xtcp_sack_block *sp, unsigned int *n,
			   unsigned int max, bool *found, u32 start, u32 end,
			   u32 newest)
{
	if (!*found && !xtcp_seq_before(newest, start) &&
	    xtcp_seq_before(newest, end)) {
		*n = min(*n + 1, max);
		memmove(sp + 1, sp, (*n - 1) * sizeof(*sp));
		sp[0].start = start;
		sp[0].end = end;
		*found = true;
	} else if (*n < max - !*found) {
		sp[*n].start = start;
		sp[*n].end = end;
		(*n)++;
	}
	return *found && *n == max;
}

/**
 * xtcp_select_wscale - the window scale we offer, RFC 7323 section 2.3
 * @sk: the socket
 *
 * The smallest shift that lets the window field express the largest
 * window the receive buffer could ever back (RFC 7323 2.3) and
 * TCP_WINDOW_CLAMP allows, as TCP's
 * tcp_select_initial_window() chooses it.  At most 14.
 *
 * Return: the shift.
 */
u8 xtcp_select_wscale(const struct sock *sk)
{
	u32 space = xtcp_win_from_space(READ_ONCE(sk->sk_rcvbuf));
	int rmem_max;
	u8 ws = 0;

	/*
	 * The largest window the socket may offer: half its buffer, which
	 * SO_RCVBUF fixes; else autotuning may take the buffer to rmem's
	 * maximum, and SO_RCVBUF to twice net.core.rmem_max.
	 */
	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
		rmem_max = READ_ONCE(xtcp_sysctl(sk)->rmem[2]);
		space = max3(space, xtcp_win_from_space(rmem_max),
			     (u32)READ_ONCE(sysctl_rmem_max));
	}
	/* Nor more than TCP_WINDOW_CLAMP allows, as in TCP. */
	space = xtcp_window_clamped(sk, space);
	while (space > (XTCP_MAX_WINDOW << ws) && ws < XTCP_MAX_WSCALE)
		ws++;
	return ws;
}

/*
 * The window to advertise: the free receive buffer, halved for skb
 * overhead, without ever moving the right edge of the window we last
 * advertised back (RFC 9293 3.8.6.2.1).  Receiver-side silly window
 * avoidance (3.8.6.2.2): the right edge moves on only by at least
 * min(buffer / 2, MSS), and a window below one MSS is not offered anew;
 * the MSS is the size of the peer's segments (xtcp_rcv_mss()), which
 * their options make smaller than ours.
 * The field holds the window shifted right by our scale (RFC 7323 2.2,
 * never on a SYN): a new window is rounded down to what it can express,
 * the current one up, so the right edge stays.
 */
static u32 xtcp_select_window(struct sock *sk, bool syn)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	unsigned int ws = syn ? 0 : xsk->rcv_wscale;
	u32 max_win = XTCP_MAX_WINDOW << ws, cur, space, full, mss;

	cur = min(xtcp_receive_window(xsk), max_win);
	space = min(xtcp_rcv_wnd_space(sk), max_win);
	/* XTCP's memory is short: offer little more (TCP's rcv_ssthresh). */
	if (!syn && sk_under_memory_pressure(sk))
		space = min(space, 4U * xsk->advmss);
	/* A buffer smaller than a segment still gets a window. */
	full = min(xtcp_full_window(sk), max_win);
	mss = min_t(u32, xtcp_rcv_mss(xsk), full);
	cur = min(ALIGN(cur, 1U << ws), max_win);
	if (space <= cur || space - cur < min(full / 2, mss) || space < mss)
		return cur;
	return max(round_down(space, 1U << ws), cur);
}

/*
 * SACK blocks for an ACK, RFC 2018 section 4: the out-of-order queue's
 * runs of contiguous data (a FIN counts), the one holding the newest
 * arrival first, the others from the highest down.  At most @max.
 */
static unsigned int xtcp_sack_fill(const struct xtcp_sock *xsk,
				   struct xtcp_sack_block *sp,
				   unsigned int max)
{
	bool found = false, open = false;
	u32 start = 0, end = 0, s, e;
	unsigned int n = 0;
	struct sk_buff *p;

	if (!max)
		return 0;
	skb_queue_reverse_walk(&xsk->ofo_queue, p) {
		s = XTCP_SKB_CB(p)->seq;
		e = XTCP_SKB_CB(p)->end_seq +
		    !!(XTCP_SKB_CB(p)->flags & XTCP_FLAG_FIN);
		if (open && !xtcp_seq_before(e, start)) {
			/* Overlapping or adjacent: one run. */
			if (xtcp_seq_before(s, start))
				start = s;
			if (xtcp_seq_after(e, end))
				end = e;
			continue;
		}
		if (open && xtcp_sack_emit(sp, &n, max, &found, start, end,
					   xsk->ofo_last))
			return n;
		start = s;
		end = e;
		open = true;
	}
	if (open)
		xtcp_sack_emit(sp, &n, max, &found, start, end, xsk->ofo_last);
	return n;
}

/*
 * SACK blocks a segment of @len data bytes has room for: a data segment
 * must stay within the MSS the options count against (RFC 6691), a bare
 * ACK only within the 40 bytes of options.
 */
static unsigned int xtcp_sack_room(const struct xtcp_sock *xsk,
				   unsigned int len)
{
	/* Beside timestamps, three fit in 40 bytes; else four. */
	unsigned int max = XTCP_MAX_SACKS - xsk->tstamp_ok, room;

	if (!len)
		return max;
	/* mss_cache already left room for the timestamps. */
	room = xsk->mss_cache > len ? xsk->mss_cache - len : 0;
	if (room < 4 + XTCPOLEN_SACK_PERBLOCK)
		return 0;
	return min(max, (room - 4) / XTCPOLEN_SACK_PERBLOCK);
}

/*
 * Hand a segment of @sk, its header pushed and checksummed, to IP by the
 * socket's route.  The function every segment of a socket leaves
 * through, so that a KUnit test can take them here with a static stub.
 */
VISIBLE_IF_KUNIT int xtcp_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	int err;

	KUNIT_STATIC_STUB_REDIRECT(xtcp_queue_xmit, sk, skb);
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	err = ip_queue_xmit(sk, skb, &inet_sk(sk)->cork.fl);
	return net_xmit_eval(err);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_queue_xmit);

/*
 * The device finishes the sum only if it can sum any protocol: a
 * NETIF_F_IP_CSUM one sums TCP and UDP alone and would send ours wrong.
 * (A device stacked above one, such as a bridge, speaks for itself only.)
 */
static bool xtcp_csum_by_device(const struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	return dst && dst->dev &&
	       (READ_ONCE(dst->dev->features) & NETIF_F_HW_CSUM);
}

/**
 * xtcp_transmit_skb - send one segment of a socket
 * @sk: the socket, locked
 * @skb: the segment: payload, and seq and flags in its control block
 * @clone: @skb stays queued for retransmission; send a copy
 *
 * Every segment but the first SYN carries ACK, RCV.NXT and the window.
 *
 * Return: 0, or a negative errno when the segment did not leave.
 */
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_opts opts = {};
	unsigned int hdrlen;
	struct xtcphdr *th;
	unsigned int segs;
	bool syn;
	u8 flags;
	u32 win;

	lockdep_assert(lockdep_sock_is_held(sk));

	if (clone) {
		/* A clone still in flight owns the headroom: copy. */
		if (skb_cloned(skb))
			skb = pskb_copy(skb, GFP_ATOMIC);
		else
			skb = skb_clone(skb, GFP_ATOMIC);
		if (!skb)
			return -ENOBUFS;
	}

	flags = XTCP_SKB_CB(skb)->flags;
	syn = flags & XTCP_FLAG_SYN;
	if (sk->sk_state != TCP_SYN_SENT)
		flags |= XTCP_FLAG_ACK;
	if (syn) {
		opts.has_mss = 1;
		opts.mss = xsk->advmss;
		opts.has_wscale = xsk->wscale_ok;
		opts.wscale = xsk->rcv_wscale;
		opts.sack_ok = xsk->sack_ok;
	}
	if (xsk->tstamp_ok) {
		opts.has_tstamp = 1;
		opts.tsval = xtcp_ts_now(xsk);
		opts.tsecr = xsk->ts_recent;
	}
	if (!syn && xsk->sack_ok && (flags & XTCP_FLAG_ACK) &&
	    !(flags & XTCP_FLAG_RST) && !skb_queue_empty(&xsk->ofo_queue))
		opts.num_sacks = xtcp_sack_fill(xsk, opts.sacks,
						xtcp_sack_room(xsk, skb->len));
	hdrlen = XTCP_HDR_LEN + xtcp_options_size(&opts, syn);

	th = skb_push(skb, hdrlen);
	skb_reset_transport_header(skb);
	skb_set_owner_w(skb, sk);

	win = xtcp_select_window(sk, syn);
	memset(th, 0, XTCP_HDR_LEN);
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(XTCP_SKB_CB(skb)->seq);
	th->flags = flags;
	xtcp_set_hdrlen(th, hdrlen);
	if (flags & XTCP_FLAG_ACK) {
		th->ack_seq = htonl(xsk->rcv_nxt);
		if (xsk->rcv_wup != xsk->rcv_nxt && xsk->quickacks)
			xsk->quickacks--;
		xsk->rcv_wup = xsk->rcv_nxt;
		xsk->rcv_wnd = win;
		/* This ACK is the one the delayed-ACK timer waited for. */
		if (xsk->ack_pending) {
			xsk->ack_pending = 0;
			xtcp_delack_timer_stop(sk);
		}
	}
	th->window = htons(syn ? win : win >> xsk->rcv_wscale);
	xtcp_build_options((u8 *)(th + 1), &opts, syn);
	if (opts.num_sacks)
		XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_SACKBLOCKSOUT,
			       opts.num_sacks);

	if (skb_is_gso(skb) || xtcp_csum_by_device(sk)) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct xtcphdr, check);
		th->check = ~xtcp_v4_check(skb->len, inet->inet_saddr,
					   inet->inet_daddr, 0);
	} else {
		th->check = 0;
		th->check = xtcp_v4_check(skb->len, inet->inet_saddr,
					  inet->inet_daddr,
					  skb_checksum(skb, 0, skb->len, 0));
		skb->ip_summed = CHECKSUM_NONE;
	}

	segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	xsk->segs_out += segs;
	XTCP_ADD_STATS(sock_net(sk), XTCP_MIB_OUTSEGS, segs);
	if (flags & XTCP_FLAG_RST) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_OUTRSTS);
		trace_xtcp_send_reset(sk, skb);
	}

	return xtcp_queue_xmit(sk, skb);
}

static struct sk_buff *xtcp_alloc_ctl_skb(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(XTCP_MAX_HEADER, gfp);

	if (skb)
		skb_reserve(skb, XTCP_MAX_HEADER);
	return skb;
}

/* An empty ACK carrying RCV.NXT and the window. */
void xtcp_send_ack(struct sock *sk)
{
	struct sk_buff *skb;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	skb = xtcp_alloc_ctl_skb(sk, GFP_ATOMIC);
	if (!skb)
		return;
	XTCP_SKB_CB(skb)->seq = xtcp_sk(sk)->snd_nxt;
	XTCP_SKB_CB(skb)->flags = XTCP_FLAG_ACK;
	xtcp_transmit_skb(sk, skb, false);
}

/* Abort: <SEQ=SND.NXT><CTL=RST,ACK>, RFC 9293 3.10.4 and 3.10.7.4. */
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN ||
	    sk->sk_state == TCP_SYN_SENT)
		return;
	/*
	 * A reset that cannot go leaves the peer to its own timeouts:
	 * counted, as TCP's TCPAbortFailed.
	 */
	skb = xtcp_alloc_ctl_skb(sk, gfp);
	if (!skb) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTFAILED);
		return;
	}
	XTCP_SKB_CB(skb)->seq = xtcp_sk(sk)->snd_nxt;
	XTCP_SKB_CB(skb)->flags = XTCP_FLAG_RST | XTCP_FLAG_ACK;
	if (xtcp_transmit_skb(sk, skb, false))
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTFAILED);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_send_active_reset);

/*
 * A zero-window or keepalive probe: a bare ACK carrying SND.UNA - 1, a
 * sequence number the peer has seen, so it must answer with an ACK and
 * its window (RFC 9293 3.8.6.1 and 3.8.4; TCP's tcp_xmit_probe_skb()).
 */
void xtcp_send_probe(struct sock *sk)
{
	struct sk_buff *skb;

	skb = xtcp_alloc_ctl_skb(sk, GFP_ATOMIC);
	if (!skb)
		return;
	XTCP_SKB_CB(skb)->seq = xtcp_sk(sk)->snd_una - 1;
	XTCP_SKB_CB(skb)->flags = XTCP_FLAG_ACK;
	xtcp_transmit_skb(sk, skb, false);
}

/* A SYN or FIN joins the write queue, charged whatever the memory. */
static void xtcp_queue_skb(struct sock *sk, struct sk_buff *skb)
{
	__skb_queue_tail(&sk->sk_write_queue, skb);
	xtcp_forced_mem_schedule(sk, skb->truesize, SK_MEM_SEND);
	xtcp_wmem_charge(sk, skb);
	if (!sk->sk_send_head)
		sk->sk_send_head = skb;
}

/*
 * The SYN of an active open (a simultaneous open sends it again as a
 * SYN-ACK): <SEQ=ISS><CTL=SYN>, queued like data so the retransmission
 * timer resends it until it is acknowledged.  A listener's SYN-ACKs come
 * from its requests (xtcp_listen.c).
 */
int xtcp_send_syn(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct sk_buff *skb;

	skb = alloc_skb_fclone(XTCP_MAX_HEADER, sk_gfp_mask(sk, GFP_ATOMIC));
	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, XTCP_MAX_HEADER);
	XTCP_SKB_CB(skb)->seq = xsk->iss;
	XTCP_SKB_CB(skb)->end_seq = xsk->iss + 1;
	XTCP_SKB_CB(skb)->flags = XTCP_FLAG_SYN;
	XTCP_SKB_CB(skb)->sacked = 0;
	xsk->snd_una = xsk->iss;
	WRITE_ONCE(xsk->snd_nxt, xsk->iss);
	WRITE_ONCE(xsk->write_seq, xsk->iss + 1);
	/* A new connection: no RTT known, RFC 6298's initial RTO. */
	memset(&xsk->rtt, 0, sizeof(xsk->rtt));
	xsk->rto_ns = xtcp_rto_base(sk);
	xtcp_cc_init(&xsk->cc, xsk->iss);
	xsk->packets_out = 0;
	xsk->lost_out = 0;
	xsk->sacked_out = 0;
	xsk->snd_sml = xsk->iss;
	xsk->rcv_stamp_ns = ktime_get_ns();
	xtcp_queue_skb(sk, skb);
	xtcp_push(sk);
	return 0;
}

/* Queue our FIN after the data, on the last unsent segment if any. */
void xtcp_send_fin(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct sk_buff *skb;

	if (xsk->fin_queued)
		return;
	skb = skb_peek_tail(&sk->sk_write_queue);
	if (skb && sk->sk_send_head) {
		XTCP_SKB_CB(skb)->flags |= XTCP_FLAG_FIN;
	} else {
		/* Must not fail: loop as TCP's tcp_send_fin() does. */
		skb = alloc_skb_fclone(XTCP_MAX_HEADER,
				       sk->sk_allocation | __GFP_NOFAIL);
		skb_reserve(skb, XTCP_MAX_HEADER);
		XTCP_SKB_CB(skb)->seq = xsk->write_seq;
		XTCP_SKB_CB(skb)->end_seq = xsk->write_seq;
		XTCP_SKB_CB(skb)->flags = XTCP_FLAG_FIN;
		XTCP_SKB_CB(skb)->sacked = 0;
		xtcp_queue_skb(sk, skb);
	}
	XTCP_SKB_CB(skb)->end_seq++;
	WRITE_ONCE(xsk->write_seq, xsk->write_seq + 1);
	xsk->fin_queued = 1;
	xtcp_push(sk);
}

/*
 * Segments in flight, as congestion control counts them: RFC 6675's pipe.
 * What the peer SACKed has left the network, and so has what is presumed
 * lost and not yet resent; a retransmission counts as the original.
 */
u32 xtcp_in_flight(const struct xtcp_sock *xsk)
{
	u32 left = xsk->sacked_out + xsk->lost_out;

	return xsk->packets_out > left ? xsk->packets_out - left : 0;
}

/**
 * xtcp_mark_lost - presume a segment in flight lost
 * @sk: the socket, locked
 * @skb: a sent segment of the write queue
 *
 * Not one the peer SACKed, nor one already marked or resent since.
 */
void xtcp_mark_lost(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	lockdep_assert(lockdep_sock_is_held(sk));

	if (cb->sacked & (XTCP_SKB_SACKED | XTCP_SKB_LOST | XTCP_SKB_RXT_OUT))
		return;
	cb->sacked |= XTCP_SKB_LOST;
	xtcp_sk(sk)->lost_out++;
}

/**
 * xtcp_retransmit_skb - send a queued segment again
 * @sk: the socket, locked
 * @skb: a segment of the write queue that was sent before
 *
 * Marks it retransmitted, so it gives no RTT sample (Karn's rule), and
 * no longer lost: its retransmission is in flight.
 *
 * Return: 0, or the transmit error.
 */
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	int err;

	lockdep_assert(lockdep_sock_is_held(sk));

	err = xtcp_transmit_skb(sk, skb, true);
	if (err)
		return err;
	if (cb->sacked & XTCP_SKB_LOST)
		xsk->lost_out--;
	cb->sacked &= ~XTCP_SKB_LOST;
	cb->sacked |= XTCP_SKB_RETRANS | XTCP_SKB_RXT_OUT;
	xsk->total_retrans++;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_RETRANSSEGS);
	trace_xtcp_retransmit_skb(sk, skb);
	return 0;
}

/*
 * Resend what is presumed lost, oldest first, as the congestion window
 * allows: after a timeout everything that was in flight then (the window
 * one segment, growing in slow start), in SACK recovery the holes the
 * scoreboard found (RFC 6675 NextSeg() rule 1).  Segments the peer
 * acknowledges or SACKs meanwhile are no longer marked.
 */
static void xtcp_retransmit_lost(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (!xsk->lost_out || skb == sk->sk_send_head ||
		    xtcp_in_flight(xsk) >= xsk->cc.cwnd)
			break;
		if (!(XTCP_SKB_CB(skb)->sacked & XTCP_SKB_LOST))
			continue;
		if (xtcp_retransmit_skb(sk, skb))
			break;
	}
}

/*
 * Nagle's rule in Minshall's form, as TCP has it: a short segment waits
 * only while an earlier short segment is unacknowledged, so the tail of a
 * bulk write does not wait for a delayed ACK.
 */
static bool xtcp_minshall(const struct xtcp_sock *xsk)
{
	return xsk->packets_out && xtcp_seq_after(xsk->snd_sml, xsk->snd_una) &&
	       !xtcp_seq_after(xsk->snd_sml, xsk->snd_nxt);
}

/* Why xtcp_push() stopped short of the end of the write queue. */
enum xtcp_push_stop {
	XTCP_PUSH_DONE,		/* nothing left unsent */
	XTCP_PUSH_WINDOW,	/* the peer's window */
	XTCP_PUSH_CWND,		/* the congestion window */
	XTCP_PUSH_HOLD,		/* Nagle or TCP_CORK keeps a small segment */
	XTCP_PUSH_ERROR,	/* the transmission failed */
};

/*
 * Segments of the write queue that leave together: from the second on,
 * one GSO skb refers to their pages (xtcp_offload.c), and IP, netfilter
 * and the qdisc see them once.  Only full segments of page fragments
 * join, the last may be shorter; SYN and FIN leave alone.  A batch of one
 * leaves as every segment did before, a clone of the queued skb.
 */
struct xtcp_batch {
	struct sk_buff *first;	/* queued segments, in sequence */
	struct sk_buff *last;
	struct sk_buff *gso;	/* what leaves, once two have joined */
	unsigned int segs;
	unsigned int len;
	unsigned int max_segs;	/* what the route takes, 1 without GSO */
	unsigned int max_len;
};

/*
 * GSO when the route's device segments in software (generic segmentation
 * offload on) or takes ours whole; it never takes it as a hardware job.
 */
static void xtcp_batch_init(struct sock *sk, struct xtcp_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->max_segs = 1;
	if (sk_can_gso(sk) && (sk->sk_route_caps & NETIF_F_GSO) &&
	    sk->sk_gso_max_segs > 1) {
		b->max_segs = sk->sk_gso_max_segs;
		b->max_len = min_t(u32, sk->sk_gso_max_size,
				   GSO_LEGACY_MAX_SIZE) - 1 - XTCP_MAX_HEADER;
	}
}

/* Refer to the pages of @skb from @gso; false if the frags run out. */
static bool xtcp_gso_append(struct sk_buff *gso, const struct sk_buff *skb)
{
	const struct skb_shared_info *from = skb_shinfo(skb);
	struct skb_shared_info *to = skb_shinfo(gso);
	unsigned int n = to->nr_frags, i;
	bool join;

	if (skb_headlen(skb) || skb_has_frag_list(skb) || !from->nr_frags)
		return false;
	join = skb_can_coalesce(gso, n, skb_frag_page(&from->frags[0]),
				skb_frag_off(&from->frags[0]));
	if (n + from->nr_frags - join > MAX_SKB_FRAGS)
		return false;
	for (i = 0; i < from->nr_frags; i++) {
		if (!i && join) {
			skb_frag_size_add(&to->frags[n - 1],
					  skb_frag_size(&from->frags[0]));
			continue;
		}
		to->frags[n] = from->frags[i];
		__skb_frag_ref(&to->frags[n]);
		n++;
	}
	to->nr_frags = n;
	gso->len += skb->len;
	gso->data_len += skb->len;
	gso->truesize += skb->len;
	return true;
}

static bool xtcp_batch_joins(const struct sk_buff *skb)
{
	return skb->len &&
	       !(XTCP_SKB_CB(skb)->flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN));
}

/* Add @skb to the batch; false when the batch must leave first. */
static bool xtcp_batch_add(struct sock *sk, struct xtcp_batch *b,
			   struct sk_buff *skb)
{
	struct sk_buff *gso = b->gso;

	if (!b->segs) {
		b->first = skb;
		b->last = skb;
		b->segs = 1;
		b->len = skb->len;
		return true;
	}
	if (b->segs >= b->max_segs || b->len + skb->len > b->max_len ||
	    b->last->len != b->first->len || skb->len > b->first->len ||
	    !xtcp_batch_joins(skb) || !xtcp_batch_joins(b->first))
		return false;
	if (!gso) {
		gso = alloc_skb(XTCP_MAX_HEADER, sk_gfp_mask(sk, GFP_ATOMIC));
		if (!gso)
			return false;
		skb_reserve(gso, XTCP_MAX_HEADER);
		if (!xtcp_gso_append(gso, b->first)) {
			kfree_skb(gso);
			return false;
		}
		XTCP_SKB_CB(gso)->seq = XTCP_SKB_CB(b->first)->seq;
		XTCP_SKB_CB(gso)->end_seq = XTCP_SKB_CB(b->first)->end_seq;
		XTCP_SKB_CB(gso)->flags = XTCP_SKB_CB(b->first)->flags;
		XTCP_SKB_CB(gso)->sacked = 0;
		b->gso = gso;
	}
	if (!xtcp_gso_append(gso, skb))
		return false;
	XTCP_SKB_CB(gso)->end_seq = XTCP_SKB_CB(skb)->end_seq;
	XTCP_SKB_CB(gso)->flags |= XTCP_SKB_CB(skb)->flags;
	b->last = skb;
	b->segs++;
	b->len += skb->len;
	return true;
}

/*
 * Send the batch; once it left, its segments are in flight.  On failure
 * nothing of it counts as sent.
 */
static int xtcp_batch_flush(struct sock *sk, struct xtcp_batch *b)
{
	struct sk_buff *skb = b->first, *gso = b->gso;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 now = xtcp_clock_us();
	int err;

	if (!b->segs)
		return 0;
	b->segs = 0;
	b->gso = NULL;
	if (gso) {
		skb_shinfo(gso)->gso_size = skb->len;
		skb_shinfo(gso)->gso_segs = DIV_ROUND_UP(gso->len, skb->len);
		skb_shinfo(gso)->gso_type = sk->sk_gso_type;
		err = xtcp_transmit_skb(sk, gso, false);
	} else {
		XTCP_SKB_CB(skb)->tx_us = now;
		err = xtcp_transmit_skb(sk, skb, true);
	}
	if (err)
		return err;

	if (b->len)
		xsk->lsnd_ns = ktime_get_ns();
	for (;;) {
		XTCP_SKB_CB(skb)->tx_us = now;
		WRITE_ONCE(xsk->snd_nxt, XTCP_SKB_CB(skb)->end_seq);
		xsk->packets_out++;
		if (xsk->rtx_mode == XTCP_TIMER_PROBE) {
			/* The window took data: persisting is over. */
			xsk->retransmits = 0;
			xsk->rtx_stamp_ns = 0;
		}
		if (skb->len < xsk->mss_cache)
			xsk->snd_sml = XTCP_SKB_CB(skb)->end_seq;
		if (skb_queue_is_last(&sk->sk_write_queue, skb))
			sk->sk_send_head = NULL;
		else
			sk->sk_send_head = skb_queue_next(&sk->sk_write_queue,
							  skb);
		/* RFC 6298 5.1; a persist timer gives way. */
		if (!hrtimer_is_queued(&xsk->rtx_timer) ||
		    xsk->rtx_mode == XTCP_TIMER_PROBE)
			xtcp_rtx_timer_arm(sk);
		if (skb == b->last)
			break;
		skb = skb_queue_next(&sk->sk_write_queue, skb);
	}
	return 0;
}

/**
 * __xtcp_push - send what the windows allow
 * @sk: the socket, owned or locked in softirq
 * @push_held: let a short last segment go this once, whatever Nagle and
 *	TCP_CORK say (TCP's TCP_NAGLE_PUSH): setting TCP_NODELAY, and the
 *	probe timer's end to a cork
 *
 * First, after a timeout, what is presumed lost; then new segments,
 * within the peer's window and the congestion window.  A segment shorter
 * than the MSS waits while data is in flight (Nagle, RFC 9293 3.7.4)
 * unless TCP_NODELAY is set, and always while TCP_CORK is, unless it
 * carries FIN.  A bare FIN leaves even into a closed window.  When nothing
 * is in flight and the peer's window or the cork keeps data back, the
 * probe timer takes over: it probes the window, or ends the cork an RTO
 * (200 ms at least) after, as TCP's does.  Segments the windows let go
 * together leave as one batch.
 */
void __xtcp_push(struct sock *sk, bool push_held)
{
	enum xtcp_push_stop stop = XTCP_PUSH_DONE;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_skb_cb *cb;
	struct xtcp_batch b;
	struct sk_buff *skb;
	bool syn, fin;

	lockdep_assert(lockdep_sock_is_held(sk));

	if (xsk->lost_out)
		xtcp_retransmit_lost(sk);

	/*
	 * Data again after an idle RTO: the window restarts (RFC 5681 4.1).
	 * The idle time is then used up, also if a closed window keeps the
	 * data back: a second push must not halve the window again for the
	 * same silence.
	 */
	if (!xsk->packets_out && xsk->lsnd_ns && sk->sk_send_head &&
	    READ_ONCE(xtcp_sysctl(sk)->slow_start_after_idle)) {
		u64 now = ktime_get_ns();

		if (xtcp_cc_restart(&xsk->cc, now - xsk->lsnd_ns, xsk->rto_ns))
			xsk->lsnd_ns = now;
	}

	xtcp_batch_init(sk, &b);
	skb = sk->sk_send_head;
	while (skb) {
		cb = XTCP_SKB_CB(skb);
		syn = cb->flags & XTCP_FLAG_SYN;
		fin = cb->flags & XTCP_FLAG_FIN;
		if (skb->len && !syn &&
		    xtcp_seq_after(cb->end_seq - fin,
				   xsk->snd_una + xsk->snd_wnd)) {
			stop = XTCP_PUSH_WINDOW;
			break;
		}
		if (!syn && xtcp_in_flight(xsk) + b.segs >=
			    xtcp_cc_send_quota(&xsk->cc)) {
			stop = XTCP_PUSH_CWND;
			break;
		}
		/*
		 * Nagle and the cork hold back only the queue's last
		 * segment, as TCP's (tcp_write_xmit()): a short one before
		 * it, cut to fit a small window, goes when the window lets it.
		 */
		if (skb->len && skb->len < xsk->mss_cache && !fin &&
		    !push_held && skb_queue_is_last(&sk->sk_write_queue, skb) &&
		    (xsk->corked || !xsk->nodelay)) {
			/* Nagle asks what is in flight: the batch is. */
			if (xtcp_batch_flush(sk, &b)) {
				stop = XTCP_PUSH_ERROR;
				break;
			}
			if (xsk->corked || xtcp_minshall(xsk)) {
				stop = XTCP_PUSH_HOLD;
				break;
			}
		}
		if (!xtcp_batch_add(sk, &b, skb)) {
			if (xtcp_batch_flush(sk, &b)) {
				stop = XTCP_PUSH_ERROR;
				break;
			}
			continue;
		}
		skb = skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL :
		      skb_queue_next(&sk->sk_write_queue, skb);
	}
	if (xtcp_batch_flush(sk, &b))
		stop = XTCP_PUSH_ERROR;

	/*
	 * Data kept back with nothing in flight: probe, try again, or (the
	 * cork: Nagle holds only while data is in flight) send it anyway.
	 */
	if (!xsk->packets_out && (stop == XTCP_PUSH_WINDOW ||
				  stop == XTCP_PUSH_HOLD ||
				  stop == XTCP_PUSH_ERROR))
		xtcp_probe_timer_arm(sk);
}

void xtcp_push(struct sock *sk)
{
	__xtcp_push(sk, false);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_push);

/*
 * Cut @skb of the write queue after @len bytes: a new skb, queued after
 * it, takes the rest with the FIN and PSH flags and the marks.  A segment
 * that was @sent counts twice in flight now.  Returns 0 or -ENOMEM.
 */
static int xtcp_split(struct sock *sk, struct sk_buff *skb, u32 len,
		      bool sent)
{
	struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb), *ncb;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct sk_buff *nskb;
	int truesize;

	nskb = alloc_skb_fclone(XTCP_MAX_HEADER + skb->len - len, GFP_ATOMIC);
	if (!nskb)
		return -ENOMEM;
	skb_reserve(nskb, XTCP_MAX_HEADER);
	if (skb_copy_bits(skb, len, skb_put(nskb, skb->len - len),
			  skb->len - len)) {
		kfree_skb(nskb);
		return -ENOMEM;
	}
	/*
	 * A clone of a sent skb may still be below us: pskb_trim() then
	 * copies the data, which may change truesize; the write queue's
	 * charge follows it, so freeing the skb takes back what it holds.
	 */
	truesize = skb->truesize;
	if (pskb_trim(skb, len)) {
		kfree_skb(nskb);
		return -ENOMEM;
	}
	sk_wmem_queued_add(sk, skb->truesize - truesize);
	sk_mem_charge(sk, skb->truesize - truesize);
	ncb = XTCP_SKB_CB(nskb);
	ncb->seq = cb->seq + len;
	ncb->end_seq = cb->end_seq;
	ncb->flags = cb->flags;
	ncb->sacked = cb->sacked;
	ncb->tx_us = cb->tx_us;
	cb->end_seq = cb->seq + len;
	cb->flags &= ~(XTCP_FLAG_FIN | XTCP_FLAG_PSH);
	__skb_queue_after(&sk->sk_write_queue, skb, nskb);
	/* As tcp_fragment(): a split must not fail for the memory. */
	xtcp_forced_mem_schedule(sk, nskb->truesize, SK_MEM_SEND);
	xtcp_wmem_charge(sk, nskb);
	if (sent) {
		xsk->packets_out++;
		if (ncb->sacked & XTCP_SKB_LOST)
			xsk->lost_out++;
		if (ncb->sacked & XTCP_SKB_SACKED)
			xsk->sacked_out++;
	}
	return 0;
}

/**
 * xtcp_mtu_reduced - an ICMP "fragmentation needed" lowered the path MTU
 * @sk: the socket, locked, not owned by a process (or its owner)
 *
 * RFC 1191, as TCP's tcp_v4_mtu_reduced(): the route takes the MTU of
 * xsk->mtu_info; when path MTU discovery is on (IP_MTU_DISCOVER, DF on
 * every segment) and the MSS the new MTU leaves is below the one in use,
 * that becomes the MSS (never below min_snd_mss), every queued segment is
 * cut to it, and those in flight that were larger are presumed lost and
 * sent again at once, without a congestion response: the path dropped
 * them for their size, not for congestion.
 */
void xtcp_mtu_reduced(struct sock *sk)
{
	u32 floor = READ_ONCE(xtcp_sysctl(sk)->min_snd_mss);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct dst_entry *dst;
	struct sk_buff *skb;
	bool sent = true;
	u32 mss;

	lockdep_assert_held(&sk->sk_lock.slock);
	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE | TCPF_SYN_SENT))
		return;
	dst = inet_csk_update_pmtu(sk, READ_ONCE(xsk->mtu_info));
	if (!dst || inet_sk(sk)->pmtudisc == IP_PMTUDISC_DONT ||
	    !ip_sk_accept_pmtu(sk))
		return;
	mss = max(xtcp_mss_for_mtu(sk, dst_mtu(dst)), floor);
	if (xsk->tstamp_ok)
		mss -= XTCPOLEN_TSTAMP_ALIGNED;
	if (mss >= xsk->mss_cache)
		return;
	xsk->mss_cache = mss;
	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_PMTUREDUCED);

	/*
	 * A piece cut off inherits the marks: a lost one comes out lost, and
	 * is cut again in its turn.
	 */
	for (skb = skb_peek(&sk->sk_write_queue); skb;
	     skb = skb_peek_next(skb, &sk->sk_write_queue)) {
		if (skb == sk->sk_send_head)
			sent = false;
		if (skb->len <= mss)
			continue;
		if (sent) {
			XTCP_SKB_CB(skb)->sacked &= ~XTCP_SKB_RXT_OUT;
			xtcp_mark_lost(sk, skb);
		}
		if (xtcp_split(sk, skb, mss, sent))
			break;
	}
	xtcp_push(sk);
}

/**
 * xtcp_send_window_part - fill a window smaller than the next segment
 * @sk: the socket, locked, with nothing in flight
 *
 * The persist timer's answer to a peer window that is open but smaller
 * than the next unsent segment, as TCP's tcp_write_wakeup(): split the
 * segment where the window ends and send the first part, so the window
 * is used up and the peer's next ACK says when it opens again.
 */
void xtcp_send_window_part(struct sock *sk)
{
	struct sk_buff *skb = sk->sk_send_head;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_skb_cb *cb;
	u32 wnd_end, len;

	lockdep_assert(lockdep_sock_is_held(sk));

	if (!skb || !skb->len)
		return;
	cb = XTCP_SKB_CB(skb);
	wnd_end = xsk->snd_una + xsk->snd_wnd;
	if ((cb->flags & XTCP_FLAG_SYN) || !xtcp_seq_after(wnd_end, cb->seq))
		return;
	len = wnd_end - cb->seq;
	if (len >= skb->len || xtcp_split(sk, skb, len, false))
		return;
	xtcp_push(sk);
}

/* Resend the oldest unacknowledged segment (fast retransmit, SYN-ACK). */
void xtcp_retransmit_head(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb)
		return;
	if (skb == sk->sk_send_head) {
		/* Never sent (no route, no memory, closed window): push. */
		xtcp_push(sk);
		return;
	}
	xtcp_retransmit_skb(sk, skb);
}

/*
 * Answers to bad segments, at most one per net.xtcp.invalid_ratelimit for
 * one connection (@stamp: jiffies of the last, 0 for none), as TCP's
 * __tcp_oow_rate_limited(): two stacks that each find the other's
 * segments unacceptable must not ACK each other in a loop.
 */
static bool __xtcp_oow_rate_limited(struct net *net, u32 *stamp)
{
	int ms = READ_ONCE(xtcp_pernet(net)->sysctl.invalid_ratelimit);
	u32 gap = msecs_to_jiffies(ms), now = (u32)jiffies;
	s32 elapsed = now - *stamp;

	if (*stamp && elapsed >= 0 && elapsed < gap) {
		XTCP_INC_STATS(net, XTCP_MIB_ACKSKIPPED);
		return true;
	}
	*stamp = now;
	return false;
}

/**
 * xtcp_oow_rate_limited - may a bad segment be answered?
 * @net: its namespace
 * @skb: the segment, its control block filled in
 * @stamp: the connection's time of its last such answer
 *
 * Data without a SYN is answered always: a loop carries no data, and the
 * ACK may be what the peer lost.
 *
 * Return: true if the answer must be left out.
 */
bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   u32 *stamp)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	if (cb->seq != cb->end_seq && !(cb->flags & XTCP_FLAG_SYN))
		return false;
	return __xtcp_oow_rate_limited(net, stamp);
}

/**
 * xtcp_challenge_ack_allowed - may an RFC 5961 challenge ACK go?
 * @net: the namespace
 * @stamp: the connection's time of its last answer to a bad segment
 *
 * First the connection's own limit, as for any bad segment; then the
 * namespace's budget of challenge_ack_limit a second (RFC 5961 section
 * 7), drawn at random each second between half and one and a half times
 * the limit, as TCP does since CVE-2016-5696: an off-path attacker that
 * counts the challenge ACKs of a fixed budget learns whether its guess of
 * a connection's sequence numbers was in the window.  INT_MAX: no budget.
 *
 * Return: true if it may be sent.
 */
bool xtcp_challenge_ack_allowed(struct net *net, u32 *stamp)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	u32 limit = READ_ONCE(xn->sysctl.challenge_ack_limit);
	u32 half;
	bool ok;

	if (__xtcp_oow_rate_limited(net, stamp))
		return false;
	if (limit == INT_MAX) {
		ok = true;
		goto out;
	}
	spin_lock_bh(&xn->challenge_lock);
	if (time_after_eq(jiffies, xn->challenge_stamp + HZ)) {
		half = (limit + 1) >> 1;
		xn->challenge_stamp = jiffies;
		xn->challenge_count = limit ?
			get_random_u32_inclusive(half, limit + half - 1) : 0;
	}
	ok = xn->challenge_count > 0;
	if (ok)
		xn->challenge_count--;
	spin_unlock_bh(&xn->challenge_lock);
out:
	XTCP_INC_STATS(net, ok ? XTCP_MIB_CHALLENGEACKS :
				 XTCP_MIB_CHALLENGELIMITED);
	return ok;
}
