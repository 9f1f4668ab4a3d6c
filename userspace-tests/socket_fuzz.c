// SPDX-License-Identifier: GPL-2.0
/*
 * The socket-call fuzzer: threads racing the socket calls on a shared
 * table of stream sockets, in one network namespace on loopback.  Each
 * thread picks a random slot and a random call: socket() into an empty
 * slot, close(), shutdown(), bind() and connect() on a few ports of
 * 127.0.0.1, listen(), accept4() into a free slot, setsockopt() and
 * getsockopt() of the socket and TCP-level options with edge values,
 * send() and recv() with their flags, poll(), connect(AF_UNSPEC), fcntl()
 * and ioctl() of the non-blocking flag and the queues, getsockname() and
 * getpeername().  No call can hang: every socket has 50 ms send and
 * receive timeouts (those the fuzz sets are of 100 ms at most), SO_LINGER
 * of 1 s at most.
 *
 * Then: the threads ran the duration and made their calls; every errno
 * a call returned is one a stream socket may return there (those listed
 * below per call; Linux TCP, XTCP_TEST_FAMILY=tcp, answers within them
 * too); once every socket is closed, nothing is left: no socket in
 * /proc/net/xtcp but TIME_WAIT, and none once net.xtcp.tw_timeout is 0
 * (Linux TCP keeps its 60 s TIME_WAIT), the sockets of /proc/net/protocols
 * as before, the slab caches of sockets, requests and TIME_WAIT entries
 * back near their counts before.  The harness fails the run on any
 * KASAN, UBSAN, lockdep, WARN or BUG report and checks kmemleak on the
 * debug kernel.
 *
 * XTCP_SOCKFUZZ_SECS sets how long the threads run (default 10 s),
 * XTCP_SOCKFUZZ_SEED the seed of their choices (default: the PID,
 * printed); a seed replays the choices, not the interleaving of the
 * threads, which is the scheduler's.  The slab caches are the whole
 * guest's: the test cannot share a guest with another test running at
 * the same time.
 *
 * The table and its file descriptors: a thread takes a socket out of its
 * slot (atomic exchange with -1) before it closes it, and puts one in
 * only into an empty slot (compare-and-exchange), so no descriptor is
 * closed twice.  A call on a descriptor read from a slot may still find
 * it closed (EBADF) or reused by a socket opened since: both legal, and
 * only sockets are opened while the threads run.
 */

#include "xtcp_test.h"

#include <pthread.h>

#define NTHREADS	8
#define NSLOTS		16
#define ADDR		"127.0.0.1"
#define PORT_LO		7730	/* the ports bound and connected to */
#define NPORTS		4
#define TIMEO_MS	50	/* every socket's SO_RCVTIMEO and SO_SNDTIMEO */
#define BIG		(256 << 10)
#define ERRNO_MAX	160
#define NOTES		6	/* unexpected errnos kept per thread */

enum {
	C_SOCKET, C_CLOSE, C_SHUTDOWN, C_BIND, C_LISTEN, C_CONNECT,
	C_DISCONNECT, C_ACCEPT, C_SETSOCKOPT, C_GETSOCKOPT, C_SEND, C_RECV,
	C_POLL, C_FCNTL, C_IOCTL, C_NAME, NCALLS
};

static const char *const call_names[NCALLS] = {
	"socket", "close", "shutdown", "bind", "listen", "connect",
	"connect(AF_UNSPEC)", "accept4", "setsockopt", "getsockopt", "send",
	"recv", "poll", "fcntl", "ioctl", "getsockname/getpeername",
};

/* How often each call is picked, out of their sum. */
static const int call_weights[NCALLS] = {
	[C_SOCKET] = 6, [C_CLOSE] = 5, [C_SHUTDOWN] = 3, [C_BIND] = 6,
	[C_LISTEN] = 5, [C_CONNECT] = 8, [C_DISCONNECT] = 2, [C_ACCEPT] = 8,
	[C_SETSOCKOPT] = 10, [C_GETSOCKOPT] = 6, [C_SEND] = 10,
	[C_RECV] = 10, [C_POLL] = 4, [C_FCNTL] = 3, [C_IOCTL] = 3,
	[C_NAME] = 3,
};

/*
 * The errnos each call may return here.  The errors a connection takes
 * (sk_err: refused, reset, timed out by TCP_USER_TIMEOUT or keepalive,
 * EPIPE) come back from the calls that report them.  EBADF: the slot's
 * socket was closed by another thread.  EINTR is listed for the calls
 * that sleep, though no signal is expected.
 */
#define CONN_ERRS	ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE
static const int *const call_errs[NCALLS] = {
	[C_SOCKET] = (const int[]){ ENOBUFS, ENOMEM, 0 },
	[C_CLOSE] = (const int[]){ 0 },
	[C_SHUTDOWN] = (const int[]){ EBADF, ENOTCONN, EINVAL, 0 },
	[C_BIND] = (const int[]){ EBADF, EINVAL, EADDRINUSE, EADDRNOTAVAIL,
				  EAFNOSUPPORT, 0 },
	[C_LISTEN] = (const int[]){ EBADF, EINVAL, EADDRINUSE, 0 },
	[C_CONNECT] = (const int[]){ EBADF, EINVAL, EISCONN, EALREADY,
				     EINPROGRESS, EADDRINUSE, EADDRNOTAVAIL,
				     EINTR, ECONNABORTED, CONN_ERRS, 0 },
	[C_DISCONNECT] = (const int[]){ EBADF, EINVAL, 0 },
	[C_ACCEPT] = (const int[]){ EBADF, EINVAL, EAGAIN, ECONNABORTED,
				    EINTR, ENOBUFS, ENOMEM, 0 },
	/* ENOENT (TCP_CONGESTION) and ENODEV (SO_BINDTODEVICE): opt_errs. */
	[C_SETSOCKOPT] = (const int[]){ EBADF, EINVAL, ENOPROTOOPT,
					EOPNOTSUPP, EDOM, 0 },
	[C_GETSOCKOPT] = (const int[]){ EBADF, EINVAL, ENOPROTOOPT,
					EOPNOTSUPP, ENOTCONN, 0 },
	[C_SEND] = (const int[]){ EBADF, EAGAIN, EINTR, ENOTCONN, EOPNOTSUPP,
				  ENOBUFS, ENOMEM, CONN_ERRS, 0 },
	[C_RECV] = (const int[]){ EBADF, EAGAIN, EINTR, ENOTCONN, EINVAL,
				  EOPNOTSUPP, CONN_ERRS, 0 },
	[C_POLL] = (const int[]){ EINTR, ENOMEM, 0 },
	[C_FCNTL] = (const int[]){ EBADF, 0 },
	[C_IOCTL] = (const int[]){ EBADF, EINVAL, ENOTTY, EOPNOTSUPP, 0 },
	[C_NAME] = (const int[]){ EBADF, ENOTCONN, 0 },
};

/* ---- the options ---- */

enum { K_INT, K_LINGER, K_TIMEO, K_STR, K_GET, K_INFO };

struct opt {
	const char *name;
	int level;		/* SOL_SOCKET, or IPPROTO_TCP: SOL_XTCP too */
	int optname;
	int kind;
	const long *vals;	/* K_INT: the values tried; K_GET: lengths */
	int nvals;
	bool bounded;		/* K_INT: never a random value */
	const char *const *strs;	/* K_STR */
	int errs;		/* a setsockopt errno of its own */
	bool static_key;	/* setsockopt only with XTCP_SOCKFUZZ_TIMESTAMP=1 */
};

#define O(opt_, level_, kind_)	.name = #opt_, .level = (level_),	\
				.optname = (opt_), .kind = (kind_)
#define VALS(...)	.vals = (const long[]){ __VA_ARGS__ },		\
			.nvals = sizeof((const long[]){ __VA_ARGS__ }) /	\
				 sizeof(long)
#define BOOLS		VALS(0, 1, -1, 2)
#define BUFS		VALS(0, 1, 256, 4096, 65536, 1 << 20, INT_MAX, -1)
#define SECS		VALS(0, 1, 2, 7200, 32767, 32768, -1)

static const struct opt opts[] = {
	{ O(SO_REUSEADDR, SOL_SOCKET, K_INT), BOOLS },
	{ O(SO_REUSEPORT, SOL_SOCKET, K_INT), BOOLS },
	{ O(SO_KEEPALIVE, SOL_SOCKET, K_INT), BOOLS },
	{ O(SO_LINGER, SOL_SOCKET, K_LINGER) },
	{ O(SO_RCVBUF, SOL_SOCKET, K_INT), BUFS },
	{ O(SO_SNDBUF, SOL_SOCKET, K_INT), BUFS },
	{ O(SO_RCVBUFFORCE, SOL_SOCKET, K_INT),
	  VALS(0, 1, 4096, 1 << 22, -1), .bounded = true },
	{ O(SO_SNDBUFFORCE, SOL_SOCKET, K_INT),
	  VALS(0, 1, 4096, 1 << 22, -1), .bounded = true },
	{ O(SO_RCVLOWAT, SOL_SOCKET, K_INT),
	  VALS(0, 1, 100, 65536, INT_MAX, -1) },
	{ O(SO_SNDLOWAT, SOL_SOCKET, K_INT), VALS(0, 1) },
	{ O(SO_PRIORITY, SOL_SOCKET, K_INT), VALS(0, 6, 7, -1) },
	{ O(SO_MARK, SOL_SOCKET, K_INT), VALS(0, 1, -1) },
	{ O(SO_OOBINLINE, SOL_SOCKET, K_INT), BOOLS },
	{ O(SO_DONTROUTE, SOL_SOCKET, K_INT), BOOLS },
	{ O(SO_BROADCAST, SOL_SOCKET, K_INT), BOOLS },
	/*
	 * Turns the static key netstamp_needed_key on and off: on the stock
	 * kernel under QEMU's TCG, that patching beside a CPU receiving on
	 * loopback ended in "Oops: int3" in four runs of six, within 11 s,
	 * on XTCP and on Linux TCP alike.  XTCP_SOCKFUZZ_TIMESTAMP=1 sets it
	 * too.
	 */
	{ O(SO_TIMESTAMP, SOL_SOCKET, K_INT), BOOLS, .static_key = true },
	{ O(SO_ZEROCOPY, SOL_SOCKET, K_INT), BOOLS },
	{ O(SO_INCOMING_CPU, SOL_SOCKET, K_INT),
	  VALS(0, 1, -1) },
	{ O(SO_PEEK_OFF, SOL_SOCKET, K_INT),
	  VALS(-1, 0, 1, 100, 70000) },
	{ O(SO_MAX_PACING_RATE, SOL_SOCKET, K_INT),
	  VALS(0, 1000, -1) },
	{ O(SO_RCVTIMEO, SOL_SOCKET, K_TIMEO) },
	{ O(SO_SNDTIMEO, SOL_SOCKET, K_TIMEO) },
	{ O(SO_BINDTODEVICE, SOL_SOCKET, K_STR),
	  .strs = (const char *const[]){ "lo", "", "nosuchdev0", NULL },
	  .errs = ENODEV },
	{ O(SO_ERROR, SOL_SOCKET, K_GET), VALS(4, 0, 2, 8) },
	{ O(SO_TYPE, SOL_SOCKET, K_GET), VALS(4, 0, 8) },
	{ O(SO_ACCEPTCONN, SOL_SOCKET, K_GET), VALS(4, 1) },
	{ O(SO_DOMAIN, SOL_SOCKET, K_GET), VALS(4) },
	{ O(SO_PROTOCOL, SOL_SOCKET, K_GET), VALS(4) },
	{ O(SO_PEERNAME, SOL_SOCKET, K_GET), VALS(16, 128, 2) },
	{ O(SO_COOKIE, SOL_SOCKET, K_GET), VALS(8, 4) },
	{ O(SO_MEMINFO, SOL_SOCKET, K_GET), VALS(64, 8) },
	{ O(TCP_NODELAY, IPPROTO_TCP, K_INT), BOOLS },
	{ O(TCP_CORK, IPPROTO_TCP, K_INT), BOOLS },
	{ O(TCP_MAXSEG, IPPROTO_TCP, K_INT),
	  VALS(0, 1, 87, 88, 536, 1000, 1460, 65535, 65536, -1) },
	{ O(TCP_KEEPIDLE, IPPROTO_TCP, K_INT), SECS },
	{ O(TCP_KEEPINTVL, IPPROTO_TCP, K_INT), SECS },
	{ O(TCP_KEEPCNT, IPPROTO_TCP, K_INT),
	  VALS(0, 1, 9, 127, 128, -1) },
	{ O(TCP_SYNCNT, IPPROTO_TCP, K_INT),
	  VALS(0, 1, 2, 6, 127, 128, -1) },
	/* Orphans in FIN_WAIT2 wait this long: kept short. */
	{ O(TCP_LINGER2, IPPROTO_TCP, K_INT),
	  VALS(-1, 0, 1, 2, 3), .bounded = true },
	{ O(TCP_DEFER_ACCEPT, IPPROTO_TCP, K_INT),
	  VALS(0, 1, 2, -1) },
	{ O(TCP_WINDOW_CLAMP, IPPROTO_TCP, K_INT),
	  VALS(0, 1, 100, 2048, 65535, INT_MAX, -1) },
	{ O(TCP_QUICKACK, IPPROTO_TCP, K_INT), BOOLS },
	{ O(TCP_USER_TIMEOUT, IPPROTO_TCP, K_INT),
	  VALS(0, 1, 10, 100, 30000, INT_MAX, -1) },
	{ O(TCP_NOTSENT_LOWAT, IPPROTO_TCP, K_INT),
	  VALS(0, 1, 100, 16384, INT_MAX, -1) },
	/* Names the kernel knows: an unknown one would load modules. */
	{ O(TCP_CONGESTION, IPPROTO_TCP, K_STR),
	  .strs = (const char *const[]){ "reno", "cubic", NULL },
	  .errs = ENOENT },
	{ O(TCP_INFO, IPPROTO_TCP, K_INFO) },
	{ O(XTCP_INFO, SOL_XTCP, K_INFO) },
};

/* ---- the state ---- */

static int family = AF_XTCP;
static bool tcp, static_keys;
static int slots[NSLOTS];
static int stop;		/* __atomic_*() */
static uint8_t big[BIG];

struct worker {
	pthread_t tid;
	int idx;
	uint64_t rng;
	/* Read by the main thread: with __atomic_*(). */
	int cur;			/* the call in progress, or -1 */
	int cur_fd;
	int done;
	unsigned long calls[NCALLS], oks[NCALLS];
	unsigned long errs[NCALLS][ERRNO_MAX];
	unsigned long accepted, connected, rx, tx;
	unsigned long unexpected;
	int nnotes;
	char notes[NOTES][160];
	uint8_t buf[65536];
};

static struct worker workers[NTHREADS];

static unsigned int rnd(struct worker *w, unsigned int n)
{
	return splitmix64(&w->rng) % n;
}

static long pick(struct worker *w, const long *v, int n)
{
	return v[rnd(w, n)];
}

static bool errno_allowed(int call, int e, const struct opt *o)
{
	const int *p;

	if (o && e && e == o->errs)
		return true;
	for (p = call_errs[call]; *p; p++)
		if (*p == e)
			return true;
	return false;
}

/* Count call @call's result @r (errno @e); a note of an unexpected errno. */
static void note(struct worker *w, int call, long r, int e,
		 const struct opt *o, long val)
{
	w->calls[call]++;
	if (r >= 0) {
		w->oks[call]++;
		return;
	}
	w->errs[call][e > 0 && e < ERRNO_MAX ? e : 0]++;
	if (errno_allowed(call, e, o) || w->unexpected++ >= NOTES)
		return;
	snprintf(w->notes[w->nnotes++], sizeof(w->notes[0]),
		 "thread %d: %s%s%s (value %ld): %s", w->idx, call_names[call],
		 o ? " " : "", o ? o->name : "", val, errname(e));
}

/* What the thread is doing, for the main thread to tell if it hangs. */
static void set_cur(struct worker *w, int call, int fd)
{
	__atomic_store_n(&w->cur_fd, fd, __ATOMIC_RELAXED);
	__atomic_store_n(&w->cur, call, __ATOMIC_RELAXED);
}

/* Run @expr as call @call on @fd: counted, the thread's current call. */
#define DO(w, call, fd, expr) ({					\
	long __r;							\
	int __e;							\
									\
	set_cur((w), (call), (fd));					\
	__r = (expr);							\
	__e = errno;							\
	set_cur((w), -1, -1);						\
	note((w), (call), __r, __e, NULL, 0);				\
	errno = __e;							\
	__r;								\
})

static int slot_fd(int s)
{
	return __atomic_load_n(&slots[s], __ATOMIC_SEQ_CST);
}

static int slot_take(int s)
{
	return __atomic_exchange_n(&slots[s], -1, __ATOMIC_SEQ_CST);
}

/* Put @fd into an empty slot; closes it when there is none. */
static void slot_put(struct worker *w, int fd)
{
	unsigned int i, s = rnd(w, NSLOTS);

	for (i = 0; i < NSLOTS; i++, s = (s + 1) % NSLOTS) {
		int empty = -1;

		if (__atomic_compare_exchange_n(&slots[s], &empty, fd, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return;
	}
	DO(w, C_CLOSE, fd, close(fd));
}

static bool slot_free_exists(void)
{
	int s;

	for (s = 0; s < NSLOTS; s++)
		if (slot_fd(s) < 0)
			return true;
	return false;
}

/* A new socket's timeouts, before any other thread can reach it. */
static void set_timeouts(int fd)
{
	if (sock_set_timeo(fd, SO_RCVTIMEO, TIMEO_MS) ||
	    sock_set_timeo(fd, SO_SNDTIMEO, TIMEO_MS))
		tap_bail("timeouts of a new socket: %s", errname(errno));
}

/* ---- the calls ---- */

static void op_socket(struct worker *w)
{
	int fd;

	if (!slot_free_exists())
		return;
	fd = DO(w, C_SOCKET, -1,
		socket(family, SOCK_STREAM | SOCK_CLOEXEC |
			       (rnd(w, 2) ? SOCK_NONBLOCK : 0), 0));
	if (fd < 0)
		return;
	set_timeouts(fd);
	/* Mostly reusable: more binds succeed, more listeners on the ports. */
	if (rnd(w, 4))
		sock_set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	slot_put(w, fd);
}

static void op_close(struct worker *w, int s)
{
	int fd = slot_take(s);

	if (fd >= 0)
		DO(w, C_CLOSE, fd, close(fd));
}

static void op_shutdown(struct worker *w, int fd)
{
	int how = rnd(w, 16) ? (int)rnd(w, 3) : 3;

	DO(w, C_SHUTDOWN, fd, shutdown(fd, how));
}

static struct sockaddr_in some_addr(struct worker *w, bool any)
{
	int port = PORT_LO + rnd(w, NPORTS);

	if (any && !rnd(w, 4))
		port = 0;
	return sin_of(any && !rnd(w, 4) ? "0.0.0.0" : ADDR, port);
}

static void op_bind(struct worker *w, int fd)
{
	struct sockaddr_in sin = some_addr(w, true);
	socklen_t len = sizeof(sin);

	switch (rnd(w, 32)) {
	case 0:
		len = rnd(w, sizeof(sin));	/* short */
		break;
	case 1:
		sin.sin_family = AF_INET6;
		break;
	}
	DO(w, C_BIND, fd, bind(fd, (struct sockaddr *)&sin, len));
}

static void op_listen(struct worker *w, int fd)
{
	static const long backlogs[] = { -1, 0, 1, 2, 16, 128, INT_MAX };
	struct sockaddr_in sin = some_addr(w, false);

	/* Mostly on a port connect() tries, not on an ephemeral one. */
	if (rnd(w, 4))
		DO(w, C_BIND, fd, sock_bind(fd, &sin));
	DO(w, C_LISTEN, fd, listen(fd, pick(w, backlogs, ARRAY_SIZE(backlogs))));
}

static void op_connect(struct worker *w, int fd)
{
	struct sockaddr_in sin = some_addr(w, false);

	if (!DO(w, C_CONNECT, fd, sock_connect(fd, &sin)))
		w->connected++;
}

static void op_disconnect(struct worker *w, int fd)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	DO(w, C_DISCONNECT, fd, connect(fd, &sa, sizeof(sa)));
}

static void op_accept(struct worker *w, int fd)
{
	struct sockaddr_in peer;
	socklen_t len = rnd(w, 4) ? sizeof(peer) : rnd(w, sizeof(peer));
	int flags = SOCK_CLOEXEC | (rnd(w, 4) ? SOCK_NONBLOCK : 0);
	int c;

	c = DO(w, C_ACCEPT, fd,
	       accept4(fd, rnd(w, 2) ? (struct sockaddr *)&peer : NULL,
		       &len, flags));
	if (c < 0)
		return;
	w->accepted++;
	set_timeouts(c);
	slot_put(w, c);
}

/* The level of option @o: the protocol's, SOL_XTCP or SOL_TCP for XTCP. */
static int opt_level(struct worker *w, const struct opt *o)
{
	if (o->level == IPPROTO_TCP && !tcp && rnd(w, 2))
		return SOL_XTCP;
	return o->level;
}

static void op_setsockopt(struct worker *w, int fd)
{
	const struct opt *o = &opts[rnd(w, ARRAY_SIZE(opts))];
	int level, v, r, e;
	struct linger lg;
	struct timeval tv;
	const void *p = &v;
	socklen_t len = sizeof(v);
	long val = 0;

	while (o->static_key && !static_keys)
		o = &opts[rnd(w, ARRAY_SIZE(opts))];
	level = opt_level(w, o);
	switch (o->kind) {
	case K_INT:
		if (!o->bounded && !rnd(w, 8))
			val = (int)splitmix64(&w->rng);
		else
			val = pick(w, o->vals, o->nvals);
		v = val;
		if (!rnd(w, 16))
			len = rnd(w, 4);	/* short */
		break;
	case K_LINGER:
		lg.l_onoff = rnd(w, 2);
		lg.l_linger = rnd(w, 4) ? 0 : 1;
		val = lg.l_onoff ? lg.l_linger : -1;
		p = &lg;
		len = rnd(w, 16) ? sizeof(lg) : rnd(w, sizeof(lg));
		break;
	case K_TIMEO:
		/* Never 0 (no timeout) nor long: no call may hang. */
		tv.tv_sec = 0;
		tv.tv_usec = rnd(w, 16) ? 1000 + rnd(w, 99001) : 1000000;
		val = tv.tv_usec;
		p = &tv;
		len = rnd(w, 16) ? sizeof(tv) : rnd(w, sizeof(tv));
		if (len < sizeof(tv))	/* too short: EINVAL, never 0 */
			len = rnd(w, 8);
		break;
	case K_STR:
		for (v = 0; o->strs[v]; v++)
			;
		val = rnd(w, v);
		p = o->strs[val];
		len = strlen(p) + (rnd(w, 2) ? 1 : 0);
		break;
	default:			/* get only */
		v = 1;
		break;
	}
	set_cur(w, C_SETSOCKOPT, fd);
	r = setsockopt(fd, level, o->optname, p, len);
	e = errno;
	set_cur(w, -1, -1);
	note(w, C_SETSOCKOPT, r, e, o, val);
}

static void op_getsockopt(struct worker *w, int fd)
{
	static const long info_lens[] = { 0, 1, 8, 104, 232, 512 };
	static const long int_lens[] = { 4, 4, 4, 0, 1, 2, 8 };
	const struct opt *o = &opts[rnd(w, ARRAY_SIZE(opts))];
	int level = opt_level(w, o), r, e;
	char buf[512];
	socklen_t len;

	switch (o->kind) {
	case K_GET:
		len = pick(w, o->vals, o->nvals);
		break;
	case K_INFO:
		len = pick(w, info_lens, ARRAY_SIZE(info_lens));
		break;
	case K_STR:
		len = rnd(w, 2) ? 16 : 1;
		break;
	case K_LINGER:
		len = rnd(w, 4) ? sizeof(struct linger) : 4;
		break;
	case K_TIMEO:
		len = rnd(w, 4) ? sizeof(struct timeval) : 4;
		break;
	default:
		len = pick(w, int_lens, ARRAY_SIZE(int_lens));
		break;
	}
	set_cur(w, C_GETSOCKOPT, fd);
	r = getsockopt(fd, level, o->optname, buf, &len);
	e = errno;
	set_cur(w, -1, -1);
	note(w, C_GETSOCKOPT, r, e, o, len);
}

static void op_send(struct worker *w, int fd)
{
	static const long sizes[] = { 0, 1, 7, 100, 1400, 4096, 65536, BIG };
	static const long flags[] = { 0, MSG_DONTWAIT, MSG_MORE,
				      MSG_DONTWAIT | MSG_MORE, MSG_EOR };
	long n = pick(w, sizes, ARRAY_SIZE(sizes));
	int f = pick(w, flags, ARRAY_SIZE(flags));
	long r;

	if (!rnd(w, 32))
		f |= MSG_OOB;
	r = DO(w, C_SEND, fd, send(fd, big, n, f | MSG_NOSIGNAL));
	if (r > 0)
		w->tx += r;
}

static void op_recv(struct worker *w, int fd)
{
	static const long sizes[] = { 0, 1, 100, 4096, 65536 };
	static const long flags[] = {
		0, MSG_DONTWAIT, MSG_PEEK, MSG_PEEK | MSG_DONTWAIT,
		MSG_WAITALL, MSG_WAITALL | MSG_DONTWAIT,
		MSG_TRUNC | MSG_DONTWAIT, MSG_PEEK | MSG_WAITALL,
	};
	long n = pick(w, sizes, ARRAY_SIZE(sizes));
	int f = pick(w, flags, ARRAY_SIZE(flags));
	long r;

	if (!rnd(w, 32))
		f |= MSG_OOB;
	r = DO(w, C_RECV, fd, recv(fd, w->buf, n, f));
	if (r > 0 && !(f & MSG_PEEK))
		w->rx += r;
}

static void op_poll(struct worker *w)
{
	static const short evs[] = { POLLIN, POLLOUT, POLLPRI, POLLRDHUP,
				     POLLIN | POLLOUT | POLLRDHUP };
	struct pollfd pfd[4];
	unsigned int i, n = 1 + rnd(w, 4);

	for (i = 0; i < n; i++) {
		pfd[i].fd = slot_fd(rnd(w, NSLOTS));
		pfd[i].events = evs[rnd(w, ARRAY_SIZE(evs))];
	}
	DO(w, C_POLL, pfd[0].fd, poll(pfd, n, rnd(w, 11)));
}

static void op_fcntl(struct worker *w, int fd)
{
	int fl = DO(w, C_FCNTL, fd, fcntl(fd, F_GETFL));

	if (fl < 0)
		return;
	fl = rnd(w, 2) ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	DO(w, C_FCNTL, fd, fcntl(fd, F_SETFL, fl));
}

static void op_ioctl(struct worker *w, int fd)
{
	static const long reqs[] = { SIOCINQ, SIOCOUTQ, SIOCOUTQNSD,
				     SIOCATMARK, FIONBIO };
	int v = rnd(w, 2);

	DO(w, C_IOCTL, fd, ioctl(fd, pick(w, reqs, ARRAY_SIZE(reqs)), &v));
}

static void op_name(struct worker *w, int fd)
{
	struct sockaddr_in sin;
	socklen_t len = rnd(w, 8) ? sizeof(sin) : rnd(w, sizeof(sin));

	if (rnd(w, 2))
		DO(w, C_NAME, fd, getpeername(fd, (struct sockaddr *)&sin, &len));
	else
		DO(w, C_NAME, fd, getsockname(fd, (struct sockaddr *)&sin, &len));
}

static int pick_call(struct worker *w)
{
	int sum = 0, c, r;

	for (c = 0; c < NCALLS; c++)
		sum += call_weights[c];
	r = rnd(w, sum);
	for (c = 0; r >= call_weights[c]; c++)
		r -= call_weights[c];
	return c;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int call, s, fd;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		call = pick_call(w);
		s = rnd(w, NSLOTS);
		fd = slot_fd(s);
		if (call == C_SOCKET) {
			op_socket(w);
			continue;
		}
		if (call == C_POLL) {
			op_poll(w);
			continue;
		}
		if (fd < 0)
			continue;
		switch (call) {
		case C_CLOSE:
			op_close(w, s);
			break;
		case C_SHUTDOWN:
			op_shutdown(w, fd);
			break;
		case C_BIND:
			op_bind(w, fd);
			break;
		case C_LISTEN:
			op_listen(w, fd);
			break;
		case C_CONNECT:
			op_connect(w, fd);
			break;
		case C_DISCONNECT:
			op_disconnect(w, fd);
			break;
		case C_ACCEPT:
			op_accept(w, fd);
			break;
		case C_SETSOCKOPT:
			op_setsockopt(w, fd);
			break;
		case C_GETSOCKOPT:
			op_getsockopt(w, fd);
			break;
		case C_SEND:
			op_send(w, fd);
			break;
		case C_RECV:
			op_recv(w, fd);
			break;
		case C_FCNTL:
			op_fcntl(w, fd);
			break;
		case C_IOCTL:
			op_ioctl(w, fd);
			break;
		case C_NAME:
			op_name(w, fd);
			break;
		}
	}
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- what is left ---- */

static const char *proc_conns(void)
{
	return tcp ? "/proc/self/net/tcp" : "/proc/self/net/xtcp";
}

/*
 * The connections of this namespace's /proc/net/{tcp,xtcp}: how many in
 * TIME_WAIT into *@tw, the others returned; -1 without the file.
 */
static int conns_left(int *tw)
{
	unsigned int lport, rport, st;
	FILE *f = fopen(proc_conns(), "r");
	int other = 0;

	*tw = 0;
	if (!f)
		return -1;
	while (proc_conn_next(f, &lport, &rport, &st)) {
		if (st == 6)		/* TCP_TIME_WAIT */
			++*tw;
		else
			other++;
	}
	fclose(f);
	return other;
}

/* The "sockets" column of the family's line of /proc/net/protocols. */
static long protocols_socks(void)
{
	const char *want = tcp ? "TCP" : "XTCP";
	char line[512], name[64];
	long size, socks = -1, n;
	FILE *f = fopen("/proc/self/net/protocols", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld %ld", name, &size, &n) == 3 &&
		    !strcmp(name, want))
			socks = n;
	fclose(f);
	return socks;
}

#define NCACHES	3

static const char *const xtcp_caches[NCACHES] = {
	"XTCP", "xtcp_request", "xtcp_tw",
};
static const char *const tcp_caches[NCACHES] = {
	"TCP", "request_sock_TCP", "tw_sock_TCP",
};

/*
 * The active objects of each cache into @v (-1: not in /proc/slabinfo,
 * merged), once SLUB has given back its per-CPU slabs, whose free objects
 * /proc/slabinfo counts as active.
 */
static void slab_read(long *v)
{
	const char *const *caches = tcp ? tcp_caches : xtcp_caches;
	char line[512], name[128], path[256];
	long active;
	FILE *f;
	int i, fd;

	for (i = 0; i < NCACHES; i++) {
		v[i] = -1;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 caches[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "1", 1) != 1)
				tap_diag("%s: %s", path, errname(errno));
			close(fd);
		}
	}
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %ld", name, &active) != 2)
			continue;
		for (i = 0; i < NCACHES; i++)
			if (!strcmp(name, caches[i]))
				v[i] = active;
	}
	fclose(f);
}

static long slab_slack;
static long slab0[NCACHES], slab1[NCACHES];

/* The caches back within the slack (TIME_WAIT entries left on top). */
static bool slab_back(int tw)
{
	int i;

	slab_read(slab1);
	for (i = 0; i < NCACHES; i++)
		if (slab0[i] >= 0 && slab1[i] >= 0 &&
		    slab1[i] - slab0[i] > slab_slack + (i == 2 ? tw : 0))
			return false;
	return true;
}

/* ---- the report ---- */

static void report_calls(unsigned long *total)
{
	unsigned long calls, oks, n, errs[ERRNO_MAX];
	char line[1024];
	int c, e, t, off, bad;

	*total = 0;
	for (c = 0; c < NCALLS; c++) {
		calls = oks = 0;
		memset(errs, 0, sizeof(errs));
		for (t = 0; t < NTHREADS; t++) {
			calls += workers[t].calls[c];
			oks += workers[t].oks[c];
			for (e = 0; e < ERRNO_MAX; e++)
				errs[e] += workers[t].errs[c][e];
		}
		*total += calls;
		off = 0;
		bad = 0;
		line[0] = 0;
		for (e = 0; e < ERRNO_MAX; e++) {
			n = errs[e];
			if (!n)
				continue;
			/* setsockopt: opt_errs, checked per option. */
			if (!errno_allowed(c, e, NULL) &&
			    !(c == C_SETSOCKOPT && (e == ENOENT || e == ENODEV)))
				bad = 1;
			off += snprintf(line + off, sizeof(line) - off,
					"%s%s %lu", off ? ", " : "; ",
					e ? errname(e) : "errno out of range",
					n);
			if (off >= (int)sizeof(line))
				break;
		}
		tap_ok(!bad, "%s: %lu calls, %lu ok%s: each errno allowed",
		       call_names[c], calls, oks, line);
	}
}

int main(void)
{
	long secs = 10, waited, v, socks0, socks1;
	unsigned long long seed = getpid();
	unsigned long total, accepted = 0, connected = 0, rx = 0, tx = 0;
	unsigned long unexpected = 0;
	const char *s, *ns;
	long long began, ran_ms;
	int i, t, tw, left, stuck = 0, mode = test_tcp_mode();
	long give_up_ms;

	if (mode < 0)
		tap_bail("XTCP_TEST_FAMILY=%s: want xtcp or tcp",
			 getenv("XTCP_TEST_FAMILY"));
	tcp = mode == 1;
	if (tcp)
		family = AF_INET;
	s = getenv("XTCP_SOCKFUZZ_SECS");
	if (s && *s && parse_long(s, 1, 86400, &secs))
		tap_bail("XTCP_SOCKFUZZ_SECS=%s: want 1 to 86400", s);
	s = getenv("XTCP_SOCKFUZZ_SEED");
	if (s && *s) {
		char *end;

		errno = 0;
		seed = strtoull(s, &end, 0);
		if (errno || *end)
			tap_bail("XTCP_SOCKFUZZ_SEED=%s: not a number", s);
	}
	s = getenv("XTCP_SOCKFUZZ_TIMESTAMP");
	static_keys = s && !strcmp(s, "1");
	/* Only bounds for giving up, far above the normal. */
	give_up_ms = debug_kernel() ? 300000 : 60000;
	slab_slack = debug_kernel() ? 1024 : 256;

	tap_begin();
	tap_diag("family %s, %d threads on %d slots, %ld s, seed %llu "
		 "(XTCP_SOCKFUZZ_SEED=%llu replays the choices)",
		 tcp ? "AF_INET (TCP)" : "AF_XTCP", NTHREADS, NSLOTS, secs,
		 seed, seed);
	tap_diag("SO_TIMESTAMP %s (XTCP_SOCKFUZZ_TIMESTAMP=1: set too)",
		 static_keys ? "set" : "read only");
	signal(SIGPIPE, SIG_IGN);
	ns = test_netns_add("a");
	/* After the namespace: SIGALRM deletes it too. */
	alarm(secs + 3 * give_up_ms / 1000 + 120);
	netns_enter(ns);
	if (tcp) {
		if (sysctl_write("net/ipv4/tcp_fin_timeout", "2") ||
		    sysctl_write("net/ipv4/tcp_orphan_retries", "1") ||
		    sysctl_write("net/ipv4/tcp_synack_retries", "2"))
			tap_bail("sysctl net.ipv4: %s", errname(errno));
	} else {
		if (sysctl_write("net/xtcp/fin_timeout", "2") ||
		    sysctl_write("net/xtcp/orphan_retries", "1") ||
		    sysctl_write("net/xtcp/synack_retries", "2"))
			tap_bail("sysctl net.xtcp: %s", errname(errno));
	}
	for (i = 0; i < BIG; i++)
		big[i] = i * 7 % 251;
	for (i = 0; i < NSLOTS; i++)
		slots[i] = -1;

	socks0 = protocols_socks();
	slab_read(slab0);
	tap_ok(socks0 >= 0, "%s in /proc/net/protocols: %ld sockets before",
	       tcp ? "TCP" : "XTCP", socks0);

	/* ---- the fuzz ---- */
	began = now_ms();
	for (t = 0; t < NTHREADS; t++) {
		struct worker *w = &workers[t];

		w->idx = t;
		w->cur = -1;
		w->rng = seed * 1000003 + t;
		if (pthread_create(&w->tid, NULL, worker_main, w))
			tap_bail("pthread_create");
	}
	while (now_ms() - began < secs * 1000)
		usleep(100000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	WAIT_UNTIL(({
		for (stuck = 0, t = 0; t < NTHREADS; t++)
			stuck += !__atomic_load_n(&workers[t].done,
						  __ATOMIC_ACQUIRE);
		!stuck;
	}), give_up_ms);
	ran_ms = now_ms() - began;
	if (stuck) {
		for (t = 0; t < NTHREADS; t++) {
			struct worker *w = &workers[t];
			int cur = __atomic_load_n(&w->cur, __ATOMIC_RELAXED);

			if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
				continue;
			tap_diag("thread %d still in %s on fd %d", t,
				 cur >= 0 ? call_names[cur] : "no call",
				 __atomic_load_n(&w->cur_fd, __ATOMIC_RELAXED));
		}
		tap_ok(0, "the threads stopped after %ld s: %d still running "
		       "after %ld s more", secs, stuck, give_up_ms / 1000);
		tap_bail("threads hung in a socket call (seed %llu)", seed);
	}
	for (t = 0; t < NTHREADS; t++)
		pthread_join(workers[t].tid, NULL);
	for (i = 0; i < NSLOTS; i++)
		if (slots[i] >= 0)
			close(slots[i]);

	/* ---- the verdict ---- */
	for (t = 0; t < NTHREADS; t++) {
		accepted += workers[t].accepted;
		connected += workers[t].connected;
		rx += workers[t].rx;
		tx += workers[t].tx;
		unexpected += workers[t].unexpected;
	}
	report_calls(&total);
	tap_ok(total >= 2000, "%d threads ran %.1f s (%ld asked): %lu calls "
	       "(2000 at least)", NTHREADS, ran_ms / 1000.0, secs, total);
	tap_ok(accepted > 0 && rx > 0, "connections were made and carried "
	       "data: %lu connects and %lu accepts done, %lu bytes sent, "
	       "%lu received", connected, accepted, tx, rx);
	for (t = 0; t < NTHREADS; t++)
		for (i = 0; i < workers[t].nnotes; i++)
			tap_diag("unexpected: %s", workers[t].notes[i]);
	tap_ok(!unexpected, "no call returned an errno it should not "
	       "(%lu did, seed %llu)", unexpected, seed);

	/* ---- what is left ---- */
	began = now_ms();
	WAIT_UNTIL((left = conns_left(&tw)) == 0, give_up_ms);
	waited = now_ms() - began;
	tap_ok(!left, "%s: no socket but TIME_WAIT once all are closed "
	       "(%d others, %d in TIME_WAIT, after %.1f s)", proc_conns() + 11,
	       left, tw, waited / 1000.0);
	if (tcp) {
		tap_skip("no TIME_WAIT left once tw_timeout is 0",
			 "Linux TCP's TIME_WAIT is a constant 60 s");
	} else {
		v = sysctl_write("net/xtcp/tw_timeout", "0");
		WAIT_UNTIL(conns_left(&tw) == 0 && !tw, give_up_ms);
		left = conns_left(&tw);
		tap_ok(!v && !left && !tw, "%s empty once tw_timeout is 0 "
		       "(%d others, %d in TIME_WAIT)", proc_conns() + 11,
		       left, tw);
	}
	WAIT_UNTIL((socks1 = protocols_socks()) == socks0, give_up_ms);
	tap_ok(socks1 == socks0, "/proc/net/protocols: %s sockets as before "
	       "(%ld, %ld)", tcp ? "TCP" : "XTCP", socks0, socks1);
	conns_left(&tw);
	WAIT_UNTIL(slab_back(tw), give_up_ms);
	for (i = 0; i < NCACHES; i++) {
		const char *name = (tcp ? tcp_caches : xtcp_caches)[i];
		long slack = slab_slack + (i == 2 ? tw : 0);

		if (slab0[i] < 0 || slab1[i] < 0) {
			tap_skip(name, "not in /proc/slabinfo (merged?)");
			continue;
		}
		tap_ok(slab1[i] - slab0[i] <= slack, "slab cache %s: %ld "
		       "active objects, %ld more than before (at most %ld)",
		       name, slab1[i], slab1[i] - slab0[i], slack);
	}
	return tap_end();
}
