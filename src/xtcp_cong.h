/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sender's arithmetic, pure functions tested by KUnit: the RFC 6298
 * round-trip estimator and retransmission timeout (xtcp_rto.c) and
 * NewReno congestion control with SACK-based recovery (xtcp_cong.c).
 */
#ifndef _XTCP_CONG_H
#define _XTCP_CONG_H

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/types.h>

/* The clock of RTT samples, microseconds; differences survive its wrap. */
static inline u32 xtcp_clock_us(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

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
 * XTCP's congestion control is NewReno with SACK-based recovery
 * (xtcp_cong.c), which Linux TCP names "reno": what TCP_CONGESTION and
 * sock_diag's INET_DIAG_CONG give.
 */
#define XTCP_CA_NAME	"reno"

#endif /* _XTCP_CONG_H */
