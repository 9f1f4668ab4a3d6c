// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup-BPF programs of inet_hooks.sh, for stream sockets of processes in
 * the cgroup they are attached to (the ports are the test's):
 *
 *   cgroup/connect4	connect() to port 7000 goes to 7001 instead; to
 *			7002 is refused (EPERM)
 *   cgroup/bind4	bind() to port 7010 binds 7011 instead; to 7012 is
 *			refused (EPERM)
 *   cgroup/sock_create	every stream socket is refused (EPERM), for a
 *			cgroup of its own
 *
 * The kernel runs these for sockets of the inet families only (AF_INET,
 * AF_INET6), whatever their protocol.
 */

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define STREAM		1	/* SOCK_STREAM */

#define CONNECT_FROM	7000
#define CONNECT_TO	7001
#define CONNECT_DENY	7002
#define BIND_FROM	7010
#define BIND_TO		7011
#define BIND_DENY	7012

SEC("cgroup/connect4")
int xh_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->type != STREAM)
		return 1;
	if (ctx->user_port == bpf_htons(CONNECT_DENY))
		return 0;
	if (ctx->user_port == bpf_htons(CONNECT_FROM))
		ctx->user_port = bpf_htons(CONNECT_TO);
	return 1;
}

SEC("cgroup/bind4")
int xh_bind4(struct bpf_sock_addr *ctx)
{
	if (ctx->type != STREAM)
		return 1;
	if (ctx->user_port == bpf_htons(BIND_DENY))
		return 0;
	if (ctx->user_port == bpf_htons(BIND_FROM))
		ctx->user_port = bpf_htons(BIND_TO);
	return 1;
}

SEC("cgroup/sock_create")
int xh_sock_create(struct bpf_sock *ctx)
{
	return ctx->type != STREAM;
}

char _license[] SEC("license") = "GPL";
