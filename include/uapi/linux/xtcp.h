/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * XTCP: a TCP-like reliable byte stream in its own socket family.
 *
 * User programs open it with socket(AF_XTCP, SOCK_STREAM, 0), or in the
 * inet family with socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP), and use
 * struct sockaddr_in (sin_family AF_INET) for addresses, as with TCP.
 */
#ifndef _UAPI_LINUX_XTCP_H
#define _UAPI_LINUX_XTCP_H

#include <linux/types.h>

/*
 * The socket family.  sock_register() accepts numbers below AF_MAX (46 in
 * 6.12) whose slot is free.  22 is AF_SNA, a number reserved for the
 * Linux-SNA project that never reached mainline, so no 6.12 kernel
 * registers it.  It is also not used as an address-family value anywhere
 * in the kernel (unlike 7, 27 and 28, which bridge and MPLS rtnetlink and
 * AF_IB use), and SELinux gives it the generic "socket" class.  If the slot
 * is taken on some kernel the module refuses to load and says so.
 */
#define AF_XTCP		22
#define PF_XTCP		AF_XTCP

/*
 * The IP protocol number carrying XTCP segments: 253 is reserved for
 * experimentation by RFC 3692.  The module parameter "ipproto" may select
 * another number at load time; socket(AF_XTCP) accepts 0 or the number in
 * force, socket(AF_INET, SOCK_STREAM) the number in force.
 */
#define IPPROTO_XTCP	253

/*
 * Socket options.  The level SOL_XTCP has its own options and also takes
 * the TCP options XTCP shares, under their TCP numbers; the level SOL_TCP
 * (IPPROTO_TCP) is accepted for those shared options too, so a TCP program
 * ports by changing its socket family.
 *
 *	TCP_NODELAY (1), TCP_MAXSEG (2), TCP_CORK (3), TCP_KEEPIDLE (4),
 *	TCP_KEEPINTVL (5), TCP_KEEPCNT (6), TCP_SYNCNT (7), TCP_LINGER2 (8),
 *	TCP_WINDOW_CLAMP (10), TCP_QUICKACK (12), TCP_CONGESTION (13),
 *	TCP_DEFER_ACCEPT (9), TCP_USER_TIMEOUT (18), TCP_NOTSENT_LOWAT (25)
 *				shared, at SOL_XTCP or SOL_TCP
 *	XTCP_INFO (11)		SOL_XTCP: struct xtcp_info; at SOL_TCP the
 *				same number is TCP_INFO, struct tcp_info
 */
#define SOL_XTCP	IPPROTO_XTCP

#define XTCP_INFO	11

/* Bits of xtcp_info.xtcpi_options: options the handshake agreed on. */
#define XTCPI_OPT_TIMESTAMPS	0x01
#define XTCPI_OPT_SACK		0x02
#define XTCPI_OPT_WSCALE	0x04

/*
 * getsockopt(SOL_XTCP, XTCP_INFO): a snapshot of one connection.  The
 * kernel copies min(optlen, sizeof(struct xtcp_info)) bytes and returns
 * that length, so the structure only grows at its end.  Sequence numbers
 * are absolute, as on the wire.  Times are in microseconds.
 */
struct xtcp_info {
	__u8	xtcpi_state;		/* TCP_ESTABLISHED ... as /proc/net/tcp */
	__u8	xtcpi_options;		/* XTCPI_OPT_* */
	__u8	xtcpi_snd_wscale;	/* shift applied to the peer's window */
	__u8	xtcpi_rcv_wscale;	/* shift applied to our window */
	__u32	xtcpi_retransmits;	/* retransmissions of the oldest unacked */
	__u32	xtcpi_snd_mss;		/* largest segment we send */
	__u32	xtcpi_rcv_mss;		/* largest segment the peer may send */

	__u32	xtcpi_iss;		/* initial send sequence number */
	__u32	xtcpi_irs;		/* initial receive sequence number */
	__u32	xtcpi_snd_una;		/* oldest unacknowledged */
	__u32	xtcpi_snd_nxt;		/* next to send */
	__u32	xtcpi_snd_wnd;		/* peer's advertised window, bytes */
	__u32	xtcpi_rcv_nxt;		/* next expected */
	__u32	xtcpi_rcv_wnd;		/* window we advertised, bytes */

	__u32	xtcpi_rtt_us;		/* smoothed round-trip time */
	__u32	xtcpi_rttvar_us;	/* its mean deviation */
	__u32	xtcpi_rto_us;		/* current retransmission timeout */
	__u32	xtcpi_snd_cwnd;		/* congestion window, segments */
	__u32	xtcpi_snd_ssthresh;	/* slow-start threshold, segments */

	__u64	xtcpi_segs_in;		/* segments received */
	__u64	xtcpi_segs_out;		/* segments sent */
	__u64	xtcpi_bytes_acked;	/* data bytes the peer acknowledged */
	__u64	xtcpi_bytes_received;	/* data bytes delivered in order */
	__u32	xtcpi_total_retrans;	/* segments retransmitted */
	__u32	xtcpi_unacked;		/* bytes sent, not yet acknowledged */

	__u8	xtcpi_ca_state;		/* XTCP_CA_* below */
	__u8	xtcpi_probes;		/* zero-window or keepalive probes */
	__u16	xtcpi_pad;
	__u32	xtcpi_packets_out;	/* segments in flight */
	__u32	xtcpi_ato_us;		/* delayed-ACK timeout */
	__u32	xtcpi_rtt_samples;	/* RTT samples taken (Karn's rule) */
	__u32	xtcpi_sacked;		/* segments in flight the peer SACKed */
	__u32	xtcpi_lost;		/* presumed lost, not yet acked */
	__u32	xtcpi_notsent_bytes;	/* queued, not yet sent */
};

/* xtcp_info.xtcpi_ca_state: the sender's loss-recovery state. */
#define XTCPI_CA_OPEN		0	/* no loss suspected */
#define XTCPI_CA_DISORDER	1	/* duplicate ACKs below the threshold */
#define XTCPI_CA_RECOVERY	2	/* fast recovery: NewReno, or SACK */
#define XTCPI_CA_LOSS		3	/* after a retransmission timeout */

#endif /* _UAPI_LINUX_XTCP_H */
