/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP wire format: the RFC 9293 TCP header and options, the checksum over
 * the IPv4 pseudo-header carrying XTCP's protocol number, and sequence-space
 * arithmetic.
 */
#ifndef _XTCP_WIRE_H
#define _XTCP_WIRE_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <net/checksum.h>

/*
 * The fixed header, RFC 9293 section 3.1.  The data offset and the flags are
 * kept as whole bytes rather than bitfields so the layout does not depend on
 * the compiler's bit order.
 */
struct xtcphdr {
	__be16	source;
	__be16	dest;
	__be32	seq;
	__be32	ack_seq;
	__u8	doff_res;	/* data offset (high 4 bits), reserved (low 4) */
	__u8	flags;		/* XTCP_FLAG_* */
	__be16	window;
	__sum16	check;
	__be16	urg_ptr;
};

#define XTCP_HDR_LEN		20
#define XTCP_MAX_HDR_LEN	60
#define XTCP_MAX_OPT_LEN	(XTCP_MAX_HDR_LEN - XTCP_HDR_LEN)

#define XTCP_FLAG_FIN		0x01
#define XTCP_FLAG_SYN		0x02
#define XTCP_FLAG_RST		0x04
#define XTCP_FLAG_PSH		0x08
#define XTCP_FLAG_ACK		0x10
#define XTCP_FLAG_URG		0x20
#define XTCP_FLAG_ECE		0x40
#define XTCP_FLAG_CWR		0x80

static inline struct xtcphdr *xtcp_hdr(const struct sk_buff *skb)
{
	return (struct xtcphdr *)skb_transport_header(skb);
}

/* Header length in bytes, options included. */
static inline unsigned int xtcp_hdrlen(const struct xtcphdr *th)
{
	return (th->doff_res >> 4) * 4;
}

static inline void xtcp_set_hdrlen(struct xtcphdr *th, unsigned int len)
{
	th->doff_res = (len / 4) << 4;
}

/*
 * Sequence-number comparison modulo 2^32 (RFC 9293 section 3.4): a is
 * before b when the signed distance from b to a is negative.
 */
static inline bool xtcp_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#define xtcp_seq_after(a, b)	xtcp_seq_before(b, a)

static inline bool xtcp_seq_before_eq(u32 a, u32 b)
{
	return (s32)(a - b) <= 0;
}

#define xtcp_seq_after_eq(a, b)	xtcp_seq_before_eq(b, a)

/* lo <= seq <= hi, all modulo 2^32. */
static inline bool xtcp_seq_between(u32 seq, u32 lo, u32 hi)
{
	return hi - lo >= seq - lo;
}

/**
 * xtcp_seq_acceptable - the segment acceptability test, RFC 9293 3.10.7.4
 * @seq: SEG.SEQ
 * @len: SEG.LEN, counting SYN and FIN
 * @rcv_nxt: RCV.NXT
 * @rcv_wnd: RCV.WND
 *
 * With an empty window only an empty segment at RCV.NXT is acceptable
 * (the caller still processes valid ACKs and RSTs of unacceptable ones, as
 * the RFC says); otherwise the segment's first or last octet must fall in
 * the window.
 */
static inline bool xtcp_seq_acceptable(u32 seq, u32 len, u32 rcv_nxt,
				       u32 rcv_wnd)
{
	if (!rcv_wnd)
		return !len && seq == rcv_nxt;
	if (seq - rcv_nxt < rcv_wnd)
		return true;
	return len && seq + len - 1 - rcv_nxt < rcv_wnd;
}

/* Options, RFC 9293 section 3.2, RFC 7323, RFC 2018. */
enum {
	XTCPOPT_EOL		= 0,
	XTCPOPT_NOP		= 1,
	XTCPOPT_MSS		= 2,
	XTCPOPT_WINDOW		= 3,
	XTCPOPT_SACK_PERM	= 4,
	XTCPOPT_SACK		= 5,
	XTCPOPT_TIMESTAMP	= 8,
};

#define XTCPOLEN_MSS		4
#define XTCPOLEN_WINDOW		3
#define XTCPOLEN_SACK_PERM	2
#define XTCPOLEN_SACK_BASE	2
#define XTCPOLEN_SACK_PERBLOCK	8
#define XTCPOLEN_TIMESTAMP	10
#define XTCPOLEN_TSTAMP_ALIGNED	12	/* with the two NOPs before it */

#define XTCP_MAX_SACKS		4
#define XTCP_MAX_WSCALE		14	/* RFC 7323 section 2.3 */

struct xtcp_sack_block {
	u32	start;
	u32	end;
};

/*
 * Options of one segment, in host order: filled by xtcp_parse_options(),
 * read by xtcp_build_options().  MSS, window scale and SACK-permitted only
 * mean something on a SYN; SACK blocks only on a segment that is not.
 */
struct xtcp_opts {
	u32	tsval;
	u32	tsecr;
	u16	mss;
	u8	wscale;
	u8	num_sacks;
	u8	has_mss:1,
		has_wscale:1,
		sack_ok:1,
		has_tstamp:1;
	struct xtcp_sack_block sacks[XTCP_MAX_SACKS];
};

int xtcp_parse_options(const u8 *ptr, unsigned int len, bool syn,
		       struct xtcp_opts *opts);
unsigned int xtcp_options_size(const struct xtcp_opts *opts, bool syn);
unsigned int xtcp_build_options(u8 *ptr, const struct xtcp_opts *opts,
				bool syn);

/* The protocol number in force (module parameter "ipproto"). */
extern u8 xtcp_ipproto;

/*
 * Checksum of a segment of @len bytes whose ones'-complement sum is @base,
 * over the IPv4 pseudo-header with protocol number @proto.
 */
static inline __sum16 __xtcp_v4_check(unsigned int len, __be32 saddr,
				      __be32 daddr, u8 proto, __wsum base)
{
	return csum_tcpudp_magic(saddr, daddr, len, proto, base);
}

static inline __sum16 xtcp_v4_check(unsigned int len, __be32 saddr,
				    __be32 daddr, __wsum base)
{
	return __xtcp_v4_check(len, saddr, daddr, xtcp_ipproto, base);
}

/*
 * Checksum of a whole segment in linear memory, its check field included:
 * the value to store when the field is zero, 0 when a received segment is
 * intact.
 */
static inline __sum16 xtcp_v4_csum_buf(const void *seg, unsigned int len,
				       __be32 saddr, __be32 daddr, u8 proto)
{
	return __xtcp_v4_check(len, saddr, daddr, proto,
			       csum_partial(seg, len, 0));
}

#endif /* _XTCP_WIRE_H */
