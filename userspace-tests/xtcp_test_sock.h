/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Socket helpers of XTCP's user-space tests, included by xtcp_test.h:
 * stream sockets of either family, IPv4 addresses, options, queues, full
 * reads and writes, seeded byte streams hashed with SHA-256, XTCP_INFO or
 * TCP_INFO in one structure, and the Internet checksum.
 */
#ifndef XTCP_TEST_SOCK_H
#define XTCP_TEST_SOCK_H

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
/* The kernel's struct tcp_info: glibc's lacks tcpi_snd_wnd. */
#include <linux/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "sha256.h"

/* ---- sockets and addresses ---- */

/* socket(@family, SOCK_STREAM | SOCK_CLOEXEC | @flags, 0): AF_XTCP or AF_INET. */
static inline int sock_stream(int family, int flags)
{
	return socket(family, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
}

/* An AF_INET address of dotted @addr (not checked) and @port. */
static inline struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = inet_addr(addr);
	sin.sin_port = htons(port);
	return sin;
}

/* *@sin for @addr:@port; -1 when @addr is not a dotted IPv4 address. */
static inline int sin_parse(struct sockaddr_in *sin, const char *addr,
			    int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
}

static inline int sock_bind(int fd, const struct sockaddr_in *sin)
{
	return bind(fd, (const struct sockaddr *)sin, sizeof(*sin));
}

static inline int sock_connect(int fd, const struct sockaddr_in *sin)
{
	return connect(fd, (const struct sockaddr *)sin, sizeof(*sin));
}

static inline int sock_set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

/* An int option's value, or -errno. */
static inline int sock_get_int(int fd, int level, int name)
{
	int val = -1;
	socklen_t len = sizeof(val);

	if (getsockopt(fd, level, name, &val, &len))
		return -errno;
	return val;
}

/* SO_RCVTIMEO or SO_SNDTIMEO (@name) of @ms milliseconds. */
static inline int sock_set_timeo(int fd, int name, long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	return setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv));
}

static inline int sock_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* The local (or with @peer, remote) port of @fd, or -errno. */
static inline int sock_port(int fd, bool peer)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int r = peer ? getpeername(fd, (struct sockaddr *)&sin, &len) :
		       getsockname(fd, (struct sockaddr *)&sin, &len);

	return r ? -errno : ntohs(sin.sin_port);
}

/*
 * A listener of @family on @sin with SO_REUSEADDR and @backlog; @flags
 * for socket().  The socket, or -1 with errno.
 */
static inline int sock_listen(int family, const struct sockaddr_in *sin,
			      int backlog, int flags)
{
	int fd = sock_stream(family, flags), e;

	if (fd < 0)
		return -1;
	if (sock_set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) ||
	    sock_bind(fd, sin) || listen(fd, backlog)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* accept4(), again after a signal. */
static inline int sock_accept(int lfd, struct sockaddr_in *peer, int flags)
{
	socklen_t len = sizeof(*peer);
	int fd;

	do
		fd = accept4(lfd, (struct sockaddr *)peer, peer ? &len : NULL,
			     flags);
	while (fd < 0 && errno == EINTR);
	return fd;
}

/* The bytes waiting to be read (SIOCINQ), or -errno. */
static inline int sock_inq(int fd)
{
	int n = -1;

	return ioctl(fd, SIOCINQ, &n) ? -errno : n;
}

/* The bytes sent but not acknowledged, or not sent (SIOCOUTQ), or -errno. */
static inline int sock_outq(int fd)
{
	int n = -1;

	return ioctl(fd, SIOCOUTQ, &n) ? -errno : n;
}

/* Wait up to @ms until @fd has @want bytes to read; the count then. */
static inline int wait_inq(int fd, int want, long ms)
{
	int n;

	WAIT_UNTIL((n = sock_inq(fd)) < 0 || n >= want, ms);
	return n;
}

/*
 * Wait up to @ms until everything @fd sent is acknowledged; what is left
 * then (0 once acknowledged), or -errno.
 */
static inline int wait_outq_empty(int fd, long ms)
{
	int n;

	WAIT_UNTIL((n = sock_outq(fd)) <= 0, ms);
	return n;
}

/* poll() one socket for @events, up to @ms; its revents, or -errno. */
static inline int poll1(int fd, short events, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, ms) < 0)
		return -errno;
	return pfd.revents;
}

/* ---- whole reads and writes ---- */

/*
 * Send all @n bytes of @buf (MSG_NOSIGNAL), again after a signal, adding
 * what went to *@done.  When a non-blocking socket is full, @wait (if
 * not NULL) is called and sending goes on once it returns 0.  0, or -1
 * with errno.
 */
static inline int send_all(int fd, const void *buf, size_t n, size_t *done,
			   int (*wait)(int fd, void *arg), void *arg)
{
	const char *p = buf;
	ssize_t r;

	while (n) {
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN && wait) {
			if (wait(fd, arg))
				return -1;
			continue;
		}
		if (r < 0)
			return -1;
		p += r;
		n -= r;
		if (done)
			*done += r;
	}
	return 0;
}

/*
 * Receive exactly @n bytes into @buf; 0, or -1 with errno (0 for an EOF
 * first).
 */
static inline int recv_all(int fd, void *buf, size_t n)
{
	char *p = buf;
	ssize_t r;

	while (n) {
		r = recv(fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (!r)
				errno = 0;
			return -1;
		}
		p += r;
		n -= r;
	}
	return 0;
}

/* recv() once (again after a signal); @h (if not NULL) hashes what came. */
static inline ssize_t recv_hashed(int fd, void *buf, size_t size,
				  struct sha256_ctx *h, size_t *done)
{
	ssize_t r;

	do
		r = recv(fd, buf, size, 0);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		if (h)
			sha256_update(h, buf, r);
		*done += r;
	}
	return r;
}

/* Read and hash up to EOF; 0, or -1 with errno.  *@done counts bytes. */
static inline int recv_to_eof(int fd, void *buf, size_t size,
			      struct sha256_ctx *h, size_t *done)
{
	ssize_t r;

	while ((r = recv_hashed(fd, buf, size, h, done)) > 0)
		;
	return r < 0 ? -1 : 0;
}

/* ---- seeded byte streams ---- */

static inline uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * A byte stream defined by its seed alone: the bytes of successive
 * splitmix64 words, lowest first, the same however it is cut into
 * pieces, so a receiver regenerates what it should get.
 */
struct stream {
	uint64_t s;
	uint64_t word;
	unsigned int left;	/* unused bytes of word */
};

static inline void stream_init(struct stream *g, uint64_t seed)
{
	*g = (struct stream){ .s = seed };
}

static inline void stream_fill(struct stream *g, uint8_t *p, size_t n)
{
	int i;

	for (; n && g->left; n--, g->left--, g->word >>= 8)
		*p++ = g->word;
	for (; n >= 8; n -= 8) {
		uint64_t w = splitmix64(&g->s);

		for (i = 0; i < 8; i++, w >>= 8)
			*p++ = w;
	}
	if (n) {
		g->word = splitmix64(&g->s);
		for (g->left = 8; n; n--, g->left--, g->word >>= 8)
			*p++ = g->word;
	}
}

/*
 * Send the next @n bytes of stream @g through @buf (at least @n bytes),
 * hashing them into @h; as send_all().
 */
static inline int stream_send(int fd, struct stream *g, struct sha256_ctx *h,
			      uint8_t *buf, size_t n, size_t *done,
			      int (*wait)(int fd, void *arg), void *arg)
{
	stream_fill(g, buf, n);
	sha256_update(h, buf, n);
	return send_all(fd, buf, n, done, wait, arg);
}

/* "WHAT N sha256 HEX", the helpers' line for a transfer. */
static inline void print_digest(const char *what, size_t n,
				const uint8_t *digest)
{
	char hex[2 * SHA256_DIGEST_SIZE + 1];

	sha256_hex(digest, hex);
	printf("%s %zu sha256 %s\n", what, n, hex);
}

/* ---- connection info: XTCP_INFO, or TCP_INFO for Linux TCP ---- */

/* Every field the tests read; -1 where the family has none. */
struct conn_info {
	long state, options, snd_wscale, rcv_wscale, snd_wnd, rcv_wnd;
	long snd_una, snd_nxt, rcv_nxt, total_retrans, retransmits;
	long unacked, packets_out, sacked, lost, probes;
	long rtt_us, rttvar_us, rto_us, cwnd, ssthresh, ca_state;
	long rtt_samples;
};

/*
 * Read @fd's info (TCP_INFO when @tcp) into *@in; 0, or -1 with errno.
 * For TCP, packets_out is tcpi_unacked; snd_una, snd_nxt, rcv_nxt,
 * unacked, rcv_wnd (not in every header's struct) and rtt_samples are -1.
 */
static inline int conn_info_get(int fd, bool tcp, struct conn_info *in)
{
	socklen_t len;

	if (tcp) {
		struct tcp_info ti;

		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			return -1;
		*in = (struct conn_info){
			.state = ti.tcpi_state,
			.options = ti.tcpi_options,
			.snd_wscale = ti.tcpi_snd_wscale,
			.rcv_wscale = ti.tcpi_rcv_wscale,
			.snd_wnd = ti.tcpi_snd_wnd,
			.rcv_wnd = -1,
			.snd_una = -1, .snd_nxt = -1, .rcv_nxt = -1,
			.total_retrans = ti.tcpi_total_retrans,
			.retransmits = ti.tcpi_retransmits,
			.unacked = -1,
			.packets_out = ti.tcpi_unacked,
			.sacked = ti.tcpi_sacked,
			.lost = ti.tcpi_lost,
			.probes = ti.tcpi_probes,
			.rtt_us = ti.tcpi_rtt,
			.rttvar_us = ti.tcpi_rttvar,
			.rto_us = ti.tcpi_rto,
			.cwnd = ti.tcpi_snd_cwnd,
			.ssthresh = ti.tcpi_snd_ssthresh,
			.ca_state = ti.tcpi_ca_state,
			.rtt_samples = -1,
		};
	} else {
		struct xtcp_info xi;

		len = sizeof(xi);
		if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &xi, &len))
			return -1;
		if (len < sizeof(xi))
			fail("XTCP_INFO returned %u bytes, want %zu", len,
			     sizeof(xi));
		*in = (struct conn_info){
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
			.retransmits = xi.xtcpi_retransmits,
			.unacked = xi.xtcpi_unacked,
			.packets_out = xi.xtcpi_packets_out,
			.sacked = xi.xtcpi_sacked,
			.lost = xi.xtcpi_lost,
			.probes = xi.xtcpi_probes,
			.rtt_us = xi.xtcpi_rtt_us,
			.rttvar_us = xi.xtcpi_rttvar_us,
			.rto_us = xi.xtcpi_rto_us,
			.cwnd = xi.xtcpi_snd_cwnd,
			.ssthresh = xi.xtcpi_snd_ssthresh,
			.ca_state = xi.xtcpi_ca_state,
			.rtt_samples = xi.xtcpi_rtt_samples,
		};
	}
	return 0;
}

/* conn_info_get() of a helper: "fail XTCP_INFO: ERRNO" when it fails. */
static inline void conn_info_must(int fd, bool tcp, struct conn_info *in)
{
	if (conn_info_get(fd, tcp, in))
		fail("%s: %s", tcp ? "TCP_INFO" : "XTCP_INFO", errname(errno));
}

/*
 * Only the state (TCP_ESTABLISHED ...), or -1 with errno.  Of XTCP_INFO
 * only the first byte, xtcpi_state, is asked for: the kernel copies
 * min(optlen, sizeof(struct xtcp_info)).
 */
static inline int conn_state(int fd, bool tcp)
{
	struct tcp_info ti;
	unsigned char st;
	socklen_t len;

	if (tcp) {
		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			return -1;
		return ti.tcpi_state;
	}
	len = sizeof(st);
	if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &st, &len))
		return -1;
	return st;
}

/* ---- the helper programs: one end of a connection, "fail" on errors ---- */

/* The options the helpers share; helper_begin() sets the defaults. */
struct helper_opts {
	bool tcp;			/* -t, or XTCP_TEST_FAMILY=tcp */
	const char *listen_file;	/* -L FILE: touched once listening */
	const char *conn_file;		/* -E FILE: touched once connected */
	const char *wait_file;		/* -W FILE */
	int watchdog;			/* -a SECONDS, default 300 */
};

static inline void helper_begin(struct helper_opts *o)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	*o = (struct helper_opts){
		.tcp = test_tcp_mode() == 1,
		.watchdog = 300,
	};
}

/* @s as a number of 0 or more, or @usage() when it is not. */
static inline long num_or_usage(const char *s, void (*usage)(void))
{
	long v;

	if (parse_long(s, 0, LONG_MAX, &v))
		usage();
	return v;
}

/* Take getopt()'s @opt if it is a shared one; false when it is not. */
static inline bool helper_opt(struct helper_opts *o, int opt, char *arg,
			      void (*usage)(void))
{
	switch (opt) {
	case 't':
		o->tcp = true;
		return true;
	case 'L':
		o->listen_file = arg;
		return true;
	case 'E':
		o->conn_file = arg;
		return true;
	case 'W':
		o->wait_file = arg;
		return true;
	case 'a':
		o->watchdog = num_or_usage(arg, usage);
		return true;
	}
	return false;
}

/*
 * getopt() over @argv with @optstring ("+" first: stop at the first word):
 * the shared options into *@o, the others to @own, which returns false
 * for an unknown one; then (or for '?') @usage().  Returns optind.
 */
static inline int helper_getopt(int argc, char **argv, const char *optstring,
				struct helper_opts *o,
				bool (*own)(int opt, char *arg),
				void (*usage)(void))
{
	int opt;

	while ((opt = getopt(argc, argv, optstring)) != -1)
		if (!helper_opt(o, opt, optarg, usage) &&
		    (opt == '?' || !own || !own(opt, optarg)))
			usage();
	return optind;
}

/*
 * The words after the options, "listen|connect ADDR PORT ...": true for
 * listen; *@port; the -a watchdog armed.
 */
static inline bool helper_role(struct helper_opts *o, char **argv, int *port,
			       void (*usage)(void))
{
	bool listen_ = !strcmp(argv[0], "listen");

	if (!listen_ && strcmp(argv[0], "connect"))
		usage();
	*port = num_or_usage(argv[2], usage);
	watchdog_arm(o->watchdog, "fail watchdog: still running\n", 3);
	return listen_;
}

static inline void touch_or_fail(const char *path)
{
	if (path && touch(path))
		fail("touch %s: %s", path, errname(errno));
}

static inline void wait_for_file_or_fail(const char *path, int secs)
{
	if (wait_for_file(path, secs * 1000L))
		fail("%s did not appear in %d s", path, secs);
}

/* Wait until everything sent is acknowledged (SIOCOUTQ 0). */
static inline void wait_acked_or_fail(int fd, int secs)
{
	int outq = wait_outq_empty(fd, secs * 1000L);

	if (outq < 0)
		fail("SIOCOUTQ: %s", errname(-outq));
	if (outq)
		fail("%d bytes still unacknowledged after %d s", outq, secs);
}

/* A stream socket of @family with SO_REUSEADDR. */
static inline int socket_or_fail(int family)
{
	int s = sock_stream(family, 0);

	if (s < 0)
		fail("socket: %s", errname(errno));
	if (sock_set_int(s, SOL_SOCKET, SO_REUSEADDR, 1))
		fail("SO_REUSEADDR: %s", errname(errno));
	return s;
}

/*
 * The connection of socket @s: with @listen, bound to @addr:@port
 * (@sin), listening (then @listen_file touched) and the one connection
 * accepted, the listener closed; else connected to it.
 */
static inline int conn_open_or_fail(int s, const struct sockaddr_in *sin,
				    const char *addr, int port, bool listen_,
				    const char *listen_file)
{
	int fd;

	if (!listen_) {
		if (sock_connect(s, sin))
			fail("connect %s:%d: %s", addr, port, errname(errno));
		return s;
	}
	if (sock_bind(s, sin) || listen(s, 1))
		fail("bind/listen %s:%d: %s", addr, port, errname(errno));
	touch_or_fail(listen_file);
	fd = sock_accept(s, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		fail("accept: %s", errname(errno));
	close(s);
	return fd;
}

/* One direction of a helper's transfer: a seeded stream, hashed. */
struct xfer {
	int fd;
	size_t bytes, done;
	uint64_t seed;
	uint8_t digest[SHA256_DIGEST_SIZE];
};

#define XFER_IO		65536

/* Send @x's @bytes in writes of 64 KiB, as send_all(); "fail" on errors. */
static inline void xfer_send(struct xfer *x, int (*wait)(int fd, void *arg),
			     void *arg)
{
	static uint8_t buf[XFER_IO];
	struct sha256_ctx h;
	struct stream g;
	size_t n;

	sha256_init(&h);
	stream_init(&g, x->seed);
	while (x->done < x->bytes) {
		n = x->bytes - x->done < XFER_IO ? x->bytes - x->done : XFER_IO;
		if (stream_send(x->fd, &g, &h, buf, n, &x->done, wait, arg))
			fail("send after %zu bytes: %s", x->done,
			     errname(errno));
	}
	sha256_final(&h, x->digest);
}

/* Receive and hash up to EOF into @x; "fail" on errors. */
static inline void xfer_recv(struct xfer *x)
{
	static uint8_t buf[XFER_IO];
	struct sha256_ctx h;

	sha256_init(&h);
	if (recv_to_eof(x->fd, buf, sizeof(buf), &h, &x->done))
		fail("recv after %zu bytes: %s", x->done, errname(errno));
	sha256_final(&h, x->digest);
}

/* ---- the Internet checksum (RFC 1071) ---- */

static inline uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * The sum of the pseudo-header of a segment of @len bytes and protocol
 * @proto from @src to @dst (network order), to start csum_add() with.
 */
static inline uint32_t csum_pseudo(struct in_addr src, struct in_addr dst,
				   uint8_t proto, size_t len)
{
	uint32_t s = ntohl(src.s_addr), d = ntohl(dst.s_addr);

	return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + proto +
	       len;
}

#endif /* XTCP_TEST_SOCK_H */
