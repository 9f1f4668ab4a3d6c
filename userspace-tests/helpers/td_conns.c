// SPDX-License-Identifier: GPL-2.0
/*
 * td_conns [OPTIONS] serve ADDR PORT BACKLOG hold|fill|lastack|close|none
 * td_conns [OPTIONS] connect ADDR PORT N hold|fill|finwait1|finwait2|timewait|syn
 *
 * Thousands of connections at once in chosen states, held until the
 * process is killed, for teardown_load.sh: one process a group, so that
 * nothing is forked per connection.
 *
 * "serve" listens on ADDR:PORT with BACKLOG (non-blocking accept, poll)
 * and treats every connection it accepts by its mode:
 *   hold	keep it, read nothing
 *   fill	write to it until EAGAIN (once), keep it, read nothing
 *   lastack	wait for the peer's FIN (EOF), write until EAGAIN, then
 *		shutdown(SHUT_WR): LAST_ACK, its FIN queued behind data a
 *		client that does not read never takes
 *   close	wait for EOF, then close: the client (which closed first)
 *		goes to TIME_WAIT
 *   none	accept nothing: the accept queue fills
 * It prints "listening" once listening, "accepted N" now and then.
 *
 * "connect" opens N connections to ADDR:PORT, CONC (-c, default 128) at a
 * time (non-blocking connect(), poll), each treated by its mode once
 * connected:
 *   hold	keep it, read nothing
 *   fill	write until EAGAIN (once), keep it, read nothing
 *   finwait1	once all are connected, write to each until the peer's
 *		window is closed (a round writing nothing, 300 ms after the
 *		one before), then shutdown(SHUT_WR): FIN_WAIT_1, the FIN
 *		behind data
 *   finwait2	shutdown(SHUT_WR) at once, keep it, read nothing
 *   timewait	shutdown(SHUT_WR), wait for EOF, close
 *   syn	connect() only, never waited for (SYN_SENT when nothing
 *		answers), all N at once
 * then prints "connected C failed F ms M" (the first ten failures as
 * "fail I WHAT: ERRNO" before it) and keeps its sockets until killed,
 * but for "timewait", which exits (status 1 if any failed).
 *
 * Options: -t (Linux TCP, or XTCP_TEST_FAMILY=tcp), -b BYTES (SO_RCVBUF),
 * -s BYTES (SO_SNDBUF), both set before listen() or connect(), -c CONC,
 * -a SECONDS (give up; default 3000; a process holding its sockets
 * exits then too).
 */

#include "../xtcp_test.h"

#include <poll.h>

static struct helper_opts ho;
static int rcvbuf, sndbuf, conc = 128;
static char buf[65536];

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: td_conns [-t] [-b BYTES] [-s BYTES] [-c CONC] [-a SECONDS]\n"
		"\tserve ADDR PORT BACKLOG hold|fill|lastack|close|none\n"
		"\tconnect ADDR PORT N hold|fill|finwait1|finwait2|timewait|syn\n");
	exit(2);
}

static long num(const char *s)
{
	return num_or_usage(s, usage);
}

static bool own_opt(int opt, char *arg)
{
	switch (opt) {
	case 'b':
		rcvbuf = num(arg);
		return true;
	case 's':
		sndbuf = num(arg);
		return true;
	case 'c':
		conc = num(arg);
		return conc > 0;
	}
	return false;
}

static int new_socket(void)
{
	int fd = sock_stream(ho.tcp ? AF_INET : AF_XTCP, SOCK_NONBLOCK);

	if (fd < 0)
		fail("socket: %s", errname(errno));
	if (rcvbuf && sock_set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf))
		fail("SO_RCVBUF: %s", errname(errno));
	if (sndbuf && sock_set_int(fd, SOL_SOCKET, SO_SNDBUF, sndbuf))
		fail("SO_SNDBUF: %s", errname(errno));
	return fd;
}

/* Write to non-blocking @fd until EAGAIN (or an error): the bytes written. */
static long fill(int fd)
{
	long n = 0;
	ssize_t w;

	for (;;) {
		w = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w > 0) {
			n += w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		return n;
	}
}

/* Sockets kept, or waited on for EOF (wait[] set). */
static int *fds;
static bool *waiting;
static int nfds, capfds;

static void keep(int fd, bool wait_eof)
{
	if (nfds == capfds) {
		capfds = capfds ? 2 * capfds : 1024;
		fds = realloc(fds, capfds * sizeof(*fds));
		waiting = realloc(waiting, capfds * sizeof(*waiting));
		if (!fds || !waiting)
			fail("out of memory");
	}
	fds[nfds] = fd;
	waiting[nfds++] = wait_eof;
}

static struct pollfd *pfd;
static int *pidx;

/* The sockets waiting for EOF into pfd[from...]: how many. */
static int poll_waiting(int from)
{
	int i, n = from;

	pfd = realloc(pfd, (nfds + from + 1) * sizeof(*pfd));
	pidx = realloc(pidx, (nfds + from + 1) * sizeof(*pidx));
	if (!pfd || !pidx)
		fail("out of memory");
	for (i = 0; i < nfds; i++) {
		if (!waiting[i])
			continue;
		pfd[n] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		pidx[n++] = i;
	}
	return n - from;
}

/* Socket i waited for EOF and is readable: true once it reached it. */
static bool at_eof(int i)
{
	ssize_t r = recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT);

	if (r > 0 || (r < 0 && (errno == EAGAIN || errno == EINTR)))
		return false;
	return true;
}

static void __attribute__((noreturn)) hold_forever(void)
{
	for (;;)
		pause();
}

static void serve(const struct sockaddr_in *sin, int backlog, const char *mode)
{
	bool m_fill = !strcmp(mode, "fill"), m_la = !strcmp(mode, "lastack");
	bool m_close = !strcmp(mode, "close");
	int lfd = new_socket(), i, n, fd;
	long accepted = 0, said = 0;

	if (!m_fill && !m_la && !m_close && strcmp(mode, "hold") &&
	    strcmp(mode, "none"))
		usage();
	if (sock_set_int(lfd, SOL_SOCKET, SO_REUSEADDR, 1) ||
	    sock_bind(lfd, sin) || listen(lfd, backlog))
		fail("listen: %s", errname(errno));
	printf("listening\n");
	if (!strcmp(mode, "none"))
		hold_forever();
	for (;;) {
		n = poll_waiting(1);
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		if (poll(pfd, n + 1, 1000) < 0 && errno != EINTR)
			fail("poll: %s", errname(errno));
		for (i = 1; i <= n; i++) {
			int c = pidx[i];

			if (!pfd[i].revents || !at_eof(c))
				continue;
			waiting[c] = false;
			if (m_close) {
				close(fds[c]);
				fds[c] = -1;
			} else {
				fill(fds[c]);
				if (shutdown(fds[c], SHUT_WR))
					fail("shutdown: %s", errname(errno));
			}
		}
		if (!pfd[0].revents)
			continue;
		while ((fd = sock_accept(lfd, NULL, SOCK_NONBLOCK |
					 SOCK_CLOEXEC)) >= 0) {
			accepted++;
			if (m_fill)
				fill(fd);
			keep(fd, m_la || m_close);
		}
		if (errno != EAGAIN && errno != ECONNABORTED)
			fail("accept: %s", errname(errno));
		if (accepted - said >= 500) {
			printf("accepted %ld\n", accepted);
			said = accepted;
		}
	}
}

static void client(const struct sockaddr_in *sin, int n, const char *mode)
{
	bool m_fill = !strcmp(mode, "fill"), m_fw1 = !strcmp(mode, "finwait1");
	bool m_fw2 = !strcmp(mode, "finwait2"), m_tw = !strcmp(mode, "timewait");
	bool m_syn = !strcmp(mode, "syn");
	int started = 0, done = 0, failed = 0, inflight = 0, i, k, fd;
	long t0 = now_ms();
	struct pollfd *cp = calloc(conc, sizeof(*cp));

	if (!m_fill && !m_fw1 && !m_fw2 && !m_tw && !m_syn &&
	    strcmp(mode, "hold"))
		usage();
	if (!cp)
		fail("out of memory");
	for (i = 0; i < conc; i++)
		cp[i].fd = -1;
	if (m_syn) {
		for (i = 0; i < n; i++) {
			fd = new_socket();
			if (sock_connect(fd, sin) && errno != EINPROGRESS) {
				if (failed++ < 10)
					printf("fail %d connect: %s\n", i,
					       errname(errno));
				close(fd);
				continue;
			}
			keep(fd, false);
		}
		printf("connected %d failed %d ms %ld\n", n - failed, failed,
		       now_ms() - t0);
		hold_forever();
	}
	for (;;) {
		/* New connects into the free slots. */
		for (i = 0; i < conc && started < n; i++) {
			if (cp[i].fd >= 0)
				continue;
			fd = new_socket();
			started++;
			if (sock_connect(fd, sin) && errno != EINPROGRESS) {
				if (failed++ < 10)
					printf("fail %d connect: %s\n", started,
					       errname(errno));
				close(fd);
				continue;
			}
			cp[i] = (struct pollfd){ .fd = fd, .events = POLLOUT };
			inflight++;
		}
		/* The connects in pfd[0, conc), the time-wait ones after. */
		k = poll_waiting(conc);
		if (started == n && !inflight && !k)
			break;
		memcpy(pfd, cp, conc * sizeof(*pfd));
		if (poll(pfd, conc + k, 1000) < 0 && errno != EINTR)
			fail("poll: %s", errname(errno));
		for (i = 0; i < conc; i++) {
			int err;

			if (cp[i].fd < 0 || !pfd[i].revents)
				continue;
			fd = cp[i].fd;
			cp[i].fd = -1;
			inflight--;
			err = sock_get_int(fd, SOL_SOCKET, SO_ERROR);
			if (err) {
				if (failed++ < 10)
					printf("fail %d connect: %s\n", started,
					       errname(err < 0 ? -err : err));
				close(fd);
				continue;
			}
			done++;
			if (m_fill)
				fill(fd);
			if ((m_fw2 || m_tw) && shutdown(fd, SHUT_WR))
				fail("shutdown: %s", errname(errno));
			keep(fd, m_tw);
		}
		/* The time-wait ones: EOF, then close. */
		for (i = conc; i < conc + k; i++) {
			int c = pidx[i];

			if (!pfd[i].revents || !at_eof(c))
				continue;
			waiting[c] = false;
			close(fds[c]);
			fds[c] = -1;
		}
	}
	if (m_fw1) {
		long wrote = 1;
		int round;

		for (round = 0; round < 200 && wrote; round++) {
			wrote = 0;
			for (i = 0; i < nfds; i++)
				wrote += fill(fds[i]);
			usleep(300000);
		}
		for (i = 0; i < nfds; i++)
			if (shutdown(fds[i], SHUT_WR))
				fail("shutdown: %s", errname(errno));
	}
	printf("connected %d failed %d ms %ld\n", done, failed, now_ms() - t0);
	if (m_tw)
		exit(failed ? 1 : 0);
	hold_forever();
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int i;

	helper_begin(&ho);
	ho.watchdog = 3000;
	i = helper_getopt(argc, argv, "+tb:s:c:a:", &ho, own_opt, usage);
	argc -= i;
	argv += i;
	if (argc != 5 || sin_parse(&sin, argv[1], num(argv[2])))
		usage();
	memset(buf, 'x', sizeof(buf));
	watchdog_arm(ho.watchdog, "fail watchdog: still running\n", 3);
	if (!strcmp(argv[0], "serve"))
		serve(&sin, num(argv[3]), argv[4]);
	else if (!strcmp(argv[0], "connect"))
		client(&sin, num(argv[3]), argv[4]);
	usage();
}
