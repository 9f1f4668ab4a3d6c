// SPDX-License-Identifier: GPL-2.0
/*
 * sockproto - what a TCP program's stream socket is, seen through the C
 * library (what tools/xtcp-run's shim answers) and through the raw
 * system call (what the kernel made), for xtcp_run.sh.
 *
 *	sockproto		socket(AF_INET, SOCK_STREAM, 0), then prints
 *		"socket fd=N libc=P raw=R domain=D type=T nodelay=V tcpi=S"
 *		(P, R: SO_PROTOCOL; V: TCP_NODELAY after setting it at
 *		SOL_TCP; S: getsockopt(SOL_TCP, TCP_INFO)'s status, 0 or an
 *		errno name); or "socket error ERRNO-NAME", status 1
 *	sockproto -6		socket(AF_INET6, SOCK_STREAM, 0): "socket6 ok"
 *		or "socket6 error ERRNO-NAME" (status 1)
 *	sockproto ADDR PORT	socket(AF_INET, SOCK_STREAM, 0) given
 *		SO_KEEPALIVE 1, SO_REUSEADDR 1, TCP_NODELAY 1, TCP_KEEPIDLE 77
 *		and O_NONBLOCK, then a non-blocking connect() to ADDR PORT
 *		waited with poll(); prints "before libc=P raw=R" and
 *		"after libc=P raw=R err=E keepalive=.. reuseaddr=..
 *		nodelay=.. keepidle=.. nonblock=.. cloexec=.. state=S
 *		proc_xtcp=X proc_tcp=T" (E: 0 or the connect's errno name;
 *		S: TCP_INFO's tcpi_state; X, T: the entries of this
 *		connection, by its ports, in /proc/net/xtcp and /proc/net/tcp),
 *		then closes; status 0 when connected.
 */

#define _GNU_SOURCE		/* strerrorname_np */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *ename(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "?";
}

/* libc_opt, raw_opt: an int option through the C library, or not. */
static int libc_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len))
		return -errno;
	return v;
}

static int raw_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (syscall(SYS_getsockopt, fd, level, name, &v, &len))
		return -errno;
	return v;
}

static int set_int(int fd, int level, int name, int v)
{
	if (setsockopt(fd, level, name, &v, sizeof(v))) {
		printf("setsockopt(%d, %d) error %s\n", level, name, ename(errno));
		return -1;
	}
	return 0;
}

/* proc_count: entries of @file with local port @lp and remote port @rp. */
static int proc_count(const char *file, unsigned int lp, unsigned int rp)
{
	unsigned int la, lpt, ra, rpt;
	char line[512];
	int n = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %x:%x %x:%x", &la, &lpt, &ra, &rpt) == 4 &&
		    lpt == lp && rpt == rp)
			n++;
	fclose(f);
	return n;
}

static int tcpi_state(int fd, int *state)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len))
		return errno;
	*state = ti.tcpi_state;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET }, me;
	socklen_t mlen = sizeof(me);
	int fd, e, st = -1, r;
	struct pollfd pfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "-6")) {
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		if (fd < 0) {
			printf("socket6 error %s\n", ename(errno));
			return 1;
		}
		printf("socket6 ok\n");
		close(fd);
		return 0;
	}
	if (argc != 1 && argc != 3) {
		fprintf(stderr, "usage: sockproto [-6 | ADDR PORT]\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		printf("socket error %s\n", ename(errno));
		return 1;
	}
	if (argc == 1) {
		if (set_int(fd, SOL_TCP, TCP_NODELAY, 1))
			return 1;
		e = tcpi_state(fd, &st);
		printf("socket fd=%d libc=%d raw=%d domain=%d type=%d "
		       "nodelay=%d tcpi=%s\n", fd,
		       libc_opt(fd, SOL_SOCKET, SO_PROTOCOL),
		       raw_opt(fd, SOL_SOCKET, SO_PROTOCOL),
		       libc_opt(fd, SOL_SOCKET, SO_DOMAIN),
		       libc_opt(fd, SOL_SOCKET, SO_TYPE),
		       libc_opt(fd, SOL_TCP, TCP_NODELAY), ename(e));
		close(fd);
		return 0;
	}

	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "sockproto: bad address %s\n", argv[1]);
		return 2;
	}
	sin.sin_port = htons(atoi(argv[2]));
	if (set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1) ||
	    set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) ||
	    set_int(fd, SOL_TCP, TCP_NODELAY, 1) ||
	    set_int(fd, SOL_TCP, TCP_KEEPIDLE, 77) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		return 1;
	printf("before libc=%d raw=%d\n", libc_opt(fd, SOL_SOCKET, SO_PROTOCOL),
	       raw_opt(fd, SOL_SOCKET, SO_PROTOCOL));
	e = 0;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		e = errno;
		if (e == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			r = poll(&pfd, 1, 20000);
			e = r == 1 ? libc_opt(fd, SOL_SOCKET, SO_ERROR) :
				     ETIMEDOUT;
			if (e < 0)
				e = -e;
		}
	}
	if (getsockname(fd, (struct sockaddr *)&me, &mlen))
		memset(&me, 0, sizeof(me));
	if (!e)
		tcpi_state(fd, &st);
	printf("after libc=%d raw=%d err=%s keepalive=%d reuseaddr=%d "
	       "nodelay=%d keepidle=%d nonblock=%d cloexec=%d state=%d "
	       "proc_xtcp=%d proc_tcp=%d\n",
	       libc_opt(fd, SOL_SOCKET, SO_PROTOCOL),
	       raw_opt(fd, SOL_SOCKET, SO_PROTOCOL), ename(e),
	       libc_opt(fd, SOL_SOCKET, SO_KEEPALIVE),
	       libc_opt(fd, SOL_SOCKET, SO_REUSEADDR),
	       libc_opt(fd, SOL_TCP, TCP_NODELAY),
	       libc_opt(fd, SOL_TCP, TCP_KEEPIDLE),
	       !!(fcntl(fd, F_GETFL) & O_NONBLOCK),
	       !!(fcntl(fd, F_GETFD) & FD_CLOEXEC), st,
	       proc_count("/proc/net/xtcp", ntohs(me.sin_port),
			  ntohs(sin.sin_port)),
	       proc_count("/proc/net/tcp", ntohs(me.sin_port),
			  ntohs(sin.sin_port)));
	close(fd);
	return e ? 1 : 0;
}
