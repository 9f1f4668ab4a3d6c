/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lsm.bpf.c counts, in its .bss, and lsm_load prints: shared by the
 * two.  The ports are inet_hooks.sh's.
 */
#ifndef XH_LSM_H
#define XH_LSM_H

#define XH_CONNECT_DENY	7030	/* socket_connect refuses it: EPERM */
#define XH_BIND_DENY	7031	/* socket_bind refuses it: EACCES */
#define XH_REQUEST_DENY	7032	/* inet_conn_request refuses its SYNs */
#define XH_COUNTED	7033	/* the hooks of its connections counted */

struct xh_counts {
	__u64 request;		/* inet_conn_request, listener on XH_COUNTED */
	__u64 request_denied;	/* inet_conn_request refused, XH_REQUEST_DENY */
	__u64 established;	/* inet_conn_established, peer XH_COUNTED */
	__u64 clone;		/* inet_csk_clone, child of XH_COUNTED */
	__u64 graft;		/* sock_graft, child of XH_COUNTED */
	__u64 connect_denied;	/* socket_connect refused */
	__u64 bind_denied;	/* socket_bind refused */
};

#define XH_COUNT_NAMES	"request", "request_denied", "established", \
			"clone", "graft", "connect_denied", "bind_denied"

#endif
