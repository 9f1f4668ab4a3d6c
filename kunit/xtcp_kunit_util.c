// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the KUnit suites "xtcp_state", "xtcp_ofo" and
 * "xtcp_sack": segments from a peer crafted as IPv4 hands them over, the
 * recorder of what is sent, and kernel sockets of init_net put into a
 * state by hand, in no table.
 *
 * The recorder replaces, with KUnit's static stubs, the three functions
 * that hand segments to IP: xtcp_queue_xmit() (every segment of a
 * socket), xtcp_req_xmit() (a listener's SYN-ACKs and ACKs for its
 * requests) and xtcp_v4_send_reply() (resets and TIME_WAIT ACKs of no
 * socket).  A stub redirects only calls made by the test's own thread
 * (current->kunit_test): segments sent from the test's code, from
 * xtcp_v4_rcv() called by it and from release_sock() are caught; a timer
 * expiring on another thread, or another task, sends for real.  A timer
 * expiring in an interrupt that happens to run on the test's thread (an
 * orphan of an earlier test resending its FIN, say) belongs to no test:
 * its segment is dropped, neither recorded nor sent, or it would count
 * as the test's.  The suites therefore run the work of timers they wait
 * for on their own thread (the socket owned when the timer expires, see
 * xtcp_kunit_state.c) or call it themselves (xtcp_kunit_synq.c).
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

#define XTCP_KT_HEADROOM	(MAX_HEADER + sizeof(struct iphdr) + \
				 XTCP_MAX_HDR_LEN)

static DEFINE_SPINLOCK(xtcp_kt_rec_lock);
static struct xtcp_kt_rec xtcp_kt_recs[XTCP_KT_MAX_RECS];
static unsigned int xtcp_kt_nrecs;
static bool xtcp_kt_rec_on;	/* the stubs are active */

/**
 * xtcp_kt_record - record a segment sent
 * @sk: the sender, NULL for a reset of no socket
 * @th: its header, options following
 * @len: header and data, in bytes
 *
 * Called by the stubs below, on the test's thread, in process context
 * (bottom halves perhaps disabled).  Keeps the first XTCP_KT_MAX_RECS
 * segments, counts them all.
 */
void xtcp_kt_record(struct sock *sk, const struct xtcphdr *th,
		    unsigned int len)
{
	struct xtcp_kt_rec *r;
	unsigned long flags;

	spin_lock_irqsave(&xtcp_kt_rec_lock, flags);
	if (xtcp_kt_nrecs < XTCP_KT_MAX_RECS) {
		r = &xtcp_kt_recs[xtcp_kt_nrecs];
		r->sk = sk;
		r->flags = th->flags;
		r->seq = ntohl(th->seq);
		r->ack = ntohl(th->ack_seq);
		r->window = ntohs(th->window);
		r->len = len - xtcp_hdrlen(th);
		r->opt_err = xtcp_parse_options((const u8 *)(th + 1),
						xtcp_hdrlen(th) - XTCP_HDR_LEN,
						th->flags & XTCP_FLAG_SYN,
						&r->opts);
	}
	xtcp_kt_nrecs++;
	spin_unlock_irqrestore(&xtcp_kt_rec_lock, flags);
}

/* An interrupt on the test's thread: a timer's, not the test's doing. */
static bool xtcp_kt_foreign(void)
{
	return in_hardirq() || in_serving_softirq();
}

/* Stub of xtcp_queue_xmit(): a socket's segment, recorded, not sent. */
static int xtcp_kt_queue_xmit(struct sock *sk, struct sk_buff *skb)
{
	if (!xtcp_kt_foreign())
		xtcp_kt_record(sk, xtcp_hdr(skb), skb->len);
	kfree_skb(skb);
	return 0;
}

/* Stub of xtcp_req_xmit(): a request's segment, recorded, not sent. */
static int xtcp_kt_req_xmit(struct sock *sk, struct sk_buff *skb,
			    __be32 saddr, __be32 daddr)
{
	if (!xtcp_kt_foreign())
		xtcp_kt_record(sk, xtcp_hdr(skb), skb->len);
	kfree_skb(skb);
	return 0;
}

/*
 * Stub of xtcp_v4_send_reply(): a segment of no socket, recorded, not
 * sent and not counted (1: KUnit took it).
 */
static int xtcp_kt_send_reply(struct net *net, struct sk_buff *skb,
			      const struct xtcphdr *th, unsigned int hdrlen)
{
	if (!xtcp_kt_foreign())
		xtcp_kt_record(NULL, th, hdrlen);
	return 1;
}

/**
 * xtcp_kt_rec_take - move what was recorded
 * @out: room for XTCP_KT_MAX_RECS records, or NULL to drop them
 *
 * Return: how many segments were sent since the last call (more than
 * were kept when above XTCP_KT_MAX_RECS).
 */
unsigned int xtcp_kt_rec_take(struct xtcp_kt_rec *out)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&xtcp_kt_rec_lock, flags);
	n = xtcp_kt_nrecs;
	if (out)
		memcpy(out, xtcp_kt_recs,
		       min(n, XTCP_KT_MAX_RECS) * sizeof(*out));
	xtcp_kt_nrecs = 0;
	spin_unlock_irqrestore(&xtcp_kt_rec_lock, flags);
	return n;
}

/**
 * xtcp_kt_rec_start - record from now on, from an empty record
 * @test: the test whose thread's segments are taken
 *
 * What the test's thread sends is recorded instead of sent until
 * xtcp_kt_rec_stop(), or else until the test's resources are released.
 */
void xtcp_kt_rec_start(struct kunit *test)
{
	xtcp_kt_rec_take(NULL);
	kunit_activate_static_stub(test, xtcp_queue_xmit, xtcp_kt_queue_xmit);
	kunit_activate_static_stub(test, xtcp_req_xmit, xtcp_kt_req_xmit);
	kunit_activate_static_stub(test, xtcp_v4_send_reply,
				   xtcp_kt_send_reply);
	xtcp_kt_rec_on = true;
}

/**
 * xtcp_kt_rec_stop - stop recording, drop what was recorded
 * @test: the test
 *
 * Nothing to stop when xtcp_kt_rec_start() was not called (an init
 * function that skipped or failed before it): exit functions call this
 * either way.
 */
void xtcp_kt_rec_stop(struct kunit *test)
{
	if (xtcp_kt_rec_on) {
		xtcp_kt_rec_on = false;
		kunit_deactivate_static_stub(test, xtcp_v4_send_reply);
		kunit_deactivate_static_stub(test, xtcp_req_xmit);
		kunit_deactivate_static_stub(test, xtcp_queue_xmit);
	}
	xtcp_kt_rec_take(NULL);
}

/**
 * xtcp_kt_counter - a counter of init_net's XTCP MIB
 * @field: which
 *
 * Return: its value, summed over the CPUs.
 */
unsigned long xtcp_kt_counter(enum xtcp_mib_field field)
{
	return snmp_fold_field(xtcp_pernet(&init_net)->mib, field);
}

/**
 * xtcp_kt_lo_up - whether init_net's loopback device is up
 *
 * A listener's child routes its SYN-ACK, connect() its SYN, over lo.
 *
 * Return: true when it is.
 */
bool xtcp_kt_lo_up(void)
{
	return READ_ONCE(init_net.loopback_dev->flags) & IFF_UP;
}

/**
 * xtcp_kt_put_iph - an IPv4 header in front of a segment, pulled
 * @skb: an empty skb, with room for the header
 * @len: bytes of the segment that will follow
 * @saddr: the source address
 * @daddr: the destination address
 *
 * The network header is left at it, the data and the transport header
 * after it, as ip_local_deliver() hands an skb over.  No IP checksum.
 *
 * Return: the header.
 */
struct iphdr *xtcp_kt_put_iph(struct sk_buff *skb, unsigned int len,
			      __be32 saddr, __be32 daddr)
{
	struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = xtcp_ipproto;
	iph->tot_len = htons(sizeof(*iph) + len);
	iph->saddr = saddr;
	iph->daddr = daddr;
	skb_reset_network_header(skb);
	__skb_pull(skb, sizeof(*iph));
	skb_reset_transport_header(skb);
	return iph;
}

/**
 * xtcp_kt_make_skb - a segment from the peer as IPv4 hands it over
 * @sport: its source port, the peer's
 * @dport: its destination port, ours
 * @flags: its flags
 * @seq: SEG.SEQ
 * @ack: SEG.ACK
 * @window: SEG.WND, the field as sent
 * @opts: the options it carries, none when NULL
 * @data: its @dlen bytes of data, zeros when NULL
 * @dlen: bytes of data
 *
 * From XTCP_KT_ADDR to XTCP_KT_ADDR, checksummed, its control block filled
 * in as xtcp_v4_rcv() fills it before the lookup.
 *
 * Return: the skb, or NULL if out of memory or the options do not fit.
 */
struct sk_buff *xtcp_kt_make_skb(u16 sport, u16 dport, u8 flags, u32 seq,
				 u32 ack, u16 window,
				 const struct xtcp_opts *opts,
				 const u8 *data, unsigned int dlen)
{
	bool syn = flags & XTCP_FLAG_SYN;
	unsigned int optlen = opts ? xtcp_options_size(opts, syn) : 0;
	unsigned int len = XTCP_HDR_LEN + optlen + dlen;
	struct xtcp_skb_cb *cb;
	struct sk_buff *skb;
	struct xtcphdr *th;
	struct iphdr *iph;

	skb = alloc_skb(MAX_HEADER + sizeof(*iph) + len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_HEADER);
	iph = xtcp_kt_put_iph(skb, len, XTCP_KT_ADDR, XTCP_KT_ADDR);
	iph->check = ip_fast_csum(iph, iph->ihl);

	th = skb_put_zero(skb, len);
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	xtcp_set_hdrlen(th, XTCP_HDR_LEN + optlen);
	th->flags = flags;
	th->window = htons(window);
	if (opts &&
	    xtcp_build_options((u8 *)(th + 1), opts, syn) != optlen) {
		kfree_skb(skb);
		return NULL;
	}
	if (data)
		memcpy((u8 *)th + XTCP_HDR_LEN + optlen, data, dlen);
	th->check = xtcp_v4_csum_buf(th, len, XTCP_KT_ADDR, XTCP_KT_ADDR,
				     xtcp_ipproto);

	skb->dev = init_net.loopback_dev;
	skb->pkt_type = PACKET_HOST;
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_UNNECESSARY;

	cb = XTCP_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->seq = seq;
	cb->end_seq = seq + dlen + !!(flags & XTCP_FLAG_SYN) +
		      !!(flags & XTCP_FLAG_FIN);
	cb->ack_seq = ack;
	cb->flags = flags;
	return skb;
}

/**
 * xtcp_kt_sock_create - a kernel socket of init_net, addressed by hand
 * @sockp: where to put it; NULL when it could not be made
 * @lport: our port
 * @pport: the peer's
 *
 * Both ends are XTCP_KT_ADDR.  The socket is in no table and in
 * TCP_CLOSE; xtcp_kt_close_manual() closes it.
 *
 * Return: 0, or the error of sock_create_kern().
 */
int xtcp_kt_sock_create(struct socket **sockp, u16 lport, u16 pport)
{
	struct inet_sock *inet;
	struct sock *sk;
	int err;

	err = sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM, 0, sockp);
	if (err) {
		*sockp = NULL;
		return err;
	}
	sk = (*sockp)->sk;
	inet = inet_sk(sk);

	lock_sock(sk);
	inet->inet_saddr = XTCP_KT_ADDR;
	inet->inet_rcv_saddr = XTCP_KT_ADDR;
	inet->inet_daddr = XTCP_KT_ADDR;
	inet->inet_num = lport;
	inet->inet_sport = htons(lport);
	inet->inet_dport = htons(pport);
	release_sock(sk);
	return 0;
}

/**
 * xtcp_kt_init_seq - the sequence space after both SYNs, by hand
 * @sk: the socket, locked by its caller
 * @iss: our ISN; only our SYN was sent, and it is acknowledged
 * @rcv_nxt: RCV.NXT; the peer's SYN was @rcv_nxt - 1
 * @peer_wnd: the window the peer offers, SND.WND and MAX.SND.WND
 *
 * As xtcp_send_syn() and the peer's SYN leave them, with the congestion
 * state of a new connection.  Neither the state nor the receive window
 * is set.
 */
void xtcp_kt_init_seq(struct sock *sk, u32 iss, u32 rcv_nxt, u32 peer_wnd)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xtcp_cc_init(&xsk->cc, iss);
	xsk->snd_sml = iss;
	xsk->iss = iss;
	xsk->snd_una = iss + 1;
	xsk->snd_nxt = iss + 1;
	xsk->write_seq = iss + 1;
	xsk->snd_wnd = peer_wnd;
	xsk->max_window = peer_wnd;
	xsk->snd_wl1 = rcv_nxt - 1;
	xsk->snd_wl2 = iss + 1;
	xsk->irs = rcv_nxt - 1;
	xsk->rcv_nxt = rcv_nxt;
}

/**
 * xtcp_kt_open_rcv - the receive window offered from RCV.NXT on
 * @sk: the socket, locked by its caller
 * @rwnd: RCV.WND
 *
 * Nothing received is left unread: the user has read up to RCV.NXT.
 */
void xtcp_kt_open_rcv(struct sock *sk, u32 rwnd)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xsk->rcv_wup = xsk->rcv_nxt;
	xsk->rcv_wnd = rwnd;
	xsk->copied_seq = xsk->rcv_nxt;
}

/**
 * xtcp_kt_queue_sent - put a segment sent and not yet acknowledged
 * @sk: the socket, locked by its caller
 * @seq: its first sequence number
 * @len: bytes of data, zeros
 * @flags: its flags; a SYN or FIN takes a sequence number
 *
 * At the tail of the write queue, sent now, counted in packets_out.
 *
 * Return: 0, or -ENOMEM.
 */
int xtcp_kt_queue_sent(struct sock *sk, u32 seq, unsigned int len, u8 flags)
{
	struct sk_buff *skb;

	skb = alloc_skb_fclone(XTCP_KT_HEADROOM + len, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, XTCP_KT_HEADROOM);
	skb_put_zero(skb, len);
	XTCP_SKB_CB(skb)->seq = seq;
	XTCP_SKB_CB(skb)->end_seq = seq + len +
		!!(flags & (XTCP_FLAG_SYN | XTCP_FLAG_FIN));
	XTCP_SKB_CB(skb)->flags = flags;
	XTCP_SKB_CB(skb)->sacked = 0;
	XTCP_SKB_CB(skb)->tx_us = xtcp_clock_us();
	__skb_queue_tail(&sk->sk_write_queue, skb);
	/* Charged as sendmsg() charges it: the ACK that frees it uncharges. */
	xtcp_forced_mem_schedule(sk, skb->truesize, SK_MEM_SEND);
	xtcp_wmem_charge(sk, skb);
	xtcp_sk(sk)->packets_out++;
	return 0;
}

/**
 * xtcp_kt_syn_sent - the sequence space as xtcp_v4_connect() leaves it
 * @sk: the socket, locked by its caller, after xtcp_kt_init_seq()
 *
 * Our SYN at ISS sent and not acknowledged; nothing received, no window
 * known.
 *
 * Return: 0, or -ENOMEM.
 */
int xtcp_kt_syn_sent(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	int err;

	err = xtcp_kt_queue_sent(sk, xsk->iss, 0, XTCP_FLAG_SYN);
	xsk->snd_una = xsk->iss;
	xsk->snd_wnd = 0;
	xsk->max_window = 0;
	xsk->snd_wl1 = 0;
	xsk->snd_wl2 = 0;
	xsk->irs = 0;
	xsk->rcv_nxt = 0;
	return err;
}

/**
 * xtcp_kt_close_manual - close a socket set up by hand
 * @sock: the socket, in no table
 *
 * It only has to be in TCP_CLOSE for close() to destroy it (timers,
 * queues); the CurrEstab gauge is kept as xtcp_set_state() keeps it.  A
 * listener is closed as it is, its children with it.
 */
void xtcp_kt_close_manual(struct socket *sock)
{
	struct sock *sk = sock->sk;

	lock_sock(sk);
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))
		XTCP_DEC_STATS(&init_net, XTCP_MIB_CURRESTAB);
	if (sk->sk_state != TCP_LISTEN)
		xtcp_state_store(sk, TCP_CLOSE);
	release_sock(sk);
	sock_release(sock);
}

/**
 * xtcp_kt_first_child - the oldest connection in a listener's accept queue
 * @lsk: the listener
 *
 * Return: the child, referenced (sock_put() it), or NULL if none.
 */
struct sock *xtcp_kt_first_child(struct sock *lsk)
{
	struct xtcp_sock *lxsk = xtcp_sk(lsk);
	struct xtcp_sock *cxsk;

	spin_lock_bh(&lxsk->accept_lock);
	cxsk = list_first_entry_or_null(&lxsk->accept_queue, struct xtcp_sock,
					child_node);
	if (cxsk)
		sock_hold((struct sock *)cxsk);
	spin_unlock_bh(&lxsk->accept_lock);
	return (struct sock *)cxsk;
}
