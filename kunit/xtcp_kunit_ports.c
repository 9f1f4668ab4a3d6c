// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_ports": local ports, through the socket calls.
 *
 * Kernel sockets of init_net are bound, made to listen and connected
 * with kernel_bind(), kernel_listen() and kernel_connect(), with
 * net.xtcp.ip_local_port_range narrowed to a few ports outside the
 * default range (restored after each test): bind() to port 0 takes a free
 * port of the range, every socket a different one, and fails with
 * EADDRINUSE once the range is used up; SO_REUSEADDR lets sockets share a
 * port unless one of them listens; connect() picks its port by RFC 6056's
 * double hash (xtcp_port_offset() is its first hash), shares ports
 * between connections to different destinations and fails with
 * EADDRNOTAVAIL once every port is in use towards one destination.
 *
 * Connecting needs a route to 127.0.0.1 (lo up, as the harness's guest
 * has it); the SYNs are caught by the recorder's static stubs and go
 * nowhere.  A stub catches only what the test's thread sends, and a SYN
 * sent again by the retransmission timer would leave from a softirq, be
 * answered by a reset and free its port: each connection's timer is
 * stopped once connect() has sent its SYN.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define LOW		61000	/* above the default range, 32768-60999 */
#define LOOPBACK	htonl(INADDR_LOOPBACK)
#define LOOPBACK2	htonl(INADDR_LOOPBACK + 1)

KUNIT_DEFINE_ACTION_WRAPPER(release_action, sock_release, struct socket *);

static struct socket *new_sock(struct kunit *test)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM, 0, &sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = kunit_add_action_or_reset(test, release_action, sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	return sock;
}

static void close_sock(struct kunit *test, struct socket *sock)
{
	kunit_release_action(test, release_action, sock);
}

static int do_bind(struct socket *sock, __be32 addr, u16 port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = addr,
		.sin_port = htons(port),
	};

	return kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
}

static int do_connect(struct socket *sock, __be32 addr, u16 port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = addr,
		.sin_port = htons(port),
	};
	int err;

	err = kernel_connect(sock, (struct sockaddr *)&sin, sizeof(sin),
			     O_NONBLOCK);
	/* No SYN again: it would leave for real (see the top). */
	lock_sock(sock->sk);
	xtcp_rtx_timer_stop(sock->sk);
	release_sock(sock->sk);
	return err;
}

/* The local port, as getsockname() tells it. */
static u16 local_port(struct kunit *test, struct socket *sock)
{
	struct sockaddr_in sin = {};
	int len;

	len = kernel_getsockname(sock, (struct sockaddr *)&sin);
	KUNIT_EXPECT_EQ(test, len, (int)sizeof(sin));
	KUNIT_EXPECT_EQ(test, ntohs(sin.sin_port), inet_sk(sock->sk)->inet_num);
	return ntohs(sin.sin_port);
}

static void set_range(int low, int high)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;

	WRITE_ONCE(ctl->port_range[0], low);
	WRITE_ONCE(ctl->port_range[1], high);
}

static bool lo_up(void)
{
	return READ_ONCE(init_net.loopback_dev->flags) & IFF_UP;
}

static void unhook(void *test)
{
	xtcp_kt_rec_stop(test);
}

/*
 * Take what the test's sockets send, for the rest of the test: their SYNs
 * go nowhere.  Registered before any socket, the unhooking runs after
 * every socket is released.
 */
static void hook(struct kunit *test)
{
	xtcp_kt_rec_start(test);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, unhook, test),
			0);
}

/* bind() to port 0: a port of the range, the one getsockname() shows. */
static void xtcp_ports_bind_any(struct kunit *test)
{
	struct socket *sock = new_sock(test);
	u16 port;

	set_range(LOW, LOW + 7);
	KUNIT_ASSERT_EQ(test, do_bind(sock, 0, 0), 0);
	port = local_port(test, sock);
	KUNIT_EXPECT_GE(test, port, LOW);
	KUNIT_EXPECT_LE(test, port, LOW + 7);
	/* Bound once: a second bind() is refused. */
	KUNIT_EXPECT_EQ(test, do_bind(sock, 0, 0), -EINVAL);
}

/*
 * As many sockets as the range has ports get one each; the next gets
 * EADDRINUSE; a port given back by close() is taken again.
 */
static void xtcp_ports_distinct_until_exhausted(struct kunit *test)
{
	enum { N = 8 };
	struct socket *socks[N], *sock;
	DECLARE_BITMAP(seen, N) = {};
	u16 port, freed;
	int i;

	set_range(LOW, LOW + N - 1);
	for (i = 0; i < N; i++) {
		socks[i] = new_sock(test);
		KUNIT_ASSERT_EQ_MSG(test, do_bind(socks[i], 0, 0), 0,
				    "socket %d", i);
		port = local_port(test, socks[i]);
		KUNIT_ASSERT_GE(test, port, LOW);
		KUNIT_ASSERT_LE(test, port, LOW + N - 1);
		KUNIT_EXPECT_FALSE_MSG(test, test_bit(port - LOW, seen),
				       "port %u given twice", port);
		__set_bit(port - LOW, seen);
	}
	KUNIT_EXPECT_TRUE(test, bitmap_full(seen, N));

	sock = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(sock, 0, 0), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, inet_sk(sock->sk)->inet_num, 0);

	freed = local_port(test, socks[3]);
	close_sock(test, socks[3]);
	KUNIT_EXPECT_EQ(test, do_bind(sock, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, local_port(test, sock), freed);
}

/* A range of one port; listen() without bind() takes a port of it too. */
static void xtcp_ports_one_port_range(struct kunit *test)
{
	struct socket *a = new_sock(test), *b = new_sock(test);

	set_range(LOW + 20, LOW + 20);
	KUNIT_ASSERT_EQ(test, kernel_listen(a, 4), 0);
	KUNIT_EXPECT_EQ(test, local_port(test, a), LOW + 20);
	KUNIT_EXPECT_EQ(test, kernel_listen(b, 4), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, 0), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(b->sk->sk_state), TCP_CLOSE);
}

/*
 * RFC 6056 3.3.4's F(local, remote, remote port): the same for the same
 * destination, and as good as random between destinations (16 bits: of
 * 32 destinations, a collision or two may happen, not more).
 */
static void xtcp_ports_offset(struct kunit *test)
{
	enum { N = 32 };
	u16 off[3][N];
	int i, j, k, distinct;

	for (i = 0; i < N; i++) {
		off[0][i] = xtcp_port_offset(LOOPBACK, htonl(0xc0000200 + i),
					     htons(80));
		off[1][i] = xtcp_port_offset(LOOPBACK, htonl(0xc0000201),
					     htons(1000 + i));
		off[2][i] = xtcp_port_offset(htonl(0x0a000000 + i),
					     htonl(0xc0000201), htons(80));
		KUNIT_EXPECT_EQ(test, off[0][i],
				xtcp_port_offset(LOOPBACK,
						 htonl(0xc0000200 + i),
						 htons(80)));
		KUNIT_EXPECT_EQ(test, off[1][i],
				xtcp_port_offset(LOOPBACK, htonl(0xc0000201),
						 htons(1000 + i)));
	}
	for (k = 0; k < 3; k++) {
		distinct = 0;
		for (i = 0; i < N; i++) {
			for (j = 0; j < i; j++)
				if (off[k][j] == off[k][i])
					break;
			distinct += j == i;
		}
		KUNIT_EXPECT_GE_MSG(test, distinct, N - 2,
				    "varying %s: %d distinct of %d",
				    k == 0 ? "address" : k == 1 ? "port" :
				    "source", distinct, N);
	}
}

/*
 * SO_REUSEADDR, TCP's rule: sockets share a port when all of them set it
 * and none of the others listens; a socket may start listening while
 * others merely hold the port.  Different local addresses never conflict.
 */
static void xtcp_ports_reuseaddr(struct kunit *test)
{
	struct socket *a, *b, *c;
	u16 p = LOW + 40;

	/* Neither: the second bind() fails. */
	a = new_sock(test);
	b = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, p), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, p), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, inet_sk(b->sk)->inet_num, 0);

	/* One of them only: both orders fail. */
	a = new_sock(test);
	b = new_sock(test);
	sock_set_reuseaddr(a->sk);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, p + 1), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, p + 1), -EADDRINUSE);
	a = new_sock(test);
	b = new_sock(test);
	sock_set_reuseaddr(b->sk);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, p + 2), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, p + 2), -EADDRINUSE);

	/* Both: shared; one may listen; then nobody else binds or listens. */
	a = new_sock(test);
	b = new_sock(test);
	c = new_sock(test);
	sock_set_reuseaddr(a->sk);
	sock_set_reuseaddr(b->sk);
	sock_set_reuseaddr(c->sk);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, p + 3), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, p + 3), 0);
	KUNIT_EXPECT_EQ(test, kernel_listen(a, 4), 0);
	KUNIT_EXPECT_EQ(test, kernel_listen(b, 4), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(b->sk->sk_state), TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, do_bind(c, 0, p + 3), -EADDRINUSE);

	/* A listener with SO_REUSEADDR first: the same. */
	a = new_sock(test);
	b = new_sock(test);
	sock_set_reuseaddr(a->sk);
	sock_set_reuseaddr(b->sk);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, p + 4), 0);
	KUNIT_EXPECT_EQ(test, kernel_listen(a, 4), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, p + 4), -EADDRINUSE);

	/* Closing gives the port back at once. */
	a = new_sock(test);
	b = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, p + 5), 0);
	close_sock(test, a);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, p + 5), 0);

	/* Bind(0) skips a port shared by SO_REUSEADDR sockets. */
	set_range(p + 6, p + 7);
	a = new_sock(test);
	b = new_sock(test);
	sock_set_reuseaddr(a->sk);
	sock_set_reuseaddr(b->sk);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, p + 6), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, local_port(test, b), p + 7);
	c = new_sock(test);
	sock_set_reuseaddr(c->sk);
	KUNIT_EXPECT_EQ(test, do_bind(c, 0, 0), -EADDRINUSE);

	if (!lo_up()) {
		kunit_info(test, "lo is down: address-specific binds skipped\n");
		return;
	}
	/* Different addresses do not conflict; the wildcard conflicts. */
	a = new_sock(test);
	b = new_sock(test);
	c = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(a, LOOPBACK, p + 8), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, LOOPBACK2, p + 8), 0);
	KUNIT_EXPECT_EQ(test, do_bind(c, 0, p + 8), -EADDRINUSE);
}

/*
 * connect() without bind(): a port of the range, a different one for
 * each connection to one destination, EADDRNOTAVAIL when they run out.
 * A connection elsewhere still gets a port (shared), bind(0) does not
 * (every port is held), and a port a socket bind()s is never taken.
 */
static void xtcp_ports_connect(struct kunit *test)
{
	enum { N = 4 };
	struct socket *socks[N], *sock, *bound;
	DECLARE_BITMAP(seen, N) = {};
	u16 port;
	int i;

	if (!lo_up())
		kunit_skip(test, "lo is down: no route to 127.0.0.1");
	hook(test);

	set_range(LOW + 60, LOW + 60 + N - 1);
	for (i = 0; i < N; i++) {
		socks[i] = new_sock(test);
		KUNIT_ASSERT_EQ_MSG(test, do_connect(socks[i], LOOPBACK, 7),
				    -EINPROGRESS, "connection %d", i);
		KUNIT_EXPECT_EQ(test, READ_ONCE(socks[i]->sk->sk_state),
				TCP_SYN_SENT);
		port = local_port(test, socks[i]);
		KUNIT_ASSERT_GE(test, port, LOW + 60);
		KUNIT_ASSERT_LE(test, port, LOW + 60 + N - 1);
		KUNIT_EXPECT_FALSE_MSG(test, test_bit(port - LOW - 60, seen),
				       "port %u given twice", port);
		__set_bit(port - LOW - 60, seen);
	}

	sock = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_connect(sock, LOOPBACK, 7), -EADDRNOTAVAIL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sock->sk->sk_state), TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, inet_sk(sock->sk)->inet_num, 0);

	/* Another destination port: a port of the range, shared. */
	sock = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_connect(sock, LOOPBACK, 9), -EINPROGRESS);
	port = local_port(test, sock);
	KUNIT_EXPECT_GE(test, port, LOW + 60);
	KUNIT_EXPECT_LE(test, port, LOW + 60 + N - 1);

	sock = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(sock, 0, 0), -EADDRINUSE);

	for (i = 0; i < N; i++)
		close_sock(test, socks[i]);

	/* A port held by bind() is skipped by connect(). */
	set_range(LOW + 70, LOW + 70 + N - 1);
	bound = new_sock(test);
	KUNIT_ASSERT_EQ(test, do_bind(bound, 0, LOW + 71), 0);
	for (i = 0; i < N - 1; i++) {
		socks[i] = new_sock(test);
		KUNIT_EXPECT_EQ(test, do_connect(socks[i], LOOPBACK, 7),
				-EINPROGRESS);
		KUNIT_EXPECT_NE(test, local_port(test, socks[i]), LOW + 71);
	}
	sock = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_connect(sock, LOOPBACK, 7), -EADDRNOTAVAIL);
}

/* A socket bound by the user keeps its port when it connects. */
static void xtcp_ports_connect_bound(struct kunit *test)
{
	struct socket *a, *b;

	if (!lo_up())
		kunit_skip(test, "lo is down: no route to 127.0.0.1");
	hook(test);

	a = new_sock(test);
	b = new_sock(test);
	sock_set_reuseaddr(a->sk);
	sock_set_reuseaddr(b->sk);
	KUNIT_ASSERT_EQ(test, do_bind(a, 0, LOW + 80), 0);
	KUNIT_ASSERT_EQ(test, do_bind(b, 0, LOW + 80), 0);
	KUNIT_EXPECT_EQ(test, do_connect(a, LOOPBACK, 7), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, local_port(test, a), LOW + 80);
	/* The same 4-tuple is taken: the second connection is refused. */
	KUNIT_EXPECT_EQ(test, do_connect(b, LOOPBACK, 7), -EADDRNOTAVAIL);
	KUNIT_EXPECT_EQ(test, local_port(test, b), LOW + 80);
}

static int saved_range[2];

static int xtcp_ports_init(struct kunit *test)
{
	const struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;

	saved_range[0] = READ_ONCE(ctl->port_range[0]);
	saved_range[1] = READ_ONCE(ctl->port_range[1]);
	return 0;
}

static void xtcp_ports_exit(struct kunit *test)
{
	set_range(saved_range[0], saved_range[1]);
}

static struct kunit_case xtcp_ports_cases[] = {
	KUNIT_CASE(xtcp_ports_bind_any),
	KUNIT_CASE(xtcp_ports_distinct_until_exhausted),
	KUNIT_CASE(xtcp_ports_one_port_range),
	KUNIT_CASE(xtcp_ports_offset),
	KUNIT_CASE(xtcp_ports_reuseaddr),
	KUNIT_CASE(xtcp_ports_connect),
	KUNIT_CASE(xtcp_ports_connect_bound),
	{}
};

static struct kunit_suite xtcp_ports_suite = {
	.name = "xtcp_ports",
	.init = xtcp_ports_init,
	.exit = xtcp_ports_exit,
	.test_cases = xtcp_ports_cases,
};

kunit_test_suites(&xtcp_ports_suite);
