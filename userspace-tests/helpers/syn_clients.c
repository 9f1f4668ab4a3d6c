// SPDX-License-Identifier: GPL-2.0
/*
 * syn_clients [-t] [-w SECS] serve ADDR PORT BACKLOG [FILE]
 * syn_clients [-t] [-w SECS] clients ADDR PORT N
 *
 * The real clients of syn_flood.sh, and their server.  "serve" listens on
 * ADDR:PORT with BACKLOG, creates FILE (when given) once listening, and
 * answers every connection: it reads a 64-byte request and writes back
 * the 64 bytes each plus one, then closes; until killed.  It prints
 * "served N" at each 100th connection and when killed by SIGTERM.
 *
 * "clients" opens N connections at once (non-blocking connect(), poll()),
 * each sending a request carrying its index and checking the answer, and
 * prints "clients N done D failed F max_connect_ms M max_ms T": D
 * complete exchanges, F failures (a "fail I WHAT: ERRNO" line each, the
 * first ten), the longest connect and the longest whole exchange.  It
 * gives up on what has not completed after SECS (default 60) and exits 1
 * unless every client completed.
 *
 * -t (or XTCP_TEST_FAMILY=tcp) uses Linux TCP (AF_INET) instead of XTCP.
 * Work in progress: built by syn_flood.sh itself, not by the Makefile.
 */

#include "../xtcp_test.h"

#include <stdatomic.h>

#define MSG		64
#define MAX_CONNS	4096

struct conn {
	int fd;
	int idx;
	unsigned int off;	/* bytes sent or received in this phase */
	bool connected, sent;
	long start_ms, connect_ms;
	unsigned char buf[MSG];
};

static int family = AF_XTCP;
static atomic_bool done;	/* lock-free: safe in a signal handler */
static unsigned long served;

static void on_term(int sig)
{
	(void)sig;
	atomic_store(&done, true);
}

static void fill_request(unsigned char *b, int idx)
{
	int i;

	for (i = 0; i < MSG; i++)
		b[i] = (unsigned char)(idx * 7 + i);
}

static int new_socket(void)
{
	int fd = sock_stream(family, SOCK_NONBLOCK);

	if (fd < 0)
		fail("socket: %s", strerror(errno));
	return fd;
}

static int serve(struct sockaddr_in *sin, int backlog, const char *file)
{
	static struct conn c[MAX_CONNS];
	static struct pollfd p[MAX_CONNS + 1];
	struct sigaction sa = { .sa_handler = on_term };
	int lfd, n = 0, i, fd;
	ssize_t r;

	sigaction(SIGTERM, &sa, NULL);
	lfd = sock_listen(family, sin, backlog, SOCK_NONBLOCK);
	if (lfd < 0) {
		printf("fail bind/listen: %s\n", strerror(errno));
		return 1;
	}
	if (file)
		touch(file);
	while (!atomic_load(&done)) {
		p[0].fd = lfd;
		p[0].events = n < MAX_CONNS ? POLLIN : 0;
		for (i = 0; i < n; i++) {
			p[i + 1].fd = c[i].fd;
			p[i + 1].events = c[i].sent ? 0 :
				c[i].off < MSG ? POLLIN : POLLOUT;
		}
		if (poll(p, n + 1, 1000) < 0)
			continue;
		for (i = n - 1; i >= 0; i--) {
			if (!p[i + 1].revents)
				continue;
			if (c[i].off < MSG) {
				r = read(c[i].fd, c[i].buf + c[i].off,
					 MSG - c[i].off);
				if (r > 0)
					c[i].off += r;
				else if (!r || errno != EAGAIN)
					c[i].sent = true;	/* drop it */
				if (c[i].off == MSG) {
					int k;

					for (k = 0; k < MSG; k++)
						c[i].buf[k]++;
				}
			} else {
				r = write(c[i].fd, c[i].buf, MSG);
				c[i].sent = true;
				if (r == MSG && ++served % 100 == 0)
					printf("served %lu\n", served);
			}
			if (c[i].sent) {
				close(c[i].fd);
				c[i] = c[--n];
			}
		}
		while (n < MAX_CONNS && (p[0].revents & POLLIN)) {
			fd = accept4(lfd, NULL, NULL,
				     SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0)
				break;
			memset(&c[n], 0, sizeof(c[n]));
			c[n++].fd = fd;
		}
		fflush(stdout);
	}
	printf("served %lu\n", served);
	return 0;
}

static int run_clients(struct sockaddr_in *sin, int count, int secs)
{
	static struct conn c[MAX_CONNS];
	static struct pollfd p[MAX_CONNS];
	long t0 = now_ms(), max_conn = 0, max_all = 0;
	int i, left = count, ok = 0, failed = 0, err;
	unsigned char want[MSG];
	socklen_t len;
	ssize_t r;

	for (i = 0; i < count; i++) {
		c[i].idx = i;
		c[i].fd = new_socket();
		c[i].start_ms = now_ms();
		if (sock_connect(c[i].fd, sin) &&
		    errno != EINPROGRESS) {
			printf("fail %d connect: %s\n", i, strerror(errno));
			close(c[i].fd);
			c[i].fd = -1;
			failed++;
			left--;
		}
	}
	while (left && now_ms() - t0 < secs * 1000L) {
		for (i = 0; i < count; i++) {
			p[i].fd = c[i].fd;
			p[i].events = !c[i].connected || !c[i].sent ?
				POLLOUT : POLLIN;
		}
		if (poll(p, count, 100) < 0)
			continue;
		for (i = 0; i < count; i++) {
			if (c[i].fd < 0 || !p[i].revents)
				continue;
			err = 0;
			if (!c[i].connected) {
				len = sizeof(err);
				getsockopt(c[i].fd, SOL_SOCKET, SO_ERROR, &err,
					   &len);
				if (err)
					goto fail;
				c[i].connected = true;
				c[i].connect_ms = now_ms() - c[i].start_ms;
				if (c[i].connect_ms > max_conn)
					max_conn = c[i].connect_ms;
				fill_request(c[i].buf, i);
				continue;
			}
			if (!c[i].sent) {
				r = write(c[i].fd, c[i].buf, MSG);
				if (r != MSG) {
					err = r < 0 ? errno : EMSGSIZE;
					goto fail;
				}
				c[i].sent = true;
				continue;
			}
			r = read(c[i].fd, c[i].buf + c[i].off, MSG - c[i].off);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0) {
				err = r < 0 ? errno : EPIPE;
				goto fail;
			}
			c[i].off += r;
			if (c[i].off < MSG)
				continue;
			fill_request(want, i);
			for (r = 0; r < MSG; r++)
				want[r]++;
			if (memcmp(want, c[i].buf, MSG)) {
				err = EBADMSG;
				goto fail;
			}
			if (now_ms() - c[i].start_ms > max_all)
				max_all = now_ms() - c[i].start_ms;
			ok++;
			goto next;
fail:
			if (failed < 10)
				printf("fail %d %s: %s\n", i,
				       !c[i].connected ? "connect" :
				       !c[i].sent ? "send" : "recv",
				       strerror(err));
			failed++;
next:
			close(c[i].fd);
			c[i].fd = -1;
			left--;
		}
	}
	for (i = 0; i < count; i++) {
		if (c[i].fd < 0)
			continue;
		if (failed < 10)
			printf("fail %d %s: timed out\n", i,
			       !c[i].connected ? "connect" : "exchange");
		failed++;
		close(c[i].fd);
	}
	printf("clients %d done %d failed %d max_connect_ms %ld max_ms %ld\n",
	       count, ok, failed, max_conn, max_all);
	return ok == count ? 0 : 1;
}

static int secs = 60;	/* -w */

static void __attribute__((noreturn)) usage(void)
{
	exit(2);
}

static bool own_opt(int opt, char *arg)
{
	if (opt != 'w')
		return false;
	secs = atoi(arg);
	return true;
}

int main(int argc, char **argv)
{
	struct helper_opts ho;
	struct sockaddr_in sin;
	int n;

	helper_begin(&ho);
	optind = helper_getopt(argc, argv, "tw:", &ho, own_opt, usage);
	argc -= optind;
	argv += optind;
	family = ho.tcp ? AF_INET : AF_XTCP;
	if (argc < 4 || sin_parse(&sin, argv[1], atoi(argv[2])))
		return 2;
	n = atoi(argv[3]);
	if (!strcmp(argv[0], "serve"))
		return serve(&sin, n, argc > 4 ? argv[4] : NULL);
	if (!strcmp(argv[0], "clients") && n > 0 && n <= MAX_CONNS)
		return run_clients(&sin, n, secs);
	return 2;
}
