// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_netexit": what a dying namespace does to the sockets
 * it still has (xtcp_net_end_sockets(), its pernet pre_exit).
 *
 * Only kernel sockets hold no reference on their namespace, so only they
 * can be left when it goes.  The case makes, in init_net over loopback
 * (lo up, as the harness's guest has it), a kernel listener, a kernel
 * connection to it, its accepted child and the orphan the client leaves
 * when it is released, beside a user socket (sock_create(), which holds
 * its namespace) listening too; then runs what pre_exit runs on init_net.
 * The kernel sockets end, the orphan freed at once, the user socket
 * untouched.  Nothing else of the guest's init_net may have XTCP kernel
 * sockets while KUnit runs.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/net.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include "../src/xtcp_protocol.h"

#include "xtcp_kunit_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PORT_K		61201	/* the kernel listener's */
#define PORT_U		61202	/* the user listener's */

static int listen_on(struct socket *sock, u16 port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = XTCP_KT_ADDR,
		.sin_port = htons(port),
	};
	int err;

	err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	return err ?: kernel_listen(sock, 4);
}

static void xtcp_netexit_kernel_sockets(struct kunit *test)
{
	struct socket *lsn, *cli, *child = NULL, *user;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = XTCP_KT_ADDR,
		.sin_port = htons(PORT_K),
	};
	struct msghdr msg = {};
	char data[100] = {};
	struct kvec iov = { .iov_base = data, .iov_len = sizeof(data) };
	int base, before, err;
	struct proto *prot;
	__be16 cport;

	if (!xtcp_kt_lo_up())
		kunit_skip(test, "lo is down: no connection over loopback");
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM,
					       0, &lsn), 0);
	prot = lsn->sk->sk_prot;
	base = sock_prot_inuse_get(&init_net, prot) - 1;
	KUNIT_ASSERT_EQ(test, listen_on(lsn, PORT_K), 0);
	KUNIT_ASSERT_EQ(test, sock_create(PF_XTCP, SOCK_STREAM, 0, &user), 0);
	KUNIT_EXPECT_TRUE(test, user->sk->sk_net_refcnt);
	KUNIT_EXPECT_EQ(test, listen_on(user, PORT_U), 0);

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_XTCP, SOCK_STREAM,
					       0, &cli), 0);
	KUNIT_ASSERT_EQ(test, kernel_connect(cli, (struct sockaddr *)&sin,
					     sizeof(sin), 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(lsn, &child, 0), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(child->sk->sk_state), TCP_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, child->sk->sk_net_refcnt);
	cport = inet_sk(cli->sk)->inet_sport;

	/* The client writes and goes: an orphan with its data unread. */
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(cli, &msg, &iov, 1, sizeof(data)),
			(int)sizeof(data));
	sock_release(cli);
	before = sock_prot_inuse_get(&init_net, prot);
	KUNIT_EXPECT_GE(test, before, base + 4);

	xtcp_net_end_sockets(&init_net);

	/* The kernel sockets ended, as SOCK_DESTROY ends them. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(lsn->sk->sk_state), TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(lsn->sk->sk_err), ECONNABORTED);
	KUNIT_EXPECT_EQ(test, READ_ONCE(child->sk->sk_state), TCP_CLOSE);
	/*
	 * ... or by the orphan's reset, when the walk met the orphan first:
	 * EPIPE in CLOSE_WAIT, as TCP's tcp_reset() says.
	 */
	err = READ_ONCE(child->sk->sk_err);
	KUNIT_EXPECT_TRUE_MSG(test, err == ECONNABORTED || err == EPIPE,
			      "sk_err %d", err);
	/*
	 * The orphan is freed: in no table, not counted.  (Kernel sockets
	 * an earlier case left to end, orphans of its own, may go with it:
	 * what init_net counted before is an upper bound, not a value.)
	 */
	KUNIT_EXPECT_NULL(test, xtcp_lookup_conn(&init_net, XTCP_KT_ADDR,
						 htons(PORT_K), XTCP_KT_ADDR,
						 ntohs(cport)));
	KUNIT_EXPECT_LE(test, sock_prot_inuse_get(&init_net, prot),
			before - 1);
	/* The user's socket still listens. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(user->sk->sk_state), TCP_LISTEN);
	KUNIT_EXPECT_EQ(test, READ_ONCE(user->sk->sk_err), 0);

	sock_release(child);
	sock_release(lsn);
	sock_release(user);
	KUNIT_EXPECT_LE(test, sock_prot_inuse_get(&init_net, prot), base);
}

static struct kunit_case xtcp_netexit_cases[] = {
	KUNIT_CASE(xtcp_netexit_kernel_sockets),
	{}
};

static struct kunit_suite xtcp_netexit_suite = {
	.name = "xtcp_netexit",
	.test_cases = xtcp_netexit_cases,
};

kunit_test_suites(&xtcp_netexit_suite);
