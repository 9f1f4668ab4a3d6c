// SPDX-License-Identifier: GPL-2.0
/*
 * XTCP sockets: the socket family, its socket operations and struct proto:
 * connect, listen and accept, sendmsg and recvmsg (with the send buffer's
 * growth and the receive buffer's autotuning), the socket options, close
 * and the state changes, and what TCP_INFO and sock_diag read.
 *
 * The socket-level calls are the generic inet ones TCP uses (inet_bind,
 * inet_stream_connect, inet_accept, inet_getname, inet_shutdown,
 * inet_sendmsg, inet_recvmsg, inet_ioctl, inet_release), so argument
 * checking and errnos are TCP's.  They call into xtcp_prot below for
 * everything XTCP does itself.  Hooks keyed on the family (SELinux's inet
 * port checks, cgroup-BPF sockaddr programs) skip AF_XTCP; they run for
 * the same socket opened in AF_INET (xtcp_inetsw below).
 *
 * socket(AF_XTCP) accepts SOCK_STREAM with protocol 0 or the XTCP protocol
 * number in force and answers every other combination with the errno
 * inet_create() gives for TCP; socket(AF_INET, SOCK_STREAM, that number)
 * is inet_create()'s, through xtcp_inetsw.  Each socket holds a reference
 * on the module (through proto_ops.owner and proto.owner), so the module
 * cannot be unloaded while one exists, orphans in FIN_WAIT included.
 * TIME_WAIT entries are no sockets and hold none (see xtcp_timewait.c).
 *
 * Lifetime: sk_alloc()'s reference belongs to the protocol and is dropped
 * by xtcp_destroy_sock(), once the socket is closed (TCP_CLOSE), out of
 * every table and orphaned.  Whoever else touches the socket holds a
 * reference of its own: a lookup, a queued timer, close() while it runs.
 */

#include <kunit/visibility.h>
#include <linux/bpf-cgroup.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <linux/tcp.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>
#include "xtcp_protocol.h"
#include <trace/events/xtcp.h>

#define XTCP_MAX_KEEPIDLE	32767	/* TCP's bounds */
#define XTCP_MAX_KEEPINTVL	32767
#define XTCP_MAX_KEEPCNT	127

/*
 * Wake writers once an ACK freed send buffer space: sk_stream_write_space(),
 * which modules cannot call.
 */
static void xtcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !__sk_stream_is_writeable(sk, 1))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/*
 * struct proto's stream_memory_free, below the send buffer's limit: no
 * more is queued while TCP_NOTSENT_LOWAT bytes (or net.xtcp.notsent_lowat)
 * wait unsent; a writer is woken (@wake 1) once half of that is left, as
 * tcp_stream_memory_free() decides.
 */
static bool xtcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 notsent = READ_ONCE(xsk->write_seq) - READ_ONCE(xsk->snd_nxt);
	u32 lowat = READ_ONCE(xsk->notsent_lowat) ? :
		    READ_ONCE(xtcp_sysctl(sk)->notsent_lowat);

	return ((u64)notsent << wake) < lowat;
}

void xtcp_init_sock_common(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	xtcp_init_timers(sk);
	spin_lock_init(&xsk->accept_lock);
	INIT_LIST_HEAD(&xsk->accept_queue);
	INIT_LIST_HEAD(&xsk->child_node);
	skb_queue_head_init(&xsk->ofo_queue);
	xsk->mss_cache = XTCP_DEFAULT_MSS;
	xsk->advmss = XTCP_DEFAULT_MSS;
	sk->sk_write_space = xtcp_write_space;
	/* Software devices only pass it on, none segments it (xtcp_offload.c). */
	sk->sk_gso_type = SKB_GSO_SCTP;
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);
}

/* @win, never more than TCP_WINDOW_CLAMP allows. */
u32 xtcp_window_clamped(const struct sock *sk, u32 win)
{
	u32 clamp = READ_ONCE(xtcp_sk(sk)->window_clamp);

	return clamp ? min(win, clamp) : win;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_window_clamped);

/* The window the whole receive buffer backs, within TCP_WINDOW_CLAMP. */
u32 xtcp_full_window(const struct sock *sk)
{
	return xtcp_window_clamped(sk,
				   xtcp_win_from_space(READ_ONCE(sk->sk_rcvbuf)));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_full_window);

/* The window the free part of the receive buffer backs, clamped. */
u32 xtcp_rcv_wnd_space(const struct sock *sk)
{
	int space = READ_ONCE(sk->sk_rcvbuf) - atomic_read(&sk->sk_rmem_alloc);

	return xtcp_window_clamped(sk, xtcp_win_from_space(space));
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rcv_wnd_space);

/**
 * xtcp_state_store - set sk_state
 * @sk: the socket, locked (or not yet visible to anyone)
 * @state: TCP_*
 *
 * As inet_sk_state_store(): for lockless readers (poll, /proc) too.  A
 * change is traced (xtcp:xtcp_set_state).
 */
void xtcp_state_store(struct sock *sk, int state)
{
	if (sk->sk_state != state)
		trace_xtcp_set_state(sk, sk->sk_state, state);
	/* Pairs with smp_load_acquire() in inet_sk_state_load(). */
	smp_store_release(&sk->sk_state, state);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_state_store);

/**
 * xtcp_set_state - move a socket to a new state
 * @sk: the socket, locked
 * @state: TCP_*
 *
 * Keeps the CurrEstab gauge.  Entering TCP_CLOSE takes the socket out of
 * the lookup tables and gives its port back unless the user bound it.
 */
void xtcp_set_state(struct sock *sk, int state)
{
	struct net *net = sock_net(sk);
	int old = sk->sk_state;

	lockdep_assert(lockdep_sock_is_held(sk));

	if (state == TCP_ESTABLISHED && old != TCP_ESTABLISHED) {
		XTCP_INC_STATS(net, XTCP_MIB_CURRESTAB);
		/* Quick ACKs while the peer's window opens; keepalive. */
		xtcp_sk(sk)->quickacks = XTCP_QUICKACKS;
		xtcp_sk(sk)->cc.sack = xtcp_sk(sk)->sack_ok;
		/* Send buffer for the initial window (tcp_init_buffer_space). */
		xtcp_sndbuf_expand(sk);
		xtcp_state_store(sk, state);
		xtcp_keepalive_arm(sk);
	} else if ((old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT) &&
		   state != TCP_CLOSE_WAIT && state != TCP_ESTABLISHED) {
		XTCP_DEC_STATS(net, XTCP_MIB_CURRESTAB);
	}

	if (state == TCP_CLOSE) {
		xtcp_unhash(sk);
		if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			xtcp_put_port(sk);
	}
	xtcp_state_store(sk, state);
}

static void xtcp_write_queue_purge(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue)))
		xtcp_wmem_free_skb(sk, skb);
	sk->sk_send_head = NULL;
	xtcp_sk(sk)->packets_out = 0;
	xtcp_sk(sk)->lost_out = 0;
	xtcp_sk(sk)->sacked_out = 0;
}

/**
 * xtcp_destroy_sock - free a closed, orphaned socket's resources
 * @sk: the socket, locked, in TCP_CLOSE and SOCK_DEAD
 *
 * Drops the protocol's reference: the caller must hold one of its own.
 */
void xtcp_destroy_sock(struct sock *sk)
{
	lockdep_assert(lockdep_sock_is_held(sk));

	WARN_ON_ONCE(sk->sk_state != TCP_CLOSE);
	WARN_ON_ONCE(!sock_flag(sk, SOCK_DEAD));
	WARN_ON_ONCE(xtcp_sk(sk)->parent);

	xtcp_stop_timers(sk);
	xtcp_unhash(sk);
	xtcp_put_port(sk);
	xtcp_write_queue_purge(sk);
	__skb_queue_purge(&xtcp_sk(sk)->ofo_queue);
	sk_stream_kill_queues(sk);
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
	xtcp_orphan_gone();
	sock_put(sk);
}

/**
 * xtcp_done - a connection ends (reset, timeout, last ACK, TIME_WAIT over)
 * @sk: the socket, locked
 *
 * An orphan is destroyed; a socket the user still holds is left in
 * TCP_CLOSE for its owner to see, and woken.  A child not yet accepted
 * is left in TCP_CLOSE too: as in TCP, it stays in the accept queue, and
 * accept() hands it out with its error (a reset before accept() is
 * ECONNRESET on the first recv(), not a connection that never arrived); a
 * listener that closes first frees it (xtcp_listen_stop()).
 */
void xtcp_done(struct sock *sk)
{
	lockdep_assert(lockdep_sock_is_held(sk));

	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ATTEMPTFAILS);

	xtcp_set_state(sk, TCP_CLOSE);
	xtcp_stop_timers(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (xtcp_sk(sk)->parent)
		return;
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		xtcp_destroy_sock(sk);
}

/* Abort with a reset: linger 0, unread data at close, disconnect. */
static void xtcp_abort(struct sock *sk)
{
	xtcp_send_active_reset(sk, sk->sk_allocation);
	xtcp_set_state(sk, TCP_CLOSE);
	xtcp_stop_timers(sk);
}

/*
 * Close a listener (close(), disconnect, SOCK_DESTROY): it goes to
 * TCP_CLOSE and out of the tables first, so no child joins or leaves the
 * accept queue after the splice (see xtcp_create_child()); then its
 * half-open requests go silently, the connections not yet accepted with a
 * reset.
 */
static void xtcp_listen_stop(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk), *cxsk, *tmp;
	LIST_HEAD(children);
	struct sock *child;

	sock_owned_by_me(sk);
	xtcp_set_state(sk, TCP_CLOSE);
	xtcp_rtx_timer_stop(sk);
	xtcp_synq_free(sk);
	spin_lock_bh(&xsk->accept_lock);
	list_splice_init(&xsk->accept_queue, &children);
	xsk->accept_qlen = 0;
	WRITE_ONCE(sk->sk_ack_backlog, 0);
	spin_unlock_bh(&xsk->accept_lock);

	list_for_each_entry_safe(cxsk, tmp, &children, child_node) {
		child = (struct sock *)cxsk;
		list_del_init(&cxsk->child_node);
		sock_hold(child);
		lock_sock_nested(child, SINGLE_DEPTH_NESTING);
		cxsk->parent = NULL;
		__sock_put(sk);
		xtcp_send_active_reset(child, GFP_KERNEL);
		if (child->sk_state != TCP_CLOSE) {
			xtcp_set_state(child, TCP_CLOSE);
			XTCP_INC_STATS(sock_net(child), XTCP_MIB_LISTENDROPS);
		}
		xtcp_orphan(child);
		xtcp_destroy_sock(child);
		release_sock(child);
		sock_put(child);
	}
}

/**
 * xtcp_diag_destroy - end a socket for sock_diag's SOCK_DESTROY
 * @sk: the socket, referenced by the caller
 * @err: the error its owner sees (ECONNABORTED)
 *
 * As tcp_abort(): a reset to the peer where one is due, the error
 * reported, the socket closed (an orphan freed, as its other ends free
 * it).  A listener's requests go and its children are reset; its owner
 * sees the error, and accept() EINVAL.
 *
 * Return: 0, or -ENOENT when already closed.
 */
int xtcp_diag_destroy(struct sock *sk, int err)
{
	int ret = 0;

	lock_sock(sk);
	switch (sk->sk_state) {
	case TCP_CLOSE:
		ret = -ENOENT;
		goto out;
	case TCP_LISTEN:
		/* As tcp_abort(): its requests go, its children are reset. */
		xtcp_listen_stop(sk);
		break;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_SYN_RECV:
		xtcp_send_active_reset(sk, GFP_KERNEL);
		break;
	}
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
	xtcp_done(sk);
out:
	release_sock(sk);
	return ret;
}

/*
 * RFC 9293 3.10.4 CLOSE: the state after our FIN, and whether to send it.
 */
static bool xtcp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_SYN_RECV:
		xtcp_set_state(sk, TCP_FIN_WAIT1);
		return true;
	case TCP_CLOSE_WAIT:
		xtcp_set_state(sk, TCP_LAST_ACK);
		return true;
	case TCP_SYN_SENT:
		xtcp_set_state(sk, TCP_CLOSE);
		xtcp_stop_timers(sk);
		return false;
	default:
		return false;
	}
}

static void xtcp_shutdown(struct sock *sk, int how)
{
	if (!(how & SEND_SHUTDOWN))
		return;
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_SYN_SENT |
				   TCPF_SYN_RECV | TCPF_CLOSE_WAIT)) {
		if (xtcp_close_state(sk))
			xtcp_send_fin(sk);
	}
}

/* Bytes in the receive queue the user has not read. */
static u32 xtcp_inq(const struct sock *sk)
{
	const struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 n = READ_ONCE(xsk->rcv_nxt) - READ_ONCE(xsk->copied_seq);

	/* The FIN took a sequence number but is no byte. */
	if (n && sock_flag(sk, SOCK_DONE))
		n--;
	return n;
}

/**
 * xtcp_queues - the queues /proc/net/xtcp and sock_diag show, as TCP's
 * @sk: the socket, referenced; its lock need not be held
 * @rx: a listener's connections waiting for accept(), or the bytes
 *	received and not read (a FIN counted, as in TCP)
 * @tx: a listener's backlog, or the bytes sent and not acknowledged
 */
void xtcp_queues(const struct sock *sk, u32 *rx, u32 *tx)
{
	const struct xtcp_sock *xsk = xtcp_sk(sk);

	if (inet_sk_state_load(sk) == TCP_LISTEN) {
		*rx = READ_ONCE(sk->sk_ack_backlog);
		*tx = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	*rx = max_t(int, READ_ONCE(xsk->rcv_nxt) - READ_ONCE(xsk->copied_seq),
		    0);
	*tx = READ_ONCE(xsk->write_seq) - READ_ONCE(xsk->snd_una);
}
EXPORT_SYMBOL_GPL(xtcp_queues);

static void xtcp_close(struct sock *sk, long timeout)
{
	bool unread;
	int state;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (sk->sk_state == TCP_LISTEN) {
		xtcp_listen_stop(sk);
		goto adjudge;
	}

	unread = xtcp_inq(sk) > 0;
	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&xtcp_sk(sk)->ofo_queue);

	if (sk->sk_state == TCP_CLOSE)
		goto adjudge;

	if (unread) {
		/* RFC 9293 3.10.4 and RFC 2525 2.17: unread data, reset. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONDATA);
		xtcp_abort(sk);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONLINGER);
		xtcp_abort(sk);
	} else if (xtcp_close_state(sk)) {
		xtcp_send_fin(sk);
	}

	/* SO_LINGER with a time: wait for our FIN to be acknowledged. */
	sk_stream_wait_close(sk, timeout);

adjudge:
	sock_hold(sk);
	xtcp_orphan(sk);
	if (sk->sk_state != TCP_CLOSE && xtcp_check_oom(sk, 0)) {
		/* As TCP: no room for one more orphan, or for its data. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONMEMORY);
		xtcp_abort(sk);
	}
	state = sk->sk_state;

	if (state == TCP_FIN_WAIT2 && READ_ONCE(xtcp_sk(sk)->linger2) < 0) {
		/* TCP_LINGER2 below 0: no wait for the peer's FIN. */
		XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ABORTONLINGER);
		xtcp_abort(sk);
		state = TCP_CLOSE;
	} else if (state == TCP_FIN_WAIT2) {
		xtcp_state_timer_arm(sk, xtcp_fin_time(sk));
	}
	if (state == TCP_CLOSE)
		xtcp_destroy_sock(sk);

	release_sock(sk);
	sock_put(sk);
}

/* connect(AF_UNSPEC), shutdown() of a connecting or listening socket. */
/*
 * Forget all a connection learnt and agreed, as a new socket starts; the
 * user's options (TCP_MAXSEG, TCP_NODELAY, TCP_CORK, keepalive,
 * TCP_USER_TIMEOUT, TCP_SYNCNT, TCP_LINGER2 and TCP_NOTSENT_LOWAT) stay,
 * as TCP's tcp_disconnect() keeps them; TCP_WINDOW_CLAMP does not.
 */
static void xtcp_reset_conn(struct xtcp_sock *xsk)
{
	xsk->iss = 0;
	xsk->snd_una = 0;
	WRITE_ONCE(xsk->snd_nxt, 0);
	xsk->snd_wnd = 0;
	xsk->snd_wl1 = 0;
	xsk->snd_wl2 = 0;
	WRITE_ONCE(xsk->write_seq, 0);
	xsk->max_window = 0;
	xsk->irs = 0;
	xsk->rcv_nxt = 0;
	xsk->rcv_wnd = 0;
	xsk->rcv_wup = 0;
	xsk->copied_seq = 0;
	xsk->rcvq_space = 0;
	xsk->rcvq_seq = 0;
	xsk->rcvq_time_us = 0;
	xsk->mss_cache = XTCP_DEFAULT_MSS;
	xsk->advmss = XTCP_DEFAULT_MSS;
	xsk->rcv_mss = 0;
	xsk->retransmits = 0;
	xsk->fin_queued = 0;
	xsk->timewait = 0;
	xsk->active_open = 0;
	xsk->ack_pending = 0;
	xsk->rtx_mode = XTCP_TIMER_RTO;
	xsk->quickacks = 0;
	xsk->probes_out = 0;
	xsk->oow_stamp = 0;
	xsk->rto_ns = XTCP_RTO_INIT_NS;
	xsk->rtx_stamp_ns = 0;
	xsk->rcv_stamp_ns = 0;
	xsk->lsnd_ns = 0;
	memset(&xsk->rtt, 0, sizeof(xsk->rtt));
	xtcp_cc_init(&xsk->cc, 0);
	xsk->snd_sml = 0;
	xsk->packets_out = 0;
	xsk->lost_out = 0;
	xsk->sacked_out = 0;
	xsk->wscale_ok = 0;
	xsk->tstamp_ok = 0;
	xsk->sack_ok = 0;
	xsk->snd_wscale = 0;
	xsk->rcv_wscale = 0;
	xsk->ts_offset = 0;
	/* As tcp_disconnect(): the clamp goes with what was learnt. */
	WRITE_ONCE(xsk->window_clamp, 0);
	xsk->ts_recent = 0;
	xsk->ts_recent_stamp = 0;
	xsk->ofo_last = 0;
	xsk->segs_in = 0;
	xsk->segs_out = 0;
	xsk->bytes_acked = 0;
	xsk->bytes_received = 0;
	xsk->total_retrans = 0;
	xsk->rtt_samples = 0;
}

static int xtcp_disconnect(struct sock *sk, int flags)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	int old = sk->sk_state;

	if (old == TCP_LISTEN) {
		xtcp_listen_stop(sk);
	} else if (old != TCP_CLOSE) {
		if (old != TCP_SYN_SENT)
			xtcp_send_active_reset(sk, gfp_any());
		xtcp_set_state(sk, TCP_CLOSE);
		xtcp_stop_timers(sk);
		if (old != TCP_SYN_SENT)
			WRITE_ONCE(sk->sk_err, ECONNRESET);
	}

	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&xsk->ofo_queue);
	xtcp_write_queue_purge(sk);
	inet_sk(sk)->inet_dport = 0;
	inet_sk(sk)->inet_daddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet_reset_saddr(sk);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	xtcp_reset_conn(xsk);
	sk_dst_reset(sk);
	sk_error_report(sk);
	return 0;
}

static int xtcp_get_port(struct sock *sk, unsigned short snum)
{
	return xtcp_bind_port(sk, snum);
}

static int xtcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
		goto out;
	if (sk->sk_state == TCP_LISTEN) {
		/* A new backlog: the SYN queue's bound and size follow. */
		WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
		err = xtcp_synq_alloc(sk);
		goto out;
	}
	if (sk->sk_state != TCP_CLOSE)
		goto out;

	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	WRITE_ONCE(sk->sk_ack_backlog, 0);
	err = xtcp_synq_alloc(sk);
	if (err)
		goto out;
	/* The state first: listening changes who may share the port. */
	xtcp_state_store(sk, TCP_LISTEN);
	err = xtcp_bind_port(sk, inet_sk(sk)->inet_num);
	if (err) {
		xtcp_state_store(sk, TCP_CLOSE);
		xtcp_synq_free(sk);
		goto out;
	}
	inet_sk(sk)->inet_sport = htons(inet_sk(sk)->inet_num);
	sk_dst_reset(sk);
	/* As TCP: a failure leaves the port bound, the socket closed. */
	err = xtcp_hash_listener(sk);
	if (err) {
		xtcp_state_store(sk, TCP_CLOSE);
		xtcp_synq_free(sk);
	}
out:
	release_sock(sk);
	return err;
}

/*
 * Wait for a connection to accept, without the listener's socket lock: a
 * child joining the queue wakes us (sk_data_ready()), as does a shutdown
 * of the listener (sk_state_change()).  0 once one waits, or the error to
 * return.
 */
static int xtcp_wait_for_child(struct sock *sk, long timeo)
{
	DEFINE_WAIT(wait);
	int err;

	for (;;) {
		/* Queued, then looked at: a wake-up after the look is seen. */
		prepare_to_wait_exclusive(sk_sleep(sk), &wait,
					  TASK_INTERRUPTIBLE);
		err = 0;
		if (READ_ONCE(xtcp_sk(sk)->accept_qlen))
			break;
		err = -EINVAL;
		if (inet_sk_state_load(sk) != TCP_LISTEN)
			break;
		err = -EAGAIN;
		if (!timeo)
			break;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			break;
		timeo = schedule_timeout(timeo);
	}
	finish_wait(sk_sleep(sk), &wait);
	return err;
}

/*
 * accept() never takes the listener's socket lock: the accept queue has
 * its own (accept_lock), so SYNs and final ACKs never wait in the
 * listener's backlog for accept(), nor does accept() process them.  A
 * closing listener empties the queue under accept_lock after leaving
 * LISTEN: a child taken before is ours, none is left after.
 */
static struct sock *xtcp_accept(struct sock *sk, struct proto_accept_arg *arg)
{
	struct xtcp_sock *xsk = xtcp_sk(sk), *cxsk = NULL;
	struct sock *child, *parent;
	long timeo;
	int err;

	timeo = sock_rcvtimeo(sk, arg->flags & O_NONBLOCK);
	for (;;) {
		err = xtcp_wait_for_child(sk, timeo);
		if (err)
			goto out_err;
		spin_lock_bh(&xsk->accept_lock);
		cxsk = list_first_entry_or_null(&xsk->accept_queue,
						struct xtcp_sock, child_node);
		if (cxsk) {
			list_del_init(&cxsk->child_node);
			xsk->accept_qlen--;
			sk_acceptq_removed(sk);
		}
		arg->is_empty = !xsk->accept_qlen;
		spin_unlock_bh(&xsk->accept_lock);
		if (cxsk)
			break;
		/* Another thread took it: wait again, or fail at once. */
		if (!timeo) {
			err = -EAGAIN;
			goto out_err;
		}
	}

	child = (struct sock *)cxsk;
	lock_sock(child);
	parent = cxsk->parent;
	cxsk->parent = NULL;
	release_sock(child);
	sock_put(parent);
	return child;

out_err:
	arg->err = err;
	return NULL;
}

static int xtcp_v4_connect(struct sock *sk, struct sockaddr *uaddr,
			   int addr_len)
{
	struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct xtcp_tw_inherit inh = {};
	__be16 orig_sport, orig_dport;
	struct flowi4 *fl4;
	struct rtable *rt;
	int err;

	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;

	orig_sport = inet->inet_sport;
	orig_dport = usin->sin_port;
	fl4 = &inet->cork.fl.u.ip4;
	rt = ip_route_connect(fl4, usin->sin_addr.s_addr, inet->inet_saddr,
			      sk->sk_bound_dev_if, sk->sk_protocol,
			      orig_sport, orig_dport, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}

	if (!inet->inet_saddr)
		inet->inet_saddr = fl4->saddr;
	inet->inet_rcv_saddr = inet->inet_saddr;
	inet->inet_dport = usin->sin_port;
	inet->inet_daddr = fl4->daddr;

	xtcp_state_store(sk, TCP_SYN_SENT);
	err = xtcp_bind_connect_port(sk, &inh);
	if (err)
		goto failure;

	rt = ip_route_newports(fl4, rt, orig_sport, orig_dport,
			       inet->inet_sport, inet->inet_dport, sk);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		rt = NULL;
		goto failure;
	}
	sk_setup_caps(sk, &rt->dst);
	rt = NULL;

	xsk->advmss = xtcp_mss_for_mtu(sk, dst_mtu(__sk_dst_get(sk)));
	if (xsk->user_mss && xsk->user_mss < xsk->advmss)
		xsk->advmss = xsk->user_mss;
	xsk->mss_cache = xsk->advmss;
	xsk->iss = xtcp_isn(inet->inet_saddr, inet->inet_daddr,
			    inet->inet_sport, inet->inet_dport);
	xsk->ts_offset = xtcp_ts_offset(inet->inet_saddr, inet->inet_daddr,
					inet->inet_sport, inet->inet_dport);
	xsk->ts_recent = 0;
	xsk->ts_recent_stamp = 0;
	if (inh.taken) {
		/*
		 * The 4-tuple was a TIME_WAIT entry's (tw_reuse): sequence
		 * numbers past its, our TSval clock carrying on from it.
		 */
		xsk->iss = inh.iss;
		xsk->ts_offset = inh.ts_offset;
		xsk->ts_recent = inh.ts_recent;
		xsk->ts_recent_stamp = inh.ts_recent_stamp;
	}
	xsk->timewait = 0;
	xsk->active_open = 1;
	atomic_set(&inet->inet_id, get_random_u16());
	xsk->retransmits = 0;
	xsk->rto_ns = XTCP_RTO_INIT_NS;
	xsk->fin_queued = 0;
	xsk->rcv_nxt = 0;
	xsk->rcv_wnd = 0;
	xsk->rcv_wup = 0;
	xsk->snd_wnd = 0;
	/* Offered in the SYN; the SYN-ACK says which are agreed. */
	xsk->wscale_ok = !!READ_ONCE(xtcp_sysctl(sk)->window_scaling);
	xsk->rcv_wscale = xsk->wscale_ok ? xtcp_select_wscale(sk) : 0;
	xsk->snd_wscale = 0;
	xsk->tstamp_ok = !!READ_ONCE(xtcp_sysctl(sk)->timestamps);
	xsk->sack_ok = !!READ_ONCE(xtcp_sysctl(sk)->sack);

	XTCP_INC_STATS(sock_net(sk), XTCP_MIB_ACTIVEOPENS);
	err = xtcp_send_syn(sk);
	if (err)
		goto failure;
	return 0;

failure:
	xtcp_set_state(sk, TCP_CLOSE);
	xtcp_stop_timers(sk);
	xtcp_write_queue_purge(sk);
	if (rt)
		ip_rt_put(rt);
	sk_dst_reset(sk);
	sk->sk_route_caps = 0;
	inet->inet_dport = 0;
	inet->inet_daddr = 0;
	/* As TCP: a source the route chose is not kept for the next try. */
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet_reset_saddr(sk);
	return err;
}

/*
 * Room in the send buffer's memory for @copy bytes, or what is left of
 * it (TCP's tcp_wmem_schedule()): when XTCP is over net.xtcp.mem, a
 * socket below wmem[0] (the floor the core applies, the initial
 * namespace's) still gets that much, so it always progresses.
 */
static int xtcp_wmem_schedule(struct sock *sk, int copy)
{
	int left;

	if (likely(sk_wmem_schedule(sk, copy)))
		return copy;
	left = sk_get_wmem0(sk, sk->sk_prot) - sk->sk_wmem_queued;
	if (left > 0)
		xtcp_forced_mem_schedule(sk, min(left, copy), SK_MEM_SEND);
	return max(0, min(copy, sk->sk_forward_alloc));
}

static int xtcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	int flags = msg->msg_flags;
	struct sk_buff *skb;
	size_t copied = 0;
	int err, copy;
	long timeo;

	/* No urgent data (as MPTCP): refused, never sent as ordinary data. */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);

	if ((1 << sk->sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto do_error;
	}
	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);

	err = -EPIPE;
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		goto do_error;

	while (msg_data_left(msg)) {
		struct page_frag *pfrag = sk_page_frag(sk);
		bool merge;
		int i;

		skb = sk->sk_send_head ? skb_peek_tail(&sk->sk_write_queue) :
					 NULL;
		copy = 0;
		if (skb && !(XTCP_SKB_CB(skb)->flags &
			     (XTCP_FLAG_SYN | XTCP_FLAG_FIN)) &&
		    skb_shinfo(skb)->nr_frags < MAX_SKB_FRAGS)
			copy = xsk->mss_cache - skb->len;
		if (copy <= 0) {
			if (!sk_stream_memory_free(sk))
				goto wait_for_space;
			skb = alloc_skb_fclone(XTCP_MAX_HEADER, sk->sk_allocation);
			if (!skb)
				goto wait_for_space;
			/*
			 * An empty queue always takes one (TCP's
			 * tcp_stream_alloc_skb()), so that a writer progresses.
			 */
			if (skb_queue_empty(&sk->sk_write_queue)) {
				xtcp_forced_mem_schedule(sk, skb->truesize,
							 SK_MEM_SEND);
			} else if (!sk_wmem_schedule(sk, skb->truesize)) {
				/* Over net.xtcp.mem: wait as for room. */
				sk->sk_prot->enter_memory_pressure(sk);
				sk_stream_moderate_sndbuf(sk);
				consume_skb(skb);
				goto wait_for_space;
			}
			skb_reserve(skb, XTCP_MAX_HEADER);
			/* The sum is made when it leaves, not while copying. */
			skb->ip_summed = CHECKSUM_PARTIAL;
			XTCP_SKB_CB(skb)->seq = xsk->write_seq;
			XTCP_SKB_CB(skb)->end_seq = xsk->write_seq;
			XTCP_SKB_CB(skb)->flags = 0;
			XTCP_SKB_CB(skb)->sacked = 0;
			__skb_queue_tail(&sk->sk_write_queue, skb);
			xtcp_wmem_charge(sk, skb);
			if (!sk->sk_send_head)
				sk->sk_send_head = skb;
			copy = xsk->mss_cache;
		}
		copy = min_t(size_t, copy, msg_data_left(msg));

		/* The data goes to page fragments, as TCP's does. */
		if (!sk_page_frag_refill(sk, pfrag))
			goto wait_for_space;
		i = skb_shinfo(skb)->nr_frags;
		merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
		copy = min_t(int, copy, pfrag->size - pfrag->offset);
		copy = xtcp_wmem_schedule(sk, copy);
		if (!copy)
			goto wait_for_space;
		err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb,
					       pfrag->page, pfrag->offset,
					       copy);
		if (err)
			goto do_error;
		if (merge) {
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
		} else {
			skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset,
					   copy);
			page_ref_inc(pfrag->page);
		}
		pfrag->offset += copy;
		XTCP_SKB_CB(skb)->end_seq += copy;
		WRITE_ONCE(xsk->write_seq, xsk->write_seq + copy);
		copied += copy;
		continue;

wait_for_space:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		xtcp_push(sk);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;
	}

	skb = skb_peek_tail(&sk->sk_write_queue);
	if (skb && copied)
		XTCP_SKB_CB(skb)->flags |= XTCP_FLAG_PSH;
	xtcp_push(sk);
	release_sock(sk);
	return copied;

do_error:
	/* An empty skb left at the tail would carry nothing. */
	skb = skb_peek_tail(&sk->sk_write_queue);
	if (skb && !skb->len && !XTCP_SKB_CB(skb)->flags) {
		if (skb == sk->sk_send_head)
			sk->sk_send_head = NULL;
		__skb_unlink(skb, &sk->sk_write_queue);
		xtcp_wmem_free_skb(sk, skb);
	}
	if (copied) {
		xtcp_push(sk);
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/* Tell the peer about a window the reader opened (TCP: tcp_cleanup_rbuf). */
void xtcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 now, next;

	if (copied <= 0 || !((1 << sk->sk_state) &
			     (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 |
			      TCPF_FIN_WAIT2)))
		return;
	now = xtcp_receive_window(xsk);
	if (2 * now > XTCP_MAX_WINDOW << xsk->rcv_wscale)
		return;
	next = min(xtcp_rcv_wnd_space(sk), XTCP_MAX_WINDOW << xsk->rcv_wscale);
	if (next && next >= 2 * now && next - now >= xtcp_rcv_mss(xsk))
		xtcp_send_ack(sk);
}

/*
 * Receive buffer autotuning (dynamic right-sizing, as TCP's
 * tcp_rcv_space_adjust()): once an RTT, if the reader took more than in
 * the RTT before, the buffer grows so that the window can carry twice
 * what it took, and more while its rate still rises; never beyond
 * net.xtcp.rmem's maximum, never when SO_RCVBUF fixed it nor while XTCP
 * is under memory pressure.  The RTT is the estimator's, at least a
 * millisecond (TCP's from timestamps is as coarse).
 */
void xtcp_rcv_space_adjust(struct sock *sk)
{
	u64 now = div_u64(ktime_get_ns(), NSEC_PER_USEC), rcvwin;
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 rtt = max_t(u32, xsk->rtt.srtt_us, USEC_PER_MSEC);
	u32 copied, space = xsk->rcvq_space;
	int rcvbuf;

	sock_owned_by_me(sk);
	if (!xsk->rcvq_time_us) {
		/* The first measure: at most the window or an initial one. */
		xsk->rcvq_space = min_t(u32, xsk->rcv_wnd,
					XTCP_INIT_CWND * xsk->advmss);
		goto new_measure;
	}
	if (now - xsk->rcvq_time_us < rtt)
		return;
	copied = xsk->copied_seq - xsk->rcvq_seq;
	if (copied <= space)
		goto new_measure;

	if (READ_ONCE(xtcp_sysctl(sk)->moderate_rcvbuf) &&
	    !(sk->sk_userlocks & SOCK_RCVBUF_LOCK) &&
	    !sk_under_memory_pressure(sk)) {
		rcvwin = ((u64)copied << 1) + 16ULL * xsk->advmss;
		/* Faster than the RTT before: more, as the rate rises. */
		rcvwin += div_u64(rcvwin * (copied - space), max(space, 1U)) << 1;
		rcvbuf = min_t(u64, xtcp_space_from_win(rcvwin),
			       READ_ONCE(xtcp_sysctl(sk)->rmem[2]));
		if (rcvbuf > READ_ONCE(sk->sk_rcvbuf))
			WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
	}
	xsk->rcvq_space = copied;
new_measure:
	xsk->rcvq_seq = xsk->copied_seq;
	xsk->rcvq_time_us = now;
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_rcv_space_adjust);

/*
 * Send buffer growth with the congestion window, as TCP's
 * tcp_sndbuf_expand(): room for twice the window (or the initial window)
 * of full segments with their skb overhead, up to net.xtcp.wmem's
 * maximum, unless SO_SNDBUF fixed it.
 */
void xtcp_sndbuf_expand(struct sock *sk)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 per_mss, segs;
	u64 sndmem;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	per_mss = SKB_TRUESIZE(XTCP_MAX_HEADER) + xsk->mss_cache;
	segs = max_t(u32, XTCP_INIT_CWND, xsk->cc.cwnd);
	sndmem = min_t(u64, 2ULL * segs * per_mss,
		       READ_ONCE(xtcp_sysctl(sk)->wmem[2]));
	if (sndmem > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, sndmem);
}
EXPORT_SYMBOL_IF_KUNIT(xtcp_sndbuf_expand);

static int xtcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			int flags, int *addr_len)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	int copied = 0, target, err;
	u32 peek_seq, *seq, offset;
	struct sk_buff *skb, *last;
	size_t used;
	long timeo;

	if (unlikely(flags & MSG_ERRQUEUE))
		return inet_recv_error(sk, msg, len, addr_len);

	lock_sock(sk);
	err = -ENOTCONN;
	if (sk->sk_state == TCP_LISTEN)
		goto out;
	/* Never urgent data to read: TCP's answer when none is pending. */
	err = -EINVAL;
	if (flags & MSG_OOB)
		goto out;

	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	seq = &xsk->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = xsk->copied_seq;
		seq = &peek_seq;
	}

	do {
		/*
		 * Another reader took data while a peek slept: go on from
		 * what is left, or the peek would look for data that is gone
		 * and wait for ever.  As TCP, an application's race.
		 */
		if ((flags & MSG_PEEK) && peek_seq - copied != xsk->copied_seq) {
			net_dbg_ratelimited("XTCP(%s:%d): application bug, race in MSG_PEEK\n",
					    current->comm,
					    task_pid_nr(current));
			peek_seq = xsk->copied_seq;
		}
		last = skb_peek_tail(&sk->sk_receive_queue);
		skb_queue_walk(&sk->sk_receive_queue, skb) {
			offset = *seq - XTCP_SKB_CB(skb)->seq;
			if (offset < skb->len)
				goto found;
		}

		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		if (copied) {
			if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
			    signal_pending(current))
				break;
		} else {
			if (sock_flag(sk, SOCK_DONE))
				break;
			if (sk->sk_err) {
				copied = sock_error(sk);
				break;
			}
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (sk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		if (copied >= target) {
			/*
			 * Enough is copied: never sleep for more, only take
			 * in what waits in the backlog (TCP does the same).
			 */
			sk_flush_backlog(sk);
			continue;
		}
		xtcp_cleanup_rbuf(sk, copied);
		sk_wait_data(sk, &timeo, last);
		continue;

found:
		used = min_t(size_t, skb->len - offset, len);
		err = skb_copy_datagram_msg(skb, offset, msg, used);
		if (err) {
			if (!copied)
				copied = -EFAULT;
			break;
		}
		*seq += used;
		copied += used;
		len -= used;
		if (!(flags & MSG_PEEK) && offset + used >= skb->len)
			sk_eat_skb(sk, skb);
	} while (len > 0);

	if (copied > 0 && !(flags & MSG_PEEK))
		xtcp_rcv_space_adjust(sk);
	xtcp_cleanup_rbuf(sk, copied);
	release_sock(sk);
	return copied;
out:
	release_sock(sk);
	return err;
}

static int xtcp_ioctl(struct sock *sk, int cmd, int *karg)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	bool slow;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		slow = lock_sock_fast(sk);
		*karg = xtcp_inq(sk);
		unlock_sock_fast(sk, slow);
		return 0;
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		/* As TCP: no byte queued during the handshake, the SYN none. */
		if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))
			*karg = 0;
		else if (cmd == SIOCOUTQ)
			*karg = READ_ONCE(xsk->write_seq) -
				READ_ONCE(xsk->snd_una);
		else
			*karg = READ_ONCE(xsk->write_seq) -
				READ_ONCE(xsk->snd_nxt);
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

static bool xtcp_sol(int level)
{
	return level == SOL_TCP || level == SOL_XTCP;
}

/*
 * TCP_CONGESTION reads XTCP_CA_NAME and takes only it: another fails as
 * TCP fails for an algorithm it does not have.
 */
static int xtcp_set_congestion(sockptr_t optval, unsigned int optlen)
{
	char name[TCP_CA_NAME_MAX];
	long n;

	if (optlen < 1)
		return -EINVAL;
	n = strncpy_from_sockptr(name, optval,
				 min_t(long, TCP_CA_NAME_MAX - 1, optlen));
	if (n < 0)
		return -EFAULT;
	name[n] = 0;
	return strcmp(name, XTCP_CA_NAME) ? -ENOENT : 0;
}

static int xtcp_setsockopt(struct sock *sk, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	int val, err = 0;

	if (level == SOL_IP)
		return ip_setsockopt(sk, level, optname, optval, optlen);
	if (!xtcp_sol(level))
		return -ENOPROTOOPT;
	if (optname == TCP_CONGESTION)
		return xtcp_set_congestion(optval, optlen);
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		xsk->nodelay = !!val;
		/* As TCP: what is queued goes now, corked or not. */
		if (val)
			__xtcp_push(sk, true);
		break;
	case TCP_MAXSEG:
		/* TCP's bounds: TCP_MIN_MSS and MAX_TCP_WINDOW. */
		if (val && (val < 88 || val > 32767))
			err = -EINVAL;
		else
			xsk->user_mss = val;
		break;
	case TCP_CORK:
		xsk->corked = !!val;
		if (!val)
			xtcp_push(sk);
		break;
	case TCP_QUICKACK:
		/* As TCP: on, ACK at once for a while (and now). */
		if (val) {
			xsk->quickacks = XTCP_QUICKACKS;
			if (xsk->ack_pending &&
			    ((1 << sk->sk_state) & (TCPF_ESTABLISHED |
						    TCPF_FIN_WAIT1 |
						    TCPF_FIN_WAIT2)))
				xtcp_send_ack(sk);
		} else {
			xsk->quickacks = 0;
		}
		break;
	case TCP_USER_TIMEOUT:
		/* TCP's rule: negative values are invalid. */
		if (val < 0)
			err = -EINVAL;
		else
			xsk->user_timeout = val;
		break;
	case TCP_KEEPIDLE:
		if (val < 1 || val > XTCP_MAX_KEEPIDLE) {
			err = -EINVAL;
		} else {
			xsk->keepidle = val;
			/* As TCP: the idle wait restarts with the new value. */
			xtcp_keepalive_arm(sk);
		}
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > XTCP_MAX_KEEPINTVL)
			err = -EINVAL;
		else
			xsk->keepintvl = val;
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > XTCP_MAX_KEEPCNT)
			err = -EINVAL;
		else
			xsk->keepcnt = val;
		break;
	case TCP_SYNCNT:
		if (val < 1 || val > MAX_TCP_SYNCNT)
			err = -EINVAL;
		else
			WRITE_ONCE(xsk->syn_retries, val);
		break;
	case TCP_LINGER2:
		/* As TCP: below 0 resets, above the maximum is the maximum. */
		if (val < 0)
			WRITE_ONCE(xsk->linger2, -1);
		else if (val > TCP_FIN_TIMEOUT_MAX / HZ)
			WRITE_ONCE(xsk->linger2, TCP_FIN_TIMEOUT_MAX);
		else
			WRITE_ONCE(xsk->linger2, val * HZ);
		break;
	case TCP_WINDOW_CLAMP:
		/*
		 * As TCP: 0 (no clamp) only before a connection; at least
		 * half the smallest receive buffer, the value taken unsigned.
		 */
		if (!val && sk->sk_state != TCP_CLOSE)
			err = -EINVAL;
		else if (!val)
			WRITE_ONCE(xsk->window_clamp, 0);
		else
			WRITE_ONCE(xsk->window_clamp,
				   max_t(u32, val, SOCK_MIN_RCVBUF / 2));
		break;
	case TCP_NOTSENT_LOWAT:
		WRITE_ONCE(xsk->notsent_lowat, val);
		sk->sk_write_space(sk);
		break;
	case TCP_DEFER_ACCEPT:
		/* As TCP: seconds, kept as the SYN-ACK timeouts they cover. */
		WRITE_ONCE(xsk->defer_accept,
			   xtcp_defer_to_timeouts(val));
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

/*
 * Segments presumed lost that the peer has neither acknowledged nor
 * SACKed, resent or not: tcpi_lost's meaning.  lost_out counts only
 * those not yet resent, which is what the pipe needs but lasts no
 * longer than the wait for the congestion window.
 */
static u32 xtcp_lost_unacked(const struct sock *sk)
{
	struct sk_buff *skb;
	u32 n = 0;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		u8 marks = XTCP_SKB_CB(skb)->sacked;

		if (skb == sk->sk_send_head)
			break;
		if (!(marks & XTCP_SKB_SACKED) &&
		    (marks & (XTCP_SKB_LOST | XTCP_SKB_RXT_OUT)))
			n++;
	}
	return n;
}

/*
 * TCP_WINDOW_CLAMP as TCP reads it: the clamp set, or once a connection
 * is under way the largest window the socket could offer now.
 */
static u32 xtcp_window_clamp(const struct sock *sk)
{
	const struct xtcp_sock *xsk = xtcp_sk(sk);
	u32 clamp = READ_ONCE(xsk->window_clamp);

	if (clamp || ((1 << inet_sk_state_load(sk)) &
		      (TCPF_CLOSE | TCPF_LISTEN)))
		return clamp;
	return min(xtcp_full_window(sk),
		   XTCP_MAX_WINDOW << READ_ONCE(xsk->rcv_wscale));
}

/* XTCP_INFO's snapshot, the socket owned by the caller. */
static void __xtcp_get_info(struct sock *sk, struct xtcp_info *info)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);

	sock_owned_by_me(sk);
	memset(info, 0, sizeof(*info));
	info->xtcpi_state = sk->sk_state;
	info->xtcpi_retransmits = xsk->retransmits;
	info->xtcpi_snd_mss = xsk->mss_cache;
	info->xtcpi_rcv_mss = xsk->advmss;
	info->xtcpi_iss = xsk->iss;
	info->xtcpi_irs = xsk->irs;
	info->xtcpi_snd_una = xsk->snd_una;
	info->xtcpi_snd_nxt = xsk->snd_nxt;
	info->xtcpi_snd_wnd = xsk->snd_wnd;
	info->xtcpi_rcv_nxt = xsk->rcv_nxt;
	info->xtcpi_rcv_wnd = xsk->rcv_wnd;
	info->xtcpi_rto_us = div_u64(xsk->rto_ns, NSEC_PER_USEC);
	info->xtcpi_rtt_us = xsk->rtt.srtt_us;
	info->xtcpi_rttvar_us = xsk->rtt.rttvar_us;
	info->xtcpi_snd_cwnd = xsk->cc.cwnd;
	info->xtcpi_snd_ssthresh = xsk->cc.ssthresh;
	info->xtcpi_ca_state = xsk->cc.state;
	info->xtcpi_probes = xsk->probes_out;
	info->xtcpi_packets_out = xsk->packets_out;
	info->xtcpi_ato_us = div_u64(XTCP_DELACK_NS, NSEC_PER_USEC);
	info->xtcpi_rtt_samples = xsk->rtt_samples;
	info->xtcpi_sacked = xsk->sacked_out;
	info->xtcpi_lost = xtcp_lost_unacked(sk);
	info->xtcpi_notsent_bytes = xsk->write_seq - xsk->snd_nxt;
	if (sk->sk_state != TCP_LISTEN && sk->sk_state != TCP_SYN_SENT &&
	    sk->sk_state != TCP_CLOSE) {
		info->xtcpi_options =
			(xsk->tstamp_ok ? XTCPI_OPT_TIMESTAMPS : 0) |
			(xsk->sack_ok ? XTCPI_OPT_SACK : 0) |
			(xsk->wscale_ok ? XTCPI_OPT_WSCALE : 0);
		info->xtcpi_snd_wscale = xsk->snd_wscale;
		info->xtcpi_rcv_wscale = xsk->rcv_wscale;
	}
	info->xtcpi_segs_in = xsk->segs_in;
	info->xtcpi_segs_out = xsk->segs_out;
	info->xtcpi_bytes_acked = xsk->bytes_acked;
	info->xtcpi_bytes_received = xsk->bytes_received;
	info->xtcpi_total_retrans = xsk->total_retrans;
	if (sk->sk_state != TCP_LISTEN)
		info->xtcpi_unacked = xsk->snd_nxt - xsk->snd_una;
}

/**
 * xtcp_get_info - XTCP_INFO's snapshot of a socket
 * @sk: the socket, referenced, not locked (this takes its lock)
 * @info: filled in; fields without a meaning in @sk's state are zero
 */
void xtcp_get_info(struct sock *sk, struct xtcp_info *info)
{
	lock_sock(sk);
	__xtcp_get_info(sk, info);
	release_sock(sk);
}
EXPORT_SYMBOL_GPL(xtcp_get_info);

/*
 * getsockopt(SOL_TCP, TCP_INFO): XTCP_INFO in Linux TCP's structure, for
 * the programs that read it (iperf3 for retransmissions and RTT, ss).
 * Fields without a meaning here stay zero.  As Linux TCP counts them,
 * bytes_acked includes our FIN once acknowledged, and our SYN on the side
 * that connected (an accepted socket starts past its SYN-ACK's).
 */
static void xtcp_get_tcp_info(struct sock *sk, struct tcp_info *ti)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	static const u8 ca_state[] = {
		[XTCP_CA_OPEN] = TCP_CA_Open,
		[XTCP_CA_DISORDER] = TCP_CA_Disorder,
		[XTCP_CA_RECOVERY] = TCP_CA_Recovery,
		[XTCP_CA_LOSS] = TCP_CA_Loss,
	};
	struct xtcp_info xi;
	u32 syn_fin = 0;

	lock_sock(sk);
	__xtcp_get_info(sk, &xi);
	if (xsk->active_open && xsk->snd_una != xsk->iss)
		syn_fin++;
	if (xsk->fin_queued && xsk->snd_una == xsk->write_seq)
		syn_fin++;
	release_sock(sk);
	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = xi.xtcpi_state;
	if (xi.xtcpi_ca_state < ARRAY_SIZE(ca_state))
		ti->tcpi_ca_state = ca_state[xi.xtcpi_ca_state];
	ti->tcpi_retransmits = min_t(u32, xi.xtcpi_retransmits, U8_MAX);
	ti->tcpi_probes = xi.xtcpi_probes;
	ti->tcpi_backoff = ti->tcpi_retransmits;
	/* TCPI_OPT_* have XTCPI_OPT_*'s values. */
	ti->tcpi_options = xi.xtcpi_options;
	ti->tcpi_snd_wscale = xi.xtcpi_snd_wscale;
	ti->tcpi_rcv_wscale = xi.xtcpi_rcv_wscale;
	ti->tcpi_rto = xi.xtcpi_rto_us;
	ti->tcpi_ato = xi.xtcpi_ato_us;
	ti->tcpi_snd_mss = xi.xtcpi_snd_mss;
	ti->tcpi_rcv_mss = xtcp_rcv_mss(xsk);
	ti->tcpi_advmss = xi.xtcpi_rcv_mss;
	ti->tcpi_unacked = xi.xtcpi_packets_out;
	ti->tcpi_sacked = xi.xtcpi_sacked;
	ti->tcpi_lost = xi.xtcpi_lost;
	ti->tcpi_rtt = xi.xtcpi_rtt_us;
	ti->tcpi_rttvar = xi.xtcpi_rttvar_us;
	ti->tcpi_snd_ssthresh = xi.xtcpi_snd_ssthresh;
	ti->tcpi_snd_cwnd = xi.xtcpi_snd_cwnd;
	ti->tcpi_reordering = XTCP_DUPACK_THRESH;
	ti->tcpi_total_retrans = xi.xtcpi_total_retrans;
	ti->tcpi_bytes_acked = xi.xtcpi_bytes_acked + syn_fin;
	ti->tcpi_bytes_received = xi.xtcpi_bytes_received;
	ti->tcpi_segs_out = xi.xtcpi_segs_out;
	ti->tcpi_segs_in = xi.xtcpi_segs_in;
	ti->tcpi_snd_wnd = xi.xtcpi_snd_wnd;
	ti->tcpi_rcv_wnd = xi.xtcpi_rcv_wnd;
	ti->tcpi_notsent_bytes = xi.xtcpi_notsent_bytes;
}

static int xtcp_getsockopt(struct sock *sk, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	struct xtcp_sock *xsk = xtcp_sk(sk);
	struct tcp_info tinfo;
	struct xtcp_info info;
	int val, len;

	if (level == SOL_IP)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (!xtcp_sol(level))
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case TCP_NODELAY:
		val = xsk->nodelay;
		break;
	case TCP_MAXSEG:
		val = READ_ONCE(xsk->mss_cache);
		if (xsk->user_mss &&
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			val = xsk->user_mss;
		break;
	case TCP_CORK:
		val = xsk->corked;
		break;
	case TCP_QUICKACK:
		val = !!READ_ONCE(xsk->quickacks);
		break;
	case TCP_USER_TIMEOUT:
		val = READ_ONCE(xsk->user_timeout);
		break;
	case TCP_KEEPIDLE:
		val = xtcp_keepidle_s(sk);
		break;
	case TCP_KEEPINTVL:
		val = xtcp_keepintvl_s(sk);
		break;
	case TCP_KEEPCNT:
		val = xtcp_keepcnt(sk);
		break;
	case TCP_SYNCNT:
		val = xtcp_syn_retries(sk);
		break;
	case TCP_DEFER_ACCEPT:
		val = READ_ONCE(xsk->defer_accept);
		val = xtcp_defer_to_secs(val);
		break;
	case TCP_LINGER2:
		val = READ_ONCE(xsk->linger2);
		if (val >= 0)
			val = (val ? : READ_ONCE(xtcp_sysctl(sk)->fin_timeout)) / HZ;
		break;
	case TCP_WINDOW_CLAMP:
		val = xtcp_window_clamp(sk);
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(xsk->notsent_lowat);
		break;
	case TCP_CONGESTION:
		len = min_t(unsigned int, len, TCP_CA_NAME_MAX);
		if (put_user(len, optlen) ||
		    copy_to_user(optval, XTCP_CA_NAME,
				 min_t(unsigned int, len, sizeof(XTCP_CA_NAME))))
			return -EFAULT;
		if (len > sizeof(XTCP_CA_NAME) &&
		    clear_user(optval + sizeof(XTCP_CA_NAME),
			       len - sizeof(XTCP_CA_NAME)))
			return -EFAULT;
		return 0;
	case XTCP_INFO:		/* TCP_INFO: the same number, 11 */
		if (level == SOL_TCP) {
			xtcp_get_tcp_info(sk, &tinfo);
			len = min_t(unsigned int, len, sizeof(tinfo));
			if (put_user(len, optlen) ||
			    copy_to_user(optval, &tinfo, len))
				return -EFAULT;
			return 0;
		}
		xtcp_get_info(sk, &info);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	default:
		return -ENOPROTOOPT;
	}

	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static __poll_t xtcp_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);

	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return READ_ONCE(xtcp_sk(sk)->accept_qlen) ?
		       EPOLLIN | EPOLLRDNORM : 0;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		if (xtcp_inq(sk) >= sock_rcvlowat(sk, 0, INT_MAX) ||
		    (xtcp_inq(sk) && (shutdown & RCV_SHUTDOWN)))
			mask |= EPOLLIN | EPOLLRDNORM;

		if (!(shutdown & SEND_SHUTDOWN)) {
			/* As tcp_poll(): TCP_NOTSENT_LOWAT's half, as a wake-up. */
			if (__sk_stream_is_writeable(sk, 1)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Race with an ACK freeing space: look again. */
				smp_mb__after_atomic();
				if (__sk_stream_is_writeable(sk, 1))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}

	/* Pairs with the write of sk_err in the receive path. */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

/*
 * struct proto's init: what a new socket needs beyond what its family's
 * create gave it, for xtcp_create() (AF_XTCP) and inet_create() (AF_INET)
 * alike.
 */
/*
 * The socket's last reference is gone (both families): it leaves the
 * count of sockets, then inet_sock_destruct() frees its cached route and
 * IP options and checks that every queue and charge is back to zero.
 */
static void xtcp_sock_destruct(struct sock *sk)
{
	sk_sockets_allocated_dec(sk);
	inet_sock_destruct(sk);
}

static int xtcp_init_sock(struct sock *sk)
{
	xtcp_init_sock_common(sk);
	/* Counted while it exists; a child is counted by sk_clone_lock(). */
	sk_sockets_allocated_inc(sk);
	sk->sk_destruct = xtcp_sock_destruct;
	/* Buffers start from net.xtcp.wmem and rmem, as tcp_init_sock(). */
	sk->sk_sndbuf = READ_ONCE(xtcp_sysctl(sk)->wmem[1]);
	sk->sk_rcvbuf = READ_ONCE(xtcp_sysctl(sk)->rmem[1]);
	/* The "sockets" column of /proc/net/protocols. */
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
	return 0;
}

/*
 * struct proto's destroy, which only sk_common_release() calls: when
 * inet_create() gives up on a socket after init (a cgroup program
 * refused it).  It was never connected nor bound, so in no table.
 */
static void xtcp_destroy_new(struct sock *sk)
{
	sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
}

/*
 * struct proto's pre_connect, for AF_INET sockets: the cgroup-BPF connect
 * programs may look at and rewrite the address, as tcp_v4_pre_connect().
 */
static int xtcp_pre_connect(struct sock *sk, struct sockaddr *uaddr,
			    int addr_len)
{
	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	sock_owned_by_me(sk);
	return BPF_CGROUP_RUN_PROG_INET4_CONNECT(sk, uaddr, &addr_len);
}

struct proto xtcp_prot = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.close		= xtcp_close,
	.connect	= xtcp_v4_connect,
	.disconnect	= xtcp_disconnect,
	.accept		= xtcp_accept,
	.ioctl		= xtcp_ioctl,
	.shutdown	= xtcp_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= xtcp_sendmsg,
	.recvmsg	= xtcp_recvmsg,
	.backlog_rcv	= xtcp_v4_do_rcv,
	.release_cb	= xtcp_release_cb,
	.init		= xtcp_init_sock,
	.destroy	= xtcp_destroy_new,
	.pre_connect	= xtcp_pre_connect,
	.diag_destroy	= xtcp_diag_destroy,
	.unhash		= xtcp_unhash,
	.keepalive	= xtcp_keepalive,
	.stream_memory_free = xtcp_stream_memory_free,
	.enter_memory_pressure = xtcp_enter_memory_pressure,
	.leave_memory_pressure = xtcp_leave_memory_pressure,
	.memory_allocated = &xtcp_memory_allocated,
	.per_cpu_fw_alloc = &xtcp_memory_per_cpu_fw_alloc,
	.sockets_allocated = &xtcp_sockets_allocated,
	.memory_pressure = &xtcp_memory_pressure,
	.sysctl_mem	= sysctl_xtcp_mem,
	.get_port	= xtcp_get_port,
	.put_port	= xtcp_put_port,
	.no_autobind	= true,
	.obj_size	= sizeof(struct xtcp_sock),
};

/* The socket calls, the same in both families but for .family. */
#define XTCP_STREAM_OPS(fam) {						\
	.family		= (fam),					\
	.owner		= THIS_MODULE,					\
	.release	= inet_release,					\
	.bind		= inet_bind,					\
	.connect	= inet_stream_connect,				\
	.socketpair	= sock_no_socketpair,				\
	.accept		= inet_accept,					\
	.getname	= inet_getname,					\
	.poll		= xtcp_poll,					\
	.ioctl		= inet_ioctl,					\
	.listen		= xtcp_listen,					\
	.shutdown	= inet_shutdown,				\
	.setsockopt	= sock_common_setsockopt,			\
	.getsockopt	= sock_common_getsockopt,			\
	.sendmsg	= inet_sendmsg,					\
	.recvmsg	= inet_recvmsg,					\
	.mmap		= sock_no_mmap,					\
}

static const struct proto_ops xtcp_stream_ops = XTCP_STREAM_OPS(PF_XTCP);

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
	sk->sk_backlog_rcv = sk->sk_prot->backlog_rcv;

	/* sk_alloc() zeroed the rest; sock_init_data() set TCP_CLOSE. */
	inet = inet_sk(sk);
	inet->uc_ttl = -1;
	inet->mc_ttl = 1;
	/* Path MTU discovery, DF set, as inet_create() gives TCP. */
	inet->pmtudisc = READ_ONCE(net->ipv4.sysctl_ip_no_pmtu_disc) ?
			 IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
	return xtcp_init_sock(sk);
}

const struct net_proto_family xtcp_family_ops = {
	.family	= PF_XTCP,
	.create	= xtcp_create,
	.owner	= THIS_MODULE,
};

static const struct proto_ops xtcp_inet_stream_ops = XTCP_STREAM_OPS(PF_INET);

/*
 * socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP): inet_create() finds this
 * entry by its protocol (the one in force, see the module parameter
 * ipproto), never for protocol 0, which stays TCP's.
 */
static struct inet_protosw xtcp_inetsw = {
	.type		= SOCK_STREAM,
	.prot		= &xtcp_prot,
	.ops		= &xtcp_inet_stream_ops,
};

int xtcp_proto_register(void)
{
	return proto_register(&xtcp_prot, 1);
}

void xtcp_proto_unregister(void)
{
	proto_unregister(&xtcp_prot);
}

/*
 * After xtcp_proto_register(): AF_INET sockets of protocol @protocol.  It
 * cannot be one of the permanent entries (TCP's): inet_add_protocol()
 * refused those numbers before, as their handlers are taken.
 */
void xtcp_inetsw_register(u8 protocol)
{
	xtcp_inetsw.protocol = protocol;
	inet_register_protosw(&xtcp_inetsw);
}

void xtcp_inetsw_unregister(void)
{
	inet_unregister_protosw(&xtcp_inetsw);
}
