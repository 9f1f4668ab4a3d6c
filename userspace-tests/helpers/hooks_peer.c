// SPDX-License-Identifier: GPL-2.0
/*
 * hooks_peer [OPTIONS] ENTRY CMD...: one socket of inet_hooks.sh, opened
 * through ENTRY, each step printed on a line of its own ("WORD RESULT"),
 * for the shell to read (readlog).  ENTRY is
 *
 *   xtcp	socket(AF_XTCP, SOCK_STREAM, 0)
 *   inet	socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP), the protocol
 *		number in force (the module's parameter ipproto)
 *   tcp	socket(AF_INET, SOCK_STREAM, 0): Linux TCP
 *
 * and CMD one of
 *
 *   socket			open the socket and stop
 *   bind ADDR PORT		bind, then getsockname()
 *   connect ADDR PORT		connect (blocking), then getsockname(),
 *				getpeername(), and a round trip: the server's
 *				greeting (its port, "reached PORT") and an
 *				echo ("echo ok"); then a clean close
 *   serve ADDR PORT...		listen on each port, then until killed:
 *				accept ("accept LPORT peer A:P local A:P"),
 *				greet with the local port (2 bytes, network
 *				order), echo what comes, close at its end
 *
 * The options come into force in this order, before socket():
 *   -g DIR	join cgroup v2 DIR (its cgroup.procs), seen from here: ip
 *		netns exec mounts a /sys of its own, hiding /sys/fs/cgroup
 *   -n NS	enter network namespace NS (of ip netns)
 *   -u UID	become UID (group UID too, no supplementary groups)
 * and after it, each printed "opt NAME ok" (or its errno):
 *   -m MARK	SO_MARK
 *   -T TOS	IP_TOS
 *   -l TTL	IP_TTL
 *   -s N	TCP_SYNCNT (SOL_TCP, IPPROTO_TCP, which XTCP takes too)
 *   -b PORT	connect: bind to PORT first (the address any)
 * Other options: -L FILE (serve: created once listening), -a SECONDS
 * (watchdog, default 60).  Errors of the calls under test are printed,
 * not fatal; exit status 1 only for a broken set-up, 2 for usage.
 */

#include "../xtcp_test.h"

#include <grp.h>
#include <netinet/ip.h>

#define WAIT_MS		15000	/* a blocking call's bound (SO_*TIMEO) */
#define MAX_FDS		64

static const char payload[] = "inet_hooks round trip\n";

static void usage(void)
{
	fprintf(stderr, "usage: hooks_peer [-g DIR] [-n NS] [-u UID] [-m MARK] "
		"[-T TOS] [-l TTL] [-s N] [-b PORT] [-L FILE] [-a SECONDS] "
		"xtcp|inet|tcp socket|bind|connect|serve ...\n");
	exit(2);
}

static long num(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s || v < 0)
		usage();
	return v;
}

static int ipproto_in_force(void)
{
	FILE *f = fopen("/sys/module/xtcp/parameters/ipproto", "r");
	int p = IPPROTO_XTCP;

	if (f) {
		if (fscanf(f, "%d", &p) != 1)
			p = IPPROTO_XTCP;
		fclose(f);
	}
	return p;
}

static const char *addr_str(const struct sockaddr_in *sin)
{
	static char buf[64];
	char a[INET_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
	snprintf(buf, sizeof(buf), "%s:%d", a, ntohs(sin->sin_port));
	if (sin->sin_family != AF_INET)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 "/family%d", sin->sin_family);
	return buf;
}

/* "A:P" of getsockname() (or getpeername() with @peer), or the errno. */
static const char *name_of(int fd, bool peer)
{
	struct sockaddr_in sin = {};
	socklen_t len = sizeof(sin);
	int r = peer ? getpeername(fd, (struct sockaddr *)&sin, &len) :
		       getsockname(fd, (struct sockaddr *)&sin, &len);

	return r ? errname(errno) : addr_str(&sin);
}

static void print_name(int fd, bool peer, const char *word)
{
	printf("%s %s\n", word, name_of(fd, peer));
}

static void join_cgroup(const char *dir)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
		printf("error cgroup %s: %s\n", dir, errname(errno));
		exit(1);
	}
}

static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		printf("error netns %s: %s\n", name, errname(errno));
		exit(1);
	}
	close(fd);
}

static void become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid)) {
		printf("error uid %u: %s\n", uid, errname(errno));
		exit(1);
	}
}

static void set_opt(int fd, int level, int name, long val, const char *word)
{
	int r = sock_set_int(fd, level, name, val);

	printf("opt %s %s\n", word, r ? errname(errno) : "ok");
}

static int recv_n(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = recv(fd, buf + got, n - got, 0);
		if (r <= 0)
			return r < 0 ? -errno : -EPIPE;
		got += r;
	}
	return 0;
}

/* The round trip of a connected client, and its clean end. */
static void client_talk(int fd)
{
	char buf[sizeof(payload) + 16];
	unsigned char g[2];
	int r;

	r = recv_n(fd, (char *)g, sizeof(g));
	if (r) {
		printf("reached %s\n", errname(-r));
		return;
	}
	printf("reached %d\n", g[0] << 8 | g[1]);
	if (send(fd, payload, sizeof(payload) - 1, MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(payload) - 1) {
		printf("echo send-%s\n", errname(errno));
		return;
	}
	r = recv_n(fd, buf, sizeof(payload) - 1);
	if (r)
		printf("echo %s\n", errname(-r));
	else if (memcmp(buf, payload, sizeof(payload) - 1))
		printf("echo different\n");
	else
		printf("echo ok\n");
	shutdown(fd, SHUT_WR);
	r = recv(fd, buf, sizeof(buf), 0);
	printf("eof %s\n", r == 0 ? "ok" : r < 0 ? errname(errno) : "data");
}

static int serve(int family, int proto, const char *addr, char **ports,
		 int nports, const char *ready, long mark)
{
	struct pollfd pf[MAX_FDS];
	int nl = 0, n, i, fd, one = 1;

	if (nports > MAX_FDS / 2)
		usage();
	for (i = 0; i < nports; i++) {
		struct sockaddr_in sin;

		if (sin_parse(&sin, addr, num(ports[i])))
			usage();
		fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, proto);
		if (fd < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    (mark >= 0 && sock_set_int(fd, SOL_SOCKET, SO_MARK, mark)) ||
		    sock_bind(fd, &sin) || listen(fd, 16)) {
			printf("error listen %s: %s\n", addr_str(&sin),
			       errname(errno));
			return 1;
		}
		pf[nl++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	printf("listening %d\n", nl);
	if (ready)
		touch_or_fail(ready);
	n = nl;
	for (;;) {
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			printf("error poll: %s\n", errname(errno));
			return 1;
		}
		for (i = 0; i < n; i++) {
			char buf[4096];
			ssize_t r;

			if (!pf[i].revents)
				continue;
			if (i < nl) {
				int lport = sock_port(pf[i].fd, false);
				unsigned char g[2] = { lport >> 8, lport };

				fd = accept4(pf[i].fd, NULL, NULL, SOCK_CLOEXEC);
				if (fd < 0) {
					printf("accept-error %d %s\n", lport,
					       errname(errno));
					continue;
				}
				printf("accept %d peer %s", lport,
				       name_of(fd, true));
				printf(" local %s\n", name_of(fd, false));
				if (send(fd, g, sizeof(g), MSG_NOSIGNAL) !=
				    sizeof(g) || n >= MAX_FDS) {
					close(fd);
					continue;
				}
				pf[n++] = (struct pollfd){ .fd = fd,
							   .events = POLLIN };
				continue;
			}
			r = recv(pf[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r > 0 && send(pf[i].fd, buf, r, MSG_NOSIGNAL) == r)
				continue;
			close(pf[i].fd);
			pf[i--] = pf[--n];
		}
	}
}

int main(int argc, char **argv)
{
	const char *cgroup = NULL, *netns = NULL, *ready = NULL;
	long uid = -1, mark = -1, tos = -1, ttl = -1, syncnt = -1, bport = -1;
	int family, proto = 0, fd, opt, secs = 60;
	struct sockaddr_in sin;
	const char *cmd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	while ((opt = getopt(argc, argv, "+g:n:u:m:T:l:s:b:L:a:")) != -1) {
		switch (opt) {
		case 'g': cgroup = optarg; break;
		case 'n': netns = optarg; break;
		case 'u': uid = num(optarg); break;
		case 'm': mark = num(optarg); break;
		case 'T': tos = num(optarg); break;
		case 'l': ttl = num(optarg); break;
		case 's': syncnt = num(optarg); break;
		case 'b': bport = num(optarg); break;
		case 'L': ready = optarg; break;
		case 'a': secs = num(optarg); break;
		default: usage();
		}
	}
	if (argc - optind < 2)
		usage();
	if (!strcmp(argv[optind], "xtcp")) {
		family = AF_XTCP;
	} else if (!strcmp(argv[optind], "inet")) {
		family = AF_INET;
		proto = ipproto_in_force();
	} else if (!strcmp(argv[optind], "tcp")) {
		family = AF_INET;
	} else {
		usage();
	}
	cmd = argv[optind + 1];
	argv += optind + 2;
	argc -= optind + 2;

	if (cgroup)
		join_cgroup(cgroup);
	if (netns)
		enter_netns(netns);
	if (uid >= 0)
		become(uid);
	if (!strcmp(cmd, "serve")) {
		if (argc < 2)
			usage();
		return serve(family, proto, argv[0], argv + 1, argc - 1,
			     ready, mark);
	}
	watchdog_arm(secs, "error watchdog: still running\n", 3);

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		printf("socket %s\n", errname(errno));
		return 0;
	}
	printf("socket ok\n");
	if (!strcmp(cmd, "socket"))
		return 0;
	if (argc != 2 || sin_parse(&sin, argv[0], num(argv[1])))
		usage();
	if (sock_set_timeo(fd, SO_RCVTIMEO, WAIT_MS) ||
	    sock_set_timeo(fd, SO_SNDTIMEO, WAIT_MS)) {
		printf("error timeouts: %s\n", errname(errno));
		return 1;
	}
	if (mark >= 0)
		set_opt(fd, SOL_SOCKET, SO_MARK, mark, "mark");
	if (tos >= 0)
		set_opt(fd, SOL_IP, IP_TOS, tos, "tos");
	if (ttl >= 0)
		set_opt(fd, SOL_IP, IP_TTL, ttl, "ttl");
	if (syncnt >= 0)
		set_opt(fd, IPPROTO_TCP, TCP_SYNCNT, syncnt, "syncnt");
	if (tos >= 0)
		printf("gettos %d\n", sock_get_int(fd, SOL_IP, IP_TOS));
	if (ttl >= 0)
		printf("getttl %d\n", sock_get_int(fd, SOL_IP, IP_TTL));
	if (mark >= 0)
		printf("getmark %d\n",
		       sock_get_int(fd, SOL_SOCKET, SO_MARK));

	if (!strcmp(cmd, "bind")) {
		print_name(fd, false, "sockname0");
		printf("bind %s\n", sock_bind(fd, &sin) ? errname(errno) : "ok");
		print_name(fd, false, "sockname");
		return 0;
	}
	if (strcmp(cmd, "connect"))
		usage();
	if (bport >= 0) {
		struct sockaddr_in any = sin_of("0.0.0.0", bport);

		printf("bind %s\n", sock_bind(fd, &any) ? errname(errno) : "ok");
	}
	print_name(fd, true, "peername0");
	if (sock_connect(fd, &sin)) {
		printf("connect %s\n", errname(errno));
		return 0;
	}
	printf("connect ok\n");
	print_name(fd, false, "sockname");
	print_name(fd, true, "peername");
	client_talk(fd);
	close(fd);
	return 0;
}
