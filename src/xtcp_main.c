// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP: a TCP-like reliable byte stream in the socket family AF_XTCP,
 * carried over IPv4 with its own protocol number.
 *
 * Module load sets up, in order: the ISN and TSval keys, the socket
 * tables, the slabs of half-open requests and TIME_WAIT entries, the
 * memory accounting and its knobs, the struct proto (its slab), the
 * per-namespace state, the IPv4 protocol handler, the GSO offload,
 * the socket family, and the entry of the inet family that gives
 * socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP).  Unload and every failed
 * load step undo them in reverse order.  Built into the kernel
 * (CONFIG_XTCP=y), the same runs as an initcall and the parameters are
 * given as xtcp.ipproto= on the command line.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <kunit/visibility.h>
#include <net/protocol.h>
#include "xtcp_protocol.h"

#define CREATE_TRACE_POINTS
#include <trace/events/xtcp.h>

static int ipproto = IPPROTO_XTCP;
module_param(ipproto, int, 0444);
MODULE_PARM_DESC(ipproto,
		 "IP protocol number carrying XTCP (default 253, RFC 3692 experimental)");

u8 xtcp_ipproto __read_mostly;
EXPORT_SYMBOL_GPL(xtcp_ipproto);

static const struct net_protocol xtcp_protocol = {
	.handler	= xtcp_v4_rcv,
	.err_handler	= xtcp_v4_err,
};

static int __init xtcp_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct xtcphdr) != XTCP_HDR_LEN);

	/* 0 is IPv6 hop-by-hop options and 255 is reserved (IANA). */
	if (ipproto <= 0 || ipproto >= IPPROTO_RAW) {
		pr_err("ipproto=%d is not a usable IP protocol number (1..254)\n",
		       ipproto);
		return -EINVAL;
	}
	xtcp_ipproto = ipproto;
	xtcp_isn_init();

	err = xtcp_hash_init();
	if (err)
		return err;

	err = xtcp_listen_init();
	if (err)
		goto out_hash;

	err = xtcp_tw_cache_init();
	if (err)
		goto out_listen_cache;

	err = xtcp_mem_init();
	if (err)
		goto out_tw;

	err = xtcp_proto_register();
	if (err)
		goto out_mem;

	err = xtcp_net_register();
	if (err)
		goto out_proto;
	xtcp_mem_floors_init();

	if (inet_add_protocol(&xtcp_protocol, xtcp_ipproto) < 0) {
		pr_err("IP protocol %u already has a handler; load with another ipproto=\n",
		       xtcp_ipproto);
		err = -EBUSY;
		goto out_net;
	}

	err = xtcp_offload_init();
	if (err) {
		pr_err("IP protocol %u already has an offload\n", xtcp_ipproto);
		goto out_inet;
	}

	err = sock_register(&xtcp_family_ops);
	if (err) {
		if (err == -EEXIST)
			pr_err("socket family %d is already registered by another module\n",
			       PF_XTCP);
		goto out_offload;
	}

	xtcp_inetsw_register(xtcp_ipproto);

	pr_info("socket family %d, IP protocol %u (also AF_INET)\n", PF_XTCP,
		xtcp_ipproto);
	return 0;

out_offload:
	xtcp_offload_exit();
out_inet:
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
out_net:
	xtcp_net_unregister();
out_proto:
	xtcp_proto_unregister();
out_mem:
	xtcp_mem_exit();
out_tw:
	xtcp_tw_cache_exit();
out_listen_cache:
	xtcp_listen_exit();
out_hash:
	xtcp_hash_exit();
	return err;
}

static void __exit xtcp_exit(void)
{
	/*
	 * No socket exists: each holds a module reference.  TIME_WAIT
	 * entries hold none; every namespace's exit frees them.
	 */
	xtcp_inetsw_unregister();
	sock_unregister(PF_XTCP);
	/* Waits (synchronize_net) for softirqs inside xtcp_v4_rcv(). */
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
	xtcp_offload_exit();
	xtcp_net_unregister();
	xtcp_proto_unregister();
	xtcp_mem_exit();
	xtcp_tw_cache_exit();
	xtcp_listen_exit();
	xtcp_hash_exit();
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("XTCP: a TCP-like byte stream in socket family AF_XTCP");
/*
 * No MODULE_ALIAS_NETPROTO(): socket(AF_XTCP) by any user would load the
 * module.  It is loaded on purpose, by its administrator.
 */
