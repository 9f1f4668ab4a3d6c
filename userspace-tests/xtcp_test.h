/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by XTCP's user-space tests: TAP output, network
 * namespaces, and the per-namespace counters in /proc/net/xtcp_snmp.
 */
#ifndef XTCP_TEST_H
#define XTCP_TEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/xtcp.h>

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

static inline void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void __attribute__((noreturn, format(printf, 1, 2)))
tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

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

#endif /* XTCP_TEST_H */
