// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-bench: a packet capture on one interface, as tcpdump makes it: an
 * AF_PACKET socket bound to the interface, each packet stamped by the
 * kernel (SO_TIMESTAMPNS) when the device hands it to the taps: a packet
 * sent, in dev_queue_xmit_nit() as the driver gets it; a packet received,
 * when it enters the stack.  A thread of its own, moved into the
 * namespace, reads the packets into memory; capture_stop() saves them as
 * pcap (LINKTYPE_RAW, nanoseconds), which
 * `tshark -r FILE -d ip.proto==253,tcp` decodes.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define SNAPLEN		128
#define LINKTYPE_RAW	101

struct rec {
	struct pkt p;
	uint32_t caplen, origlen;
	uint8_t data[SNAPLEN];
};

struct capture {
	const char *ns, *ifname;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready;		/* 1 capturing, -1 failed */
	int stop;		/* __atomic */
	struct rec *v;
	long n, cap;
	struct pkt *pkts;
};

/* Decode an IPv4 packet carrying TCP's header (protocol 6 or XTCP's). */
static bool decode(const uint8_t *b, size_t len, struct pkt *p)
{
	unsigned int ihl, tot, doff;
	const uint8_t *th;

	if (len < 20 || (b[0] >> 4) != 4)
		return false;
	ihl = (b[0] & 15) * 4;
	tot = (b[2] << 8) | b[3];
	if (ihl < 20 || len < ihl + 20 || tot < ihl + 20)
		return false;
	if (((b[6] << 8) | b[7]) & 0x1fff)	/* a later fragment */
		return false;
	th = b + ihl;
	doff = (th[12] >> 4) * 4;
	if (doff < 20 || tot < ihl + doff)
		return false;
	p->proto = b[9];
	p->sport = (th[0] << 8) | th[1];
	p->dport = (th[2] << 8) | th[3];
	p->seq = ((uint32_t)th[4] << 24) | (th[5] << 16) | (th[6] << 8) | th[7];
	p->ack = ((uint32_t)th[8] << 24) | (th[9] << 16) | (th[10] << 8) | th[11];
	p->flags = th[13];
	p->len = tot - ihl - doff;
	return true;
}

static void *capture_thread(void *arg)
{
	struct capture *c = arg;
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	struct timeval tv = { .tv_usec = 50000 };
	int fd, one = 1, rcvbuf = 8 << 20;

	netns_enter(c->ns);
	/* ETH_P_ALL: packets sent reach only the taps of every protocol. */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	ll.sll_ifindex = if_nametoindex(c->ifname);
	if (fd < 0 || !ll.sll_ifindex ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		warnx_("capture on %s in %s: %s", c->ifname, c->ns,
		       strerror(errno));
		pthread_mutex_lock(&c->lock);
		c->ready = -1;
		pthread_cond_signal(&c->cond);
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	/* Best effort: SO_RCVBUFFORCE as root, else the default. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));

	pthread_mutex_lock(&c->lock);
	c->ready = 1;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);

	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		uint8_t buf[2048];
		char cbuf[CMSG_SPACE(sizeof(struct timespec))];
		struct sockaddr_ll from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cm;
		struct rec r;
		ssize_t len = recvmsg(fd, &msg, MSG_TRUNC);

		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			warnx_("capture: recvmsg: %s", strerror(errno));
			break;
		}
		memset(&r, 0, sizeof(r));
		if (from.sll_protocol != htons(ETH_P_IP) ||
		    !decode(buf, (size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf),
			    &r.p))
			continue;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				r.p.ts_ns = (uint64_t)ts.tv_sec * 1000000000ull +
					    ts.tv_nsec;
			}
		}
		if (!r.p.ts_ns)
			die("capture: a packet without a timestamp");
		r.p.out = from.sll_pkttype == PACKET_OUTGOING;
		r.origlen = len;
		r.caplen = len < SNAPLEN ? len : SNAPLEN;
		memcpy(r.data, buf, r.caplen);

		pthread_mutex_lock(&c->lock);
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 4096;
			c->v = realloc(c->v, c->cap * sizeof(*c->v));
			if (!c->v)
				die("capture: realloc");
		}
		c->v[c->n++] = r;
		pthread_mutex_unlock(&c->lock);
	}
	close(fd);
	return NULL;
}

struct capture *capture_start(const char *ns, const char *ifname)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (!c)
		die("calloc");
	c->ns = ns;
	c->ifname = ifname;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	if (pthread_create(&c->thread, NULL, capture_thread, c))
		die("pthread_create");
	pthread_mutex_lock(&c->lock);
	while (!c->ready)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	if (c->ready < 0)
		die("no capture");
	return c;
}

long capture_count(struct capture *c)
{
	long n;

	pthread_mutex_lock(&c->lock);
	n = c->n;
	pthread_mutex_unlock(&c->lock);
	return n;
}

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

static void save_pcap(const struct capture *c, const char *path)
{
	FILE *f = fopen(path, "w");
	long i;

	if (!f)
		die("%s", path);
	put32(f, 0xa1b23c4d);		/* nanosecond timestamps */
	put32(f, 2 | (4 << 16));	/* version 2.4 */
	put32(f, 0);			/* thiszone */
	put32(f, 0);			/* sigfigs */
	put32(f, SNAPLEN);
	put32(f, LINKTYPE_RAW);
	for (i = 0; i < c->n; i++) {
		const struct rec *r = &c->v[i];

		put32(f, r->p.ts_ns / 1000000000ull);
		put32(f, r->p.ts_ns % 1000000000ull);
		put32(f, r->caplen);
		put32(f, r->origlen);
		fwrite(r->data, r->caplen, 1, f);
	}
	if (fclose(f))
		die("%s", path);
}

const struct pkt *capture_stop(struct capture *c, const char *path, long *n)
{
	long i;

	/* A packet handed to the taps is queued on the socket at once:
	 * 100 ms lets the thread read the last ones.
	 */
	sleep_ns(100000000);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELAXED);
	pthread_join(c->thread, NULL);
	if (path)
		save_pcap(c, path);
	c->pkts = calloc(c->n + 1, sizeof(*c->pkts));
	if (!c->pkts)
		die("calloc");
	for (i = 0; i < c->n; i++)
		c->pkts[i] = c->v[i].p;
	*n = c->n;
	return c->pkts;
}
