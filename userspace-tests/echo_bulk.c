// SPDX-License-Identifier: GPL-2.0
/*
 * Data integrity under load, between two network namespaces over veth.
 *
 * Echo: a non-blocking epoll echo server and 200 concurrent non-blocking
 * clients driven by one poll loop.  Each client sends its own seeded
 * pseudo-random bytes (a seeded amount, in seeded chunk sizes), half-closes,
 * reads the echo until EOF and compares every byte; the server echoes and
 * closes after EOF.  Afterwards no connection may be left but the clients'
 * TIME_WAITs.
 *
 * Bulk: one connection carrying 64 MiB (16 MiB on the debug kernel, nine
 * times slower) each way at once (four threads:
 * a sender and a receiver on each end), SHA-256 of what each side sent
 * compared with what the other received; then 8 MiB each way in random
 * writes and reads of 1 byte .. 64 KiB with TCP_NODELAY on one end.
 *
 * XTCP_TEST_FAMILY=tcp runs the same over Linux TCP.
 */

#include "xtcp_test.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>

#define ADDR_CLI	"10.212.0.1"
#define ADDR_SRV	"10.212.0.2"
#define PORT_ECHO	5001
#define PORT_BULK	5002	/* and the next ones, one per run */

#define NCLIENTS	200
#define BACKLOG		512	/* xtcp bounds its half-open list by it too */
#define ECHO_MIN	1024
#define ECHO_MAX	(256 * 1024)
#define CHUNK_MAX	16384	/* a client's largest write */
#define SRV_BUF		32768	/* the server's buffer per connection */

#define BULK_BYTES	(64u << 20)
#define MIXED_BYTES	(8u << 20)
#define BULK_IO		(256 * 1024)
#define FILE_BYTES	(4u << 20)	/* sent by sendfile(), then splice() */

/* Give up on a phase after this long without any progress. */
#define STALL_MS	60000
/* The whole test: about 75 s on the stock kernel under TCG. */
#define WATCHDOG_S	840
/* Wait this long for the connections to close after a part. */
#define TEARDOWN_MS	60000

/* /proc/net/tcp state numbers, shared by /proc/net/xtcp */
#define ST_ESTABLISHED	0x01
#define ST_TIME_WAIT	0x06
#define ST_MAX		0x0c

/* TIME_WAIT lasts 120 s (XTCP) or 60 s (TCP): count them only before. */
#define TW_KEEP_MS	(family == AF_XTCP ? 100000 : 45000)

static int family;
static const char *proc_name;
static const char *ns_srv, *ns_cli;	/* this test's namespaces */

static void pick_family(void)
{
	switch (test_tcp_mode()) {
	case 0:
		family = AF_XTCP;
		proc_name = "xtcp";
		break;
	case 1:
		family = AF_INET;
		proc_name = "tcp";
		break;
	default:
		tap_bail("XTCP_TEST_FAMILY=%s: want xtcp or tcp",
			 getenv("XTCP_TEST_FAMILY"));
	}
}

static void *watchdog(void *arg)
{
	(void)arg;
	sleep(WATCHDOG_S);
	tap_bail("still running after %d s: giving up", WATCHDOG_S);
}

/* ---- seeded pseudo-random numbers ---- */

static size_t rnd_between(uint64_t *s, size_t lo, size_t hi)
{
	return lo + splitmix64(s) % (hi - lo + 1);
}

/* 1 .. @max (a power of two), log-uniform: as many tiny sizes as big ones. */
static size_t rnd_size(uint64_t *s, size_t max)
{
	unsigned int bits = 0;
	uint64_t shift;

	while ((1ul << bits) < max)
		bits++;
	shift = splitmix64(s) % (bits + 1);
	return 1 + splitmix64(s) % (1ul << shift);
}

/* ---- sockets and namespaces ---- */

static int stream_socket(int flags)
{
	int fd = sock_stream(family, flags);

	if (fd < 0)
		tap_bail("socket(%d, SOCK_STREAM): %s", family, strerror(errno));
	return fd;
}

/* A listener on ADDR_SRV:@port in the server namespace. */
static int listener(int port, int backlog, int flags)
{
	struct sockaddr_in sin = sin_of(ADDR_SRV, port);
	int fd;

	netns_enter(ns_srv);
	fd = sock_listen(family, &sin, backlog, flags);
	if (fd < 0)
		tap_bail("bind/listen %s:%d: %s", ADDR_SRV, port,
			 strerror(errno));
	netns_enter(ns_cli);
	return fd;
}

/* Sockets per state in /proc/net/{tcp,xtcp} of namespace @ns. */
static int proc_states(const char *ns, int count[ST_MAX])
{
	char path[64];
	unsigned int lport, rport, st;
	int total = 0;
	FILE *f;

	memset(count, 0, ST_MAX * sizeof(count[0]));
	netns_enter(ns);
	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", proc_name);
	f = fopen(path, "r");
	netns_enter(ns_cli);
	if (!f)
		return -1;
	while (proc_conn_next(f, &lport, &rport, &st)) {
		count[st < ST_MAX ? st : 0]++;
		total++;
	}
	fclose(f);
	return total;
}

/*
 * Wait (up to TEARDOWN_MS) for every connection in both namespaces to be
 * gone or in TIME_WAIT, then check that none is ESTABLISHED and report
 * the rest: exactly @want_cli_tw and @want_srv_tw TIME_WAITs when read
 * before @tw_until (now_ms(), -1 for never): until then none has ended.
 */
static void check_teardown(const char *what, int want_cli_tw, int want_srv_tw,
			   long tw_until)
{
	int srv[ST_MAX], cli[ST_MAX], nsrv = -1, ncli = -1;
	long read_at = 0;

	WAIT_UNTIL((read_at = now_ms(),
		    nsrv = proc_states(ns_srv, srv),
		    ncli = proc_states(ns_cli, cli),
		    nsrv < 0 || ncli < 0 ||
		    (nsrv == srv[ST_TIME_WAIT] && ncli == cli[ST_TIME_WAIT])),
		   TEARDOWN_MS);
	if (nsrv < 0 || ncli < 0) {
		tap_ok(0, "%s: /proc/net/%s is readable", what, proc_name);
		return;
	}
	tap_ok(srv[ST_ESTABLISHED] + cli[ST_ESTABLISHED] == 0,
	       "%s: nothing left ESTABLISHED in /proc/net/%s (server %d, client %d)",
	       what, proc_name, srv[ST_ESTABLISHED], cli[ST_ESTABLISHED]);
	if (read_at < tw_until)
		tap_ok(ncli == want_cli_tw && cli[ST_TIME_WAIT] == want_cli_tw &&
		       nsrv == want_srv_tw && srv[ST_TIME_WAIT] == want_srv_tw,
		       "%s: only TIME_WAIT left: client %d of %d (want %d), server %d of %d (want %d)",
		       what, cli[ST_TIME_WAIT], ncli, want_cli_tw,
		       srv[ST_TIME_WAIT], nsrv, want_srv_tw);
	else {
		if (tw_until >= 0)
			tap_diag("%s: read after the first TIME_WAIT may have ended",
				 what);
		tap_ok(ncli == cli[ST_TIME_WAIT] && nsrv == srv[ST_TIME_WAIT],
		       "%s: only TIME_WAIT left: client %d of %d, server %d of %d",
		       what, cli[ST_TIME_WAIT], ncli, srv[ST_TIME_WAIT], nsrv);
	}
}

/* ---- part 1: the echo server ---- */

struct conn {
	int fd;
	uint32_t events;	/* the epoll interest in force */
	bool eof;
	size_t off, len;	/* pending bytes in buf */
	uint8_t buf[SRV_BUF];
};

struct server {
	int lfd;
	int stop;		/* set by the main thread, read atomically */
	int accepted, eofs, closed, errors;
	uint64_t echoed;
	int first_errno;
	const char *first_err;
};

static void srv_fail(struct server *srv, struct conn *c, const char *what)
{
	if (!srv->first_err) {
		srv->first_err = what;
		srv->first_errno = errno;
	}
	srv->errors++;
	close(c->fd);
	free(c);
}

/* Read and write what can be; false when the connection is gone. */
static bool srv_serve(struct server *srv, int ep, struct conn *c, uint32_t ev)
{
	struct epoll_event e;
	ssize_t n;

	if ((ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !c->eof &&
	    c->off + c->len < SRV_BUF) {
		n = recv(c->fd, c->buf + c->off + c->len,
			 SRV_BUF - c->off - c->len, 0);
		if (n > 0) {
			c->len += n;
		} else if (n == 0) {
			c->eof = true;
			srv->eofs++;
		} else if (errno != EAGAIN && errno != EINTR) {
			srv_fail(srv, c, "recv");
			return false;
		}
	}
	if (c->len) {
		n = send(c->fd, c->buf + c->off, c->len, MSG_NOSIGNAL);
		if (n > 0) {
			c->off += n;
			c->len -= n;
			srv->echoed += n;
			if (!c->len)
				c->off = 0;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			srv_fail(srv, c, "send");
			return false;
		}
	}
	if (c->eof && !c->len) {
		close(c->fd);
		free(c);
		srv->closed++;
		return false;
	}
	e.events = (!c->eof && c->off + c->len < SRV_BUF ? EPOLLIN : 0) |
		   (c->len ? EPOLLOUT : 0);
	e.data.ptr = c;
	if (e.events != c->events) {
		if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e)) {
			srv_fail(srv, c, "epoll_ctl");
			return false;
		}
		c->events = e.events;
	}
	return true;
}

static void *server_thread(void *arg)
{
	struct server *srv = arg;
	struct epoll_event evs[64], e = { .events = EPOLLIN };
	long last = now_ms();
	int ep, n, i, fd;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, srv->lfd, &e))
		tap_bail("epoll: %s", strerror(errno));

	while (!__atomic_load_n(&srv->stop, __ATOMIC_RELAXED) &&
	       !(srv->accepted == NCLIENTS &&
		 srv->closed + srv->errors == NCLIENTS)) {
		n = epoll_wait(ep, evs, 64, 200);
		if (n < 0 && errno != EINTR)
			tap_bail("epoll_wait: %s", strerror(errno));
		if (n <= 0) {
			if (now_ms() - last > STALL_MS)
				break;
			continue;
		}
		last = now_ms();
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c) {
				srv_serve(srv, ep, c, evs[i].events);
				continue;
			}
			while ((fd = accept4(srv->lfd, NULL, NULL,
					     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				c = calloc(1, sizeof(*c));
				if (!c)
					tap_bail("out of memory");
				c->fd = fd;
				c->events = EPOLLIN;
				e.events = EPOLLIN;
				e.data.ptr = c;
				if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e))
					tap_bail("epoll_ctl: %s", strerror(errno));
				srv->accepted++;
			}
			if (errno != EAGAIN && errno != ECONNABORTED &&
			    errno != EINTR && !srv->first_err) {
				srv->first_err = "accept";
				srv->first_errno = errno;
			}
		}
	}
	close(ep);
	return NULL;
}

/* ---- part 1: the clients ---- */

enum { CL_CONNECTING, CL_RUNNING, CL_DONE, CL_FAILED };

struct client {
	int fd, state, err;
	const char *why;
	size_t total, made, sent, rcvd;
	size_t chunk_len, chunk_off;
	bool shut;
	struct stream tx, rx;
	uint64_t rng;
	uint8_t chunk[CHUNK_MAX];
};

static uint8_t rbuf[65536], expect[65536];

/* Returns false (the client stopped), for callers to return. */
static bool cl_fail(struct client *c, const char *why, int err)
{
	c->state = CL_FAILED;
	c->why = why;
	c->err = err;
	close(c->fd);
	return false;
}

/* Write while the socket takes it; false when the client stopped. */
static bool cl_write(struct client *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < 16 && !c->shut; i++) {
		if (c->chunk_off == c->chunk_len) {
			if (c->made == c->total) {
				if (shutdown(c->fd, SHUT_WR))
					return cl_fail(c, "shutdown", errno);
				c->shut = true;
				return true;
			}
			c->chunk_len = rnd_size(&c->rng, CHUNK_MAX);
			if (c->chunk_len > c->total - c->made)
				c->chunk_len = c->total - c->made;
			c->chunk_off = 0;
			stream_fill(&c->tx, c->chunk, c->chunk_len);
			c->made += c->chunk_len;
		}
		n = send(c->fd, c->chunk + c->chunk_off,
			 c->chunk_len - c->chunk_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			return cl_fail(c, "send", errno);
		}
		c->chunk_off += n;
		c->sent += n;
	}
	return true;
}

/* Read and compare the echo; false when the client stopped. */
static bool cl_read(struct client *c)
{
	ssize_t n;
	size_t j;
	int i;

	for (i = 0; i < 16; i++) {
		n = recv(c->fd, rbuf, rnd_size(&c->rng, sizeof(rbuf)), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			return cl_fail(c, "recv", errno);
		}
		if (n == 0) {
			if (!c->shut)
				return cl_fail(c, "EOF before the client's own", 0);
			if (c->rcvd != c->total)
				return cl_fail(c, "EOF before all bytes echoed", 0);
			c->state = CL_DONE;
			close(c->fd);
			return false;
		}
		if (c->rcvd + n > c->total)
			return cl_fail(c, "more bytes echoed than sent", 0);
		stream_fill(&c->rx, expect, n);
		if (memcmp(rbuf, expect, n)) {
			for (j = 0; rbuf[j] == expect[j]; j++)
				;
			c->rcvd += j;
			return cl_fail(c, "echoed bytes differ", 0);
		}
		c->rcvd += n;
	}
	return true;
}

static void part_echo(void)
{
	static struct client cl[NCLIENTS];
	static struct pollfd pfd[NCLIENTS];
	static int idx[NCLIENTS];
	struct sockaddr_in to = sin_of(ADDR_SRV, PORT_ECHO);
	struct server srv = { 0 };
	pthread_t tid;
	int i, n, connected = 0, done = 0, failed = 0, shown = 0;
	long t0 = now_ms(), last = t0;
	uint64_t total = 0;

	srv.lfd = listener(PORT_ECHO, BACKLOG, SOCK_NONBLOCK);
	if (pthread_create(&tid, NULL, server_thread, &srv))
		tap_bail("pthread_create");

	for (i = 0; i < NCLIENTS; i++) {
		struct client *c = &cl[i];
		uint64_t seed = 0x58544350ULL << 32 | i;

		c->rng = splitmix64(&seed);
		c->total = rnd_between(&c->rng, ECHO_MIN, ECHO_MAX);
		total += c->total;
		stream_init(&c->tx, splitmix64(&seed));
		c->rx = c->tx;
		c->fd = stream_socket(SOCK_NONBLOCK);
		if (sock_connect(c->fd, &to) && errno != EINPROGRESS)
			cl_fail(c, "connect", errno);
	}
	tap_diag("echo: %d clients, %llu bytes each way in all", NCLIENTS,
		 (unsigned long long)total);

	for (;;) {
		for (i = n = 0; i < NCLIENTS; i++) {
			struct client *c = &cl[i];

			if (c->state == CL_CONNECTING)
				pfd[n].events = POLLOUT;
			else if (c->state == CL_RUNNING)
				pfd[n].events = POLLIN | (c->shut ? 0 : POLLOUT);
			else
				continue;
			pfd[n].fd = c->fd;
			idx[n++] = i;
		}
		if (!n)
			break;
		i = poll(pfd, n, 200);
		if (i < 0 && errno != EINTR)
			tap_bail("poll: %s", strerror(errno));
		if (i <= 0) {
			if (now_ms() - last < STALL_MS)
				continue;
			for (i = 0; i < n; i++)
				cl_fail(&cl[idx[i]], "stalled", 0);
			break;
		}
		last = now_ms();
		for (i = 0; i < n; i++) {
			struct client *c = &cl[idx[i]];
			short re = pfd[i].revents;
			socklen_t len = sizeof(c->err);

			if (!re)
				continue;
			if (c->state == CL_CONNECTING) {
				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR,
					       &c->err, &len) || c->err) {
					cl_fail(c, "connect", c->err ? c->err : errno);
					continue;
				}
				c->state = CL_RUNNING;
				connected++;
				continue;
			}
			if (re & POLLOUT)
				cl_write(c);
			if (c->state == CL_RUNNING &&
			    (re & (POLLIN | POLLHUP | POLLERR)))
				cl_read(c);
		}
	}
	for (i = 0; i < NCLIENTS; i++) {
		struct client *c = &cl[i];

		if (c->state == CL_DONE) {
			done++;
			continue;
		}
		failed++;
		if (shown++ < 8)
			tap_diag("client %d: %s%s%s; sent %zu, got back %zu of %zu",
				 i, c->why ? c->why : "?", c->err ? ": " : "",
				 c->err ? strerror(c->err) : "", c->sent,
				 c->rcvd, c->total);
	}
	if (failed)
		__atomic_store_n(&srv.stop, 1, __ATOMIC_RELAXED);
	pthread_join(tid, NULL);
	close(srv.lfd);
	tap_diag("echo: %d done, %d failed in %ld ms; server accepted %d, echoed %llu bytes",
		 done, failed, now_ms() - t0, srv.accepted,
		 (unsigned long long)srv.echoed);
	if (srv.first_err)
		tap_diag("server: first error in %s: %s", srv.first_err,
			 strerror(srv.first_errno));

	tap_ok(connected == NCLIENTS && srv.accepted == NCLIENTS,
	       "all %d clients connected (%d), the server accepted them (%d)",
	       NCLIENTS, connected, srv.accepted);
	tap_ok(done == NCLIENTS,
	       "all %d clients got exactly their bytes back (%d did)",
	       NCLIENTS, done);
	tap_ok(srv.eofs == NCLIENTS && srv.closed == NCLIENTS && !srv.errors,
	       "the server saw %d EOFs (%d), closed after each (%d), no errors (%d)",
	       NCLIENTS, srv.eofs, srv.closed, srv.errors);
	tap_ok(srv.echoed == total, "the server echoed %llu bytes (%llu)",
	       (unsigned long long)total, (unsigned long long)srv.echoed);
	/*
	 * Clients closed first: they wait in TIME_WAIT, the server has none.
	 * All 200 are still there when counted before the first can have
	 * ended (none began before t0); later (a slow debug kernel) only
	 * "nothing but TIME_WAIT" is checked.
	 */
	check_teardown("echo", NCLIENTS, 0, t0 + TW_KEEP_MS);
}

/* ---- part 2: bulk both ways on one connection ---- */

enum { PAT_BIG, PAT_MIXED };

struct job {
	int fd, pattern, err;
	bool send;
	size_t total;
	uint64_t seed;
	size_t done;
	uint8_t digest[SHA256_DIGEST_SIZE];
};

static size_t io_size(uint64_t *rng, int pattern)
{
	if (pattern == PAT_BIG)
		return rnd_between(rng, BULK_IO / 16, BULK_IO);
	return rnd_size(rng, 65536);
}

static void *job_thread(void *arg)
{
	struct job *j = arg;
	struct sha256_ctx h;
	struct stream g;
	uint64_t rng = j->seed ^ 0x6a09e667f3bcc908ULL;
	uint8_t *buf = malloc(BULK_IO);
	size_t n;
	ssize_t r;

	if (!buf)
		tap_bail("out of memory");
	sha256_init(&h);
	stream_init(&g, j->seed);
	while (j->send && j->done < j->total) {
		n = io_size(&rng, j->pattern);
		if (n > j->total - j->done)
			n = j->total - j->done;
		if (stream_send(j->fd, &g, &h, buf, n, &j->done, NULL, NULL)) {
			j->err = errno;
			goto out;
		}
	}
	if (j->send && shutdown(j->fd, SHUT_WR))
		j->err = errno;
	while (!j->send) {
		r = recv_hashed(j->fd, buf, j->pattern == PAT_BIG ? BULK_IO :
				io_size(&rng, j->pattern), &h, &j->done);
		if (r <= 0) {
			j->err = r ? errno : 0;
			break;
		}
	}
out:
	sha256_final(&h, j->digest);
	free(buf);
	return NULL;
}

static void set_timeouts(int fd)
{
	if (sock_set_timeo(fd, SO_RCVTIMEO, STALL_MS) ||
	    sock_set_timeo(fd, SO_SNDTIMEO, STALL_MS))
		tap_diag("SO_RCVTIMEO/SO_SNDTIMEO: %s", strerror(errno));
}

/*
 * One connection to @port, its two ends in *@cfd (client) and *@sfd
 * (server), both with the stall timeouts.  False if connect() failed:
 * nothing is left open and errno says why.  A failed accept() bails out.
 */
static bool connect_pair(const char *run, int port, int *cfd, int *sfd)
{
	struct sockaddr_in to = sin_of(ADDR_SRV, port);
	int lfd, err;

	lfd = listener(port, 1, 0);
	*cfd = stream_socket(0);
	set_timeouts(*cfd);
	if (sock_connect(*cfd, &to)) {
		err = errno;
		close(*cfd);
		close(lfd);
		errno = err;
		return false;
	}
	*sfd = sock_accept(lfd, NULL, SOCK_CLOEXEC);
	if (*sfd < 0)
		tap_bail("%s: accept: %s", run, strerror(errno));
	close(lfd);
	set_timeouts(*sfd);
	return true;
}

static void check_direction(const char *run, const char *dir,
			    const struct job *tx, const struct job *rx)
{
	char htx[2 * SHA256_DIGEST_SIZE + 1], hrx[2 * SHA256_DIGEST_SIZE + 1];

	sha256_hex(tx->digest, htx);
	sha256_hex(rx->digest, hrx);
	if (tx->err || rx->err)
		tap_diag("%s %s: sender: %s, receiver: %s", run, dir,
			 tx->err ? strerror(tx->err) : "ok",
			 rx->err ? strerror(rx->err) : "ok");
	tap_ok(!tx->err && !rx->err && tx->done == tx->total &&
	       rx->done == tx->total && !strcmp(htx, hrx),
	       "%s %s: %zu bytes sent, %zu received, SHA-256 %.16s... %s",
	       run, dir, tx->done, rx->done, htx,
	       strcmp(htx, hrx) ? "differs" : "matches");
	if (strcmp(htx, hrx))
		tap_diag("sent %s, received %s", htx, hrx);
}

static void part_bulk(const char *run, int port, size_t bytes, int pattern)
{
	struct job jobs[4];
	pthread_t tid[4];
	int cfd, sfd, i;
	long t0 = now_ms();

	if (!connect_pair(run, port, &cfd, &sfd)) {
		tap_ok(0, "%s: connect: %s", run, strerror(errno));
		return;
	}
	if (pattern == PAT_MIXED &&
	    sock_set_int(cfd, IPPROTO_TCP, TCP_NODELAY, 1))
		tap_diag("TCP_NODELAY: %s", strerror(errno));

	memset(jobs, 0, sizeof(jobs));
	/* client sends, server receives; server sends, client receives */
	jobs[0] = (struct job){ .fd = cfd, .send = true, .seed = 0xc11e47 + port };
	jobs[1] = (struct job){ .fd = sfd, .seed = 0x5e7e7 + port };
	jobs[2] = (struct job){ .fd = sfd, .send = true, .seed = 0x5e7e7 + port };
	jobs[3] = (struct job){ .fd = cfd, .seed = 0xc11e47 + port };
	for (i = 0; i < 4; i++) {
		jobs[i].total = bytes;
		jobs[i].pattern = pattern;
		if (pthread_create(&tid[i], NULL, job_thread, &jobs[i]))
			tap_bail("pthread_create");
	}
	for (i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	close(cfd);
	close(sfd);
	tap_diag("%s: %zu bytes each way in %ld ms", run, bytes, now_ms() - t0);
	check_direction(run, "client -> server", &jobs[0], &jobs[1]);
	check_direction(run, "server -> client", &jobs[2], &jobs[3]);
}

/*
 * A file's bytes into the socket without a user buffer: sendfile() from
 * a memfd, then splice() from the file through a pipe.  The receiver gets
 * the file twice, byte for byte.
 */
static void part_sendfile(int port)
{
	char htx[2 * SHA256_DIGEST_SIZE + 1], hrx[2 * SHA256_DIGEST_SIZE + 1];
	uint8_t digest[SHA256_DIGEST_SIZE], *data;
	size_t sent = 0, spliced = 0, inpipe;
	int cfd, sfd, mfd, p[2];
	struct sha256_ctx h;
	struct stream g;
	struct job rx;
	loff_t from = 0;
	off_t off = 0;
	pthread_t tid;
	ssize_t r;

	data = malloc(FILE_BYTES);
	mfd = memfd_create("echo_bulk", MFD_CLOEXEC);
	if (!data || mfd < 0 || pipe(p))
		tap_bail("sendfile: set-up: %s", strerror(errno));
	stream_init(&g, 0xf11e + port);
	stream_fill(&g, data, FILE_BYTES);
	if (write(mfd, data, FILE_BYTES) != FILE_BYTES)
		tap_bail("sendfile: write the memfd: %s", strerror(errno));
	sha256_init(&h);
	sha256_update(&h, data, FILE_BYTES);
	sha256_update(&h, data, FILE_BYTES);
	sha256_final(&h, digest);
	sha256_hex(digest, htx);
	free(data);

	if (!connect_pair("sendfile", port, &cfd, &sfd))
		tap_bail("sendfile: connect: %s", strerror(errno));
	rx = (struct job){ .fd = sfd, .pattern = PAT_BIG,
			   .total = 2 * FILE_BYTES };
	if (pthread_create(&tid, NULL, job_thread, &rx))
		tap_bail("pthread_create");

	while (off < (off_t)FILE_BYTES) {
		r = sendfile(cfd, mfd, &off, FILE_BYTES - off);
		if (r <= 0)
			break;
		sent += r;
	}
	tap_ok(sent == FILE_BYTES, "sendfile() took the file, %zu bytes (%s)",
	       sent, sent == FILE_BYTES ? "ok" : strerror(errno));
	while (from < (loff_t)FILE_BYTES) {
		r = splice(mfd, &from, p[1], NULL, 65536, 0);
		if (r <= 0)
			break;
		for (inpipe = r; inpipe; inpipe -= r, spliced += r) {
			r = splice(p[0], NULL, cfd, NULL, inpipe, 0);
			if (r <= 0)
				goto out;
		}
	}
out:
	tap_ok(spliced == FILE_BYTES,
	       "splice() from a pipe took the file, %zu bytes (%s)", spliced,
	       spliced == FILE_BYTES ? "ok" : strerror(errno));
	shutdown(cfd, SHUT_WR);
	pthread_join(tid, NULL);
	sha256_hex(rx.digest, hrx);
	tap_ok(!rx.err && rx.done == 2 * FILE_BYTES && !strcmp(htx, hrx),
	       "sendfile, splice: %zu bytes received, SHA-256 %.16s... %s",
	       rx.done, hrx, strcmp(htx, hrx) ? "differs" : "matches");
	close(cfd);
	close(sfd);
	close(mfd);
	close(p[0]);
	close(p[1]);
}

/* ---- SHA-256 itself ---- */

static bool sha_is(const void *data, size_t len, size_t piece, const char *want)
{
	const uint8_t *p = data;
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];
	size_t n;

	sha256_init(&h);
	for (; len; p += n, len -= n) {
		n = len < piece ? len : piece;
		sha256_update(&h, p, n);
	}
	sha256_final(&h, d);
	sha256_hex(d, hex);
	if (strcmp(hex, want))
		tap_diag("sha256 gave %s, want %s", hex, want);
	return !strcmp(hex, want);
}

static void check_sha256(void)
{
	static const char two[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static uint8_t a[1000000];
	bool ok;

	tap_ok(sha_is("abc", 3, 3,
		      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	       "sha256(\"abc\") is FIPS 180-4's value");
	memset(a, 'a', sizeof(a));
	ok = sha_is("", 0, 1,
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ok &= sha_is(two, sizeof(two) - 1, 7,
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	ok &= sha_is(a, sizeof(a), 997,
		     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	tap_ok(ok, "sha256 of \"\", the 448-bit message and a million 'a' in pieces");
}

int main(void)
{
	struct rlimit rl;
	pthread_t wd;

	tap_begin();
	pick_family();
	tap_diag("family %s", proc_name);
	signal(SIGPIPE, SIG_IGN);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 4 * NCLIENTS) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		if (setrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < 3 * NCLIENTS)
			tap_bail("RLIMIT_NOFILE too low for %d clients", NCLIENTS);
	}
	if (pthread_create(&wd, NULL, watchdog, NULL))
		tap_bail("pthread_create");
	pthread_detach(wd);

	check_sha256();

	ns_srv = test_netns_add("srv");
	ns_cli = test_netns_add("cli");
	test_veth(ns_cli, ADDR_CLI "/24", ns_srv, ADDR_SRV "/24");
	/*
	 * The echo part counts the clients' 200 TIME_WAITs: on a slow
	 * (debug) kernel the first would end before the last is counted
	 * with TCP's 60 s.  XTCP's length is a sysctl: make it 120 s.
	 */
	netns_enter(ns_cli);
	if (family == AF_XTCP && sysctl_write("net/xtcp/tw_timeout", "120"))
		tap_bail("sysctl net.xtcp.tw_timeout: %s", strerror(errno));

	part_echo();
	part_bulk("bulk", PORT_BULK, debug_kernel() ? BULK_BYTES / 4 :
		  BULK_BYTES, PAT_BIG);
	part_bulk("mixed", PORT_BULK + 1, MIXED_BYTES, PAT_MIXED);
	part_sendfile(PORT_BULK + 2);
	check_teardown("bulk", -1, -1, -1);
	return tap_end();
}
