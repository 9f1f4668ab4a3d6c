// SPDX-License-Identifier: GPL-2.0
/*
 * socket(2) on AF_XTCP, and on AF_INET with IPPROTO_XTCP: what opens, the
 * errno of every unsupported argument (checked against what AF_INET
 * answers for TCP), the socket's identity through getsockopt, and that
 * closing releases every socket.
 * It runs in a network namespace of its own, whose sockets it counts; the
 * module's reference count is global: other tests' sockets opening or
 * closing meanwhile change it.
 */

#include "xtcp_test.h"

#define NSOCKS 1000

/* errno of socket(), 0 when it opened (and closing it again). */
static int socket_errno(int family, int type, int proto)
{
	int fd = socket(family, type, proto);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* The "sockets" column of XTCP's line in /proc/net/protocols. */
static long protocols_sockets(void)
{
	char line[512], name[64];
	long size, sockets = -1;
	FILE *f = fopen("/proc/self/net/protocols", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld", name, &size, &sockets) == 3 &&
		    !strcmp(name, "XTCP"))
			break;
		sockets = -1;
	}
	fclose(f);
	return sockets;
}

struct errno_case {
	const char *what;
	int type;
	int proto;
	int want;
	/* The same arguments on AF_INET give TCP's answer, or -1: none. */
	int inet_type;
};

static const struct errno_case cases[] = {
	{ "SOCK_DGRAM", SOCK_DGRAM, 0, ESOCKTNOSUPPORT, -1 },
	{ "SOCK_SEQPACKET", SOCK_SEQPACKET, 0, ESOCKTNOSUPPORT, SOCK_SEQPACKET },
	{ "SOCK_RAW", SOCK_RAW, 0, ESOCKTNOSUPPORT, -1 },
	{ "SOCK_RDM", SOCK_RDM, 0, ESOCKTNOSUPPORT, SOCK_RDM },
	{ "SOCK_DCCP", SOCK_DCCP, 0, ESOCKTNOSUPPORT, -1 },
	{ "SOCK_PACKET", SOCK_PACKET, 0, ESOCKTNOSUPPORT, -1 },
	{ "type 11 (>= SOCK_MAX)", 11, 0, EINVAL, 11 },
	{ "type -1", -1, 0, EINVAL, -1 },
	{ "IPPROTO_TCP", SOCK_STREAM, IPPROTO_TCP, EPROTONOSUPPORT, -1 },
	{ "IPPROTO_UDP", SOCK_STREAM, IPPROTO_UDP, EPROTONOSUPPORT, SOCK_STREAM },
	{ "IPPROTO_SCTP", SOCK_STREAM, IPPROTO_SCTP, EPROTONOSUPPORT, -1 },
	{ "protocol 254", SOCK_STREAM, 254, EPROTONOSUPPORT, -1 },
	{ "protocol 255 (IPPROTO_RAW)", SOCK_STREAM, 255, EPROTONOSUPPORT, SOCK_STREAM },
	{ "protocol 262 (IPPROTO_MPTCP)", SOCK_STREAM, 262, EPROTONOSUPPORT, -1 },
	{ "protocol -1", SOCK_STREAM, -1, EINVAL, SOCK_STREAM },
	{ "protocol 300 (>= IPPROTO_MAX)", SOCK_STREAM, 300, EINVAL, SOCK_STREAM },
	{ "SOCK_DGRAM with IPPROTO_XTCP", SOCK_DGRAM, IPPROTO_XTCP, ESOCKTNOSUPPORT, -1 },
};

int main(void)
{
	long refcnt0, socks0;
	unsigned int i;
	int fd, fds[NSOCKS], n;

	tap_begin();
	refcnt0 = xtcp_module_refcnt();
	if (refcnt0 < 0)
		tap_bail("xtcp is not loaded");
	/* A namespace of its own: no other test's sockets in its counts. */
	if (unshare(CLONE_NEWNET))
		tap_bail("unshare(CLONE_NEWNET): %s", strerror(errno));
	socks0 = protocols_sockets();
	tap_ok(socks0 == 0, "/proc/net/protocols lists XTCP with 0 sockets (%ld)",
	       socks0);

	fd = socket(AF_XTCP, SOCK_STREAM, 0);
	if (tap_ok(fd >= 0, "socket(AF_XTCP, SOCK_STREAM, 0) opens (%s)",
		   fd < 0 ? strerror(errno) : "ok")) {
		tap_ok(sock_get_int(fd, SOL_SOCKET, SO_DOMAIN) == AF_XTCP,
		       "SO_DOMAIN is AF_XTCP");
		tap_ok(sock_get_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM,
		       "SO_TYPE is SOCK_STREAM");
		tap_ok(sock_get_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_XTCP,
		       "SO_PROTOCOL is IPPROTO_XTCP");
		tap_ok(sock_get_int(fd, SOL_SOCKET, SO_ERROR) == 0,
		       "SO_ERROR is 0");
		tap_ok(protocols_sockets() == socks0 + 1,
		       "/proc/net/protocols counts it");
		tap_ok(xtcp_module_refcnt() > refcnt0,
		       "an open socket holds a module reference");
		tap_ok(close(fd) == 0, "close() succeeds");
	}

	fd = socket(AF_XTCP, SOCK_STREAM, IPPROTO_XTCP);
	tap_ok(fd >= 0, "socket(AF_XTCP, SOCK_STREAM, IPPROTO_XTCP) opens");
	if (fd >= 0)
		close(fd);

	/* The inet family's entry: the same socket, but for SO_DOMAIN. */
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
	if (tap_ok(fd >= 0, "socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP) opens (%s)",
		   fd < 0 ? strerror(errno) : "ok")) {
		tap_ok(sock_get_int(fd, SOL_SOCKET, SO_DOMAIN) == AF_INET,
		       "... SO_DOMAIN is AF_INET");
		tap_ok(sock_get_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_XTCP,
		       "... SO_PROTOCOL is IPPROTO_XTCP");
		tap_ok(protocols_sockets() == socks0 + 1,
		       "... /proc/net/protocols counts it as XTCP");
		tap_ok(xtcp_module_refcnt() > refcnt0,
		       "... it holds a module reference");
		tap_ok(sock_get_int(fd, SOL_XTCP, TCP_NODELAY) == 0,
		       "... it answers at SOL_XTCP");
		tap_ok(close(fd) == 0 && protocols_sockets() == socks0,
		       "... closed, it is no longer counted");
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	tap_ok(fd >= 0 && sock_get_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP,
	       "socket(AF_INET, SOCK_STREAM, 0) is still TCP");
	if (fd >= 0)
		close(fd);
	n = socket_errno(AF_INET, SOCK_DGRAM, IPPROTO_XTCP);
	tap_ok(n == EPROTONOSUPPORT,
	       "socket(AF_INET, SOCK_DGRAM, IPPROTO_XTCP): EPROTONOSUPPORT (got %s)",
	       n ? strerror(n) : "a socket");

	fd = socket(AF_XTCP, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (tap_ok(fd >= 0, "SOCK_NONBLOCK | SOCK_CLOEXEC open")) {
		tap_ok(fcntl(fd, F_GETFL) & O_NONBLOCK, "O_NONBLOCK is set");
		tap_ok(fcntl(fd, F_GETFD) & FD_CLOEXEC, "FD_CLOEXEC is set");
		close(fd);
	}

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct errno_case *c = &cases[i];
		int got = socket_errno(AF_XTCP, c->type, c->proto);

		tap_ok(got == c->want, "%s: %s (got %s)", c->what,
		       strerror(c->want), got ? strerror(got) : "a socket");
		if (c->inet_type >= 0) {
			got = socket_errno(AF_INET, c->inet_type, c->proto);
			tap_ok(got == c->want, "%s: AF_INET answers the same",
			       c->what);
		}
	}

	/* Many sockets, then all closed: everything is released. */
	for (n = 0; n < NSOCKS; n++) {
		fds[n] = socket(AF_XTCP, SOCK_STREAM, 0);
		if (fds[n] < 0)
			break;
	}
	tap_ok(n == NSOCKS, "%d sockets open at once (%d)", NSOCKS, n);
	tap_ok(protocols_sockets() == socks0 + n,
	       "/proc/net/protocols counts %d", n);
	while (n--)
		close(fds[n]);
	tap_ok(protocols_sockets() == socks0,
	       "after closing them the count is back to %ld", socks0);
	tap_ok(xtcp_module_refcnt() == refcnt0,
	       "the module's reference count is back to %ld (%ld)", refcnt0,
	       xtcp_module_refcnt());

	/* Another network namespace counts its own sockets. */
	if (unshare(CLONE_NEWNET) == 0) {
		fd = socket(AF_XTCP, SOCK_STREAM, 0);
		tap_ok(fd >= 0, "socket() opens in a new network namespace");
		tap_ok(protocols_sockets() == 1,
		       "that namespace's /proc/net/protocols counts only it");
		tap_ok(xtcp_counter("XtcpInSegs") == 0,
		       "that namespace has its own zeroed counters");
		if (fd >= 0)
			close(fd);
	} else {
		tap_ok(0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	}

	return tap_end();
}
