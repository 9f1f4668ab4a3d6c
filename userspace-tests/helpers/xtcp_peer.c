// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_peer [-t] [-n NAME] [CMD...]: one scripted end of a connection, so a
 * shell test can drive both sides step by step.  The commands come from
 * the arguments or, when there are none, one per line from stdin.
 * -t (or XTCP_TEST_FAMILY=tcp) uses AF_INET TCP instead of AF_XTCP.
 *
 *   listen ADDR PORT		bind a listening socket (SO_REUSEADDR)
 *   accept			accept one connection (blocking)
 *   connect ADDR PORT [SRCPORT]	connect (blocking), bound to SRCPORT
 *				if given (SO_REUSEADDR): simultaneous open
 *   send N			send N bytes of the stream pattern
 *   recv N			receive exactly N bytes, check the pattern
 *   poll-in MS			wait up to MS ms until data or EOF is readable
 *   expect-eof			the next recv() returns 0
 *   expect-errno NAME CMD...	CMD must fail with errno NAME (ECONNRESET)
 *   shutdown wr|rd|rdwr	shutdown() the connection
 *   close			close the connection (the listener stays)
 *   linger0			SO_LINGER on, 0 s: close() resets
 *   sleep MS
 *   waitfile PATH		wait (up to 60 s) until PATH exists
 *   touch PATH			create PATH
 *   state			print the state (XTCP_INFO, or TCP_INFO)
 *   expect-state NAME		the state must be NAME (ESTABLISHED ...)
 *
 * Each step is printed; the first unexpected result ends the program with
 * status 1 (2 for a usage error).  The stream pattern is byte i = i % 251,
 * counted per direction from the start of the connection, so a receiver
 * checks both order and content.
 */

#include "../xtcp_test.h"

#define MAXWORDS	16

static struct helper_opts ho;
static const char *name = "peer";
static int lfd = -1, fd = -1;
static unsigned long long sent_off, recv_off;

static const char *const state_names[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV",
	[4] = "FIN_WAIT1", [5] = "FIN_WAIT2", [6] = "TIME_WAIT",
	[7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK",
	[10] = "LISTEN", [11] = "CLOSING",
};

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage(const char *fmt, ...)
{
	va_list ap;

	printf("%s: usage: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(2);
}

static int parse_num(const char *s, long max)
{
	long v;

	if (parse_long(s, 0, max, &v))
		usage("bad number '%s'", s);
	return v;
}

static void make_addr(struct sockaddr_in *sin, const char *addr, int port)
{
	if (sin_parse(sin, addr, port))
		usage("bad address '%s'", addr);
}

static int new_socket(void)
{
	int s = sock_stream(ho.tcp ? AF_INET : AF_XTCP, 0), e;

	if (s < 0)
		return -1;
	if (sock_set_int(s, SOL_SOCKET, SO_REUSEADDR, 1)) {
		e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

static int need_conn(void)
{
	if (fd >= 0)
		return 0;
	say("  no connection");
	errno = ENOTCONN;
	return -1;
}

static const char *state_name(int st)
{
	if (st > 0 && st < (int)ARRAY_SIZE(state_names))
		return state_names[st];
	return "?";
}

static int cmd_connect(char **w, int n)
{
	struct sockaddr_in sin;
	int s;

	if (n != 3 && n != 4)
		usage("connect ADDR PORT [SRCPORT]");
	if (fd >= 0)
		usage("connect: already connected");
	s = new_socket();
	if (s < 0)
		return -1;
	if (n == 4) {
		make_addr(&sin, "0.0.0.0", parse_num(w[3], 65535));
		if (sock_bind(s, &sin))
			goto fail;
	}
	make_addr(&sin, w[1], parse_num(w[2], 65535));
	if (sock_connect(s, &sin))
		goto fail;
	say("  connected from port %d", sock_port(s, false));
	fd = s;
	sent_off = 0;
	recv_off = 0;
	return 0;
fail:
	n = errno;
	close(s);
	errno = n;
	return -1;
}

static int cmd_send(long n)
{
	char buf[4096];
	size_t done = 0, chunk, i;
	int r = 0;

	if (need_conn())
		return -1;
	while (!r && done < (size_t)n) {
		chunk = n - done < sizeof(buf) ? n - done : sizeof(buf);
		for (i = 0; i < chunk; i++)
			buf[i] = (sent_off + done + i) % 251;
		r = send_all(fd, buf, chunk, &done, NULL, NULL);
	}
	sent_off += done;
	if (r) {
		say("  sent %zu of %ld bytes", done, n);
		return -1;
	}
	say("  sent %ld bytes", n);
	return 0;
}

static int cmd_recv(long n)
{
	char buf[4096];
	long done = 0;

	if (need_conn())
		return -1;
	while (done < n) {
		size_t want = n - done < (long)sizeof(buf) ?
			      (size_t)(n - done) : sizeof(buf);
		ssize_t r = recv(fd, buf, want, 0), i;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			say("  received %ld of %ld bytes", done, n);
			return -1;
		}
		if (r == 0) {
			say("  EOF after %ld of %ld bytes", done, n);
			return 1;
		}
		for (i = 0; i < r; i++) {
			if ((unsigned char)buf[i] != (recv_off + i) % 251) {
				say("  wrong byte at stream offset %llu",
				    recv_off + i);
				return 1;
			}
		}
		recv_off += r;
		done += r;
	}
	say("  received %ld bytes, pattern intact", n);
	return 0;
}

static int cmd_expect_eof(void)
{
	char c;
	ssize_t r;

	if (need_conn())
		return -1;
	do
		r = recv(fd, &c, 1, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r > 0) {
		say("  data where EOF was expected");
		return 1;
	}
	say("  EOF");
	return 0;
}

static int cmd_waitfile(const char *path)
{
	if (wait_for_file(path, 60000)) {
		say("  %s did not appear in 60 s", path);
		return 1;
	}
	return 0;
}

/*
 * Run one command of @n words.  Returns 0 on success, -1 with errno set
 * when a system call failed (expect-errno may want that), 1 when the
 * result is wrong in another way (already reported).
 */
static int run(char **w, int n)
{
	const char *c = w[0];

	if (!strcmp(c, "listen")) {
		struct sockaddr_in sin;

		if (n != 3)
			usage("listen ADDR PORT");
		make_addr(&sin, w[1], parse_num(w[2], 65535));
		lfd = sock_listen(ho.tcp ? AF_INET : AF_XTCP, &sin, 8, 0);
		return lfd < 0 ? -1 : 0;
	}
	if (!strcmp(c, "accept")) {
		struct sockaddr_in sin;
		int s;

		if (n != 1)
			usage("accept");
		if (lfd < 0)
			usage("accept: not listening");
		s = sock_accept(lfd, &sin, 0);
		if (s < 0)
			return -1;
		if (fd >= 0)
			close(fd);
		fd = s;
		sent_off = 0;
		recv_off = 0;
		say("  accepted from %s:%d", inet_ntoa(sin.sin_addr),
		    ntohs(sin.sin_port));
		return 0;
	}
	if (!strcmp(c, "connect"))
		return cmd_connect(w, n);
	if (!strcmp(c, "send") || !strcmp(c, "recv")) {
		long len;

		if (n != 2)
			usage("%s N", c);
		len = parse_num(w[1], 1 << 30);
		return c[0] == 's' ? cmd_send(len) : cmd_recv(len);
	}
	if (!strcmp(c, "poll-in")) {
		int r;

		if (n != 2)
			usage("poll-in MS");
		if (need_conn())
			return -1;
		r = poll1(fd, POLLIN, parse_num(w[1], 3600000));
		if (r < 0) {
			errno = -r;
			return -1;
		}
		if (r == 0) {
			say("  nothing to read");
			return 1;
		}
		return 0;
	}
	if (!strcmp(c, "expect-eof")) {
		if (n != 1)
			usage("expect-eof");
		return cmd_expect_eof();
	}
	if (!strcmp(c, "shutdown")) {
		int how;

		if (n != 2)
			usage("shutdown wr|rd|rdwr");
		if (!strcmp(w[1], "wr"))
			how = SHUT_WR;
		else if (!strcmp(w[1], "rd"))
			how = SHUT_RD;
		else if (!strcmp(w[1], "rdwr"))
			how = SHUT_RDWR;
		else
			usage("shutdown wr|rd|rdwr");
		if (need_conn())
			return -1;
		return shutdown(fd, how);
	}
	if (!strcmp(c, "close")) {
		int r;

		if (n != 1)
			usage("close");
		if (need_conn())
			return -1;
		r = close(fd);
		fd = -1;
		return r;
	}
	if (!strcmp(c, "linger0")) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		if (n != 1)
			usage("linger0");
		if (need_conn())
			return -1;
		return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	if (!strcmp(c, "sleep")) {
		if (n != 2)
			usage("sleep MS");
		usleep(parse_num(w[1], 3600000) * 1000L);
		return 0;
	}
	if (!strcmp(c, "waitfile")) {
		if (n != 2)
			usage("waitfile PATH");
		return cmd_waitfile(w[1]);
	}
	if (!strcmp(c, "touch")) {
		if (n != 2)
			usage("touch PATH");
		return touch(w[1]);
	}
	if (!strcmp(c, "state") || !strcmp(c, "expect-state")) {
		int st;

		if ((c[0] == 's' && n != 1) || (c[0] == 'e' && n != 2))
			usage("state | expect-state NAME");
		st = conn_state(fd >= 0 ? fd : lfd, ho.tcp);
		if (st < 0)
			return -1;
		say("  state %s", state_name(st));
		if (c[0] == 'e' && strcmp(w[1], state_name(st)))
			return 1;
		return 0;
	}
	if (!strcmp(c, "expect-errno")) {
		int r;

		if (n < 3)
			usage("expect-errno NAME CMD...");
		r = run(w + 2, n - 2);
		if (r < 0 && !strcmp(errname(errno), w[1])) {
			say("  failed with %s as expected", w[1]);
			return 0;
		}
		if (r < 0)
			say("  failed with %s, not %s", errname(errno), w[1]);
		else if (r == 0)
			say("  succeeded where %s was expected", w[1]);
		return 1;
	}
	usage("unknown command '%s'", c);
}

/* Split @line into words; returns their number. */
static int split(char *line, char **w)
{
	int n = 0;
	char *tok, *save;

	for (tok = strtok_r(line, " \t\n", &save); tok && n < MAXWORDS;
	     tok = strtok_r(NULL, " \t\n", &save))
		w[n++] = tok;
	return n;
}

/* How many words starting at @w make up one command of the argv form. */
static int cmd_words(char **w, int left)
{
	static const struct { const char *cmd; int words; } arity[] = {
		{ "listen", 3 }, { "accept", 1 }, { "connect", 3 },
		{ "send", 2 }, { "recv", 2 }, { "poll-in", 2 },
		{ "expect-eof", 1 }, { "shutdown", 2 }, { "close", 1 },
		{ "linger0", 1 }, { "sleep", 2 }, { "waitfile", 2 },
		{ "touch", 2 }, { "state", 1 }, { "expect-state", 2 },
	};
	unsigned int i;
	int n;

	if (!strcmp(w[0], "expect-errno")) {
		if (left < 3)
			usage("expect-errno NAME CMD...");
		return 2 + cmd_words(w + 2, left - 2);
	}
	for (i = 0; i < ARRAY_SIZE(arity); i++) {
		if (strcmp(w[0], arity[i].cmd))
			continue;
		n = arity[i].words;
		if (n > left)
			usage("%s: missing arguments", w[0]);
		/* connect's optional source port */
		if (!strcmp(w[0], "connect") && n < left && is_num(w[n]))
			n++;
		return n;
	}
	usage("unknown command '%s'", w[0]);
}

static void step(char **w, int n)
{
	char line[512] = "";
	int i, r;

	for (i = 0; i < n; i++) {
		strncat(line, " ", sizeof(line) - strlen(line) - 1);
		strncat(line, w[i], sizeof(line) - strlen(line) - 1);
	}
	say(">%s", line);
	r = run(w, n);
	if (r < 0)
		say("  FAILED: %s (%s)", errname(errno), strerror(errno));
	if (r) {
		say("  unexpected result, stopping");
		exit(1);
	}
}

static void __attribute__((noreturn)) usage_main(void)
{
	usage("xtcp_peer [-t] [-n NAME] [CMD...]");
}

static bool own_opt(int opt, char *arg)
{
	if (opt != 'n')
		return false;
	name = arg;
	return true;
}

int main(int argc, char **argv)
{
	int n;

	helper_begin(&ho);
	optind = helper_getopt(argc, argv, "+tn:", &ho, own_opt, usage_main);
	argv += optind;
	argc -= optind;
	if (argc) {
		while (argc) {
			n = cmd_words(argv, argc);
			step(argv, n);
			argv += n;
			argc -= n;
		}
	} else {
		char line[512], *w[MAXWORDS];

		while (fgets(line, sizeof(line), stdin)) {
			n = split(line, w);
			if (n && w[0][0] != '#')
				step(w, n);
		}
	}
	say("done");
	return 0;
}
