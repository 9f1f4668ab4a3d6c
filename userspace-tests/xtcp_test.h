/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by XTCP's user-space tests and their helper programs:
 * TAP output, the family under test, time and waiting, numbers and files,
 * network namespaces made per test and removed on exit, the per-namespace
 * counters in /proc/net/xtcp_snmp, sysctls and /proc/net/{tcp,xtcp}.
 * Sockets, byte streams and connection info are in xtcp_test_sock.h,
 * included at the end.
 */
#ifndef XTCP_TEST_H
#define XTCP_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/xtcp.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- TAP ---- */

static int tap_count, tap_failures;

static inline void tap_begin(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
}

static inline int tap_end(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

/* One test point; returns @ok so callers can stop early. */
static inline int __attribute__((format(printf, 2, 3)))
tap_ok(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_failures++;
	return ok;
}

/* A test point not run here, and why: TAP's "# SKIP", no pass. */
static inline void tap_skip(const char *what, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_count, what, why);
}

/* Print @prefix, the formatted message and a newline. */
static inline void vsay(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stdout);
	vprintf(fmt, ap);
	putchar('\n');
}

static inline void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("# ", fmt, ap);
	va_end(ap);
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
tap_bail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("Bail out! ", fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * The helper programs' way to give up: "fail WHAT" on stdout, for the
 * shell test to read, and exit status 1.
 */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("fail ", fmt, ap);
	va_end(ap);
	exit(1);
}

/* The symbolic name of errno value @e, "ECONNRESET". */
static inline const char *errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "E?";
}

/* ---- the family under test ---- */

/*
 * XTCP_TEST_FAMILY: 1 for "tcp" (Linux TCP, AF_INET), 0 for XTCP (unset,
 * empty or "xtcp"), -1 for anything else.
 */
static inline int test_tcp_mode(void)
{
	const char *f = getenv("XTCP_TEST_FAMILY");

	if (!f || !*f || !strcmp(f, "xtcp"))
		return 0;
	return strcmp(f, "tcp") ? -1 : 1;
}

/* XTCP_KIND, set by the harness: the debug kernel, many times slower. */
static inline bool debug_kernel(void)
{
	const char *k = getenv("XTCP_KIND");

	return k && !strcmp(k, "debug");
}

/* ---- time ---- */

static inline long long clock_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The monotonic clock in milliseconds. */
static inline long now_ms(void)
{
	return clock_us(CLOCK_MONOTONIC) / 1000;
}

/*
 * Evaluate @cond every 10 ms until it holds or @ms milliseconds passed;
 * its last value.  For what a test waits on: the bound is a give-up time,
 * far above how long the event normally takes, never a verdict by itself.
 */
#define WAIT_UNTIL(cond, ms) ({						\
	long __end = now_ms() + (ms);					\
	bool __ok;							\
									\
	while (!(__ok = (cond)) && now_ms() < __end)			\
		usleep(10000);						\
	__ok;								\
})

/*
 * What the program may take in all before it is stopped, from SIGALRM:
 * @msg goes to stdout, exit status @status (for the helpers, whose
 * watchdog is "fail watchdog: still running", status 3).
 */
static const char *watchdog_msg;
static int watchdog_status;
/* Called first when it fires: what a helper tells of the state it hung in. */
static void (*watchdog_hook)(void);

static inline void watchdog_fire(int sig)
{
	(void)sig;
	if (watchdog_hook)
		watchdog_hook();
	if (write(1, watchdog_msg, strlen(watchdog_msg)) < 0)
		_exit(watchdog_status);
	_exit(watchdog_status);
}

static inline void watchdog_arm(unsigned int seconds, const char *msg,
				int status)
{
	watchdog_msg = msg;
	watchdog_status = status;
	signal(SIGALRM, watchdog_fire);
	alarm(seconds);
}

/* ---- numbers and files ---- */

/* @s as a decimal number in [@min, @max] into *@v; -1 when it is not. */
static inline int parse_long(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || *end || end == s || *v < min || *v > max)
		return -1;
	return 0;
}

static inline bool is_num(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* Create @path (empty, or left as it is); 0, or -1 with errno. */
static inline int touch(const char *path)
{
	int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	if (f < 0)
		return -1;
	close(f);
	return 0;
}

static inline bool file_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* Wait up to @ms for @path to exist; 0 once it does, -1 when it did not. */
static inline int wait_for_file(const char *path, long ms)
{
	long end = now_ms() + ms;

	while (!file_exists(path)) {
		if (now_ms() > end)
			return -1;
		usleep(2000);
	}
	return 0;
}

/* ---- network namespaces, one set per test process ---- */

/* Run a shell command; bail out of the test when it fails. */
static inline void __attribute__((format(printf, 1, 2)))
sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		tap_bail("command failed: %s", cmd);
}

/* Move this thread into the named network namespace (ip netns). */
static inline void netns_enter(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		tap_bail("setns %s: %s", name, strerror(errno));
	close(fd);
}

#define TEST_MAX_NETNS	4

static char test_netns_names[TEST_MAX_NETNS][64];
static int test_netns_n;
static pid_t test_netns_owner;

/* Delete this process's namespaces (at exit; forked children do not). */
static inline void test_netns_cleanup(void)
{
	char cmd[128];

	if (getpid() != test_netns_owner)
		return;
	while (test_netns_n > 0) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null",
			 test_netns_names[--test_netns_n]);
		if (system(cmd))
			continue;
	}
}

static inline void test_on_signal(int sig)
{
	printf("Bail out! killed by signal %d\n", sig);
	exit(1);
}

/*
 * A new network namespace named after the program, @tag and the PID
 * ("socket_calls-a-1234"), so that tests and copies of one test run side
 * by side; it is deleted when the program exits, by tap_bail() or by a
 * signal (SIGTERM, SIGINT, SIGHUP, and SIGALRM: a test's alarm()) too.  Its loopback is up.  Returns the name.
 */
static inline const char *test_netns_add(const char *tag)
{
	char *name;

	if (test_netns_n == TEST_MAX_NETNS)
		tap_bail("too many namespaces");
	if (!test_netns_n) {
		struct sigaction sa = { .sa_handler = test_on_signal };

		test_netns_owner = getpid();
		atexit(test_netns_cleanup);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGALRM, &sa, NULL);
	}
	name = test_netns_names[test_netns_n];
	snprintf(name, sizeof(test_netns_names[0]), "%s-%s-%d",
		 program_invocation_short_name, tag, (int)getpid());
	sh("ip netns add %s", name);
	test_netns_n++;
	sh("ip -n %s link set lo up", name);
	return name;
}

/*
 * Join namespaces @a and @b by a veth pair, "veth0" in each (the names
 * live in the namespaces, not in the host's), with addresses @addr_a and
 * @addr_b ("10.1.0.1/24 brd +"), both up.
 */
static inline void test_veth(const char *a, const char *addr_a,
			     const char *b, const char *addr_b)
{
	sh("ip -n %s link add veth0 type veth peer name veth0 netns %s", a, b);
	sh("ip -n %s addr add %s dev veth0", a, addr_a);
	sh("ip -n %s addr add %s dev veth0", b, addr_b);
	sh("ip -n %s link set veth0 up && ip -n %s link set veth0 up", a, b);
}

/* ---- /proc ---- */

/*
 * A counter of /proc/net/xtcp_snmp in the current namespace, or -1 when
 * the file or the counter is missing.
 */
static inline long xtcp_counter(const char *name)
{
	char key[64];
	long val, found = -1;
	FILE *f = fopen("/proc/self/net/xtcp_snmp", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2) {
		if (!strcmp(key, name)) {
			found = val;
			break;
		}
	}
	fclose(f);
	return found;
}

/* The module's reference count, or -1 when it is not loaded. */
static inline long xtcp_module_refcnt(void)
{
	FILE *f = fopen("/sys/module/xtcp/refcnt", "r");
	long val = -1;

	if (f) {
		if (fscanf(f, "%ld", &val) != 1)
			val = -1;
		fclose(f);
	}
	return val;
}

/* Write @val to /proc/sys/@name (the current namespace's); 0 or -1. */
static inline int sysctl_write(const char *name, const char *val)
{
	char path[256];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * The @n-th (from 0) number in /proc/sys/@name; bails out when the file
 * cannot be opened or has fewer numbers.
 */
static inline long sysctl_read_nth(const char *name, int n)
{
	char path[256];
	long val = -1;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	f = fopen(path, "r");
	if (!f)
		tap_bail("sysctl %s: %s", name, strerror(errno));
	for (i = 0; i <= n; i++)
		if (fscanf(f, "%ld", &val) != 1)
			break;
	if (i <= n)
		tap_bail("sysctl %s: no number %d", name, n);
	fclose(f);
	return val;
}

/* The (first) number in /proc/sys/@name; bails out as above. */
static inline long sysctl_read(const char *name)
{
	return sysctl_read_nth(name, 0);
}

/*
 * The next connection of /proc/net/{tcp,xtcp} (opened by the caller): its
 * local and remote ports and its state (the hex "st" column, TCP's state
 * numbers).  0 at the end of the file; the header line is skipped.
 */
static inline int proc_conn_next(FILE *f, unsigned int *lport,
				 unsigned int *rport, unsigned int *st)
{
	char line[512];

	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u: %*x:%x %*x:%x %x", lport, rport,
			   st) == 3)
			return 1;
	return 0;
}

#include "xtcp_test_sock.h"

#endif /* XTCP_TEST_H */
