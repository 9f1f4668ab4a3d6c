// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-bench: families, namespaces, sockets, the server process,
 * statistics, JSON output and the /proc files the measurements read.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

#include "bench.h"

void die(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "xtcp-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (e)
		fprintf(stderr, ": %s", strerror(e));
	fprintf(stderr, "\n");
	exit(1);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xtcp-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void sleep_ns(uint64_t ns)
{
	sleep_until_ns(now_ns() + ns);
}

void sleep_until_ns(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = t / 1000000000ull,
		.tv_nsec = t % 1000000000ull,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Move this thread into the named network namespace (ip netns). */
void netns_enter(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("setns %s", name);
	close(fd);
}

int ipproto(const struct bench_opts *o)
{
	static int proto;
	FILE *f;

	if (!o->xtcp)
		return IPPROTO_TCP;
	if (proto)
		return proto;
	proto = IPPROTO_XTCP;
	f = fopen("/sys/module/xtcp/parameters/ipproto", "r");
	if (f) {
		if (fscanf(f, "%d", &proto) != 1)
			proto = IPPROTO_XTCP;
		fclose(f);
	}
	return proto;
}

int bench_socket(const struct bench_opts *o)
{
	int fd = socket(o->xtcp ? AF_XTCP : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket(%s)", o->xtcp ? "AF_XTCP" : "AF_INET");
	return fd;
}

void set_int_opt(int fd, int level, int opt, int val)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		die("setsockopt(%d, %d)", level, opt);
}

/* close() then aborts with a reset and leaves no TIME_WAIT. */
void set_linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		die("SO_LINGER");
}

int bench_listen(const struct bench_opts *o, int port, int backlog)
{
	struct sockaddr_in a = o->srv;
	int fd = bench_socket(o);

	a.sin_port = htons(port);
	set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind %s:%d", inet_ntoa(a.sin_addr), port);
	if (listen(fd, backlog))
		die("listen");
	return fd;
}

int bench_connect(const struct bench_opts *o)
{
	int fd = bench_socket(o);

	if (connect(fd, (const struct sockaddr *)&o->srv, sizeof(o->srv)))
		die("connect %s:%u", inet_ntoa(o->srv.sin_addr),
		    ntohs(o->srv.sin_port));
	return fd;
}

void read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("read: %s", r ? "error" : "end of stream");
		p += r;
		len -= r;
	}
}

void write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write");
		p += r;
		len -= r;
	}
}

unsigned int local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		die("getsockname");
	return ntohs(a.sin_port);
}

void conn_info(const struct bench_opts *o, int fd, struct conn_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	if (o->xtcp) {
		struct xtcp_info xi;
		socklen_t len = sizeof(xi);

		memset(&xi, 0, sizeof(xi));
		if (getsockopt(fd, SOL_XTCP, XTCP_INFO, &xi, &len))
			die("XTCP_INFO");
		ci->state = xi.xtcpi_state;
		ci->rto_us = xi.xtcpi_rto_us;
		ci->ato_us = xi.xtcpi_ato_us;
		ci->rtt_us = xi.xtcpi_rtt_us;
		ci->total_retrans = xi.xtcpi_total_retrans;
	} else {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		memset(&ti, 0, sizeof(ti));
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			die("TCP_INFO");
		ci->state = ti.tcpi_state;
		ci->rto_us = ti.tcpi_rto;
		ci->ato_us = ti.tcpi_ato;
		ci->rtt_us = ti.tcpi_rtt;
		ci->total_retrans = ti.tcpi_total_retrans;
	}
}

/* ------------------------------------------------------------ server */

void server_start(struct server *s, const struct bench_opts *o,
		  void (*fn)(const struct bench_opts *o, int ctl))
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	fflush(stdout);
	s->pid = fork();
	if (s->pid < 0)
		die("fork");
	if (!s->pid) {
		close(sv[0]);
		/* No server outlives a benchmark that died. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		netns_enter(o->sns);
		fn(o, sv[1]);
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	s->ctl = sv[0];
}

/* Close the control socket (the server's cue to end) and reap it. */
void server_stop(struct server *s)
{
	int st;

	if (s->pid <= 0)
		return;
	close(s->ctl);
	if (waitpid(s->pid, &st, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die("the server process failed (status %#x)", st);
	s->pid = 0;
}

void ctl_send(int ctl, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(buf) - 1)
		die("control line too long");
	buf[n++] = '\n';
	write_full(ctl, buf, n);
}

/* Byte by byte: the lines are short and rare. */
bool ctl_recv(int ctl, char *buf, size_t len)
{
	size_t i = 0;

	for (;;) {
		char c;
		ssize_t r = read(ctl, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("control read");
		if (r == 0) {
			if (i)
				die("control: partial line");
			return false;
		}
		if (c == '\n')
			break;
		if (i + 1 < len)
			buf[i++] = c;
	}
	buf[i] = '\0';
	return true;
}

/* ------------------------------------------------------- /proc files */

long count_states(const struct bench_opts *o, pid_t pid, int st, int port)
{
	char path[64], line[512];
	long n = 0;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid,
			 o->xtcp ? "xtcp" : "tcp");
	else
		snprintf(path, sizeof(path), "/proc/self/net/%s",
			 o->xtcp ? "xtcp" : "tcp");
	f = fopen(path, "r");
	if (!f)
		die("%s", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned int lp, rp, s;

		if (sscanf(line, " %*d: %*x:%x %*x:%x %x", &lp, &rp, &s) != 3)
			continue;
		if ((int)s == st && (!port || (int)lp == port || (int)rp == port))
			n++;
	}
	fclose(f);
	return n;
}

void count_all_states(const struct bench_opts *o, pid_t pid, int lo, int hi,
		      long n[16])
{
	char path[64], line[512];
	FILE *f;

	memset(n, 0, 16 * sizeof(*n));
	snprintf(path, sizeof(path), "/proc/%d/net/%s",
		 pid ? (int)pid : (int)getpid(), o->xtcp ? "xtcp" : "tcp");
	f = fopen(path, "r");
	if (!f)
		die("%s", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned int lp, rp, s;

		if (sscanf(line, " %*d: %*x:%x %*x:%x %x", &lp, &rp, &s) != 3)
			continue;
		if (s < 16 && (((int)lp >= lo && (int)lp <= hi) ||
			       ((int)rp >= lo && (int)rp <= hi)))
			n[s]++;
	}
	fclose(f);
}

/* "Group:" lines in pairs, names then values, as snmp and netstat. */
static long long mib_pairs(const char *path, const char *name)
{
	char names[8192], vals[8192], *sn, *sv, *n, *v;
	const char *colon = strchr(name, ':');
	size_t glen = colon ? (size_t)(colon - name + 1) : 0;
	long long r = -1;
	FILE *f;

	if (!colon)
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (r < 0 && fgets(names, sizeof(names), f) &&
	       fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, name, glen))
			continue;
		n = strtok_r(names + glen, " \n", &sn);
		v = strtok_r(vals + glen, " \n", &sv);
		while (n && v) {
			if (!strcmp(n, colon + 1)) {
				r = atoll(v);
				break;
			}
			n = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	return r;
}

long long proc_counter(const struct bench_opts *o, pid_t pid, const char *name)
{
	char path[64], line[256], key[128];
	long long v, r = -1;
	FILE *f;

	if (!o->xtcp) {
		snprintf(path, sizeof(path), "/proc/%d/net/netstat", (int)pid);
		r = mib_pairs(path, name);
		if (r < 0) {
			snprintf(path, sizeof(path), "/proc/%d/net/snmp",
				 (int)pid);
			r = mib_pairs(path, name);
		}
		return r;
	}
	snprintf(path, sizeof(path), "/proc/%d/net/xtcp_snmp", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lld", key, &v) == 2 &&
		    !strcmp(key, name)) {
			r = v;
			break;
		}
	}
	fclose(f);
	return r;
}

long long sockstat_tw(pid_t pid)
{
	char path[64], line[256];
	long long tw = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/net/sockstat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TCP: inuse %*d orphan %*d tw %lld", &tw) == 1)
			break;
	fclose(f);
	return tw;
}

long long read_ll(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * SLUB's /proc/slabinfo: name active_objs num_objs objsize objperslab
 * pagesperslab : tunables ... : slabdata active_slabs num_slabs ...
 */
int slab_read(struct slab **out)
{
	char line[512];
	struct slab *v = NULL;
	int n = 0, cap = 0;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		die("/proc/slabinfo");
	while (fgets(line, sizeof(line), f)) {
		struct slab s;
		long pps, nslabs;

		if (sscanf(line, "%63s %ld %*d %ld %*d %ld : tunables %*d %*d %*d : slabdata %*d %ld",
			   s.name, &s.active, &s.objsize, &pps, &nslabs) != 5)
			continue;
		s.pages = pps * nslabs;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				die("realloc");
		}
		v[n++] = s;
	}
	fclose(f);
	*out = v;
	return n;
}

/*
 * SLUB merges caches of one size and compatible flags: /proc/slabinfo
 * shows the group under one of its names, and /sys/kernel/slab links
 * every name of the group to the same folder.  The other names of name's
 * group, separated by spaces, into buf ("" when it has none).
 */
void slab_aliases(const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], target[256], t2[256];
	size_t used = 0;
	struct dirent *e;
	ssize_t n;
	DIR *d;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s", name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	d = opendir("/sys/kernel/slab");
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_name[0] == ':' ||
		    !strcmp(e->d_name, name))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s", e->d_name);
		n = readlink(path, t2, sizeof(t2) - 1);
		if (n <= 0)
			continue;
		t2[n] = '\0';
		if (strcmp(t2, target))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? " " : "",
			     e->d_name);
		if (n < 0 || (size_t)n >= len - used) {
			buf[used] = '\0';
			break;
		}
		used += n;
	}
	closedir(d);
}

const struct slab *slab_find(const struct slab *v, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* ------------------------------------------------------------- stats */

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile p (0..1) of sorted v, by linear interpolation. */
static double pct(const double *v, long n, double p)
{
	double k = p * (n - 1);
	long i = (long)k;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (k - i) * (v[i + 1] - v[i]);
}

void stats_of(double *v, long n, struct stats *st)
{
	double sum = 0;
	long i;

	memset(st, 0, sizeof(*st));
	st->n = n;
	if (!n) {
		st->mean = NAN;
		st->median = NAN;
		st->p90 = NAN;
		st->p99 = NAN;
		st->min = NAN;
		st->max = NAN;
		return;
	}
	qsort(v, n, sizeof(*v), cmp_dbl);
	for (i = 0; i < n; i++)
		sum += v[i];
	st->mean = sum / n;
	st->median = pct(v, n, 0.5);
	st->p90 = pct(v, n, 0.9);
	st->p99 = pct(v, n, 0.99);
	st->min = v[0];
	st->max = v[n - 1];
}

/* -------------------------------------------------------------- JSON */

static int depth;
static bool need_comma[32];

static void json_key(const char *key)
{
	if (need_comma[depth])
		putchar(',');
	need_comma[depth] = true;
	if (key)
		printf("\"%s\":", key);
}

static void json_push(char c)
{
	putchar(c);
	if (++depth >= (int)ARRAY_SIZE(need_comma))
		die("json: nested too deep");
	need_comma[depth] = false;
}

void json_open(const char *key)
{
	json_key(key);
	json_push('{');
}

void json_close(void)
{
	depth--;
	putchar('}');
}

void json_array(const char *key)
{
	json_key(key);
	json_push('[');
}

void json_array_close(void)
{
	depth--;
	putchar(']');
}

void json_int(const char *key, long long v)
{
	json_key(key);
	printf("%lld", v);
}

void json_num(const char *key, double v)
{
	json_key(key);
	if (isfinite(v))
		printf("%.3f", v);
	else
		printf("null");
}

void json_str(const char *key, const char *v)
{
	json_key(key);
	putchar('"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	}
	putchar('"');
}

void json_bool(const char *key, bool v)
{
	json_key(key);
	printf(v ? "true" : "false");
}

void json_null(const char *key)
{
	json_key(key);
	printf("null");
}

void json_stats(const char *key, const struct stats *st)
{
	json_open(key);
	json_int("n", st->n);
	json_num("mean", st->mean);
	json_num("median", st->median);
	json_num("p90", st->p90);
	json_num("p99", st->p99);
	json_num("min", st->min);
	json_num("max", st->max);
	json_close();
}

void json_end(void)
{
	putchar('\n');
	fflush(stdout);
}
