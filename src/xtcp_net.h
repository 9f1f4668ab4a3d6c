/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP in one network namespace: its counters (/proc/net/xtcp_snmp), its
 * knobs (net.xtcp.*), its TIME_WAIT expiry queue and the rest of struct
 * xtcp_net; set up by xtcp_net.c, xtcp_sysctl.c and xtcp_proc.c.
 */
#ifndef _XTCP_NET_H
#define _XTCP_NET_H

#include <linux/hrtimer.h>
#include <linux/siphash.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/snmp.h>
#include <net/sock.h>

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
	XTCP_MIB_ABORTONMEMORY,		/* reset: orphans or memory beyond limits */
	XTCP_MIB_ABORTFAILED,		/* a reset due could not be sent */
	XTCP_MIB_MEMORYPRESSURES,	/* times XTCP entered memory pressure */
	XTCP_MIB_MEMORYPRESSURESCHRONO,	/* ... and the ms spent under it */
	XTCP_MIB_RCVCOALESCE,		/* segments joined to the queue's tail */
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

static inline const struct xtcp_sysctl *xtcp_sysctl(const struct sock *sk)
{
	return &xtcp_pernet(sock_net(sk))->sysctl;
}

/* xtcp_net.c */
int xtcp_net_register(void);
void xtcp_net_unregister(void);

/* xtcp_sysctl.c */
int xtcp_sysctl_init_net(struct net *net);
void xtcp_sysctl_exit_net(struct net *net);
int xtcp_sysctl_global_register(void);
void xtcp_sysctl_global_unregister(void);
extern struct ctl_table_header *xtcp_sysctl_global_hdr;

/* xtcp_proc.c */
#ifdef CONFIG_PROC_FS
int xtcp_proc_init_net(struct net *net);
void xtcp_proc_exit_net(struct net *net);
#endif

#endif /* _XTCP_NET_H */
