// SPDX-License-Identifier: GPL-2.0
/*
 * The socket calls on a stream socket, between two network namespaces
 * joined by veth: every errno path of bind, listen, accept, connect,
 * send/recv, shutdown and close, readiness through poll/select/epoll, and
 * the socket options, each compared with what Linux TCP answers.  Run with
 * XTCP_TEST_FAMILY=tcp it tests Linux TCP itself, and must pass; XTCP must
 * answer the same, except for its identity (SO_DOMAIN, SO_PROTOCOL) and
 * XTCP_INFO, where the test branches on the mode.  XTCP_TEST_FAMILY=inet
 * tests XTCP through the inet family's entry, socket(AF_INET, SOCK_STREAM,
 * IPPROTO_XTCP) (socket_calls_inet.sh), which answers as AF_XTCP does but
 * for SO_DOMAIN.
 */

#include "xtcp_test.h"

#include <grp.h>
#include <linux/filter.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>

#define ADDR_A		"10.213.0.1"
#define ADDR_B		"10.213.0.2"
/* On the link, but a static neighbour entry in A sends it to a MAC nobody
 * has: B's veth drops the frames (PACKET_OTHERHOST), a black hole.
 */
#define ADDR_HOLE	"10.213.0.3"
#define MAC_HOLE	"02:00:5e:00:53:01"
#define ADDR_FOREIGN	"10.213.0.9"	/* on no interface anywhere */
#define ADDR_UNROUTED	"192.0.2.1"	/* no route to it from A */

#define PORT_LST	5000		/* B's listener for connected pairs */
#define PORT_CLOSED	5999		/* nothing listens there */
#define PORT_TW		6000		/* A's port left in TIME_WAIT */
#define PORT_A_LST	7000		/* A's listener */
#define PORT_DEFER	7100		/* B's listener with TCP_DEFER_ACCEPT */
#define PORT_RP		7200		/* B's SO_REUSEPORT group */

#define ST_ESTABLISHED	1		/* /proc/net/{tcp,xtcp}'s "st" */
#define ST_FIN_WAIT2	5

#define RANGE_LO	40000
#define RANGE_HI	40009
#define RANGE_N		(RANGE_HI - RANGE_LO + 1)

#define BULK		(4 << 20)	/* bytes for the full-buffer tests */

/*
 * How long to wait for what takes milliseconds (data or a reset to
 * arrive, an acknowledgment, a connection to show in /proc): only a
 * bound for giving up, far above normal even on the debug kernel.
 */
#define WAIT_MS		30000
#define WATCHDOG_S	600	/* the whole test; it takes about 30 s */

static const char *ns_a;	/* the clients */
static const char *ns_b;	/* the servers */

static int family = AF_XTCP, sock_proto, xtcp_mode = 1;
static const char *sysctl_syn_retries = "net/xtcp/syn_retries";
static const char *sysctl_port_range = "net/xtcp/ip_local_port_range";
static const char *proc_conns = "/proc/self/net/xtcp";

static int lst = -1;			/* B's listener on PORT_LST */
static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* One point: a call that returned @r with errno @e must have failed with
 * @want.
 */
static int __attribute__((format(printf, 4, 5)))
point_err(long r, int e, int want, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r >= 0)
		return tap_ok(0, "%s: %s (got success, %ld)", what,
			      errname(want), r);
	return tap_ok(e == want, "%s: %s (got %s)", what, errname(want),
		      errname(e));
}

/* One point: a call that returned @r with errno @e must have succeeded. */
static int __attribute__((format(printf, 3, 4)))
point_ok(long r, int e, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tap_ok(r >= 0, "%s (%s)", what, r >= 0 ? "ok" : errname(e));
}

#define EXPECT_ERR(call, want, ...) ({					\
	long __r = (call);						\
	int __e = errno;						\
	point_err(__r, __e, want, __VA_ARGS__);				\
})

#define EXPECT_OK(call, ...) ({						\
	long __r = (call);						\
	int __e = errno;						\
	point_ok(__r, __e, __VA_ARGS__);				\
})

/*
 * Write @val to /proc/sys/@name of the current network namespace, @ns:
 * one point, whose result is returned.
 */
static int sysctl_set(const char *name, const char *val, const char *ns)
{
	int ok = !sysctl_write(name, val);

	return tap_ok(ok, "sysctl %s = %s in %s (%s)", name, val, ns,
		      ok ? "ok" : errname(errno));
}

static void set_timeo(int fd, int name, int ms)
{
	if (sock_set_timeo(fd, name, ms))
		tap_bail("set timeout: %s", errname(errno));
}

/*
 * A stream socket of the family under test in the current namespace.  Its
 * send and receive timeouts (WAIT_MS) keep a broken kernel from hanging
 * the test (a blocking call then fails with EAGAIN or EINPROGRESS, and its
 * point).
 */
static int xsocket(void)
{
	int fd = socket(family, SOCK_STREAM, sock_proto);

	if (fd < 0)
		tap_bail("socket: %s", errname(errno));
	set_timeo(fd, SO_RCVTIMEO, WAIT_MS);
	set_timeo(fd, SO_SNDTIMEO, WAIT_MS);
	return fd;
}

static int do_bind(int fd, const char *addr, int port)
{
	struct sockaddr_in sin = sin_of(addr, port);

	return sock_bind(fd, &sin);
}

static int do_connect(int fd, const char *addr, int port)
{
	struct sockaddr_in sin = sin_of(addr, port);

	return sock_connect(fd, &sin);
}

/* A connected pair: *c in A, *s accepted from B's listener. */
static void pair(int *c, int *s)
{
	netns_enter(ns_a);
	*c = xsocket();
	if (do_connect(*c, ADDR_B, PORT_LST))
		tap_bail("connect to the listener: %s", errname(errno));
	*s = accept(lst, NULL, NULL);
	if (*s < 0)
		tap_bail("accept: %s", errname(errno));
}

static void fill(unsigned char *buf, size_t len, size_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (off + i) * 7 % 251;
}

/*
 * The state (hex column "st") of the connection of the current namespace's
 * /proc/net/{tcp,xtcp} whose local port is @port, or -1.
 */
static int proc_state(int port)
{
	unsigned int lport, rport, st;
	int state = -1;
	FILE *f = fopen(proc_conns, "r");

	if (!f)
		return -1;
	while (proc_conn_next(f, &lport, &rport, &st)) {
		if ((int)lport == port) {
			state = st;
			break;
		}
	}
	fclose(f);
	return state;
}

/* errno of bind(@port) by a child that dropped to uid 65534, 0 if bound. */
static int unprivileged_bind(int port)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (!pid) {
		/* setuid from root to non-root clears every capability. */
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(255);
		fd = socket(family, SOCK_STREAM, sock_proto);
		if (fd < 0)
			_exit(254);
		_exit(do_bind(fd, "0.0.0.0", port) ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_port_range(void)
{
	int fds[RANGE_N + 1], seen[RANGE_N] = { 0 }, i, port, good = 1;
	int fd, alst;
	char range[32];

	/* A listener in A for B's connect below. */
	netns_enter(ns_a);
	alst = xsocket();
	if (do_bind(alst, ADDR_A, PORT_A_LST) || listen(alst, 4))
		tap_bail("A's listener: %s", errname(errno));

	netns_enter(ns_b);
	snprintf(range, sizeof(range), "%d %d", RANGE_LO, RANGE_HI);
	if (!sysctl_set(sysctl_port_range, range, "B")) {
		close(alst);
		return;
	}

	/* Nine bind(port 0), the tenth autobinds by listen(). */
	for (i = 0; i < RANGE_N; i++) {
		fds[i] = xsocket();
		if (i < RANGE_N - 1 ? do_bind(fds[i], "0.0.0.0", 0) :
				      listen(fds[i], 4)) {
			tap_diag("autobind %d: %s", i, errname(errno));
			good = 0;
			continue;
		}
		port = sock_port(fds[i], 0);
		if (port < RANGE_LO || port > RANGE_HI || seen[port - RANGE_LO]++) {
			tap_diag("autobind %d got port %d", i, port);
			good = 0;
		}
	}
	tap_ok(good, "bind(port 0) x9 and listen() without bind get 10 distinct ports in %s",
	       range);
	fd = xsocket();
	EXPECT_ERR(do_bind(fd, "0.0.0.0", 0), EADDRINUSE,
		   "bind(port 0) with the range exhausted");
	close(fd);
	fd = xsocket();
	EXPECT_ERR(listen(fd, 4), EADDRINUSE,
		   "listen() without bind, range exhausted");
	close(fd);
	fd = xsocket();
	EXPECT_ERR(do_connect(fd, ADDR_A, PORT_A_LST), EADDRNOTAVAIL,
		   "connect() without bind, range exhausted");
	close(fd);

	for (i = 0; i < RANGE_N; i++)
		close(fds[i]);
	fd = xsocket();
	port = do_bind(fd, "0.0.0.0", 0) ? -errno : sock_port(fd, 0);
	tap_ok(port >= RANGE_LO && port <= RANGE_HI,
	       "after closing them bind(port 0) works again (%d)", port);
	close(fd);
	sysctl_set(sysctl_port_range, "32768 60999", "B");
	close(alst);
}

static void test_bind(void)
{
	struct sockaddr_in sin;
	socklen_t len;
	int a, b, c, r, i;

	netns_enter(ns_b);
	a = xsocket();
	len = sizeof(sin);
	memset(&sin, 0xff, sizeof(sin));
	r = getsockname(a, (struct sockaddr *)&sin, &len);
	tap_ok(!r && len == sizeof(sin) && sin.sin_family == AF_INET &&
	       !sin.sin_port && !sin.sin_addr.s_addr,
	       "getsockname before bind: 0.0.0.0:0 (%s)", r ? errname(errno) : "ok");

	EXPECT_OK(do_bind(a, ADDR_B, 5001), "bind " ADDR_B ":5001");
	len = sizeof(sin);
	memset(&sin, 0, sizeof(sin));
	r = getsockname(a, (struct sockaddr *)&sin, &len);
	tap_ok(!r && len == sizeof(sin) && sin.sin_family == AF_INET &&
	       sin.sin_addr.s_addr == inet_addr(ADDR_B) &&
	       ntohs(sin.sin_port) == 5001,
	       "getsockname after bind: AF_INET " ADDR_B ":5001, addrlen 16 (%s, %s:%d, %u)",
	       r ? errname(errno) : "ok", inet_ntoa(sin.sin_addr),
	       ntohs(sin.sin_port), len);
	EXPECT_ERR(do_bind(a, ADDR_B, 5002), EINVAL, "a second bind");
	EXPECT_ERR(do_bind(a, ADDR_B, 5001), EINVAL,
		   "a second bind to the same address");

	b = xsocket();
	EXPECT_ERR(do_bind(b, ADDR_B, 5001), EADDRINUSE,
		   "bind to a bound address:port, no SO_REUSEADDR");
	EXPECT_ERR(do_bind(b, "0.0.0.0", 5001), EADDRINUSE,
		   "bind 0.0.0.0 on a port bound to " ADDR_B);
	close(a);
	EXPECT_OK(do_bind(b, ADDR_B, 5001),
		  "once the other socket is closed, the port binds");
	close(b);

	/* SO_REUSEADDR on one of the two only (i: the second). */
	for (i = 0; i < 2; i++) {
		a = xsocket();
		b = xsocket();
		sock_set_int(i ? b : a, SOL_SOCKET, SO_REUSEADDR, 1);
		do_bind(a, ADDR_B, 5003 + i);
		EXPECT_ERR(do_bind(b, ADDR_B, 5003 + i), EADDRINUSE,
			   "SO_REUSEADDR on the %s socket only",
			   i ? "new" : "bound");
		close(a);
		close(b);
	}

	/* On both: shared while nobody listens. */
	a = xsocket();
	b = xsocket();
	c = xsocket();
	sock_set_int(a, SOL_SOCKET, SO_REUSEADDR, 1);
	sock_set_int(b, SOL_SOCKET, SO_REUSEADDR, 1);
	sock_set_int(c, SOL_SOCKET, SO_REUSEADDR, 1);
	do_bind(a, ADDR_B, 5005);
	EXPECT_OK(do_bind(b, ADDR_B, 5005),
		  "SO_REUSEADDR on both, neither listening: bind succeeds");
	EXPECT_OK(listen(a, 4), "one of them listens");
	EXPECT_ERR(listen(b, 4), EADDRINUSE, "the other's listen()");
	EXPECT_ERR(do_bind(c, ADDR_B, 5005), EADDRINUSE,
		   "SO_REUSEADDR on both, the bound one listening");
	close(a);
	close(b);
	close(c);

	a = xsocket();
	EXPECT_ERR(do_bind(a, ADDR_FOREIGN, 0), EADDRNOTAVAIL,
		   "bind to an address not on the host");
	sin = sin_of(ADDR_B, 5006);
	sin.sin_family = AF_INET6;
	EXPECT_ERR(bind(a, (struct sockaddr *)&sin, sizeof(sin)), EAFNOSUPPORT,
		   "bind with sin_family AF_INET6");
	sin.sin_family = AF_UNSPEC;
	EXPECT_ERR(bind(a, (struct sockaddr *)&sin, sizeof(sin)), EAFNOSUPPORT,
		   "bind with sin_family AF_UNSPEC and an address");
	sin = sin_of(ADDR_B, 5006);
	EXPECT_ERR(bind(a, (struct sockaddr *)&sin, sizeof(sin) - 1), EINVAL,
		   "bind with addrlen 15");
	EXPECT_ERR(bind(a, (struct sockaddr *)&sin, 2), EINVAL,
		   "bind with addrlen 2");
	sin = sin_of("0.0.0.0", 5006);
	sin.sin_family = AF_UNSPEC;
	EXPECT_OK(bind(a, (struct sockaddr *)&sin, sizeof(sin)),
		  "bind with AF_UNSPEC and INADDR_ANY is taken as AF_INET");
	tap_ok(sock_port(a, 0) == 5006, "... and bound port 5006 (%d)",
	       sock_port(a, 0));
	close(a);

	a = xsocket();
	EXPECT_OK(do_bind(a, "0.0.0.0", 80), "root binds port 80");
	close(a);
	r = unprivileged_bind(80);
	tap_ok(r == EACCES, "bind port 80 without CAP_NET_BIND_SERVICE: EACCES (got %s)",
	       r < 0 ? "no child" : r ? errname(r) : "success");
	r = unprivileged_bind(1024);
	tap_ok(r == 0, "bind port 1024 without it succeeds (got %s)",
	       r < 0 ? "no child" : r ? errname(r) : "success");
}

/* The TIME_WAIT an active close leaves blocks the port unless SO_REUSEADDR. */
static void test_time_wait(void)
{
	char buf[8];
	int c, s, a, i, st = -1;

	netns_enter(ns_a);
	c = xsocket();
	sock_set_int(c, SOL_SOCKET, SO_REUSEADDR, 1);
	if (do_bind(c, ADDR_A, PORT_TW) || do_connect(c, ADDR_B, PORT_LST))
		tap_bail("connect from port %d: %s", PORT_TW, errname(errno));
	s = accept(lst, NULL, NULL);
	if (s < 0)
		tap_bail("accept: %s", errname(errno));
	close(c);
	i = recv(s, buf, sizeof(buf), 0);
	tap_ok(i == 0, "the passive side reads EOF after the active close (%d, %s)",
	       i, i < 0 ? errname(errno) : "ok");
	close(s);
	WAIT_UNTIL((st = proc_state(PORT_TW)) == 6, WAIT_MS);
	tap_ok(st == 6, "/proc%s lists port %d in TIME_WAIT (06) (%02X)",
	       proc_conns + strlen("/proc/self"), PORT_TW, st);
	a = xsocket();
	EXPECT_ERR(do_bind(a, ADDR_A, PORT_TW), EADDRINUSE,
		   "bind to the TIME_WAIT's port without SO_REUSEADDR");
	sock_set_int(a, SOL_SOCKET, SO_REUSEADDR, 1);
	EXPECT_OK(do_bind(a, ADDR_A, PORT_TW),
		  "bind to the TIME_WAIT's port with SO_REUSEADDR");
	close(a);
}

static void test_listen(void)
{
	struct sockaddr_in sin;
	struct epoll_event ev = { .events = EPOLLIN }, evs[2];
	struct timeval tv0 = { 0 };
	socklen_t len;
	fd_set rfds;
	int l, c, s, a, ep, r, port;

	netns_enter(ns_b);
	l = xsocket();
	tap_ok(sock_get_int(l, SOL_SOCKET, SO_ACCEPTCONN) == 0,
	       "SO_ACCEPTCONN is 0 before listen");
	EXPECT_ERR(accept(l, NULL, NULL), EINVAL, "accept on an unbound socket");
	EXPECT_OK(listen(l, 1), "listen without bind");
	port = sock_port(l, 0);
	tap_ok(port > 0, "... autobinds a port (%d)", port);
	tap_ok(sock_get_int(l, SOL_SOCKET, SO_ACCEPTCONN) == 1,
	       "SO_ACCEPTCONN is 1 on a listener");
	EXPECT_OK(listen(l, 16), "listen again with another backlog");
	tap_ok(sock_port(l, 0) == port, "... keeps the port");
	EXPECT_ERR(do_bind(l, "0.0.0.0", 5011), EINVAL, "bind on a listener");
	close(l);

	l = xsocket();
	do_bind(l, ADDR_B, 5009);
	EXPECT_ERR(accept(l, NULL, NULL), EINVAL,
		   "accept on a bound socket that does not listen");
	close(l);

	l = xsocket();
	sock_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	if (do_bind(l, ADDR_B, 5010) || listen(l, 4))
		tap_bail("listener on 5010: %s", errname(errno));
	sock_set_nonblock(l, 1);
	EXPECT_ERR(accept(l, NULL, NULL), EAGAIN,
		   "non-blocking accept with nothing pending");
	sock_set_nonblock(l, 0);
	set_timeo(l, SO_RCVTIMEO, 100);
	EXPECT_ERR(accept(l, NULL, NULL), EAGAIN,
		   "blocking accept when SO_RCVTIMEO expires");
	set_timeo(l, SO_RCVTIMEO, WAIT_MS);
	EXPECT_ERR(recv(l, &r, sizeof(r), MSG_DONTWAIT), ENOTCONN,
		   "recv on a listener");
	EXPECT_ERR(sock_inq(l), EINVAL, "SIOCINQ on a listener");

	/* Readiness: not readable with nothing pending... */
	tap_ok(poll1(l, POLLIN | POLLOUT, 0) == 0,
	       "poll: a listener with nothing pending reports nothing (%#x)",
	       poll1(l, POLLIN | POLLOUT, 0));
	FD_ZERO(&rfds);
	FD_SET(l, &rfds);
	r = select(l + 1, &rfds, NULL, NULL, &tv0);
	tap_ok(r == 0, "select: not readable (%d)", r);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = l;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev))
		tap_bail("epoll: %s", errname(errno));
	r = epoll_wait(ep, evs, 2, 0);
	tap_ok(r == 0, "epoll: no event (%d)", r);

	/* ...readable with a connection pending. */
	netns_enter(ns_a);
	c = xsocket();
	EXPECT_OK(do_connect(c, ADDR_B, 5010), "connect to the listener");
	r = poll1(l, POLLIN | POLLOUT, WAIT_MS);
	tap_ok(r == POLLIN, "poll: POLLIN with a connection pending (%#x)", r);
	FD_ZERO(&rfds);
	FD_SET(l, &rfds);
	tv0.tv_sec = 0;
	tv0.tv_usec = 0;
	r = select(l + 1, &rfds, NULL, NULL, &tv0);
	tap_ok(r == 1 && FD_ISSET(l, &rfds), "select: readable (%d)", r);
	r = epoll_wait(ep, evs, 2, 0);
	tap_ok(r == 1 && evs[0].events == EPOLLIN && evs[0].data.fd == l,
	       "epoll: EPOLLIN (%d, %#x)", r, r > 0 ? evs[0].events : 0);

	len = sizeof(sin);
	memset(&sin, 0, sizeof(sin));
	s = accept4(l, (struct sockaddr *)&sin, &len, SOCK_NONBLOCK);
	tap_ok(s >= 0 && len == sizeof(sin) && sin.sin_family == AF_INET &&
	       sin.sin_addr.s_addr == inet_addr(ADDR_A) &&
	       ntohs(sin.sin_port) == sock_port(c, 0),
	       "accept4 gives the client's address " ADDR_A ":%d (%s, %s:%d)",
	       sock_port(c, 0), s < 0 ? errname(errno) : "ok",
	       inet_ntoa(sin.sin_addr), ntohs(sin.sin_port));
	tap_ok(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK),
	       "accept4(SOCK_NONBLOCK) makes a non-blocking socket");
	tap_ok(s >= 0 && sock_get_int(s, SOL_SOCKET, SO_ACCEPTCONN) == 0,
	       "the accepted socket has SO_ACCEPTCONN 0");
	tap_ok(poll1(l, POLLIN, 0) == 0, "after accept the listener is not readable");
	r = epoll_wait(ep, evs, 2, 0);
	tap_ok(r == 0, "... nor by epoll (%d)", r);
	close(ep);

	EXPECT_ERR(do_connect(l, ADDR_B, PORT_LST), EISCONN,
		   "connect on a listener");
	EXPECT_ERR(listen(c, 4), EINVAL, "listen on a connected socket");
	EXPECT_ERR(listen(s, 4), EINVAL, "listen on an accepted socket");

	/* shutdown() of a listener stops it: accept then fails. */
	EXPECT_OK(shutdown(l, SHUT_RDWR), "shutdown(SHUT_RDWR) of a listener");
	EXPECT_ERR(accept(l, NULL, NULL), EINVAL, "accept after that");
	netns_enter(ns_a);
	a = xsocket();
	EXPECT_ERR(do_connect(a, ADDR_B, 5010), ECONNREFUSED,
		   "connect to the shut-down listener's port");
	close(a);
	close(s);
	close(c);
	close(l);
}

static void test_connect(void)
{
	struct sockaddr_in sin;
	socklen_t len;
	int c, s, r;

	netns_enter(ns_a);
	c = xsocket();
	EXPECT_ERR(do_connect(c, ADDR_B, PORT_CLOSED), ECONNREFUSED,
		   "connect to a closed port");
	tap_ok(sock_get_int(c, SOL_SOCKET, SO_ERROR) == 0,
	       "SO_ERROR is 0 after connect returned the error");
	EXPECT_OK(do_connect(c, ADDR_B, PORT_LST),
		  "the refused socket connects again, to a listener");
	s = accept(lst, NULL, NULL);
	tap_ok(s >= 0, "... which accepts it (%s)", s < 0 ? errname(errno) : "ok");
	EXPECT_ERR(do_connect(c, ADDR_B, PORT_LST), EISCONN, "a second connect");
	EXPECT_ERR(do_connect(c, ADDR_B, 5001), EISCONN,
		   "a second connect elsewhere");
	len = sizeof(sin);
	memset(&sin, 0, sizeof(sin));
	r = getpeername(c, (struct sockaddr *)&sin, &len);
	tap_ok(!r && len == sizeof(sin) && sin.sin_family == AF_INET &&
	       sin.sin_addr.s_addr == inet_addr(ADDR_B) &&
	       ntohs(sin.sin_port) == PORT_LST,
	       "getpeername: " ADDR_B ":%d (%s)", PORT_LST,
	       r ? errname(errno) : "ok");
	len = sizeof(sin);
	memset(&sin, 0, sizeof(sin));
	r = getsockname(c, (struct sockaddr *)&sin, &len);
	tap_ok(!r && sin.sin_addr.s_addr == inet_addr(ADDR_A) && sin.sin_port,
	       "getsockname after connect: " ADDR_A ":%d (%s)",
	       ntohs(sin.sin_port), r ? errname(errno) : "ok");
	tap_ok(s >= 0 && sock_port(s, 1) == ntohs(sin.sin_port) &&
	       sock_port(s, 0) == PORT_LST,
	       "the accepted socket's names mirror them");
	EXPECT_ERR(do_bind(c, ADDR_A, 0), EINVAL, "bind after connect");
	close(c);
	if (s >= 0)
		close(s);

	c = xsocket();
	sin = sin_of(ADDR_B, PORT_LST);
	EXPECT_ERR(connect(c, (struct sockaddr *)&sin, sizeof(sin) - 1), EINVAL,
		   "connect with addrlen 15");
	sin.sin_family = AF_INET6;
	EXPECT_ERR(connect(c, (struct sockaddr *)&sin, sizeof(sin)), EAFNOSUPPORT,
		   "connect with sin_family AF_INET6");
	EXPECT_ERR(do_connect(c, ADDR_UNROUTED, 80), ENETUNREACH,
		   "connect to an address without a route");
	close(c);

	/* Non-blocking, to a listener. */
	c = xsocket();
	sock_set_nonblock(c, 1);
	EXPECT_ERR(do_connect(c, ADDR_B, PORT_LST), EINPROGRESS,
		   "non-blocking connect");
	r = poll1(c, POLLOUT, WAIT_MS);
	tap_ok(r == POLLOUT, "... then the socket polls writable (%#x)", r);
	tap_ok(sock_get_int(c, SOL_SOCKET, SO_ERROR) == 0, "... and SO_ERROR is 0");
	EXPECT_OK(do_connect(c, ADDR_B, PORT_LST),
		  "connect again once established reports success");
	EXPECT_ERR(do_connect(c, ADDR_B, PORT_LST), EISCONN,
		   "connect a third time");
	s = accept(lst, NULL, NULL);
	if (s >= 0)
		close(s);
	close(c);

	/* Non-blocking, to a closed port. */
	c = xsocket();
	sock_set_nonblock(c, 1);
	EXPECT_ERR(do_connect(c, ADDR_B, PORT_CLOSED), EINPROGRESS,
		   "non-blocking connect to a closed port");
	r = poll1(c, POLLOUT, WAIT_MS);
	tap_ok(r > 0 && (r & POLLOUT) && (r & POLLERR) && (r & POLLHUP),
	       "... polls POLLOUT|POLLERR|POLLHUP (%#x)", r);
	r = sock_get_int(c, SOL_SOCKET, SO_ERROR);
	tap_ok(r == ECONNREFUSED, "... SO_ERROR is ECONNREFUSED (%s)",
	       r < 0 ? errname(-r) : errname(r));
	r = sock_get_int(c, SOL_SOCKET, SO_ERROR);
	tap_ok(r == 0, "... reading SO_ERROR cleared it (%d)", r);
	close(c);

	/* Into the black hole: still connecting. */
	c = xsocket();
	sock_set_nonblock(c, 1);
	EXPECT_ERR(do_connect(c, ADDR_HOLE, 80), EINPROGRESS,
		   "non-blocking connect into a black hole");
	EXPECT_ERR(do_connect(c, ADDR_HOLE, 80), EALREADY,
		   "a second non-blocking connect while in progress");
	tap_ok(poll1(c, POLLOUT | POLLIN, 0) == 0,
	       "a connecting socket polls neither readable nor writable");
	EXPECT_ERR(send(c, "x", 1, MSG_NOSIGNAL), EAGAIN,
		   "non-blocking send while connecting");
	EXPECT_ERR(getpeername(c, (struct sockaddr *)&sin, &len), ENOTCONN,
		   "getpeername while connecting");
	close(c);

	c = xsocket();
	set_timeo(c, SO_SNDTIMEO, 300);
	EXPECT_ERR(do_connect(c, ADDR_HOLE, 80), EINPROGRESS,
		   "blocking connect into a black hole, SO_SNDTIMEO expires");
	EXPECT_ERR(do_connect(c, ADDR_HOLE, 80), EALREADY, "... connect again");
	close(c);

	/* SYN and one retransmission: ETIMEDOUT after 1 s + 2 s. */
	sysctl_set(sysctl_syn_retries, "1", "A");
	c = xsocket();
	set_timeo(c, SO_SNDTIMEO, 2 * WAIT_MS);
	EXPECT_ERR(do_connect(c, ADDR_HOLE, 80), ETIMEDOUT,
		   "blocking connect into a black hole, syn_retries 1");
	tap_ok(sock_get_int(c, SOL_SOCKET, SO_ERROR) == 0,
	       "... SO_ERROR is 0 after it");
	close(c);
}

static void test_data(void)
{
	unsigned char buf[4096], want[4096];
	char a[3] = "abc", b[5] = "defgh", d[2] = "ij", r1[4], r2[6];
	struct iovec siov[3] = { { a, 3 }, { b, 5 }, { d, 2 } };
	struct iovec riov[2] = { { r1, 4 }, { r2, 6 } };
	struct msghdr msg = { 0 };
	struct sockaddr_in name;
	struct timeval tv;
	socklen_t len;
	pid_t pid;
	long n;
	int c, s, status;

	pair(&c, &s);
	n = write(c, "hello", 5);
	tap_ok(n == 5, "write 5 bytes (%ld)", n);
	memset(buf, 0, sizeof(buf));
	n = read(s, buf, sizeof(buf));
	tap_ok(n == 5 && !memcmp(buf, "hello", 5), "read them back (%ld)", n);
	n = send(c, "world", 5, 0);
	tap_ok(n == 5, "send 5 bytes (%ld)", n);
	n = recv(s, buf, sizeof(buf), 0);
	tap_ok(n == 5 && !memcmp(buf, "world", 5), "recv them back (%ld)", n);

	msg.msg_iov = siov;
	msg.msg_iovlen = 3;
	n = sendmsg(c, &msg, 0);
	tap_ok(n == 10, "sendmsg of 3 iovecs sends 10 bytes (%ld)", n);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = riov;
	msg.msg_iovlen = 2;
	msg.msg_name = &name;
	msg.msg_namelen = sizeof(name);
	n = recvmsg(s, &msg, MSG_WAITALL);
	tap_ok(n == 10 && !memcmp(r1, "abcd", 4) && !memcmp(r2, "efghij", 6),
	       "recvmsg scatters them over 2 iovecs in order (%ld)", n);
	tap_ok(msg.msg_flags == 0, "... msg_flags 0 (%#x)", msg.msg_flags);
	tap_ok(msg.msg_namelen == 0, "... msg_namelen 0 (%u)", msg.msg_namelen);

	n = send(c, "peek!", 5, 0);
	wait_inq(s, 5, WAIT_MS);
	n = recv(s, buf, sizeof(buf), MSG_PEEK);
	tap_ok(n == 5 && !memcmp(buf, "peek!", 5), "MSG_PEEK sees 5 bytes (%ld)", n);
	tap_ok(sock_inq(s) == 5, "... and leaves them queued (SIOCINQ %d)", sock_inq(s));
	memset(buf, 0, 5);
	n = recv(s, buf, sizeof(buf), 0);
	tap_ok(n == 5 && !memcmp(buf, "peek!", 5), "recv then reads the same (%ld)", n);
	EXPECT_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN,
		   "recv(MSG_DONTWAIT) with nothing queued");
	EXPECT_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK), EAGAIN,
		   "recv(MSG_DONTWAIT|MSG_PEEK) with nothing queued");
	EXPECT_OK(send(c, "x", 1, MSG_DONTWAIT), "send(MSG_DONTWAIT) with room");
	recv(s, buf, 1, 0);

	/* MSG_WAITALL waits for the second half, sent 100 ms later. */
	fill(want, 200, 0);
	send(c, want, 100, 0);
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (!pid) {
		usleep(100000);
		_exit(send(c, want + 100, 100, 0) == 100 ? 0 : 1);
	}
	n = recv(s, buf, 200, MSG_WAITALL);
	tap_ok(n == 200 && !memcmp(buf, want, 200),
	       "recv(MSG_WAITALL) returns all 200 bytes sent in two parts (%ld)", n);
	waitpid(pid, &status, 0);

	fill(want, 1000, 3);
	send(c, want, 1000, 0);
	n = wait_inq(s, 1000, WAIT_MS);
	tap_ok(n == 1000, "SIOCINQ counts 1000 bytes queued (%ld)", n);
	n = wait_outq_empty(c, WAIT_MS);
	tap_ok(n == 0, "SIOCOUTQ of the sender drops to 0 once acknowledged (%ld)", n);
	n = recv(s, buf, 1000, MSG_WAITALL);
	tap_ok(n == 1000 && !memcmp(buf, want, 1000), "the 1000 bytes read back (%ld)", n);
	tap_ok(sock_inq(s) == 0, "SIOCINQ is 0 after reading (%d)", sock_inq(s));

	set_timeo(s, SO_RCVTIMEO, 200);
	len = sizeof(tv);
	memset(&tv, 0, sizeof(tv));
	getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
	tap_ok(len == sizeof(tv) && tv.tv_sec == 0 && tv.tv_usec == 200000,
	       "SO_RCVTIMEO reads back 0.2 s (%ld.%06ld)", (long)tv.tv_sec,
	       (long)tv.tv_usec);
	EXPECT_ERR(recv(s, buf, sizeof(buf), 0), EAGAIN,
		   "blocking recv when SO_RCVTIMEO expires");
	tv.tv_sec = 0;
	tv.tv_usec = 1000000;
	EXPECT_ERR(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM,
		   "SO_RCVTIMEO with tv_usec 1000000");
	close(c);
	close(s);
}

/*
 * A reader and a blocked MSG_PEEK|MSG_WAITALL share a socket.  The first
 * 100 bytes arrive and wake both; when the reader takes them before the
 * peek looks, the peek's place is gone: it must go on from what is left
 * (as TCP's "race in MSG_PEEK"), not wait for it for ever.  The next 300
 * bytes then end the peek: all from them, or, when the peek saw the first
 * 100 before the reader took them, those and 200.  Each round's order is
 * the scheduler's; every round must end with 300 bytes.
 */
static void test_peek_race(void)
{
	unsigned char a[100], b[300], buf[300];
	int rounds = 10, late = 0, early = 0, bad = 0;
	int i, c, s, status;
	pid_t reader, peeker;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	for (i = 0; i < rounds; i++) {
		pair(&c, &s);
		set_timeo(s, SO_RCVTIMEO, 5000);
		reader = fork();
		if (reader < 0)
			tap_bail("fork: %s", strerror(errno));
		if (!reader)
			_exit(recv(s, buf, sizeof(a), MSG_WAITALL) ==
			      sizeof(a) ? 0 : 1);
		peeker = fork();
		if (peeker < 0)
			tap_bail("fork: %s", strerror(errno));
		if (!peeker) {
			ssize_t n = recv(s, buf, sizeof(buf),
					 MSG_PEEK | MSG_WAITALL);

			if (n != sizeof(buf))
				_exit(3);
			if (!memcmp(buf, b, sizeof(b)))
				_exit(0);
			_exit(!memcmp(buf, a, sizeof(a)) &&
			      !memcmp(buf + sizeof(a), b, 200) ? 1 : 2);
		}
		/* Both wait in recv() before the data comes. */
		usleep(50000);
		send(c, a, sizeof(a), 0);
		waitpid(reader, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
		send(c, b, sizeof(b), 0);
		waitpid(peeker, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			late++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
			early++;
		else
			bad++;
		close(c);
		close(s);
	}
	tap_ok(!bad && late + early == rounds,
	       "a peek racing a reader ends with 300 bytes every round (%d rounds: %d after the reader, %d before it, %d wrong or stuck)",
	       rounds, late, early, bad);
}

/* XTCP_INFO (xtcp mode), then TCP_INFO (both) of an established connection. */
static void test_info(void)
{
	unsigned char buf[2000];
	struct tcp_info ti;
	socklen_t len;
	int c, s, r, sent = 0, rcvd = 0;

	pair(&c, &s);
	fill(buf, sizeof(buf), 0);
	sent += send(c, buf, 1234, 0);
	sent += send(c, buf, 1500, 0);
	rcvd += send(s, buf, 77, 0);
	wait_inq(s, sent, WAIT_MS);
	wait_inq(c, rcvd, WAIT_MS);
	wait_outq_empty(c, WAIT_MS);
	wait_outq_empty(s, WAIT_MS);

	if (xtcp_mode) {
		struct xtcp_info xi;

		memset(&xi, 0xee, sizeof(xi));
		len = sizeof(xi);
		r = getsockopt(c, SOL_XTCP, XTCP_INFO, &xi, &len);
		if (!tap_ok(!r, "getsockopt(SOL_XTCP, XTCP_INFO) (%s)",
			    r ? errname(errno) : "ok"))
			goto out;
		tap_ok(len == sizeof(xi), "... optlen %zu (%u)", sizeof(xi), len);
		tap_ok(xi.xtcpi_state == 1, "... xtcpi_state 1, established (%u)",
		       xi.xtcpi_state);
		tap_ok(xi.xtcpi_snd_nxt - xi.xtcpi_iss == 1u + sent,
		       "... snd_nxt - iss == 1 + %d bytes sent (%u)", sent,
		       xi.xtcpi_snd_nxt - xi.xtcpi_iss);
		tap_ok(xi.xtcpi_snd_una == xi.xtcpi_snd_nxt,
		       "... snd_una == snd_nxt once acknowledged");
		tap_ok(xi.xtcpi_rcv_nxt - xi.xtcpi_irs == 1u + rcvd,
		       "... rcv_nxt - irs == 1 + %d bytes received (%u)", rcvd,
		       xi.xtcpi_rcv_nxt - xi.xtcpi_irs);
		/* 1500 - 40, less 12 for the timestamps (RFC 6691). */
		tap_ok(xi.xtcpi_options & XTCPI_OPT_TIMESTAMPS ?
		       xi.xtcpi_snd_mss == 1448 : xi.xtcpi_snd_mss == 1460,
		       "... snd_mss 1448 with timestamps, else 1460 (%u, options %#x)",
		       xi.xtcpi_snd_mss, xi.xtcpi_options);
		tap_ok(xi.xtcpi_bytes_acked == (unsigned int)sent &&
		       xi.xtcpi_bytes_received == (unsigned int)rcvd,
		       "... bytes_acked %d, bytes_received %d (%llu, %llu)",
		       sent, rcvd, (unsigned long long)xi.xtcpi_bytes_acked,
		       (unsigned long long)xi.xtcpi_bytes_received);
		memset(&xi, 0xee, sizeof(xi));
		len = sizeof(xi);
		r = getsockopt(s, SOL_XTCP, XTCP_INFO, &xi, &len);
		tap_ok(!r && xi.xtcpi_iss - xi.xtcpi_irs != 0 &&
		       xi.xtcpi_rcv_nxt - xi.xtcpi_irs == 1u + sent &&
		       xi.xtcpi_snd_nxt - xi.xtcpi_iss == 1u + rcvd,
		       "the accepted side's XTCP_INFO mirrors the counts (%s)",
		       r ? errname(errno) : "ok");
	}

	/*
	 * TCP_INFO, which XTCP answers too, filled as Linux TCP fills it:
	 * what programs written for TCP read (iperf3: retransmissions, RTT).
	 */
	memset(&ti, 0xee, sizeof(ti));
	len = sizeof(ti);
	r = getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &len);
	if (!tap_ok(!r, "getsockopt(IPPROTO_TCP, TCP_INFO) (%s)",
		    r ? errname(errno) : "ok"))
		goto out;
	tap_ok(len == sizeof(ti), "... optlen %zu (%u)", sizeof(ti), len);
	tap_ok(ti.tcpi_state == 1 && ti.tcpi_ca_state == 0,
	       "... tcpi_state 1, established, tcpi_ca_state 0, open (%u, %u)",
	       ti.tcpi_state, ti.tcpi_ca_state);
	/* TCP's bytes_acked counts the SYN's sequence number too. */
	tap_ok(ti.tcpi_bytes_acked == 1u + sent &&
	       ti.tcpi_bytes_received == (unsigned int)rcvd,
	       "... bytes_acked 1 + %d, bytes_received %d (%llu, %llu)",
	       sent, rcvd, (unsigned long long)ti.tcpi_bytes_acked,
	       (unsigned long long)ti.tcpi_bytes_received);
	tap_ok(ti.tcpi_snd_mss <= 1460 && ti.tcpi_snd_mss >= 1400,
	       "... snd_mss at most 1460 (%u)", ti.tcpi_snd_mss);
	/* total_retrans only shown: a stalled guest may time out once. */
	tap_ok(ti.tcpi_rtt > 0 && ti.tcpi_rto >= ti.tcpi_rtt &&
	       ti.tcpi_snd_cwnd >= 2 && ti.tcpi_unacked == 0,
	       "... rtt %u us, rto %u us, cwnd %u, unacked %u (total_retrans %u)",
	       ti.tcpi_rtt, ti.tcpi_rto, ti.tcpi_snd_cwnd, ti.tcpi_unacked,
	       ti.tcpi_total_retrans);
	tap_ok((ti.tcpi_options & 7) == 7 && ti.tcpi_rcv_wscale > 0,
	       "... options: timestamps, SACK, window scaling (%#x, shifts %u/%u)",
	       ti.tcpi_options, ti.tcpi_snd_wscale, ti.tcpi_rcv_wscale);
	/* The accepted side's SYN-ACK is not counted: it starts past it. */
	len = sizeof(ti);
	r = getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len);
	tap_ok(!r && ti.tcpi_bytes_acked == (unsigned int)rcvd,
	       "the accepted side's TCP_INFO bytes_acked %d, no SYN in it (%llu)",
	       rcvd, (unsigned long long)ti.tcpi_bytes_acked);

	/* A short buffer gets a prefix and its length. */
	memset(buf, 0xee, sizeof(buf));
	len = 8;
	r = getsockopt(c, xtcp_mode ? SOL_XTCP : IPPROTO_TCP,
		       xtcp_mode ? XTCP_INFO : TCP_INFO, buf, &len);
	tap_ok(!r && len == 8 && buf[0] == 1 && buf[8] == 0xee,
	       "info with optlen 8: 8 bytes copied, state first (%s, %u)",
	       r ? errname(errno) : "ok", len);
	/*
	 * A long one gets the whole structure and its size: XTCP's is the
	 * header's; the running kernel's tcp_info may have grown past the
	 * one this was compiled with.
	 */
	len = sizeof(buf);
	r = getsockopt(c, xtcp_mode ? SOL_XTCP : IPPROTO_TCP,
		       xtcp_mode ? XTCP_INFO : TCP_INFO, buf, &len);
	tap_ok(!r && (xtcp_mode ? len == sizeof(struct xtcp_info) :
		      len >= sizeof(struct tcp_info) && len < sizeof(buf)),
	       "info with optlen %zu: optlen is the structure's size (%u)",
	       sizeof(buf), len);
out:
	close(c);
	close(s);
}

/* Nothing of @fd's in flight (sent and not acknowledged). */
static bool nothing_in_flight(int fd)
{
	struct conn_info in;

	return !conn_info_get(fd, !xtcp_mode, &in) && !in.packets_out;
}

/* Partial writes and full buffers: the peer does not read. */
static void test_full_buffers(void)
{
	unsigned char *big = malloc(BULK), *got = malloc(BULK);
	long n, first, total = 0, rd = 0, end;
	int c, s, i, r, e, good;

	if (!big || !got)
		tap_bail("malloc");
	fill(big, BULK, 0);

	/* Blocking, with SO_SNDTIMEO. */
	pair(&c, &s);
	set_timeo(c, SO_SNDTIMEO, 200);
	for (i = 0, n = 0; i < 1000 && n >= 0; i++)
		n = send(c, big, 65536, MSG_NOSIGNAL);
	point_err(n, errno, EAGAIN,
		  "blocking send into a full buffer when SO_SNDTIMEO expires");
	close(c);
	close(s);

	/* Non-blocking. */
	pair(&c, &s);
	sock_set_nonblock(c, 1);
	first = write(c, big, BULK);
	tap_ok(first > 0 && first < BULK,
	       "non-blocking write of %d bytes into an unread connection writes part (%ld)",
	       BULK, first);
	total = first > 0 ? first : 0;
	/*
	 * Full is EAGAIN with nothing in flight: no acknowledgment can come
	 * to free room then.  Until that, acknowledgments in flight may.
	 */
	end = now_ms() + WAIT_MS;
	for (;;) {
		n = total < BULK ? write(c, big + total, BULK - total) : 0;
		e = errno;
		if (n > 0) {
			total += n;
			continue;
		}
		if (n < 0 && e == EAGAIN && !nothing_in_flight(c) &&
		    now_ms() < end) {
			poll1(c, POLLOUT, 10);
			continue;
		}
		break;
	}
	point_err(n, e, EAGAIN, "then write fails (after %ld bytes)", total);
	r = poll1(c, POLLOUT, 0);
	tap_ok(r == 0, "a full socket does not poll writable (%#x)", r);
	r = sock_outq(c);
	tap_ok(r > 0, "SIOCOUTQ counts bytes not yet acknowledged (%d)", r);
	r = sock_inq(s);
	tap_ok(r > 0 && r < total, "the receiver's SIOCINQ holds part of it (%d)", r);

	/* Drain it all, the writer refilling as room appears. */
	sock_set_nonblock(s, 1);
	end = now_ms() + WAIT_MS;
	while (rd < BULK && now_ms() < end) {
		n = read(s, got + rd, BULK - rd);
		if (n > 0) {
			rd += n;
			end = now_ms() + WAIT_MS;	/* progress */
		} else if (n == 0) {
			break;
		}
		if (total < BULK) {
			n = write(c, big + total, BULK - total);
			if (n > 0)
				total += n;
		}
		if (n < 0)
			poll1(s, POLLIN, 10);
	}
	good = rd == BULK && !memcmp(got, big, BULK);
	tap_ok(good, "the reader then gets all %d bytes in order (%ld)", BULK, rd);
	close(c);
	close(s);
	free(big);
	free(got);
}

static void test_errors(void)
{
	struct sockaddr_in sin;
	struct linger lg;
	socklen_t len;
	char buf[64];
	int c, s, r, before;

	netns_enter(ns_a);
	c = xsocket();
	before = sigpipes;
	EXPECT_ERR(send(c, "x", 1, 0), EPIPE, "send on a never-connected socket");
	tap_ok(sigpipes == before + 1, "... raises SIGPIPE");
	before = sigpipes;
	EXPECT_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE,
		   "send(MSG_NOSIGNAL) on a never-connected socket");
	tap_ok(sigpipes == before, "... raises no SIGPIPE");
	EXPECT_ERR(write(c, "x", 1), EPIPE, "write on a never-connected socket");
	EXPECT_ERR(recv(c, buf, sizeof(buf), 0), ENOTCONN,
		   "recv on a never-connected socket");
	EXPECT_ERR(read(c, buf, sizeof(buf)), ENOTCONN,
		   "read on a never-connected socket");
	EXPECT_ERR(shutdown(c, SHUT_WR), ENOTCONN,
		   "shutdown on an unconnected socket");
	EXPECT_ERR(shutdown(c, 3), EINVAL, "shutdown with how 3");
	len = sizeof(sin);
	EXPECT_ERR(getpeername(c, (struct sockaddr *)&sin, &len), ENOTCONN,
		   "getpeername on an unconnected socket");
	do_bind(c, ADDR_A, 0);
	len = sizeof(sin);
	EXPECT_ERR(getpeername(c, (struct sockaddr *)&sin, &len), ENOTCONN,
		   "getpeername on a bound socket");
	close(c);

	/* Closing with unread data resets. */
	pair(&c, &s);
	send(c, "unread", 6, 0);
	wait_inq(s, 6, WAIT_MS);
	close(s);
	r = poll1(c, POLLIN, WAIT_MS);
	tap_ok(r > 0 && (r & POLLERR) && (r & POLLHUP),
	       "peer closed with unread data: POLLERR|POLLHUP (%#x)", r);
	EXPECT_ERR(recv(c, buf, sizeof(buf), 0), ECONNRESET,
		   "... and recv fails");
	r = recv(c, buf, sizeof(buf), 0);
	tap_ok(r == 0, "the next recv reads EOF (%d, %s)", r,
	       r < 0 ? errname(errno) : "ok");
	before = sigpipes;
	EXPECT_ERR(send(c, "x", 1, 0), EPIPE, "send after the reset");
	tap_ok(sigpipes == before + 1, "... raises SIGPIPE");
	before = sigpipes;
	EXPECT_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE,
		   "send(MSG_NOSIGNAL) after the reset");
	tap_ok(sigpipes == before, "... raises no SIGPIPE");
	EXPECT_ERR(write(c, "x", 1), EPIPE, "write after the reset");
	close(c);

	/* SO_LINGER {1, 0}: close aborts. */
	pair(&c, &s);
	lg.l_onoff = 1;
	lg.l_linger = 0;
	EXPECT_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)),
		  "SO_LINGER {1, 0}");
	close(s);
	/* Writable all along: wait for the reset's POLLERR, then look. */
	poll1(c, 0, WAIT_MS);
	r = poll1(c, POLLOUT, 0);
	tap_ok(r > 0 && (r & POLLERR) && (r & POLLHUP),
	       "peer closed with SO_LINGER {1, 0}: POLLERR|POLLHUP (%#x)", r);
	before = sigpipes;
	EXPECT_ERR(send(c, "x", 1, 0), ECONNRESET,
		   "the first send reports the reset");
	tap_ok(sigpipes == before, "... without SIGPIPE");
	EXPECT_ERR(send(c, "x", 1, 0), EPIPE, "the next send");
	tap_ok(sigpipes == before + 1, "... raises SIGPIPE");
	close(c);

	pair(&c, &s);
	lg.l_onoff = 1;
	lg.l_linger = 0;
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	EXPECT_ERR(recv(s, buf, sizeof(buf), 0), ECONNRESET,
		   "recv after the peer's SO_LINGER {1, 0} close");
	close(s);

	/* shutdown(SHUT_WR): a half-close. */
	pair(&c, &s);
	EXPECT_OK(shutdown(c, SHUT_WR), "shutdown(SHUT_WR)");
	r = recv(s, buf, sizeof(buf), 0);
	tap_ok(r == 0, "the peer reads EOF (%d, %s)", r, r < 0 ? errname(errno) : "ok");
	r = poll1(s, POLLIN | POLLRDHUP, 0);
	tap_ok(r == (POLLIN | POLLRDHUP), "... and polls POLLIN|POLLRDHUP (%#x)", r);
	r = send(s, "back", 4, 0);
	tap_ok(r == 4, "the peer still sends (%d)", r);
	memset(buf, 0, sizeof(buf));
	r = recv(c, buf, sizeof(buf), 0);
	tap_ok(r == 4 && !memcmp(buf, "back", 4),
	       "... and the half-closed side receives it (%d)", r);
	EXPECT_OK(shutdown(c, SHUT_WR), "shutdown(SHUT_WR) again");
	before = sigpipes;
	EXPECT_ERR(send(c, "x", 1, 0), EPIPE, "send after shutdown(SHUT_WR)");
	tap_ok(sigpipes == before + 1, "... raises SIGPIPE");
	close(c);
	close(s);

	/* shutdown(SHUT_RD): recv returns 0 at once. */
	pair(&c, &s);
	EXPECT_OK(shutdown(c, SHUT_RD), "shutdown(SHUT_RD)");
	r = recv(c, buf, sizeof(buf), 0);
	tap_ok(r == 0, "then recv returns 0 (%d, %s)", r, r < 0 ? errname(errno) : "ok");
	r = poll1(c, POLLIN | POLLRDHUP, 0);
	tap_ok(r & POLLIN, "... and the socket polls readable (%#x)", r);
	r = send(c, "still", 5, 0);
	tap_ok(r == 5, "it still sends (%d)", r);
	r = recv(s, buf, 5, MSG_WAITALL);
	tap_ok(r == 5 && !memcmp(buf, "still", 5), "... and the peer receives (%d)", r);
	close(c);
	close(s);
}

/*
 * TCP_CONGESTION: the algorithm's name, 16 bytes at most as TCP gives
 * it; "reno" is taken (XTCP's own, built into every Linux), a name that
 * exists nowhere fails with ENOENT, an empty one with EINVAL.
 */
static void test_congestion(void)
{
	char name[32];
	socklen_t len;
	int f, r;

	netns_enter(ns_a);
	f = xsocket();
	memset(name, 0xee, sizeof(name));
	len = sizeof(name);
	r = getsockopt(f, IPPROTO_TCP, TCP_CONGESTION, name, &len);
	tap_ok(!r && len == 16 && memchr(name, 0, len) && name[0] &&
	       (!xtcp_mode || !strcmp(name, "reno")),
	       "TCP_CONGESTION reads a name of 16 bytes%s (%s, %u, \"%.16s\")",
	       xtcp_mode ? ", \"reno\"" : "", r ? errname(errno) : "ok",
	       len, r ? "" : name);
	EXPECT_OK(setsockopt(f, IPPROTO_TCP, TCP_CONGESTION, "reno", 4),
		  "TCP_CONGESTION set to \"reno\"");
	len = sizeof(name);
	r = getsockopt(f, IPPROTO_TCP, TCP_CONGESTION, name, &len);
	tap_ok(!r && !strcmp(name, "reno"), "... and reads \"reno\" (%.16s)",
	       r ? errname(errno) : name);
	len = 2;
	r = getsockopt(f, IPPROTO_TCP, TCP_CONGESTION, name, &len);
	tap_ok(!r && len == 2 && !memcmp(name, "re", 2),
	       "... with optlen 2, its first 2 bytes (%u)", len);
	EXPECT_ERR(setsockopt(f, IPPROTO_TCP, TCP_CONGESTION, "no-such-cc", 10),
		   ENOENT, "TCP_CONGESTION set to a name nothing has");
	EXPECT_ERR(setsockopt(f, IPPROTO_TCP, TCP_CONGESTION, "reno", 0),
		   EINVAL, "TCP_CONGESTION with optlen 0");
	close(f);
}

/* TCP_SYNCNT: the socket's own SYN retries, over the namespace's. */
static void test_syncnt(void)
{
	int c, r;

	netns_enter(ns_a);
	sysctl_set(sysctl_syn_retries, "6", "A");
	c = xsocket();
	r = sock_get_int(c, IPPROTO_TCP, TCP_SYNCNT);
	tap_ok(r == 6, "TCP_SYNCNT reads syn_retries, 6, until set (%d)", r);
	EXPECT_ERR(sock_set_int(c, IPPROTO_TCP, TCP_SYNCNT, 0), EINVAL,
		   "TCP_SYNCNT 0");
	EXPECT_ERR(sock_set_int(c, IPPROTO_TCP, TCP_SYNCNT, 128), EINVAL,
		   "TCP_SYNCNT 128");
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_SYNCNT, 127),
		  "TCP_SYNCNT 127");
	r = sock_get_int(c, IPPROTO_TCP, TCP_SYNCNT);
	tap_ok(r == 127, "... reads 127 (%d)", r);

	/*
	 * With 6 retries the SYNs would go on for 127 s, past SO_SNDTIMEO's
	 * 60 s (EINPROGRESS); with 1 the connect gives up after 1 s + 2 s.
	 */
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_SYNCNT, 1), "TCP_SYNCNT 1");
	set_timeo(c, SO_SNDTIMEO, 2 * WAIT_MS);
	EXPECT_ERR(do_connect(c, ADDR_HOLE, 80), ETIMEDOUT,
		   "blocking connect into a black hole, TCP_SYNCNT 1 over syn_retries 6");
	close(c);
}

/* Until @port's connection in A is in @state (-1: gone); the last seen. */
static int wait_proc_state(int port, int state)
{
	int st = -2;

	netns_enter(ns_a);
	WAIT_UNTIL((st = proc_state(port)) == state, WAIT_MS);
	return st;
}

/*
 * TCP_LINGER2: how long an orphan waits in FIN_WAIT2 for the peer's FIN,
 * net.*.fin_timeout until set; below 0 close() resets instead.
 */
static void test_linger2(void)
{
	int c, s, c2, s2, r, fin, st, st2, p, p2;

	netns_enter(ns_a);
	fin = sysctl_read(xtcp_mode ? "net/xtcp/fin_timeout" :
			  "net/ipv4/tcp_fin_timeout");
	c = xsocket();
	r = sock_get_int(c, IPPROTO_TCP, TCP_LINGER2);
	tap_ok(r == fin, "TCP_LINGER2 reads fin_timeout, %d, until set (%d)",
	       fin, r);
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_LINGER2, 1000),
		  "TCP_LINGER2 1000");
	r = sock_get_int(c, IPPROTO_TCP, TCP_LINGER2);
	tap_ok(r == 120, "... reads the maximum, 120 (%d)", r);
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_LINGER2, -5),
		  "TCP_LINGER2 -5");
	r = sock_get_int(c, IPPROTO_TCP, TCP_LINGER2);
	tap_ok(r == -1, "... reads -1 (%d)", r);
	sock_set_int(c, IPPROTO_TCP, TCP_LINGER2, 0);
	r = sock_get_int(c, IPPROTO_TCP, TCP_LINGER2);
	tap_ok(r == fin, "TCP_LINGER2 0 reads fin_timeout again (%d)", r);
	EXPECT_ERR(setsockopt(c, IPPROTO_TCP, TCP_LINGER2, &r, 2), EINVAL,
		   "TCP_LINGER2 with optlen 2");
	close(c);

	/* Below 0: closed in FIN_WAIT2, the connection is reset. */
	pair(&c, &s);
	p = sock_port(c, 0);
	sock_set_int(c, IPPROTO_TCP, TCP_LINGER2, -1);
	shutdown(c, SHUT_WR);
	st = wait_proc_state(p, ST_FIN_WAIT2);
	close(c);
	/* The peer, in CLOSE_WAIT, takes the reset as EPIPE (tcp_reset()). */
	r = 0;
	WAIT_UNTIL((r = sock_get_int(s, SOL_SOCKET, SO_ERROR)) != 0, WAIT_MS);
	tap_ok(st == ST_FIN_WAIT2 && r == EPIPE,
	       "TCP_LINGER2 -1: closed in FIN_WAIT2 (%02X), the peer is reset: EPIPE (%s)",
	       st, r < 0 ? errname(-r) : errname(r));
	close(s);

	/* Above 0: that orphan leaves FIN_WAIT2, one on fin_timeout stays. */
	pair(&c, &s);
	pair(&c2, &s2);
	p = sock_port(c, 0);
	p2 = sock_port(c2, 0);
	sock_set_int(c, IPPROTO_TCP, TCP_LINGER2, 1);
	shutdown(c, SHUT_WR);
	shutdown(c2, SHUT_WR);
	st = wait_proc_state(p, ST_FIN_WAIT2);
	st2 = wait_proc_state(p2, ST_FIN_WAIT2);
	close(c);
	close(c2);
	tap_ok(st == ST_FIN_WAIT2 && st2 == ST_FIN_WAIT2,
	       "two orphans in FIN_WAIT2 (%02X, %02X)", st, st2);
	st = wait_proc_state(p, -1);
	st2 = proc_state(p2);
	tap_ok(st == -1 && st2 == ST_FIN_WAIT2 && fin > 5,
	       "the one with TCP_LINGER2 1 is gone (%d), the one on fin_timeout %d s still waits (%02X)",
	       st, fin, st2);
	close(s);
	close(s2);
}

/* TCP_INFO's @fd, bailing out on an error. */
static void tcp_info_must(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len))
		tap_bail("TCP_INFO: %s", errname(errno));
}

#define CLAMP		16384		/* TCP_WINDOW_CLAMP of the test */

/*
 * TCP_WINDOW_CLAMP: the most a socket's window offers, and the scale
 * chosen for it; 0 (no clamp) only before a connection.
 */
static void test_window_clamp(void)
{
	static char buf[65536];
	unsigned int wnd = 0;
	struct tcp_info ti;
	int f, t, c, s, r, min, i;

	netns_enter(ns_a);
	f = xsocket();
	r = sock_get_int(f, IPPROTO_TCP, TCP_WINDOW_CLAMP);
	tap_ok(r == 0, "TCP_WINDOW_CLAMP starts 0 (%d)", r);
	t = socket(AF_INET, SOCK_STREAM, 0);
	sock_set_int(t, IPPROTO_TCP, TCP_WINDOW_CLAMP, 1);
	EXPECT_OK(sock_set_int(f, IPPROTO_TCP, TCP_WINDOW_CLAMP, 1),
		  "TCP_WINDOW_CLAMP 1");
	min = sock_get_int(t, IPPROTO_TCP, TCP_WINDOW_CLAMP);
	r = sock_get_int(f, IPPROTO_TCP, TCP_WINDOW_CLAMP);
	tap_ok(r == min && min > 1, "... reads TCP's least, %d (%d)", min, r);
	close(t);
	EXPECT_OK(sock_set_int(f, IPPROTO_TCP, TCP_WINDOW_CLAMP, 0),
		  "TCP_WINDOW_CLAMP 0 before a connection");
	r = sock_get_int(f, IPPROTO_TCP, TCP_WINDOW_CLAMP);
	tap_ok(r == 0, "... reads 0 (%d)", r);
	close(f);

	/* Clamped before connecting: scale 0, and B's window never above. */
	c = xsocket();
	sock_set_int(c, IPPROTO_TCP, TCP_WINDOW_CLAMP, CLAMP);
	if (do_connect(c, ADDR_B, PORT_LST))
		tap_bail("connect: %s", errname(errno));
	s = accept(lst, NULL, NULL);
	if (s < 0)
		tap_bail("accept: %s", errname(errno));
	r = sock_get_int(c, IPPROTO_TCP, TCP_WINDOW_CLAMP);
	tap_ok(r == CLAMP, "connected, TCP_WINDOW_CLAMP reads %d (%d)", CLAMP, r);
	EXPECT_ERR(sock_set_int(c, IPPROTO_TCP, TCP_WINDOW_CLAMP, 0), EINVAL,
		   "TCP_WINDOW_CLAMP 0 once connected");
	tcp_info_must(c, &ti);
	tap_ok(ti.tcpi_rcv_wscale == 0,
	       "clamped to %d, the window scale offered is 0 (%u)", CLAMP,
	       ti.tcpi_rcv_wscale);
	sock_set_nonblock(s, 1);
	memset(buf, 'w', sizeof(buf));
	for (i = 0; i < 64; i++) {
		if (send(s, buf, sizeof(buf), MSG_NOSIGNAL) < 0) {
			if (errno != EAGAIN)
				tap_bail("send: %s", errname(errno));
			usleep(10000);
		}
		tcp_info_must(s, &ti);
		if (ti.tcpi_snd_wnd > wnd)
			wnd = ti.tcpi_snd_wnd;
	}
	if (xtcp_mode)
		tap_ok(wnd > 0 && wnd <= CLAMP,
		       "while B sends to it, the largest window B saw is at most %d (%u)",
		       CLAMP, wnd);
	else
		tap_skip("while B sends to it, the largest window B saw is at most the clamp",
			 "6.12's tcp_measure_rcv_mss() resets a set clamp");
	close(c);
	close(s);
}

#define LOWAT		16384		/* TCP_NOTSENT_LOWAT of the test */

/*
 * TCP_NOTSENT_LOWAT: with the peer not reading, a writer stops once that
 * much waits unsent, long before its send buffer is full, and may write
 * again once the peer reads.
 */
static void test_notsent_lowat(void)
{
	static char buf[4096];
	struct tcp_info ti;
	long sent = 0, got = 0, n;
	int c, s, r, sb, i;
	char rb[65536];

	netns_enter(ns_a);
	c = xsocket();
	r = sock_get_int(c, IPPROTO_TCP, TCP_NOTSENT_LOWAT);
	tap_ok(r == 0, "TCP_NOTSENT_LOWAT starts 0 (%d)", r);
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_NOTSENT_LOWAT, LOWAT),
		  "TCP_NOTSENT_LOWAT %d", LOWAT);
	r = sock_get_int(c, IPPROTO_TCP, TCP_NOTSENT_LOWAT);
	tap_ok(r == LOWAT, "... reads %d (%d)", LOWAT, r);
	sock_set_int(c, SOL_SOCKET, SO_SNDBUFFORCE, 4 << 20);
	sb = sock_get_int(c, SOL_SOCKET, SO_SNDBUF);
	if (do_connect(c, ADDR_B, PORT_LST))
		tap_bail("connect: %s", errname(errno));
	s = accept(lst, NULL, NULL);
	if (s < 0)
		tap_bail("accept: %s", errname(errno));
	sock_set_nonblock(c, 1);
	memset(buf, 'n', sizeof(buf));
	/*
	 * Until the peer's window shuts, its ACKs let more out and the
	 * writer on: write until the window is 0 and poll() says no.
	 */
	for (i = 0; i < 1000; i++) {
		while (sent < sb && (n = send(c, buf, sizeof(buf),
					      MSG_NOSIGNAL)) > 0)
			sent += n;
		if (sent >= sb || errno != EAGAIN)
			tap_bail("send: %s", sent >= sb ? "no end" :
				 errname(errno));
		WAIT_UNTIL((tcp_info_must(c, &ti), !ti.tcpi_snd_wnd) ||
			   poll1(c, POLLOUT, 0) > 0, WAIT_MS);
		if (!ti.tcpi_snd_wnd && poll1(c, POLLOUT, 0) == 0)
			break;
	}
	tcp_info_must(c, &ti);
	/*
	 * send() stops at LOWAT unsent, give or take the last skb; what the
	 * window let out since leaves at least half of it, or poll() would
	 * have said POLLOUT.
	 */
	tap_ok(i < 1000 && ti.tcpi_notsent_bytes >= LOWAT / 2 &&
	       ti.tcpi_notsent_bytes < LOWAT + 65536 && sent < sb / 4,
	       "the peer not reading, send() says EAGAIN with %u bytes unsent (%d to %d), %ld sent of a %d-byte buffer",
	       ti.tcpi_notsent_bytes, LOWAT / 2, LOWAT + 65536, sent, sb);
	tap_ok(poll1(c, POLLOUT, 0) == 0, "... and poll() gives no POLLOUT");

	/* The peer reads all: the writer may go on. */
	sock_set_nonblock(s, 1);
	r = 0;
	WAIT_UNTIL(((n = recv(s, rb, sizeof(rb), 0)) > 0 ? (got += n) : 0,
		    (r = poll1(c, POLLOUT, 0)) > 0), WAIT_MS);
	tap_ok(r > 0 && (r & POLLOUT) && got > 0,
	       "once the peer reads (%ld bytes), POLLOUT (%#x)", got, r);
	close(c);
	close(s);
}

/*
 * TCP_DEFER_ACCEPT: seconds, kept as SYN-ACK timeouts (5 reads 7, the end
 * of the third, as in TCP; below 0 is 0).  A listener with it hands out a
 * connection only once data came: a client that sent nothing after its
 * ACK is not accept()ed; its first bytes make the connection, readable
 * at once.
 */
static void test_defer_accept(void)
{
	int l, c, s, r, p;
	char b[8];

	netns_enter(ns_b);
	l = xsocket();
	r = sock_get_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT);
	tap_ok(r == 0, "TCP_DEFER_ACCEPT starts 0 (%d)", r);
	EXPECT_OK(sock_set_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5),
		  "TCP_DEFER_ACCEPT 5");
	r = sock_get_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT);
	tap_ok(r == 7, "... reads 7, the end of the third SYN-ACK timeout (%d)",
	       r);
	EXPECT_OK(sock_set_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, -3),
		  "TCP_DEFER_ACCEPT -3");
	r = sock_get_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT);
	tap_ok(r == 0, "... reads 0 (%d)", r);
	sock_set_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 30);
	if (do_bind(l, ADDR_B, PORT_DEFER) || listen(l, 4))
		tap_bail("listener: %s", errname(errno));

	netns_enter(ns_a);
	c = xsocket();
	if (do_connect(c, ADDR_B, PORT_DEFER))
		tap_bail("connect: %s", errname(errno));
	p = sock_port(c, 0);
	r = wait_proc_state(p, ST_ESTABLISHED);
	tap_ok(r == ST_ESTABLISHED, "the client is ESTABLISHED (%d)", r);
	r = poll1(l, POLLIN, 500);
	tap_ok(r == 0,
	       "while it sends nothing, nothing to accept after 0.5 s (poll %#x)",
	       r);
	if (send(c, "hello", 5, MSG_NOSIGNAL) != 5)
		tap_bail("send: %s", errname(errno));
	r = poll1(l, POLLIN, WAIT_MS);
	s = r > 0 ? accept(l, NULL, NULL) : -1;
	tap_ok(s >= 0, "its first bytes make a connection to accept (%s)",
	       s < 0 ? errname(errno) : "ok");
	r = s >= 0 ? recv(s, b, sizeof(b), MSG_DONTWAIT) : -1;
	tap_ok(r == 5 && !memcmp(b, "hello", 5),
	       "... their 5 bytes readable at once (%d)", r);
	close(c);
	if (s >= 0)
		close(s);
	close(l);
}

/*
 * MSG_OOB: XTCP has no urgent data.  recv(MSG_OOB) fails with EINVAL, as
 * TCP's does when no urgent byte is pending; send(MSG_OOB), which TCP
 * sends as urgent data, is refused with EOPNOTSUPP (as MPTCP refuses it),
 * never sent as ordinary bytes.
 */
static void test_oob(void)
{
	int c, s, r;
	char b[8];

	pair(&c, &s);
	EXPECT_ERR(recv(s, b, sizeof(b), MSG_OOB | MSG_DONTWAIT), EINVAL,
		   "recv(MSG_OOB) with no urgent data");
	r = send(c, "u", 1, MSG_OOB | MSG_NOSIGNAL);
	if (xtcp_mode)
		tap_ok(r < 0 && errno == EOPNOTSUPP,
		       "send(MSG_OOB) refused with EOPNOTSUPP (%s)",
		       r < 0 ? errname(errno) : "sent");
	else
		tap_ok(r == 1, "send(MSG_OOB) sends the urgent byte (%d)", r);
	if (send(c, "x", 1, MSG_NOSIGNAL) != 1)
		tap_bail("send: %s", errname(errno));
	r = recv(s, b, sizeof(b), 0);
	tap_ok(r == 1 && b[0] == 'x',
	       "the stream holds the ordinary byte alone (%d, %c)", r,
	       r > 0 ? b[0] : '-');
	close(c);
	close(s);
}

/*
 * TCP_CORK holds a small write back; TCP_NODELAY set meanwhile sends it
 * at once, cork or not, as tcp(7) says.  Left corked, it goes anyway
 * after an RTO (200 ms at least; tcp(7): "a 200 millisecond ceiling").
 * SIOCOUTQ and SIOCOUTQNSD read 0 during the handshake: the SYN is no
 * byte.
 */
static void test_cork_nodelay(void)
{
	long t0, took;
	int c, s, r, q;
	char b[16];

	pair(&c, &s);
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_CORK, 1), "TCP_CORK 1");
	if (send(c, "0123456789", 10, MSG_NOSIGNAL) != 10)
		tap_bail("send: %s", errname(errno));
	q = -1;
	ioctl(c, SIOCOUTQNSD, &q);
	r = poll1(s, POLLIN, 100);
	tap_ok(q == 10 && r == 0,
	       "corked, 10 bytes stay unsent (SIOCOUTQNSD %d, poll %#x)", q, r);
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_NODELAY, 1),
		  "TCP_NODELAY 1 while corked");
	q = -1;
	ioctl(c, SIOCOUTQNSD, &q);
	tap_ok(q == 0, "... sends them at once (SIOCOUTQNSD %d)", q);
	r = poll1(s, POLLIN, WAIT_MS) > 0 ? recv(s, b, sizeof(b), 0) : -1;
	tap_ok(r == 10, "... and the peer reads them (%d)", r);
	close(c);
	close(s);

	pair(&c, &s);
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_CORK, 1), "TCP_CORK 1");
	t0 = now_ms();
	if (send(c, "0123456789", 10, MSG_NOSIGNAL) != 10)
		tap_bail("send: %s", errname(errno));
	r = poll1(s, POLLIN, WAIT_MS) > 0 ? recv(s, b, sizeof(b), 0) : -1;
	took = now_ms() - t0;
	tap_ok(r == 10 && took >= 150,
	       "corked and left so, 10 bytes arrive after the cork's ceiling (%d bytes after %ld ms)",
	       r, took);
	close(c);
	close(s);

	netns_enter(ns_a);
	c = xsocket();
	sock_set_nonblock(c, 1);
	EXPECT_ERR(do_connect(c, ADDR_HOLE, 80), EINPROGRESS,
		   "non-blocking connect into a black hole");
	q = r = -1;
	ioctl(c, SIOCOUTQ, &q);
	ioctl(c, SIOCOUTQNSD, &r);
	tap_ok(q == 0 && r == 0, "SIOCOUTQ and SIOCOUTQNSD in SYN_SENT: 0 (%d, %d)",
	       q, r);
	close(c);
}

/*
 * A socket filter that cuts the data off (classic BPF "ret #1": the
 * kernel keeps the header).  The segment is judged as what is left, as
 * TCP fills its control block after tcp_filter(): corked data and the
 * FIN leave in one segment, whose FIN then stands right after its (now
 * empty) data, so the reader meets EOF with nothing read.
 */
static void test_socket_filter(void)
{
	struct sock_filter code[] = { BPF_STMT(BPF_RET | BPF_K, 1) };
	struct sock_fprog prog = { .len = 1, .filter = code };
	struct linger lg = { 1, 0 };
	int c, s, r;
	char b[16];

	pair(&c, &s);
	EXPECT_OK(setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			     sizeof(prog)), "SO_ATTACH_FILTER \"ret #1\"");
	EXPECT_OK(sock_set_int(c, IPPROTO_TCP, TCP_CORK, 1), "TCP_CORK 1");
	if (send(c, "0123456789", 10, MSG_NOSIGNAL) != 10)
		tap_bail("send: %s", errname(errno));
	EXPECT_OK(shutdown(c, SHUT_WR), "shutdown(SHUT_WR): data and FIN");
	r = poll1(s, POLLIN, WAIT_MS) > 0 ? recv(s, b, sizeof(b), 0) : -2;
	tap_ok(r == 0, "the filter took the data: the FIN comes first (recv %d)",
	       r);
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	close(s);
}

/* Accept what @l has waiting, closing each; counted in *@n. */
static void accept_all(int l, int *n)
{
	int s;

	while ((s = accept(l, NULL, NULL)) >= 0) {
		close(s);
		(*n)++;
	}
}

/*
 * SO_REUSEPORT.  An AF_XTCP socket cannot set it: the socket layer keeps
 * it to the inet families (EOPNOTSUPP).  In the inet family, as in TCP:
 * two listeners of one owner share a port, a third socket without the
 * option may not bind it; connections spread over both (by the hash of
 * their 4-tuple: 32 all on one has a chance of 2^-31); once one listener
 * closes, the other takes every new one.
 */
static void test_reuseport(void)
{
	int l[2], x, c[40], i, r, n[2] = { 0, 0 };

	netns_enter(ns_b);
	x = xsocket();
	r = sock_set_int(x, SOL_SOCKET, SO_REUSEPORT, 1);
	if (family == AF_XTCP) {
		tap_ok(r < 0 && errno == EOPNOTSUPP,
		       "SO_REUSEPORT on an AF_XTCP socket: EOPNOTSUPP (%s)",
		       r < 0 ? errname(errno) : "ok");
		close(x);
		return;
	}
	close(x);
	for (i = 0; i < 2; i++) {
		l[i] = xsocket();
		r = sock_set_int(l[i], SOL_SOCKET, SO_REUSEPORT, 1) ||
		    do_bind(l[i], ADDR_B, PORT_RP) || listen(l[i], 64);
		tap_ok(!r, "listener %d with SO_REUSEPORT on port %d (%s)", i,
		       PORT_RP, r ? errname(errno) : "ok");
		sock_set_nonblock(l[i], 1);
	}
	x = xsocket();
	EXPECT_ERR(do_bind(x, ADDR_B, PORT_RP), EADDRINUSE,
		   "a third socket without SO_REUSEPORT binds the port");
	close(x);

	netns_enter(ns_a);
	for (i = 0; i < 32; i++) {
		c[i] = xsocket();
		if (do_connect(c[i], ADDR_B, PORT_RP))
			tap_bail("connect: %s", errname(errno));
	}
	WAIT_UNTIL((accept_all(l[0], &n[0]), accept_all(l[1], &n[1]),
		    n[0] + n[1] == 32), WAIT_MS);
	tap_ok(n[0] + n[1] == 32 && n[0] && n[1],
	       "32 connections spread over both listeners (%d and %d)",
	       n[0], n[1]);
	close(l[0]);
	n[1] = 0;
	for (i = 32; i < 40; i++) {
		c[i] = xsocket();
		if (do_connect(c[i], ADDR_B, PORT_RP))
			tap_bail("connect: %s", errname(errno));
	}
	WAIT_UNTIL((accept_all(l[1], &n[1]), n[1] == 8), WAIT_MS);
	tap_ok(n[1] == 8, "one listener closed, the other takes all 8 new ones (%d)",
	       n[1]);
	for (i = 0; i < 40; i++)
		close(c[i]);
	close(l[1]);
}

static void test_options(void)
{
	struct linger lg;
	socklen_t len;
	long wmax, rmax, wdef, rdef;
	int f, t, c, s, r, min, i;
	int levels[2] = { IPPROTO_TCP, SOL_XTCP };
	static const char *const level_name[2] = { "SOL_TCP", "SOL_XTCP" };

	netns_enter(ns_a);
	f = xsocket();
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_TYPE) == SOCK_STREAM,
	       "SO_TYPE is SOCK_STREAM (%d)", sock_get_int(f, SOL_SOCKET, SO_TYPE));
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_DOMAIN) == family,
	       "SO_DOMAIN is %d (%d)", family, sock_get_int(f, SOL_SOCKET, SO_DOMAIN));
	r = sock_get_int(f, SOL_SOCKET, SO_PROTOCOL);
	tap_ok(r == (xtcp_mode ? IPPROTO_XTCP : IPPROTO_TCP),
	       "SO_PROTOCOL is %d (%d)", xtcp_mode ? IPPROTO_XTCP : IPPROTO_TCP, r);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_ERROR) == 0, "SO_ERROR is 0");

	tap_ok(sock_get_int(f, SOL_SOCKET, SO_REUSEADDR) == 0, "SO_REUSEADDR starts 0");
	sock_set_int(f, SOL_SOCKET, SO_REUSEADDR, 5);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_REUSEADDR) == 1, "set to 5 it reads 1");
	sock_set_int(f, SOL_SOCKET, SO_REUSEADDR, 0);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_REUSEADDR) == 0, "set to 0 it reads 0");
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_KEEPALIVE) == 0, "SO_KEEPALIVE starts 0");
	EXPECT_OK(sock_set_int(f, SOL_SOCKET, SO_KEEPALIVE, 1), "set SO_KEEPALIVE");
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_KEEPALIVE) == 1, "SO_KEEPALIVE reads 1");
	sock_set_int(f, SOL_SOCKET, SO_KEEPALIVE, 0);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_KEEPALIVE) == 0, "SO_KEEPALIVE reads 0 again");
	EXPECT_ERR(setsockopt(f, SOL_SOCKET, SO_KEEPALIVE, &r, 2), EINVAL,
		   "SO_KEEPALIVE with optlen 2");

	len = sizeof(lg);
	memset(&lg, 0xff, sizeof(lg));
	r = getsockopt(f, SOL_SOCKET, SO_LINGER, &lg, &len);
	tap_ok(!r && len == sizeof(lg) && !lg.l_onoff && !lg.l_linger,
	       "SO_LINGER starts {0, 0}");
	lg.l_onoff = 1;
	lg.l_linger = 5;
	EXPECT_OK(setsockopt(f, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)),
		  "set SO_LINGER {1, 5}");
	memset(&lg, 0, sizeof(lg));
	len = sizeof(lg);
	r = getsockopt(f, SOL_SOCKET, SO_LINGER, &lg, &len);
	tap_ok(!r && lg.l_onoff == 1 && lg.l_linger == 5,
	       "SO_LINGER reads {1, 5} ({%d, %d})", lg.l_onoff, lg.l_linger);
	EXPECT_ERR(setsockopt(f, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg) - 1),
		   EINVAL, "SO_LINGER with a short optlen");

	/* A new socket's buffers: the defaults of its family's triples. */
	wdef = sysctl_read_nth(xtcp_mode ? "net/xtcp/wmem" : "net/ipv4/tcp_wmem", 1);
	rdef = sysctl_read_nth(xtcp_mode ? "net/xtcp/rmem" : "net/ipv4/tcp_rmem", 1);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_SNDBUF) == wdef,
	       "SO_SNDBUF starts at the wmem default %ld (%d)", wdef,
	       sock_get_int(f, SOL_SOCKET, SO_SNDBUF));
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_RCVBUF) == rdef,
	       "SO_RCVBUF starts at the rmem default %ld (%d)", rdef,
	       sock_get_int(f, SOL_SOCKET, SO_RCVBUF));

	/* Buffer sizes: Linux doubles the value asked, within bounds. */
	EXPECT_OK(sock_set_int(f, SOL_SOCKET, SO_SNDBUF, 65536), "SO_SNDBUF 65536");
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_SNDBUF) == 131072,
	       "SO_SNDBUF reads 131072 (%d)", sock_get_int(f, SOL_SOCKET, SO_SNDBUF));
	EXPECT_OK(sock_set_int(f, SOL_SOCKET, SO_RCVBUF, 65536), "SO_RCVBUF 65536");
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_RCVBUF) == 131072,
	       "SO_RCVBUF reads 131072 (%d)", sock_get_int(f, SOL_SOCKET, SO_RCVBUF));
	wmax = sysctl_read("net/core/wmem_max");
	rmax = sysctl_read("net/core/rmem_max");
	sock_set_int(f, SOL_SOCKET, SO_SNDBUF, 1 << 30);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_SNDBUF) == 2 * wmax,
	       "SO_SNDBUF 2^30 reads twice wmem_max %ld (%d)", wmax,
	       sock_get_int(f, SOL_SOCKET, SO_SNDBUF));
	sock_set_int(f, SOL_SOCKET, SO_RCVBUF, 1 << 30);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_RCVBUF) == 2 * rmax,
	       "SO_RCVBUF 2^30 reads twice rmem_max %ld (%d)", rmax,
	       sock_get_int(f, SOL_SOCKET, SO_RCVBUF));
	t = socket(AF_INET, SOCK_STREAM, 0);
	sock_set_int(t, SOL_SOCKET, SO_SNDBUF, 1);
	sock_set_int(f, SOL_SOCKET, SO_SNDBUF, 1);
	min = sock_get_int(t, SOL_SOCKET, SO_SNDBUF);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_SNDBUF) == min && min > 2,
	       "SO_SNDBUF 1 reads TCP's minimum %d (%d)", min,
	       sock_get_int(f, SOL_SOCKET, SO_SNDBUF));
	sock_set_int(t, SOL_SOCKET, SO_RCVBUF, 1);
	sock_set_int(f, SOL_SOCKET, SO_RCVBUF, 1);
	min = sock_get_int(t, SOL_SOCKET, SO_RCVBUF);
	tap_ok(sock_get_int(f, SOL_SOCKET, SO_RCVBUF) == min && min > 2,
	       "SO_RCVBUF 1 reads TCP's minimum %d (%d)", min,
	       sock_get_int(f, SOL_SOCKET, SO_RCVBUF));
	close(t);
	close(f);

	/* TCP_NODELAY and TCP_MAXSEG, at SOL_TCP (and SOL_XTCP for XTCP). */
	for (i = 0; i < (xtcp_mode ? 2 : 1); i++) {
		int lv = levels[i];
		const char *ln = level_name[i];

		f = xsocket();
		tap_ok(sock_get_int(f, lv, TCP_NODELAY) == 0, "%s TCP_NODELAY starts 0 (%d)",
		       ln, sock_get_int(f, lv, TCP_NODELAY));
		EXPECT_OK(sock_set_int(f, lv, TCP_NODELAY, 7), "%s set TCP_NODELAY 7", ln);
		tap_ok(sock_get_int(f, lv, TCP_NODELAY) == 1, "%s TCP_NODELAY reads 1 (%d)",
		       ln, sock_get_int(f, lv, TCP_NODELAY));
		if (xtcp_mode)
			tap_ok(sock_get_int(f, levels[!i], TCP_NODELAY) == 1,
			       "%s: the other level reads the same", ln);
		sock_set_int(f, lv, TCP_NODELAY, 0);
		tap_ok(sock_get_int(f, lv, TCP_NODELAY) == 0, "%s TCP_NODELAY reads 0 again",
		       ln);
		EXPECT_ERR(setsockopt(f, lv, TCP_NODELAY, &r, 2), EINVAL,
			   "%s TCP_NODELAY with optlen 2", ln);
		tap_ok(sock_get_int(f, lv, TCP_MAXSEG) == 536,
		       "%s TCP_MAXSEG before connect is 536 (%d)", ln,
		       sock_get_int(f, lv, TCP_MAXSEG));
		EXPECT_ERR(sock_set_int(f, lv, TCP_MAXSEG, 10), EINVAL,
			   "%s TCP_MAXSEG 10", ln);
		EXPECT_ERR(sock_set_int(f, lv, TCP_MAXSEG, 40000), EINVAL,
			   "%s TCP_MAXSEG 40000", ln);
		EXPECT_OK(sock_set_int(f, lv, TCP_MAXSEG, 1000), "%s TCP_MAXSEG 1000", ln);
		tap_ok(sock_get_int(f, lv, TCP_MAXSEG) == 1000, "%s TCP_MAXSEG reads 1000 (%d)",
		       ln, sock_get_int(f, lv, TCP_MAXSEG));
		if (do_connect(f, ADDR_B, PORT_LST))
			tap_bail("connect: %s", errname(errno));
		s = accept(lst, NULL, NULL);
		r = sock_get_int(f, lv, TCP_MAXSEG);
		tap_ok(r > 0 && r <= 1000,
		       "%s connected with TCP_MAXSEG 1000: at most 1000 (%d)", ln, r);
		r = sock_get_int(s, lv, TCP_MAXSEG);
		tap_ok(r > 0 && r <= 1000,
		       "%s ... the peer's is at most 1000 too (%d)", ln, r);
		EXPECT_ERR(sock_set_int(f, lv, 9999, 1), ENOPROTOOPT,
			   "%s setsockopt of unknown option 9999", ln);
		len = sizeof(r);
		EXPECT_ERR(getsockopt(f, lv, 9999, &r, &len), ENOPROTOOPT,
			   "%s getsockopt of unknown option 9999", ln);
		close(f);
		close(s);

		pair(&c, &s);
		r = sock_get_int(c, lv, TCP_MAXSEG);
		tap_ok(r >= 1400 && r <= 1460,
		       "%s TCP_MAXSEG connected over MTU 1500: at most 1460 (%d)", ln, r);
		r = sock_get_int(s, lv, TCP_MAXSEG);
		tap_ok(r >= 1400 && r <= 1460,
		       "%s ... on the accepted side too (%d)", ln, r);
		close(c);
		close(s);
	}
}

int main(void)
{
	const char *mode = getenv("XTCP_TEST_FAMILY");
	struct sigaction sa = { .sa_handler = on_sigpipe };

	if (mode && !strcmp(mode, "tcp")) {
		family = AF_INET;
		xtcp_mode = 0;
		sysctl_syn_retries = "net/ipv4/tcp_syn_retries";
		sysctl_port_range = "net/ipv4/ip_local_port_range";
		proc_conns = "/proc/self/net/tcp";
	} else if (mode && !strcmp(mode, "inet")) {
		family = AF_INET;
		sock_proto = IPPROTO_XTCP;
	} else if (mode && strcmp(mode, "xtcp")) {
		tap_bail("XTCP_TEST_FAMILY=%s: want xtcp, inet or tcp", mode);
	}

	tap_begin();
	tap_diag("family %s", !xtcp_mode ? "AF_INET (TCP)" :
		 sock_proto ? "AF_INET, IPPROTO_XTCP" : "AF_XTCP");
	sigaction(SIGPIPE, &sa, NULL);

	ns_a = test_netns_add("a");
	ns_b = test_netns_add("b");
	/* After the namespaces: SIGALRM deletes them too. */
	alarm(WATCHDOG_S);
	test_veth(ns_a, ADDR_A "/24", ns_b, ADDR_B "/24");
	sh("ip -n %s neigh add " ADDR_HOLE " lladdr " MAC_HOLE
	   " dev veth0 nud permanent", ns_a);

	/*
	 * SYNs into the black hole are retried long enough for the checks
	 * of a connection in progress; test_connect() makes it 1 for its
	 * ETIMEDOUT.
	 */
	netns_enter(ns_a);
	if (sysctl_write(sysctl_syn_retries, "6"))
		tap_bail("sysctl %s: %s", sysctl_syn_retries, errname(errno));

	netns_enter(ns_b);
	lst = xsocket();
	sock_set_int(lst, SOL_SOCKET, SO_REUSEADDR, 1);
	if (do_bind(lst, ADDR_B, PORT_LST) || listen(lst, 16))
		tap_bail("listener: %s", errname(errno));

	test_port_range();
	test_bind();
	test_time_wait();
	test_listen();
	test_connect();
	test_syncnt();
	test_data();
	test_peek_race();
	test_info();
	test_full_buffers();
	test_errors();
	test_options();
	test_congestion();
	test_linger2();
	test_window_clamp();
	test_notsent_lowat();
	test_defer_accept();
	test_oob();
	test_cork_nodelay();
	test_socket_filter();
	test_reuseport();

	close(lst);
	return tap_end();
}
