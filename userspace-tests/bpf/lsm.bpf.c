// SPDX-License-Identifier: GPL-2.0
/*
 * BPF LSM programs of inet_hooks.sh: the LSM hooks a stream socket of the
 * inet family meets, refusing or counting what concerns the test's ports
 * (xh_lsm.h), whatever the protocol:
 *
 *   socket_connect	connect() to XH_CONNECT_DENY: EPERM
 *   socket_bind	bind() to XH_BIND_DENY: EACCES
 *   inet_conn_request	a SYN for a listener on XH_REQUEST_DENY: refused
 *			(TCP drops it); on XH_COUNTED: counted
 *   inet_conn_established  the client of XH_COUNTED: counted
 *   inet_csk_clone, sock_graft  the child of XH_COUNTED: counted
 *
 * No vmlinux.h: the two fields read are relocated against the running
 * kernel's BTF (CO-RE), by name.
 */

#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "xh_lsm.h"

#define EPERM		1
#define EACCES		13
#define INET		2	/* AF_INET */

struct sock_common {
	__be16 skc_dport;
	__u16 skc_num;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
} __attribute__((preserve_access_index));

struct socket;
struct sockaddr;
struct sk_buff;
struct request_sock;

struct xh_counts counts;

/* The port of an AF_INET address (host order), or 0. */
static __always_inline int sin_port(const struct sockaddr *a, int len)
{
	struct { __u16 family; __be16 port; } sin = {};

	if (len < (int)sizeof(sin) ||
	    bpf_probe_read_kernel(&sin, sizeof(sin), a) || sin.family != INET)
		return 0;
	return bpf_ntohs(sin.port);
}

SEC("lsm/socket_connect")
int BPF_PROG(xh_socket_connect, struct socket *sock, struct sockaddr *address,
	     int addrlen, int ret)
{
	if (ret)
		return ret;
	if (sin_port(address, addrlen) == XH_CONNECT_DENY) {
		__sync_fetch_and_add(&counts.connect_denied, 1);
		return -EPERM;
	}
	return 0;
}

SEC("lsm/socket_bind")
int BPF_PROG(xh_socket_bind, struct socket *sock, struct sockaddr *address,
	     int addrlen, int ret)
{
	if (ret)
		return ret;
	if (sin_port(address, addrlen) == XH_BIND_DENY) {
		__sync_fetch_and_add(&counts.bind_denied, 1);
		return -EACCES;
	}
	return 0;
}

SEC("lsm/inet_conn_request")
int BPF_PROG(xh_inet_conn_request, const struct sock *sk, struct sk_buff *skb,
	     struct request_sock *req, int ret)
{
	__u16 port = sk->__sk_common.skc_num;

	if (ret)
		return ret;
	if (port == XH_REQUEST_DENY) {
		__sync_fetch_and_add(&counts.request_denied, 1);
		return -EPERM;
	}
	if (port == XH_COUNTED)
		__sync_fetch_and_add(&counts.request, 1);
	return 0;
}

SEC("lsm/inet_conn_established")
int BPF_PROG(xh_inet_conn_established, struct sock *sk, struct sk_buff *skb)
{
	if (sk->__sk_common.skc_dport == bpf_htons(XH_COUNTED))
		__sync_fetch_and_add(&counts.established, 1);
	return 0;
}

SEC("lsm/inet_csk_clone")
int BPF_PROG(xh_inet_csk_clone, struct sock *newsk,
	     const struct request_sock *req)
{
	if (newsk->__sk_common.skc_num == XH_COUNTED)
		__sync_fetch_and_add(&counts.clone, 1);
	return 0;
}

SEC("lsm/sock_graft")
int BPF_PROG(xh_sock_graft, struct sock *sk, struct socket *parent)
{
	if (sk->__sk_common.skc_num == XH_COUNTED)
		__sync_fetch_and_add(&counts.graft, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
