/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XTCP socket: struct xtcp_sock, the control block of its segments,
 * the constants of its state machine, and the functions of the socket
 * layer (xtcp_sock.c), its timers (xtcp_timer.c) and its initial
 * sequence numbers (xtcp_isn.c).
 */
#ifndef _XTCP_SOCK_H
#define _XTCP_SOCK_H

#include <linux/hrtimer.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <linux/xtcp.h>

#include "xtcp_wire.h"
#include "xtcp_net.h"
#include "xtcp_cong.h"

/*
 * Per-segment metadata, in skb->cb.  The IPv4 control block stays first:
 * IP output and input use it while the skb is below us.
 */
struct xtcp_skb_cb {
	struct inet_skb_parm	h4;
	u32	seq;		/* first sequence number */
	u32	end_seq;	/* seq + SYN + data + FIN */
	u32	ack_seq;	/* received segments only */
	u8	flags;		/* XTCP_FLAG_* */
	u8	sacked;		/* queued segments: XTCP_SKB_* */
	union {
		u32	tx_us;	/* queued segments: first transmission */
		u32	tw_isn;	/* a SYN that ended a TIME_WAIT: our ISS */
	};
};

/*
 * xtcp_skb_cb.sacked: what happened to a segment of the write queue.
 * LOST is set on a segment presumed lost and not yet resent, SACKED on one
 * the peer holds out of order; xtcp_sock.lost_out and sacked_out count
 * them.  RXT_OUT marks a retransmission not yet acknowledged, which
 * loss marking leaves alone until the next timeout.
 */
#define XTCP_SKB_RETRANS	0x01	/* ever retransmitted (Karn) */
#define XTCP_SKB_SACKED		0x02	/* covered by a SACK block */
#define XTCP_SKB_LOST		0x04	/* presumed lost, not resent since */
#define XTCP_SKB_RXT_OUT	0x08	/* resent since it was marked lost */

#define XTCP_SKB_CB(skb)	((struct xtcp_skb_cb *)&((skb)->cb[0]))

/* Headroom of every segment skb: link layer, IPv4 and our header. */
#define XTCP_MAX_HEADER	(MAX_HEADER + sizeof(struct iphdr) + XTCP_MAX_HDR_LEN)

#define XTCP_RTO_INIT_NS	(1ULL * NSEC_PER_SEC)	/* RFC 6298 2.1 */
#define XTCP_RTO_MAX_NS		(120ULL * NSEC_PER_SEC)
#define XTCP_DELACK_NS		(40ULL * NSEC_PER_MSEC)
#define XTCP_QUICKACKS		16	/* ACKs not delayed, at start */
#define XTCP_DEFAULT_MSS	536			/* RFC 9293 3.7.1 */
/*
 * Least min_snd_mss: the 40 bytes of options a header may carry and 8 of
 * data (TCP's TCP_MIN_SND_MSS).
 */
#define XTCP_MIN_SND_MSS	48
#define XTCP_MAX_WINDOW		65535U		/* the unscaled field */
#define XTCP_PAWS_IDLE_S	(24 * 24 * 3600)	/* RFC 7323 5.5 */

/*
 * Work a timer, or an ICMP error (a "fragmentation needed", a hard error
 * in SYN_SENT), left to the socket's owner (xtcp_release_cb()).
 */
enum {
	XTCP_RTX_DEFERRED,
	XTCP_STATE_DEFERRED,
	XTCP_DELACK_DEFERRED,
	XTCP_MTU_DEFERRED,
	XTCP_ICMP_DEFERRED,
};

/* What the retransmission timer is armed for. */
enum {
	XTCP_TIMER_RTO,		/* resend the oldest unacknowledged */
	XTCP_TIMER_PROBE,	/* zero-window probe (persist) */
};

/*
 * An XTCP socket.  Every field below inet is protected by the socket lock
 * (bh_lock_sock() in softirq, lock_sock() in process context), except
 * where a comment says otherwise.
 */
struct xtcp_sock {
	struct inet_sock	inet;

	/* Send sequence space, RFC 9293 3.3.1. */
	u32	iss;
	u32	snd_una;
	u32	snd_nxt;
	u32	snd_wnd;	/* SND.WND as the peer last advertised it */
	u32	snd_wl1;
	u32	snd_wl2;
	u32	write_seq;	/* sequence number of the next byte queued */
	u32	max_window;	/* largest window the peer offered */

	/* Receive sequence space. */
	u32	irs;
	u32	rcv_nxt;
	u32	rcv_wnd;	/* window in the last segment we sent */
	u32	rcv_wup;	/* RCV.NXT when we sent it */
	u32	copied_seq;	/* next byte the user reads */
	/* Receive buffer autotuning: what the reader took in one RTT. */
	u32	rcvq_space;	/* bytes read in the last measured RTT */
	u32	rcvq_seq;	/* copied_seq when this RTT began */
	u64	rcvq_time_us;	/* when it began; 0: not yet */

	u16	mss_cache;	/* largest segment we send */
	u16	advmss;		/* MSS option we announce */
	u16	user_mss;	/* TCP_MAXSEG, 0 when unset */
	u8	retransmits;	/* timeouts of the oldest unacknowledged */
	u8	nodelay:1,	/* TCP_NODELAY */
		fin_queued:1,	/* a FIN is in the write queue */
		connect_port:1,	/* local port chosen by connect() */
		timewait:1,	/* closed into a TIME_WAIT entry */
		active_open:1;	/* connect() sent our SYN */
	u8	corked:1,	/* TCP_CORK */
		ack_pending:1;	/* data received and not yet ACKed */
	u8	rtx_mode;	/* XTCP_TIMER_RTO or _PROBE */
	u8	quickacks;	/* ACKs still sent at once, not delayed */
	u8	probes_out;	/* persist or keepalive probes unanswered */
	u16	keepidle;	/* TCP_KEEPIDLE, s; 0: net.xtcp default */
	u16	keepintvl;	/* TCP_KEEPINTVL, s; 0: default */
	u8	keepcnt;	/* TCP_KEEPCNT; 0: default */
	u8	syn_retries;	/* TCP_SYNCNT; 0: default */
	u8	defer_accept;	/* TCP_DEFER_ACCEPT, in SYN-ACK timeouts */
	u16	rcv_mss;	/* largest segment the peer sent us */
	u32	oow_stamp;	/* jiffies: last answer to a bad segment */
	u32	mtu_info;	/* next-hop MTU of the last ICMP about it */
	u32	user_timeout;	/* TCP_USER_TIMEOUT, ms; 0: off */
	int	linger2;	/* TCP_LINGER2, jiffies; 0: default, <0: reset */
	u32	window_clamp;	/* TCP_WINDOW_CLAMP, bytes; 0: none */
	u32	notsent_lowat;	/* TCP_NOTSENT_LOWAT; 0: net.xtcp default */
	u64	rto_ns;		/* current retransmission timeout */
	u64	rtx_stamp_ns;	/* first timeout of SND.UNA, or 0 */
	u64	rcv_stamp_ns;	/* last segment received (keepalive) */
	u64	lsnd_ns;	/* last data sent or restart, or 0 */

	/* Sender's loss recovery and congestion control. */
	struct xtcp_rtt	rtt;
	struct xtcp_cc	cc;
	u32	snd_sml;	/* end of the last short segment sent */
	u32	packets_out;	/* segments sent and not acknowledged */
	u32	lost_out;	/* of them, marked XTCP_SKB_LOST */
	u32	sacked_out;	/* of them, marked XTCP_SKB_SACKED */

	/* Options the handshake agreed on (RFC 7323, RFC 2018). */
	u8	wscale_ok:1,	/* SYN_SENT: offered; after: agreed */
		tstamp_ok:1,
		sack_ok:1;
	u8	snd_wscale;	/* shift of the peer's window field */
	u8	rcv_wscale;	/* shift of ours */
	u32	ts_offset;	/* added to our TSval clock, per connection */
	u32	ts_recent;	/* TS.Recent, RFC 7323 4.3 */
	u32	ts_recent_stamp; /* when it was taken, seconds; 0: none */
	u32	ofo_last;	/* seq of the newest out-of-order segment */

	struct sk_buff_head ofo_queue;	/* data after a hole, by seq */

	/*
	 * rtx_timer:    retransmission, or zero-window probes;
	 * state_timer:  keepalive, orphaned FIN_WAIT_2;
	 * delack_timer: the delayed ACK.
	 */
	struct hrtimer	rtx_timer;
	struct hrtimer	state_timer;
	struct hrtimer	delack_timer;
	unsigned long	deferred;	/* XTCP_*_DEFERRED, atomic bitops */

	/* Counters for XTCP_INFO. */
	u64	segs_in;
	u64	segs_out;
	u64	bytes_acked;
	u64	bytes_received;
	u32	total_retrans;
	u32	rtt_samples;

	/*
	 * Listener: its half-open requests (see xtcp_listen.c), which change
	 * only under its socket lock, and the connections established but
	 * not yet accepted.  accept_lock protects the accept queue and its
	 * length; it nests inside a child's socket lock.
	 */
	spinlock_t		accept_lock;
	struct xtcp_synq	*synq;
	struct list_head	accept_queue;
	u32			syn_qlen;	/* the SYN queue's, mirrored */
	u32			accept_qlen;

	/*
	 * Child: its place in the listener's lists (under the listener's
	 * accept_lock) and the listener, referenced until accept() takes the
	 * child or the listener closes (under the child's socket lock).
	 */
	struct list_head	child_node;
	struct sock		*parent;
};

static inline struct xtcp_sock *xtcp_sk(const struct sock *sk)
{
	return (struct xtcp_sock *)sk;
}

/*
 * Our TSval (RFC 7323 section 5.4): a millisecond clock, xtcp_ts_clock(),
 * plus an offset keyed on the 4-tuple (xtcp_ts_offset()), so that it tells
 * nothing of the host's uptime.  Requests and TIME_WAIT entries add their
 * own copy of the offset.
 */
static inline u32 xtcp_ts_clock(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC);
}

static inline u32 xtcp_ts_now(const struct xtcp_sock *xsk)
{
	return xtcp_ts_clock() + xsk->ts_offset;
}

/*
 * The window we last advertised, from RCV.NXT (TCP's
 * tcp_receive_window()): what a segment must fall in (RFC 9293 3.10.7.4)
 * and the least an ACK may offer; 0 once RCV.NXT reached its right edge.
 */
static inline u32 xtcp_receive_window(const struct xtcp_sock *xsk)
{
	u32 edge = xsk->rcv_wup + xsk->rcv_wnd;

	return xtcp_seq_before(xsk->rcv_nxt, edge) ? edge - xsk->rcv_nxt : 0;
}

/*
 * The window @space bytes of receive buffer back: half of them, the other
 * half for the overhead of the skbs that carry the data (TCP's
 * tcp_win_from_space() with its default scale).  xtcp_space_from_win()
 * is the inverse, for growing the buffer to a window.
 */
static inline u32 xtcp_win_from_space(int space)
{
	return space > 0 ? space / 2 : 0;
}

static inline u64 xtcp_space_from_win(u64 win)
{
	return win * 2;
}

/*
 * The segment size the peer sends us, for the receiver's silly window
 * avoidance (TCP's icsk_ack.rcv_mss): the largest it sent so far, which
 * its options make smaller than our MSS; our MSS before any data.
 */
static inline u32 xtcp_rcv_mss(const struct xtcp_sock *xsk)
{
	return xsk->rcv_mss ? min_t(u32, xsk->rcv_mss, xsk->advmss) :
			      xsk->advmss;
}

/* xtcp_sock.c: the socket layer, both entry points */
extern struct proto xtcp_prot;
extern const struct net_proto_family xtcp_family_ops;
int xtcp_proto_register(void);
void xtcp_proto_unregister(void);
void xtcp_inetsw_register(u8 protocol);
void xtcp_inetsw_unregister(void);
void xtcp_state_store(struct sock *sk, int state);
void xtcp_set_state(struct sock *sk, int state);
void xtcp_done(struct sock *sk);
void xtcp_destroy_sock(struct sock *sk);
void xtcp_init_sock_common(struct sock *sk);
u32 xtcp_window_clamped(const struct sock *sk, u32 win);
u32 xtcp_full_window(const struct sock *sk);
u32 xtcp_rcv_wnd_space(const struct sock *sk);
void xtcp_cleanup_rbuf(struct sock *sk, int copied);
void xtcp_rcv_space_adjust(struct sock *sk);
void xtcp_sndbuf_expand(struct sock *sk);
void xtcp_get_info(struct sock *sk, struct xtcp_info *info);
void xtcp_queues(const struct sock *sk, u32 *rx, u32 *tx);
int xtcp_diag_destroy(struct sock *sk, int err);

/* xtcp_timer.c: the three timers, and work deferred to the owner */
void xtcp_release_cb(struct sock *sk);
void xtcp_init_timers(struct sock *sk);
void xtcp_rtx_timer_arm(struct sock *sk);
void xtcp_rtx_timer_stop(struct sock *sk);
void xtcp_state_timer_arm(struct sock *sk, unsigned long jiffies_len);
void xtcp_state_timer_stop(struct sock *sk);
void xtcp_stop_timers(struct sock *sk);
void xtcp_rtx_timeout(struct sock *sk);
void xtcp_state_timeout(struct sock *sk);
void xtcp_delack_timer_arm(struct sock *sk);
void xtcp_delack_timer_stop(struct sock *sk);
void xtcp_probe_timer_arm(struct sock *sk);
void xtcp_synq_timer_arm(struct sock *sk, u64 ns);
void xtcp_keepalive_arm(struct sock *sk);
void xtcp_keepalive(struct sock *sk, int on);
u64 xtcp_rto_base(const struct sock *sk);
u32 xtcp_keepidle_s(const struct sock *sk);
u32 xtcp_keepintvl_s(const struct sock *sk);
u32 xtcp_keepcnt(const struct sock *sk);
int xtcp_syn_retries(const struct sock *sk);
unsigned long xtcp_fin_time(const struct sock *sk);
int xtcp_timer_pending(struct sock *sk, s64 *left_ns);

/* xtcp_isn.c: initial sequence numbers and TSval offsets */
void xtcp_isn_init(void);
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 xtcp_ts_offset(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
#if IS_ENABLED(CONFIG_KUNIT)
u32 __xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
	       const siphash_key_t *key, u64 now_ns);
#endif

#endif /* _XTCP_SOCK_H */
