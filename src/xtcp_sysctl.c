// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP knobs: per-network-namespace sysctls under net.xtcp, named like
 * their Linux TCP twins without the tcp_ prefix.  A new namespace starts
 * from the defaults, as TCP's do; a kernel without CONFIG_SYSCTL keeps
 * them.
 */

#include <linux/moduleparam.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <kunit/visibility.h>
#include "xtcp_protocol.h"

/* Where every namespace's net.xtcp.syncookies starts (a test run uses 2). */
static int syncookies = 1;
module_param(syncookies, int, 0444);
MODULE_PARM_DESC(syncookies,
		 "net.xtcp.syncookies of every new namespace: 0, 1 (default) or 2");

#ifdef CONFIG_SYSCTL
static int xtcp_retries_max = 255;
static int xtcp_syncnt_max = 127;		/* MAX_TCP_SYNCNT, as tcp_syn_retries */
static int xtcp_port_min = 1;
static int xtcp_port_max = 65535;
static int xtcp_one = 1;
static int xtcp_rto_min_max = 1000000;		/* 1 s, as tcp_rto_min_us */
static int xtcp_rto_max_min = 1000;		/* as tcp_rto_max_ms */
static int xtcp_rto_max_max = 120000;
static int xtcp_keep_max = 32767;		/* TCP's MAX_TCP_KEEPIDLE */
static int xtcp_keepcnt_max = 127;		/* MAX_TCP_KEEPCNT */
static int xtcp_secs_max = INT_MAX / HZ;	/* kept in jiffies */
static int xtcp_min_snd_mss_min = XTCP_MIN_SND_MSS;
static int xtcp_min_snd_mss_max = 65535;
static int xtcp_buf_max = INT_MAX / 2;		/* twice it still fits */
static unsigned int xtcp_uint_max = UINT_MAX;

/*
 * A vector of table->maxlen / @size values (ints, or unsigned longs),
 * each in extra1..extra2 as @handler (proc_dointvec_minmax() or
 * proc_doulongvec_minmax()) takes them, and in non-decreasing order:
 * "low high" of ip_local_port_range, "min default max" of rmem and wmem
 * (as tcp_rmem and tcp_wmem), "low pressure high" of mem (tcp_mem).  A
 * write refused leaves every value as it was.
 */
static int xtcp_ordered_handler(const struct ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos,
				size_t size, proc_handler *handler)
{
	unsigned int n = table->maxlen / size, i;
	unsigned long *vl = table->data, tl[3];
	int *vi = table->data, *ti = (int *)tl;
	struct ctl_table t = {
		.data		= tl,
		.maxlen		= table->maxlen,
		.mode		= table->mode,
		.extra1		= table->extra1,
		.extra2		= table->extra2,
	};
	int err;

	if (WARN_ON_ONCE(table->maxlen > sizeof(tl)))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (size == sizeof(long))
			tl[i] = READ_ONCE(vl[i]);
		else
			ti[i] = READ_ONCE(vi[i]);
	}
	err = handler(&t, write, buffer, lenp, ppos);
	if (!write || err)
		return err;
	for (i = 1; i < n; i++)
		if (size == sizeof(long) ? tl[i - 1] > tl[i] : ti[i - 1] > ti[i])
			return -EINVAL;
	for (i = 0; i < n; i++) {
		if (size == sizeof(long))
			WRITE_ONCE(vl[i], tl[i]);
		else
			WRITE_ONCE(vi[i], ti[i]);
	}
	return 0;
}

static int xtcp_ordered_ints_handler(const struct ctl_table *table,
				     int write, void *buffer, size_t *lenp,
				     loff_t *ppos)
{
	return xtcp_ordered_handler(table, write, buffer, lenp, ppos,
				    sizeof(int), proc_dointvec_minmax);
}

/*
 * Seconds to the user, jiffies kept, as proc_dointvec_jiffies(), but
 * within extra1..extra2 seconds: a value out of them is refused with
 * EINVAL and nothing changes.
 */
static int xtcp_secs_handler(const struct ctl_table *table, int write,
			     void *buffer, size_t *lenp, loff_t *ppos)
{
	int *data = table->data, secs = READ_ONCE(*data) / HZ;
	struct ctl_table t = {
		.data		= &secs,
		.maxlen		= sizeof(secs),
		.mode		= table->mode,
		.extra1		= table->extra1,
		.extra2		= table->extra2,
	};
	int err;

	err = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (write && !err)
		WRITE_ONCE(*data, secs * HZ);
	return err;
}

/* A shorter or longer TIME_WAIT applies to the entries waiting too. */
static int xtcp_tw_timeout_handler(const struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	int err = xtcp_secs_handler(table, write, buffer, lenp, ppos);

	if (write && !err)
		xtcp_tw_timeout_changed(container_of(table->data,
						     struct xtcp_net,
						     sysctl.tw_timeout));
	return err;
}

/* Only the addresses of its fields matter: each netns rebases them. */
static struct xtcp_sysctl init_xtcp_sysctl;

static const struct ctl_table xtcp_sysctl_table[] = {
	{
		.procname	= "syn_retries",
		.data		= &init_xtcp_sysctl.syn_retries,
		.maxlen		= sizeof(init_xtcp_sysctl.syn_retries),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
		.extra2		= &xtcp_syncnt_max,
	},
	{
		.procname	= "synack_retries",
		.data		= &init_xtcp_sysctl.synack_retries,
		.maxlen		= sizeof(init_xtcp_sysctl.synack_retries),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &xtcp_retries_max,
	},
	{
		.procname	= "retries2",
		.data		= &init_xtcp_sysctl.retries2,
		.maxlen		= sizeof(init_xtcp_sysctl.retries2),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &xtcp_retries_max,
	},
	{
		.procname	= "orphan_retries",
		.data		= &init_xtcp_sysctl.orphan_retries,
		.maxlen		= sizeof(init_xtcp_sysctl.orphan_retries),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &xtcp_retries_max,
	},
	{
		.procname	= "fin_timeout",
		.data		= &init_xtcp_sysctl.fin_timeout,
		.maxlen		= sizeof(init_xtcp_sysctl.fin_timeout),
		.mode		= 0644,
		.proc_handler	= xtcp_secs_handler,
		.extra1		= &xtcp_one,
		.extra2		= &xtcp_secs_max,
	},
	{
		.procname	= "tw_timeout",
		.data		= &init_xtcp_sysctl.tw_timeout,
		.maxlen		= sizeof(init_xtcp_sysctl.tw_timeout),
		.mode		= 0644,
		.proc_handler	= xtcp_tw_timeout_handler,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &xtcp_secs_max,
	},
	{
		.procname	= "max_tw_buckets",
		.data		= &init_xtcp_sysctl.max_tw_buckets,
		.maxlen		= sizeof(init_xtcp_sysctl.max_tw_buckets),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "tw_reuse",
		.data		= &init_xtcp_sysctl.timewait_reuse,
		.maxlen		= sizeof(init_xtcp_sysctl.timewait_reuse),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
	{
		.procname	= "challenge_ack_limit",
		.data		= &init_xtcp_sysctl.challenge_ack_limit,
		.maxlen		= sizeof(init_xtcp_sysctl.challenge_ack_limit),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "invalid_ratelimit",
		.data		= &init_xtcp_sysctl.invalid_ratelimit,
		.maxlen		= sizeof(init_xtcp_sysctl.invalid_ratelimit),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "min_snd_mss",
		.data		= &init_xtcp_sysctl.min_snd_mss,
		.maxlen		= sizeof(init_xtcp_sysctl.min_snd_mss),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_min_snd_mss_min,
		.extra2		= &xtcp_min_snd_mss_max,
	},
	{
		.procname	= "rto_min_us",
		.data		= &init_xtcp_sysctl.rto_min_us,
		.maxlen		= sizeof(init_xtcp_sysctl.rto_min_us),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
		.extra2		= &xtcp_rto_min_max,
	},
	{
		.procname	= "rto_max_ms",
		.data		= &init_xtcp_sysctl.rto_max_ms,
		.maxlen		= sizeof(init_xtcp_sysctl.rto_max_ms),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_rto_max_min,
		.extra2		= &xtcp_rto_max_max,
	},
	{
		.procname	= "keepalive_time",
		.data		= &init_xtcp_sysctl.keepalive_time,
		.maxlen		= sizeof(init_xtcp_sysctl.keepalive_time),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
		.extra2		= &xtcp_keep_max,
	},
	{
		.procname	= "keepalive_intvl",
		.data		= &init_xtcp_sysctl.keepalive_intvl,
		.maxlen		= sizeof(init_xtcp_sysctl.keepalive_intvl),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
		.extra2		= &xtcp_keep_max,
	},
	{
		.procname	= "keepalive_probes",
		.data		= &init_xtcp_sysctl.keepalive_probes,
		.maxlen		= sizeof(init_xtcp_sysctl.keepalive_probes),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
		.extra2		= &xtcp_keepcnt_max,
	},
	{
		.procname	= "window_scaling",
		.data		= &init_xtcp_sysctl.window_scaling,
		.maxlen		= sizeof(init_xtcp_sysctl.window_scaling),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "timestamps",
		.data		= &init_xtcp_sysctl.timestamps,
		.maxlen		= sizeof(init_xtcp_sysctl.timestamps),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "sack",
		.data		= &init_xtcp_sysctl.sack,
		.maxlen		= sizeof(init_xtcp_sysctl.sack),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "syncookies",
		.data		= &init_xtcp_sysctl.syncookies,
		.maxlen		= sizeof(init_xtcp_sysctl.syncookies),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
	{
		.procname	= "max_syn_backlog",
		.data		= &init_xtcp_sysctl.max_syn_backlog,
		.maxlen		= sizeof(init_xtcp_sysctl.max_syn_backlog),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &xtcp_one,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "rmem",
		.data		= &init_xtcp_sysctl.rmem,
		.maxlen		= sizeof(init_xtcp_sysctl.rmem),
		.mode		= 0644,
		.proc_handler	= xtcp_ordered_ints_handler,
		.extra1		= SYSCTL_ONE,
		.extra2		= &xtcp_buf_max,
	},
	{
		.procname	= "wmem",
		.data		= &init_xtcp_sysctl.wmem,
		.maxlen		= sizeof(init_xtcp_sysctl.wmem),
		.mode		= 0644,
		.proc_handler	= xtcp_ordered_ints_handler,
		.extra1		= SYSCTL_ONE,
		.extra2		= &xtcp_buf_max,
	},
	{
		.procname	= "moderate_rcvbuf",
		.data		= &init_xtcp_sysctl.moderate_rcvbuf,
		.maxlen		= sizeof(init_xtcp_sysctl.moderate_rcvbuf),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "slow_start_after_idle",
		.data		= &init_xtcp_sysctl.slow_start_after_idle,
		.maxlen		= sizeof(init_xtcp_sysctl.slow_start_after_idle),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "notsent_lowat",
		.data		= &init_xtcp_sysctl.notsent_lowat,
		.maxlen		= sizeof(init_xtcp_sysctl.notsent_lowat),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= SYSCTL_ONE,
		.extra2		= &xtcp_uint_max,
	},
	{
		.procname	= "ip_local_port_range",
		.data		= &init_xtcp_sysctl.port_range,
		.maxlen		= sizeof(init_xtcp_sysctl.port_range),
		.mode		= 0644,
		.proc_handler	= xtcp_ordered_ints_handler,
		.extra1		= &xtcp_port_min,
		.extra2		= &xtcp_port_max,
	},
};

static int xtcp_ordered_longs_handler(const struct ctl_table *table,
				      int write, void *buffer, size_t *lenp,
				      loff_t *ppos)
{
	return xtcp_ordered_handler(table, write, buffer, lenp, ppos,
				    sizeof(long), proc_doulongvec_minmax);
}

static unsigned long xtcp_mem_min = 1;
static unsigned long xtcp_mem_max = LONG_MAX;

/*
 * The machine's knobs (xtcp_mem.c), in the initial namespace only, as
 * tcp_mem and tcp_max_orphans: pages, "low pressure high", and orphans.
 */
static struct ctl_table xtcp_sysctl_global_table[] = {
	{
		.procname	= "mem",
		.data		= &sysctl_xtcp_mem,
		.maxlen		= sizeof(sysctl_xtcp_mem),
		.mode		= 0644,
		.proc_handler	= xtcp_ordered_longs_handler,
		.extra1		= &xtcp_mem_min,
		.extra2		= &xtcp_mem_max,
	},
	{
		.procname	= "max_orphans",
		.data		= &sysctl_xtcp_max_orphans,
		.maxlen		= sizeof(sysctl_xtcp_max_orphans),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
};

struct ctl_table_header *xtcp_sysctl_global_hdr;
EXPORT_SYMBOL_IF_KUNIT(xtcp_sysctl_global_hdr);

int xtcp_sysctl_global_register(void)
{
	xtcp_sysctl_global_hdr = register_net_sysctl(&init_net, "net/xtcp",
						     xtcp_sysctl_global_table);
	return xtcp_sysctl_global_hdr ? 0 : -ENOMEM;
}

void xtcp_sysctl_global_unregister(void)
{
	unregister_net_sysctl_table(xtcp_sysctl_global_hdr);
}

/* net.xtcp.* of a new namespace: the table, rebased onto its knobs. */
static int xtcp_sysctl_register(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	struct ctl_table *table;
	int i;

	table = kmemdup(xtcp_sysctl_table, sizeof(xtcp_sysctl_table),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(xtcp_sysctl_table); i++)
		table[i].data += (char *)&xn->sysctl -
				 (char *)&init_xtcp_sysctl;

	xn->sysctl_hdr = register_net_sysctl_sz(net, "net/xtcp", table,
						ARRAY_SIZE(xtcp_sysctl_table));
	if (!xn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

static void xtcp_sysctl_unregister(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	const struct ctl_table *table = xn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(xn->sysctl_hdr);
	kfree(table);
}
#else
/* Without sysctls every namespace keeps the defaults. */
int xtcp_sysctl_global_register(void)
{
	return 0;
}

void xtcp_sysctl_global_unregister(void)
{
}

static int xtcp_sysctl_register(struct net *net)
{
	return 0;
}

static void xtcp_sysctl_unregister(struct net *net)
{
}
#endif /* CONFIG_SYSCTL */

static void xtcp_sysctl_defaults(struct xtcp_sysctl *ctl)
{
	ctl->syn_retries = 6;		/* TCP_SYN_RETRIES */
	ctl->synack_retries = 5;	/* TCP_SYNACK_RETRIES */
	ctl->retries2 = 15;		/* TCP_RETR2 */
	ctl->orphan_retries = 0;	/* 0: 8, as TCP reads it */
	ctl->fin_timeout = 60 * HZ;	/* TCP_FIN_TIMEOUT */
	ctl->tw_timeout = 60 * HZ;	/* TCP_TIMEWAIT_LEN, 2 MSL */
	ctl->challenge_ack_limit = 1000;
	ctl->invalid_ratelimit = 500;	/* ms, as tcp_invalid_ratelimit */
	ctl->min_snd_mss = XTCP_MIN_SND_MSS;	/* as tcp_min_snd_mss */
	ctl->port_range[0] = 32768;
	ctl->port_range[1] = 60999;
	ctl->rto_min_us = 200000;	/* TCP_RTO_MIN */
	ctl->rto_max_ms = 120000;	/* TCP_RTO_MAX */
	ctl->keepalive_time = 7200;	/* TCP_KEEPALIVE_TIME, seconds */
	ctl->keepalive_intvl = 75;	/* TCP_KEEPALIVE_INTVL */
	ctl->keepalive_probes = 9;	/* TCP_KEEPALIVE_PROBES */
	ctl->window_scaling = 1;	/* as tcp_window_scaling */
	ctl->timestamps = 1;		/* as tcp_timestamps */
	ctl->sack = 1;			/* as tcp_sack */
	ctl->syncookies = clamp(syncookies, 0, 2); /* tcp_syncookies: 1 */
	ctl->max_syn_backlog = 4096;	/* tcp_max_syn_backlog, large hosts */
	ctl->max_tw_buckets = 262144;	/* tcp_max_tw_buckets, large hosts */
	ctl->timewait_reuse = 2;	/* tcp_tw_reuse: loopback only */
	ctl->rmem[0] = 4096;		/* tcp_rmem */
	ctl->rmem[1] = 131072;
	ctl->rmem[2] = 6291456;
	ctl->wmem[0] = 4096;		/* tcp_wmem */
	ctl->wmem[1] = 16384;
	ctl->wmem[2] = 4194304;
	ctl->moderate_rcvbuf = 1;	/* tcp_moderate_rcvbuf */
	ctl->slow_start_after_idle = 1;	/* tcp_slow_start_after_idle */
	ctl->notsent_lowat = UINT_MAX;	/* tcp_notsent_lowat */
}

int xtcp_sysctl_init_net(struct net *net)
{
	xtcp_sysctl_defaults(&xtcp_pernet(net)->sysctl);
	return xtcp_sysctl_register(net);
}

void xtcp_sysctl_exit_net(struct net *net)
{
	xtcp_sysctl_unregister(net);
}
