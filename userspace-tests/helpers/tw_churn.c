// SPDX-License-Identifier: GPL-2.0
/*
 * tw_churn [-t] [-o CLOSES] serve ADDR PORT NPORTS [FILE]
 * tw_churn [-t] [-c CONC] [-w SECS] churn ADDR PORT NPORTS N TIMES
 * tw_churn [-t] watch TIMES TW_MS INTERVAL_MS LIMIT_S [BIRTHS]
 * tw_churn [-t] rst PEER PORT [GOFILE]
 * tw_churn [-t] sniff IFACE FILE
 *
 * The short connections of time_wait.sh, made fast, and the watch over
 * their TIME_WAIT entries.
 *
 * "serve" listens on ADDR, ports PORT to PORT + NPORTS - 1, creates FILE
 * (when given) once listening, and for every connection reads until EOF,
 * then closes; until SIGTERM, when it prints "served N".  With -o, it
 * notes the realtime clock in microseconds just before each close(),
 * before its FIN can leave, so before the client's TIME_WAIT entry can
 * be made: a lower bound of the entry's making, where the client's EOF
 * (TIMES below) is an upper one, late by as long as a loaded host keeps
 * the client from running.  On SIGTERM it writes them to CLOSES, one
 * line per connection in the order they closed, in the format of TIMES:
 * "US CLIENT_PORT SERVER_PORT".
 *
 * "churn" opens N connections, to the ports PORT ... PORT + NPORTS - 1 in
 * turn, CONC (default 64) at a time, each from an ephemeral port: connect,
 * one byte, shutdown(SHUT_WR), wait for the server's FIN (EOF), close.
 * The client closes first, so each connection leaves a TIME_WAIT entry on
 * this side, made when the server's FIN arrived.  TIMES gets one line per
 * connection, in the order they ended: the realtime clock in microseconds
 * when a thread waiting for nothing else saw its EOF, which is within
 * milliseconds of the entry's making (a little before it at times: the
 * FIN's EOF is visible while the ACK for it goes out), its local port
 * and its server port.  Prints
 * "churn N done D failed F first_us A last_us B ms M rate R" (A and B the
 * first and last of TIMES, M the whole run in ms, R connections a second)
 * and a "fail I WHAT: ERRNO" line for each of the first ten failures.
 * Gives up after SECS (default 600); exits 1 unless all N completed.
 *
 * "watch", run in the churn's namespace once it ended, reads the number of
 * TIME_WAIT entries of the namespace every INTERVAL_MS until it is 0 or
 * LIMIT_S seconds passed: XtcpTimeWaitCurr in /proc/net/xtcp_snmp (with -t,
 * "tw" of TCP in /proc/net/sockstat).  The entries of TIMES should end
 * TW_MS after their time, oldest first.  With c entries left at time t,
 * at least N - c are gone, so one of them is at least as young as the
 * (N - c)-th oldest: it ended at least that one's time + TW_MS - t early;
 * and one of the c left is at least as old as the c-th youngest: it is at
 * least t - (that one's time + TW_MS) late.  The early bound takes t
 * after the reading and, given BIRTHS (lower bounds of the same
 * entries' making, one a line as in TIMES: serve's CLOSES), those times;
 * the late bound takes t before the reading and the times of TIMES
 * (upper bounds): both hold however long the host keeps either side
 * from running.  Prints a line per second
 * ("at T ms: C left") and at the end
 * "watch N start S end E early_ms X late_ms Y first_gone_ms F all_gone_ms G"
 * with S and E the counts at the first and the last reading, X and Y the
 * largest bounds over all readings (negative: none early, none late), F
 * the first drop below the start relative to the oldest time + TW_MS, and
 * G the first reading of 0 relative to the youngest time + TW_MS (or
 * "none").  Exits 1 when the count could not be read or never reached 0.
 *
 * "rst", run in the server's namespace after PEER closed first and its
 * FIN arrived, waits (30 s at most) on a raw socket for the next segment
 * from PEER to local port PORT: the ACK of the server's FIN, which put
 * PEER in TIME_WAIT.  Once GOFILE exists (when given; 30 s at most) it
 * sends two resets from PORT that PEER must ignore (RFC 1337): RST at the
 * ACK's acknowledgment number, PEER's RCV.NXT, and RST|ACK one further
 * acknowledging the ACK's sequence number.  Prints "ready",
 * "ack SPORT SEQ ACK" and "sent 2".
 *
 * "sniff" records every IPv4 segment of the protocol (253, or 6 with -t)
 * crossing IFACE either way, as the packet taps see them (before tc's
 * ingress hook, so what tc drops is there too): one line each in FILE,
 * "TIME SPORT DPORT FLAGS SEQ ACK LEN TSVAL TSECR", TIME the kernel's
 * stamp in seconds, FLAGS of S, A, F, R ("." for none), TSVAL and TSECR
 * "-" without a timestamp option.  It creates FILE.ready
 * once capturing and stops on SIGTERM, printing "sniffed N dropped D"
 * (D: what the socket's buffer had no room for).  Light
 * enough for the debug kernel, where tshark takes many minutes to start.
 *
 * -t (or XTCP_TEST_FAMILY=tcp) uses Linux TCP (AF_INET) instead of XTCP.
 */

#include "../xtcp_test.h"

#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#define MAX_PORTS	64
#define MAX_CONC	4096
#define MAX_FDS		65536

static int family = AF_XTCP;

static int usage(void);
static atomic_bool done;	/* lock-free: safe in a signal handler */

static void on_term(int sig)
{
	(void)sig;
	atomic_store(&done, true);
}

static int new_socket(void)
{
	int fd = sock_stream(family, SOCK_NONBLOCK);

	if (fd < 0)
		fail("socket: %s", strerror(errno));
	return fd;
}

static void epoll_set(int ep, int op, int fd, unsigned int events, long tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	if (epoll_ctl(ep, op, fd, &ev))
		fail("epoll_ctl: %s", strerror(errno));
}

/* serve's close times (-o), in the order of the closes. */
struct closed {
	long long us;
	unsigned short cport, sport;
};

static const char *closes_file;	/* -o */
static struct closed *closes;
static size_t n_closes, cap_closes;

static void note_close(int cport, int sport)
{
	if (n_closes == cap_closes) {
		cap_closes = cap_closes ? 2 * cap_closes : 65536;
		closes = realloc(closes, cap_closes * sizeof(*closes));
		if (!closes)
			fail("realloc: %s", strerror(errno));
	}
	closes[n_closes].us = clock_us(CLOCK_REALTIME);
	closes[n_closes].cport = cport;
	closes[n_closes].sport = sport;
	n_closes++;
}

static int write_closes(void)
{
	FILE *f = fopen(closes_file, "w");
	size_t i;

	for (i = 0; f && i < n_closes; i++)
		fprintf(f, "%lld %d %d\n", closes[i].us, closes[i].cport,
			closes[i].sport);
	if (!f || fclose(f)) {
		printf("fail %s: %s\n", closes_file, strerror(errno));
		return 1;
	}
	return 0;
}

/* Listener tags are -1 - index; connections are their fd. */
static int serve(struct sockaddr_in *sin, int nports, const char *file)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct epoll_event ev[256];
	int lfd[MAX_PORTS], ep, i, n, fd;
	int base = ntohs(sin->sin_port);
	static int got[MAX_FDS];	/* bytes read, by fd */
	static unsigned short cport[MAX_FDS], sport[MAX_FDS];	/* by fd */
	unsigned long served = 0, odd = 0;
	struct sockaddr_in from;
	socklen_t flen;
	char buf[512];
	ssize_t r;

	sigaction(SIGTERM, &sa, NULL);
	ep = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < nports; i++) {
		sin->sin_port = htons(base + i);
		lfd[i] = sock_listen(family, sin, 4096, SOCK_NONBLOCK);
		if (lfd[i] < 0) {
			printf("fail bind/listen port %d: %s\n", base + i,
			       strerror(errno));
			return 1;
		}
		epoll_set(ep, EPOLL_CTL_ADD, lfd[i], EPOLLIN, -1 - i);
	}
	if (file)
		touch(file);
	while (!atomic_load(&done)) {
		n = epoll_wait(ep, ev, 256, 1000);
		for (i = 0; i < n; i++) {
			long tag = (long)ev[i].data.u64;

			if (tag < 0) {
				for (;;) {
					flen = sizeof(from);
					fd = accept4(lfd[-1 - tag],
						     (struct sockaddr *)&from,
						     &flen, SOCK_NONBLOCK |
						     SOCK_CLOEXEC);
					if (fd < 0)
						break;
					if (fd < MAX_FDS) {
						cport[fd] = ntohs(from.sin_port);
						sport[fd] = base - 1 - tag;
					}
					epoll_set(ep, EPOLL_CTL_ADD, fd,
						  EPOLLIN | EPOLLRDHUP, fd);
				}
				continue;
			}
			fd = tag;
			do {
				r = read(fd, buf, sizeof(buf));
				if (r > 0 && fd < MAX_FDS)
					got[fd] += r;
			} while (r > 0);
			if (r < 0 && errno == EAGAIN)
				continue;
			/* EOF (or an error): close, the server's FIN. */
			if ((r < 0 || (fd < MAX_FDS && !got[fd])) &&
			    odd++ < 10)
				printf("odd: %s after %d bytes\n",
				       r < 0 ? strerror(errno) : "EOF",
				       fd < MAX_FDS ? got[fd] : -1);
			if (fd < MAX_FDS)
				got[fd] = 0;
			/* Before the FIN can leave: a lower bound. */
			if (closes_file && fd < MAX_FDS)
				note_close(cport[fd], sport[fd]);
			close(fd);
			served++;
		}
	}
	printf("served %lu, %lu odd\n", served, odd);
	return closes_file ? write_closes() : 0;
}

/*
 * churn: the main thread connects, sends the byte and the FIN; the reaper
 * thread waits for the server's FIN, stamps it, closes, and gives the
 * slot back through a pipe (slot index, FAILED set on an error).  The
 * reaper does nothing else, so it wakes as soon as the FIN made the
 * entry: its stamp follows the entry's making closely.
 */
#define FAILED		0x40000000

struct conn {
	int fd;
	int idx;
	int port;
	int lport;	/* XTCP's getsockname() says 0 once TIME_WAIT began */
};

static struct conn conns[MAX_CONC];
static int eof_ep, slot_pipe[2];
static FILE *times_out;
static long long first_eof, last_eof;

static void give_back(int k, bool failed)
{
	int msg = k | (failed ? FAILED : 0);

	if (write(slot_pipe[1], &msg, sizeof(msg)) != sizeof(msg))
		exit(1);
}

/*
 * The reaper's end of slot @k: out of eof_ep, closed, given back.  The
 * epoll_ctl(EPOLL_CTL_DEL) comes first because close() alone does not
 * take a socket out of an epoll set while another reference to its file
 * is held: the main thread's epoll_ctl(EPOLL_CTL_ADD) of it holds one
 * until that call returns, and its FIN may have come already, so that
 * the reaper can see it, read the EOF and close before then (a guest
 * whose vCPUs the host holds back widens that window).  The entry, still
 * ready, then came back from the next epoll_wait() with tag @k: a read
 * of the closed descriptor (EBADF), and @k given back a second time, two
 * connections sharing one slot from then on, sockets left open until
 * socket() failed with EMFILE.
 */
static void reap(int k, bool failed)
{
	epoll_ctl(eof_ep, EPOLL_CTL_DEL, conns[k].fd, NULL);
	close(conns[k].fd);
	give_back(k, failed);
}

static void *reaper(void *arg)
{
	struct epoll_event ev[256];
	long long now;
	int i, n, k;
	ssize_t r;
	char b;

	(void)arg;
	while (!atomic_load(&done)) {
		n = epoll_wait(eof_ep, ev, 256, 100);
		/* No EOF of this batch came later than this. */
		now = clock_us(CLOCK_REALTIME);
		for (i = 0; i < n; i++) {
			k = ev[i].data.u64;
			r = read(conns[k].fd, &b, 1);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r != 0) {
				printf("fail %d eof: %s\n", conns[k].idx,
				       r < 0 ? strerror(errno) : "data");
				reap(k, true);
				continue;
			}
			fprintf(times_out, "%lld %d %d\n", now, conns[k].lport,
				conns[k].port);
			if (!first_eof)
				first_eof = now;
			last_eof = now;
			reap(k, false);
		}
	}
	return NULL;
}

static int churn(struct sockaddr_in *sin, int nports, int count, int conc,
		 int secs, const char *times)
{
	struct epoll_event ev[256];
	long long t0 = clock_us(CLOCK_MONOTONIC), t;
	int base = ntohs(sin->sin_port), ep, i, n, k, err, msg;
	int started = 0, active = 0, ok = 0, failed = 0, free_n = conc;
	int free_slot[MAX_CONC];
	struct sockaddr_in me;
	pthread_t thread;
	socklen_t len;
	char b = 'x';

	times_out = fopen(times, "w");
	if (!times_out || pipe2(slot_pipe, O_CLOEXEC | O_NONBLOCK)) {
		printf("fail %s: %s\n", times, strerror(errno));
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	eof_ep = epoll_create1(EPOLL_CLOEXEC);
	epoll_set(ep, EPOLL_CTL_ADD, slot_pipe[0], EPOLLIN, -1);
	for (k = 0; k < conc; k++)
		free_slot[k] = conc - 1 - k;
	if (pthread_create(&thread, NULL, reaper, NULL)) {
		printf("fail pthread_create\n");
		return 1;
	}
	while (ok + failed < count) {
		/* Fill the free slots with new connections. */
		while (free_n && started < count) {
			k = free_slot[--free_n];
			conns[k].fd = new_socket();
			conns[k].idx = started;
			conns[k].port = base + started % nports;
			sin->sin_port = htons(conns[k].port);
			started++;
			if (sock_connect(conns[k].fd, sin) &&
			    errno != EINPROGRESS) {
				if (failed < 10)
					printf("fail %d connect: %s\n",
					       conns[k].idx, strerror(errno));
				failed++;
				close(conns[k].fd);
				free_slot[free_n++] = k;
				continue;
			}
			epoll_set(ep, EPOLL_CTL_ADD, conns[k].fd, EPOLLOUT, k);
			active++;
		}
		if (clock_us(CLOCK_MONOTONIC) - t0 > secs * 1000000LL)
			break;
		if (!active)
			continue;
		n = epoll_wait(ep, ev, 256, 1000);
		for (i = 0; i < n; i++) {
			k = (int)(long)ev[i].data.u64;
			if (k < 0) {
				while (read(slot_pipe[0], &msg, sizeof(msg)) ==
				       sizeof(msg)) {
					if (msg & FAILED)
						failed++;
					else
						ok++;
					free_slot[free_n++] = msg & ~FAILED;
					active--;
				}
				continue;
			}
			err = 0;
			len = sizeof(err);
			getsockopt(conns[k].fd, SOL_SOCKET, SO_ERROR, &err,
				   &len);
			len = sizeof(me);
			if (!err && getsockname(conns[k].fd,
						(struct sockaddr *)&me, &len))
				err = errno;
			conns[k].lport = ntohs(me.sin_port);
			if (!err && (write(conns[k].fd, &b, 1) != 1 ||
				     shutdown(conns[k].fd, SHUT_WR)))
				err = errno;
			epoll_ctl(ep, EPOLL_CTL_DEL, conns[k].fd, NULL);
			if (err) {
				if (failed < 10)
					printf("fail %d connect: %s\n",
					       conns[k].idx, strerror(err));
				failed++;
				close(conns[k].fd);
				free_slot[free_n++] = k;
				active--;
				continue;
			}
			/* The reaper has it from here. */
			epoll_set(eof_ep, EPOLL_CTL_ADD, conns[k].fd,
				  EPOLLIN | EPOLLRDHUP, k);
		}
	}
	atomic_store(&done, true);
	pthread_join(thread, NULL);
	if (active) {
		printf("fail %d connections timed out\n", active);
		failed += active;
	}
	failed += count - started;
	if (fclose(times_out)) {
		printf("fail %s: %s\n", times, strerror(errno));
		failed++;
	}
	t = clock_us(CLOCK_MONOTONIC) - t0;
	printf("churn %d done %d failed %d first_us %lld last_us %lld ms %lld rate %lld\n",
	       count, ok, failed, first_eof, last_eof, t / 1000,
	       t ? ok * 1000000LL / t : 0);
	return ok == count ? 0 : 1;
}

/* The namespace's TIME_WAIT entries, or -1. */
static long tw_count(void)
{
	char line[256];
	long val = -1;
	FILE *f;

	if (family != AF_INET)
		return xtcp_counter("XtcpTimeWaitCurr");
	f = fopen("/proc/self/net/sockstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " tw ");

		if (!strncmp(line, "TCP:", 4) && p)
			val = atol(p + 4);
	}
	fclose(f);
	return val;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/*
 * The first column of @file's lines, sorted, in *@t; their number, 0 on
 * an error (said).
 */
static size_t read_times(const char *file, long long **t)
{
	size_t n = 0, cap = 0;
	FILE *f = fopen(file, "r");
	long long tu;

	*t = NULL;
	if (!f) {
		printf("fail %s: %s\n", file, strerror(errno));
		return 0;
	}
	while (fscanf(f, "%lld %*d %*d", &tu) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			*t = realloc(*t, cap * sizeof(**t));
			if (!*t)
				exit(1);
		}
		(*t)[n++] = tu;
	}
	fclose(f);
	if (!n)
		printf("fail %s: no times\n", file);
	else
		qsort(*t, n, sizeof(**t), cmp_ll);
	return n;
}

static int watch(const char *times, long long tw_ms, int interval_ms,
		 int limit_s, const char *births)
{
	long long *t, *lo, now, before, end, early = LLONG_MIN;
	long long late = LLONG_MIN, first_gone = LLONG_MIN;
	long long all_gone = LLONG_MIN, next_say = 0, tw = tw_ms * 1000;
	long start = -1, c = -1;
	size_t n = read_times(times, &t);

	if (!n)
		return 1;
	lo = t;
	if (births && read_times(births, &lo) != n) {
		printf("fail %s: not one time per entry of %s\n", births,
		       times);
		return 1;
	}
	end = clock_us(CLOCK_MONOTONIC) + limit_s * 1000000LL;
	for (;;) {
		before = clock_us(CLOCK_REALTIME);
		c = tw_count();
		now = clock_us(CLOCK_REALTIME);
		if (c < 0) {
			printf("fail: cannot read the TIME_WAIT count\n");
			return 1;
		}
		if (start < 0)
			start = c;
		if (c < (long)n) {
			/* The (n - c)-th oldest, or one younger, is gone. */
			if (lo[n - c - 1] + tw - now > early)
				early = lo[n - c - 1] + tw - now;
			if (first_gone == LLONG_MIN && c < start)
				first_gone = now - (t[0] + tw);
		}
		if (c > 0 && c <= (long)n) {
			/* The c-th youngest, or one older, is still there. */
			if (before - (t[n - c] + tw) > late)
				late = before - (t[n - c] + tw);
		}
		if (now >= next_say) {
			printf("at %lld ms: %ld left\n",
			       (now - (t[0] + tw)) / 1000, c);
			next_say = now + 1000000;
		}
		if (c == 0) {
			all_gone = now - (t[n - 1] + tw);
			break;
		}
		if (clock_us(CLOCK_MONOTONIC) > end)
			break;
		usleep(interval_ms * 1000);
	}
	printf("watch %zu start %ld end %ld early_ms %lld late_ms %lld first_gone_ms %lld all_gone_ms ",
	       n, start, c, early == LLONG_MIN ? -1 : early / 1000,
	       late == LLONG_MIN ? -1 : late / 1000,
	       first_gone == LLONG_MIN ? 0 : first_gone / 1000);
	if (all_gone == LLONG_MIN)
		printf("none\n");
	else
		printf("%lld\n", all_gone / 1000);
	if (lo != t)
		free(lo);
	free(t);
	return c == 0 ? 0 : 1;
}

/* A 20-byte segment from @me:@sport to @peer:@dport, checksummed. */
static int send_seg(int s, struct in_addr me, struct sockaddr_in *peer,
		    int proto, int sport, int dport, unsigned int seq,
		    unsigned int ack, int flags)
{
	unsigned char seg[20] = { 0 };
	unsigned short c;

	seq = htonl(seq);
	ack = htonl(ack);

	seg[0] = sport >> 8;
	seg[1] = sport;
	seg[2] = dport >> 8;
	seg[3] = dport;
	memcpy(seg + 4, &seq, 4);
	memcpy(seg + 8, &ack, 4);
	seg[12] = 5 << 4;
	seg[13] = flags;
	seg[14] = 1024 >> 8;
	c = csum_fold(csum_add(csum_pseudo(me, peer->sin_addr, proto,
					   sizeof(seg)), seg, sizeof(seg)));
	seg[16] = c >> 8;
	seg[17] = c;
	return sendto(s, seg, sizeof(seg), 0, (struct sockaddr *)peer,
		      sizeof(*peer)) == sizeof(seg) ? 0 : -1;
}

static int rst(const char *peer_addr, int port, const char *go)
{
	int proto = family == AF_INET ? IPPROTO_TCP : IPPROTO_XTCP;
	struct sockaddr_in peer = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 30 };
	unsigned char buf[2048], *th;
	unsigned int seq, ack;
	struct in_addr me;
	int s, ihl, cport;
	ssize_t r;

	if (inet_pton(AF_INET, peer_addr, &peer.sin_addr) != 1)
		return usage();
	s = socket(AF_INET, SOCK_RAW, proto);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		printf("fail raw socket: %s\n", strerror(errno));
		return 1;
	}
	printf("ready\n");
	for (;;) {
		r = recv(s, buf, sizeof(buf), 0);
		if (r < 0) {
			printf("fail no segment from %s: %s\n", peer_addr,
			       strerror(errno));
			return 1;
		}
		ihl = (buf[0] & 15) * 4;
		if (r < ihl + 20 || memcmp(buf + 12, &peer.sin_addr, 4))
			continue;
		th = buf + ihl;
		if ((th[2] << 8 | th[3]) == port)
			break;
	}
	memcpy(&me, buf + 16, 4);
	cport = th[0] << 8 | th[1];
	memcpy(&seq, th + 4, 4);
	memcpy(&ack, th + 8, 4);
	seq = ntohl(seq);
	ack = ntohl(ack);
	printf("ack %d %u %u\n", cport, seq, ack);
	if (go && wait_for_file(go, 30000)) {
		printf("fail no %s\n", go);
		return 1;
	}
	if (send_seg(s, me, &peer, proto, port, cport, ack, 0, 0x04) ||
	    send_seg(s, me, &peer, proto, port, cport, ack + 1, seq, 0x14)) {
		printf("fail sendto: %s\n", strerror(errno));
		return 1;
	}
	printf("sent 2\n");
	return 0;
}

static int sniff(const char *iface, const char *file)
{
	int proto = family == AF_INET ? IPPROTO_TCP : IPPROTO_XTCP;
	struct sigaction sa = { .sa_handler = on_term };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET }, from;
	char ready[4096], cbuf[256], flags[8];
	unsigned char buf[256], *th;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &from,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf,
	};
	unsigned int seq, ack, len, tsval, tsecr, doff, i;
	char tsbuf[32];
	struct timespec ts;
	struct cmsghdr *cm;
	struct tpacket_stats st;
	unsigned long n = 0, drops = 0;
	int s, one = 1, ihl, f, rcvbuf = 32 << 20;
	socklen_t stlen;
	FILE *out;
	ssize_t r;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* ETH_P_ALL: a socket of one protocol sees only what arrives. */
	s = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(iface);
	out = fopen(file, "w");
	if (s < 0 || !sll.sll_ifindex || !out ||
	    setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) ||
	    bind(s, (struct sockaddr *)&sll, sizeof(sll))) {
		printf("fail sniff %s: %s\n", iface, strerror(errno));
		return 1;
	}
	snprintf(ready, sizeof(ready), "%s.ready", file);
	touch(ready);
	while (!atomic_load(&done)) {
		mh.msg_namelen = sizeof(from);
		mh.msg_controllen = sizeof(cbuf);
		r = recvmsg(s, &mh, MSG_DONTWAIT);
		if (r < 0 && errno == EAGAIN) {
			/* Written out whenever the queue is empty. */
			fflush(out);
			poll1(s, POLLIN, 200);
			continue;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			printf("fail recvmsg: %s\n", strerror(errno));
			return 1;
		}
		ihl = (buf[0] & 15) * 4;
		if (from.sll_protocol != htons(ETH_P_IP) || r < ihl + 20 ||
		    buf[9] != proto)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_TIMESTAMPNS)
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		th = buf + ihl;
		memcpy(&seq, th + 4, 4);
		memcpy(&ack, th + 8, 4);
		len = (buf[2] << 8 | buf[3]) - ihl - (th[12] >> 4) * 4;
		f = 0;
		if (th[13] & 0x02)
			flags[f++] = 'S';
		if (th[13] & 0x10)
			flags[f++] = 'A';
		if (th[13] & 0x01)
			flags[f++] = 'F';
		if (th[13] & 0x04)
			flags[f++] = 'R';
		if (!f)
			flags[f++] = '.';
		flags[f] = 0;
		/* The options, for a timestamp (kind 8, length 10). */
		strcpy(tsbuf, "- -");
		doff = (th[12] >> 4) * 4;
		for (i = 20; i < doff && th + i < buf + r; ) {
			if (th[i] == 0)
				break;
			if (th[i] == 1) {
				i++;
				continue;
			}
			if (th + i + 1 >= buf + r || th[i + 1] < 2)
				break;
			if (th[i] == 8 && th[i + 1] == 10 &&
			    th + i + 10 <= buf + r) {
				memcpy(&tsval, th + i + 2, 4);
				memcpy(&tsecr, th + i + 6, 4);
				snprintf(tsbuf, sizeof(tsbuf), "%u %u",
					 ntohl(tsval), ntohl(tsecr));
			}
			i += th[i + 1];
		}
		fprintf(out, "%lld.%06ld %d %d %s %u %u %u %s\n",
			(long long)ts.tv_sec, ts.tv_nsec / 1000,
			th[0] << 8 | th[1], th[2] << 8 | th[3], flags,
			ntohl(seq), ntohl(ack), len, tsbuf);
		n++;
	}
	fclose(out);
	stlen = sizeof(st);
	if (!getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &st, &stlen))
		drops = st.tp_drops;
	printf("sniffed %lu dropped %lu\n", n, drops);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: tw_churn [-t] [-o CLOSES] serve ADDR PORT NPORTS [FILE]\n"
		"       tw_churn [-t] [-c CONC] [-w SECS] churn ADDR PORT NPORTS N TIMES\n"
		"       tw_churn [-t] watch TIMES TW_MS INTERVAL_MS LIMIT_S [BIRTHS]\n"
		"       tw_churn [-t] rst PEER PORT [GOFILE]\n"
		"       tw_churn [-t] sniff IFACE FILE\n");
	return 2;
}

static int conc = 64, secs = 600;	/* -c, -w */

static void __attribute__((noreturn)) usage_exit(void)
{
	exit(usage());
}

static bool own_opt(int opt, char *arg)
{
	switch (opt) {
	case 'c':
		conc = atoi(arg);
		return true;
	case 'w':
		secs = atoi(arg);
		return true;
	case 'o':
		closes_file = arg;
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct helper_opts ho;
	struct sockaddr_in sin;
	int nports;

	helper_begin(&ho);
	optind = helper_getopt(argc, argv, "+tc:w:o:", &ho, own_opt, usage_exit);
	argc -= optind;
	argv += optind;
	family = ho.tcp ? AF_INET : AF_XTCP;
	if ((argc == 5 || argc == 6) && !strcmp(argv[0], "watch"))
		return watch(argv[1], atoll(argv[2]), atoi(argv[3]),
			     atoi(argv[4]), argc == 6 ? argv[5] : NULL);
	if (argc == 3 && !strcmp(argv[0], "sniff"))
		return sniff(argv[1], argv[2]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[0], "rst"))
		return rst(argv[1], atoi(argv[2]), argc == 4 ? argv[3] : NULL);
	if (argc < 4 || sin_parse(&sin, argv[1], atoi(argv[2])))
		return usage();
	nports = atoi(argv[3]);
	if (nports < 1 || nports > MAX_PORTS)
		return usage();
	if (!strcmp(argv[0], "serve") && argc <= 5)
		return serve(&sin, nports, argc > 4 ? argv[4] : NULL);
	if (!strcmp(argv[0], "churn") && argc == 6 && conc > 0 &&
	    conc <= MAX_CONC && atoi(argv[4]) > 0)
		return churn(&sin, nports, atoi(argv[4]), conc, secs, argv[5]);
	return usage();
}
