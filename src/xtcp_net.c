// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP per-network-namespace state: counters and their /proc file, the
 * control socket that sends segments belonging to no socket, and the
 * TIME_WAIT entries' expiry queue.
 *
 * The state is created for every namespace, present and future, before the
 * protocol handler is registered, and destroyed after it is gone, so the
 * receive path always finds it.  Namespace exit runs after the namespace's
 * devices are gone: no segment can arrive during or after it.
 */

#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <kunit/visibility.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include "xtcp_protocol.h"

unsigned int xtcp_net_id __read_mostly;
EXPORT_SYMBOL_IF_KUNIT(xtcp_net_id);

static const struct snmp_mib xtcp_snmp_list[] = {
	SNMP_MIB_ITEM("XtcpInSegs", XTCP_MIB_INSEGS),
	SNMP_MIB_ITEM("XtcpInErrs", XTCP_MIB_INERRS),
	SNMP_MIB_ITEM("XtcpInShortSegs", XTCP_MIB_INSHORT),
	SNMP_MIB_ITEM("XtcpInBadDataOffset", XTCP_MIB_INBADDOFF),
	SNMP_MIB_ITEM("XtcpInCsumErrors", XTCP_MIB_INCSUMERRORS),
	SNMP_MIB_ITEM("XtcpInBadOptions", XTCP_MIB_INBADOPTS),
	SNMP_MIB_ITEM("XtcpInNotHost", XTCP_MIB_INNOTHOST),
	SNMP_MIB_ITEM("XtcpInNoSocket", XTCP_MIB_INNOSOCKET),
	SNMP_MIB_ITEM("XtcpOutSegs", XTCP_MIB_OUTSEGS),
	SNMP_MIB_ITEM("XtcpOutRsts", XTCP_MIB_OUTRSTS),
	SNMP_MIB_ITEM("XtcpActiveOpens", XTCP_MIB_ACTIVEOPENS),
	SNMP_MIB_ITEM("XtcpPassiveOpens", XTCP_MIB_PASSIVEOPENS),
	SNMP_MIB_ITEM("XtcpAttemptFails", XTCP_MIB_ATTEMPTFAILS),
	SNMP_MIB_ITEM("XtcpEstabResets", XTCP_MIB_ESTABRESETS),
	SNMP_MIB_ITEM("XtcpCurrEstab", XTCP_MIB_CURRESTAB),
	SNMP_MIB_ITEM("XtcpRetransSegs", XTCP_MIB_RETRANSSEGS),
	SNMP_MIB_ITEM("XtcpTimeouts", XTCP_MIB_TIMEOUTS),
	SNMP_MIB_ITEM("XtcpListenDrops", XTCP_MIB_LISTENDROPS),
	SNMP_MIB_ITEM("XtcpChallengeACKs", XTCP_MIB_CHALLENGEACKS),
	SNMP_MIB_ITEM("XtcpChallengeACKsLimited", XTCP_MIB_CHALLENGELIMITED),
	SNMP_MIB_ITEM("XtcpOutOfWindow", XTCP_MIB_OUTOFWINDOW),
	SNMP_MIB_ITEM("XtcpAbortOnData", XTCP_MIB_ABORTONDATA),
	SNMP_MIB_ITEM("XtcpAbortOnLinger", XTCP_MIB_ABORTONLINGER),
	SNMP_MIB_ITEM("XtcpAbortOnTimeout", XTCP_MIB_ABORTONTIMEOUT),
	SNMP_MIB_ITEM("XtcpOfoQueue", XTCP_MIB_OFOQUEUE),
	SNMP_MIB_ITEM("XtcpRcvQDrop", XTCP_MIB_RCVQDROP),
	SNMP_MIB_ITEM("XtcpOfoPruned", XTCP_MIB_OFOPRUNED),
	SNMP_MIB_ITEM("XtcpRtoExpired", XTCP_MIB_RTOEXPIRED),
	SNMP_MIB_ITEM("XtcpFastRetrans", XTCP_MIB_FASTRETRANS),
	SNMP_MIB_ITEM("XtcpRenoRecovery", XTCP_MIB_RECOVERIES),
	SNMP_MIB_ITEM("XtcpPartialAcks", XTCP_MIB_PARTIALACKS),
	SNMP_MIB_ITEM("XtcpDupAcks", XTCP_MIB_DUPACKS),
	SNMP_MIB_ITEM("XtcpDelayedACKs", XTCP_MIB_DELAYEDACKS),
	SNMP_MIB_ITEM("XtcpPersistProbes", XTCP_MIB_PERSISTPROBES),
	SNMP_MIB_ITEM("XtcpKeepaliveProbes", XTCP_MIB_KEEPALIVEPROBES),
	SNMP_MIB_ITEM("XtcpAbortOnKeepalive", XTCP_MIB_ABORTONKEEPALIVE),
	SNMP_MIB_ITEM("XtcpRttSamples", XTCP_MIB_RTTSAMPLES),
	SNMP_MIB_ITEM("XtcpPAWSEstab", XTCP_MIB_PAWSESTAB),
	SNMP_MIB_ITEM("XtcpSACKRecovery", XTCP_MIB_SACKRECOVERY),
	SNMP_MIB_ITEM("XtcpSACKBlocksIn", XTCP_MIB_SACKBLOCKSIN),
	SNMP_MIB_ITEM("XtcpSACKBlocksOut", XTCP_MIB_SACKBLOCKSOUT),
	SNMP_MIB_ITEM("XtcpSACKReneging", XTCP_MIB_SACKRENEGING),
	SNMP_MIB_ITEM("XtcpSynsReceived", XTCP_MIB_SYNSRECEIVED),
	SNMP_MIB_ITEM("XtcpSynAckRetrans", XTCP_MIB_SYNACKRETRANS),
	SNMP_MIB_ITEM("XtcpSynQueueOverflows", XTCP_MIB_SYNQOVERFLOWS),
	SNMP_MIB_ITEM("XtcpListenOverflows", XTCP_MIB_LISTENOVERFLOWS),
	SNMP_MIB_ITEM("XtcpSynCookiesSent", XTCP_MIB_SYNCOOKIESSENT),
	SNMP_MIB_ITEM("XtcpSynCookiesRecv", XTCP_MIB_SYNCOOKIESRECV),
	SNMP_MIB_ITEM("XtcpSynCookiesFailed", XTCP_MIB_SYNCOOKIESFAILED),
	SNMP_MIB_ITEM("XtcpSynQueuePruned", XTCP_MIB_SYNQPRUNED),
	SNMP_MIB_ITEM("XtcpTimeWaitCurr", XTCP_MIB_TIMEWAITCURR),
	SNMP_MIB_ITEM("XtcpTW", XTCP_MIB_TW),
	SNMP_MIB_ITEM("XtcpTWExpired", XTCP_MIB_TWEXPIRED),
	SNMP_MIB_ITEM("XtcpTWReopened", XTCP_MIB_TWREOPENED),
	SNMP_MIB_ITEM("XtcpTWRecycled", XTCP_MIB_TWRECYCLED),
	SNMP_MIB_ITEM("XtcpTimeWaitOverflow", XTCP_MIB_TIMEWAITOVERFLOW),
	SNMP_MIB_ITEM("XtcpPAWSTimeWait", XTCP_MIB_PAWSTIMEWAIT),
	SNMP_MIB_ITEM("XtcpACKSkipped", XTCP_MIB_ACKSKIPPED),
	SNMP_MIB_ITEM("XtcpZeroWindowDrop", XTCP_MIB_ZEROWINDOWDROP),
	SNMP_MIB_ITEM("XtcpICMPErrors", XTCP_MIB_ICMPERRORS),
	SNMP_MIB_ITEM("XtcpOutOfWindowIcmps", XTCP_MIB_OUTOFWINDOWICMPS),
	SNMP_MIB_ITEM("XtcpPMTUReduced", XTCP_MIB_PMTUREDUCED),
	SNMP_MIB_ITEM("XtcpDeferAcceptDrop", XTCP_MIB_DEFERACCEPTDROP),
	SNMP_MIB_ITEM("XtcpBacklogDrop", XTCP_MIB_BACKLOGDROP),
	SNMP_MIB_ITEM("XtcpAbortOnMemory", XTCP_MIB_ABORTONMEMORY),
	SNMP_MIB_ITEM("XtcpAbortFailed", XTCP_MIB_ABORTFAILED),
	SNMP_MIB_ITEM("XtcpMemoryPressures", XTCP_MIB_MEMORYPRESSURES),
	SNMP_MIB_ITEM("XtcpMemoryPressuresChrono", XTCP_MIB_MEMORYPRESSURESCHRONO),
	SNMP_MIB_ITEM("XtcpRcvCoalesce", XTCP_MIB_RCVCOALESCE),
	SNMP_MIB_SENTINEL
};

#ifdef CONFIG_PROC_FS
/* One "name value" line per counter, as /proc/net/sctp/snmp has them. */
static int xtcp_snmp_seq_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct xtcp_net *xn = xtcp_pernet(net);
	unsigned long buff[__XTCP_MIB_MAX];
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(xtcp_snmp_list) != __XTCP_MIB_MAX + 1);

	memset(buff, 0, sizeof(buff));
	snmp_get_cpu_field_batch(buff, xtcp_snmp_list, xn->mib);
	for (i = 0; xtcp_snmp_list[i].name; i++)
		seq_printf(seq, "%-32s\t%lu\n", xtcp_snmp_list[i].name,
			   buff[i]);
	return 0;
}

/*
 * /proc/net/xtcp_sockstat: the line /proc/net/sockstat has for TCP.
 * Sockets in use and TIME_WAIT entries are the namespace's; orphans,
 * sockets allocated and pages of memory are the machine's, as TCP's.
 */
static int xtcp_sockstat_seq_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);

	seq_printf(seq, "XTCP: inuse %d orphan %lld tw %u alloc %d mem %ld\n",
		   sock_prot_inuse_get(net, &xtcp_prot), xtcp_orphans(),
		   READ_ONCE(xtcp_pernet(net)->twq.count),
		   proto_sockets_allocated_sum_positive(&xtcp_prot),
		   proto_memory_allocated(&xtcp_prot));
	return 0;
}

static int xtcp_proc_init(struct net *net)
{
	if (!proc_create_net_single("xtcp_snmp", 0444, net->proc_net,
				    xtcp_snmp_seq_show, NULL))
		return -ENOMEM;
	if (!proc_create_net_single("xtcp_sockstat", 0444, net->proc_net,
				    xtcp_sockstat_seq_show, NULL))
		goto out_snmp;
	if (xtcp_proc_init_net(net))
		goto out_sockstat;
	return 0;

out_sockstat:
	remove_proc_entry("xtcp_sockstat", net->proc_net);
out_snmp:
	remove_proc_entry("xtcp_snmp", net->proc_net);
	return -ENOMEM;
}

static void xtcp_proc_exit(struct net *net)
{
	xtcp_proc_exit_net(net);
	remove_proc_entry("xtcp_sockstat", net->proc_net);
	remove_proc_entry("xtcp_snmp", net->proc_net);
}
#else
static int xtcp_proc_init(struct net *net)
{
	return 0;
}

static void xtcp_proc_exit(struct net *net)
{
}
#endif

static int __net_init xtcp_net_init(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);
	int err;

	xn->mib = alloc_percpu(struct xtcp_mib);
	if (!xn->mib)
		return -ENOMEM;
	spin_lock_init(&xn->challenge_lock);
	/* A second ago: the first challenge ACK draws a budget. */
	xn->challenge_stamp = jiffies - HZ;
	get_random_bytes(&xn->cookie_key, sizeof(xn->cookie_key));

	/* Raw, of XTCP's protocol number, unhashed: it only sends. */
	err = inet_ctl_sock_create(&xn->ctl_sk, PF_INET, SOCK_RAW,
				   xtcp_ipproto, net);
	if (err)
		goto out_mib;

	xtcp_tw_init_net(net);
	err = xtcp_sysctl_init_net(net);
	if (err)
		goto out_ctl;

	err = xtcp_proc_init(net);
	if (err)
		goto out_sysctl;
	return 0;

out_sysctl:
	xtcp_sysctl_exit_net(net);
out_ctl:
	inet_ctl_sock_destroy(xn->ctl_sk);
out_mib:
	free_percpu(xn->mib);
	return err;
}

/* Before the namespace's devices go: its kernel sockets end. */
static void __net_exit xtcp_net_pre_exit(struct net *net)
{
	xtcp_net_end_sockets(net);
}

static void __net_exit xtcp_net_exit(struct net *net)
{
	struct xtcp_net *xn = xtcp_pernet(net);

	xtcp_proc_exit(net);
	xtcp_sysctl_exit_net(net);
	/* After the sysctls: no tw_timeout write arms its timer again. */
	xtcp_tw_exit_net(net);
	inet_ctl_sock_destroy(xn->ctl_sk);
	free_percpu(xn->mib);
}

static struct pernet_operations xtcp_net_ops = {
	.init	= xtcp_net_init,
	.pre_exit = xtcp_net_pre_exit,
	.exit	= xtcp_net_exit,
	.id	= &xtcp_net_id,
	.size	= sizeof(struct xtcp_net),
};

int xtcp_net_register(void)
{
	return register_pernet_subsys(&xtcp_net_ops);
}

void xtcp_net_unregister(void)
{
	unregister_pernet_subsys(&xtcp_net_ops);
}
