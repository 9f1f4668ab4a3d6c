// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sockets: the socket family, its socket operations and struct proto.
 *
 * socket() accepts SOCK_STREAM with protocol 0 or the XTCP protocol number
 * in force and answers every other combination with the errno inet_create()
 * gives for TCP.  Each socket holds a reference on the module (through
 * proto_ops.owner and proto.owner), so the module cannot be unloaded while
 * one exists.
 */

#include <linux/module.h>
#include <linux/net.h>
#include <linux/sockios.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <net/xtcp.h>

static struct proto xtcp_prot;

static void xtcp_close(struct sock *sk, long timeout)
{
	sock_prot_inuse_add(sock_net(sk), &xtcp_prot, -1);

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sk->sk_state = TCP_CLOSE;
	sock_orphan(sk);
	release_sock(sk);

	sock_put(sk);
}

static struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.close		= xtcp_close,
	.obj_size	= sizeof(struct xtcp_sock),
};

static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;

	sk->sk_prot->close(sk, 0);
	sock->sk = NULL;
	return 0;
}

/*
 * Device ioctls (SIOCGIFADDR and the like) are left to the generic code,
 * as on a TCP socket; no XTCP ioctl exists yet.
 */
static int xtcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	return -ENOIOCTLCMD;
}

static const struct proto_ops xtcp_stream_ops = {
	.family		= PF_XTCP,
	.owner		= THIS_MODULE,
	.release	= xtcp_release,
	.bind		= sock_no_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= sock_no_getname,
	.ioctl		= xtcp_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

static int xtcp_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct inet_sock *inet;
	struct sock *sk;

	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != xtcp_ipproto)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, PF_XTCP, GFP_KERNEL, &xtcp_prot, kern);
	if (!sk)
		return -ENOMEM;

	sock->state = SS_UNCONNECTED;
	sock->ops = &xtcp_stream_ops;
	sock_init_data(sock, sk);
	sk->sk_protocol = xtcp_ipproto;

	/* sk_alloc() zeroed the rest; sock_init_data() set TCP_CLOSE. */
	inet = inet_sk(sk);
	inet->uc_ttl = -1;
	inet->mc_ttl = 1;

	/* The "sockets" column of /proc/net/protocols. */
	sock_prot_inuse_add(net, &xtcp_prot, 1);
	return 0;
}

const struct net_proto_family xtcp_family_ops = {
	.family	= PF_XTCP,
	.create	= xtcp_create,
	.owner	= THIS_MODULE,
};

int xtcp_proto_register(void)
{
	return proto_register(&xtcp_prot, 1);
}

void xtcp_proto_unregister(void)
{
	proto_unregister(&xtcp_prot);
}
