// SPDX-License-Identifier: GPL-2.0
/*
 * fi_peer [-t] [-f] [-S FILE] [-a SECONDS] serve ADDR PORT FILE
 * fi_peer [-t] [-f] [-S FILE] [-a SECONDS] churn ADDR PORT SECS [VARIANTS]
 * fi_peer [-t] [-f] [-S FILE] [-a SECONDS] bulk listen|connect ADDR PORT N [FILE]
 *
 * The two ends of fault_inject.sh's connections.  With -f the program
 * marks each of its threads for fault injection (make-it-fail) once its
 * own start is over (the listener made, before the first connect()), so
 * that with the failslab and fail_page_alloc task filter on only its
 * socket calls, and what the kernel does for them in its context, see
 * allocations fail.
 *
 * Every connection ends in an outcome, printed on a line:
 *
 *   conn I VARIANT ok				done as it should
 *   conn I VARIANT STAGE ERRNO		a call failed (STAGE socket, connect,
 *						send, recv, close), "EOF" for an end
 *						of stream before the answer
 *   conn I VARIANT bad WHY			wrong data: never allowed
 *
 * and the program ends with "total N ok K": its connections and how many
 * were ok (the server: "served N ok K", with "accept ERRNO" lines for
 * failed accept() calls).
 *
 * "serve" listens (backlog 64), touches FILE, then serves one connection
 * at a time until SIGTERM: a 64-byte header (variant, index, length L),
 * L bytes of a seeded stream checked, a 64-byte answer (the header, each
 * byte plus one), then reads to EOF and closes.
 *
 * "churn" opens connections one after another for SECS seconds, their
 * variants in turn from VARIANTS (default "p"):
 *   p	plain: header, answer read, close (the client's TIME_WAIT)
 *   s	shutdown: header and 32 KiB, shutdown(SHUT_WR), answer, EOF, close
 *   i	in flight: header and 256 KiB, close at once, the answer unread
 *	(a reset for the server's answer; close with data unsent)
 *   l	linger 0: header, answer, SO_LINGER 0 and close: a reset
 *
 * "bulk" is one connection carrying N bytes each way at once (a sender
 * thread), as xtcp_rel's bulk: "sent N sha256 HEX" and "received N
 * sha256 HEX", or "fail WHAT: ERRNO" and status 1.
 *
 * Every blocking call is bounded by SO_RCVTIMEO and SO_SNDTIMEO (30 s):
 * a connection that stops moving ends in EAGAIN rather than a hang (the
 * first time, with -S FILE, FILE is touched and the program waits 3 s
 * before it goes on, for the shell to see both ends); -a SECONDS
 * (default 300) bounds the whole program ("fail watchdog", status 3).
 *
 * The server numbers a connection as its client did once it has read
 * its header, before that -N (its own count).
 */

#include "../xtcp_test.h"

#include <pthread.h>
#include <sys/mman.h>

#define HDR		64
#define S_LEN		32768
#define I_LEN		262144

static struct helper_opts ho;
static bool mark;
static int family;
static long io_timeo_ms;
static volatile sig_atomic_t stop;

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: fi_peer [-t] [-f] [-S FILE] [-a SECONDS] serve ADDR PORT FILE\n"
		"       fi_peer [-t] [-f] [-S FILE] [-a SECONDS] churn ADDR PORT SECS [VARIANTS]\n"
		"       fi_peer [-t] [-f] [-S FILE] [-a SECONDS] bulk listen|connect ADDR PORT N [FILE]\n");
	exit(2);
}

static const char *stall_file;

static bool own_opt(int opt, char *arg)
{
	if (opt == 'f') {
		mark = true;
		return true;
	}
	if (opt == 'S') {
		stall_file = arg;
		return true;
	}
	return false;
}

static __thread int mark_fd = -1;

/*
 * Before the first mark: the memory the program has, and will map, is
 * locked in, so that its own page faults never meet a failure.
 */
static void fault_prepare(void)
{
	static bool locked;

	if (!mark || locked)
		return;
	/* stdout's buffer allocated now */
	printf("marking\n");
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fail("mlockall: %s", errname(errno));
	locked = true;
}

/*
 * This thread's allocations may fail from now on (@on, with -f), or no
 * longer; the file stays open to end it.
 */
static void fault_mark(bool on)
{
	if (!mark)
		return;
	fault_prepare();
	if (mark_fd < 0)
		mark_fd = open("/proc/thread-self/make-it-fail",
			       O_WRONLY | O_CLOEXEC);
	if (mark_fd < 0 || pwrite(mark_fd, on ? "1" : "0", 1, 0) != 1)
		fail("make-it-fail: %s", errname(errno));
}

static void fault_on(void)
{
	fault_mark(true);
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void timeouts(int fd)
{
	sock_set_timeo(fd, SO_RCVTIMEO, io_timeo_ms);
	sock_set_timeo(fd, SO_SNDTIMEO, io_timeo_ms);
}

/*
 * The outcomes, kept in memory while allocations fail and printed once
 * they no longer do: a write to the log could fail too.
 */
#define MAX_REC		65536
struct rec {
	long i;
	char v;
	const char *stage;	/* NULL: ok; "bad": wrong data */
	int err;		/* 0 with a stage: EOF */
	const char *why;
};
static struct rec recs[MAX_REC];
static long nrec;

static void record(long i, char v, const char *stage, int err,
		   const char *why)
{
	if (nrec < MAX_REC)
		recs[nrec++] = (struct rec){ i, v, stage, err, why };
}

/*
 * A call waited out its time-out: the first time, -S FILE is touched
 * and the connection kept for 3 s more, for the shell to read both
 * ends' tables.
 */
static void stalled(void)
{
	static bool once;

	if (!stall_file || once)
		return;
	once = true;
	fault_mark(false);
	touch(stall_file);
	sleep(3);
	fault_mark(true);
}

static void outcome(long i, char v, const char *stage, int err)
{
	if (err == EAGAIN)
		stalled();
	record(i, v, stage, err, NULL);
}

static void print_recs(void)
{
	struct rec *r;

	for (r = recs; r < recs + nrec; r++) {
		if (!r->stage)
			printf("conn %ld %c ok\n", r->i, r->v);
		else if (r->why)
			printf("conn %ld %c %s %s\n", r->i, r->v, r->stage,
			       r->why);
		else
			printf("conn %ld %c %s %s\n", r->i, r->v, r->stage,
			       r->err ? errname(r->err) : "EOF");
	}
}

/* ---- serve ---- */

static void header(uint8_t *h, char v, long i, uint32_t len)
{
	memset(h, 0, HDR);
	h[0] = v;
	memcpy(h + 4, &len, 4);
	memcpy(h + 8, &i, sizeof(i));
	for (int k = 16; k < HDR; k++)
		h[k] = (uint8_t)(i * 7 + k);
}

/* One served connection: true when all went as it should. */
static bool serve_one(int fd, long n)
{
	static uint8_t buf[XFER_IO], want[XFER_IO];
	uint8_t h[HDR];
	struct stream g;
	uint32_t len;
	size_t got;
	long i;
	char v;
	ssize_t r;

	timeouts(fd);
	if (recv_all(fd, h, HDR)) {
		outcome(-n, '?', "recv", errno);
		return false;
	}
	v = h[0];
	memcpy(&len, h + 4, 4);
	memcpy(&i, h + 8, sizeof(i));
	/* From here on the client's number of the connection. */
	n = i;
	stream_init(&g, i);
	for (got = 0; got < len; got += r) {
		size_t want_n = len - got < XFER_IO ? len - got : XFER_IO;

		r = recv(fd, buf, want_n, 0);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0) {
			outcome(n, v, "recv", r ? errno : 0);
			return false;
		}
		stream_fill(&g, want, r);
		if (memcmp(buf, want, r)) {
			(void)got;
			record(n, v, "bad", 0, "payload differs");
			return false;
		}
	}
	for (int k = 0; k < HDR; k++)
		h[k]++;
	if (send_all(fd, h, HDR, NULL, NULL, NULL)) {
		outcome(n, v, "send", errno);
		return false;
	}
	do
		r = recv(fd, buf, sizeof(buf), 0);
	while (r > 0 || (r < 0 && errno == EINTR));
	if (r < 0) {
		outcome(n, v, "recv", errno);
		return false;
	}
	record(n, v, NULL, 0, NULL);
	return true;
}

static int serve(const struct sockaddr_in *sin, const char *file)
{
	struct sigaction sa = { .sa_handler = on_term };
	long n = 0, good = 0;
	int lfd, fd;

	/* No SA_RESTART: SIGTERM ends a blocked accept() with EINTR. */
	sigaction(SIGTERM, &sa, NULL);
	lfd = sock_listen(family, sin, 64, 0);
	if (lfd < 0)
		fail("bind/listen: %s", errname(errno));
	touch_or_fail(file);
	fault_on();
	while (!stop) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR)
				record(-n, '-', "accept", errno, NULL);
			continue;
		}
		n++;
		good += serve_one(fd, n);
		if (close(fd))
			outcome(-n, '-', "close", errno);
	}
	fault_mark(false);
	print_recs();
	printf("served %ld ok %ld\n", n, good);
	return 0;
}

/* ---- churn ---- */

/* Send @len bytes of stream @seed; 0, or -1 with errno. */
static int send_stream(int fd, long seed, size_t len)
{
	static uint8_t buf[XFER_IO];
	struct sha256_ctx h;
	struct stream g;
	size_t done = 0, n;

	sha256_init(&h);
	stream_init(&g, seed);
	while (done < len) {
		n = len - done < XFER_IO ? len - done : XFER_IO;
		if (stream_send(fd, &g, &h, buf, n, &done, NULL, NULL))
			return -1;
	}
	return 0;
}

/* One client connection of variant @v: true when ok. */
static bool churn_one(const struct sockaddr_in *sin, long i, char v)
{
	uint32_t len = v == 's' ? S_LEN : v == 'i' ? I_LEN : 0;
	uint8_t h[HDR], a[HDR];
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char tmp[16];
	int fd;

	fd = sock_stream(family, 0);
	if (fd < 0) {
		outcome(i, v, "socket", errno);
		return false;
	}
	timeouts(fd);
	if (sock_connect(fd, sin)) {
		outcome(i, v, "connect", errno);
		goto out;
	}
	header(h, v, i, len);
	if (send_all(fd, h, HDR, NULL, NULL, NULL) ||
	    (len && send_stream(fd, i, len))) {
		outcome(i, v, "send", errno);
		goto out;
	}
	if (v == 'i') {
		if (close(fd)) {
			outcome(i, v, "close", errno);
			return false;
		}
		record(i, v, NULL, 0, NULL);
		return true;
	}
	if (v == 's' && shutdown(fd, SHUT_WR)) {
		outcome(i, v, "shutdown", errno);
		goto out;
	}
	if (recv_all(fd, a, HDR)) {
		outcome(i, v, "recv", errno);
		goto out;
	}
	for (int k = 0; k < HDR; k++)
		h[k]++;
	if (memcmp(a, h, HDR)) {
		record(i, v, "bad", 0, "wrong answer");
		goto out;
	}
	if (v == 's') {
		ssize_t r = recv(fd, tmp, sizeof(tmp), 0);

		if (r > 0) {
			record(i, v, "bad", 0, "data after the answer");
			goto out;
		}
		if (r < 0) {
			outcome(i, v, "recv-eof", errno);
			goto out;
		}
	}
	if (v == 'l' && setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg))) {
		outcome(i, v, "linger", errno);
		goto out;
	}
	if (close(fd)) {
		outcome(i, v, "close", errno);
		return false;
	}
	record(i, v, NULL, 0, NULL);
	return true;
out:
	close(fd);
	return false;
}

static int churn(const struct sockaddr_in *sin, long secs, const char *vars)
{
	long end = now_ms() + secs * 1000, i, good = 0;
	size_t nv = strlen(vars);

	fault_on();
	for (i = 0; now_ms() < end && nrec < MAX_REC; i++)
		good += churn_one(sin, i + 1, vars[i % nv]);
	fault_mark(false);
	print_recs();
	printf("total %ld ok %ld\n", i, good);
	return 0;
}

/* ---- bulk ---- */

/* One direction of the bulk connection; err: the errno it ended with. */
struct dir {
	struct xfer x;
	int err;
	bool failed, eof;
};

static void *bulk_sender(void *arg)
{
	static uint8_t buf[XFER_IO];
	struct dir *d = arg;
	struct sha256_ctx h;
	struct stream g;
	size_t n;

	fault_on();
	sha256_init(&h);
	stream_init(&g, d->x.seed);
	while (d->x.done < d->x.bytes) {
		n = d->x.bytes - d->x.done;
		n = n < XFER_IO ? n : XFER_IO;
		if (stream_send(d->x.fd, &g, &h, buf, n, &d->x.done, NULL,
				NULL)) {
			d->err = errno;
			d->failed = true;
			if (d->err == EAGAIN)
				stalled();
			break;
		}
	}
	sha256_final(&h, d->x.digest);
	if (!d->failed && shutdown(d->x.fd, SHUT_WR)) {
		d->err = errno;
		d->failed = true;
	}
	fault_mark(false);
	return NULL;
}

static int bulk(char **argv, int argc)
{
	static uint8_t buf[XFER_IO];
	struct dir out = { 0 }, in = { 0 };
	struct sockaddr_in sin;
	struct sha256_ctx h;
	pthread_attr_t attr;
	bool listen_;
	pthread_t t;
	int fd, lfd;
	long n;

	if (argc < 4)
		usage();
	listen_ = !strcmp(argv[0], "listen");
	if (!listen_ && strcmp(argv[0], "connect"))
		usage();
	if (sin_parse(&sin, argv[1], num_or_usage(argv[2], usage)))
		usage();
	n = num_or_usage(argv[3], usage);
	/* The connection is made without faults: churn's part. */
	if (listen_) {
		lfd = sock_listen(family, &sin, 1, 0);
		if (lfd < 0)
			fail("bind/listen: %s", errname(errno));
		touch_or_fail(argc > 4 ? argv[4] : NULL);
		fd = sock_accept(lfd, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			fail("accept: %s", errname(errno));
		close(lfd);
	} else {
		fd = sock_stream(family, 0);
		if (fd < 0)
			fail("socket: %s", errname(errno));
		timeouts(fd);
		if (sock_connect(fd, &sin))
			fail("connect: %s", errname(errno));
	}
	timeouts(fd);
	printf("connected %d\n", sock_port(fd, false));
	out.x.fd = in.x.fd = fd;
	out.x.bytes = n;
	out.x.seed = listen_ ? 2 : 1;
	fault_prepare();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 262144);
	errno = pthread_create(&t, &attr, bulk_sender, &out);
	if (errno)
		fail("pthread_create: %s", errname(errno));
	fault_on();
	sha256_init(&h);
	if (recv_to_eof(fd, buf, sizeof(buf), &h, &in.x.done)) {
		in.err = errno;
		in.failed = true;
		if (in.err == EAGAIN)
			stalled();
	}
	sha256_final(&h, in.x.digest);
	fault_mark(false);
	pthread_join(t, NULL);
	if (!out.failed)
		print_digest("sent", out.x.done, out.x.digest);
	if (!in.failed)
		print_digest("received", in.x.done, in.x.digest);
	if (out.failed)
		printf("fail send after %zu bytes: %s\n", out.x.done,
		       errname(out.err));
	if (in.failed)
		printf("fail recv after %zu bytes: %s\n", in.x.done,
		       errname(in.err));
	if (out.failed || in.failed)
		return 1;
	if (close(fd))
		fail("close: %s", errname(errno));
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int i;

	helper_begin(&ho);
	i = helper_getopt(argc, argv, "+tfS:a:", &ho, own_opt, usage);
	argv += i;
	argc -= i;
	if (argc < 1)
		usage();
	family = ho.tcp ? AF_INET : AF_XTCP;
	io_timeo_ms = 30000;
	watchdog_arm(ho.watchdog, "fail watchdog: still running\n", 3);
	if (!strcmp(argv[0], "bulk"))
		return bulk(argv + 1, argc - 1);
	if (argc < 4 || sin_parse(&sin, argv[1], num_or_usage(argv[2], usage)))
		usage();
	if (!strcmp(argv[0], "serve"))
		return serve(&sin, argv[3]);
	if (!strcmp(argv[0], "churn"))
		return churn(&sin, num_or_usage(argv[3], usage),
			     argc > 4 ? argv[4] : "p");
	usage();
}
