// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_state": the RFC 9293 state machine, cell by cell.
 *
 * The table below gives, for each state a connection can be in and each
 * kind of segment that can arrive, the state after the segment, the
 * errno the user sees and what the connection sends in reply.  It is
 * written from RFC 9293 section 3.10.7 ("SEGMENT ARRIVES") and RFC 5961
 * (challenge ACKs), not from the code.  Each cell then drives the real
 * code: a kernel socket of init_net is put into the state by hand
 * (sk_state, the sequence variables of struct xtcp_sock, a write queue
 * holding what the state implies was sent and is not yet acknowledged), a
 * crafted skb with its control block filled in as xtcp_v4_rcv() fills it
 * is handed to xtcp_v4_do_rcv() with the socket locked, and what the
 * socket sends is caught by the recorder's static stubs instead of leaving
 * through IP.  A passive SYN_RECV
 * connection is a listener's request, made by the listener from a SYN:
 * segments go to the listener, and the state read back is the request's
 * (SYN_RECV), the child's once the final ACK made one, or CLOSED.
 *
 * Where XTCP departs from the RFC, the cell says so: the test then checks
 * what XTCP does and logs the departure, so the table stays the RFC's.
 *
 * TIME_WAIT is no state of a socket: a connection entering it gives its
 * place in the connection table to a TIME_WAIT entry and is closed.  A
 * cell going to TIME_WAIT therefore expects the socket in CLOSE and an
 * entry for its 4-tuple; what segments do to entries is the "xtcp_tw"
 * suite's.
 *
 * Other cases: the errno of a reset, SYN_SENT's checks of the ACK field,
 * the challenge ACK rate limit, and orphans left by close() run to their
 * end, through the real timers or the TIME_WAIT reaper.  A stub catches
 * only what the test's thread sends, so a timer whose segment is checked
 * expires while the test owns the socket: the timer defers its work to
 * release_sock(), which the test then calls, as a socket's owner does.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define LPORT		5001		/* of the sockets set up by hand */
#define PPORT		40001		/* the peer's */
#define ISS		0xfffffff9U	/* our data and FIN wrap past 0 */
#define IRS		0x7ffffffeU	/* the window crosses 2^31 */
#define RWND		1000U		/* the window we advertised */
#define PEER_WND	8192		/* SEG.WND of every crafted segment */
#define DLEN		10		/* data in flight, data of a segment */

#define SYN		XTCP_FLAG_SYN
#define ACK		XTCP_FLAG_ACK
#define FIN		XTCP_FLAG_FIN
#define RST		XTCP_FLAG_RST
#define PSH		XTCP_FLAG_PSH

/* The rows: states, SYN_RECV twice (simultaneous open, listener's request). */
enum row {
	R_SYN_SENT,
	R_SYN_RECV_ACTIVE,
	R_SYN_RECV_PASSIVE,
	R_ESTABLISHED,
	R_FIN_WAIT1,
	R_FIN_WAIT2,
	R_CLOSE_WAIT,
	R_CLOSING,
	R_LAST_ACK,
	R_CLOSE,
	R_LISTEN,
	NR_ROWS
};

struct row_desc {
	const char *name;
	int state;
};

static const struct row_desc rows[NR_ROWS] = {
	[R_SYN_SENT]		= { "SYN_SENT", TCP_SYN_SENT },
	[R_SYN_RECV_ACTIVE]	= { "SYN_RECV (active)", TCP_SYN_RECV },
	[R_SYN_RECV_PASSIVE]	= { "SYN_RECV (passive)", TCP_SYN_RECV },
	[R_ESTABLISHED]		= { "ESTABLISHED", TCP_ESTABLISHED },
	[R_FIN_WAIT1]		= { "FIN_WAIT1", TCP_FIN_WAIT1 },
	[R_FIN_WAIT2]		= { "FIN_WAIT2", TCP_FIN_WAIT2 },
	[R_CLOSE_WAIT]		= { "CLOSE_WAIT", TCP_CLOSE_WAIT },
	[R_CLOSING]		= { "CLOSING", TCP_CLOSING },
	[R_LAST_ACK]		= { "LAST_ACK", TCP_LAST_ACK },
	[R_CLOSE]		= { "CLOSE", TCP_CLOSE },
	[R_LISTEN]		= { "LISTEN", TCP_LISTEN },
};

/*
 * The columns.  SEG.SEQ is RCV.NXT unless said otherwise; "nothing new"
 * is an ACK of SND.UNA (of ISS+1 while our SYN is unacknowledged).  In
 * SYN_SENT, LISTEN and CLOSE, where there is no RCV.NXT, a SYN carries
 * the peer's ISN and other segments the number after it.
 */
enum kind {
	K_SYN,		/* SYN, no ACK */
	K_SYN_ACK,	/* SYN-ACK acknowledging ISS+1 */
	K_ACK,		/* ACK of everything sent but our FIN */
	K_ACK_FIN,	/* ACK of our FIN (where we sent one) */
	K_FIN,		/* FIN-ACK acknowledging nothing new */
	K_FIN_ACK_FIN,	/* FIN-ACK acknowledging our FIN */
	K_FIN_RTX,	/* the peer's FIN again, at RCV.NXT-1 */
	K_RST,		/* RST at RCV.NXT; in SYN_SENT RST-ACK of ISS+1 */
	K_RST_WIN,	/* RST at RCV.NXT+1: in the window, not exact */
	K_DATA,		/* 10 bytes at RCV.NXT, nothing new acknowledged */
	K_OOW,		/* 10 bytes past the right edge of the window */
	K_ACK_BEYOND,	/* ACK of SND.NXT+1000 */
	K_ACK_OLD,	/* ACK below SND.UNA - MAX.SND.WND */
	NR_KINDS
};

static const char *const kind_names[NR_KINDS] = {
	[K_SYN]		= "SYN",
	[K_SYN_ACK]	= "SYN-ACK",
	[K_ACK]		= "ACK",
	[K_ACK_FIN]	= "ACK of our FIN",
	[K_FIN]		= "FIN",
	[K_FIN_ACK_FIN]	= "FIN acking our FIN",
	[K_FIN_RTX]	= "FIN retransmitted",
	[K_RST]		= "RST at RCV.NXT",
	[K_RST_WIN]	= "RST in window",
	[K_DATA]	= "data",
	[K_OOW]		= "out of window",
	[K_ACK_BEYOND]	= "ACK beyond SND.NXT",
	[K_ACK_OLD]	= "ACK too old",
};

/* What the connection sends in reply. */
enum action {
	A_NONE,
	A_ACK,		/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	A_CACK,		/* the same, as an RFC 5961 challenge ACK */
	A_RST,		/* the reset of RFC 9293 3.10.7.1 */
	A_SYNACK,	/* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
};

static const char *const action_names[] = {
	[A_NONE]	= "nothing",
	[A_ACK]		= "ACK",
	[A_CACK]	= "challenge ACK",
	[A_RST]		= "RST",
	[A_SYNACK]	= "SYN-ACK",
};

struct cell {
	u8 valid;
	u8 state;	/* after the segment (a passive row: the request's) */
	u8 action;
	u8 err;		/* sk_err after it */
	/* Where XTCP departs from the RFC: what it does, and why listed. */
	u8 x_state;
	u8 x_action;
	const char *dev;
};

#define T(st, act)	{ .valid = 1, .state = TCP_##st, .action = A_##act }
#define TE(st, act, e)	{ .valid = 1, .state = TCP_##st, .action = A_##act, \
			  .err = (e) }
#define DEV(st, act, xst, xact, why)					\
	{ .valid = 1, .state = TCP_##st, .action = A_##act,		\
	  .x_state = TCP_##xst, .x_action = A_##xact, .dev = (why) }

/* XTCP's departures from the RFC, each reported, not yet fixed. */
#define DEV_SECOND_FIN \
	"not acknowledged; 3.10.7.4 eighth: a FIN is acknowledged in every state"

/*
 * The table, from RFC 9293 3.10.7 and RFC 5961.  Errnos are the ones
 * Linux TCP gives for the RFC's "connection refused" (ECONNREFUSED) and
 * "connection reset" (ECONNRESET; EPIPE in CLOSE_WAIT).  Empty cells do
 * not apply (no FIN of ours to acknowledge, no window in SYN_SENT).
 *
 *  SYN_SENT (3.10.7.3): an ACK must acknowledge ISS+1 or gets a reset
 *  <SEQ=SEG.ACK><CTL=RST>; a RST with an acceptable ACK closes, refused;
 *  a SYN-ACK establishes and is acknowledged; a SYN alone is a
 *  simultaneous open: SYN_RECV and <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>;
 *  anything else is dropped.
 *
 *  Synchronized states and SYN_RECV (3.10.7.4), in the RFC's order:
 *  first, an unacceptable segment gets an ACK (a RST nothing); second, a
 *  RST not exactly at RCV.NXT gets a challenge ACK (RFC 5961 3.2), one at
 *  RCV.NXT closes (SYN_RECV passive: back to LISTEN; CLOSING, LAST_ACK:
 *  closed, nobody told); fourth, a SYN gets
 *  a challenge ACK (RFC 5961 4.2) except in a passive SYN_RECV, which
 *  returns to LISTEN; fifth, SYN_RECV needs SND.UNA < SEG.ACK =< SND.NXT
 *  or answers a reset, an ACK beyond SND.NXT or below SND.UNA-MAX.SND.WND
 *  is dropped with a challenge ACK (RFC 5961 5.2), an ACK of our FIN moves
 *  FIN_WAIT1 to FIN_WAIT2, CLOSING to TIME_WAIT, LAST_ACK to CLOSED;
 *  seventh, data is taken and acknowledged in ESTABLISHED and FIN_WAIT*,
 *  ignored after the peer's FIN; eighth, a FIN is acknowledged and moves
 *  SYN_RECV and ESTABLISHED to CLOSE_WAIT, FIN_WAIT1 to CLOSING (or to
 *  TIME_WAIT if our FIN is acknowledged), FIN_WAIT2 to TIME_WAIT.  In
 *  TIME_WAIT (a TIME_WAIT entry, see the top of the file), a reset is
 *  ignored (RFC 1337) and a FIN acknowledged: the "xtcp_tw" suite.
 *
 *  CLOSE (3.10.7.1): every segment but a RST gets a reset.  LISTEN
 *  (3.10.7.2): a RST is ignored, an ACK gets a reset, a SYN a SYN-ACK
 *  (from a new request; the listener stays).
 *
 *  XTCP departs from it in one place (the DEV cells): a second FIN of
 *  the peer, at RCV.NXT, in CLOSE_WAIT, CLOSING or LAST_ACK is not
 *  acknowledged; in CLOSING not even when it acknowledges our FIN, which
 *  ends the socket in TIME_WAIT before the FIN is looked at.
 */
static const struct cell table[NR_ROWS][NR_KINDS] = {
	[R_SYN_SENT] = {
		[K_SYN]		= T(SYN_RECV, SYNACK),
		[K_SYN_ACK]	= T(ESTABLISHED, ACK),
		[K_ACK]		= T(SYN_SENT, NONE),
		[K_FIN]		= T(SYN_SENT, NONE),
		[K_RST]		= TE(CLOSE, NONE, ECONNREFUSED),
		[K_DATA]	= T(SYN_SENT, NONE),
		[K_ACK_BEYOND]	= T(SYN_SENT, RST),
		[K_ACK_OLD]	= T(SYN_SENT, RST),
	},
	[R_SYN_RECV_ACTIVE] = {
		[K_SYN]		= T(SYN_RECV, CACK),
		[K_SYN_ACK]	= T(SYN_RECV, CACK),
		[K_ACK]		= T(ESTABLISHED, NONE),
		[K_FIN]		= T(CLOSE_WAIT, ACK),
		[K_RST]		= TE(CLOSE, NONE, ECONNREFUSED),
		[K_RST_WIN]	= T(SYN_RECV, CACK),
		[K_DATA]	= T(ESTABLISHED, ACK),
		[K_OOW]		= T(SYN_RECV, ACK),
		[K_ACK_BEYOND]	= T(SYN_RECV, RST),
		[K_ACK_OLD]	= T(SYN_RECV, RST),
	},
	[R_SYN_RECV_PASSIVE] = {
		[K_SYN]		= T(CLOSE, NONE),
		[K_SYN_ACK]	= T(CLOSE, NONE),
		[K_ACK]		= T(ESTABLISHED, NONE),
		[K_FIN]		= T(CLOSE_WAIT, ACK),
		[K_RST]		= T(CLOSE, NONE),
		[K_RST_WIN]	= T(SYN_RECV, CACK),
		[K_DATA]	= T(ESTABLISHED, ACK),
		[K_OOW]		= T(SYN_RECV, ACK),
		[K_ACK_BEYOND]	= T(SYN_RECV, RST),
		[K_ACK_OLD]	= T(SYN_RECV, RST),
	},
	[R_ESTABLISHED] = {
		[K_SYN]		= T(ESTABLISHED, CACK),
		[K_SYN_ACK]	= T(ESTABLISHED, CACK),
		[K_ACK]		= T(ESTABLISHED, NONE),
		[K_FIN]		= T(CLOSE_WAIT, ACK),
		[K_RST]		= TE(CLOSE, NONE, ECONNRESET),
		[K_RST_WIN]	= T(ESTABLISHED, CACK),
		[K_DATA]	= T(ESTABLISHED, ACK),
		[K_OOW]		= T(ESTABLISHED, ACK),
		[K_ACK_BEYOND]	= T(ESTABLISHED, CACK),
		[K_ACK_OLD]	= T(ESTABLISHED, CACK),
	},
	[R_FIN_WAIT1] = {
		[K_SYN]		= T(FIN_WAIT1, CACK),
		[K_SYN_ACK]	= T(FIN_WAIT1, CACK),
		[K_ACK]		= T(FIN_WAIT1, NONE),
		[K_ACK_FIN]	= T(FIN_WAIT2, NONE),
		[K_FIN]		= T(CLOSING, ACK),
		[K_FIN_ACK_FIN]	= T(TIME_WAIT, ACK),
		[K_RST]		= TE(CLOSE, NONE, ECONNRESET),
		[K_RST_WIN]	= T(FIN_WAIT1, CACK),
		[K_DATA]	= T(FIN_WAIT1, ACK),
		[K_OOW]		= T(FIN_WAIT1, ACK),
		[K_ACK_BEYOND]	= T(FIN_WAIT1, CACK),
		[K_ACK_OLD]	= T(FIN_WAIT1, CACK),
	},
	[R_FIN_WAIT2] = {
		[K_SYN]		= T(FIN_WAIT2, CACK),
		[K_SYN_ACK]	= T(FIN_WAIT2, CACK),
		[K_ACK]		= T(FIN_WAIT2, NONE),
		[K_ACK_FIN]	= T(FIN_WAIT2, NONE),
		[K_FIN]		= T(TIME_WAIT, ACK),
		[K_FIN_ACK_FIN]	= T(TIME_WAIT, ACK),
		[K_RST]		= TE(CLOSE, NONE, ECONNRESET),
		[K_RST_WIN]	= T(FIN_WAIT2, CACK),
		[K_DATA]	= T(FIN_WAIT2, ACK),
		[K_OOW]		= T(FIN_WAIT2, ACK),
		[K_ACK_BEYOND]	= T(FIN_WAIT2, CACK),
		[K_ACK_OLD]	= T(FIN_WAIT2, CACK),
	},
	[R_CLOSE_WAIT] = {
		[K_SYN]		= T(CLOSE_WAIT, CACK),
		[K_SYN_ACK]	= T(CLOSE_WAIT, CACK),
		[K_ACK]		= T(CLOSE_WAIT, NONE),
		[K_FIN]		= DEV(CLOSE_WAIT, ACK, CLOSE_WAIT, NONE,
				    DEV_SECOND_FIN),
		[K_FIN_RTX]	= T(CLOSE_WAIT, ACK),
		[K_RST]		= TE(CLOSE, NONE, EPIPE),
		[K_RST_WIN]	= T(CLOSE_WAIT, CACK),
		[K_DATA]	= T(CLOSE_WAIT, NONE),
		[K_OOW]		= T(CLOSE_WAIT, ACK),
		[K_ACK_BEYOND]	= T(CLOSE_WAIT, CACK),
		[K_ACK_OLD]	= T(CLOSE_WAIT, CACK),
	},
	[R_CLOSING] = {
		[K_SYN]		= T(CLOSING, CACK),
		[K_SYN_ACK]	= T(CLOSING, CACK),
		[K_ACK]		= T(CLOSING, NONE),
		[K_ACK_FIN]	= T(TIME_WAIT, NONE),
		[K_FIN]		= DEV(CLOSING, ACK, CLOSING, NONE,
				    DEV_SECOND_FIN),
		[K_FIN_ACK_FIN]	= DEV(TIME_WAIT, ACK, TIME_WAIT, NONE,
				    DEV_SECOND_FIN),
		[K_FIN_RTX]	= T(CLOSING, ACK),
		[K_RST]		= T(CLOSE, NONE),
		[K_RST_WIN]	= T(CLOSING, CACK),
		[K_DATA]	= T(CLOSING, NONE),
		[K_OOW]		= T(CLOSING, ACK),
		[K_ACK_BEYOND]	= T(CLOSING, CACK),
		[K_ACK_OLD]	= T(CLOSING, CACK),
	},
	[R_LAST_ACK] = {
		[K_SYN]		= T(LAST_ACK, CACK),
		[K_SYN_ACK]	= T(LAST_ACK, CACK),
		[K_ACK]		= T(LAST_ACK, NONE),
		[K_ACK_FIN]	= T(CLOSE, NONE),
		[K_FIN]		= DEV(LAST_ACK, ACK, LAST_ACK, NONE,
				    DEV_SECOND_FIN),
		[K_FIN_ACK_FIN]	= T(CLOSE, NONE),
		[K_FIN_RTX]	= T(LAST_ACK, ACK),
		[K_RST]		= T(CLOSE, NONE),
		[K_RST_WIN]	= T(LAST_ACK, CACK),
		[K_DATA]	= T(LAST_ACK, NONE),
		[K_OOW]		= T(LAST_ACK, ACK),
		[K_ACK_BEYOND]	= T(LAST_ACK, CACK),
		[K_ACK_OLD]	= T(LAST_ACK, CACK),
	},
	[R_CLOSE] = {
		[K_SYN]		= T(CLOSE, RST),
		[K_SYN_ACK]	= T(CLOSE, RST),
		[K_ACK]		= T(CLOSE, RST),
		[K_FIN]		= T(CLOSE, RST),
		[K_RST]		= T(CLOSE, NONE),
		[K_RST_WIN]	= T(CLOSE, NONE),
		[K_DATA]	= T(CLOSE, RST),
		[K_OOW]		= T(CLOSE, RST),
		[K_ACK_BEYOND]	= T(CLOSE, RST),
		[K_ACK_OLD]	= T(CLOSE, RST),
	},
	[R_LISTEN] = {
		[K_SYN]		= T(LISTEN, SYNACK),
		[K_SYN_ACK]	= T(LISTEN, RST),
		[K_ACK]		= T(LISTEN, RST),
		[K_FIN]		= T(LISTEN, RST),
		[K_RST]		= T(LISTEN, NONE),
		[K_RST_WIN]	= T(LISTEN, NONE),
		[K_DATA]	= T(LISTEN, RST),
		[K_OOW]		= T(LISTEN, RST),
		[K_ACK_BEYOND]	= T(LISTEN, RST),
		[K_ACK_OLD]	= T(LISTEN, RST),
	},
};

static const char *state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED]	= "ESTABLISHED",
		[TCP_SYN_SENT]		= "SYN_SENT",
		[TCP_SYN_RECV]		= "SYN_RECV",
		[TCP_FIN_WAIT1]		= "FIN_WAIT1",
		[TCP_FIN_WAIT2]		= "FIN_WAIT2",
		[TCP_TIME_WAIT]		= "TIME_WAIT",
		[TCP_CLOSE]		= "CLOSE",
		[TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
		[TCP_LAST_ACK]		= "LAST_ACK",
		[TCP_LISTEN]		= "LISTEN",
		[TCP_CLOSING]		= "CLOSING",
	};

	if (state >= 0 && state < ARRAY_SIZE(names) && names[state])
		return names[state];
	return "?";
}

/* A socket under test and its sequence space after set-up. */
struct tsock {
	struct socket *sock;	/* the socket, or the request's listener */
	struct sock *sk;	/* the socket segments are fed to */
	bool child;		/* sk: a listener with the request under test */
	u16 lport;
	u32 iss;
	u32 snd_una;
	u32 snd_nxt;
	u32 write_seq;
	u32 rcv_nxt;
	u32 wnd_end;		/* RCV.NXT + RCV.WND */
	u32 max_window;
	bool fin_queued;
	bool synced;		/* RCV.NXT means something */
};

/*
 * A socket in @state, set up by hand as the code would have left it.
 * Our SYN is ISS; ESTABLISHED and CLOSE_WAIT have 10 bytes in flight,
 * FIN_WAIT1, CLOSING and LAST_ACK those and our FIN; in FIN_WAIT2
 * everything is acknowledged.  The peer's SYN is IRS, its FIN
 * (where received) IRS+1.  The socket is in no table: the state machine
 * does not need it there.  Synchronized states are in their quick-ACK
 * phase, as a new connection is, so data gets its ACK at once.
 */
static int setup_manual(struct tsock *ts, int state)
{
	u32 data_end = ISS + 1 + DLEN;
	struct xtcp_sock *xsk;
	struct sock *sk;
	int err;

	err = xtcp_kt_sock_create(&ts->sock, LPORT, PPORT);
	if (err)
		return err;
	sk = ts->sock->sk;
	ts->sk = sk;
	xsk = xtcp_sk(sk);

	lock_sock(sk);
	if (state == TCP_CLOSE)
		goto out;

	/* As xtcp_send_syn() and xtcp_set_state() leave them. */
	xtcp_kt_init_seq(sk, ISS, IRS + 1, PEER_WND);
	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV)
		xsk->quickacks = XTCP_QUICKACKS;
	if ((1 << state) & (TCPF_CLOSE_WAIT | TCPF_CLOSING | TCPF_LAST_ACK))
		xsk->rcv_nxt = IRS + 2;

	switch (state) {
	case TCP_SYN_SENT:
		/* xtcp_v4_connect(): our SYN sent, nothing received. */
		err = xtcp_kt_syn_sent(sk);
		break;
	case TCP_SYN_RECV:
		/* Simultaneous open: both SYNs sent, neither acknowledged. */
		err = xtcp_kt_queue_sent(sk, ISS, 0, SYN);
		xsk->snd_una = ISS;
		xsk->snd_wl2 = ISS;
		break;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		err = xtcp_kt_queue_sent(sk, ISS + 1, DLEN, PSH);
		xsk->snd_nxt = data_end;
		xsk->write_seq = data_end;
		break;
	case TCP_FIN_WAIT1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		err = xtcp_kt_queue_sent(sk, ISS + 1, DLEN, PSH);
		if (!err)
			err = xtcp_kt_queue_sent(sk, data_end, 0, FIN);
		xsk->snd_nxt = data_end + 1;
		xsk->write_seq = data_end + 1;
		xsk->fin_queued = 1;
		break;
	case TCP_FIN_WAIT2:
		xsk->snd_una = data_end + 1;
		xsk->snd_nxt = data_end + 1;
		xsk->write_seq = data_end + 1;
		xsk->fin_queued = 1;
		break;
	}
	if (state != TCP_SYN_SENT)
		xtcp_kt_open_rcv(sk, RWND);

	if ((1 << state) & (TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_CLOSING |
			    TCPF_LAST_ACK))
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
	if ((1 << state) & (TCPF_CLOSE_WAIT | TCPF_CLOSING | TCPF_LAST_ACK)) {
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		sock_set_flag(sk, SOCK_DONE);
	}
	/* The CurrEstab gauge, as xtcp_set_state() keeps it. */
	if ((1 << state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))
		XTCP_INC_STATS(&init_net, XTCP_MIB_CURRESTAB);
	xtcp_state_store(sk, state);
out:
	release_sock(sk);
	return err;
}

static struct sk_buff *make_skb(const struct tsock *ts, u8 flags, u32 seq,
				u32 ack, unsigned int dlen);

/*
 * A listener on an ephemeral port; with @child, also the request the
 * peer's SYN (ISN IRS) makes, in SYN_RECV, its SYN-ACK sent.
 */
static int setup_passive(struct tsock *ts, bool child)
{
	struct sk_buff *skb;
	struct sock *lsk;
	int err;

	err = sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM, 0, &ts->sock);
	if (err) {
		ts->sock = NULL;
		return err;
	}
	lsk = ts->sock->sk;
	ts->sk = lsk;
	err = kernel_listen(ts->sock, 8);
	if (err)
		return err;
	ts->lport = inet_sk(lsk)->inet_num;
	if (!child)
		return 0;

	skb = make_skb(ts, SYN, IRS, 0, 0);
	if (!skb)
		return -ENOMEM;
	lock_sock(lsk);
	xtcp_v4_do_rcv(lsk, skb);
	release_sock(lsk);

	if (xtcp_synq_len(lsk) != 1)
		return -ENOENT;
	ts->child = true;
	/* Its SYN-ACK, checked in the LISTEN row. */
	xtcp_kt_rec_take(NULL);
	return 0;
}

/* Read the sequence space the segments are made from. */
static void snapshot(struct tsock *ts, int row)
{
	const struct xtcp_sock *xsk = xtcp_sk(ts->sk);
	struct xtcp_req_view v;

	if (ts->child && xtcp_synq_peek(ts->sk, &v)) {
		/* The request: its SYN-ACK sent, the peer's SYN taken. */
		ts->iss = v.iss;
		ts->snd_una = v.iss;
		ts->snd_nxt = v.iss + 1;
		ts->write_seq = v.iss + 1;
		ts->rcv_nxt = v.irs + 1;
		ts->wnd_end = v.irs + 1 + v.rcv_wnd;
		ts->max_window = PEER_WND;
		ts->fin_queued = false;
		ts->synced = true;
		return;
	}
	if (row == R_LISTEN || row == R_CLOSE) {
		/* No connection: numbers of an imagined one. */
		ts->iss = ISS;
		ts->snd_una = ISS;
		ts->snd_nxt = ISS + 1;
		ts->write_seq = ISS + 1;
		ts->rcv_nxt = IRS + 1;
		ts->wnd_end = IRS + 1 + RWND;
		ts->synced = false;
		if (row == R_CLOSE)
			ts->lport = LPORT;
		return;
	}
	if (!ts->child)
		ts->lport = LPORT;
	ts->iss = xsk->iss;
	ts->snd_una = xsk->snd_una;
	ts->snd_nxt = xsk->snd_nxt;
	ts->write_seq = xsk->write_seq;
	ts->rcv_nxt = xsk->rcv_nxt;
	ts->wnd_end = xsk->rcv_wup + xsk->rcv_wnd;
	ts->max_window = xsk->max_window;
	ts->fin_queued = xsk->fin_queued;
	ts->synced = row != R_SYN_SENT;
}

static int setup(struct tsock *ts, int row)
{
	int err;

	if (row == R_LISTEN || row == R_SYN_RECV_PASSIVE)
		err = setup_passive(ts, row == R_SYN_RECV_PASSIVE);
	else
		err = setup_manual(ts, rows[row].state);
	if (err)
		return err;
	lock_sock(ts->sk);
	snapshot(ts, row);
	release_sock(ts->sk);
	return 0;
}

/*
 * Close what setup() made.  A socket set up by hand is in no table: it
 * only has to be in TCP_CLOSE for close() to destroy it (timers, queues).
 * A listener's close() drops its requests and resets its children.  The
 * TIME_WAIT entry a socket left goes too: every cell has the same
 * 4-tuple.
 */
static void teardown(struct tsock *ts)
{
	if (ts->sock)
		xtcp_kt_close_manual(ts->sock);
	xtcp_tw_purge(&init_net);
}

/* An established connection in @ts, or a failed test (false). */
static bool established(struct kunit *test, struct tsock *ts)
{
	if (!setup(ts, R_ESTABLISHED))
		return true;
	KUNIT_FAIL(test, "set-up failed");
	teardown(ts);
	return false;
}

/* A segment from the peer to the socket under test, no options. */
static struct sk_buff *make_skb(const struct tsock *ts, u8 flags, u32 seq,
				u32 ack, unsigned int dlen)
{
	return xtcp_kt_make_skb(PPORT, ts->lport, flags, seq, ack, PEER_WND,
				NULL, NULL, dlen);
}

struct seg {
	u8 flags;
	u32 seq;
	u32 ack;
	unsigned int dlen;
};

/* The segment of kind @k for the connection @ts (see enum kind). */
static void make_seg(const struct tsock *ts, int row, enum kind k,
		     struct seg *s)
{
	bool fin_out = ts->fin_queued && ts->snd_una != ts->write_seq;
	u32 una = ts->snd_una == ts->iss ? ts->iss + 1 : ts->snd_una;
	u32 all = fin_out ? ts->write_seq - 1 : ts->snd_nxt;
	u32 r = ts->rcv_nxt, peer = IRS + 1;

	memset(s, 0, sizeof(*s));
	s->seq = ts->synced ? r : peer;
	switch (k) {
	case K_SYN:
		s->flags = SYN;
		if (!ts->synced)
			s->seq = IRS;
		break;
	case K_SYN_ACK:
		s->flags = SYN | ACK;
		s->ack = ts->iss + 1;
		if (!ts->synced)
			s->seq = IRS;
		break;
	case K_ACK:
		s->flags = ACK;
		s->ack = all;
		break;
	case K_ACK_FIN:
		s->flags = ACK;
		s->ack = ts->write_seq;
		break;
	case K_FIN:
		s->flags = FIN | ACK;
		s->ack = una;
		break;
	case K_FIN_ACK_FIN:
		s->flags = FIN | ACK;
		s->ack = ts->write_seq;
		break;
	case K_FIN_RTX:
		s->flags = FIN | ACK;
		s->ack = una;
		s->seq = r - 1;
		break;
	case K_RST:
	case K_RST_WIN:
		s->flags = RST;
		if (row == R_SYN_SENT) {
			s->flags |= ACK;
			s->ack = ts->iss + 1;
		}
		if (k == K_RST_WIN)
			s->seq++;
		break;
	case K_DATA:
	case K_OOW:
		s->flags = ACK | PSH;
		s->ack = una;
		s->dlen = DLEN;
		if (k == K_OOW)
			s->seq = ts->wnd_end + 100;
		break;
	case K_ACK_BEYOND:
		s->flags = ACK;
		s->ack = ts->snd_nxt + 1000;
		break;
	case K_ACK_OLD:
		s->flags = ACK;
		s->ack = ts->snd_una - ts->max_window - 1000;
		break;
	default:
		break;
	}
}

/* The connection after a segment, read with the socket still locked. */
struct after {
	int state;
	int err;
	int lstate;		/* a request's listener */
	const struct sock *actor;	/* the sender of what it answers */
	u32 snd_una;
	u32 snd_nxt;
	u32 rcv_nxt;
	bool tw;		/* a TIME_WAIT entry has the 4-tuple */
	struct xtcp_tw_view twv;	/* ... and this is it */
	unsigned int n;		/* segments sent */
	struct xtcp_kt_rec rec[XTCP_KT_MAX_RECS];
};

/*
 * A request's connection after a segment: the request still waiting
 * (SYN_RECV), the child its final ACK made, or nothing (CLOSED).
 */
static void read_after_passive(struct tsock *ts, struct after *a)
{
	struct xtcp_req_view v;
	struct sock *c;

	a->n = xtcp_kt_rec_take(a->rec);
	a->lstate = ts->sk->sk_state;
	a->actor = ts->sk;
	a->err = 0;
	if (xtcp_synq_peek(ts->sk, &v)) {
		a->state = TCP_SYN_RECV;
		a->snd_una = v.iss;
		a->snd_nxt = v.iss + 1;
		a->rcv_nxt = v.irs + 1;
		return;
	}
	c = xtcp_kt_first_child(ts->sk);
	if (!c) {
		a->state = TCP_CLOSE;
		return;
	}
	/* In the accept queue: only the softirq would lock it now. */
	local_bh_disable();
	bh_lock_sock(c);
	a->state = c->sk_state;
	a->err = READ_ONCE(c->sk_err);
	a->snd_una = xtcp_sk(c)->snd_una;
	a->snd_nxt = xtcp_sk(c)->snd_nxt;
	a->rcv_nxt = xtcp_sk(c)->rcv_nxt;
	bh_unlock_sock(c);
	local_bh_enable();
	a->actor = c;
	sock_put(c);
}

static void read_after(struct tsock *ts, struct after *a)
{
	a->tw = xtcp_tw_peek(&init_net, XTCP_KT_ADDR, htons(ts->lport),
			     XTCP_KT_ADDR, htons(PPORT), &a->twv);
	if (ts->child) {
		read_after_passive(ts, a);
		return;
	}
	a->actor = ts->sk;
	a->state = ts->sk->sk_state;
	a->err = READ_ONCE(ts->sk->sk_err);
	a->snd_una = xtcp_sk(ts->sk)->snd_una;
	a->snd_nxt = xtcp_sk(ts->sk)->snd_nxt;
	a->rcv_nxt = xtcp_sk(ts->sk)->rcv_nxt;
	a->n = xtcp_kt_rec_take(a->rec);
	a->lstate = a->state;
}

/* As release_sock() runs the backlog of a socket its user owns. */
static void deliver_owned(struct tsock *ts, struct sk_buff *skb,
			  struct after *a)
{
	lock_sock(ts->sk);
	xtcp_v4_do_rcv(ts->sk, skb);
	read_after(ts, a);
	release_sock(ts->sk);
}

/* A request's segments go to its listener. */
static void deliver(struct tsock *ts, struct sk_buff *skb, struct after *a)
{
	deliver_owned(ts, skb, a);
}

/* Check what was sent against @act. */
static void check_sent(struct kunit *test, const char *where,
		       const struct tsock *ts, const struct seg *s,
		       const struct after *a, int act, unsigned long cacks)
{
	u32 seglen = s->dlen + !!(s->flags & SYN) + !!(s->flags & FIN);
	const struct xtcp_kt_rec *r = &a->rec[0];

	KUNIT_EXPECT_EQ_MSG(test, cacks, act == A_CACK ? 1UL : 0UL,
			    "%s: challenge ACKs counted", where);
	KUNIT_EXPECT_EQ_MSG(test, a->n, act == A_NONE ? 0U : 1U,
			    "%s: segments sent (first: flags %#x seq %u ack %u)",
			    where, a->n ? r->flags : 0, a->n ? r->seq : 0,
			    a->n ? r->ack : 0);
	if (a->n != 1 || act == A_NONE)
		return;

	switch (act) {
	case A_ACK:
	case A_CACK:
		KUNIT_EXPECT_PTR_EQ_MSG(test, r->sk, a->actor, "%s", where);
		KUNIT_EXPECT_EQ_MSG(test, r->flags, ACK, "%s: flags", where);
		KUNIT_EXPECT_EQ_MSG(test, r->seq, a->snd_nxt, "%s: SEQ", where);
		KUNIT_EXPECT_EQ_MSG(test, r->ack, a->rcv_nxt, "%s: ACK", where);
		KUNIT_EXPECT_EQ_MSG(test, r->len, 0, "%s: data", where);
		break;
	case A_RST:
		KUNIT_EXPECT_NULL_MSG(test, r->sk, "%s: not a socket's", where);
		if (s->flags & ACK) {
			KUNIT_EXPECT_EQ_MSG(test, r->flags, RST, "%s", where);
			KUNIT_EXPECT_EQ_MSG(test, r->seq, s->ack, "%s", where);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, r->flags, RST | ACK, "%s",
					    where);
			KUNIT_EXPECT_EQ_MSG(test, r->seq, 0, "%s", where);
			KUNIT_EXPECT_EQ_MSG(test, r->ack, s->seq + seglen,
					    "%s", where);
		}
		break;
	case A_SYNACK:
		KUNIT_EXPECT_NOT_NULL_MSG(test, r->sk, "%s", where);
		KUNIT_EXPECT_EQ_MSG(test, r->flags, SYN | ACK, "%s", where);
		KUNIT_EXPECT_EQ_MSG(test, r->ack, s->seq + 1, "%s", where);
		if (ts->sock->sk->sk_state != TCP_LISTEN) {
			KUNIT_EXPECT_PTR_EQ_MSG(test, r->sk, ts->sk, "%s",
						where);
			KUNIT_EXPECT_EQ_MSG(test, r->seq, ts->iss, "%s", where);
		}
		break;
	}
}

/*
 * Where the RFC says RCV.NXT goes: over data taken (ESTABLISHED,
 * FIN_WAIT*), over the peer's first FIN, to IRS+1 on the peer's SYN in
 * SYN_SENT, nowhere otherwise.  0: not checked (closed, no RCV.NXT, a
 * second FIN of the peer).
 */
static u32 want_rcv_nxt(const struct tsock *ts, int row, enum kind k,
			const struct seg *s, int state)
{
	int before = rows[row].state;

	if (state == TCP_CLOSE || row == R_LISTEN || row == R_CLOSE)
		return 0;
	if (row == R_SYN_SENT)
		return k == K_SYN || k == K_SYN_ACK ? IRS + 1 : 0;
	if (k == K_DATA && ((1 << state) & (TCPF_ESTABLISHED |
					    TCPF_FIN_WAIT1 |
					    TCPF_FIN_WAIT2)))
		return s->seq + DLEN;
	if (k == K_FIN || k == K_FIN_ACK_FIN)
		return (1 << before) & (TCPF_SYN_RECV | TCPF_ESTABLISHED |
					TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2) ?
		       s->seq + 1 : 0;
	return ts->rcv_nxt;
}

/* SND.UNA after an acceptable ACK of new data or of our FIN; 0: none. */
static u32 want_snd_una(int row, enum kind k, const struct seg *s,
			int state)
{
	if (state == TCP_CLOSE || row == R_LISTEN || row == R_CLOSE)
		return 0;
	if (row == R_SYN_SENT)
		return k == K_SYN_ACK ? ISS + 1 : 0;
	if (k == K_ACK || k == K_ACK_FIN || k == K_FIN_ACK_FIN)
		return s->ack;
	return 0;
}

/*
 * The state after a segment.  TIME_WAIT: the socket closed, and a
 * TIME_WAIT entry holds its 4-tuple and sequence space.  Any other: no
 * entry.
 */
static void check_state(struct kunit *test, const char *where,
			const struct after *a, int want)
{
	if (want != TCP_TIME_WAIT) {
		KUNIT_EXPECT_EQ_MSG(test, a->state, want,
				    "%s: state %s, want %s", where,
				    state_name(a->state), state_name(want));
		KUNIT_EXPECT_FALSE_MSG(test, a->tw, "%s: a TIME_WAIT entry",
				       where);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, a->state, TCP_CLOSE,
			    "%s: state %s, want CLOSE and an entry", where,
			    state_name(a->state));
	KUNIT_EXPECT_TRUE_MSG(test, a->tw, "%s: no TIME_WAIT entry", where);
	if (!a->tw)
		return;
	KUNIT_EXPECT_EQ_MSG(test, a->twv.snd_nxt, a->snd_nxt,
			    "%s: the entry's SND.NXT", where);
	KUNIT_EXPECT_EQ_MSG(test, a->twv.rcv_nxt, a->rcv_nxt,
			    "%s: the entry's RCV.NXT", where);
}

static void run_cell(struct kunit *test, int row, enum kind k)
{
	const struct cell *c = &table[row][k];
	int want_state = c->dev ? c->x_state : c->state;
	int want_act = c->dev ? c->x_action : c->action;
	struct tsock ts = {};
	struct after a = {};
	unsigned long cacks;
	struct sk_buff *skb;
	char where[64];
	struct seg s;
	int err;
	u32 seq;

	snprintf(where, sizeof(where), "%s + %s", rows[row].name,
		 kind_names[k]);
	err = setup(&ts, row);
	if (err) {
		KUNIT_FAIL(test, "%s: set-up failed: %d", where, err);
		goto out;
	}
	make_seg(&ts, row, k, &s);
	skb = make_skb(&ts, s.flags, s.seq, s.ack, s.dlen);
	if (!skb) {
		KUNIT_FAIL(test, "%s: no memory", where);
		goto out;
	}

	cacks = xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS);
	deliver(&ts, skb, &a);
	cacks = xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS) - cacks;

	if (c->dev)
		kunit_info(test, "%s: RFC: %s, %s; XTCP: %s, %s (%s)\n", where,
			   state_name(c->state), action_names[c->action],
			   state_name(want_state), action_names[want_act],
			   c->dev);
	check_state(test, where, &a, want_state);
	KUNIT_EXPECT_EQ_MSG(test, a.err, c->err, "%s: sk_err", where);
	seq = want_rcv_nxt(&ts, row, k, &s, want_state);
	if (seq)
		KUNIT_EXPECT_EQ_MSG(test, a.rcv_nxt, seq, "%s: RCV.NXT", where);
	seq = want_snd_una(row, k, &s, want_state);
	if (seq)
		KUNIT_EXPECT_EQ_MSG(test, a.snd_una, seq, "%s: SND.UNA", where);
	KUNIT_EXPECT_EQ_MSG(test, a.lstate, row == R_SYN_RECV_PASSIVE ?
			    TCP_LISTEN : a.state, "%s: the listener", where);
	check_sent(test, where, &ts, &s, &a, want_act, cacks);
	if (row == R_LISTEN && k == K_SYN)
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(xtcp_sk(ts.sk)->syn_qlen),
				    1U, "%s: the child", where);
out:
	teardown(&ts);
	xtcp_kt_rec_take(NULL);
}

static void row_desc(const struct row_desc *r, char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(row, rows, row_desc);

/* One row of the table: each segment to a fresh socket in the state. */
static void xtcp_state_table(struct kunit *test)
{
	const struct row_desc *rd = test->param_value;
	int row = rd - rows;
	int k;

	if (row == R_SYN_RECV_PASSIVE && !xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	for (k = 0; k < NR_KINDS; k++) {
		if (!table[row][k].valid)
			continue;
		if (row == R_LISTEN && k == K_SYN && !xtcp_kt_lo_up()) {
			kunit_info(test, "LISTEN + SYN skipped: lo is down\n");
			continue;
		}
		run_cell(test, row, k);
	}
}

/* Set up @row, deliver one segment; false if that could not be done. */
static bool one_segment(struct kunit *test, struct tsock *ts, int row,
			u8 flags, u32 seq, u32 ack, unsigned int dlen,
			struct after *a)
{
	struct sk_buff *skb;

	if (setup(ts, row)) {
		KUNIT_FAIL(test, "%s: set-up failed", rows[row].name);
		return false;
	}
	if (!seq)
		seq = ts->rcv_nxt;
	skb = make_skb(ts, flags, seq, ack, dlen);
	if (!skb) {
		KUNIT_FAIL(test, "no memory");
		return false;
	}
	deliver(ts, skb, a);
	return true;
}

/*
 * The errno a reset at RCV.NXT leaves for the user, as Linux TCP sets it
 * for the RFC's "connection refused" and "connection reset", and the
 * counters it moves.  CLOSING and LAST_ACK close without telling anyone.
 * (TIME_WAIT ignores the reset, RFC 1337: the "xtcp_tw" suite.)
 */
static void xtcp_state_reset_errors(struct kunit *test)
{
	static const struct {
		int row;
		int err;
		int state;
		int mib;	/* counter moved by one, or -1 */
	} cases[] = {
		{ R_ESTABLISHED, ECONNRESET, TCP_CLOSE, XTCP_MIB_ESTABRESETS },
		{ R_CLOSE_WAIT, EPIPE, TCP_CLOSE, XTCP_MIB_ESTABRESETS },
		{ R_SYN_SENT, ECONNREFUSED, TCP_CLOSE, XTCP_MIB_ATTEMPTFAILS },
		{ R_SYN_RECV_ACTIVE, ECONNREFUSED, TCP_CLOSE,
		  XTCP_MIB_ATTEMPTFAILS },
		{ R_FIN_WAIT1, ECONNRESET, TCP_CLOSE, -1 },
		{ R_FIN_WAIT2, ECONNRESET, TCP_CLOSE, -1 },
		{ R_CLOSING, 0, TCP_CLOSE, -1 },
		{ R_LAST_ACK, 0, TCP_CLOSE, -1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int row = cases[i].row;
		const char *name = rows[row].name;
		struct tsock ts = {};
		struct after a = {};
		unsigned long before = 0;
		u8 flags = RST;
		u32 ack = 0;

		if (cases[i].mib >= 0)
			before = xtcp_kt_counter(cases[i].mib);
		if (row == R_SYN_SENT) {
			flags |= ACK;
			ack = ISS + 1;
		}
		if (one_segment(test, &ts, row, flags, row == R_SYN_SENT ?
				IRS : 0, ack, 0, &a)) {
			KUNIT_EXPECT_EQ_MSG(test, a.err, cases[i].err, "%s",
					    name);
			KUNIT_EXPECT_EQ_MSG(test, a.state, cases[i].state,
					    "%s: state %s", name,
					    state_name(a.state));
			KUNIT_EXPECT_EQ_MSG(test, a.n, 0U, "%s: sent", name);
			/* What recv() or send() would return, once. */
			KUNIT_EXPECT_EQ_MSG(test, sock_error(ts.sk),
					    -cases[i].err, "%s", name);
			KUNIT_EXPECT_EQ_MSG(test, sock_error(ts.sk), 0, "%s",
					    name);
			if (cases[i].mib >= 0)
				KUNIT_EXPECT_EQ_MSG(test,
						    xtcp_kt_counter(cases[i].mib),
						    before + 1, "%s: counter",
						    name);
		}
		teardown(&ts);
		xtcp_kt_rec_take(NULL);
	}
}

/*
 * SYN_SENT (3.10.7.3) takes nothing but an acceptable ACK: a RST without
 * one or with an unacceptable one is dropped (and never answered); a
 * segment whose ACK is unacceptable gets <SEQ=SEG.ACK><CTL=RST>.
 */
static void xtcp_state_syn_sent_ack_checks(struct kunit *test)
{
	static const struct {
		const char *what;
		u8 flags;
		u32 ack;
		unsigned int rsts;	/* resets sent in reply */
	} cases[] = {
		{ "RST without ACK", RST, 0, 0 },
		{ "RST, ACK of ISS", RST | ACK, ISS, 0 },
		{ "RST, ACK of ISS+2", RST | ACK, ISS + 2, 0 },
		{ "SYN-ACK of ISS", SYN | ACK, ISS, 1 },
		{ "SYN-ACK of ISS+2", SYN | ACK, ISS + 2, 1 },
		{ "ACK of ISS", ACK, ISS, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tsock ts = {};
		struct after a = {};

		if (one_segment(test, &ts, R_SYN_SENT, cases[i].flags, IRS,
				cases[i].ack, 0, &a)) {
			KUNIT_EXPECT_EQ_MSG(test, a.state, TCP_SYN_SENT, "%s",
					    cases[i].what);
			KUNIT_EXPECT_EQ_MSG(test, a.err, 0, "%s",
					    cases[i].what);
			KUNIT_EXPECT_EQ_MSG(test, a.n, cases[i].rsts, "%s",
					    cases[i].what);
			if (cases[i].rsts && a.n == 1) {
				KUNIT_EXPECT_NULL(test, a.rec[0].sk);
				KUNIT_EXPECT_EQ(test, a.rec[0].flags, RST);
				KUNIT_EXPECT_EQ(test, a.rec[0].seq,
						cases[i].ack);
			}
		}
		teardown(&ts);
		xtcp_kt_rec_take(NULL);
	}
}

/*
 * A request whose SYN-ACK was lost gets the peer's SYN again
 * (SEG.SEQ = IRS, left of the window): it sends its SYN-ACK again, as
 * Linux TCP does; the RFC's first check alone would answer a bare ACK,
 * which the peer in SYN_SENT drops.
 */
static void xtcp_state_passive_syn_retransmitted(struct kunit *test)
{
	struct tsock ts = {};
	struct after a = {};

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: a request cannot route its SYN-ACK");
	if (one_segment(test, &ts, R_SYN_RECV_PASSIVE, SYN, IRS, 0, 0, &a)) {
		KUNIT_EXPECT_EQ(test, a.state, TCP_SYN_RECV);
		KUNIT_EXPECT_EQ(test, a.n, 1U);
		KUNIT_EXPECT_PTR_EQ(test, a.rec[0].sk, (const struct sock *)ts.sk);
		KUNIT_EXPECT_EQ(test, a.rec[0].flags, SYN | ACK);
		KUNIT_EXPECT_EQ(test, a.rec[0].seq, ts.iss);
		KUNIT_EXPECT_EQ(test, a.rec[0].ack, IRS + 1);
	}
	teardown(&ts);
	xtcp_kt_rec_take(NULL);
}

/*
 * A one-second window of challenge ACKs starting at @stamp, @count of
 * its budget left.
 */
static void challenge_window(unsigned long stamp, unsigned int count)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);

	spin_lock_bh(&xn->challenge_lock);
	xn->challenge_stamp = stamp;
	xn->challenge_count = count;
	spin_unlock_bh(&xn->challenge_lock);
}

/*
 * RFC 5961 section 7: at most the budget of challenge ACKs a second; the
 * others are counted in XtcpChallengeACKsLimited.  The window is started
 * in the future with 3 left, so that it cannot roll over while the test
 * runs; a new one draws from half to one and a half times the limit.  The
 * socket's own limit on answers to bad segments (invalid_ratelimit) is
 * off here.  Acknowledging an unacceptable segment is no challenge ACK
 * and is not limited.
 */
static void xtcp_state_challenge_ack_limit(struct kunit *test)
{
	static const enum kind kinds[] = { K_SYN, K_RST_WIN, K_ACK_BEYOND };
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_sysctl saved = xn->sysctl;
	unsigned long sent, limited;
	unsigned int i, n = 0;
	struct tsock ts = {};
	struct after a = {};
	struct sk_buff *skb;
	struct seg s;

	if (setup(&ts, R_ESTABLISHED)) {
		KUNIT_FAIL(test, "set-up failed");
		goto out;
	}

	WRITE_ONCE(xn->sysctl.invalid_ratelimit, 0);
	WRITE_ONCE(xn->sysctl.challenge_ack_limit, 3);
	challenge_window(jiffies + 60 * HZ, 3);
	sent = xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS);
	limited = xtcp_kt_counter(XTCP_MIB_CHALLENGELIMITED);
	for (i = 0; i < 9; i++) {
		make_seg(&ts, R_ESTABLISHED, kinds[i % 3], &s);
		skb = make_skb(&ts, s.flags, s.seq, s.ack, s.dlen);
		if (!skb)
			goto out;
		deliver(&ts, skb, &a);
		KUNIT_EXPECT_EQ(test, a.state, TCP_ESTABLISHED);
		n += a.n;
	}
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS) - sent, 3UL);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGELIMITED) - limited,
			6UL);

	/* Past the limit, an unacceptable segment is still acknowledged. */
	make_seg(&ts, R_ESTABLISHED, K_OOW, &s);
	skb = make_skb(&ts, s.flags, s.seq, s.ack, s.dlen);
	if (!skb)
		goto out;
	deliver(&ts, skb, &a);
	KUNIT_EXPECT_EQ(test, a.n, 1U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS) - sent, 3UL);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGELIMITED) - limited,
			6UL);

	/* The next second starts afresh: a budget of 2 to 4. */
	challenge_window(jiffies - 2 * HZ, 0);
	make_seg(&ts, R_ESTABLISHED, K_SYN, &s);
	skb = make_skb(&ts, s.flags, s.seq, s.ack, s.dlen);
	if (!skb)
		goto out;
	deliver(&ts, skb, &a);
	KUNIT_EXPECT_EQ(test, a.n, 1U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGEACKS) - sent, 4UL);

	/* A limit of 0: none at all. */
	WRITE_ONCE(xn->sysctl.challenge_ack_limit, 0);
	challenge_window(jiffies - 2 * HZ, 5);
	make_seg(&ts, R_ESTABLISHED, K_RST_WIN, &s);
	skb = make_skb(&ts, s.flags, s.seq, s.ack, s.dlen);
	if (!skb)
		goto out;
	deliver(&ts, skb, &a);
	KUNIT_EXPECT_EQ(test, a.n, 0U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_CHALLENGELIMITED) - limited,
			7UL);
out:
	WRITE_ONCE(xn->sysctl.invalid_ratelimit, saved.invalid_ratelimit);
	WRITE_ONCE(xn->sysctl.challenge_ack_limit, saved.challenge_ack_limit);
	/* The next challenge ACK draws a budget of its own. */
	challenge_window(jiffies - 2 * HZ, 0);
	teardown(&ts);
	xtcp_kt_rec_take(NULL);
}

/* Wait until timers have closed and destroyed an orphan we reference. */
static bool wait_destroyed(struct sock *sk)
{
	unsigned long end = jiffies + 20 * HZ;

	while (time_before(jiffies, end)) {
		if (READ_ONCE(sk->sk_state) == TCP_CLOSE &&
		    refcount_read(&sk->sk_refcnt) == 1)
			return true;
		msleep(20);
	}
	return false;
}

/*
 * close() of an ESTABLISHED socket with 10 bytes in flight: our FIN goes
 * out, the socket is an orphan in FIN_WAIT1.  Returns it referenced.
 */
static struct sock *orphan(struct kunit *test, struct tsock *ts)
{
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct sock *sk;
	unsigned int n;

	if (setup(ts, R_ESTABLISHED)) {
		KUNIT_FAIL(test, "set-up failed");
		teardown(ts);
		return NULL;
	}
	sk = ts->sk;
	sock_hold(sk);
	xtcp_kt_rec_take(NULL);
	sock_release(ts->sock);
	ts->sock = NULL;

	n = xtcp_kt_rec_take(r);
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, r[0].flags, FIN | ACK);
		KUNIT_EXPECT_EQ(test, r[0].seq, ISS + 1 + DLEN);
		KUNIT_EXPECT_EQ(test, r[0].ack, ts->rcv_nxt);
	}
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_state), TCP_FIN_WAIT1);
	KUNIT_EXPECT_TRUE(test, sock_flag(sk, SOCK_DEAD));
	return sk;
}

/* Feed an orphan a segment, its lock held; the state after it. */
static int __feed_orphan(struct tsock *ts, u8 flags, u32 seq, u32 ack,
			 unsigned int dlen, struct after *a)
{
	struct sk_buff *skb = make_skb(ts, flags, seq, ack, dlen);

	if (!skb)
		return -1;
	xtcp_v4_do_rcv(ts->sk, skb);
	a->state = ts->sk->sk_state;
	a->n = xtcp_kt_rec_take(a->rec);
	return a->state;
}

/* Feed an orphan a segment; the state after it. */
static int feed_orphan(struct tsock *ts, u8 flags, u32 seq, u32 ack,
		       unsigned int dlen, struct after *a)
{
	int state;

	lock_sock(ts->sk);
	state = __feed_orphan(ts, flags, seq, ack, dlen, a);
	release_sock(ts->sk);
	return state;
}

/*
 * With the socket owned by the test, wait until its timer @bit has
 * expired: the real hrtimer, in a softirq on whatever thread, finds the
 * socket owned and leaves its work to release_sock().  So the work, and
 * what it sends, runs on the test's thread, where the stubs catch it.
 */
static void wait_timer_deferred(struct sock *sk, int bit)
{
	unsigned long end = jiffies + 20 * HZ;

	sock_owned_by_me(sk);
	while (!test_bit(bit, &xtcp_sk(sk)->deferred) &&
	       time_before(jiffies, end))
		msleep(20);
}

/*
 * An orphan through FIN_WAIT2 (its timer armed) into TIME_WAIT: it
 * acknowledges the FIN and is destroyed at once, a TIME_WAIT entry taking
 * its 4-tuple; the namespace's timer ends the entry when
 * net.xtcp.tw_timeout (shortened) has run out.
 */
static void xtcp_state_orphan_time_wait(struct kunit *test)
{
	unsigned long curr = xtcp_kt_counter(XTCP_MIB_TIMEWAITCURR);
	unsigned long ended = xtcp_kt_counter(XTCP_MIB_TWEXPIRED);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	u32 fin_end = ISS + 2 + DLEN;
	unsigned long end, segs;
	struct xtcp_tw_view v;
	struct xtcp_sock *xsk;
	struct tsock ts = {};
	struct after a = {};
	struct sock *sk;
	bool found;

	sk = orphan(test, &ts);
	if (!sk)
		return;
	xsk = xtcp_sk(sk);
	WRITE_ONCE(xn->sysctl.tw_timeout, HZ / 2);

	KUNIT_EXPECT_EQ(test, feed_orphan(&ts, ACK, ts.rcv_nxt, fin_end, 0, &a),
			TCP_FIN_WAIT2);
	KUNIT_EXPECT_EQ(test, a.n, 0U);
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(&xsk->state_timer));

	KUNIT_EXPECT_EQ(test, feed_orphan(&ts, FIN | ACK, ts.rcv_nxt, fin_end,
					  0, &a), TCP_CLOSE);
	found = xtcp_tw_peek(&init_net, XTCP_KT_ADDR, htons(LPORT),
			     XTCP_KT_ADDR, htons(PPORT), &v);
	KUNIT_EXPECT_EQ(test, a.n, 1U);
	if (a.n == 1) {
		KUNIT_EXPECT_PTR_EQ(test, a.rec[0].sk, (const struct sock *)sk);
		KUNIT_EXPECT_EQ(test, a.rec[0].flags, ACK);
		KUNIT_EXPECT_EQ(test, a.rec[0].seq, fin_end);
		KUNIT_EXPECT_EQ(test, a.rec[0].ack, ts.rcv_nxt + 1);
	}
	/* Destroyed at once: only our reference is left. */
	KUNIT_EXPECT_TRUE(test, wait_destroyed(sk));
	KUNIT_EXPECT_FALSE(test, hrtimer_is_queued(&xsk->state_timer));
	sock_put(sk);

	KUNIT_ASSERT_TRUE_MSG(test, found, "no TIME_WAIT entry");
	KUNIT_EXPECT_EQ(test, v.snd_nxt, fin_end);
	KUNIT_EXPECT_EQ(test, v.rcv_nxt, ts.rcv_nxt + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_TIMEWAITCURR), curr + 1);

	/*
	 * The namespace's timer ends the entry in a softirq, out of the
	 * stubs' reach: that it sends nothing shows in OutSegs too.
	 */
	segs = xtcp_kt_counter(XTCP_MIB_OUTSEGS);
	end = jiffies + 20 * HZ;
	while ((found = xtcp_tw_peek(&init_net, XTCP_KT_ADDR, htons(LPORT),
				     XTCP_KT_ADDR, htons(PPORT), &v)) &&
	       time_before(jiffies, end))
		msleep(20);
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_GE(test, ktime_get_ns(), v.expires_ns);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_TWEXPIRED), ended + 1);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_TIMEWAITCURR), curr);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(NULL), 0U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OUTSEGS), segs);
}

/*
 * What an orphan that gave up leaves: its one segment, a reset at @seq,
 * the counter @mib one above @before, and the socket destroyed.  Drops
 * the test's reference.
 */
static void expect_orphan_reset(struct kunit *test, struct sock *sk,
				const struct xtcp_kt_rec *rec, unsigned int n,
				u32 seq, int mib, unsigned long before)
{
	KUNIT_EXPECT_EQ(test, n, 1U);
	if (n == 1) {
		KUNIT_EXPECT_EQ(test, rec[0].flags, RST | ACK);
		KUNIT_EXPECT_EQ(test, rec[0].seq, seq);
	}
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(mib), before + 1);
	KUNIT_EXPECT_TRUE(test, wait_destroyed(sk));
	sock_put(sk);
}

/*
 * New data for an orphan: nobody will read it, so the connection is
 * reset (RFC 9293 3.6.1, SHLD-3) and destroyed at once.
 */
static void xtcp_state_orphan_data_resets(struct kunit *test)
{
	unsigned long before = xtcp_kt_counter(XTCP_MIB_ABORTONDATA);
	struct tsock ts = {};
	struct after a = {};
	struct sock *sk;

	sk = orphan(test, &ts);
	if (!sk)
		return;
	KUNIT_EXPECT_EQ(test, feed_orphan(&ts, ACK | PSH, ts.rcv_nxt, ISS + 1,
					  DLEN, &a), TCP_CLOSE);
	if (a.n == 1)
		KUNIT_EXPECT_PTR_EQ(test, a.rec[0].sk, (const struct sock *)sk);
	expect_orphan_reset(test, sk, a.rec, a.n, ISS + 2 + DLEN,
			    XTCP_MIB_ABORTONDATA, before);
}

/*
 * An orphan in FIN_WAIT2 waits net.xtcp.fin_timeout for the peer's FIN,
 * then resets the connection and is destroyed.
 */
static void xtcp_state_orphan_fin_wait2_timeout(struct kunit *test)
{
	unsigned long before = xtcp_kt_counter(XTCP_MIB_ABORTONTIMEOUT);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct tsock ts = {};
	struct after a = {};
	struct sock *sk;
	unsigned int n;

	sk = orphan(test, &ts);
	if (!sk)
		return;
	WRITE_ONCE(xn->sysctl.fin_timeout, HZ / 10);
	/* Owned from before the timer is armed until after it expired. */
	lock_sock(sk);
	/* 3.5 RTOs below fin_timeout: the wait is fin_timeout's. */
	xtcp_sk(sk)->rto_ns = 10 * NSEC_PER_MSEC;
	KUNIT_EXPECT_EQ(test, __feed_orphan(&ts, ACK, ts.rcv_nxt,
					    ISS + 2 + DLEN, 0, &a),
			TCP_FIN_WAIT2);
	wait_timer_deferred(sk, XTCP_STATE_DEFERRED);
	release_sock(sk);
	n = xtcp_kt_rec_take(a.rec);
	expect_orphan_reset(test, sk, a.rec, n, ISS + 2 + DLEN,
			    XTCP_MIB_ABORTONTIMEOUT, before);
}

/*
 * TCP_LINGER2 below 0: the orphan does not wait in FIN_WAIT2 at all.  The
 * ACK of its FIN resets the connection and the socket is destroyed,
 * counted as TCP counts it, in AbortOnData.
 */
static void xtcp_state_orphan_linger2_reset(struct kunit *test)
{
	unsigned long before = xtcp_kt_counter(XTCP_MIB_ABORTONDATA);
	struct tsock ts = {};
	struct after a = {};
	struct sock *sk;

	sk = orphan(test, &ts);
	if (!sk)
		return;
	lock_sock(sk);
	WRITE_ONCE(xtcp_sk(sk)->linger2, -1);
	KUNIT_EXPECT_EQ(test, __feed_orphan(&ts, ACK, ts.rcv_nxt,
					    ISS + 2 + DLEN, 0, &a),
			TCP_CLOSE);
	release_sock(sk);
	expect_orphan_reset(test, sk, a.rec, a.n, ISS + 2 + DLEN,
			    XTCP_MIB_ABORTONDATA, before);
}

/*
 * How long an orphan waits in FIN_WAIT2: TCP_LINGER2 above 0 or else
 * fin_timeout, never below 3.5 RTOs (tcp_fin_time()).
 */
static void xtcp_state_fin_time(struct kunit *test)
{
	static const struct {
		int linger2;		/* jiffies */
		int fin_timeout;	/* jiffies */
		u64 rto_ms;
		unsigned long want;	/* jiffies */
	} rows[] = {
		{ 0, 60 * HZ, 200, 60 * HZ },	/* the sysctl */
		{ 2 * HZ, 60 * HZ, 200, 2 * HZ },	/* TCP_LINGER2 first */
		{ HZ / 10, 60 * HZ, 1000, HZ * 7 / 2 },	/* 3.5 RTOs */
		{ 0, HZ, 2000, 7 * HZ },	/* ... over the sysctl too */
	};
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct tsock ts = {};
	unsigned int i;

	if (!established(test, &ts))
		return;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		WRITE_ONCE(xn->sysctl.fin_timeout, rows[i].fin_timeout);
		lock_sock(ts.sk);
		xtcp_sk(ts.sk)->linger2 = rows[i].linger2;
		xtcp_sk(ts.sk)->rto_ns = rows[i].rto_ms * NSEC_PER_MSEC;
		KUNIT_EXPECT_EQ_MSG(test, xtcp_fin_time(ts.sk), rows[i].want,
				    "row %u", i);
		release_sock(ts.sk);
	}
	teardown(&ts);
}

/* The peer's ACK of everything sent, its window shut; the state after. */
static int zero_window_ack(struct tsock *ts, struct after *a)
{
	struct sk_buff *skb;

	skb = xtcp_kt_make_skb(PPORT, ts->lport, ACK, ts->rcv_nxt,
			       ISS + 1 + DLEN, 0, NULL, NULL, 0);
	if (!skb)
		return -1;
	lock_sock(ts->sk);
	xtcp_v4_do_rcv(ts->sk, skb);
	a->state = ts->sk->sk_state;
	a->n = xtcp_kt_rec_take(a->rec);
	release_sock(ts->sk);
	return a->state;
}

/*
 * A writer stopped by the window: the peer's ACK shuts it, the RTT
 * estimates are set so that the RTO is @rto_min_us, and 100 bytes are
 * written and kept back, so the probe timer runs.
 * Return: ktime_get_ns() just before the write.
 */
static u64 stalled_writer(struct kunit *test, struct tsock *ts,
			  struct after *a, u32 rto_min_us)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_sock *xsk = xtcp_sk(ts->sk);
	char data[100] = {};
	struct kvec iov = { .iov_base = data, .iov_len = sizeof(data) };
	u64 before;

	KUNIT_EXPECT_EQ(test, zero_window_ack(ts, a), TCP_ESTABLISHED);
	WRITE_ONCE(xn->sysctl.rto_min_us, rto_min_us);
	lock_sock(ts->sk);
	xsk->rtt.srtt_us = 100;
	xsk->rtt.rttvar_us = 50;
	release_sock(ts->sk);
	before = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(ts->sock, &msg, &iov, 1,
					     sizeof(data)), (int)sizeof(data));
	return before;
}

/*
 * Zero-window probes back off: the first an RTO after the window closed,
 * each next one twice as long after the one before.  A push by the
 * socket's owner while the probe's expiry waits for it (as sendmsg()
 * pushes) leaves the probe pending: it goes when the owner lets go, and
 * arms the next one a step further, never again at the same step.
 */
static void xtcp_state_persist_backoff(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_sysctl saved = xn->sysctl;
	const u64 rto = 50 * NSEC_PER_MSEC;
	struct xtcp_sock *xsk;
	struct tsock ts = {};
	struct after a = {};
	unsigned int round;
	u64 before, next;
	struct sock *sk;

	if (!established(test, &ts))
		return;
	sk = ts.sk;
	xsk = xtcp_sk(sk);
	before = stalled_writer(test, &ts, &a, 50000);
	/* Kept back by the window: the probe timer, one RTO. */
	KUNIT_EXPECT_EQ(test, xsk->rtx_mode, XTCP_TIMER_PROBE);
	KUNIT_EXPECT_GE(test, ktime_to_ns(hrtimer_get_expires(&xsk->rtx_timer)) -
			before, rto);

	for (round = 1; round <= 3; round++) {
		lock_sock(sk);
		wait_timer_deferred(sk, XTCP_RTX_DEFERRED);
		/* The owner pushes meanwhile, as sendmsg() does. */
		xtcp_push(sk);
		before = ktime_get_ns();
		release_sock(sk);
		a.n = xtcp_kt_rec_take(a.rec);
		KUNIT_EXPECT_EQ_MSG(test, a.n, 1U, "round %u: one probe", round);
		if (a.n == 1)
			KUNIT_EXPECT_EQ(test, a.rec[0].seq,
					READ_ONCE(xsk->snd_una) - 1);
		next = ktime_to_ns(hrtimer_get_expires(&xsk->rtx_timer)) - before;
		KUNIT_EXPECT_GE_MSG(test, next, rto << round,
				    "round %u: the next probe after 2^%u RTOs",
				    round, round);
		/* Its answer: the window is still shut. */
		zero_window_ack(&ts, &a);
	}
	WRITE_ONCE(xn->sysctl.rto_min_us, saved.rto_min_us);
	xtcp_kt_rec_take(NULL);
	teardown(&ts);
}

/* TCP_CORK on @ts's socket. */
static int cork(struct tsock *ts)
{
	int one = 1;

	return ts->sock->ops->setsockopt(ts->sock, SOL_TCP, TCP_CORK,
					 KERNEL_SOCKPTR(&one), sizeof(one));
}

/*
 * The probe timer's expiry, run by the owner of @ts's socket after it
 * took @skb (if any: what that sends is forgotten), and whether a segment
 * of @len bytes at @seq left then (the records in @a).
 */
static bool probe_sent(struct tsock *ts, struct after *a, struct sk_buff *skb,
		       u32 seq, u32 len)
{
	unsigned int i, n;

	lock_sock(ts->sk);
	if (skb) {
		xtcp_v4_do_rcv(ts->sk, skb);
		xtcp_kt_rec_take(NULL);
	}
	wait_timer_deferred(ts->sk, XTCP_RTX_DEFERRED);
	release_sock(ts->sk);
	n = xtcp_kt_rec_take(a->rec);
	for (i = 0; i < n; i++)
		if (a->rec[i].seq == seq && a->rec[i].len == len)
			return true;
	return false;
}

/*
 * TCP_CORK holds a short segment an RTO at most when nothing is in
 * flight, as TCP's probe timer ends it (tcp(7): "a 200 millisecond
 * ceiling"): the 100 bytes written leave on the probe timer's expiry,
 * not before (200 ms here), with the cork still set.
 */
static void xtcp_state_cork_ceiling(struct kunit *test)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_sysctl saved = xn->sysctl;
	const u32 una = ISS + 1 + DLEN;
	char data[100] = {};
	struct kvec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct xtcp_sock *xsk;
	struct tsock ts = {};
	struct after a = {};
	struct sk_buff *skb;
	struct sock *sk;
	u64 before;
	bool sent;

	if (!established(test, &ts))
		return;
	sk = ts.sk;
	xsk = xtcp_sk(sk);
	/* The peer takes what was in flight; its window stays open. */
	skb = xtcp_kt_make_skb(PPORT, ts.lport, ACK, ts.rcv_nxt, una, 1000,
			       NULL, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	WRITE_ONCE(xn->sysctl.rto_min_us, 200000);
	lock_sock(sk);
	xtcp_v4_do_rcv(sk, skb);
	xsk->rtt.srtt_us = 100;
	xsk->rtt.rttvar_us = 50;
	release_sock(sk);
	KUNIT_ASSERT_EQ(test, xsk->packets_out, 0U);
	KUNIT_ASSERT_EQ(test, cork(&ts), 0);
	xtcp_kt_rec_take(NULL);
	before = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(ts.sock, &msg, &iov, 1,
					     sizeof(data)), (int)sizeof(data));
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(NULL), 0U);
	KUNIT_EXPECT_EQ(test, xsk->rtx_mode, XTCP_TIMER_PROBE);
	sent = probe_sent(&ts, &a, NULL, una, sizeof(data));
	KUNIT_EXPECT_GE(test, ktime_get_ns() - before, 200 * NSEC_PER_MSEC);
	KUNIT_EXPECT_TRUE(test, xsk->corked);
	KUNIT_EXPECT_TRUE_MSG(test, sent, "no segment of 100 bytes at SND.UNA");
	KUNIT_EXPECT_EQ(test, xsk->packets_out, 1U);
	WRITE_ONCE(xn->sysctl.rto_min_us, saved.rto_min_us);
	xtcp_kt_rec_take(NULL);
	teardown(&ts);
}

/*
 * A corked writer and a window smaller than a segment: the persist timer
 * cuts the head of the queue to fit the window, and the piece goes,
 * though short: the cork holds back only the queue's last segment, as in
 * TCP.  (It was held for ever, and the sender only probed.)
 */
static void xtcp_state_cork_window_part(struct kunit *test)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_sysctl saved = xn->sysctl;
	u32 una = ISS + 1 + DLEN, want;
	static char data[4000];
	struct kvec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct xtcp_sock *xsk;
	struct tsock ts = {};
	struct after a = {};
	struct sk_buff *skb;
	struct sock *sk;
	u16 wnd;

	if (!established(test, &ts))
		return;
	sk = ts.sk;
	xsk = xtcp_sk(sk);
	KUNIT_ASSERT_EQ(test, cork(&ts), 0);
	stalled_writer(test, &ts, &a, 50000);
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(ts.sock, &msg, &iov, 1,
					     sizeof(data)), (int)sizeof(data));
	/* The peer opens its window by half a segment. */
	wnd = (xsk->mss_cache / 2) >> xsk->snd_wscale;
	want = (u32)wnd << xsk->snd_wscale;
	skb = xtcp_kt_make_skb(PPORT, ts.lport, ACK, ts.rcv_nxt, una, wnd,
			       NULL, NULL, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE_MSG(test, probe_sent(&ts, &a, skb, una, want),
			      "no segment of %u bytes at SND.UNA", want);
	WRITE_ONCE(xn->sysctl.rto_min_us, saved.rto_min_us);
	xtcp_kt_rec_take(NULL);
	teardown(&ts);
}

/*
 * An orphan whose peer keeps its window shut for ever, answering every
 * zero-window probe: the answers do not forgive the probes, and after
 * net.xtcp.orphan_retries of them the orphan is given up and destroyed
 * (as TCP's tcp_probe_timer() counts an orphan's backoff), instead of
 * holding its memory for ever.
 */
static void xtcp_state_orphan_zero_window(struct kunit *test)
{
	unsigned long timeouts = xtcp_kt_counter(XTCP_MIB_TIMEOUTS);
	struct xtcp_net *xn = xtcp_pernet(&init_net);
	struct xtcp_sysctl saved = xn->sysctl;
	struct tsock ts = {};
	struct after a = {};
	unsigned int round;
	struct sock *sk;

	if (!established(test, &ts))
		return;
	sk = ts.sk;
	WRITE_ONCE(xn->sysctl.orphan_retries, 3);
	/* A 1 ms RTO, so that the probes come fast. */
	stalled_writer(test, &ts, &a, 1000);
	KUNIT_EXPECT_NOT_NULL(test, sk->sk_send_head);

	sock_hold(sk);
	sock_release(ts.sock);
	ts.sock = NULL;
	KUNIT_EXPECT_TRUE(test, sock_flag(sk, SOCK_DEAD));

	/* A probe, its answer, again: the answers change nothing. */
	for (round = 0; round < 10; round++) {
		lock_sock(sk);
		wait_timer_deferred(sk, XTCP_RTX_DEFERRED);
		release_sock(sk);
		if (READ_ONCE(sk->sk_state) == TCP_CLOSE)
			break;
		zero_window_ack(&ts, &a);
	}
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_state), TCP_CLOSE);
	KUNIT_EXPECT_LE(test, round, 3U);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_TIMEOUTS), timeouts + 1);
	KUNIT_EXPECT_TRUE(test, wait_destroyed(sk));
	WRITE_ONCE(xn->sysctl.rto_min_us, saved.rto_min_us);
	WRITE_ONCE(xn->sysctl.orphan_retries, saved.orphan_retries);
	xtcp_kt_rec_take(NULL);
	sock_put(sk);
}

/*
 * close() with net.xtcp.max_orphans at 0: the socket would be one orphan
 * too many.  Its FIN goes, then a reset, and it is freed at once (TCP's
 * tcp_check_oom() in __tcp_close()).
 */
static void xtcp_state_orphan_too_many(struct kunit *test)
{
	unsigned long before = xtcp_kt_counter(XTCP_MIB_ABORTONMEMORY);
	int max = READ_ONCE(sysctl_xtcp_max_orphans);
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct tsock ts = {};
	struct sock *sk;
	unsigned int n;

	if (setup(&ts, R_ESTABLISHED)) {
		KUNIT_FAIL(test, "set-up failed");
		teardown(&ts);
		return;
	}
	sk = ts.sk;
	sock_hold(sk);
	xtcp_kt_rec_take(NULL);
	WRITE_ONCE(sysctl_xtcp_max_orphans, 0);
	sock_release(ts.sock);
	ts.sock = NULL;
	WRITE_ONCE(sysctl_xtcp_max_orphans, max);

	n = xtcp_kt_rec_take(r);
	KUNIT_EXPECT_EQ(test, n, 2U);
	if (n == 2) {
		KUNIT_EXPECT_EQ(test, r[0].flags, FIN | ACK);
		KUNIT_EXPECT_EQ(test, r[1].flags, RST | ACK);
		KUNIT_EXPECT_EQ(test, r[1].seq, ISS + 2 + DLEN);
	}
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_state), TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_ABORTONMEMORY),
			before + 1);
	KUNIT_EXPECT_TRUE(test, wait_destroyed(sk));
	sock_put(sk);
}

static struct xtcp_sysctl saved_sysctl;

static int xtcp_state_init(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);

	saved_sysctl = xn->sysctl;
	/* No entry of another suite ahead of the cases' in the expiry list. */
	xtcp_tw_purge(&init_net);
	/* The table counts challenge ACKs: none may be limited. */
	WRITE_ONCE(xn->sysctl.challenge_ack_limit, INT_MAX);
	xtcp_kt_rec_start(test);
	return 0;
}

static void xtcp_state_exit(struct kunit *test)
{
	struct xtcp_net *xn = xtcp_pernet(&init_net);

	xtcp_kt_rec_stop(test);
	/* Before tw_timeout is restored: no entry may wait for it. */
	xtcp_tw_purge(&init_net);
	WRITE_ONCE(xn->sysctl.challenge_ack_limit,
		   saved_sysctl.challenge_ack_limit);
	WRITE_ONCE(xn->sysctl.tw_timeout, saved_sysctl.tw_timeout);
	WRITE_ONCE(xn->sysctl.fin_timeout, saved_sysctl.fin_timeout);
	/* The next challenge ACK draws a budget of its own. */
	challenge_window(jiffies - 2 * HZ, 0);
	xtcp_kt_rec_take(NULL);
}

static struct kunit_case xtcp_state_cases[] = {
	KUNIT_CASE_PARAM(xtcp_state_table, row_gen_params),
	KUNIT_CASE(xtcp_state_reset_errors),
	KUNIT_CASE(xtcp_state_syn_sent_ack_checks),
	KUNIT_CASE(xtcp_state_passive_syn_retransmitted),
	KUNIT_CASE(xtcp_state_challenge_ack_limit),
	KUNIT_CASE(xtcp_state_orphan_time_wait),
	KUNIT_CASE(xtcp_state_orphan_data_resets),
	KUNIT_CASE(xtcp_state_orphan_fin_wait2_timeout),
	KUNIT_CASE(xtcp_state_orphan_linger2_reset),
	KUNIT_CASE(xtcp_state_fin_time),
	KUNIT_CASE(xtcp_state_persist_backoff),
	KUNIT_CASE(xtcp_state_orphan_zero_window),
	KUNIT_CASE(xtcp_state_orphan_too_many),
	KUNIT_CASE(xtcp_state_cork_window_part),
	KUNIT_CASE(xtcp_state_cork_ceiling),
	{}
};

static struct kunit_suite xtcp_state_suite = {
	.name = "xtcp_state",
	.init = xtcp_state_init,
	.exit = xtcp_state_exit,
	.test_cases = xtcp_state_cases,
};

kunit_test_suites(&xtcp_state_suite);
