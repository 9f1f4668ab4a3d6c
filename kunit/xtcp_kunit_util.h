/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the KUnit suites that drive sockets of init_net
 * through xtcp_v4_do_rcv(): crafted segments, the recorder of what the
 * sockets send, sockets put into a state by hand.
 */
#ifndef _XTCP_KUNIT_UTIL_H
#define _XTCP_KUNIT_UTIL_H

#include <linux/in.h>
#include <linux/types.h>
#include "../src/xtcp_protocol.h"

struct iphdr;
struct kunit;
struct sk_buff;
struct sock;
struct socket;

/* Both ends of every hand-built connection and crafted segment. */
#define XTCP_KT_ADDR		htonl(INADDR_LOOPBACK)

/* Segments the recorder keeps between two xtcp_kt_rec_take() calls. */
#define XTCP_KT_MAX_RECS	8

/**
 * struct xtcp_kt_rec - a segment a socket sent, its options parsed
 * @sk: the sender; NULL for a reset answering a segment of no socket
 * @flags: the header's flags
 * @seq: SEG.SEQ
 * @ack: SEG.ACK
 * @window: the window field, as sent (not scaled)
 * @len: bytes of data
 * @opt_err: what xtcp_parse_options() returned
 * @opts: the options parsed
 */
struct xtcp_kt_rec {
	const struct sock *sk;
	u8 flags;
	u32 seq;
	u32 ack;
	u16 window;
	u32 len;
	int opt_err;
	struct xtcp_opts opts;
};

void xtcp_kt_record(struct sock *sk, const struct xtcphdr *th,
		    unsigned int len);
unsigned int xtcp_kt_rec_take(struct xtcp_kt_rec *out);
void xtcp_kt_rec_start(struct kunit *test);
void xtcp_kt_rec_stop(struct kunit *test);

unsigned long xtcp_kt_counter(enum xtcp_mib_field field);
bool xtcp_kt_lo_up(void);

struct iphdr *xtcp_kt_put_iph(struct sk_buff *skb, unsigned int len,
			      __be32 saddr, __be32 daddr);
struct sk_buff *xtcp_kt_make_skb(u16 sport, u16 dport, u8 flags, u32 seq,
				 u32 ack, u16 window,
				 const struct xtcp_opts *opts,
				 const u8 *data, unsigned int dlen);

int xtcp_kt_sock_create(struct socket **sockp, u16 lport, u16 pport);
void xtcp_kt_init_seq(struct sock *sk, u32 iss, u32 rcv_nxt, u32 peer_wnd);
void xtcp_kt_open_rcv(struct sock *sk, u32 rwnd);
int xtcp_kt_queue_sent(struct sock *sk, u32 seq, unsigned int len, u8 flags);
int xtcp_kt_syn_sent(struct sock *sk);
void xtcp_kt_close_manual(struct socket *sock);
struct sock *xtcp_kt_first_child(struct sock *lsk);

#endif /* _XTCP_KUNIT_UTIL_H */
