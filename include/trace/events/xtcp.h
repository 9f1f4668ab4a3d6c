/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP tracepoints.  Named after Linux TCP's where they mean the same
 * (tcp:tcp_probe, tcp:tcp_retransmit_skb, sock:inet_sock_set_state, ...);
 * Documentation/xtcp.rst lists them.  Ports are in host order, addresses
 * as IPv4 (XTCP carries no other).  Included after the private
 * src/xtcp_protocol.h, whose struct xtcp_sock the events read.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xtcp

#if !defined(_TRACE_XTCP_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_XTCP_H

#include <linux/skbuff.h>
#include <linux/tracepoint.h>
#include <net/inet_sock.h>
#include <net/tcp_states.h>

#ifndef _TRACE_XTCP_ONCE
#define _TRACE_XTCP_ONCE

/* A connection's four-tuple, from its socket: local first. */
static inline void xtcp_tp_tuple(const struct sock *sk, u8 *saddr,
				 u8 *daddr, u16 *sport, u16 *dport)
{
	const struct inet_sock *inet = inet_sk(sk);

	memcpy(saddr, &inet->inet_saddr, 4);
	memcpy(daddr, &inet->inet_daddr, 4);
	*sport = ntohs(inet->inet_sport);
	*dport = ntohs(inet->inet_dport);
}

/*
 * A reset's four-tuple: its socket's, or, without one, that of @skb, the
 * segment it answers, turned round.
 */
static inline void xtcp_tp_reset_tuple(const struct sock *sk,
				       const struct sk_buff *skb,
				       u8 *saddr, u8 *daddr, u16 *sport,
				       u16 *dport)
{
	const struct xtcphdr *th;

	if (sk) {
		xtcp_tp_tuple(sk, saddr, daddr, sport, dport);
		return;
	}
	th = xtcp_hdr(skb);
	memcpy(saddr, &ip_hdr(skb)->daddr, 4);
	memcpy(daddr, &ip_hdr(skb)->saddr, 4);
	*sport = ntohs(th->dest);
	*dport = ntohs(th->source);
}

/* The data a received segment carries. */
static inline u32 xtcp_tp_data_len(const struct sk_buff *skb)
{
	const struct xtcp_skb_cb *cb = XTCP_SKB_CB(skb);

	return cb->end_seq - cb->seq - !!(cb->flags & XTCP_FLAG_SYN) -
	       !!(cb->flags & XTCP_FLAG_FIN);
}
#endif

/* The values for user space, which parses the format (perf, trace-cmd). */
TRACE_DEFINE_ENUM(TCP_ESTABLISHED);
TRACE_DEFINE_ENUM(TCP_SYN_SENT);
TRACE_DEFINE_ENUM(TCP_SYN_RECV);
TRACE_DEFINE_ENUM(TCP_FIN_WAIT1);
TRACE_DEFINE_ENUM(TCP_FIN_WAIT2);
TRACE_DEFINE_ENUM(TCP_TIME_WAIT);
TRACE_DEFINE_ENUM(TCP_CLOSE);
TRACE_DEFINE_ENUM(TCP_CLOSE_WAIT);
TRACE_DEFINE_ENUM(TCP_LAST_ACK);
TRACE_DEFINE_ENUM(TCP_LISTEN);
TRACE_DEFINE_ENUM(TCP_CLOSING);

#define show_xtcp_state(val)						\
	__print_symbolic(val,						\
			 { TCP_ESTABLISHED, "TCP_ESTABLISHED" },	\
			 { TCP_SYN_SENT, "TCP_SYN_SENT" },		\
			 { TCP_SYN_RECV, "TCP_SYN_RECV" },		\
			 { TCP_FIN_WAIT1, "TCP_FIN_WAIT1" },		\
			 { TCP_FIN_WAIT2, "TCP_FIN_WAIT2" },		\
			 { TCP_TIME_WAIT, "TCP_TIME_WAIT" },		\
			 { TCP_CLOSE, "TCP_CLOSE" },			\
			 { TCP_CLOSE_WAIT, "TCP_CLOSE_WAIT" },		\
			 { TCP_LAST_ACK, "TCP_LAST_ACK" },		\
			 { TCP_LISTEN, "TCP_LISTEN" },			\
			 { TCP_CLOSING, "TCP_CLOSING" })

/* sock:inet_sock_set_state: every change of sk_state. */
TRACE_EVENT(xtcp_set_state,
	    TP_PROTO(const struct sock *sk, int oldstate, int newstate),
	    TP_ARGS(sk, oldstate, newstate),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(int, oldstate)
			     __field(int, newstate)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
	    ),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->oldstate = oldstate;
			   __entry->newstate = newstate;
			   xtcp_tp_tuple(sk, __entry->saddr, __entry->daddr,
					 &__entry->sport, &__entry->dport);
	    ),
	    TP_printk("src=%pI4:%u dest=%pI4:%u oldstate=%s newstate=%s skaddr=%p",
		      __entry->saddr, __entry->sport,
		      __entry->daddr, __entry->dport,
		      show_xtcp_state(__entry->oldstate),
		      show_xtcp_state(__entry->newstate), __entry->skaddr)
);

DECLARE_EVENT_CLASS(xtcp_event_sk_skb,
		    TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
		    TP_ARGS(sk, skb),
		    TP_STRUCT__entry(__field(const void *, skaddr)
				     __field(const void *, skbaddr)
				     __field(int, state)
				     __array(__u8, saddr, 4)
				     __array(__u8, daddr, 4)
				     __field(__u16, sport)
				     __field(__u16, dport)
				     __field(__u32, seq)
				     __field(__u32, end_seq)
		    ),
		    TP_fast_assign(__entry->skaddr = sk;
				   __entry->skbaddr = skb;
				   __entry->state = sk->sk_state;
				   xtcp_tp_tuple(sk, __entry->saddr, __entry->daddr,
						 &__entry->sport, &__entry->dport);
				   __entry->seq = XTCP_SKB_CB(skb)->seq;
				   __entry->end_seq = XTCP_SKB_CB(skb)->end_seq;
		    ),
		    TP_printk("src=%pI4:%u dest=%pI4:%u state=%s seq=%u end_seq=%u skbaddr=%p skaddr=%p",
			      __entry->saddr, __entry->sport,
			      __entry->daddr, __entry->dport,
			      show_xtcp_state(__entry->state),
			      __entry->seq, __entry->end_seq,
			      __entry->skbaddr, __entry->skaddr)
);

/* tcp:tcp_retransmit_skb: a segment of the write queue sent again. */
DEFINE_EVENT(xtcp_event_sk_skb, xtcp_retransmit_skb,
	     TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
	     TP_ARGS(sk, skb)
);

/*
 * tcp:tcp_send_reset: a reset leaves.  From a socket (abort, SO_LINGER 0,
 * data after close), or, without one (@sk NULL), in answer to @skb, the
 * segment no socket took: the four-tuple is then its own, turned round.
 */
TRACE_EVENT(xtcp_send_reset,
	    TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
	    TP_ARGS(sk, skb),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __field(int, state)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
	    ),
	    TP_fast_assign(__entry->skaddr = sk;
			   __entry->state = sk ? sk->sk_state : TCP_CLOSE;
			   xtcp_tp_reset_tuple(sk, skb, __entry->saddr,
					       __entry->daddr, &__entry->sport,
					       &__entry->dport);
	    ),
	    TP_printk("src=%pI4:%u dest=%pI4:%u state=%s skaddr=%p",
		      __entry->saddr, __entry->sport,
		      __entry->daddr, __entry->dport,
		      show_xtcp_state(__entry->state), __entry->skaddr)
);

DECLARE_EVENT_CLASS(xtcp_event_sk,
		    TP_PROTO(const struct sock *sk),
		    TP_ARGS(sk),
		    TP_STRUCT__entry(__field(const void *, skaddr)
				     __field(int, state)
				     __array(__u8, saddr, 4)
				     __array(__u8, daddr, 4)
				     __field(__u16, sport)
				     __field(__u16, dport)
		    ),
		    TP_fast_assign(__entry->skaddr = sk;
				   __entry->state = sk->sk_state;
				   xtcp_tp_tuple(sk, __entry->saddr, __entry->daddr,
						 &__entry->sport, &__entry->dport);
		    ),
		    TP_printk("src=%pI4:%u dest=%pI4:%u state=%s skaddr=%p",
			      __entry->saddr, __entry->sport,
			      __entry->daddr, __entry->dport,
			      show_xtcp_state(__entry->state), __entry->skaddr)
);

/* tcp:tcp_receive_reset: a connection takes a reset (before it closes). */
DEFINE_EVENT(xtcp_event_sk, xtcp_receive_reset,
	     TP_PROTO(const struct sock *sk),
	     TP_ARGS(sk)
);

/*
 * A listener's half-open connection, which has no socket: the listener
 * and the four-tuple, local first.
 */
DECLARE_EVENT_CLASS(xtcp_event_req,
		    TP_PROTO(const struct sock *sk, __be32 laddr, __be16 lport,
			     __be32 raddr, __be16 rport),
		    TP_ARGS(sk, laddr, lport, raddr, rport),
		    TP_STRUCT__entry(__field(const void *, skaddr)
				     __array(__u8, saddr, 4)
				     __array(__u8, daddr, 4)
				     __field(__u16, sport)
				     __field(__u16, dport)
		    ),
		    TP_fast_assign(__entry->skaddr = sk;
				   memcpy(__entry->saddr, &laddr, 4);
				   memcpy(__entry->daddr, &raddr, 4);
				   __entry->sport = ntohs(lport);
				   __entry->dport = ntohs(rport);
		    ),
		    TP_printk("src=%pI4:%u dest=%pI4:%u skaddr=%p",
			      __entry->saddr, __entry->sport,
			      __entry->daddr, __entry->dport, __entry->skaddr)
);

/* tcp:tcp_retransmit_synack: a SYN-ACK sent again (timer, or SYN again). */
DEFINE_EVENT(xtcp_event_req, xtcp_retransmit_synack,
	     TP_PROTO(const struct sock *sk, __be32 laddr, __be16 lport,
		      __be32 raddr, __be16 rport),
	     TP_ARGS(sk, laddr, lport, raddr, rport)
);

/* A SYN answered with a cookie instead of a queued request. */
DEFINE_EVENT(xtcp_event_req, xtcp_syncookie_sent,
	     TP_PROTO(const struct sock *sk, __be32 laddr, __be16 lport,
		      __be32 raddr, __be16 rport),
	     TP_ARGS(sk, laddr, lport, raddr, rport)
);

/* An ACK whose cookie checked out: a connection is made from it. */
DEFINE_EVENT(xtcp_event_req, xtcp_syncookie_accepted,
	     TP_PROTO(const struct sock *sk, __be32 laddr, __be16 lport,
		      __be32 raddr, __be16 rport),
	     TP_ARGS(sk, laddr, lport, raddr, rport)
);

/* An ACK to the listener whose cookie did not check out. */
DEFINE_EVENT(xtcp_event_req, xtcp_syncookie_rejected,
	     TP_PROTO(const struct sock *sk, __be32 laddr, __be16 lport,
		      __be32 raddr, __be16 rport),
	     TP_ARGS(sk, laddr, lport, raddr, rport)
);

/* A TIME_WAIT entry whose wait ran out, freed by the reaper. */
TRACE_EVENT(xtcp_tw_reaped,
	    TP_PROTO(const struct xtcp_tw *tw),
	    TP_ARGS(tw),
	    TP_STRUCT__entry(__field(const void *, twaddr)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
	    ),
	    TP_fast_assign(__entry->twaddr = tw;
			   memcpy(__entry->saddr, &tw->laddr, 4);
			   memcpy(__entry->daddr, &tw->raddr, 4);
			   __entry->sport = ntohs(tw->lport);
			   __entry->dport = ntohs(tw->rport);
	    ),
	    TP_printk("src=%pI4:%u dest=%pI4:%u twaddr=%p",
		      __entry->saddr, __entry->sport,
		      __entry->daddr, __entry->dport, __entry->twaddr)
);

/*
 * tcp:tcp_probe: a connection's sending state after each acceptable
 * segment with an ACK, once the ACK and the window are taken in.  srtt in
 * microseconds, unscaled; cwnd and ssthresh in segments.
 */
TRACE_EVENT(xtcp_probe,
	    TP_PROTO(const struct sock *sk, const struct sk_buff *skb),
	    TP_ARGS(sk, skb),
	    TP_STRUCT__entry(__field(const void *, skaddr)
			     __array(__u8, saddr, 4)
			     __array(__u8, daddr, 4)
			     __field(__u16, sport)
			     __field(__u16, dport)
			     __field(__u32, mark)
			     __field(__u32, data_len)
			     __field(__u32, snd_nxt)
			     __field(__u32, snd_una)
			     __field(__u32, snd_cwnd)
			     __field(__u32, ssthresh)
			     __field(__u32, snd_wnd)
			     __field(__u32, srtt)
			     __field(__u32, rcv_wnd)
	    ),
	    TP_fast_assign(__entry->skaddr = sk;
			   xtcp_tp_tuple(sk, __entry->saddr, __entry->daddr,
					 &__entry->sport, &__entry->dport);
			   __entry->mark = skb->mark;
			   __entry->data_len = xtcp_tp_data_len(skb);
			   __entry->snd_nxt = xtcp_sk(sk)->snd_nxt;
			   __entry->snd_una = xtcp_sk(sk)->snd_una;
			   __entry->snd_cwnd = xtcp_sk(sk)->cc.cwnd;
			   __entry->ssthresh = xtcp_sk(sk)->cc.ssthresh;
			   __entry->snd_wnd = xtcp_sk(sk)->snd_wnd;
			   __entry->srtt = xtcp_sk(sk)->rtt.srtt_us;
			   __entry->rcv_wnd = xtcp_sk(sk)->rcv_wnd;
	    ),
	    TP_printk("src=%pI4:%u dest=%pI4:%u mark=%#x data_len=%u snd_nxt=%#x snd_una=%#x snd_cwnd=%u ssthresh=%u snd_wnd=%u srtt=%u rcv_wnd=%u skaddr=%p",
		      __entry->saddr, __entry->sport,
		      __entry->daddr, __entry->dport, __entry->mark,
		      __entry->data_len, __entry->snd_nxt, __entry->snd_una,
		      __entry->snd_cwnd, __entry->ssthresh, __entry->snd_wnd,
		      __entry->srtt, __entry->rcv_wnd, __entry->skaddr)
);

#endif /* _TRACE_XTCP_H */

/* This part must be outside the multi-read protection. */
#include <trace/define_trace.h>
