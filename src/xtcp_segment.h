/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Segments in and out of XTCP: reception and demultiplexing
 * (xtcp_input.c), ICMP errors (xtcp_icmp.c), transmission and
 * retransmission (xtcp_output.c), segmentation offload (xtcp_offload.c).
 */
#ifndef _XTCP_SEGMENT_H
#define _XTCP_SEGMENT_H

#include "xtcp_sock.h"
#include "xtcp_timewait.h"

/* xtcp_input.c: segments from IP to their socket */
int xtcp_v4_rcv(struct sk_buff *skb);
int xtcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb);
void xtcp_set_mss(struct xtcp_sock *xsk, const struct xtcp_opts *opts);
u32 xtcp_seconds(void);

/* xtcp_icmp.c: ICMP errors about our segments */
int xtcp_v4_err(struct sk_buff *skb, u32 info);
void xtcp_icmp_abort(struct sock *sk);

/* xtcp_output.c: segments from a socket, or from none, to IP */
void xtcp_v4_send_reset(struct net *net, struct sk_buff *skb);
void xtcp_tw_send_ack(struct net *net, struct sk_buff *skb,
		      const struct xtcp_tw_reply *reply);
int xtcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
void xtcp_send_ack(struct sock *sk);
void xtcp_send_active_reset(struct sock *sk, gfp_t gfp);
int xtcp_send_syn(struct sock *sk);
void xtcp_send_fin(struct sock *sk);
void __xtcp_push(struct sock *sk, bool push_held);
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

/* xtcp_offload.c: GSO for protocol 253 */
struct sk_buff *xtcp_gso_segment(struct sk_buff *skb,
				 netdev_features_t features);
int xtcp_offload_init(void);
void xtcp_offload_exit(void);

#endif /* _XTCP_SEGMENT_H */
