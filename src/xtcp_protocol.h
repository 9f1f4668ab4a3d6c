/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XTCP's private declarations, the one header every part of the module
 * includes (net/mptcp has its protocol.h).  Nothing here is an interface:
 * user programs include <linux/xtcp.h>, and no other kernel component
 * uses XTCP's internals.  One header per concern, in the order a segment
 * meets them:
 *
 *  xtcp_wire.h       the header and options on the wire, checksums,
 *                    sequence arithmetic;
 *  xtcp_net.h        a namespace's counters, knobs and state;
 *  xtcp_mem.h        the machine's memory XTCP holds, and its orphans;
 *  xtcp_cong.h       RTT estimator, RTO and congestion control arithmetic;
 *  xtcp_sock.h       the socket, its segments' control block, its timers;
 *  xtcp_timewait.h   TIME_WAIT entries;
 *  xtcp_hash.h       the tables, lookups and port selection;
 *  xtcp_segment.h    input, ICMP, output and offload;
 *  xtcp_listen.h     the listener and its requests;
 *  xtcp_syncookies.h the SYN cookie codec.
 */
#ifndef _XTCP_PROTOCOL_H
#define _XTCP_PROTOCOL_H

#include "xtcp_wire.h"
#include "xtcp_net.h"
#include "xtcp_mem.h"
#include "xtcp_cong.h"
#include "xtcp_sock.h"
#include "xtcp_timewait.h"
#include "xtcp_hash.h"
#include "xtcp_segment.h"
#include "xtcp_listen.h"
#include "xtcp_syncookies.h"

#endif /* _XTCP_PROTOCOL_H */
