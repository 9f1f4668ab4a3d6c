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

#include "../xtcp_test.h"

#include <pthread.h>

#define WAIT_S		120	/* waiting for a file, or for acknowledgements */

static struct helper_opts ho;
static int is_listen;
static int rcvbuf, user_timeout = -1;
static int ka_idle, ka_intvl, ka_cnt;

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
	return num_or_usage(s, usage);
}

/* The options of this helper only. */
static bool own_opt(int opt, char *arg)
{
	switch (opt) {
	case 'b':
		rcvbuf = num(arg);
		return true;
	case 'k':
		if (sscanf(arg, "%d,%d,%d", &ka_idle, &ka_intvl,
			   &ka_cnt) != 3 || ka_cnt <= 0)
			usage();
		return true;
	case 'u':
		user_timeout = num(arg);
		return true;
	}
	return false;
}

/* ---- connection info ---- */

static void print_info(int fd, const char *when)
{
	struct conn_info in;
	char samples[24] = "-";

	conn_info_must(fd, ho.tcp, &in);
	if (in.rtt_samples >= 0)
		snprintf(samples, sizeof(samples), "%ld", in.rtt_samples);
	/* TCP has no unacked; it is printed 0 */
	if (in.unacked < 0)
		in.unacked = 0;
	printf("info %s state=%ld rtt_us=%ld rttvar_us=%ld rto_us=%ld cwnd=%ld ssthresh=%ld ca_state=%ld probes=%ld packets_out=%ld unacked=%ld total_retrans=%ld retransmits=%ld snd_wnd=%ld rtt_samples=%s\n",
	       when, in.state, in.rtt_us, in.rttvar_us, in.rto_us, in.cwnd,
	       in.ssthresh, in.ca_state, in.probes, in.packets_out, in.unacked,
	       in.total_retrans, in.retransmits, in.snd_wnd, samples);
}

/*
 * The bulk connection's state when the watchdog fires, for the log:
 * snprintf() and write(), not stdio, whose lock the interrupted thread
 * may hold.
 */
static int watched_fd = -1;

static void watchdog_info(void)
{
	struct conn_info in;
	char line[512];
	int n;

	if (watched_fd < 0 || conn_info_get(watched_fd, ho.tcp, &in))
		return;
	n = snprintf(line, sizeof(line),
		     "info watchdog state=%ld snd_una=%ld snd_nxt=%ld rcv_nxt=%ld snd_wnd=%ld rcv_wnd=%ld cwnd=%ld packets_out=%ld unacked=%ld probes=%ld retransmits=%ld total_retrans=%ld\n",
		     in.state, in.snd_una, in.snd_nxt, in.rcv_nxt, in.snd_wnd,
		     in.rcv_wnd, in.cwnd, in.packets_out, in.unacked,
		     in.probes, in.retransmits, in.total_retrans);
	if (n > 0 && write(1, line, n) < 0)
		return;
}

/* ---- sockets ---- */

static int new_socket(void)
{
	int s = socket_or_fail(ho.tcp ? AF_INET : AF_XTCP);

	if (rcvbuf && sock_set_int(s, SOL_SOCKET, SO_RCVBUF, rcvbuf))
		fail("SO_RCVBUF: %s", errname(errno));
	return s;
}

static void set_int(int fd, int level, int opt, int val, const char *name)
{
	if (sock_set_int(fd, level, opt, val))
		fail("%s: %s", name, errname(errno));
}

/* @addr:@port, or the usage when @addr is not an address. */
static struct sockaddr_in addr_of(const char *addr, int port)
{
	struct sockaddr_in sin;

	if (sin_parse(&sin, addr, port))
		usage();
	return sin;
}

static int open_conn(const char *addr, int port)
{
	struct sockaddr_in sin = addr_of(addr, port);
	int fd;

	fd = conn_open_or_fail(new_socket(), &sin, addr, port, is_listen, ho.listen_file);
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
	printf("connected %d\n", sock_port(fd, false));
	touch_or_fail(ho.conn_file);
	return fd;
}

/* ---- the modes ---- */

/* send_all()'s wait on a full socket: poll, and note the probes. */
static int full_wait(int fd, void *arg)
{
	long *maxprobes = arg;
	struct conn_info in;

	if (poll1(fd, POLLOUT, 50) < 0 && errno != EINTR)
		fail("poll: %s", errname(errno));
	if (!conn_info_get(fd, ho.tcp, &in) && in.probes > *maxprobes)
		*maxprobes = in.probes;
	return 0;
}

static void *bulk_sender(void *arg)
{
	struct xfer *x = arg;

	xfer_send(x, NULL, NULL);
	wait_acked_or_fail(x->fd, WAIT_S);
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

	watched_fd = fd;
	watchdog_hook = watchdog_info;
	if (pthread_create(&tid, NULL, bulk_sender, &tx))
		fail("pthread_create");
	xfer_recv(&rx);
	pthread_join(tid, NULL);
	print_digest("sent", tx.done, tx.digest);
	print_digest("received", rx.done, rx.digest);
}

static void mode_send(int fd, size_t bytes, uint64_t seed)
{
	struct xfer tx = { .fd = fd, .bytes = bytes, .seed = seed };
	long maxprobes = 0;
	char c;
	ssize_t r;

	/* Non-blocking, watching XTCP_INFO's probes while it is full. */
	if (sock_set_nonblock(fd, true))
		fail("O_NONBLOCK: %s", errname(errno));
	xfer_send(&tx, full_wait, &maxprobes);
	if (sock_set_nonblock(fd, false))
		fail("O_NONBLOCK: %s", errname(errno));
	wait_acked_or_fail(fd, WAIT_S);
	print_info(fd, "sent");
	printf("maxprobes %ld\n", maxprobes);
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

	if (ho.wait_file)
		wait_for_file_or_fail(ho.wait_file, WAIT_S);
	xfer_recv(&rx);
	print_digest("received", rx.done, rx.digest);
}

static void mode_hold(int fd)
{
	char buf[4096];
	ssize_t r;

	for (;;) {
		if (ho.wait_file && file_exists(ho.wait_file)) {
			printf("hold: %s appeared\n", ho.wait_file);
			return;
		}
		if (poll1(fd, POLLIN, 20) <= 0)
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
	char buf[XFER_IO];

	memset(buf, 'x', sizeof(buf));
	if (do_send ? send_all(fd, buf, n, NULL, NULL, NULL) :
		      recv_all(fd, buf, n))
		fail("%s: %s", do_send ? "send" : "recv",
		     errno ? errname(errno) : "EOF");
}

static void mode_pingpong(int fd, long rounds, size_t size)
{
	struct timespec ts;
	long i;

	if (size > XFER_IO)
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

	if (ho.wait_file)
		wait_for_file_or_fail(ho.wait_file, WAIT_S);
	t0 = now_ms();
	if (bytes) {
		struct xfer tx = { .fd = fd, .bytes = bytes, .seed = 3 };

		xfer_send(&tx, NULL, NULL);
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
	struct sockaddr_in sin = addr_of(addr, port);
	struct conn_info in;
	int s, fd, val;
	char c;
	long i;

	if (is_listen) {
		s = new_socket();
		if (sock_bind(s, &sin) || listen(s, n))
			fail("bind/listen %s:%d: %s", addr, port,
			     errname(errno));
		val = sock_get_int(s, SOL_SOCKET, SO_RCVBUF);
		if (val < 0)
			fail("SO_RCVBUF: %s", errname(-val));
		printf("rcvbuf %d\n", val);
		touch_or_fail(ho.listen_file);
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
		if (sock_connect(s, &sin))
			fail("connect %s:%d: %s", addr, port, errname(errno));
		conn_info_must(s, ho.tcp, &in);
		printf("synwin %ld\n", in.snd_wnd);
		close(s);
	}
}

int main(int argc, char **argv)
{
	int fd, port;
	const char *mode;
	uint64_t seed;

	helper_begin(&ho);
	optind = helper_getopt(argc, argv, "+tL:E:W:b:k:u:a:", &ho, own_opt,
			       usage);
	argv += optind;
	argc -= optind;
	if (argc < 4)
		usage();
	is_listen = helper_role(&ho, argv, &port, usage);
	mode = argv[3];
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
