// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_rel [OPTIONS] listen|connect ADDR PORT MODE [ARGS...]: one end of a
 * connection for reliability.sh.  "listen" accepts one connection on
 * ADDR:PORT, "connect" opens one to it; then MODE runs on it.  Results are
 * printed one a line, for the shell to read:
 *
 *   connected PORT			the connection is up (local port)
 *   sent N sha256 HEX			bytes sent and their SHA-256
 *   received N sha256 HEX		bytes received up to EOF, SHA-256
 *   info WHEN KEY=VALUE...		XTCP_INFO (TCP_INFO with -t), below
 *   error ERRNO after MS ms at US	the error a blocked call ended with
 *   fail WHAT: ERRNO			anything unexpected (exit status 1)
 *
 * Modes:
 *   bulk N	send N bytes while receiving up to EOF (a thread each);
 *		"info sender" once all N are acknowledged, then shutdown(WR)
 *   send N	send N bytes (non-blocking, poll), "info sent" once they are
 *		all acknowledged, shutdown(WR), read up to the peer's EOF;
 *		"maxprobes K": the most probes XTCP_INFO showed while
 *		the send buffer was full
 *   recv	(with -W FILE: wait for FILE first) read up to EOF, close
 *   hold	read and discard until EOF, an error, or -W FILE
 *   pingpong N SIZE
 *		connect side: N times send SIZE bytes and read SIZE back,
 *		then send SIZE once more ("lastsent"), then hold;
 *		listen side: N times read SIZE and send SIZE back, then read
 *		SIZE once more ("lastread"), then hold
 *   synwin N	see mode_synwin(): N connections, the window each SYN-ACK
 *		offered
 *   wait-error [N]
 *		wait for -W FILE if given, send N bytes (default 0), then
 *		block in recv() until it fails: "error ERRNO after MS ms at
 *		US", MS counted from FILE's appearance (or the connection),
 *		US the wall-clock time of the error in microseconds
 *
 * Options:
 *   -t		Linux TCP (AF_INET) instead of XTCP; also XTCP_TEST_FAMILY=tcp
 *   -L FILE	touch FILE once listening
 *   -E FILE	touch FILE once connected
 *   -W FILE	see the modes
 *   -b BYTES	SO_RCVBUF before listen() or connect()
 *   -k I,N,C	SO_KEEPALIVE with TCP_KEEPIDLE I, TCP_KEEPINTVL N, TCP_KEEPCNT C
 *   -u MS	TCP_USER_TIMEOUT
 *   -a SECONDS	give up after this long (default 300)
 *
 * The info keys: state rtt_us rttvar_us rto_us cwnd ssthresh ca_state
 * probes packets_out unacked total_retrans retransmits snd_wnd rtt_samples
 * (rtt_samples is "-" for TCP, which has no such field).
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
/* The kernel's struct tcp_info: glibc's lacks tcpi_snd_wnd. */
#include <linux/tcp.h>
#include <poll.h>
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

#ifndef TCP_USER_TIMEOUT
#define TCP_USER_TIMEOUT	18
#endif

#define IO_SIZE		65536
#define WAIT_S		120	/* waiting for a file, or for acknowledgements */

static int tcp_mode;
static int is_listen;
static const char *listen_file, *conn_file, *wait_file;
static int rcvbuf, user_timeout = -1;
static int ka_idle, ka_intvl, ka_cnt;

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
	fprintf(stderr, "usage: xtcp_rel [-t] [-L FILE] [-E FILE] [-W FILE] [-b BYTES]\n"
		"\t[-k IDLE,INTVL,CNT] [-u MS] [-a SECONDS]\n"
		"\tlisten|connect ADDR PORT bulk N|send N|recv|hold|pingpong N SIZE|\n"
		"\t\tsynwin N|wait-error [N]\n");
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

/* ---- the byte streams: splitmix64, seeded by the sending side ---- */

struct stream {
	uint64_t s, word;
	unsigned int left;
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void stream_fill(struct stream *g, uint8_t *p, size_t n)
{
	for (; n; n--) {
		if (!g->left) {
			g->word = splitmix64(&g->s);
			g->left = 8;
		}
		*p++ = g->word;
		g->word >>= 8;
		g->left--;
	}
}

/* ---- connection info ---- */

struct info {
	unsigned int state, rtt_us, rttvar_us, rto_us, cwnd, ssthresh;
	unsigned int ca_state, probes, packets_out, unacked, total_retrans;
	unsigned int retransmits, snd_wnd;
	long rtt_samples;	/* -1: not known (TCP) */
};

static int get_info(int fd, struct info *in)
{
	socklen_t len;

	memset(in, 0, sizeof(*in));
	if (tcp_mode) {
		struct tcp_info ti;

		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			return -1;
		in->state = ti.tcpi_state;
		in->rtt_us = ti.tcpi_rtt;
		in->rttvar_us = ti.tcpi_rttvar;
		in->rto_us = ti.tcpi_rto;
		in->cwnd = ti.tcpi_snd_cwnd;
		in->ssthresh = ti.tcpi_snd_ssthresh;
		in->ca_state = ti.tcpi_ca_state;
		in->probes = ti.tcpi_probes;
		in->packets_out = ti.tcpi_unacked;
		in->unacked = 0;
		in->total_retrans = ti.tcpi_total_retrans;
		in->retransmits = ti.tcpi_retransmits;
		in->snd_wnd = ti.tcpi_snd_wnd;
		in->rtt_samples = -1;
	} else {
		struct xtcp_info xi;

		len = sizeof(xi);
		if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &xi, &len))
			return -1;
		if (len < sizeof(xi))
			fail("XTCP_INFO returned %u bytes, want %zu", len,
			     sizeof(xi));
		in->state = xi.xtcpi_state;
		in->rtt_us = xi.xtcpi_rtt_us;
		in->rttvar_us = xi.xtcpi_rttvar_us;
		in->rto_us = xi.xtcpi_rto_us;
		in->cwnd = xi.xtcpi_snd_cwnd;
		in->ssthresh = xi.xtcpi_snd_ssthresh;
		in->ca_state = xi.xtcpi_ca_state;
		in->probes = xi.xtcpi_probes;
		in->packets_out = xi.xtcpi_packets_out;
		in->unacked = xi.xtcpi_unacked;
		in->total_retrans = xi.xtcpi_total_retrans;
		in->retransmits = xi.xtcpi_retransmits;
		in->snd_wnd = xi.xtcpi_snd_wnd;
		in->rtt_samples = xi.xtcpi_rtt_samples;
	}
	return 0;
}

static void print_info(int fd, const char *when)
{
	struct info in;
	char samples[24] = "-";

	if (get_info(fd, &in))
		fail("%s: %s", tcp_mode ? "TCP_INFO" : "XTCP_INFO",
		     errname(errno));
	if (in.rtt_samples >= 0)
		snprintf(samples, sizeof(samples), "%ld", in.rtt_samples);
	printf("info %s state=%u rtt_us=%u rttvar_us=%u rto_us=%u cwnd=%u ssthresh=%u ca_state=%u probes=%u packets_out=%u unacked=%u total_retrans=%u retransmits=%u snd_wnd=%u rtt_samples=%s\n",
	       when, in.state, in.rtt_us, in.rttvar_us, in.rto_us, in.cwnd,
	       in.ssthresh, in.ca_state, in.probes, in.packets_out, in.unacked,
	       in.total_retrans, in.retransmits, in.snd_wnd, samples);
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
		usleep(5000);
	}
}

/* ---- sockets ---- */

static int new_socket(void)
{
	int s = tcp_mode ? socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) :
			   socket(AF_XTCP, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (s < 0)
		fail("socket: %s", errname(errno));
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		fail("SO_REUSEADDR: %s", errname(errno));
	if (rcvbuf && setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf)))
		fail("SO_RCVBUF: %s", errname(errno));
	return s;
}

static int set_int(int fd, int level, int opt, int val, const char *name)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		fail("%s: %s", name, errname(errno));
	return 0;
}

static int open_conn(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
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
	/* Options are set on the connection, as TCP programs usually do. */
	if (ka_cnt) {
		set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
		set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, ka_idle, "TCP_KEEPIDLE");
		set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, ka_intvl,
			"TCP_KEEPINTVL");
		set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, ka_cnt, "TCP_KEEPCNT");
	}
	if (user_timeout >= 0)
		set_int(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, user_timeout,
			"TCP_USER_TIMEOUT");
	getsockname(fd, (struct sockaddr *)&sin, &len);
	printf("connected %d\n", ntohs(sin.sin_port));
	touch(conn_file);
	return fd;
}

/* ---- the modes ---- */

struct xfer {
	int fd;
	size_t bytes, done;
	uint64_t seed;
	int nonblock;		/* send with poll(), watching XTCP_INFO probes */
	unsigned int maxprobes;
	uint8_t digest[SHA256_DIGEST_SIZE];
};

static void print_digest(const char *what, size_t n, const uint8_t *d)
{
	char hex[2 * SHA256_DIGEST_SIZE + 1];

	sha256_hex(d, hex);
	printf("%s %zu sha256 %s\n", what, n, hex);
}

static void send_all(struct xfer *x)
{
	static uint8_t buf[IO_SIZE];
	struct sha256_ctx h;
	struct stream g = { .s = x->seed };
	struct pollfd p = { .fd = x->fd, .events = POLLOUT };
	struct info in;
	size_t n, off;
	ssize_t r;

	sha256_init(&h);
	if (x->nonblock &&
	    fcntl(x->fd, F_SETFL, fcntl(x->fd, F_GETFL) | O_NONBLOCK))
		fail("O_NONBLOCK: %s", errname(errno));
	while (x->done < x->bytes) {
		n = x->bytes - x->done < IO_SIZE ? x->bytes - x->done : IO_SIZE;
		stream_fill(&g, buf, n);
		sha256_update(&h, buf, n);
		for (off = 0; off < n;) {
			r = send(x->fd, buf + off, n - off, MSG_NOSIGNAL);
			if (r >= 0) {
				off += r;
				x->done += r;
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN || !x->nonblock)
				fail("send after %zu bytes: %s", x->done,
				     errname(errno));
			if (poll(&p, 1, 50) < 0 && errno != EINTR)
				fail("poll: %s", errname(errno));
			if (!get_info(x->fd, &in) && in.probes > x->maxprobes)
				x->maxprobes = in.probes;
		}
	}
	sha256_final(&h, x->digest);
	if (x->nonblock &&
	    fcntl(x->fd, F_SETFL, fcntl(x->fd, F_GETFL) & ~O_NONBLOCK))
		fail("O_NONBLOCK: %s", errname(errno));
}

static void recv_all(struct xfer *x)
{
	static uint8_t buf[IO_SIZE];
	struct sha256_ctx h;
	ssize_t r;

	sha256_init(&h);
	for (;;) {
		r = recv(x->fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fail("recv after %zu bytes: %s", x->done,
			     errname(errno));
		if (!r)
			break;
		sha256_update(&h, buf, r);
		x->done += r;
	}
	sha256_final(&h, x->digest);
}

static void *bulk_sender(void *arg)
{
	struct xfer *x = arg;

	send_all(x);
	wait_acked(x->fd);
	print_info(x->fd, "sender");
	if (shutdown(x->fd, SHUT_WR))
		fail("shutdown: %s", errname(errno));
	return NULL;
}

static void mode_bulk(int fd, size_t bytes, uint64_t seed)
{
	struct xfer tx = { .fd = fd, .bytes = bytes, .seed = seed };
	struct xfer rx = { .fd = fd };
	pthread_t tid;

	if (pthread_create(&tid, NULL, bulk_sender, &tx))
		fail("pthread_create");
	recv_all(&rx);
	pthread_join(tid, NULL);
	print_digest("sent", tx.done, tx.digest);
	print_digest("received", rx.done, rx.digest);
}

static void mode_send(int fd, size_t bytes, uint64_t seed)
{
	struct xfer tx = { .fd = fd, .bytes = bytes, .seed = seed,
			   .nonblock = 1 };
	char c;
	ssize_t r;

	send_all(&tx);
	wait_acked(fd);
	print_info(fd, "sent");
	printf("maxprobes %u\n", tx.maxprobes);
	print_digest("sent", tx.done, tx.digest);
	if (shutdown(fd, SHUT_WR))
		fail("shutdown: %s", errname(errno));
	do
		r = recv(fd, &c, 1, 0);
	while (r < 0 && errno == EINTR);
	if (r)
		fail("waiting for EOF: %s", r < 0 ? errname(errno) : "data");
}

static void mode_recv(int fd)
{
	struct xfer rx = { .fd = fd };

	if (wait_file)
		wait_for_file(wait_file);
	recv_all(&rx);
	print_digest("received", rx.done, rx.digest);
}

static void mode_hold(int fd)
{
	struct stat st;
	char buf[4096];
	ssize_t r;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (wait_file && !stat(wait_file, &st)) {
			printf("hold: %s appeared\n", wait_file);
			return;
		}
		if (poll(&p, 1, 20) <= 0)
			continue;
		r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0) {
			printf("hold: %s\n", errname(errno));
			return;
		}
		if (!r) {
			printf("hold: EOF\n");
			return;
		}
	}
}

static void exact(int fd, int do_send, size_t n)
{
	char buf[IO_SIZE];
	size_t done = 0;
	ssize_t r;

	memset(buf, 'x', sizeof(buf));
	while (done < n) {
		r = do_send ? send(fd, buf, n - done, MSG_NOSIGNAL) :
			      recv(fd, buf, n - done, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			fail("%s: %s", do_send ? "send" : "recv",
			     r ? errname(errno) : "EOF");
		done += r;
	}
}

static void mode_pingpong(int fd, long rounds, size_t size)
{
	struct timespec ts;
	long i;

	if (size > IO_SIZE)
		usage();
	set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
	for (i = 0; i < rounds; i++) {
		exact(fd, !is_listen, size);
		exact(fd, is_listen, size);
	}
	exact(fd, !is_listen, size);
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%s %ld.%06ld\n", is_listen ? "lastread" : "lastsent",
	       (long)ts.tv_sec, ts.tv_nsec / 1000);
	mode_hold(fd);
}

static void mode_wait_error(int fd, size_t bytes)
{
	struct timespec ts;
	long t0;
	char c;
	ssize_t r;

	if (wait_file)
		wait_for_file(wait_file);
	t0 = now_ms();
	if (bytes) {
		struct xfer tx = { .fd = fd, .bytes = bytes, .seed = 3 };

		send_all(&tx);
		printf("sent %zu\n", tx.done);
	}
	do
		r = recv(fd, &c, 1, 0);
	while (r < 0 && errno == EINTR);
	if (r >= 0)
		fail("recv returned %zd, not an error", r);
	r = errno;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("error %s after %ld ms at %lld%06ld\n", errname(r),
	       now_ms() - t0, (long long)ts.tv_sec, ts.tv_nsec / 1000);
}

/*
 * synwin N: the listen side accepts N connections one after the other
 * ("rcvbuf B": its SO_RCVBUF read back), reading each to EOF; the connect
 * side opens them, printing "synwin W": the peer's window right after
 * connect(), which is what its SYN-ACK offered.
 */
static void mode_synwin(const char *addr, int port, long n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(int);
	struct info in;
	int s, fd, val;
	char c;
	long i;

	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		usage();
	if (is_listen) {
		s = new_socket();
		if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(s, n))
			fail("bind/listen %s:%d: %s", addr, port,
			     errname(errno));
		if (getsockopt(s, SOL_SOCKET, SO_RCVBUF, &val, &len))
			fail("SO_RCVBUF: %s", errname(errno));
		printf("rcvbuf %d\n", val);
		touch(listen_file);
		for (i = 0; i < n; i++) {
			fd = accept4(s, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0)
				fail("accept: %s", errname(errno));
			if (recv(fd, &c, 1, 0))
				fail("waiting for EOF: %s", errname(errno));
			close(fd);
		}
		close(s);
		return;
	}
	for (i = 0; i < n; i++) {
		s = new_socket();
		if (connect(s, (struct sockaddr *)&sin, sizeof(sin)))
			fail("connect %s:%d: %s", addr, port, errname(errno));
		if (get_info(s, &in))
			fail("%s: %s", tcp_mode ? "TCP_INFO" : "XTCP_INFO",
			     errname(errno));
		printf("synwin %u\n", in.snd_wnd);
		close(s);
	}
}

int main(int argc, char **argv)
{
	const char *fam = getenv("XTCP_TEST_FAMILY");
	int opt, fd, port, watchdog = 300;
	const char *mode;
	uint64_t seed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	tcp_mode = fam && !strcmp(fam, "tcp");
	while ((opt = getopt(argc, argv, "+tL:E:W:b:k:u:a:")) != -1) {
		switch (opt) {
		case 't':
			tcp_mode = 1;
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
		case 'b':
			rcvbuf = num(optarg);
			break;
		case 'k':
			if (sscanf(optarg, "%d,%d,%d", &ka_idle, &ka_intvl,
				   &ka_cnt) != 3 || ka_cnt <= 0)
				usage();
			break;
		case 'u':
			user_timeout = num(optarg);
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
	if (argc < 4)
		usage();
	if (!strcmp(argv[0], "listen"))
		is_listen = 1;
	else if (strcmp(argv[0], "connect"))
		usage();
	port = num(argv[2]);
	mode = argv[3];
	signal(SIGALRM, on_alarm);
	alarm(watchdog);
	/* Each side's stream has its own seed, so the two directions differ. */
	seed = 0x58544350ULL << 16 ^ (uint64_t)port << 1 ^ is_listen;

	if (!strcmp(mode, "synwin") && argc == 5) {
		mode_synwin(argv[1], port, num(argv[4]));
		printf("done\n");
		return 0;
	}
	fd = open_conn(argv[1], port);
	if (!strcmp(mode, "bulk") && argc == 5)
		mode_bulk(fd, num(argv[4]), seed);
	else if (!strcmp(mode, "send") && argc == 5)
		mode_send(fd, num(argv[4]), seed);
	else if (!strcmp(mode, "recv") && argc == 4)
		mode_recv(fd);
	else if (!strcmp(mode, "hold") && argc == 4)
		mode_hold(fd);
	else if (!strcmp(mode, "pingpong") && argc == 6)
		mode_pingpong(fd, num(argv[4]), num(argv[5]));
	else if (!strcmp(mode, "wait-error") && (argc == 4 || argc == 5))
		mode_wait_error(fd, argc == 5 ? num(argv[4]) : 0);
	else
		usage();
	close(fd);
	printf("done\n");
	return 0;
}
