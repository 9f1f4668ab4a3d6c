/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The listener (xtcp_listen.c): its SYN queue of half-open requests, the
 * final ACK that makes a connection, TCP_DEFER_ACCEPT, and what /proc,
 * sock_diag and KUnit see of a request.
 */
#ifndef _XTCP_LISTEN_H
#define _XTCP_LISTEN_H

#include "xtcp_sock.h"

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

int xtcp_synq_kill(struct sock *sk, __be32 laddr, __be32 raddr,
		   __be16 rport);
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

#endif /* _XTCP_LISTEN_H */
