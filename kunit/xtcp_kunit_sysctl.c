// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "xtcp_sysctl": every knob under net.xtcp has bounds.  The
 * handlers of init_net's table are called as a write to /proc/sys would
 * call them; a value out of bounds must be refused with EINVAL and leave
 * every knob as it was.
 */

#include <kunit/test.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include "../src/xtcp_protocol.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Write @val to @hdr's knob @name; -ENOENT if there is none. */
static int hdr_write(const struct ctl_table_header *hdr, const char *name,
		     const char *val)
{
	const struct ctl_table *t = hdr->ctl_table_arg;
	loff_t pos = 0;
	char buf[64];
	size_t len;
	int i;

	for (i = 0; i < hdr->ctl_table_size; i++) {
		if (strcmp(t[i].procname, name))
			continue;
		len = strscpy(buf, val, sizeof(buf));
		return t[i].proc_handler(&t[i], 1, buf, &len, &pos);
	}
	return -ENOENT;
}

/* Write @val to init_net's knob @name. */
static int knob_write(const char *name, const char *val)
{
	return hdr_write(xtcp_pernet(&init_net)->sysctl_hdr, name, val);
}

/* Write @val to the machine's knob @name (xtcp_mem.c). */
static int machine_write(const char *name, const char *val)
{
	return hdr_write(xtcp_sysctl_global_hdr, name, val);
}

/* Every knob refuses a negative value, and nothing changes. */
static void xtcp_sysctl_negative(struct kunit *test)
{
	const struct ctl_table_header *hdr = xtcp_pernet(&init_net)->sysctl_hdr;
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	const struct ctl_table *t = hdr->ctl_table_arg;
	struct xtcp_sysctl before = *ctl;
	int i;

	KUNIT_ASSERT_GT(test, hdr->ctl_table_size, 20);
	for (i = 0; i < hdr->ctl_table_size; i++) {
		KUNIT_EXPECT_EQ_MSG(test, knob_write(t[i].procname, "-1 -1"),
				    -EINVAL, "%s takes -1", t[i].procname);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&before, ctl, sizeof(before)),
				    0, "%s: a knob changed", t[i].procname);
		*ctl = before;
	}
}

struct knob_case {
	const char *name;
	const char *val;
	int err;
};

/* The bounds of the knobs that have more than a floor of 0. */
static const struct knob_case knob_cases[] = {
	{ "fin_timeout", "0", -EINVAL },
	{ "fin_timeout", "30", 0 },
	{ "tw_timeout", "0", 0 },
	{ "tw_timeout", "2147483647", -EINVAL },
	{ "min_snd_mss", "47", -EINVAL },
	{ "min_snd_mss", "65535", 0 },
	{ "min_snd_mss", "65536", -EINVAL },
	{ "invalid_ratelimit", "0", 0 },
	{ "syn_retries", "0", -EINVAL },
	{ "syn_retries", "128", -EINVAL },
	{ "tw_reuse", "3", -EINVAL },
	{ "syncookies", "3", -EINVAL },
	{ "max_syn_backlog", "0", -EINVAL },
	{ "rto_min_us", "1000001", -EINVAL },
	{ "rto_max_ms", "999", -EINVAL },
	{ "keepalive_probes", "128", -EINVAL },
	{ "ip_local_port_range", "60000 1000", -EINVAL },
	{ "ip_local_port_range", "0 1000", -EINVAL },
	{ "window_scaling", "2", -EINVAL },
	{ "rmem", "4096 131072 1073741823", 0 },
	{ "rmem", "4096 131072 1073741824", -EINVAL },
	{ "rmem", "0 131072 6291456", -EINVAL },
	{ "rmem", "8192 4096 6291456", -EINVAL },
	{ "wmem", "1 1 1", 0 },
	{ "wmem", "4096 16384 8192", -EINVAL },
	{ "moderate_rcvbuf", "2", -EINVAL },
	{ "slow_start_after_idle", "2", -EINVAL },
	{ "notsent_lowat", "0", -EINVAL },
	{ "notsent_lowat", "4294967294", 0 },
	{ "notsent_lowat", "4294967296", -EINVAL },
};

static void knob_desc(const struct knob_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s = %s", c->name, c->val);
}

KUNIT_ARRAY_PARAM(knob, knob_cases, knob_desc);

/* One value at a bound: taken or refused; refused, nothing changes. */
static void xtcp_sysctl_bounds(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	const struct knob_case *c = test->param_value;
	struct xtcp_sysctl before = *ctl;

	KUNIT_EXPECT_EQ(test, knob_write(c->name, c->val), c->err);
	if (c->err)
		KUNIT_EXPECT_EQ(test, memcmp(&before, ctl, sizeof(before)), 0);
	else
		KUNIT_EXPECT_NE(test, memcmp(&before, ctl, sizeof(before)), 0);
	*ctl = before;
}

/* Seconds written, jiffies kept: fin_timeout as TCP's. */
static void xtcp_sysctl_seconds(struct kunit *test)
{
	struct xtcp_sysctl *ctl = &xtcp_pernet(&init_net)->sysctl;
	struct xtcp_sysctl before = *ctl;

	KUNIT_EXPECT_EQ(test, knob_write("fin_timeout", "30"), 0);
	KUNIT_EXPECT_EQ(test, ctl->fin_timeout, 30 * HZ);
	*ctl = before;
}

/*
 * The machine's knobs: mem is "low pressure high", each at least a page
 * and in order; max_orphans at least 0, and 0 makes one orphan too many.
 */
static void xtcp_sysctl_machine(struct kunit *test)
{
	int orphans = sysctl_xtcp_max_orphans;
	long mem[3];

	memcpy(mem, sysctl_xtcp_mem, sizeof(mem));
	KUNIT_EXPECT_EQ(test, machine_write("mem", "3 2 1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, machine_write("mem", "0 1 2"), -EINVAL);
	KUNIT_EXPECT_EQ(test, machine_write("mem", "-1 1 2"), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(mem, sysctl_xtcp_mem, sizeof(mem)), 0);
	KUNIT_EXPECT_EQ(test, machine_write("mem", "1 2 3"), 0);
	KUNIT_EXPECT_EQ(test, sysctl_xtcp_mem[0], 1);
	KUNIT_EXPECT_EQ(test, sysctl_xtcp_mem[2], 3);
	memcpy(sysctl_xtcp_mem, mem, sizeof(mem));

	KUNIT_EXPECT_EQ(test, machine_write("max_orphans", "-1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, sysctl_xtcp_max_orphans, orphans);
	KUNIT_EXPECT_FALSE(test, xtcp_orphans() > orphans);
	KUNIT_EXPECT_EQ(test, machine_write("max_orphans", "0"), 0);
	KUNIT_EXPECT_EQ(test, xtcp_too_many_orphans(0), xtcp_orphans() > 0);
	sysctl_xtcp_max_orphans = orphans;
}

static struct kunit_case xtcp_sysctl_cases[] = {
	KUNIT_CASE(xtcp_sysctl_negative),
	KUNIT_CASE_PARAM(xtcp_sysctl_bounds, knob_gen_params),
	KUNIT_CASE(xtcp_sysctl_seconds),
	KUNIT_CASE(xtcp_sysctl_machine),
	{}
};

static struct kunit_suite xtcp_sysctl_suite = {
	.name = "xtcp_sysctl",
	.test_cases = xtcp_sysctl_cases,
};

kunit_test_suites(&xtcp_sysctl_suite);
