// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-bench - XTCP and Linux TCP measured the same way
 *
 * SYNOPSIS
 *	xtcp-bench TEST -f xtcp|tcp -c CLIENT_NS -s SERVER_NS -a ADDR:PORT
 *		   [options]
 *
 * DESCRIPTION
 *	Runs one measurement between two network namespaces (ip netns)
 *	joined by a veth pair whose ends have the same name (-i, default
 *	veth0): the server end runs in a process of its own in SERVER_NS,
 *	listening on ADDR:PORT, the client end in CLIENT_NS.  The result is
 *	one JSON object on standard output; progress and errors go to
 *	standard error.  Nothing is judged: numbers are printed.
 *
 *	rto	Retransmission timer.  -n connections (4) are made and warmed
 *		up by 10 one-byte round trips each; then the command -X cuts
 *		the link (it must drop what reaches the server), and each
 *		connection, one after the other at staggered times, reads its
 *		RTO (TCP_INFO's tcpi_rto, XTCP_INFO's xtcpi_rto_us) and writes
 *		100 bytes.  The capture on the client's interface gives the
 *		times of the original and its retransmissions; each gap is
 *		compared with the ideal schedule RTO, 2 RTO, 4 RTO...  Stops
 *		when every connection retransmitted -k times (6) or -d seconds
 *		(16) after its write; the connections are then reset and -Y
 *		restores the link.
 *	delack	Delayed ACK.  One connection; the receiver (server) never
 *		reads during the test.  A quick-ACK phase of -k writes of 100
 *		bytes (32) 5 ms apart, then -n lone writes of 10 bytes (40),
 *		-g ms apart (80) plus up to -j ms at random (20).  The
 *		capture on the server's interface gives, for each segment,
 *		the time from its arrival to the first ACK covering it.
 *	churn	Connection churn.  For -d seconds (5) the client connects,
 *		writes 1 byte, reads the server's 1-byte answer and closes
 *		first; the server answers, reads the end of stream, closes.
 *		Connections per second, and the TIME_WAIT sockets left on
 *		each side.
 *	flood	Legitimate connections under a SYN flood.  The server
 *		answers as churn's, with a listen() backlog of -k (128).  Once
 *		it listens, the shell command -X (the flood, e.g.
 *		xtcp-synflood from another namespace) starts in a process
 *		group of its own; 1 s later, for -d seconds (8), the client
 *		connects (non-blocking, timed until writable), writes a
 *		request of -b bytes (64), reads the answer and closes first,
 *		one connection after the other; a connect or an answer not
 *		within 5 s fails.  Then the flood gets SIGTERM and its line
 *		"sent N syns in T s (R per s)" on standard output is read.
 *		Connections per second, the connect latencies, the flood's
 *		rate and the growth of the listener's counters (SYN cookies
 *		sent and received...).
 *	bulk	Throughput.  -b bytes (256 MiB) one way, written 64 KiB at a
 *		time, or as much as -d seconds (30) allow; the receiver times
 *		its first byte to the end of stream.
 *	mem	Slab memory per entry, from /proc/slabinfo.  -n connections
 *		(500) established (2n sockets), then closed by the client (n
 *		TIME_WAIT), then n half-open entries on a second listener at
 *		PORT+1, made by SYNs from a raw socket with the source address
 *		-F, which must lead nowhere (a neighbour entry pointing to no
 *		host).  The caches of the protocol ("TCP", "tw_sock_TCP",
 *		"request_sock_TCP"; for XTCP every cache whose name holds
 *		"xtcp") are read before and after each step.
 *	time_wait
 *		TIME_WAIT piling up under churn.  -k client processes (4),
 *		each with a server process of its own on PORT, PORT+1...,
 *		make churn's connections (connect, 1 byte each way, the
 *		client closing first) for -d seconds (10), all at once; the
 *		client's namespace should keep every TIME_WAIT (no reuse, a
 *		bucket limit and a port range wide enough: the sysctls in
 *		effect are reported).  Connections per second, overall and in
 *		the first and last two seconds, then the TIME_WAIT entries on
 *		those ports (/proc/net/{tcp,xtcp}) and the namespace's gauge
 *		(XtcpTimeWaitCurr; sockstat's tw), the TIME_WAIT counters,
 *		and /proc/slabinfo before and with the entries, as mem's:
 *		the TIME_WAIT cache (xtcp_tw, tw_sock_TCP) and every cache's
 *		growth per entry, in objects and in slab pages.
 *	floor	The timer precision of the machine itself: how late a
 *		process wakes from clock_nanosleep() to an absolute deadline,
 *		-n times (200), 1 to 20 ms ahead.  No namespaces, no family.
 *
 * OPTIONS
 *	-w FILE	rto, delack: save the capture there (pcap)
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

#include "bench.h"

#define SEQ_GE(a, b)	((int32_t)((a) - (b)) >= 0)

static struct bench_opts opt = {
	.ifname = "veth0",
};

static const char *fam(void)
{
	return opt.xtcp ? "xtcp" : "tcp";
}

static void json_head(const char *test)
{
	json_open(NULL);
	json_str("test", test);
	json_str("family", fam());
}

static void wait_listening(struct server *s)
{
	char line[64];

	if (!ctl_recv(s->ctl, line, sizeof(line)) || strcmp(line, "listening"))
		die("the server did not start");
}

static double rnd(void)
{
	return drand48();
}

/* ================================================================ rto */

#define RTO_MAXC	64

static void rto_server(const struct bench_opts *o, int ctl)
{
	struct pollfd pfd[RTO_MAXC + 1];
	int lfd = bench_listen(o, ntohs(o->srv.sin_port), 64);
	long i, n = o->n;
	char buf[4096];

	ctl_send(ctl, "listening");
	pfd[0].fd = ctl;
	pfd[0].events = POLLIN;
	for (i = 1; i <= n; i++) {
		pfd[i].fd = accept(lfd, NULL, NULL);
		if (pfd[i].fd < 0)
			die("accept");
		pfd[i].events = POLLIN;
		set_int_opt(pfd[i].fd, IPPROTO_TCP, TCP_NODELAY, 1);
	}
	close(lfd);
	/* Echo until the parent hangs up, then reset every connection. */
	for (;;) {
		if (poll(pfd, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents)
			break;
		for (i = 1; i <= n; i++) {
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			r = read(pfd[i].fd, buf, sizeof(buf));
			if (r <= 0) {
				pfd[i].fd = -pfd[i].fd - 1;	/* ignored */
				continue;
			}
			write_full(pfd[i].fd, buf, r);
		}
	}
	for (i = 1; i <= n; i++) {
		int fd = pfd[i].fd < 0 ? -pfd[i].fd - 1 : pfd[i].fd;

		set_linger0(fd);
		close(fd);
	}
}

static int run_cmd(const char *cmd)
{
	int r;

	if (!cmd)
		return 0;
	fflush(stdout);
	r = system(cmd);
	if (r)
		warnx_("command failed (%d): %s", r, cmd);
	return r;
}

static int test_rto(void)
{
	struct { int fd; unsigned int port; uint32_t rto_us; } c[RTO_MAXC];
	long n = opt.n ? opt.n : 4, k = opt.count ? opt.count : 6, i, j, np;
	double limit = opt.secs ? opt.secs : 16, *err, *aerr, *rel;
	uint64_t t, deadline;
	const struct pkt *p;
	struct capture *cap;
	struct server srv;
	struct stats st;
	long nerr = 0;
	char b = 'x', data[100];

	if (n > RTO_MAXC)
		die("rto: at most %d connections", RTO_MAXC);
	if (!opt.cut || !opt.uncut)
		die("rto: -X and -Y (cut and restore the link) are needed");
	opt.n = n;
	netns_enter(opt.cns);
	cap = capture_start(opt.cns, opt.ifname);
	server_start(&srv, &opt, rto_server);
	wait_listening(&srv);
	for (i = 0; i < n; i++) {
		c[i].fd = bench_connect(&opt);
		c[i].port = local_port(c[i].fd);
		set_int_opt(c[i].fd, IPPROTO_TCP, TCP_NODELAY, 1);
	}
	/* RTT samples for the estimators. */
	for (j = 0; j < 10; j++) {
		for (i = 0; i < n; i++) {
			write_full(c[i].fd, &b, 1);
			read_full(c[i].fd, &b, 1);
		}
	}
	/* Every ACK through (Linux delays them 40 ms) before the cut. */
	sleep_ns(200000000);
	if (run_cmd(opt.cut))
		die("rto: cannot cut the link");
	memset(data, 'r', sizeof(data));
	/* Staggered, so that the timers do not all fire together and start
	 * at different phases of the kernel's tick.
	 */
	t = now_ns();
	for (i = 0; i < n; i++) {
		struct conn_info ci;

		sleep_until_ns(t + (uint64_t)((i * 53 + rnd() * 20) * 1e6));
		conn_info(&opt, c[i].fd, &ci);
		c[i].rto_us = ci.rto_us;
		write_full(c[i].fd, data, sizeof(data));
	}
	deadline = now_ns() + (uint64_t)(limit * 1e9);
	while (now_ns() < deadline) {
		long done = 0;

		for (i = 0; i < n; i++) {
			struct conn_info ci;

			conn_info(&opt, c[i].fd, &ci);
			done += ci.total_retrans >= (uint32_t)k;
		}
		if (done == n)
			break;
		sleep_ns(20000000);
	}
	for (i = 0; i < n; i++) {
		set_linger0(c[i].fd);
		close(c[i].fd);
	}
	run_cmd(opt.uncut);
	server_stop(&srv);
	p = capture_stop(cap, opt.pcap, &np);

	err = calloc(n * (k + 1) + 1, sizeof(*err));
	aerr = calloc(n * (k + 1) + 1, sizeof(*aerr));
	rel = calloc(n * (k + 1) + 1, sizeof(*rel));
	if (!err || !aerr || !rel)
		die("calloc");
	json_head("rto");
	json_int("connections", n);
	json_int("max_retransmissions", k);
	json_num("limit_s", limit);
	json_int("packets_captured", np);
	json_array("conns");
	for (i = 0; i < n; i++) {
		uint64_t prev = 0;
		uint32_t seq = 0;
		long sends = 0;

		json_open(NULL);
		json_int("port", c[i].port);
		json_int("rto_us", c[i].rto_us);
		json_array("gaps");
		for (j = 0; j < np; j++) {
			double gap, ideal, e;

			/* The written segment: the only one of its size. */
			if (!p[j].out || p[j].proto != ipproto(&opt) ||
			    p[j].sport != c[i].port ||
			    p[j].len != sizeof(data) ||
			    (sends && p[j].seq != seq))
				continue;
			if (!sends++) {
				seq = p[j].seq;
				prev = p[j].ts_ns;
				continue;
			}
			gap = (p[j].ts_ns - prev) / 1e3;
			ideal = ldexp(c[i].rto_us, sends - 2);
			e = gap - ideal;
			prev = p[j].ts_ns;
			json_open(NULL);
			json_int("k", sends - 1);
			json_num("gap_us", gap);
			json_num("ideal_us", ideal);
			json_num("err_us", e);
			json_close();
			err[nerr] = e;
			aerr[nerr] = fabs(e);
			rel[nerr] = fabs(e) / ideal;
			nerr++;
		}
		json_array_close();
		json_int("transmissions", sends);
		json_close();
	}
	json_array_close();
	stats_of(aerr, nerr, &st);
	json_stats("abs_err_us", &st);
	stats_of(err, nerr, &st);
	json_stats("err_us", &st);
	stats_of(rel, nerr, &st);
	json_stats("rel_err", &st);
	json_close();
	json_end();
	return 0;
}

/* ============================================================= delack */

static void delack_server(const struct bench_opts *o, int ctl)
{
	int lfd = bench_listen(o, ntohs(o->srv.sin_port), 8), fd;
	char line[64];

	ctl_send(ctl, "listening");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(lfd);
	/* Never read: an application read may send the ACK at once. */
	while (ctl_recv(ctl, line, sizeof(line))) {
		struct conn_info ci;

		conn_info(o, fd, &ci);
		ctl_send(ctl, "%u %u", ci.ato_us, ci.rto_us);
	}
	set_linger0(fd);
	close(fd);
}

static void delack_json(const char *key, double *v, long n, double nominal)
{
	struct stats st;
	double *e = calloc(n + 1, sizeof(*e));
	long i;

	if (!e)
		die("calloc");
	for (i = 0; i < n; i++)
		e[i] = fabs(v[i] - nominal);
	json_open(key);
	stats_of(e, n, &st);
	json_stats("abs_err_us", &st);
	stats_of(v, n, &st);
	json_stats("delay_us", &st);
	json_close();
	free(e);
}

static int test_delack(void)
{
	long quick = opt.count ? opt.count : 32, lone = opt.n ? opt.n : 40;
	double gap = opt.gap_ms ? opt.gap_ms : 80, jit = opt.jitter_ms;
	double *dq, *dl, nominal = 40000;
	long i, j, np, nq = 0, nl = 0, unacked = 0;
	unsigned int port, ato_us = 0, rto_us = 0;
	char data[100], line[64];
	const struct pkt *p;
	struct capture *cap;
	struct server srv;
	struct stats st;
	uint64_t t;
	int fd;

	if (!opt.jitter_ms)
		jit = 20;
	netns_enter(opt.cns);
	cap = capture_start(opt.sns, opt.ifname);
	server_start(&srv, &opt, delack_server);
	wait_listening(&srv);
	fd = bench_connect(&opt);
	set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	port = ntohs(opt.srv.sin_port);
	memset(data, 'd', sizeof(data));
	t = now_ns();
	for (i = 0; i < quick; i++) {
		sleep_until_ns(t + i * 5000000ull);
		write_full(fd, data, 100);
	}
	/* Each gap from the write before, even when that one was late (a
	 * stalled guest): two writes never come close together.
	 */
	sleep_ns(100000000ull);
	for (i = 0; i < lone; i++) {
		write_full(fd, data, 10);
		sleep_ns((uint64_t)((gap + rnd() * jit) * 1e6));
	}
	sleep_ns(300000000);
	ctl_send(srv.ctl, "info");
	if (!ctl_recv(srv.ctl, line, sizeof(line)) ||
	    sscanf(line, "%u %u", &ato_us, &rto_us) != 2)
		die("delack: no answer from the server");
	set_linger0(fd);
	close(fd);
	server_stop(&srv);
	p = capture_stop(cap, opt.pcap, &np);

	dq = calloc(quick + 1, sizeof(*dq));
	dl = calloc(lone + 1, sizeof(*dl));
	if (!dq || !dl)
		die("calloc");
	for (i = 0; i < np; i++) {
		uint32_t end = p[i].seq + p[i].len;

		/* Data arriving at the server's end. */
		if (p[i].out || p[i].proto != ipproto(&opt) ||
		    p[i].dport != port || !p[i].len)
			continue;
		for (j = i + 1; j < np; j++) {
			if (p[j].out && p[j].proto == ipproto(&opt) &&
			    p[j].sport == port && (p[j].flags & F_ACK) &&
			    SEQ_GE(p[j].ack, end))
				break;
		}
		if (j == np) {
			unacked++;
			continue;
		}
		if (p[i].len == 100 && nq < quick)
			dq[nq++] = (p[j].ts_ns - p[i].ts_ns) / 1e3;
		else if (p[i].len == 10 && nl < lone)
			dl[nl++] = (p[j].ts_ns - p[i].ts_ns) / 1e3;
	}
	json_head("delack");
	json_int("quick_writes", quick);
	json_int("lone_writes", lone);
	json_num("gap_ms", gap);
	json_num("jitter_ms", jit);
	json_int("packets_captured", np);
	json_int("segments_unacked", unacked);
	json_int("receiver_ato_us", ato_us);
	json_int("receiver_rto_us", rto_us);
	json_num("nominal_us", nominal);
	/* The first segments of the quick-ACK phase (Linux: 16 quick ACKs). */
	stats_of(dq, nq < 10 ? nq : 10, &st);
	json_stats("quick_delay_us", &st);
	delack_json("lone", dl, nl, nominal);
	for (i = 0, j = 0; i < nl; i++)
		j += dl[i] < 1000;
	json_int("lone_acked_at_once", j);
	stats_of(dl, nl, &st);
	json_bool("delayed", nl && st.median >= 1000);
	json_array("lone_delays_us");
	for (i = 0; i < nl; i++)
		json_num(NULL, dl[i]);
	json_array_close();
	json_close();
	json_end();
	return 0;
}

/* ============================================================== churn */

/* Read len bytes; false at the end of the stream, an error or a timeout. */
static bool read_n(int fd, char *buf, size_t len)
{
	while (len) {
		ssize_t r = read(fd, buf, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		buf += r;
		len -= r;
	}
	return true;
}

/*
 * Accepts one connection at a time: reads a request of -b bytes (1),
 * answers as many, reads the end of the stream and closes.  The listener's
 * backlog is -k (1024).  A client that stops sending is given up after
 * 5 s, so that the next one is served.
 */
static void churn_server(const struct bench_opts *o, int ctl)
{
	int lfd = bench_listen(o, ntohs(o->srv.sin_port),
			       o->count ? o->count : 1024);
	struct pollfd pfd[2] = {
		{ .fd = ctl, .events = POLLIN },
		{ .fd = lfd, .events = POLLIN },
	};
	size_t len = o->bytes ? o->bytes : 1;
	struct timeval tv = { .tv_sec = 5 };
	char *buf = malloc(len);

	if (!buf)
		die("malloc");
	ctl_send(ctl, "listening");
	for (;;) {
		int fd;
		ssize_t r;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents)
			break;
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (read_n(fd, buf, len) && write(fd, buf, len) == (ssize_t)len) {
			do
				r = read(fd, buf, len);
			while (r > 0 || (r < 0 && errno == EINTR));
		}
		close(fd);
	}
	close(lfd);
	free(buf);
}

static int test_churn(void)
{
	double secs = opt.secs ? opt.secs : 5, el;
	long conns = 0, errs = 0, tw_c, tw_s;
	int port = ntohs(opt.srv.sin_port), first_err = 0;
	struct server srv;
	uint64_t t0, end;

	netns_enter(opt.cns);
	server_start(&srv, &opt, churn_server);
	wait_listening(&srv);
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while (now_ns() < end) {
		int fd = bench_socket(&opt);
		char b = 'c';

		if (connect(fd, (const struct sockaddr *)&opt.srv,
			    sizeof(opt.srv)) ||
		    write(fd, &b, 1) != 1 || read(fd, &b, 1) != 1) {
			if (!first_err)
				first_err = errno;
			errs++;
			close(fd);
			sleep_ns(1000000);
			continue;
		}
		close(fd);
		conns++;
	}
	el = (now_ns() - t0) / 1e9;
	/* The last FINs cross; then count. */
	sleep_ns(200000000);
	tw_c = count_states(&opt, 0, 6, port);
	tw_s = count_states(&opt, srv.pid, 6, port);
	server_stop(&srv);

	json_head("churn");
	json_num("seconds", el);
	json_int("connections", conns);
	json_num("conn_per_s", conns / el);
	json_int("errors", errs);
	json_str("first_error", first_err ? strerror(first_err) : "");
	json_int("time_wait_client", tw_c);
	json_int("time_wait_server", tw_s);
	json_close();
	json_end();
	return 0;
}

/* ========================================================== time_wait */

static int mem_snapshot(struct slab **v);
static void mem_json(const char *key, const struct slab *a, int na,
		     const struct slab *b, int nb, long entries);

#define TW_MAXC		8	/* client processes, one server port each */
#define TW_MAXS		64	/* seconds */

/* What the client processes count, in memory shared with the parent. */
struct tw_shared {
	long per_s[TW_MAXC][TW_MAXS];	/* connections done in each second */
	long conns[TW_MAXC], errs[TW_MAXC];
	int first_err[TW_MAXC];
};

/* One client process: churn's connections to port, until end. */
static void tw_client(int c, int port, uint64_t t0, uint64_t end,
		      struct tw_shared *sh)
{
	struct sockaddr_in a = opt.srv;
	struct timeval tv = { .tv_sec = 5 };
	uint64_t t;

	a.sin_port = htons(port);
	while ((t = now_ns()) < end) {
		int fd = bench_socket(&opt);
		char b = 't';

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, (const struct sockaddr *)&a, sizeof(a)) ||
		    write(fd, &b, 1) != 1 || read(fd, &b, 1) != 1) {
			if (!sh->first_err[c])
				sh->first_err[c] = errno ? errno : EPROTO;
			sh->errs[c]++;
			close(fd);
			sleep_ns(1000000);
			continue;
		}
		close(fd);
		t = (now_ns() - t0) / 1000000000ull;
		sh->per_s[c][t < TW_MAXS ? t : TW_MAXS - 1]++;
		sh->conns[c]++;
	}
}

/* The sysctls it depends on, as the client's namespace has them. */
static void tw_sysctls(void)
{
	static const struct {
		const char *key, *xtcp, *tcp;
	} ctl[] = {
		{ "tw_reuse", "xtcp/tw_reuse", "ipv4/tcp_tw_reuse" },
		{ "max_tw_buckets", "xtcp/max_tw_buckets",
		  "ipv4/tcp_max_tw_buckets" },
		{ "tw_timeout_s", "xtcp/tw_timeout", NULL },
	};
	char path[128], range[64] = "";
	size_t i;
	FILE *f;

	json_open("sysctl");
	for (i = 0; i < ARRAY_SIZE(ctl); i++) {
		const char *name = opt.xtcp ? ctl[i].xtcp : ctl[i].tcp;
		long long v = -1;

		if (name) {
			snprintf(path, sizeof(path), "/proc/sys/net/%s", name);
			v = read_ll(path);
		} else {
			v = 60;			/* TCP_TIMEWAIT_LEN */
		}
		if (v < 0)
			json_null(ctl[i].key);
		else
			json_int(ctl[i].key, v);
	}
	f = fopen(opt.xtcp ? "/proc/sys/net/xtcp/ip_local_port_range" :
		  "/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (f) {
		unsigned int lo, hi;

		if (fscanf(f, "%u %u", &lo, &hi) == 2)
			snprintf(range, sizeof(range), "%u-%u", lo, hi);
		fclose(f);
	}
	json_str("ip_local_port_range", range);
	json_close();
}

/* The namespace's TIME_WAIT gauge: XtcpTimeWaitCurr, sockstat's tw. */
static long long tw_gauge(void)
{
	if (opt.xtcp)
		return proc_counter(&opt, getpid(), "XtcpTimeWaitCurr");
	return sockstat_tw(getpid());
}

/*
 * Counters about TIME_WAIT and the opens: XTCP's names, TCP's twins (NULL:
 * none).  TW and XtcpTW count the entries entering TIME_WAIT;
 * XtcpTWExpired those the timer ended, XtcpTWReopened those a new SYN
 * ended.
 */
static const struct {
	const char *key, *xtcp, *tcp;
} tw_ctrs[] = {
	{ "active_opens", "XtcpActiveOpens", "Tcp:ActiveOpens" },
	{ "tw_entered", "XtcpTW", "TcpExt:TW" },
	{ "tw_ended", "XtcpTWExpired", NULL },
	{ "tw_killed_by_syn", "XtcpTWReopened", NULL },
	{ "tw_reused", "XtcpTWRecycled", "TcpExt:TWRecycled" },
	{ "tw_overflows", "XtcpTimeWaitOverflow", "TcpExt:TCPTimeWaitOverflow" },
};

static void tw_counters(long long *v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tw_ctrs); i++) {
		const char *name = opt.xtcp ? tw_ctrs[i].xtcp : tw_ctrs[i].tcp;

		v[i] = name ? proc_counter(&opt, getpid(), name) : -1;
	}
}

/* Client sockets not yet in TIME_WAIT, server sockets not yet closed. */
static long tw_unsettled(pid_t spid, int lo, int hi)
{
	long c[16], s[16];

	count_all_states(&opt, 0, lo, hi, c);
	count_all_states(&opt, spid, lo, hi, s);
	/* 1 ESTABLISHED, 4 FIN_WAIT1, 5 FIN_WAIT2, 8 CLOSE_WAIT, 9 LAST_ACK,
	 * 11 CLOSING.
	 */
	return c[1] + c[4] + c[5] + c[11] + s[1] + s[8] + s[9] + s[11];
}

static int test_time_wait(void)
{
	long long g0, g1, c0[ARRAY_SIZE(tw_ctrs)], c1[ARRAY_SIZE(tw_ctrs)];
	double secs = opt.secs ? opt.secs : 10, el, first, last;
	long nc = opt.count ? opt.count : 4, conns = 0, errs = 0;
	long st_c[16], st_s[16], i, j, nsec, unsettled;
	int port = ntohs(opt.srv.sin_port), first_err = 0, n0, n1;
	const char *twname = opt.xtcp ? "xtcp_tw" : "tw_sock_TCP";
	struct server srv[TW_MAXC];
	const struct slab *tw0, *tw1;
	struct bench_opts so = opt;
	struct slab *s0, *s1;
	struct tw_shared *sh;
	pid_t pid[TW_MAXC];
	uint64_t t0, end;

	if (nc < 1 || nc > TW_MAXC)
		die("time_wait: 1 to %d clients", TW_MAXC);
	if (secs < 1 || secs > TW_MAXS - 2)
		die("time_wait: 1 to %d seconds", TW_MAXS - 2);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	memset(sh, 0, sizeof(*sh));
	netns_enter(opt.cns);
	/* One server process per port, each as churn's. */
	so.count = 0;
	so.bytes = 1;
	for (i = 0; i < nc; i++) {
		so.srv.sin_port = htons(port + i);
		server_start(&srv[i], &so, churn_server);
		wait_listening(&srv[i]);
	}
	n0 = mem_snapshot(&s0);
	g0 = tw_gauge();
	tw_counters(c0);

	fflush(stdout);
	t0 = now_ns() + 20000000;	/* all start together */
	end = t0 + (uint64_t)(secs * 1e9);
	for (i = 0; i < nc; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork");
		if (!pid[i]) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			sleep_until_ns(t0);
			tw_client(i, port + i, t0, end, sh);
			_exit(0);
		}
	}
	for (i = 0; i < nc; i++) {
		int st;

		if (waitpid(pid[i], &st, 0) < 0)
			die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die("time_wait: a client failed (status %#x)", st);
		conns += sh->conns[i];
		errs += sh->errs[i];
		if (!first_err)
			first_err = sh->first_err[i];
	}
	el = (now_ns() - t0) / 1e9;

	/* The last FINs cross; every entry of the run in TIME_WAIT. */
	sleep_ns(200000000);
	for (j = 0; j < 50; j++) {
		unsettled = tw_unsettled(srv[0].pid, port, port + nc - 1);
		if (!unsettled)
			break;
		sleep_ns(100000000);
	}
	if (unsettled)
		warnx_("time_wait: %ld sockets still closing", unsettled);
	count_all_states(&opt, 0, port, port + nc - 1, st_c);
	count_all_states(&opt, srv[0].pid, port, port + nc - 1, st_s);
	g1 = tw_gauge();
	tw_counters(c1);
	n1 = mem_snapshot(&s1);
	/* Each server holds the control sockets of those started before it. */
	for (i = nc - 1; i >= 0; i--)
		server_stop(&srv[i]);

	/* The whole seconds at each end of the run. */
	nsec = (long)secs;
	first = last = 0;
	for (i = 0; i < nc; i++) {
		first += sh->per_s[i][0] + sh->per_s[i][1];
		last += sh->per_s[i][nsec - 2] + sh->per_s[i][nsec - 1];
	}

	json_head("time_wait");
	json_num("seconds", el);
	json_int("clients", nc);
	json_int("first_port", port);
	json_int("last_port", port + nc - 1);
	tw_sysctls();
	json_int("connections", conns);
	json_num("conn_per_s", conns / el);
	json_num("first_2s_per_s", nsec >= 4 ? first / 2 : NAN);
	json_num("last_2s_per_s", nsec >= 4 ? last / 2 : NAN);
	json_array("per_second");
	for (j = 0; j < nsec; j++) {
		long n = 0;

		for (i = 0; i < nc; i++)
			n += sh->per_s[i][j];
		json_int(NULL, n);
	}
	json_array_close();
	json_int("errors", errs);
	json_str("first_error", first_err ? strerror(first_err) : "");
	json_int("time_wait_client", st_c[6]);
	json_int("time_wait_server", st_s[6]);
	json_int("unsettled", unsettled);
	if (g0 < 0 || g1 < 0) {
		json_null("tw_gauge_before");
		json_null("tw_gauge_after");
	} else {
		json_int("tw_gauge_before", g0);
		json_int("tw_gauge_after", g1);
	}
	json_open("counters");
	for (i = 0; i < (long)ARRAY_SIZE(tw_ctrs); i++) {
		if (c0[i] < 0 || c1[i] < 0)
			json_null(tw_ctrs[i].key);
		else
			json_int(tw_ctrs[i].key, c1[i] - c0[i]);
	}
	json_close();
	/* The TIME_WAIT entries' own cache. */
	tw0 = slab_find(s0, n0, twname);
	tw1 = slab_find(s1, n1, twname);
	json_open("tw_cache");
	json_str("name", twname);
	if (tw1) {
		json_int("objsize", tw1->objsize);
		json_int("delta", tw1->active - (tw0 ? tw0->active : 0));
	} else {
		json_null("objsize");
		json_null("delta");
	}
	json_close();
	mem_json("memory", s0, n0, s1, n1, st_c[6]);
	json_close();
	json_end();
	free(s0);
	free(s1);
	munmap(sh, sizeof(*sh));
	return 0;
}

/* ============================================================== flood */

#define FLOOD_LIMIT_MS	5000	/* a connect or an answer given up after */

/* The flood: sh -c CMD in a process group of its own, stdout to a pipe. */
struct flood {
	pid_t pid;
	int out;
};

static void flood_start(struct flood *fl, const char *cmd)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	fl->pid = fork();
	if (fl->pid < 0)
		die("fork");
	if (!fl->pid) {
		setpgid(0, 0);
		dup2(p[1], STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(fl->pid, 0);
	close(p[1]);
	fl->out = p[0];
}

/* Stop it (SIGTERM: it still reports); its output, NUL-terminated. */
static int flood_stop(struct flood *fl, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	int st;

	kill(-fl->pid, SIGTERM);
	while (n + 1 < len && (r = read(fl->out, buf + n, len - n - 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	close(fl->out);
	if (waitpid(fl->pid, &st, 0) < 0)
		die("waitpid");
	return st;
}

/* Wait at most FLOOD_LIMIT_MS from t0 for events on fd; false if not. */
static bool flood_wait(int fd, short events, uint64_t t0)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ms, r;

	for (;;) {
		ms = FLOOD_LIMIT_MS - (int)((now_ns() - t0) / 1000000);
		if (ms <= 0) {
			errno = ETIMEDOUT;
			return false;
		}
		r = poll(&pfd, 1, ms);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
	}
}

/*
 * One legitimate client: a non-blocking connect timed until the socket
 * is writable, a request of len bytes, the answer, close.  Returns the
 * connect latency in microseconds, or -1 with errno on a failure (a
 * connect or an answer not within FLOOD_LIMIT_MS: ETIMEDOUT).
 */
static double flood_once(char *buf, size_t len)
{
	int fd = socket(opt.xtcp ? AF_XTCP : AF_INET,
			SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	socklen_t elen = sizeof(int);
	uint64_t t0, t1;
	size_t got = 0;
	int e = 0;

	if (fd < 0)
		die("socket");
	t0 = now_ns();
	if (connect(fd, (const struct sockaddr *)&opt.srv, sizeof(opt.srv)) &&
	    errno != EINPROGRESS)
		goto fail;
	if (!flood_wait(fd, POLLOUT, t0))
		goto fail;
	t1 = now_ns();
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) || e) {
		errno = e ? e : errno;
		goto fail;
	}
	if (write(fd, buf, len) != (ssize_t)len)
		goto fail;
	while (got < len) {
		ssize_t r;

		if (!flood_wait(fd, POLLIN, t1))
			goto fail;
		r = read(fd, buf + got, len - got);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			errno = r ? errno : ECONNRESET;
			goto fail;
		}
		got += r;
	}
	close(fd);
	return (t1 - t0) / 1e3;
fail:
	e = errno;
	/* No half-done connection left behind: a reset, no TIME_WAIT. */
	set_linger0(fd);
	close(fd);
	errno = e;
	return -1;
}

/* The listener's counters: XTCP's names, then Linux TCP's twins. */
static const struct {
	const char *key, *xtcp, *tcp;
} flood_ctrs[] = {
	{ "syns_received", "XtcpSynsReceived", NULL },
	{ "syncookies_sent", "XtcpSynCookiesSent", "TcpExt:SyncookiesSent" },
	{ "syncookies_recv", "XtcpSynCookiesRecv", "TcpExt:SyncookiesRecv" },
	{ "syncookies_failed", "XtcpSynCookiesFailed", "TcpExt:SyncookiesFailed" },
	{ "syn_queue_overflows", "XtcpSynQueueOverflows", "TcpExt:ListenDrops" },
	{ "listen_overflows", "XtcpListenOverflows", "TcpExt:ListenOverflows" },
	{ "passive_opens", "XtcpPassiveOpens", "Tcp:PassiveOpens" },
};

static void flood_counters(pid_t pid, long long *v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flood_ctrs); i++) {
		const char *name = opt.xtcp ? flood_ctrs[i].xtcp :
				   flood_ctrs[i].tcp;

		v[i] = name ? proc_counter(&opt, pid, name) : -1;
	}
}

static int test_flood(void)
{
	long long c0[ARRAY_SIZE(flood_ctrs)], c1[ARRAY_SIZE(flood_ctrs)];
	double secs = opt.secs ? opt.secs : 8, *lat, el, fsecs = NAN;
	long conns = 0, errs = 0, cap = 1024, synrecv, i;
	size_t len = opt.bytes ? opt.bytes : 64;
	unsigned long long fsent = 0;
	char *buf, out[1024], *line;
	int first_err = 0, fst;
	struct flood fl;
	struct server srv;
	struct stats st;
	uint64_t t0, end;

	if (!opt.cut)
		die("flood: -X CMD (the flood) is needed");
	if (!opt.count)
		opt.count = 128;
	opt.bytes = len;
	lat = malloc(cap * sizeof(*lat));
	buf = malloc(len);
	if (!lat || !buf)
		die("malloc");
	memset(buf, 'q', len);
	netns_enter(opt.cns);
	server_start(&srv, &opt, churn_server);
	wait_listening(&srv);
	flood_counters(srv.pid, c0);
	flood_start(&fl, opt.cut);
	/* The SYN queue full, the flood at its pace. */
	sleep_ns(1000000000);
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while (now_ns() < end) {
		double us = flood_once(buf, len);

		if (us < 0) {
			if (!first_err)
				first_err = errno;
			errs++;
			continue;
		}
		if (conns == cap) {
			cap *= 2;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat)
				die("realloc");
		}
		lat[conns++] = us;
	}
	el = (now_ns() - t0) / 1e9;
	synrecv = count_states(&opt, srv.pid, 3, ntohs(opt.srv.sin_port));
	fst = flood_stop(&fl, out, sizeof(out));
	flood_counters(srv.pid, c1);
	server_stop(&srv);
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "sent %llu syns in %lf s", &fsent, &fsecs) == 2)
			break;
		warnx_("flood: %s", line);
	}
	if (!line)
		die("flood: the flood did not report (status %#x)", fst);

	json_head("flood");
	json_num("seconds", el);
	json_int("backlog", opt.count);
	json_int("request_bytes", len);
	json_int("limit_ms", FLOOD_LIMIT_MS);
	json_int("flood_syns", fsent);
	json_num("flood_seconds", fsecs);
	json_num("flood_per_s", fsecs > 0 ? fsent / fsecs : NAN);
	json_int("connections", conns);
	json_num("conn_per_s", conns / el);
	json_int("errors", errs);
	json_str("first_error", first_err ? strerror(first_err) : "");
	json_int("syn_recv_at_end", synrecv);
	stats_of(lat, conns, &st);
	json_stats("connect_us", &st);
	json_open("listener");
	for (i = 0; i < (long)ARRAY_SIZE(flood_ctrs); i++) {
		if (c0[i] < 0 || c1[i] < 0)
			json_null(flood_ctrs[i].key);
		else
			json_int(flood_ctrs[i].key, c1[i] - c0[i]);
	}
	json_close();
	json_close();
	json_end();
	free(lat);
	free(buf);
	return 0;
}

/* =============================================================== bulk */

#define BULK_CHUNK	(64 << 10)

static void bulk_server(const struct bench_opts *o, int ctl)
{
	int lfd = bench_listen(o, ntohs(o->srv.sin_port), 8), fd;
	static char buf[256 << 10];
	uint64_t t0 = 0, t1;
	long long got = 0;
	ssize_t r;

	ctl_send(ctl, "listening");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(lfd);
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("bulk: read");
		if (!r)
			break;
		if (!got)
			t0 = now_ns();
		got += r;
	}
	t1 = now_ns();
	/* A reset, not a FIN: no TIME_WAIT keeps xtcp.ko in use. */
	set_linger0(fd);
	close(fd);
	ctl_send(ctl, "%lld %llu", got, (unsigned long long)(t1 - t0));
}

static int test_bulk(void)
{
	long long want = opt.bytes ? opt.bytes : 256ll << 20, sent = 0, got;
	double limit = opt.secs ? opt.secs : 30;
	static char buf[BULK_CHUNK];
	unsigned long long ns;
	struct server srv;
	uint64_t t0, end, t1;
	char line[64];
	int fd;

	netns_enter(opt.cns);
	server_start(&srv, &opt, bulk_server);
	wait_listening(&srv);
	memset(buf, 'b', sizeof(buf));
	fd = bench_connect(&opt);
	t0 = now_ns();
	end = t0 + (uint64_t)(limit * 1e9);
	while (sent < want && now_ns() < end) {
		size_t len = want - sent < BULK_CHUNK ? want - sent : BULK_CHUNK;

		write_full(fd, buf, len);
		sent += len;
	}
	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	/* The end of the stream or the server's reset. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	t1 = now_ns();
	close(fd);
	if (!ctl_recv(srv.ctl, line, sizeof(line)) ||
	    sscanf(line, "%lld %llu", &got, &ns) != 2)
		die("bulk: no answer from the server");
	server_stop(&srv);

	json_head("bulk");
	json_int("bytes_wanted", want);
	json_int("bytes", got);
	json_bool("complete", got == want);
	json_num("seconds", ns / 1e9);
	json_num("mb_per_s", ns ? got / (ns / 1e3) : NAN);
	json_num("sender_seconds", (t1 - t0) / 1e9);
	json_close();
	json_end();
	return 0;
}

/* ================================================================ mem */

static void mem_server(const struct bench_opts *o, int ctl)
{
	int lfd = -1, *fds = NULL;
	long nfds = 0, i;
	char line[64], b[512];

	while (ctl_recv(ctl, line, sizeof(line))) {
		int port, backlog;
		long n;

		if (sscanf(line, "listen %d %d", &port, &backlog) == 2) {
			lfd = bench_listen(o, port, backlog);
		} else if (sscanf(line, "accept %ld", &n) == 1) {
			fds = realloc(fds, (nfds + n) * sizeof(*fds));
			if (!fds)
				die("realloc");
			for (i = 0; i < n; i++) {
				fds[nfds] = accept(lfd, NULL, NULL);
				if (fds[nfds] < 0)
					die("accept");
				nfds++;
			}
		} else if (!strcmp(line, "drain")) {
			for (i = 0; i < nfds; i++) {
				while (read(fds[i], b, sizeof(b)) > 0)
					;
				close(fds[i]);
			}
			nfds = 0;
		} else if (!strcmp(line, "unlisten")) {
			close(lfd);
			lfd = -1;
		} else {
			die("mem server: %s?", line);
		}
		ctl_send(ctl, "ok");
	}
	if (lfd >= 0)
		close(lfd);
}

static void mem_cmd(struct server *s, const char *fmt, long a, long b)
{
	char line[64];

	ctl_send(s->ctl, fmt, a, b);
	if (!ctl_recv(s->ctl, line, sizeof(line)) || strcmp(line, "ok"))
		die("mem: the server did not answer");
}

static bool mem_ours(const char *name)
{
	if (opt.xtcp)
		return strcasestr(name, "xtcp");
	return !strcmp(name, "TCP") || !strcmp(name, "tw_sock_TCP") ||
	       !strcmp(name, "request_sock_TCP");
}

/*
 * SLUB counts the free objects of per-CPU slabs as in use: shrinking the
 * caches first (/sys/kernel/slab/NAME/shrink) puts those slabs back on
 * the node's lists, where /proc/slabinfo counts them exactly.
 */
static int mem_snapshot(struct slab **v)
{
	char path[128];
	int i, n = slab_read(v);
	FILE *f;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 (*v)[i].name);
		f = fopen(path, "w");
		if (f) {
			fputs("1", f);
			fclose(f);
		}
	}
	free(*v);
	return slab_read(v);
}

/*
 * The five caches of any name that grew most, in bytes per entry, with
 * the caches SLUB merged into each.
 */
static void mem_top(const struct slab *a, int na, const struct slab *b,
		    int nb, long entries)
{
	int i, j, top[5], ntop = 0;
	double g[5];

	for (i = 0; i < nb && entries; i++) {
		const struct slab *s = slab_find(a, na, b[i].name);
		double grew = (b[i].active - (s ? s->active : 0)) *
			      (double)b[i].objsize / entries;

		if (grew < 8)
			continue;
		for (j = ntop; j > 0 && g[j - 1] < grew; j--) {
			if (j < 5) {
				g[j] = g[j - 1];
				top[j] = top[j - 1];
			}
		}
		if (j < 5) {
			g[j] = grew;
			top[j] = i;
			if (ntop < 5)
				ntop++;
		}
	}
	json_array("top_caches");
	for (i = 0; i < ntop; i++) {
		char merged[512];

		slab_aliases(b[top[i]].name, merged, sizeof(merged));
		json_open(NULL);
		json_str("name", b[top[i]].name);
		json_num("bytes_per_entry", g[i]);
		/* The caches it stands for. */
		json_str("merged_with", merged);
		json_close();
	}
	json_array_close();
}

/* What @entries entries of one kind added between two slabinfo reads. */
static void mem_json(const char *key, const struct slab *a, int na,
		     const struct slab *b, int nb, long entries)
{
	long page = sysconf(_SC_PAGESIZE);
	double all = 0, pages = 0;
	long bytes = 0;
	bool found = false;
	int i;

	/* A cache gone since the first read shrank by all it had. */
	for (i = 0; i < na; i++) {
		if (slab_find(b, nb, a[i].name))
			continue;
		all -= a[i].active * a[i].objsize;
		pages -= a[i].pages;
	}
	json_open(key);
	json_int("entries", entries);
	json_array("caches");
	for (i = 0; i < nb; i++) {
		const struct slab *s = slab_find(a, na, b[i].name);
		long before = s ? s->active * s->objsize : 0;
		double per;

		all += b[i].active * b[i].objsize - before;
		pages += b[i].pages - (s ? s->pages : 0);
		if (!mem_ours(b[i].name))
			continue;
		per = entries ? (b[i].active - (s ? s->active : 0)) /
			(double)entries : NAN;
		json_open(NULL);
		json_str("name", b[i].name);
		json_int("objsize", b[i].objsize);
		json_int("delta", b[i].active - (s ? s->active : 0));
		json_num("objects_per_entry", per);
		json_close();
		if (per >= 0.5) {
			bytes += lround(per) * b[i].objsize;
			found = true;
		}
	}
	json_array_close();
	mem_top(a, na, b, nb, entries);
	if (found)
		json_int("bytes_per_entry", bytes);
	else
		json_null("bytes_per_entry");
	json_num("all_slab_bytes_per_entry", entries ? all / entries : NAN);
	/* The slabs' pages: what the machine gave, free objects included. */
	json_num("all_slab_page_bytes_per_entry",
		 entries ? pages * page / entries : NAN);
	json_close();
}

static uint16_t csum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* A SYN with an MSS option from src:sport to the server's port+1. */
static void send_syn(int raw, struct in_addr src, unsigned int sport)
{
	uint8_t pkt[44] = { 0 }, *th = pkt + 20;
	struct sockaddr_in dst = opt.srv;
	uint32_t s = ntohl(src.s_addr), d = ntohl(dst.sin_addr.s_addr);
	uint32_t isn = lrand48();
	unsigned int dport = ntohs(opt.srv.sin_port) + 1;
	uint16_t c;

	pkt[0] = 0x45;
	pkt[3] = sizeof(pkt);
	pkt[6] = 0x40;			/* DF */
	pkt[8] = 64;
	pkt[9] = ipproto(&opt);
	memcpy(pkt + 12, &src.s_addr, 4);
	memcpy(pkt + 16, &dst.sin_addr.s_addr, 4);
	th[0] = sport >> 8;
	th[1] = sport;
	th[2] = dport >> 8;
	th[3] = dport;
	th[4] = isn >> 24;
	th[5] = isn >> 16;
	th[6] = isn >> 8;
	th[7] = isn;
	th[12] = 6 << 4;		/* 24 bytes */
	th[13] = F_SYN;
	th[14] = 0xff;			/* window 65535 */
	th[15] = 0xff;
	th[20] = 2;			/* MSS 1460 */
	th[21] = 4;
	th[22] = 1460 >> 8;
	th[23] = 1460 & 0xff;
	c = csum16(th, 24, (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) +
		   pkt[9] + 24);
	th[16] = c >> 8;
	th[17] = c;
	dst.sin_port = 0;
	if (sendto(raw, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
		   sizeof(dst)) != sizeof(pkt))
		die("raw sendto");
}

/* Poll fn() until it reaches want, at most secs; the last value. */
static long wait_count(long (*fn)(pid_t), pid_t pid, long want, double secs)
{
	uint64_t end = now_ns() + (uint64_t)(secs * 1e9);
	long v;

	while ((v = fn(pid)) != want && now_ns() < end)
		sleep_ns(20000000);
	return v;
}

static int mem_port;

static long n_tw(pid_t pid)
{
	return count_states(&opt, pid, 6, mem_port);
}

/* Sockets of the server's end not yet closed. */
static long n_closing(pid_t pid)
{
	return count_states(&opt, pid, 8, mem_port) +
	       count_states(&opt, pid, 9, mem_port) +
	       count_states(&opt, pid, 1, mem_port);
}

static long n_synrecv(pid_t pid)
{
	return count_states(&opt, pid, 3, mem_port + 1);
}

static int test_mem(void)
{
	struct slab *s0, *s1, *s2, *s3;
	int n0, n1, n2, n3, raw, *fds;
	long n = opt.n ? opt.n : 500, i, tw, hs;
	struct in_addr fake;
	struct server srv;

	if (!opt.fake || !inet_aton(opt.fake, &fake))
		die("mem: -F ADDR, an address leading nowhere, is needed");
	mem_port = ntohs(opt.srv.sin_port);
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		die("calloc");
	netns_enter(opt.cns);
	server_start(&srv, &opt, mem_server);
	mem_cmd(&srv, "listen %ld %ld", mem_port, 4096);

	/* Established: n connections, 2n sockets. */
	n0 = mem_snapshot(&s0);
	for (i = 0; i < n; i++)
		fds[i] = bench_connect(&opt);
	mem_cmd(&srv, "accept %ld", n, 0);
	n1 = mem_snapshot(&s1);

	/* TIME_WAIT: the client closes first. */
	for (i = 0; i < n; i++)
		close(fds[i]);
	mem_cmd(&srv, "drain", 0, 0);
	tw = wait_count(n_tw, 0, n, 20);
	if (wait_count(n_closing, srv.pid, 0, 20))
		warnx_("mem: server sockets still closing");
	mem_cmd(&srv, "unlisten", 0, 0);
	n2 = mem_snapshot(&s2);

	/* Half-open: SYNs from nowhere. */
	mem_cmd(&srv, "listen %ld %ld", mem_port + 1, 4096);
	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (raw < 0)
		die("raw socket");
	for (i = 0; i < n; i++) {
		send_syn(raw, fake, 10000 + i);
		if (i % 50 == 49)
			sleep_ns(2000000);
	}
	close(raw);
	hs = wait_count(n_synrecv, srv.pid, n, 20);
	n3 = mem_snapshot(&s3);
	mem_cmd(&srv, "unlisten", 0, 0);
	server_stop(&srv);

	json_head("mem");
	json_int("connections", n);
	mem_json("established", s0, n0, s1, n1, 2 * n);
	mem_json("time_wait", s0, n0, s2, n2, tw);
	mem_json("half_open", s2, n2, s3, n3, hs);
	json_array("caches");
	for (i = 0; i < n3; i++) {
		if (!mem_ours(s3[i].name))
			continue;
		json_open(NULL);
		json_str("name", s3[i].name);
		json_int("objsize", s3[i].objsize);
		json_close();
	}
	json_array_close();
	json_close();
	json_end();
	return 0;
}

/* ============================================================== floor */

/*
 * The timer precision this machine allows at all: how late a process
 * wakes from clock_nanosleep() to an absolute CLOCK_MONOTONIC deadline
 * (a hard hrtimer, then the scheduler), -n times (200) after 1 to 20 ms.
 */
static int test_floor(void)
{
	long n = opt.n ? opt.n : 200, i;
	double *late = calloc(n + 1, sizeof(*late));
	struct stats st;

	if (!late)
		die("calloc");
	for (i = 0; i < n; i++) {
		uint64_t t = now_ns() + (uint64_t)((1 + rnd() * 19) * 1e6);

		sleep_until_ns(t);
		late[i] = (now_ns() - t) / 1e3;
	}
	json_open(NULL);
	json_str("test", "floor");
	stats_of(late, n, &st);
	json_stats("late_us", &st);
	json_close();
	json_end();
	return 0;
}

/* =============================================================== main */

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: xtcp-bench floor [-n N]\n"
		"       xtcp-bench rto|delack|churn|flood|bulk|mem|time_wait -f xtcp|tcp\n"
		"         -c CLIENT_NS -s SERVER_NS -a ADDR:PORT [-i IFNAME] [-w PCAP]\n"
		"         [-n N] [-k N] [-d SECS] [-b BYTES] [-g MS] [-j MS] [-X CMD]\n"
		"         [-Y CMD] [-F ADDR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} tests[] = {
		{ "rto", test_rto }, { "delack", test_delack },
		{ "churn", test_churn }, { "bulk", test_bulk },
		{ "mem", test_mem }, { "flood", test_flood },
		{ "time_wait", test_time_wait }, { "floor", test_floor },
	};
	const char *test, *port;
	char addr[64];
	size_t t;
	int c;

	if (argc < 2)
		usage();
	test = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "f:c:s:a:i:w:n:k:d:b:g:j:X:Y:F:")) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "xtcp"))
				opt.xtcp = true;
			else if (strcmp(optarg, "tcp"))
				usage();
			break;
		case 'c':
			opt.cns = optarg;
			break;
		case 's':
			opt.sns = optarg;
			break;
		case 'a':
			snprintf(addr, sizeof(addr), "%s", optarg);
			port = strchr(addr, ':');
			if (!port)
				usage();
			addr[port - addr] = '\0';
			opt.srv.sin_family = AF_INET;
			opt.srv.sin_port = htons(atoi(port + 1));
			if (!inet_aton(addr, &opt.srv.sin_addr))
				usage();
			break;
		case 'i':
			opt.ifname = optarg;
			break;
		case 'w':
			opt.pcap = optarg;
			break;
		case 'n':
			opt.n = atol(optarg);
			break;
		case 'k':
			opt.count = atol(optarg);
			break;
		case 'd':
			opt.secs = atof(optarg);
			break;
		case 'b':
			opt.bytes = atol(optarg);
			break;
		case 'g':
			opt.gap_ms = atof(optarg);
			break;
		case 'j':
			opt.jitter_ms = atof(optarg);
			break;
		case 'X':
			opt.cut = optarg;
			break;
		case 'Y':
			opt.uncut = optarg;
			break;
		case 'F':
			opt.fake = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (strcmp(test, "floor") &&
	    (!opt.cns || !opt.sns || !opt.srv.sin_port))
		usage();
	srand48(time(NULL) ^ getpid());
	for (t = 0; t < ARRAY_SIZE(tests); t++)
		if (!strcmp(test, tests[t].name))
			return tests[t].fn();
	usage();
}
