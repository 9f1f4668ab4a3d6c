// SPDX-License-Identifier: GPL-2.0
/*
 * mem_peer [OPTIONS] serve|fill ADDR PORT N [SIZE]: many connections at
 * once, for memory.sh, whose data sits in the kernel's buffers while the
 * test looks at the memory they take.
 *
 *   serve ADDR PORT N	accept N connections ("accepted N"), read none
 *			of them until -W FILE appears, then read them all
 *			up to EOF or an error: "conn I bytes B end eof|ERRNO
 *			stream ok|bad" each, then "done"
 *   fill ADDR PORT N SIZE
 *			open N connections and send SIZE bytes on each
 *			(non-blocking, poll); with -s MS, say "stalled" once
 *			no byte went for MS ms, and with -W FILE stop there;
 *			"queued I bytes B" each; then wait for -W FILE (if
 *			given) and close them one by one, -g MS apart
 *			("closed I")
 *
 * Each connection carries the seeded stream of its client's port, so the
 * server checks every byte.  Options: -t (Linux TCP), -L FILE (touched
 * once listening), -W FILE, -b BYTES (SO_RCVBUF before listen), -s MS,
 * -g MS, -a SECONDS (give up; default 300).
 */

#include "../xtcp_test.h"

#include <poll.h>

#define MAX_CONNS	64
#define CHUNK		65536

static struct helper_opts ho;
static int rcvbuf, stall_ms, gap_ms;

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: mem_peer [-t] [-L FILE] [-W FILE] [-b BYTES] [-s MS] [-g MS]\n"
		"\t[-a SECONDS] serve ADDR PORT N | fill ADDR PORT N SIZE\n");
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
		stall_ms = num(arg);
		return true;
	case 'g':
		gap_ms = num(arg);
		return true;
	}
	return false;
}

struct conn {
	int fd;
	struct stream g;
	size_t bytes;
	int err;		/* serve: errno that ended it, 0 for EOF */
	bool done;
	bool bad;		/* serve: a byte not of the stream */
};

static struct conn conns[MAX_CONNS];
static uint8_t buf[CHUNK], want[CHUNK];

static void serve(const struct sockaddr_in *sin, int n)
{
	int lfd = socket_or_fail(ho.tcp ? AF_INET : AF_XTCP), i, left = n;
	struct pollfd pfd[MAX_CONNS];
	struct sockaddr_in peer;
	ssize_t r;

	if (rcvbuf && sock_set_int(lfd, SOL_SOCKET, SO_RCVBUF, rcvbuf))
		fail("SO_RCVBUF: %s", errname(errno));
	if (sock_set_int(lfd, SOL_SOCKET, SO_REUSEADDR, 1) ||
	    sock_bind(lfd, sin) || listen(lfd, MAX_CONNS))
		fail("listen: %s", errname(errno));
	touch_or_fail(ho.listen_file);
	for (i = 0; i < n; i++) {
		conns[i].fd = sock_accept(lfd, &peer, 0);
		if (conns[i].fd < 0)
			fail("accept: %s", errname(errno));
		stream_init(&conns[i].g, ntohs(peer.sin_port));
	}
	printf("accepted %d\n", n);
	if (ho.wait_file)
		wait_for_file_or_fail(ho.wait_file, 240);

	while (left) {
		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd){
				.fd = conns[i].done ? -1 : conns[i].fd,
				.events = POLLIN,
			};
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			fail("poll: %s", errname(errno));
		for (i = 0; i < n; i++) {
			struct conn *c = &conns[i];

			if (c->done || !pfd[i].revents)
				continue;
			r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r > 0) {
				stream_fill(&c->g, want, r);
				c->bad |= !!memcmp(buf, want, r);
				c->bytes += r;
				continue;
			}
			c->err = r < 0 ? errno : 0;
			c->done = true;
			left--;
		}
	}
	for (i = 0; i < n; i++)
		printf("conn %d bytes %zu end %s stream %s\n", i,
		       conns[i].bytes,
		       conns[i].err ? errname(conns[i].err) : "eof",
		       conns[i].bad ? "bad" : "ok");
	printf("done\n");
}

static void fill(const struct sockaddr_in *sin, int n, size_t size)
{
	bool stalled = false;
	long last = now_ms();
	int i, left = n;

	for (i = 0; i < n; i++) {
		struct conn *c = &conns[i];

		c->fd = socket_or_fail(ho.tcp ? AF_INET : AF_XTCP);
		if (sock_connect(c->fd, sin) || sock_set_nonblock(c->fd, true))
			fail("connect: %s", errname(errno));
		stream_init(&c->g, sock_port(c->fd, false));
	}
	while (left) {
		struct pollfd pfd[MAX_CONNS];
		bool moved = false;
		struct stream g;
		ssize_t r;

		for (i = 0; i < n; i++)
			pfd[i] = (struct pollfd){
				.fd = conns[i].done ? -1 : conns[i].fd,
				.events = POLLOUT,
			};
		if (poll(pfd, n, 100) < 0 && errno != EINTR)
			fail("poll: %s", errname(errno));
		for (i = 0; i < n; i++) {
			struct conn *c = &conns[i];
			size_t len = size - c->bytes;

			if (c->done || !(pfd[i].revents & POLLOUT))
				continue;
			if (len > sizeof(buf))
				len = sizeof(buf);
			/* The stream goes on where send() stopped. */
			g = c->g;
			stream_fill(&g, buf, len);
			r = send(c->fd, buf, len, MSG_NOSIGNAL);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r < 0)
				fail("send: %s", errname(errno));
			stream_fill(&c->g, buf, r);
			c->bytes += r;
			moved = true;
			if (c->bytes == size) {
				c->done = true;
				left--;
			}
		}
		if (moved) {
			last = now_ms();
		} else if (stall_ms && now_ms() - last >= stall_ms &&
			   !stalled) {
			/* With -W, the connections close stalled. */
			printf("stalled\n");
			stalled = true;
			if (ho.wait_file)
				break;
		}
	}
	for (i = 0; i < n; i++)
		printf("queued %d bytes %zu\n", i, conns[i].bytes);
	if (ho.wait_file)
		wait_for_file_or_fail(ho.wait_file, 240);
	for (i = 0; i < n; i++) {
		if (i && gap_ms)
			usleep(gap_ms * 1000);
		close(conns[i].fd);
		printf("closed %d\n", i);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int i, n;

	helper_begin(&ho);
	i = helper_getopt(argc, argv, "+tL:E:W:a:b:s:g:", &ho, own_opt, usage);
	argc -= i;
	argv += i;
	if (argc < 4)
		usage();
	n = num(argv[3]);
	if (n < 1 || n > MAX_CONNS || sin_parse(&sin, argv[1], num(argv[2])))
		usage();
	watchdog_arm(ho.watchdog, "fail watchdog: still running\n", 3);
	if (!strcmp(argv[0], "serve"))
		serve(&sin, n);
	else if (!strcmp(argv[0], "fill") && argc == 5)
		fill(&sin, n, num(argv[4]));
	else
		usage();
	return 0;
}
