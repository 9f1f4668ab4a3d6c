// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_icmp": ICMP errors about our segments, handed to
 * xtcp_v4_err() as icmp_socket_deliver() would hand them.
 *
 * A socket of init_net connect()s to a port of loopback (non-blocking:
 * the recorder's stub keeps its SYN, nothing answers), so it waits in
 * SYN_SENT in the connection table; then an ICMP error quoting its SYN,
 * or a sequence number beside it, arrives.
 */

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PPORT		40007		/* the port connect()ed to */

struct icmp_case {
	const char *name;
	u8 type;
	u8 code;
	s32 seq;	/* the quoted SEG.SEQ - ISS */
	bool recverr;	/* IP_RECVERR set */
	int state;	/* the socket's state after */
	int err;	/* sk_err after */
	int soft;	/* sk_err_soft after */
	bool counted;	/* in XtcpICMPErrors; else ignored */
};

static const struct icmp_case icmp_cases[] = {
	{ "protocol unreachable", ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0,
	  false, TCP_CLOSE, ECONNREFUSED, ECONNREFUSED, true },
	{ "port unreachable", ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
	  false, TCP_CLOSE, ECONNREFUSED, ECONNREFUSED, true },
	{ "port unreachable, SEG.SEQ never sent", ICMP_DEST_UNREACH,
	  ICMP_PORT_UNREACH, 1000, false, TCP_SYN_SENT, 0, 0, false },
	{ "port unreachable, SEG.SEQ before SND.UNA", ICMP_DEST_UNREACH,
	  ICMP_PORT_UNREACH, -1, false, TCP_SYN_SENT, 0, 0, false },
	{ "host unreachable: soft", ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0,
	  false, TCP_SYN_SENT, 0, EHOSTUNREACH, true },
	{ "net unreachable, IP_RECVERR", ICMP_DEST_UNREACH, ICMP_NET_UNREACH,
	  0, true, TCP_SYN_SENT, ENETUNREACH, 0, true },
	{ "time exceeded: soft", ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, false,
	  TCP_SYN_SENT, 0, EHOSTUNREACH, true },
	{ "parameter problem: soft", ICMP_PARAMETERPROB, 0, 0, false,
	  TCP_SYN_SENT, 0, EPROTO, true },
	{ "source quench: ignored", ICMP_SOURCE_QUENCH, 0, 0, false,
	  TCP_SYN_SENT, 0, 0, false },
};

static void icmp_desc(const struct icmp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(icmp, icmp_cases, icmp_desc);

/*
 * An ICMP error from @peer about a segment @sport -> @dport, SEG.SEQ
 * @seq: the ICMP header (the transport header), then the quoted IP
 * header, where the data starts, and 20 bytes of the XTCP header.
 */
static struct sk_buff *icmp_skb(u8 type, u8 code, __be32 src, __be32 peer,
				__be16 sport, __be16 dport, u32 seq)
{
	struct sk_buff *skb;
	struct xtcphdr *th;
	struct icmphdr *ih;
	struct iphdr *iph;

	skb = alloc_skb(sizeof(*ih) + sizeof(*iph) + sizeof(*th), GFP_KERNEL);
	if (!skb)
		return NULL;
	ih = skb_put_zero(skb, sizeof(*ih));
	ih->type = type;
	ih->code = code;
	skb_reset_transport_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = xtcp_ipproto;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*th));
	iph->saddr = src;
	iph->daddr = peer;
	th = skb_put_zero(skb, sizeof(*th));
	th->source = sport;
	th->dest = dport;
	th->seq = htonl(seq);
	th->doff_res = (sizeof(*th) / 4) << 4;
	th->flags = XTCP_FLAG_SYN;
	skb_pull(skb, sizeof(*ih));
	skb_reset_network_header(skb);
	skb->dev = init_net.loopback_dev;
	return skb;
}

/* Deliver as icmp_socket_deliver() does: softirqs off, under RCU. */
static int icmp_deliver(struct sk_buff *skb)
{
	int ret;

	local_bh_disable();
	rcu_read_lock();
	ret = xtcp_v4_err(skb, 0);
	rcu_read_unlock();
	local_bh_enable();
	kfree_skb(skb);
	return ret;
}

static void xtcp_icmp_syn_sent(struct kunit *test)
{
	unsigned long oow = xtcp_kt_counter(XTCP_MIB_OUTOFWINDOWICMPS);
	unsigned long errs = xtcp_kt_counter(XTCP_MIB_ICMPERRORS);
	const struct icmp_case *c = test->param_value;
	struct xtcp_kt_rec r[XTCP_KT_MAX_RECS];
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(PPORT),
		.sin_addr.s_addr = XTCP_KT_ADDR,
	};
	struct socket *sock;
	struct sk_buff *skb;
	struct sock *sk;
	u32 iss;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: connect() cannot route its SYN");
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM,
					       0, &sock), 0);
	sk = sock->sk;
	if (c->recverr)
		inet_set_bit(RECVERR, sk);
	KUNIT_ASSERT_EQ(test, kernel_connect(sock, (struct sockaddr *)&sin,
					     sizeof(sin), O_NONBLOCK),
			-EINPROGRESS);
	KUNIT_EXPECT_EQ(test, xtcp_kt_rec_take(r), 1U);
	iss = xtcp_sk(sk)->iss;

	skb = icmp_skb(c->type, c->code, XTCP_KT_ADDR, XTCP_KT_ADDR,
		       inet_sk(sk)->inet_sport, htons(PPORT), iss + c->seq);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, icmp_deliver(skb), 0);

	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_state), c->state);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_err), c->err);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_err_soft), c->soft);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_ICMPERRORS),
			errs + c->counted);
	KUNIT_EXPECT_EQ(test, xtcp_kt_counter(XTCP_MIB_OUTOFWINDOWICMPS),
			oow + (c->seq != 0));
	/* IP_RECVERR: the error waits on the error queue, as for TCP. */
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_error_queue),
			c->recverr && c->counted ? 1U : 0U);

	sock_no_linger(sk);
	sock_release(sock);
	xtcp_kt_rec_take(NULL);
}

/*
 * A hard error arriving while connect() still holds the socket (its SYN
 * just sent): the socket stays in SYN_SENT until its owner releases it,
 * then ends with ECONNREFUSED at once, not at the next timeout.
 */
static void xtcp_icmp_owned(struct kunit *test)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(PPORT),
		.sin_addr.s_addr = XTCP_KT_ADDR,
	};
	struct socket *sock;
	struct sk_buff *skb;
	struct sock *sk;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: connect() cannot route its SYN");
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM,
					       0, &sock), 0);
	sk = sock->sk;
	KUNIT_ASSERT_EQ(test, kernel_connect(sock, (struct sockaddr *)&sin,
					     sizeof(sin), O_NONBLOCK),
			-EINPROGRESS);
	skb = icmp_skb(ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, XTCP_KT_ADDR,
		       XTCP_KT_ADDR, inet_sk(sk)->inet_sport, htons(PPORT),
		       xtcp_sk(sk)->iss);
	KUNIT_ASSERT_NOT_NULL(test, skb);

	lock_sock(sk);
	KUNIT_EXPECT_EQ(test, icmp_deliver(skb), 0);
	KUNIT_EXPECT_EQ(test, sk->sk_state, TCP_SYN_SENT);
	release_sock(sk);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_state), TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_err), ECONNREFUSED);

	sock_no_linger(sk);
	sock_release(sock);
	xtcp_kt_rec_take(NULL);
}

/* No connection has the quoted 4-tuple: nothing happens, -ENOENT. */
static void xtcp_icmp_no_socket(struct kunit *test)
{
	struct sk_buff *skb;

	skb = icmp_skb(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, XTCP_KT_ADDR,
		       XTCP_KT_ADDR, htons(40099), htons(PPORT), 1);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, icmp_deliver(skb), -ENOENT);
}

static int xtcp_icmp_init(struct kunit *test)
{
	xtcp_kt_rec_start(test);
	return 0;
}

static void xtcp_icmp_exit(struct kunit *test)
{
	xtcp_kt_rec_stop(test);
}

static struct kunit_case xtcp_icmp_cases[] = {
	KUNIT_CASE_PARAM(xtcp_icmp_syn_sent, icmp_gen_params),
	KUNIT_CASE(xtcp_icmp_owned),
	KUNIT_CASE(xtcp_icmp_no_socket),
	{}
};

static struct kunit_suite xtcp_icmp_suite = {
	.name = "xtcp_icmp",
	.init = xtcp_icmp_init,
	.exit = xtcp_icmp_exit,
	.test_cases = xtcp_icmp_cases,
};

kunit_test_suites(&xtcp_icmp_suite);
