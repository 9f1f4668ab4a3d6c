/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP: shared declarations of the module's parts.
 */
#ifndef _NET_XTCP_H
#define _NET_XTCP_H

#include <linux/hrtimer.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/snmp.h>
#include <net/xtcp_wire.h>
#include <linux/xtcp.h>

/*
 * Per-network-namespace counters, shown in /proc/net/xtcp_snmp.  Every
 * segment IP hands to XTCP counts in InNotHost (link-layer or IP broadcast
 * or multicast, dropped at once) or in InSegs; every one dropped as
 * malformed counts in InErrs and in exactly one of the four counters after
 * it.
 */
enum xtcp_mib_field {
	XTCP_MIB_INSEGS,		/* segments received */
	XTCP_MIB_INERRS,		/* dropped as malformed, all causes */
	XTCP_MIB_INSHORT,		/* shorter than the fixed header */
	XTCP_MIB_INBADDOFF,		/* data offset < 5 or past the end */
	XTCP_MIB_INCSUMERRORS,		/* checksum mismatch */
	XTCP_MIB_INBADOPTS,		/* malformed option list */
	XTCP_MIB_INNOTHOST,		/* link-layer broadcast or multicast */
	XTCP_MIB_INNOSOCKET,		/* well formed, no socket wants it */
	XTCP_MIB_OUTSEGS,		/* segments sent */
	XTCP_MIB_OUTRSTS,		/* resets sent */
	XTCP_MIB_ACTIVEOPENS,		/* CLOSED -> SYN_SENT */
	XTCP_MIB_PASSIVEOPENS,		/* LISTEN -> SYN_RECV */
	XTCP_MIB_ATTEMPTFAILS,		/* SYN_* -> CLOSED or LISTEN */
	XTCP_MIB_ESTABRESETS,		/* ESTABLISHED, CLOSE_WAIT -> CLOSED */
	XTCP_MIB_CURRESTAB,		/* gauge: ESTABLISHED or CLOSE_WAIT */
	XTCP_MIB_RETRANSSEGS,		/* segments retransmitted */
	XTCP_MIB_TIMEOUTS,		/* connections given up on timeout */
	XTCP_MIB_LISTENDROPS,		/* SYNs a full half-open list refused */
	XTCP_MIB_CHALLENGEACKS,		/* RFC 5961 challenge ACKs sent */
	XTCP_MIB_CHALLENGELIMITED,	/* ... suppressed by the rate limit */
	XTCP_MIB_OUTOFWINDOW,		/* unacceptable segments (3.10.7.4) */
	XTCP_MIB_ABORTONDATA,		/* reset: data after close or unread */
	XTCP_MIB_ABORTONLINGER,		/* reset: SO_LINGER 0, TCP_LINGER2 < 0 */
	XTCP_MIB_ABORTONTIMEOUT,	/* reset: orphaned FIN_WAIT_2 timeout */
	XTCP_MIB_OFOQUEUE,		/* segments held behind a hole */
	XTCP_MIB_RCVQDROP,		/* data dropped, receive buffer full */
	XTCP_MIB_OFOPRUNED,		/* held segments dropped for in-order */
	XTCP_MIB_RTOEXPIRED,		/* retransmission timer expiries */
	XTCP_MIB_FASTRETRANS,		/* fast retransmits (3 duplicate ACKs) */
	XTCP_MIB_RECOVERIES,		/* NewReno fast recoveries entered */
	XTCP_MIB_PARTIALACKS,		/* partial ACKs in fast recovery */
	XTCP_MIB_DUPACKS,		/* duplicate ACKs received */
	XTCP_MIB_DELAYEDACKS,		/* ACKs sent by the delayed-ACK timer */
	XTCP_MIB_PERSISTPROBES,		/* zero-window probes sent */
	XTCP_MIB_KEEPALIVEPROBES,	/* keepalive probes sent */
	XTCP_MIB_ABORTONKEEPALIVE,	/* reset: keepalive went unanswered */
	XTCP_MIB_RTTSAMPLES,		/* RTT samples taken (Karn's rule) */
	XTCP_MIB_PAWSESTAB,		/* segments PAWS dropped (RFC 7323) */
	XTCP_MIB_SACKRECOVERY,		/* SACK-based recoveries (RFC 6675) */
	XTCP_MIB_SACKBLOCKSIN,		/* SACK blocks received and used */
	XTCP_MIB_SACKBLOCKSOUT,		/* SACK blocks sent */
	XTCP_MIB_SACKRENEGING,		/* peer dropped data it had SACKed */
	XTCP_MIB_SYNSRECEIVED,		/* SYNs reaching a listener */
	XTCP_MIB_SYNACKRETRANS,		/* SYN-ACKs sent again */
	XTCP_MIB_SYNQOVERFLOWS,		/* SYNs finding the SYN queue full */
	XTCP_MIB_LISTENOVERFLOWS,	/* SYNs, final ACKs: accept queue full */
	XTCP_MIB_SYNCOOKIESSENT,	/* SYN-ACKs carrying a cookie */
	XTCP_MIB_SYNCOOKIESRECV,	/* cookies validated: connections */
	XTCP_MIB_SYNCOOKIESFAILED,	/* cookie ACKs rejected */
	XTCP_MIB_SYNQPRUNED,		/* half-open entries dropped for room */
	XTCP_MIB_TIMEWAITCURR,		/* gauge: TIME_WAIT entries */
	XTCP_MIB_TW,			/* TIME_WAIT entries made */
	XTCP_MIB_TWEXPIRED,		/* ... ended by the timer */
	XTCP_MIB_TWREOPENED,		/* ... by a new SYN (RFC 6191) */
	XTCP_MIB_TWRECYCLED,		/* ... taken over by connect() */
	XTCP_MIB_TIMEWAITOVERFLOW,	/* closed without TIME_WAIT */
	XTCP_MIB_PAWSTIMEWAIT,		/* segments PAWS dropped in TIME_WAIT */
	XTCP_MIB_ACKSKIPPED,		/* answers to bad segments rate-limited */
	XTCP_MIB_ZEROWINDOWDROP,	/* data refused by a zero window */
	XTCP_MIB_ICMPERRORS,		/* ICMP errors a connection took */
	XTCP_MIB_OUTOFWINDOWICMPS,	/* ... ignored: SEG.SEQ not in flight */
	XTCP_MIB_PMTUREDUCED,		/* MSS lowered for a smaller path MTU */
	XTCP_MIB_DEFERACCEPTDROP,	/* bare final ACKs: TCP_DEFER_ACCEPT */
	XTCP_MIB_BACKLOGDROP,		/* segments a full socket backlog lost */
	__XTCP_MIB_MAX
};

struct xtcp_mib {
	unsigned long mibs[__XTCP_MIB_MAX];
};

/*
 * Knobs of one namespace, net.xtcp.*: fin_timeout and tw_timeout in
 * jiffies, keepalive_* in seconds, invalid_ratelimit in milliseconds, the
 * others as their names say.
 */
struct xtcp_sysctl {
	int	syn_retries;
	int	synack_retries;
	int	retries2;
	int	orphan_retries;
	int	fin_timeout;
	int	tw_timeout;
	int	challenge_ack_limit;
	int	invalid_ratelimit;	/* ms between answers to bad segments */
	int	min_snd_mss;		/* floor of a peer's MSS option */
	int	port_range[2];		/* ip_local_port_range */
	int	rto_min_us;		/* RFC 6298 lower bound */
	int	rto_max_ms;		/* RFC 6298 upper bound */
	int	keepalive_time;		/* idle time before the first probe */
	int	keepalive_intvl;	/* between probes */
	int	keepalive_probes;	/* unanswered probes before reset */
	int	window_scaling;		/* offer RFC 7323 window scaling */
	int	timestamps;		/* offer RFC 7323 timestamps */
	int	sack;			/* offer RFC 2018 SACK */
	int	syncookies;		/* 0 off, 1 on SYN queue overflow, 2 always */
	int	max_syn_backlog;	/* bound of every SYN queue */
	int	max_tw_buckets;		/* TIME_WAIT entries of the netns */
	int	timewait_reuse;	/* connect() over TIME_WAIT: 0, 1, 2 lo */
	int	rmem[3];		/* receive buffer: min, default, max */
	int	wmem[3];		/* send buffer: min, default, max */
	int	moderate_rcvbuf;	/* receive buffer autotuning */
	int	slow_start_after_idle;	/* RFC 5681 4.1 restart window */
	unsigned int notsent_lowat;	/* unsent bytes a writer may leave */
};

/*
 * The TIME_WAIT entries of one namespace in expiry order (xtcp_timewait.c):
 * they all wait the same tw_timeout from their stamp, so the list is kept
 * in stamp order by appending, and one hrtimer armed for the head serves
 * them all.
 */
struct xtcp_twq {
	spinlock_t		lock;	/* protects list, count, timer arming */
	struct list_head	list;	/* struct xtcp_tw, oldest stamp first */
	u32			count;
	struct hrtimer		timer;
	struct net		*net;
};

/* State of XTCP in one network namespace. */
struct xtcp_net {
	DEFINE_SNMP_STAT(struct xtcp_mib, mib);
	struct sock *ctl_sk;	/* sends segments of no socket (resets) */
	struct xtcp_sysctl sysctl;
	struct ctl_table_header *sysctl_hdr;
	/*
	 * RFC 5961 challenge ACKs: what is left of the budget drawn at
	 * random for the second that began at challenge_stamp (jiffies).
	 */
	spinlock_t challenge_lock;
	unsigned long challenge_stamp;
	unsigned int challenge_count;
	siphash_key_t cookie_key;	/* SYN cookies, RFC 4987 3.6 */
	struct xtcp_twq twq;
};

extern unsigned int xtcp_net_id;

static inline struct xtcp_net *xtcp_pernet(const struct net *net)
{
	return net_generic(net, xtcp_net_id);
}

#define XTCP_INC_STATS(net, field) \
	SNMP_INC_STATS(xtcp_pernet(net)->mib, field)
#define XTCP_DEC_STATS(net, field) \
	SNMP_DEC_STATS(xtcp_pernet(net)->mib, field)
#define XTCP_ADD_STATS(net, field, val) \
	SNMP_ADD_STATS(xtcp_pernet(net)->mib, field, val)

void xtcp_state_store(struct sock *sk, int state);

/* The clock of RTT samples, microseconds; differences survive its wrap. */
static inline u32 xtcp_clock_us(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

static inline const struct xtcp_sysctl *xtcp_sysctl(const struct sock *sk)
{
	return &xtcp_pernet(sock_net(sk))->sysctl;
}

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
 * RFC 6298 round-trip estimator, microseconds, unscaled.  srtt_us 0 means
 * no sample yet.  Pure arithmetic in xtcp_rto.c, tested by KUnit.
 */
struct xtcp_rtt {
	u32	srtt_us;
	u32	rttvar_us;
};

void xtcp_rtt_sample(struct xtcp_rtt *r, u32 rtt_us);
u64 xtcp_rto_compute(const struct xtcp_rtt *r, u64 min_ns, u64 max_ns);
u64 xtcp_rto_backoff(u64 rto_ns, unsigned int shift, u64 max_ns);

/*
 * Congestion control, RFC 5681 with NewReno fast recovery (RFC 6582), in
 * segments as Linux counts it.  Pure arithmetic in xtcp_cong.c: the
 * caller tells it what an ACK did and does what it answers.
 */
enum xtcp_ca_state {
	XTCP_CA_OPEN,		/* no loss suspected */
	XTCP_CA_DISORDER,	/* one or two duplicate ACKs */
	XTCP_CA_RECOVERY,	/* fast recovery, until SND.UNA passes recover */
	XTCP_CA_LOSS,		/* after a timeout, until the same */
};

enum xtcp_cc_action {
	XTCP_CC_NONE,
	XTCP_CC_RETRANSMIT,	/* resend the oldest unacknowledged segment */
};

#define XTCP_INIT_CWND		10		/* RFC 6928 */
#define XTCP_DUPACK_THRESH	3		/* RFC 5681 DupThresh */
#define XTCP_INFINITE_SSTHRESH	0x7fffffff

struct xtcp_cc {
	u32	cwnd;		/* segments */
	u32	ssthresh;	/* segments */
	u32	cwnd_cnt;	/* ACKed segments toward the next +1 */
	u32	recover;	/* RFC 6582: SND.NXT when loss was detected */
	u16	dupacks;
	u8	state;		/* enum xtcp_ca_state */
	u8	sack;		/* SACK agreed: RFC 6675 recovery, no inflation */
};

void xtcp_cc_init(struct xtcp_cc *cc, u32 iss);
enum xtcp_cc_action xtcp_cc_ack(struct xtcp_cc *cc, u32 ack, u32 acked,
				u32 in_flight);
enum xtcp_cc_action xtcp_cc_dupack(struct xtcp_cc *cc, u32 snd_una,
				   u32 snd_nxt, u32 in_flight);
void xtcp_cc_timeout(struct xtcp_cc *cc, u32 snd_nxt, u32 in_flight,
		     bool again);
bool xtcp_cc_enter_recovery(struct xtcp_cc *cc, u32 snd_una, u32 snd_nxt,
			    u32 in_flight);
bool xtcp_cc_restart(struct xtcp_cc *cc, u64 idle_ns, u64 rto_ns);
u32 xtcp_cc_send_quota(const struct xtcp_cc *cc);

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
 * Our TSval (RFC 7323 section 5.4): a millisecond clock plus an offset
 * keyed on the 4-tuple (xtcp_ts_offset()), so that it tells nothing of the
 * host's uptime.
 */
static inline u32 xtcp_ts_now(const struct xtcp_sock *xsk)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC) + xsk->ts_offset;
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

/*
 * XTCP's congestion control is NewReno with SACK-based recovery
 * (xtcp_cong.c), which Linux TCP names "reno": what TCP_CONGESTION and
 * sock_diag's INET_DIAG_CONG give.
 */
#define XTCP_CA_NAME	"reno"

/* xtcp_sock.c */
extern const struct net_proto_family xtcp_family_ops;
void xtcp_get_info(struct sock *sk, struct xtcp_info *info);
void xtcp_queues(const struct sock *sk, u32 *rx, u32 *tx);
int xtcp_diag_destroy(struct sock *sk, int err);
int xtcp_proto_register(void);
void xtcp_proto_unregister(void);
void xtcp_inetsw_register(u8 protocol);
void xtcp_inetsw_unregister(void);

/* xtcp_sock.c */
void xtcp_set_state(struct sock *sk, int state);
void xtcp_done(struct sock *sk);
void xtcp_destroy_sock(struct sock *sk);
void xtcp_init_sock_common(struct sock *sk);
void xtcp_release_cb(struct sock *sk);
u32 xtcp_rcv_wnd_space(const struct sock *sk);
extern struct proto xtcp_prot;

/*
 * TIME_WAIT (xtcp_timewait.c): what is left of a connection that closed
 * actively, in place of its socket.  In the connection table's bucket of
 * its 4-tuple (tw_chain) and in its namespace's expiry list.  Both links
 * change under the bucket's lock; the list link also under the
 * namespace's twq lock, which nests inside the bucket's.
 */
struct xtcp_tw {
	struct hlist_node	node;		/* ehash bucket's tw_chain */
	struct list_head	lnode;		/* its namespace's expiry list */
	possible_net_t		net;
	u64			stamp;		/* ktime_get_ns(): entered, restarted */
	__be32			laddr;
	__be32			raddr;
	__be16			lport;
	__be16			rport;
	u32			snd_nxt;
	u32			rcv_nxt;
	u32			ts_recent;	/* TS.Recent */
	u32			ts_recent_stamp; /* seconds; 0: no timestamps */
	u32			ts_offset;	/* of our TSval clock */
	u32			oow_stamp;	/* jiffies: last rate-limited ACK */
	u16			window;		/* the window field of our ACKs */
	u8			tstamp_ok:1,
				bound:1,	/* holds its port against bind() */
				reuse:1,	/* SO_REUSEADDR was set */
				listed:1;	/* in the expiry list */
};

/* What a segment does to a TIME_WAIT entry: xtcp_tw_judge(). */
#define XTCP_TWV_ACK		BIT(0)	/* answer with an ACK */
#define XTCP_TWV_RESTART	BIT(1)	/* wait tw_timeout anew */
#define XTCP_TWV_TS		BIT(2)	/* TS.Recent := SEG.TSval */
#define XTCP_TWV_SYN		BIT(3)	/* a new connection takes the pair */
#define XTCP_TWV_PAWS		BIT(4)	/* an old duplicate (counted) */
#define XTCP_TWV_FOUND		BIT(5)	/* xtcp_lookup(): an entry had it */

/* The ACK a TIME_WAIT entry answers with, copied out under its lock. */
struct xtcp_tw_reply {
	u32	seq;
	u32	ack;
	u16	window;
	u8	has_ts;
	u32	tsval;
	u32	tsecr;
};

/* How connect() takes over a TIME_WAIT entry's 4-tuple (tw_reuse). */
struct xtcp_tw_inherit {
	struct xtcp_tw	*tw;	/* claimed, to release; NULL: the reaper's */
	bool	taken;
	bool	released;
	u32	iss;
	u32	ts_offset;
	u32	ts_recent;
	u32	ts_recent_stamp;
};

unsigned int xtcp_tw_judge(const struct xtcp_tw *tw,
			   const struct xtcp_skb_cb *cb,
			   const struct xtcp_opts *opts);
bool xtcp_tw_reusable(const struct xtcp_tw *tw, int reuse, bool loopback,
		      bool bound, u32 now_s);
void xtcp_time_wait(struct sock *sk);
int xtcp_tw_init_net(struct net *net);
void xtcp_tw_exit_net(struct net *net);
void xtcp_tw_timeout_changed(struct xtcp_net *xn);
void xtcp_tw_free(struct xtcp_tw *tw);
struct xtcp_tw *xtcp_tw_claim(struct net *net, struct xtcp_tw *tw);
void xtcp_tw_release(struct net *net, struct xtcp_tw *tw,
		     enum xtcp_mib_field field);
unsigned int xtcp_tw_process(struct net *net, struct xtcp_tw *tw,
			     const struct sk_buff *skb,
			     const struct xtcp_opts *opts,
			     struct xtcp_tw_reply *reply);
void xtcp_tw_send_ack(struct net *net, struct sk_buff *skb,
		      const struct xtcp_tw_reply *reply);
bool xtcp_tw_take(struct sock *sk, struct xtcp_tw *tw, bool bound,
		  struct xtcp_tw_inherit *inh);
bool xtcp_tw_port_conflict(const struct sock *sk, u16 port);
u64 xtcp_tw_len_ns(const struct net *net);
int xtcp_tw_cache_init(void);
void xtcp_tw_cache_exit(void);

/* What /proc and KUnit see of a TIME_WAIT entry. */
struct xtcp_tw_view {
	__be32	laddr;
	__be32	raddr;
	__be16	lport;
	__be16	rport;
	u64	expires_ns;	/* ktime_get_ns() of its end */
	u32	snd_nxt;
	u32	rcv_nxt;
	u32	ts_recent;
	u8	tstamp_ok;
};

#if IS_ENABLED(CONFIG_KUNIT)
void xtcp_tw_unlist(struct xtcp_twq *q, struct xtcp_tw *tw);
void __xtcp_twq_add(struct xtcp_twq *q, struct xtcp_tw *tw, u64 now);
void __xtcp_twq_restart(struct xtcp_twq *q, struct xtcp_tw *tw, u64 now);
unsigned int __xtcp_twq_reap(struct xtcp_twq *q, u64 now, u64 len_ns,
			     unsigned int budget);
bool __xtcp_twq_next(struct xtcp_twq *q, u64 len_ns, u64 *expires);
void __xtcp_twq_init(struct xtcp_twq *q, struct net *net);
struct xtcp_tw *xtcp_tw_alloc(void);
bool xtcp_tw_peek(struct net *net, __be32 laddr, __be16 lport,
		  __be32 raddr, __be16 rport, struct xtcp_tw_view *v);
unsigned int xtcp_tw_purge(struct net *net);
unsigned int xtcp_tw_size(void);
#endif

/* xtcp_hash.c */
struct sock *xtcp_lookup(struct net *net, struct sk_buff *skb,
			 const struct xtcp_opts *opts, int dif,
			 unsigned int *twv, struct xtcp_tw_reply *reply);
struct sock *xtcp_lookup_established(struct net *net,
				     const struct sk_buff *skb);
struct sock *xtcp_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
			      __be32 daddr, u16 lport);
int xtcp_hash_established(struct sock *sk, struct xtcp_tw_inherit *inh);
int xtcp_hash_listener(struct sock *sk);
void xtcp_unhash(struct sock *sk);
int xtcp_bind_port(struct sock *sk, u16 port);
int xtcp_bind_connect_port(struct sock *sk, struct xtcp_tw_inherit *inh);
void xtcp_put_port(struct sock *sk);
void xtcp_inherit_port(struct sock *parent, struct sock *child);
int xtcp_hash_init(void);
void xtcp_hash_exit(void);
#if IS_ENABLED(CONFIG_KUNIT)
u16 xtcp_port_offset(__be32 saddr, __be32 daddr, __be16 dport);
#endif
#ifdef CONFIG_PROC_FS
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);
#endif

/* xtcp_timer.c */
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

/* xtcp_isn.c */
void xtcp_isn_init(void);
u32 xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 xtcp_ts_offset(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
#if IS_ENABLED(CONFIG_KUNIT)
u32 __xtcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport,
	       const siphash_key_t *key, u64 now_ns);
#endif

/* xtcp_output.c */
void xtcp_v4_send_reset(struct net *net, struct sk_buff *skb);
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
void xtcp_send_ack(struct sock *sk);
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp);
int xtcp_send_syn(struct sock *sk);
void xtcp_send_fin(struct sock *sk);
void xtcp_push(struct sock *sk);
void xtcp_retransmit_head(struct sock *sk);
int xtcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
void xtcp_send_probe(struct sock *sk);
void xtcp_send_window_part(struct sock *sk);
void xtcp_mtu_reduced(struct sock *sk);
u8 xtcp_select_wscale(const struct sock *sk);
void xtcp_mark_lost(struct sock *sk, struct sk_buff *skb);
u32 xtcp_in_flight(const struct xtcp_sock *xsk);
bool xtcp_challenge_ack_allowed(struct net *net, u32 *stamp);
bool xtcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   u32 *stamp);
unsigned int xtcp_mss_for_mtu(const struct sock *sk, unsigned int mtu);
#if IS_ENABLED(CONFIG_KUNIT)
bool xtcp_reset_for(const struct xtcphdr *th, unsigned int seglen,
		    struct xtcphdr *rst);
/* Segments are handed to IP here: KUnit tests take them with stubs. */
int xtcp_v4_send_reply(struct net *net, struct sk_buff *skb,
		       const struct xtcphdr *th, unsigned int hdrlen);
int xtcp_queue_xmit(struct sock *sk, struct sk_buff *skb);
#endif

/* xtcp_listen.c */
struct xtcp_request;
int xtcp_synq_alloc(struct sock *sk);
void xtcp_synq_free(struct sock *sk);
u32 xtcp_synq_len(const struct sock *sk);
bool xtcp_listen_rcv(struct sock *sk, struct sk_buff *skb,
		     const struct xtcp_opts *opts);
void xtcp_synq_timeout(struct sock *sk);
u8 xtcp_defer_to_timeouts(int secs);
int xtcp_defer_to_secs(u8 timeouts);
int xtcp_listen_init(void);
void xtcp_listen_exit(void);

/* What /proc and KUnit see of a request. */
struct xtcp_req_view {
	__be32	laddr;
	__be32	raddr;
	__be16	lport;
	__be16	rport;
	u64	expires_ns;	/* ktime_get_ns() of its next SYN-ACK */
	u32	iss;
	u32	irs;
	u32	ts_recent;
	u16	rcv_wnd;
	u16	mss;
	u8	retrans;
	u8	snd_wscale;
	u8	rcv_wscale;
	u8	wscale_ok:1,
		tstamp_ok:1,
		sack_ok:1;
};

unsigned int xtcp_synq_copy(struct sock *sk, unsigned int start,
			    struct xtcp_req_view *v, unsigned int max);
#if IS_ENABLED(CONFIG_KUNIT)
/* A request's segments are handed to IP here (KUnit stubs take them). */
int xtcp_req_xmit(struct sock *sk, struct sk_buff *skb, __be32 saddr,
		  __be32 daddr);
bool xtcp_synq_peek(struct sock *sk, struct xtcp_req_view *v);
void __xtcp_synq_timeout(struct sock *sk, u64 now);
unsigned int xtcp_request_size(void);
#endif

/* xtcp_input.c */
int xtcp_v4_rcv(struct sk_buff *skb);

/* xtcp_icmp.c */
int xtcp_v4_err(struct sk_buff *skb, u32 info);
void xtcp_icmp_abort(struct sock *sk);
void xtcp_set_mss(struct xtcp_sock *xsk, const struct xtcp_opts *opts);
u32 xtcp_seconds(void);
int xtcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb);
void xtcp_cleanup_rbuf(struct sock *sk, int copied);
void xtcp_rcv_space_adjust(struct sock *sk);
void xtcp_sndbuf_expand(struct sock *sk);

/* xtcp_offload.c */
struct sk_buff *xtcp_gso_segment(struct sk_buff *skb,
				 netdev_features_t features);
int xtcp_offload_init(void);
void xtcp_offload_exit(void);

/* xtcp_net.c */
int xtcp_net_register(void);
void xtcp_net_unregister(void);

/* xtcp_sysctl.c */
int xtcp_sysctl_init_net(struct net *net);
void xtcp_sysctl_exit_net(struct net *net);

#endif /* _NET_XTCP_H */
