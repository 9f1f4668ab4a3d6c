// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_opts [OPTIONS] listen|connect ADDR PORT BYTES: one end of a
 * connection for options.sh.  "listen" accepts one connection on
 * ADDR:PORT, "connect" opens one to it.  Then one thread sends BYTES
 * (possibly 0) while the main thread reads up to EOF.  Results are printed
 * one a line, for the shell to read:
 *
 *   rcvbuf N sndbuf M		SO_RCVBUF, SO_SNDBUF read back before
 *				connect() or listen()
 *   connected LPORT RPORT	the connection is up
 *   info WHEN KEY=VALUE...	XTCP_INFO (TCP_INFO with -t): WHEN is
 *				"connected" (right after connect() or
 *				accept()), "acked" (all BYTES acknowledged,
 *				before shutdown(SHUT_WR)) or "end" (after
 *				EOF, before close())
 *   max KEY=VALUE...		with -p: the largest sacked, lost, unacked
 *				(bytes) and packets_out XTCP_INFO showed
 *				while BYTES were being sent
 *   sent N sha256 HEX		bytes sent and their SHA-256
 *   received N sha256 HEX	bytes received up to EOF, SHA-256
 *   fail WHAT: ERRNO		anything unexpected (exit status 1)
 *
 * The info keys: state options snd_wscale rcv_wscale snd_wnd rcv_wnd
 * snd_una snd_nxt rcv_nxt total_retrans unacked packets_out sacked lost.
 * For TCP, snd_una, snd_nxt, rcv_nxt, unacked and rcv_wnd are "-" (not in
 * struct tcp_info, or not in every header's), packets_out is tcpi_unacked.
 *
 * Options:
 *   -t		Linux TCP (AF_INET) instead of XTCP; also XTCP_TEST_FAMILY=tcp
 *   -r BYTES	SO_RCVBUFFORCE before listen() or connect()
 *   -s BYTES	SO_SNDBUFFORCE before listen() or connect()
 *   -L FILE	touch FILE once listening
 *   -E FILE	touch FILE once connected
 *   -W FILE	wait for FILE before sending
 *   -d MS	sleep MS before sending
 *   -p		sample XTCP_INFO every millisecond while sending ("max")
 *   -a SECONDS	give up after this long (default 300)
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
/* The kernel's struct tcp_info: glibc's lacks tcpi_snd_wnd. */
#include <linux/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

#include "../sha256.h"

#define IO_SIZE		65536
#define WAIT_S		120	/* waiting for a file, or for acknowledgements */

static int tcp_mode;
static int is_listen;
static const char *listen_file, *conn_file, *wait_file;
static int rcvbuf, sndbuf, delay_ms, sample;

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	printf("fail ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static const char *errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "E?";
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: xtcp_opts [-t] [-r BYTES] [-s BYTES] [-L FILE] [-E FILE]\n"
		"\t[-W FILE] [-d MS] [-p] [-a SECONDS] listen|connect ADDR PORT BYTES\n");
	exit(2);
}

static long num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0)
		usage();
	return v;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void touch(const char *path)
{
	int f;

	if (!path)
		return;
	f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (f < 0)
		fail("touch %s: %s", path, errname(errno));
	close(f);
}

static void wait_for_file(const char *path)
{
	struct stat st;
	long end = now_ms() + WAIT_S * 1000;

	while (stat(path, &st)) {
		if (now_ms() > end)
			fail("%s did not appear in %d s", path, WAIT_S);
		usleep(2000);
	}
}

static void on_alarm(int sig)
{
	static const char msg[] = "fail watchdog: still running\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

/* ---- the byte stream: splitmix64, seeded by the sending side ---- */

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- connection info ---- */

/* Values of -1 are printed "-": not known. */
struct info {
	long state, options, snd_wscale, rcv_wscale, snd_wnd, rcv_wnd;
	long snd_una, snd_nxt, rcv_nxt, total_retrans, unacked, packets_out;
	long sacked, lost;
};

static int get_info(int fd, struct info *in)
{
	socklen_t len;

	if (tcp_mode) {
		struct tcp_info ti;

		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			return -1;
		*in = (struct info){
			.state = ti.tcpi_state,
			.options = ti.tcpi_options,
			.snd_wscale = ti.tcpi_snd_wscale,
			.rcv_wscale = ti.tcpi_rcv_wscale,
			.snd_wnd = ti.tcpi_snd_wnd,
			.rcv_wnd = -1,	/* not in every tcp.h */
			.snd_una = -1, .snd_nxt = -1, .rcv_nxt = -1,
			.total_retrans = ti.tcpi_total_retrans,
			.unacked = -1,
			.packets_out = ti.tcpi_unacked,
			.sacked = ti.tcpi_sacked,
			.lost = ti.tcpi_lost,
		};
	} else {
		struct xtcp_info xi;

		len = sizeof(xi);
		if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &xi, &len))
			return -1;
		if (len < sizeof(xi))
			fail("XTCP_INFO returned %u bytes, want %zu", len,
			     sizeof(xi));
		*in = (struct info){
			.state = xi.xtcpi_state,
			.options = xi.xtcpi_options,
			.snd_wscale = xi.xtcpi_snd_wscale,
			.rcv_wscale = xi.xtcpi_rcv_wscale,
			.snd_wnd = xi.xtcpi_snd_wnd,
			.rcv_wnd = xi.xtcpi_rcv_wnd,
			.snd_una = xi.xtcpi_snd_una,
			.snd_nxt = xi.xtcpi_snd_nxt,
			.rcv_nxt = xi.xtcpi_rcv_nxt,
			.total_retrans = xi.xtcpi_total_retrans,
			.unacked = xi.xtcpi_unacked,
			.packets_out = xi.xtcpi_packets_out,
			.sacked = xi.xtcpi_sacked,
			.lost = xi.xtcpi_lost,
		};
	}
	return 0;
}

static void put(const char *key, long v)
{
	if (v < 0)
		printf(" %s=-", key);
	else
		printf(" %s=%ld", key, v);
}

static void print_info(int fd, const char *when)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct info in;

	if (get_info(fd, &in))
		fail("%s: %s", tcp_mode ? "TCP_INFO" : "XTCP_INFO",
		     errname(errno));
	pthread_mutex_lock(&lock);
	printf("info %s", when);
	put("state", in.state);
	put("options", in.options);
	put("snd_wscale", in.snd_wscale);
	put("rcv_wscale", in.rcv_wscale);
	put("snd_wnd", in.snd_wnd);
	put("rcv_wnd", in.rcv_wnd);
	put("snd_una", in.snd_una);
	put("snd_nxt", in.snd_nxt);
	put("rcv_nxt", in.rcv_nxt);
	put("total_retrans", in.total_retrans);
	put("unacked", in.unacked);
	put("packets_out", in.packets_out);
	put("sacked", in.sacked);
	put("lost", in.lost);
	printf("\n");
	pthread_mutex_unlock(&lock);
}

/* Wait until everything sent is acknowledged (SIOCOUTQ 0). */
static void wait_acked(int fd)
{
	long end = now_ms() + WAIT_S * 1000;
	int outq;

	for (;;) {
		if (ioctl(fd, SIOCOUTQ, &outq))
			fail("SIOCOUTQ: %s", errname(errno));
		if (!outq)
			return;
		if (now_ms() > end)
			fail("%d bytes still unacknowledged after %d s", outq,
			     WAIT_S);
		usleep(2000);
	}
}

/* ---- the connection ---- */

static void set_buf(int s, int opt, int val, const char *name)
{
	if (val && setsockopt(s, SOL_SOCKET, opt, &val, sizeof(val)))
		fail("%s: %s", name, errname(errno));
}

static int new_socket(void)
{
	int s = tcp_mode ? socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) :
			   socket(AF_XTCP, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, rb, sb;
	socklen_t len = sizeof(int);

	if (s < 0)
		fail("socket: %s", errname(errno));
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		fail("SO_REUSEADDR: %s", errname(errno));
	set_buf(s, SO_RCVBUFFORCE, rcvbuf, "SO_RCVBUFFORCE");
	set_buf(s, SO_SNDBUFFORCE, sndbuf, "SO_SNDBUFFORCE");
	if (getsockopt(s, SOL_SOCKET, SO_RCVBUF, &rb, &len) ||
	    getsockopt(s, SOL_SOCKET, SO_SNDBUF, &sb, &len))
		fail("SO_RCVBUF/SO_SNDBUF: %s", errname(errno));
	printf("rcvbuf %d sndbuf %d\n", rb, sb);
	return s;
}

static int open_conn(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in me, peer;
	socklen_t len = sizeof(me);
	int s, fd;

	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		usage();
	s = new_socket();
	if (is_listen) {
		if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(s, 1))
			fail("bind/listen %s:%d: %s", addr, port,
			     errname(errno));
		touch(listen_file);
		do
			fd = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		if (fd < 0)
			fail("accept: %s", errname(errno));
		close(s);
	} else {
		if (connect(s, (struct sockaddr *)&sin, sizeof(sin)))
			fail("connect %s:%d: %s", addr, port, errname(errno));
		fd = s;
	}
	print_info(fd, "connected");
	getsockname(fd, (struct sockaddr *)&me, &len);
	len = sizeof(peer);
	getpeername(fd, (struct sockaddr *)&peer, &len);
	printf("connected %d %d\n", ntohs(me.sin_port), ntohs(peer.sin_port));
	touch(conn_file);
	return fd;
}

/* ---- the transfer ---- */

struct xfer {
	int fd;
	size_t bytes, done;
	uint64_t seed;
	volatile int phase;	/* 0 before sending, 1 sending, 2 all acknowledged */
	struct info max;
	uint8_t digest[SHA256_DIGEST_SIZE];
};

static void print_digest(const char *what, size_t n, const uint8_t *d)
{
	char hex[2 * SHA256_DIGEST_SIZE + 1];

	sha256_hex(d, hex);
	printf("%s %zu sha256 %s\n", what, n, hex);
}

static void *sender(void *arg)
{
	static uint8_t buf[IO_SIZE];
	struct xfer *x = arg;
	struct sha256_ctx h;
	size_t n, i, off;
	ssize_t r;

	if (wait_file)
		wait_for_file(wait_file);
	if (delay_ms)
		usleep(delay_ms * 1000);
	sha256_init(&h);
	x->phase = 1;
	while (x->done < x->bytes) {
		n = x->bytes - x->done < IO_SIZE ? x->bytes - x->done : IO_SIZE;
		for (i = 0; i < n; i += 8) {
			uint64_t w = splitmix64(&x->seed);

			memcpy(buf + i, &w, n - i < 8 ? n - i : 8);
		}
		sha256_update(&h, buf, n);
		for (off = 0; off < n;) {
			r = send(x->fd, buf + off, n - off, MSG_NOSIGNAL);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				fail("send after %zu bytes: %s", x->done,
				     errname(errno));
			off += r;
			x->done += r;
		}
	}
	sha256_final(&h, x->digest);
	wait_acked(x->fd);
	x->phase = 2;
	print_info(x->fd, "acked");
	if (shutdown(x->fd, SHUT_WR))
		fail("shutdown: %s", errname(errno));
	return NULL;
}

#define MAXOF(f) do { if (in.f > m->f) m->f = in.f; } while (0)

/* -p: the largest values XTCP_INFO showed while sending. */
static void *sampler(void *arg)
{
	struct xfer *x = arg;
	struct info *m = &x->max, in;

	while (!x->phase)
		usleep(1000);
	while (x->phase == 1) {
		if (get_info(x->fd, &in))
			fail("XTCP_INFO: %s", errname(errno));
		MAXOF(sacked);
		MAXOF(lost);
		MAXOF(unacked);
		MAXOF(packets_out);
		usleep(1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *fam = getenv("XTCP_TEST_FAMILY");
	struct xfer tx = { 0 };
	pthread_t tid, sid;
	int opt, fd, port, watchdog = 300;
	uint8_t buf[IO_SIZE];
	struct sha256_ctx h;
	size_t got = 0;
	uint8_t digest[SHA256_DIGEST_SIZE];
	ssize_t r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	tcp_mode = fam && !strcmp(fam, "tcp");
	while ((opt = getopt(argc, argv, "+tr:s:L:E:W:d:pa:")) != -1) {
		switch (opt) {
		case 't':
			tcp_mode = 1;
			break;
		case 'r':
			rcvbuf = num(optarg);
			break;
		case 's':
			sndbuf = num(optarg);
			break;
		case 'L':
			listen_file = optarg;
			break;
		case 'E':
			conn_file = optarg;
			break;
		case 'W':
			wait_file = optarg;
			break;
		case 'd':
			delay_ms = num(optarg);
			break;
		case 'p':
			sample = 1;
			break;
		case 'a':
			watchdog = num(optarg);
			break;
		default:
			usage();
		}
	}
	argv += optind;
	argc -= optind;
	if (argc != 4)
		usage();
	if (!strcmp(argv[0], "listen"))
		is_listen = 1;
	else if (strcmp(argv[0], "connect"))
		usage();
	port = num(argv[2]);
	signal(SIGALRM, on_alarm);
	alarm(watchdog);

	fd = open_conn(argv[1], port);
	tx.fd = fd;
	tx.bytes = num(argv[3]);
	/* Each side's stream has its own seed, so the two directions differ. */
	tx.seed = 0x4f505453ULL << 16 ^ (uint64_t)port << 1 ^ is_listen;
	tx.max = (struct info){ .sacked = -1, .lost = -1, .unacked = -1,
				.packets_out = -1 };
	if (pthread_create(&tid, NULL, sender, &tx))
		fail("pthread_create");
	if (sample && pthread_create(&sid, NULL, sampler, &tx))
		fail("pthread_create");

	sha256_init(&h);
	for (;;) {
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail("recv after %zu bytes: %s", got, errname(errno));
		if (!r)
			break;
		sha256_update(&h, buf, r);
		got += r;
	}
	sha256_final(&h, digest);
	pthread_join(tid, NULL);
	if (sample) {
		pthread_join(sid, NULL);
		printf("max");
		put("sacked", tx.max.sacked);
		put("lost", tx.max.lost);
		put("unacked", tx.max.unacked);
		put("packets_out", tx.max.packets_out);
		printf("\n");
	}
	print_info(fd, "end");
	print_digest("sent", tx.done, tx.digest);
	print_digest("received", got, digest);
	close(fd);
	printf("done\n");
	return 0;
}
