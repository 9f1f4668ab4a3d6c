// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-nc - a small netcat for AF_XTCP
 *
 * SYNOPSIS
 *	xtcp-nc [-t] [-q] [-s SRCADDR] [-p SRCPORT] [-w SECS] HOST PORT
 *	xtcp-nc -l [-k] [-t] [-q] [-w SECS] HOST PORT
 *
 * DESCRIPTION
 *	Connects to HOST PORT over XTCP (socket(AF_XTCP, SOCK_STREAM, 0),
 *	struct sockaddr_in addresses) and copies standard input to the
 *	connection and the connection to standard output.  When standard
 *	input ends, the sending half is shut down (shutdown(SHUT_WR): a FIN)
 *	and the peer's data is still read until the peer's own end of
 *	stream; then the socket is closed.  The exit status is 0 when both
 *	directions ended cleanly, 1 with a message on standard error on any
 *	error (the message ends with strerror's text, e.g. "Connection
 *	refused"), 2 for a usage error.
 *
 *	Addresses are numeric IPv4 only (inet_pton); no name resolution.
 *
 * OPTIONS
 *	-l	Listen on the local address HOST PORT (0.0.0.0 for all; PORT 0
 *		picks a free port) and accept one connection, which is then
 *		served as above.  SO_REUSEADDR is set.  The listening socket
 *		is closed once the connection is accepted.
 *	-k	With -l: keep listening and serve the connections one after
 *		the other, until killed (or until -w expires while waiting for
 *		a connection).  When standard input is a regular file, each
 *		connection gets it from where it started; otherwise only the
 *		first connection gets its data.  A failed connection is
 *		reported and the next one is accepted.
 *	-t	Use Linux TCP (AF_INET) instead of XTCP, for comparison.
 *	-s SRCADDR, -p SRCPORT
 *		Connect mode: bind the local end to this address and/or port
 *		before connecting (SO_REUSEADDR is set).
 *	-w SECS	Give up (ETIMEDOUT) when a connect, an accept or an
 *		established connection sees no progress for SECS seconds.
 *		Without -w, connect() blocks; with it, the connect is
 *		non-blocking and waited for with poll().
 *	-q	Quiet: no progress lines on standard error, errors only.
 *
 *	Progress lines on standard error (without -q) are:
 *	"xtcp-nc: listening on ADDR:PORT", "xtcp-nc: connection from
 *	ADDR:PORT" and "xtcp-nc: connected to ADDR:PORT from ADDR:PORT".
 *	Scripts may wait for "listening on" before connecting.
 *
 * NOTES
 *	One process, poll(), no threads.  The socket is non-blocking;
 *	standard input and output keep their flags (they may be shared with
 *	other processes) and are only read when poll() says so and written
 *	in pieces of at most PIPE_BUF bytes unless they are regular files,
 *	so neither blocks the other direction.  SIGPIPE is ignored: a closed
 *	standard output or connection is an error (EPIPE).
 */

#define _GNU_SOURCE		/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/xtcp.h>

#define BUF_SIZE	65536
#define ADDR_LEN	32	/* "255.255.255.255:65535" and more */

struct options {
	int family;		/* AF_XTCP or AF_INET */
	bool listen;
	bool keep;
	bool quiet;
	int timeout_ms;		/* -1: none */
	struct sockaddr_in addr;	/* HOST PORT */
	struct sockaddr_in src;		/* -s / -p */
	bool bind_src;
};

/* A one-way copy: bytes read from one side, not yet written to the other. */
struct pipe_buf {
	char data[BUF_SIZE];
	size_t off, len;
	bool eof;		/* the reading side has ended */
};

static const char *prog = "xtcp-nc";

static void __attribute__((format(printf, 1, 2)))
err_msg(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
}

static void __attribute__((format(printf, 2, 3)))
info(const struct options *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: %s [-t] [-l] [-k] [-s SRCADDR] [-p SRCPORT] [-w SECS] [-q] HOST PORT\n"
		"  -l  listen on HOST PORT, serve one connection (-k: serve them in turn)\n"
		"  -t  Linux TCP (AF_INET) instead of XTCP (AF_XTCP)\n"
		"  -s, -p  local address and port to connect from\n"
		"  -w  connect, accept and idle timeout in seconds\n"
		"  -q  no progress messages\n", prog);
	exit(2);
}

/* "a.b.c.d:port" of @sin into @buf (ADDR_LEN bytes). */
static const char *fmt_addr(const struct sockaddr_in *sin, char *buf)
{
	char a[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, ADDR_LEN, "%s:%u", a, ntohs(sin->sin_port));
	return buf;
}

static long parse_num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "%s: bad %s '%s' (%ld..%ld)\n", prog, what, s,
			min, max);
		exit(2);
	}
	return v;
}

static void parse_addr(const char *s, struct sockaddr_in *sin)
{
	if (inet_pton(AF_INET, s, &sin->sin_addr) != 1) {
		fprintf(stderr, "%s: not a numeric IPv4 address: '%s'\n", prog,
			s);
		exit(2);
	}
}

static void parse_args(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->family = AF_XTCP;
	o->timeout_ms = -1;
	o->addr.sin_family = AF_INET;
	o->src.sin_family = AF_INET;
	o->src.sin_addr.s_addr = htonl(INADDR_ANY);

	while ((c = getopt(argc, argv, "tlks:p:w:qh")) != -1) {
		switch (c) {
		case 't':
			o->family = AF_INET;
			break;
		case 'l':
			o->listen = true;
			break;
		case 'k':
			o->keep = true;
			break;
		case 's':
			parse_addr(optarg, &o->src);
			o->bind_src = true;
			break;
		case 'p':
			o->src.sin_port = htons(parse_num(optarg, 1, 65535,
							  "source port"));
			o->bind_src = true;
			break;
		case 'w':
			o->timeout_ms = parse_num(optarg, 1, INT_MAX / 1000,
						  "timeout") * 1000;
			break;
		case 'q':
			o->quiet = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if (o->keep && !o->listen) {
		fprintf(stderr, "%s: -k needs -l\n", prog);
		exit(2);
	}
	if (o->listen && o->bind_src) {
		fprintf(stderr, "%s: -s and -p are for connect mode; -l binds to HOST PORT\n",
			prog);
		exit(2);
	}
	parse_addr(argv[optind], &o->addr);
	o->addr.sin_port = htons(parse_num(argv[optind + 1], o->listen ? 0 : 1,
					   65535, "port"));
}

static int new_socket(const struct options *o)
{
	int fd = socket(o->family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		err_msg("socket(%s, SOCK_STREAM)",
			o->family == AF_XTCP ? "AF_XTCP" : "AF_INET");
	return fd;
}

static int set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl);
}

/*
 * Wait until @fd is ready for @events, @timeout_ms at most (-1: forever).
 * Returns 0, or -1 with errno (ETIMEDOUT when the time ran out).
 */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&p, 1, timeout_ms);
		if (n > 0)
			return 0;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

/* Connect mode: a connected socket, or -1 after a message. */
static int do_connect(const struct options *o)
{
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	char a[ADDR_LEN], b[ADDR_LEN];
	int fd, one = 1, soerr = 0, r;

	fd = new_socket(o);
	if (fd < 0)
		return -1;
	if (o->bind_src) {
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			       sizeof(one))) {
			err_msg("setsockopt(SO_REUSEADDR)");
			goto fail;
		}
		if (bind(fd, (struct sockaddr *)&o->src, sizeof(o->src))) {
			err_msg("bind %s", fmt_addr(&o->src, a));
			goto fail;
		}
	}
	if (o->timeout_ms >= 0 && set_nonblock(fd, true)) {
		err_msg("fcntl");
		goto fail;
	}
	r = connect(fd, (struct sockaddr *)&o->addr, sizeof(o->addr));
	if (r && (errno == EINPROGRESS || errno == EINTR)) {
		/* Completes in the background; POLLOUT says it is done. */
		if (wait_fd(fd, POLLOUT, o->timeout_ms)) {
			err_msg("connect %s", fmt_addr(&o->addr, a));
			goto fail;
		}
		len = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len)) {
			err_msg("getsockopt(SO_ERROR)");
			goto fail;
		}
		r = soerr ? -1 : 0;
		errno = soerr;
		/* Writable but not connected would be a kernel bug: say so. */
		len = sizeof(local);
		if (!r && getpeername(fd, (struct sockaddr *)&local, &len))
			r = -1;
	}
	if (r) {
		err_msg("connect %s", fmt_addr(&o->addr, a));
		goto fail;
	}
	len = sizeof(local);
	if (getsockname(fd, (struct sockaddr *)&local, &len))
		memset(&local, 0, sizeof(local));
	info(o, "connected to %s from %s", fmt_addr(&o->addr, a),
	     fmt_addr(&local, b));
	return fd;
fail:
	close(fd);
	return -1;
}

/* Listen mode: a listening socket, or -1 after a message. */
static int do_listen(const struct options *o)
{
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	char a[ADDR_LEN];
	int fd, one = 1;

	fd = new_socket(o);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) {
		err_msg("setsockopt(SO_REUSEADDR)");
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&o->addr, sizeof(o->addr))) {
		err_msg("bind %s", fmt_addr(&o->addr, a));
		goto fail;
	}
	if (listen(fd, 8)) {
		err_msg("listen");
		goto fail;
	}
	if (getsockname(fd, (struct sockaddr *)&local, &len)) {
		err_msg("getsockname");
		goto fail;
	}
	info(o, "listening on %s", fmt_addr(&local, a));
	return fd;
fail:
	close(fd);
	return -1;
}

/* The next connection on @lfd, or -1 after a message. */
static int do_accept(const struct options *o, int lfd)
{
	struct sockaddr_in peer;
	socklen_t len;
	char a[ADDR_LEN];
	int fd;

	for (;;) {
		if (o->timeout_ms >= 0 && wait_fd(lfd, POLLIN, o->timeout_ms)) {
			err_msg("accept");
			return -1;
		}
		len = sizeof(peer);
		fd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		/* A connection reset before we took it: take the next. */
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		err_msg("accept");
		return -1;
	}
	info(o, "connection from %s", fmt_addr(&peer, a));
	return fd;
}

/* Whether writes to @fd may be as large as we like without blocking. */
static bool is_regular(int fd)
{
	struct stat st;

	return !fstat(fd, &st) && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode));
}

/*
 * Copy standard input to @fd and @fd to standard output until both
 * directions ended; shut the sending half down at standard input's end.
 * Returns 0, or -1 after a message.
 */
static int pump(const struct options *o, int fd, bool in_done)
{
	static struct pipe_buf tx, rx;		/* stdin -> fd, fd -> stdout */
	size_t out_max = is_regular(STDOUT_FILENO) ? BUF_SIZE : PIPE_BUF;
	bool shut_wr = false;
	struct pollfd p[3];
	ssize_t n;
	int r;

	memset(&tx, 0, sizeof(tx));
	memset(&rx, 0, sizeof(rx));
	tx.eof = in_done;
	if (set_nonblock(fd, true)) {
		err_msg("fcntl");
		return -1;
	}

	while (!(shut_wr && rx.eof && !rx.len)) {
		if (tx.eof && !tx.len && !shut_wr) {
			if (shutdown(fd, SHUT_WR)) {
				err_msg("shutdown");
				return -1;
			}
			shut_wr = true;
			continue;
		}

		/* A negative fd is not polled, not even for POLLHUP/POLLERR. */
		p[0].fd = !tx.eof && !tx.len ? STDIN_FILENO : -1;
		p[0].events = POLLIN;
		p[1].fd = fd;
		p[1].events = (!rx.eof && !rx.len ? POLLIN : 0) |
			      (tx.len ? POLLOUT : 0);
		if (!p[1].events)
			p[1].fd = -1;
		p[2].fd = rx.len ? STDOUT_FILENO : -1;
		p[2].events = POLLOUT;

		r = poll(p, 3, o->timeout_ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err_msg("poll");
			return -1;
		}
		if (!r) {
			errno = ETIMEDOUT;
			err_msg("no progress for %d s", o->timeout_ms / 1000);
			return -1;
		}

		if (p[0].revents) {
			n = read(STDIN_FILENO, tx.data, sizeof(tx.data));
			if (n > 0) {
				tx.off = 0;
				tx.len = n;
			} else if (!n) {
				tx.eof = true;
			} else if (errno != EINTR && errno != EAGAIN) {
				err_msg("read from standard input");
				return -1;
			}
		}

		if (p[1].revents && (p[1].events & POLLIN)) {
			n = recv(fd, rx.data, sizeof(rx.data), 0);
			if (n > 0) {
				rx.off = 0;
				rx.len = n;
			} else if (!n) {
				rx.eof = true;
			} else if (errno != EINTR && errno != EAGAIN) {
				err_msg("recv");
				return -1;
			}
		}

		if (p[1].revents && (p[1].events & POLLOUT)) {
			n = send(fd, tx.data + tx.off, tx.len, MSG_NOSIGNAL);
			if (n >= 0) {
				tx.off += n;
				tx.len -= n;
			} else if (errno != EINTR && errno != EAGAIN) {
				err_msg("send");
				return -1;
			}
		}

		if (p[2].revents) {
			size_t len = rx.len < out_max ? rx.len : out_max;

			n = write(STDOUT_FILENO, rx.data + rx.off, len);
			if (n >= 0) {
				rx.off += n;
				rx.len -= n;
			} else if (errno != EINTR && errno != EAGAIN) {
				err_msg("write to standard output");
				return -1;
			}
		}
	}
	return 0;
}

/* Serve one connection, close it; 0 when it ended cleanly. */
static int serve(const struct options *o, int fd, bool in_done)
{
	int ret = pump(o, fd, in_done);

	if (close(fd) && !ret) {
		err_msg("close");
		ret = -1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct options o;
	bool in_done = false;
	int lfd, fd, ret;
	off_t in_start;

	parse_args(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);

	if (!o.listen) {
		fd = do_connect(&o);
		if (fd < 0)
			return 1;
		return serve(&o, fd, false) ? 1 : 0;
	}

	/* -k: a seekable standard input is sent anew to each connection. */
	in_start = lseek(STDIN_FILENO, 0, SEEK_CUR);
	lfd = do_listen(&o);
	if (lfd < 0)
		return 1;
	for (;;) {
		fd = do_accept(&o, lfd);
		if (fd < 0) {
			close(lfd);
			return 1;
		}
		if (!o.keep)
			close(lfd);
		ret = serve(&o, fd, in_done);
		if (!o.keep)
			return ret ? 1 : 0;
		if (in_start < 0 ||
		    lseek(STDIN_FILENO, in_start, SEEK_SET) != in_start)
			in_done = true;
	}
}
