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

#include "../xtcp_test.h"

#include <pthread.h>

#define WAIT_S		120	/* waiting for a file, or for acknowledgements */

static struct helper_opts ho;
static int is_listen;
static int rcvbuf, sndbuf, delay_ms, sample;

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: xtcp_opts [-t] [-r BYTES] [-s BYTES] [-L FILE] [-E FILE]\n"
		"\t[-W FILE] [-d MS] [-p] [-a SECONDS] listen|connect ADDR PORT BYTES\n");
	exit(2);
}

static long num(const char *s)
{
	return num_or_usage(s, usage);
}

/* ---- connection info ---- */

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
	struct conn_info in;

	conn_info_must(fd, ho.tcp, &in);
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

/* The options of this helper only. */
static bool own_opt(int opt, char *arg)
{
	switch (opt) {
	case 'r':
		rcvbuf = num(arg);
		return true;
	case 's':
		sndbuf = num(arg);
		return true;
	case 'd':
		delay_ms = num(arg);
		return true;
	case 'p':
		sample = 1;
		return true;
	}
	return false;
}

/* ---- the connection ---- */

static void set_buf(int s, int opt, int val, const char *name)
{
	if (val && sock_set_int(s, SOL_SOCKET, opt, val))
		fail("%s: %s", name, errname(errno));
}

static int open_conn(const char *addr, int port)
{
	struct sockaddr_in sin;
	int s, fd, rb, sb;

	if (sin_parse(&sin, addr, port))
		usage();
	s = socket_or_fail(ho.tcp ? AF_INET : AF_XTCP);
	set_buf(s, SO_RCVBUFFORCE, rcvbuf, "SO_RCVBUFFORCE");
	set_buf(s, SO_SNDBUFFORCE, sndbuf, "SO_SNDBUFFORCE");
	rb = sock_get_int(s, SOL_SOCKET, SO_RCVBUF);
	sb = sock_get_int(s, SOL_SOCKET, SO_SNDBUF);
	if (rb < 0 || sb < 0)
		fail("SO_RCVBUF/SO_SNDBUF: %s", errname(rb < 0 ? -rb : -sb));
	printf("rcvbuf %d sndbuf %d\n", rb, sb);
	fd = conn_open_or_fail(s, &sin, addr, port, is_listen, ho.listen_file);
	print_info(fd, "connected");
	printf("connected %d %d\n", sock_port(fd, false), sock_port(fd, true));
	touch_or_fail(ho.conn_file);
	return fd;
}

/* ---- the transfer ---- */

struct sending {
	struct xfer x;
	volatile int phase;	/* 0 before sending, 1 sending, 2 all acknowledged */
	struct conn_info max;
};

static void *sender(void *arg)
{
	struct sending *sd = arg;
	struct xfer *x = &sd->x;

	if (ho.wait_file)
		wait_for_file_or_fail(ho.wait_file, WAIT_S);
	if (delay_ms)
		usleep(delay_ms * 1000);
	sd->phase = 1;
	xfer_send(x, NULL, NULL);
	wait_acked_or_fail(x->fd, WAIT_S);
	sd->phase = 2;
	print_info(x->fd, "acked");
	if (shutdown(x->fd, SHUT_WR))
		fail("shutdown: %s", errname(errno));
	return NULL;
}

#define MAXOF(f) do { if (in.f > m->f) m->f = in.f; } while (0)

/* -p: the largest values XTCP_INFO showed while sending. */
static void *sampler(void *arg)
{
	struct sending *sd = arg;
	struct conn_info *m = &sd->max, in;

	while (!sd->phase)
		usleep(1000);
	while (sd->phase == 1) {
		if (conn_info_get(sd->x.fd, ho.tcp, &in))
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
	struct sending tx = { 0 };
	struct xfer rx = { 0 };
	pthread_t tid, sid;
	int fd, port;

	helper_begin(&ho);
	optind = helper_getopt(argc, argv, "+tr:s:L:E:W:d:pa:", &ho, own_opt,
			       usage);
	argv += optind;
	argc -= optind;
	if (argc != 4)
		usage();
	is_listen = helper_role(&ho, argv, &port, usage);

	fd = open_conn(argv[1], port);
	tx.x.fd = rx.fd = fd;
	tx.x.bytes = num(argv[3]);
	/* Each side's stream has its own seed, so the two directions differ. */
	tx.x.seed = 0x4f505453ULL << 16 ^ (uint64_t)port << 1 ^ is_listen;
	tx.max = (struct conn_info){ .sacked = -1, .lost = -1, .unacked = -1,
				.packets_out = -1 };
	if (pthread_create(&tid, NULL, sender, &tx))
		fail("pthread_create");
	if (sample && pthread_create(&sid, NULL, sampler, &tx))
		fail("pthread_create");

	xfer_recv(&rx);
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
	print_digest("sent", tx.x.done, tx.x.digest);
	print_digest("received", rx.done, rx.digest);
	close(fd);
	printf("done\n");
	return 0;
}
