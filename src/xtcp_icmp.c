// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about XTCP segments: the protocol's err_handler.
 *
 * IP hands us an ICMP error quoting the IP header of a segment we sent
 * and at least its first 8 bytes (ports and SEG.SEQ).  The connection of
 * that 4-tuple takes it only if the quoted sequence number lies in
 * SND.UNA..SND.NXT (RFC 5927 4.1): anything else is ignored and counted,
 * so an off-path attacker must guess the window to be heard.
 *
 * RFC 1122 4.2.3.9: protocol and port unreachable are hard errors.  In
 * SYN_SENT (and the SYN_RECV of a simultaneous open) they abort the
 * connection at once with ECONNREFUSED: a host without XTCP answers our
 * SYN with protocol unreachable, as one without a listener answers TCP's
 * SYN with a reset.  Every other error is soft: kept in sk_err_soft,
 * which SO_ERROR reports and a later timeout gives as its errno; with
 * IP_RECVERR set it is queued on the error queue and made sk_err, as
 * TCP's tcp_v4_err() does.
 *
 * "Fragmentation needed" is path MTU discovery's (RFC 1191): the route's
 * MTU is lowered, and with it the MSS; queued segments are cut to the
 * new size and those in flight, too big for the path, are sent again
 * (xtcp_mtu_reduced()).
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <kunit/visibility.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"

/*
 * The errno an ICMP error gives the connection, in @err, and whether it
 * is a hard one; 0 in @err: nothing for a connection (source quench,
 * redirects; "fragmentation needed" is path MTU discovery's).
 */
static void xtcp_icmp_errno(int type, int code, int *err, bool *hard)
{
	*err = 0;
	*hard = false;
	switch (type) {
	case ICMP_PARAMETERPROB:
		*err = EPROTO;
		break;
	case ICMP_TIME_EXCEEDED:
		*err = EHOSTUNREACH;
		break;
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH || code == ICMP_FRAG_NEEDED)
			break;
		*hard = code == ICMP_PROT_UNREACH || code == ICMP_PORT_UNREACH;
		*err = *hard ? ECONNREFUSED : icmp_err_convert[code].errno;
		break;
	}
}

/**
 * xtcp_icmp_abort - a hard ICMP error ends an opening connection
 * @sk: the socket, locked, not owned by a process (or its owner)
 *
 * The error waits in sk_err_soft; a connection that got synchronized
 * meanwhile (its owner held it) keeps going, as one would have then.
 */
void xtcp_icmp_abort(struct sock *sk)
{
	lockdep_assert_held(&sk->sk_lock.slock);
	if (!(1 << sk->sk_state & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		return;
	WRITE_ONCE(sk->sk_err, READ_ONCE(sk->sk_err_soft));
	sk_error_report(sk);
	xtcp_done(sk);
}

/**
 * xtcp_v4_err - an ICMP error quoting an XTCP segment
 * @skb: the ICMP message, data at the quoted IP header; at least 8 bytes
 *	 of the XTCP header follow it (icmp_socket_deliver() pulled them)
 * @info: the ICMP header's info field
 *
 * Return: 0, or -ENOENT when no connection has the quoted 4-tuple.
 */
int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	int type = icmp_hdr(skb)->type, code = icmp_hdr(skb)->code;
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct xtcphdr *th = (const void *)(skb->data + (iph->ihl << 2));
	struct net *net = dev_net_rcu(skb->dev);
	struct xtcp_sock *xsk;
	struct sock *sk;
	bool hard;
	int err;

	sk = xtcp_lookup_conn(net, iph->daddr, th->dest, iph->saddr,
			      ntohs(th->source));
	if (!sk) {
		__ICMP_INC_STATS(net, ICMP_MIB_INERRORS);
		return -ENOENT;
	}
	xsk = xtcp_sk(sk);

	bh_lock_sock(sk);
	if (sk->sk_state == TCP_CLOSE)
		goto out;
	if (!xtcp_seq_between(ntohl(th->seq), xsk->snd_una, xsk->snd_nxt)) {
		XTCP_INC_STATS(net, XTCP_MIB_OUTOFWINDOWICMPS);
		goto out;
	}
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
		/* Path MTU discovery, RFC 1191: the owner may be sending. */
		WRITE_ONCE(xsk->mtu_info, info);
		if (!sock_owned_by_user(sk))
			xtcp_mtu_reduced(sk);
		else if (!test_and_set_bit(XTCP_MTU_DEFERRED, &xsk->deferred))
			sock_hold(sk);
		goto out;
	}
	xtcp_icmp_errno(type, code, &err, &hard);
	if (!err)
		goto out;
	XTCP_INC_STATS(net, XTCP_MIB_ICMPERRORS);
	if (inet_test_bit(RECVERR, sk))
		ip_icmp_error(sk, skb, err, th->dest, info, (u8 *)th);

	if (hard && (1 << sk->sk_state & (TCPF_SYN_SENT | TCPF_SYN_RECV))) {
		WRITE_ONCE(sk->sk_err_soft, err);
		/* Held by connect() still: it ends when released. */
		if (!sock_owned_by_user(sk))
			xtcp_icmp_abort(sk);
		else if (!test_and_set_bit(XTCP_ICMP_DEFERRED, &xsk->deferred))
			sock_hold(sk);
		goto out;
	}
	if (!sock_owned_by_user(sk) && inet_test_bit(RECVERR, sk)) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
out:
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_v4_err);
