// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-fuzz - mutated segments against listeners and live connections
 *
 * SYNOPSIS
 *	xtcp-fuzz [-p PROTO] [-t SECS] [-n COUNT] [-r RATE] [-S SEED]
 *		  [-i IFNAME] [-s PHANTOM] [-q] DSTADDR DSTPORT[,DSTPORT...]
 *
 * DESCRIPTION
 *	Sends mutated RFC 9293 segments of IP protocol PROTO to DSTADDR
 *	(numeric IPv4) on the DSTPORTs, from a raw socket
 *	(socket(AF_INET, SOCK_RAW, IPPROTO_RAW), which implies IP_HDRINCL),
 *	while it watches, from a packet socket (AF_PACKET, SOCK_DGRAM) on
 *	IFNAME, the segments of protocol PROTO to and from DSTADDR on those
 *	ports, in both directions.  What it sees teaches it each connection's
 *	sequence numbers, acknowledgments, windows, window scales and
 *	timestamps, so that its mutations land near the edges that matter.
 *	The same program fuzzes XTCP (253) and Linux TCP (6).
 *
 *	Each segment is one of:
 *
 *	  listener	a segment to a DSTPORT from our own address (or the
 *			PHANTOM, or a spoofed one) and a random port: mostly
 *			SYNs with random options, flags and data, else
 *			anything (ACKs with random numbers reach the SYN
 *			cookie check);
 *	  live		a segment on the 4-tuple of a connection seen on
 *			the wire that is not ours, spoofing its peer, most
 *			toward DSTADDR, a quarter toward the local end
 *			(when it has our address; delivered through the
 *			loopback);
 *	  phantom	a segment on one of our own connections (-s), with
 *			no restriction at all;
 *	  stray		a segment from a random port to a DSTPORT, with
 *			numbers near those of a live connection.
 *
 *	Each picks its flags (random combinations: SYN|FIN, RST with
 *	in-window and out-of-window sequence numbers, SYN to an established
 *	connection, URG with an urgent pointer, the reserved bits), its
 *	sequence number (the edges of the receive window, just inside and
 *	outside, old, wrapped around), its acknowledgment (current, old, of
 *	data never sent, far), its window, its options (MSS of 0..11 and
 *	huge, window scale above 14, SACK-permitted outside a SYN, SACK
 *	blocks malformed, overlapping, outside the window, timestamps with
 *	PAWS-failing and huge TSvals, unknown kinds, lengths 0, 1, too long
 *	and truncated, EOL and NOP padding, garbage after EOL), its data
 *	offset (below 5, beyond the segment, or covering the data), its data
 *	length (0 to what the MTU allows) and its checksum (valid nine times
 *	in ten, so that most segments get past it).
 *
 *	A live connection is someone else's byte stream, which a check may
 *	hash: a segment on its 4-tuple that a correct stack could accept
 *	carries no data, FIN or URG, and a TSval no newer than its peer's
 *	latest; all else (data, FIN, URG, wild timestamps) goes with a bad
 *	checksum, a bad data offset or a sequence number far outside the
 *	window (old, or 16 MiB and more beyond its right edge).  An exact
 *	RST is never sent on it.  A correct stack thus keeps every live
 *	stream intact, or resets it (an RFC 5961 challenge ACK answers most
 *	of the rest).
 *
 *	With -s the program also opens connections of its own to the first
 *	DSTPORT from the address PHANTOM, which the target must route to
 *	IFNAME's link (a static neighbour entry with our link address will
 *	do) and this host must not own: its stack drops what comes back,
 *	the packet socket sees it.  Each phantom connection follows one plan
 *	of several (no handshake's end, request, request and FIN, FIN first,
 *	simultaneous close, FIN never acknowledged, ...) so that the
 *	target's end passes through SYN_RECV, ESTABLISHED, CLOSE_WAIT,
 *	LAST_ACK, FIN_WAIT1, FIN_WAIT2, CLOSING and TIME_WAIT while the
 *	mutations hit it.  At the end each phantom connection is reset at
 *	the target's acknowledged sequence number, so that nothing lingers
 *	but TIME_WAIT.
 *
 *	The choices come from a pseudo-random generator seeded with SEED:
 *	with the same traffic the same SEED sends the same segments.  Our
 *	segments carry TTL 77, by which the packet socket tells them from
 *	the rest.  Root (CAP_NET_RAW) is needed.
 *
 *	At the end one line goes to standard output, "sent N segments in
 *	T.TTT s", where N counts the segments the local stack accepted; the
 *	exit status is 0.  Without -q, lines on standard error give the seed
 *	first and then the segments of each kind.  An error goes to standard
 *	error and the exit status is 1 (2 for a usage error).  SIGINT and
 *	SIGTERM stop the run and still print the line.
 *
 * OPTIONS
 *	-p PROTO	IP protocol number, 0..255 (default 253, XTCP; 6
 *			fuzzes Linux TCP the same way).
 *	-t SECS		Stop after SECS seconds (a decimal number).
 *	-n COUNT	Stop after COUNT segments.  Without -n and -t the run
 *			lasts until a signal.
 *	-r RATE		Segments per second (default 1000; 0: as fast
 *			as possible).
 *	-S SEED		The generator's seed (default: from
 *			getrandom()).
 *	-i IFNAME	Watch and send on this device only (default: watch
 *			all, send by the routing table).
 *	-s PHANTOM	Open connections of our own from this address.
 *	-q		Quiet: only the final line and errors.
 *
 * EXAMPLES
 *	xtcp-fuzz -t 15 -S 1 -i veth0 -s 10.0.0.9 10.0.0.2 7600,7601,7602
 *	xtcp-fuzz -p 6 -n 100000 -r 0 10.0.0.2 8080
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
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

#define MARK_TTL	77	/* ours: the packet socket skips them */
#define IP_HLEN		20
#define TCP_HLEN	20
#define OPT_MAX		40
#define PKT_MAX		4096
#define MTU_WIRE	1500	/* veth, Ethernet */
#define MTU_LO		4000	/* toward ourselves: what we allow */
#define MAX_PORTS	16
#define MAX_CONNS	256
#define PH_MAX		8	/* phantom connections at once */
#define PH_GAP_NS	100000000ULL	/* between two phantom opens */
#define PH_LIFE_NS	3000000000ULL	/* then reset, or left */
#define IDLE_NS		10000000000ULL	/* unseen for 10 s: idle */
#define NSEC_PER_SEC	1000000000ULL
#define FAR		(1U << 24)	/* beyond any window we meet */

#define F_FIN		0x01
#define F_SYN		0x02
#define F_RST		0x04
#define F_PSH		0x08
#define F_ACK		0x10
#define F_URG		0x20
#define F_ECE		0x40
#define F_CWR		0x80

enum kind { K_LISTENER, K_LIVE, K_REVERSE, K_PHANTOM, K_STRAY,
	    K_DRIVER, K_BADCSUM, K_REFUSED, K_NKINDS };

static const char *const kind_names[K_NKINDS] = {
	"listener", "live", "reverse", "phantom", "stray", "driver",
	"bad-checksum", "refused",
};

/* One direction of a connection: what its sender was seen doing. */
struct side {
	uint32_t isn, nxt;	/* its first and next sequence numbers */
	uint32_t ack;		/* its last acknowledgment */
	uint32_t wnd;		/* its last window, scaled */
	uint32_t tsval, tsecr;
	int wscale;		/* from its SYN; -1: unknown */
	bool seen, syn, fin, has_ack, ts;
};

/* Phantom plans: what our own client does after the SYN-ACK. */
enum plan { P_SILENT, P_ACK, P_REQ, P_FIN_FIRST, P_PARTIAL, P_REQ_FIN,
	    P_NO_FIN_ACK, P_CLOSING, P_TIME_WAIT, P_NPLANS };

/* A connection to a DSTPORT: c its client end (any), s DSTADDR's. */
struct conn {
	bool used, phantom, driven, rst, synack_seen, closed;
	uint32_t caddr;		/* network order */
	uint16_t cport, sport;	/* network order */
	struct side c, s;
	enum plan plan;
	bool our_fin;
	uint64_t last_ns, born_ns;
};

struct options {
	struct sockaddr_in dst;
	uint16_t ports[MAX_PORTS];	/* network order */
	int nports;
	int proto;
	double secs;
	uint64_t count, rate, seed;
	bool seeded, quiet;
	const char *ifname;
	uint32_t phantom;	/* network order; 0: none */
};

/* A segment to build. */
struct seg {
	uint32_t saddr, daddr;	/* network order */
	uint16_t sport, dport;	/* network order */
	uint32_t seq, ack;
	uint8_t flags, res;	/* res: the 4 bits before the flags */
	uint16_t win, urp;
	unsigned char opt[60];
	unsigned int optlen;
	int doff;		/* in words; -1: from optlen */
	unsigned int paylen;
	bool bad_csum;
};

static const char *prog = "xtcp-fuzz";
static atomic_bool stop;	/* lock-free: safe in a signal handler */
static struct options o;
static struct conn conns[MAX_CONNS];
static uint64_t rng, stats[K_NKINDS], sent, t_start;
static uint32_t self_addr;	/* network order: ours toward DSTADDR */
static int raw_fd, pkt_fd;
static unsigned int ph_opened;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, true);
}

static noreturn void print_usage(void)
{
	fprintf(stderr,
		"usage: %s [-p PROTO] [-t SECS] [-n COUNT] [-r RATE] [-S SEED]\n"
		"          [-i IFNAME] [-s PHANTOM] [-q] DSTADDR DSTPORT[,DSTPORT...]\n"
		"  -p  IP protocol number (default 253; 6 for Linux TCP)\n"
		"  -t  stop after SECS seconds\n"
		"  -n  stop after COUNT segments\n"
		"  -r  segments per second (default 1000; 0: as fast as possible)\n"
		"  -S  the seed of the choices (default: random)\n"
		"  -i  watch and send on device IFNAME\n"
		"  -s  open connections of our own from address PHANTOM\n"
		"  -q  quiet: the final line and errors only\n",
		prog);
	exit(2);
}

static noreturn void bad_arg(const char *what, const char *s)
{
	fprintf(stderr, "%s: bad %s '%s'\n", prog, what, s);
	exit(2);
}

static noreturn void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

static uint64_t parse_u64(const char *s, uint64_t min, uint64_t max,
			  const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		bad_arg(what, s);
	return v;
}

static void parse_ports(const char *s)
{
	char *list = strdup(s), *item, *save;

	if (!list)
		die("strdup");
	for (item = strtok_r(list, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (o.nports == MAX_PORTS)
			bad_arg("port list (too long)", s);
		o.ports[o.nports++] = htons(parse_u64(item, 1, 65535,
						      "destination port"));
	}
	free(list);
	if (!o.nports)
		bad_arg("destination port", s);
}

static void parse_args(int argc, char **argv)
{
	struct in_addr a;
	char *end;
	int c;

	o.proto = 253;
	o.rate = 1000;
	while ((c = getopt(argc, argv, "p:t:n:r:S:i:s:qh")) != -1) {
		switch (c) {
		case 'p':
			o.proto = parse_u64(optarg, 0, 255, "protocol");
			break;
		case 't':
			errno = 0;
			o.secs = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !isfinite(o.secs) || o.secs <= 0 || o.secs > 1e9)
				bad_arg("duration", optarg);
			break;
		case 'n':
			o.count = parse_u64(optarg, 1, UINT64_MAX, "count");
			break;
		case 'r':
			o.rate = parse_u64(optarg, 0, 100000000, "rate");
			break;
		case 'S':
			o.seed = parse_u64(optarg, 0, UINT64_MAX, "seed");
			o.seeded = true;
			break;
		case 'i':
			if (!*optarg || strlen(optarg) >= IFNAMSIZ)
				bad_arg("interface", optarg);
			o.ifname = optarg;
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				bad_arg("phantom address", optarg);
			o.phantom = a.s_addr;
			break;
		case 'q':
			o.quiet = true;
			break;
		default:
			print_usage();
		}
	}
	if (argc - optind != 2)
		print_usage();
	o.dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[optind], &o.dst.sin_addr) != 1)
		bad_arg("destination address", argv[optind]);
	parse_ports(argv[optind + 1]);
}

/* ------------------------------------------------------------ random */

/* splitmix64: fast, deterministic from the seed. */
static inline uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0). */
static inline uint32_t below(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* True with probability pct percent. */
static inline bool chance(unsigned int pct)
{
	return below(100) < pct;
}

static inline bool after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Our timestamp clock for the phantom connections: milliseconds. */
static uint32_t ts_now(void)
{
	return (uint32_t)(now_ns() / 1000000);
}

/* ----------------------------------------------------------- sending */

static uint32_t sum_be(uint32_t sum, const unsigned char *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * Build @s into an IPv4 packet and send it; counts it as @kind when the
 * local stack takes it.  The kernel fills in the IP identification and
 * checksum.  The data is random bytes, or zeros.
 */
static void send_seg(const struct seg *s, enum kind kind)
{
	static unsigned char pkt[PKT_MAX];
	unsigned char *tcp = pkt + IP_HLEN;
	unsigned int hl = TCP_HLEN + ((s->optlen + 3) & ~3U), tcplen, i, mtu;
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned char pseudo[12];
	uint32_t sum;
	uint16_t csum;
	uint64_t r = 0;

	mtu = s->daddr == self_addr ? MTU_LO : MTU_WIRE;
	tcplen = hl + s->paylen;
	if (IP_HLEN + tcplen > mtu)
		tcplen = mtu - IP_HLEN;
	if (hl > tcplen)
		hl = tcplen;

	memset(pkt, 0, IP_HLEN + TCP_HLEN);
	pkt[0] = 0x45;
	put16(pkt + 2, IP_HLEN + tcplen);
	put16(pkt + 6, 0x4000);			/* DF */
	pkt[8] = MARK_TTL;
	pkt[9] = o.proto;
	memcpy(pkt + 12, &s->saddr, 4);
	memcpy(pkt + 16, &s->daddr, 4);

	memcpy(tcp, &s->sport, 2);
	memcpy(tcp + 2, &s->dport, 2);
	put32(tcp + 4, s->seq);
	put32(tcp + 8, s->ack);
	/* Options short of a word end padded with EOL (s->opt is zeroed). */
	tcp[12] = (s->doff >= 0 ? s->doff : (int)(hl / 4)) << 4 |
		  (s->res & 0x0f);
	tcp[13] = s->flags;
	put16(tcp + 14, s->win);
	put16(tcp + 18, s->urp);
	memcpy(tcp + TCP_HLEN, s->opt, hl - TCP_HLEN);
	for (i = hl; i < tcplen; i++) {
		if (!(i & 7))
			r = rnd();
		tcp[i] = r >> (8 * (i & 7));
	}
	if (tcplen > hl && chance(20))
		memset(tcp + hl, 0, tcplen - hl);

	memcpy(pseudo, &s->saddr, 4);
	memcpy(pseudo + 4, &s->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = o.proto;
	put16(pseudo + 10, tcplen);
	sum = sum_be(0, pseudo, sizeof(pseudo));
	sum = sum_be(sum, tcp, tcplen);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	csum = ~sum;
	/* Never 0xffff for 0: both would pass. */
	if (s->bad_csum)
		csum ^= 1 + below(0x7fff);
	put16(tcp + 16, csum);

	to.sin_addr.s_addr = s->daddr;
	if (sendto(raw_fd, pkt, IP_HLEN + tcplen, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0) {
		if (errno != ENOBUFS && errno != EAGAIN && errno != EMSGSIZE &&
		    errno != EPERM && errno != EINVAL && errno != EINTR &&
		    errno != ECONNREFUSED && errno != EHOSTUNREACH &&
		    errno != ENETUNREACH)
			die("sendto");
		stats[K_REFUSED]++;
		return;
	}
	sent++;
	stats[kind]++;
	if (s->bad_csum)
		stats[K_BADCSUM]++;
}

/* ----------------------------------------------------------- options */

/* What the options of a segment on a connection may refer to. */
struct optctx {
	bool ts;		/* the connection uses timestamps */
	bool safe;		/* TSvals no newer than the sender's latest */
	uint32_t tsval, tsecr;	/* the sender's latest, the receiver's */
	uint32_t una, nxt;	/* the receiver's data: for SACK blocks */
};

/* A TSval: mostly near the sender's, else wild (not in safe mode). */
static uint32_t pick_tsval(const struct optctx *x)
{
	static const uint32_t wild[] = { 0, 1, 0x7fffffff, 0x80000000,
					 0xffffffff };

	if (x->safe)
		return x->tsval - (chance(50) ? 0 : below(1000000));
	switch (below(6)) {
	case 0:
		return x->tsval;
	case 1:		/* PAWS fails */
		return x->tsval - 1 - below(0x7fffffff);
	case 2:
		return x->tsval + 1 + below(1000);
	case 3:
		return x->tsval + 0x80000000U;
	case 4:
		return wild[below(5)];
	default:
		return rnd();
	}
}

/* A sequence number for a SACK block edge. */
static uint32_t pick_sack_edge(const struct optctx *x)
{
	uint32_t span = x->nxt - x->una;

	switch (below(6)) {
	case 0:
		return x->una + (span ? below(span) : 0);
	case 1:
		return x->una - below(100000);	/* below SND.UNA */
	case 2:
		return x->nxt + below(100000);	/* beyond SND.NXT */
	case 3:
		return x->una;
	case 4:
		return x->nxt;
	default:
		return rnd();
	}
}

/*
 * The options, at most @room bytes; their length (may be anything up to
 * @room, not a multiple of 4: send_seg() rounds the data offset down).
 */
static unsigned int gen_opts(unsigned char *p, unsigned int room,
			     const struct optctx *x)
{
	static const uint16_t mss[] = { 0, 1, 7, 8, 11, 12, 64, 88, 536, 1220,
					1460, 9000, 65535 };
	unsigned int n = 0, items = 1 + below(6), i, len, k, b;
	uint32_t a, e;

	/* A valid timestamp first, as most stacks put it. */
	if (x->ts && chance(x->safe ? 90 : 60) && room >= 12) {
		p[n++] = 1;
		p[n++] = 1;
		p[n++] = 8;
		p[n++] = 10;
		put32(p + n, x->safe ? x->tsval : pick_tsval(x));
		put32(p + n + 4, chance(80) ? x->tsecr : (uint32_t)rnd());
		n += 8;
	}
	for (i = 0; i < items && n < room; i++) {
		unsigned int r = below(100), kind = 0, want = 0;

		if (r < 6) {		/* EOL, maybe garbage after */
			p[n++] = 0;
			if (chance(50))
				while (n < room)
					p[n++] = rnd();
			break;
		} else if (r < 18) {		/* NOP */
			p[n++] = 1;
			continue;
		} else if (r < 30) {
			kind = 2;
			want = 4;
		} else if (r < 38) {
			kind = 3;
			want = 3;
		} else if (r < 44) {
			kind = 4;
			want = 2;
		} else if (r < 62) {
			kind = 5;
			want = 2 + 8 * below(5);
		} else if (r < 80) {
			kind = 8;
			want = 10;
		} else {		/* unknown or obsolete kinds */
			static const uint8_t odd[] = { 6, 7, 19, 28, 29, 30,
						       34, 253, 254, 255 };

			kind = chance(50) ? odd[below(10)] : 9 + below(247);
			want = below(12);
		}
		len = want;
		if (chance(15)) {		/* a wrong length */
			static const uint8_t bad[] = { 0, 1, 2, 3, 5, 9, 11,
						       39, 40, 255 };

			len = bad[below(10)];
		}
		if (n + 2 > room)
			break;
		p[n] = kind;
		p[n + 1] = len;
		/* The body, as far as there is room: truncated beyond. */
		k = want > 2 ? want - 2 : 0;
		if (n + 2 + k > room)
			k = room - n - 2;
		switch (kind) {
		case 2:
			if (k >= 2)
				put16(p + n + 2, chance(70) ? mss[below(13)] :
					(uint16_t)rnd());
			break;
		case 3:
			if (k >= 1)
				p[n + 2] = chance(70) ? below(20) : rnd();
			break;
		case 5:
			for (b = 0; b + 8 <= k; b += 8) {
				a = pick_sack_edge(x);
				e = chance(70) ? a + 1 + below(3000) :
					pick_sack_edge(x);
				put32(p + n + 2 + b, a);
				put32(p + n + 6 + b, e);
			}
			break;
		case 8:
			if (k >= 8) {
				put32(p + n + 2, pick_tsval(x));
				put32(p + n + 6, chance(70) ? x->tsecr :
					(uint32_t)rnd());
			}
			break;
		default:
			for (b = 0; b < k; b++)
				p[n + 2 + b] = rnd();
		}
		n += 2 + k;
	}
	/* Mostly padded to words, with NOPs or EOLs. */
	if (chance(80))
		while (n & 3 && n < room)
			p[n++] = chance(70) ? 1 : 0;
	return n;
}

/* The options of a SYN as Linux writes them: MSS, SACK-perm, TS, WS. */
static unsigned int linux_syn_opts(unsigned char *p, uint32_t tsval,
				   uint32_t tsecr)
{
	p[0] = 2;
	p[1] = 4;
	put16(p + 2, 1460);
	p[4] = 4;
	p[5] = 2;
	p[6] = 8;
	p[7] = 10;
	put32(p + 8, tsval);
	put32(p + 12, tsecr);
	p[16] = 1;
	p[17] = 3;
	p[18] = 3;
	p[19] = 7;
	return 20;
}

/* NOP, NOP, timestamps. */
static unsigned int ts_opts(unsigned char *p, uint32_t tsval, uint32_t tsecr)
{
	p[0] = 1;
	p[1] = 1;
	p[2] = 8;
	p[3] = 10;
	put32(p + 4, tsval);
	put32(p + 8, tsecr);
	return 12;
}

/* --------------------------------------------------- the connections */

static bool our_port(uint16_t port)
{
	int i;

	for (i = 0; i < o.nports; i++)
		if (o.ports[i] == port)
			return true;
	return false;
}

static void ph_reset(struct conn *c);

static struct conn *find_conn(uint32_t caddr, uint16_t cport, uint16_t sport,
			      bool create)
{
	struct conn *c, *old = NULL;
	int i;

	for (i = 0; i < MAX_CONNS; i++) {
		c = &conns[i];
		if (c->used && c->caddr == caddr && c->cport == cport &&
		    c->sport == sport)
			return c;
	}
	if (!create)
		return NULL;
	/*
	 * A free slot, else the one unseen longest, but an open phantom
	 * one; a phantom connection goes with a reset.
	 */
	for (i = 0; i < MAX_CONNS; i++) {
		c = &conns[i];
		if (!c->used)
			break;
		if ((!c->driven || c->closed) &&
		    (!old || c->last_ns < old->last_ns))
			old = c;
	}
	if (i == MAX_CONNS) {
		if (!old)
			return NULL;
		c = old;
		ph_reset(c);
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->caddr = caddr;
	c->cport = cport;
	c->sport = sport;
	c->c.wscale = -1;
	c->s.wscale = -1;
	c->phantom = o.phantom && caddr == o.phantom;
	c->last_ns = now_ns();
	c->born_ns = c->last_ns;
	return c;
}

/* The window scale and timestamps of options @p, @len bytes. */
static void parse_opts(const unsigned char *p, unsigned int len,
		       struct side *sd, bool syn)
{
	unsigned int i = 0, l;

	while (i < len) {
		if (p[i] == 0)
			break;
		if (p[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		l = p[i + 1];
		if (l < 2 || i + l > len)
			break;
		if (p[i] == 3 && l == 3 && syn)
			sd->wscale = p[i + 2] > 14 ? 14 : p[i + 2];
		if (p[i] == 8 && l == 10) {
			uint32_t v = get32(p + i + 2);

			if (!sd->ts || !after(sd->tsval, v))
				sd->tsval = v;
			sd->tsecr = get32(p + i + 6);
			sd->ts = true;
		}
		i += l;
	}
}

/* A segment @sd sent: seq, end, ack, window, options. */
static void learn(struct side *sd, const unsigned char *tcp,
		  unsigned int optlen, unsigned int datalen)
{
	uint8_t fl = tcp[13];
	uint32_t seq = get32(tcp + 4), end;
	int ws;

	if (fl & F_RST)
		return;
	parse_opts(tcp + TCP_HLEN, optlen, sd, fl & F_SYN);
	end = seq + datalen + !!(fl & F_SYN) + !!(fl & F_FIN);
	if (fl & F_SYN) {
		sd->isn = seq;
		sd->syn = true;
		sd->nxt = end;
	} else if (!sd->seen || after(end, sd->nxt)) {
		sd->nxt = end;
	}
	if (fl & F_FIN)
		sd->fin = true;
	if (fl & F_ACK) {
		/* An unknown scale: Linux's usual 7. */
		ws = sd->wscale < 0 ? 7 : sd->wscale;
		sd->ack = get32(tcp + 8);
		sd->wnd = (uint32_t)get16(tcp + 14) << (fl & F_SYN ? 0 : ws);
		sd->has_ack = true;
	}
	sd->seen = true;
}

static void drive(struct conn *c, const unsigned char *tcp, unsigned int dl);

/* Read what the packet socket holds. */
static void sniff(void)
{
	static unsigned char buf[256];
	unsigned int ihl, tot, doff, optlen, datalen;
	const unsigned char *tcp;
	uint32_t sa, da;
	uint16_t sp, dp;
	struct conn *c;
	bool to_server;
	ssize_t n;
	int i;

	for (i = 0; i < 512; i++) {
		n = recv(pkt_fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			die("recv (packet socket)");
		}
		if (n < IP_HLEN + TCP_HLEN || (buf[0] >> 4) != 4)
			continue;
		ihl = (buf[0] & 15) * 4;
		tot = get16(buf + 2);
		if (buf[9] != o.proto || buf[8] == MARK_TTL ||
		    (get16(buf + 6) & 0x3fff) || ihl < IP_HLEN ||
		    tot < ihl + TCP_HLEN || (size_t)n < ihl + TCP_HLEN)
			continue;
		tcp = buf + ihl;
		doff = (tcp[12] >> 4) * 4;
		if (doff < TCP_HLEN || ihl + doff > tot)
			continue;
		memcpy(&sa, buf + 12, 4);
		memcpy(&da, buf + 16, 4);
		memcpy(&sp, tcp, 2);
		memcpy(&dp, tcp + 2, 2);
		if (da == o.dst.sin_addr.s_addr && our_port(dp))
			to_server = true;
		else if (sa == o.dst.sin_addr.s_addr && our_port(sp))
			to_server = false;
		else
			continue;
		datalen = tot - ihl - doff;
		optlen = doff - TCP_HLEN;
		if (ihl + doff > (unsigned int)n)
			optlen = n > ihl + TCP_HLEN ? n - ihl - TCP_HLEN : 0;
		c = to_server ? find_conn(sa, sp, dp, true) :
				find_conn(da, dp, sp, true);
		if (!c)
			continue;
		c->last_ns = now_ns();
		if (tcp[13] & F_RST) {
			c->rst = true;
			continue;
		}
		learn(to_server ? &c->c : &c->s, tcp, optlen, datalen);
		if (!to_server && c->driven)
			drive(c, tcp, datalen);
	}
}

/* ------------------------------------------- the phantom connections */

/* A segment of our own client @c: flags, data length. */
static void ph_send(struct conn *c, uint8_t flags, unsigned int len)
{
	struct seg s = { 0 };

	s.saddr = c->caddr;
	s.daddr = o.dst.sin_addr.s_addr;
	s.sport = c->cport;
	s.dport = c->sport;
	s.seq = flags & F_SYN ? c->c.isn : c->c.nxt;
	s.ack = flags & F_ACK ? c->s.nxt : 0;
	s.flags = flags;
	s.win = 65535;
	s.doff = -1;
	c->c.tsval = ts_now();
	if (flags & F_SYN)
		s.optlen = linux_syn_opts(s.opt, c->c.tsval, 0);
	else if (c->s.ts)
		s.optlen = ts_opts(s.opt, c->c.tsval, c->s.tsval);
	s.paylen = len;
	send_seg(&s, K_DRIVER);
	if (!(flags & (F_SYN | F_RST)))
		c->c.nxt += len + !!(flags & F_FIN);
	if (flags & F_FIN)
		c->our_fin = true;
}

/* Open a phantom connection to the first DSTPORT. */
static void ph_open(void)
{
	uint64_t now = now_ns();
	struct conn *c, *d;
	uint16_t port;
	int n = 0, i;

	for (i = 0; i < MAX_CONNS; i++) {
		d = &conns[i];
		if (!d->used || !d->driven || d->closed || d->rst)
			continue;
		/* Its time is up: reset it, or leave it to its timers. */
		if (now - d->born_ns >= PH_LIFE_NS) {
			if (chance(70))
				ph_reset(d);
			d->closed = true;
			continue;
		}
		n++;
	}
	if (n >= PH_MAX)
		return;
	port = htons(20000 + below(40000));
	c = find_conn(o.phantom, port, o.ports[0], true);
	if (!c || c->driven)
		return;
	c->driven = true;
	c->plan = below(P_NPLANS);
	c->c.isn = rnd();
	c->c.nxt = c->c.isn + 1;
	c->c.wscale = 7;
	c->c.ts = true;
	c->c.seen = true;
	c->c.syn = true;
	ph_send(c, F_SYN, 0);
	ph_opened++;
}

/* What our client does with a segment from the server, per its plan. */
static void drive(struct conn *c, const unsigned char *tcp, unsigned int dl)
{
	uint8_t fl = tcp[13];
	bool fin = fl & F_FIN;

	if ((fl & (F_SYN | F_ACK)) == (F_SYN | F_ACK)) {
		if (get32(tcp + 8) != c->c.isn + 1)
			return;
		if (c->synack_seen) {		/* a retransmission */
			if (c->plan != P_SILENT)
				ph_send(c, F_ACK, 0);
			return;
		}
		c->synack_seen = true;
		switch (c->plan) {
		case P_SILENT:
			break;
		case P_ACK:
			ph_send(c, F_ACK, 0);
			break;
		case P_FIN_FIRST:
			ph_send(c, F_ACK | F_FIN, 0);
			break;
		case P_PARTIAL:
			ph_send(c, F_ACK | F_PSH, 30);
			break;
		case P_REQ_FIN:
			ph_send(c, F_ACK | F_PSH | F_FIN, 64);
			break;
		default:
			ph_send(c, F_ACK | F_PSH, 64);
		}
		return;
	}
	if (!c->synack_seen || (!dl && !fin))
		return;
	switch (c->plan) {
	case P_REQ:		/* acknowledged, never closed: FIN_WAIT2 */
	case P_ACK:
	case P_PARTIAL:
	case P_FIN_FIRST:
	case P_REQ_FIN:
		ph_send(c, F_ACK, 0);
		break;
	case P_NO_FIN_ACK:	/* the data, not the FIN: FIN_WAIT1 */
		if (fin)
			c->s.nxt--;
		ph_send(c, F_ACK, 0);
		if (fin)
			c->s.nxt++;
		break;
	case P_CLOSING:		/* our FIN, theirs not acknowledged */
		if (fin && !c->our_fin) {
			c->s.nxt--;
			ph_send(c, F_ACK | F_FIN, 0);
			c->s.nxt++;
		} else {
			ph_send(c, F_ACK, 0);
		}
		break;
	case P_TIME_WAIT:	/* theirs acknowledged, then ours */
		ph_send(c, F_ACK | (fin && !c->our_fin ? F_FIN : 0), 0);
		break;
	default:
		break;
	}
}

/*
 * Reset a connection from the phantom address at the server's
 * acknowledged point (its RCV.NXT), unless it is gone already.
 */
static void ph_reset(struct conn *c)
{
	struct seg s = { 0 };

	if (!c->used || !c->phantom || c->rst || !c->s.seen)
		return;
	s.saddr = c->caddr;
	s.daddr = o.dst.sin_addr.s_addr;
	s.sport = c->cport;
	s.dport = c->sport;
	s.seq = c->s.has_ack ? c->s.ack : c->c.nxt;
	s.flags = F_RST;
	s.doff = -1;
	send_seg(&s, K_DRIVER);
	c->rst = true;
}

static void ph_reset_all(void)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		ph_reset(&conns[i]);
}

/* ------------------------------------------------------- mutations */

static uint8_t pick_flags(bool syn_bias)
{
	static const uint8_t common[] = {
		F_ACK, F_ACK | F_PSH, F_RST, F_RST | F_ACK, F_SYN,
		F_SYN | F_ACK, F_SYN | F_FIN, F_SYN | F_RST, F_FIN | F_ACK,
		F_FIN, F_URG | F_ACK, F_URG | F_ACK | F_PSH, 0,
		F_ACK | F_ECE | F_CWR, F_FIN | F_SYN | F_RST | F_PSH | F_ACK |
		F_URG,
	};

	if (syn_bias && chance(70))
		return F_SYN | (chance(25) ? (uint8_t)rnd() & ~F_ACK : 0);
	if (chance(75))
		return common[below(sizeof(common))];
	return rnd();
}

/* A window field (the receiver scales it). */
static uint16_t pick_win(void)
{
	static const uint16_t w[] = { 0, 1, 512, 65535, 32768 };

	return chance(50) ? 501 + below(65000) : w[below(5)];
}

/* A data length: mostly none or small, sometimes the most the MTU takes. */
static unsigned int pick_len(void)
{
	switch (below(8)) {
	case 0:
	case 1:
	case 2:
		return 0;
	case 3:
		return 1;
	case 4:
		return below(100);
	case 5:
		return below(1500);
	case 6:
		return 1400 + below(200);
	default:
		return 4000;
	}
}

/* The data offset: mostly right, else too small, too large or random. */
static int pick_doff(unsigned int optlen)
{
	if (chance(88))
		return -1;
	switch (below(4)) {
	case 0:
		return below(5);			/* below 20 bytes */
	case 1:
		return 15;			/* beyond the options */
	case 2:
		return (TCP_HLEN + optlen) / 4 + 1 + below(3);
	default:
		return below(16);
	}
}

/*
 * A sequence number for a segment from @snd to @rcv: near the receive
 * window of @rcv (its last acknowledgment and window), or anything.
 */
static uint32_t pick_seq(const struct side *snd, const struct side *rcv)
{
	uint32_t left = rcv->has_ack ? rcv->ack : snd->nxt;
	uint32_t wnd = rcv->has_ack ? rcv->wnd : 65535, right = left + wnd;

	switch (below(12)) {
	case 0:
	case 1:
		return snd->nxt;
	case 2:
		return left;
	case 3:
		return left + (wnd ? below(wnd) : 0);	/* inside */
	case 4:
		return right - 1;
	case 5:
		return right;
	case 6:
		return right + 1 + below(2000);	/* just outside */
	case 7:
		return left - 1;
	case 8:
		return left - 1 - below(1 << 20);	/* old */
	case 9:
		return left + 0x7fffffff + below(3);	/* half the space */
	case 10:
		return chance(50) ? snd->isn : snd->isn - 1;
	default:
		return rnd();
	}
}

/* An acknowledgment of @rcv's data, as @snd would send it. */
static uint32_t pick_ack(const struct side *snd, const struct side *rcv)
{
	uint32_t una = snd->has_ack ? snd->ack : rcv->nxt;

	switch (below(10)) {
	case 0:
	case 1:
	case 2:
		return rcv->nxt;				/* current */
	case 3:
		return una;
	case 4:
		return una - 1 - below(1 << 20);		/* old */
	case 5:
		return rcv->nxt + 1 + below(chance(50) ? 1000 : 1 << 30);
	case 6:
		return rcv->nxt + 0x80000000U;
	case 7:
		return chance(50) ? rcv->isn : rcv->isn + 1;
	case 8:
		return 0;
	default:
		return rnd();
	}
}

/*
 * An acknowledgment that cannot make @rcv forget data its peer has not
 * received: the peer's own last one, older, or far beyond what @rcv
 * sent (which a correct stack ignores).
 */
static uint32_t pick_ack_safe(const struct side *snd, const struct side *rcv)
{
	uint32_t una = snd->has_ack ? snd->ack : rcv->isn;

	switch (below(5)) {
	case 0:
	case 1:
		return una;
	case 2:
		return una - 1 - below(1 << 20);
	case 3:
		return rcv->nxt + FAR + below(1 << 29);
	default:
		return rcv->nxt + 0x80000000U;
	}
}

/* An urgent pointer. */
static uint16_t pick_urp(void)
{
	static const uint16_t u[] = { 0, 1, 2, 0xffff, 0x8000 };

	return chance(50) ? u[below(5)] : (uint16_t)rnd();
}

/*
 * The segment on connection @c, toward DSTADDR or (@reverse) toward its
 * client end, mutated; restricted when @c is someone else's stream.
 */
static void fuzz_conn(struct conn *c, bool reverse, bool stray)
{
	struct side *snd = reverse ? &c->s : &c->c;
	struct side *rcv = reverse ? &c->c : &c->s;
	bool real = !c->phantom && !stray;
	struct optctx x = { 0 };
	struct seg s = { 0 };
	uint32_t left;
	unsigned int room;

	s.saddr = reverse ? o.dst.sin_addr.s_addr : c->caddr;
	s.daddr = reverse ? c->caddr : o.dst.sin_addr.s_addr;
	s.sport = reverse ? c->sport : c->cport;
	s.dport = reverse ? c->cport : c->sport;
	if (stray) {
		s.sport = htons(1 + below(65535));
		if (chance(50))
			s.saddr = self_addr;
	}
	s.doff = -1;
	s.flags = pick_flags(false);
	s.res = chance(5) ? rnd() : 0;
	s.seq = pick_seq(snd, rcv);
	s.ack = pick_ack(snd, rcv);
	s.win = pick_win();
	s.urp = (s.flags & F_URG) || chance(5) ? pick_urp() : 0;
	s.paylen = pick_len();
	s.bad_csum = chance(10);

	x.ts = snd->ts || rcv->ts;
	x.tsval = snd->tsval;
	x.tsecr = rcv->tsval;
	x.una = snd->has_ack ? snd->ack : rcv->nxt;
	x.nxt = rcv->nxt;

	if (real && !s.bad_csum) {
		left = rcv->has_ack ? rcv->ack : snd->nxt;
		if (chance(50)) {
			/*
			 * Acceptable: no data, FIN or URG, a TSval no newer
			 * than the peer's, never the exact RST.
			 */
			s.flags &= ~(F_FIN | F_URG);
			s.paylen = 0;
			x.safe = true;
			s.ack = pick_ack_safe(snd, rcv);
			if (s.flags & F_RST && !after(s.seq, snd->nxt))
				s.seq = snd->nxt + 1 + below(rcv->wnd / 2 + 1);
		} else {
			/* Anything, but out of the window, or dropped. */
			switch (below(3)) {
			case 0:			/* wholly old */
				s.seq = left - s.paylen - 1 - below(1 << 20);
				break;
			case 1:			/* far beyond */
				s.seq = left + rcv->wnd + FAR +
					below(1 << 29);
				break;
			default:		/* a data offset below 5 */
				s.doff = below(5);
			}
			if (!s.paylen && chance(50))
				s.paylen = below(1000);
		}
	}
	room = OPT_MAX;
	s.optlen = chance(15) ? 0 : gen_opts(s.opt, room, &x);
	/* Data taken as options by an offset larger than the header. */
	if (s.doff < 0)
		s.doff = pick_doff(s.optlen);
	/* Safe: no offset that would make options data. */
	if (x.safe && s.doff >= 5 &&
	    (unsigned int)s.doff * 4 < TCP_HLEN + s.optlen)
		s.doff = -1;
	send_seg(&s, stray ? K_STRAY : c->phantom ? K_PHANTOM :
		 reverse ? K_REVERSE : K_LIVE);
}

/* A segment to a listener: mostly a SYN. */
static void fuzz_listener(void)
{
	struct optctx x = { 0 };
	struct seg s = { 0 };
	unsigned int r = below(10);

	s.daddr = o.dst.sin_addr.s_addr;
	s.dport = o.ports[chance(70) ? 0 : below(o.nports)];
	if (r < 5 || !o.phantom)
		s.saddr = self_addr;
	else if (r < 8)
		s.saddr = o.phantom;
	else	/* from the benchmarking range: its SYN-ACK goes nowhere */
		s.saddr = htonl(0xc6120000 | below(0x20000));
	s.sport = htons(1024 + below(64512));
	s.seq = rnd();
	s.flags = pick_flags(true);
	s.ack = (s.flags & F_ACK) || chance(10) ? (uint32_t)rnd() : 0;
	s.res = chance(5) ? rnd() : 0;
	s.win = pick_win();
	s.urp = (s.flags & F_URG) || chance(5) ? pick_urp() : 0;
	s.paylen = chance(80) ? 0 : pick_len();
	s.bad_csum = chance(10);
	x.ts = true;
	x.tsval = rnd();
	x.tsecr = chance(70) ? 0 : (uint32_t)rnd();
	x.una = s.ack;
	x.nxt = s.ack;
	if (chance(30))
		s.optlen = linux_syn_opts(s.opt, x.tsval, 0);
	else
		s.optlen = chance(10) ? 0 : gen_opts(s.opt, OPT_MAX, &x);
	s.doff = pick_doff(s.optlen);
	send_seg(&s, K_LISTENER);
}

/* A connection to aim at: alive, seen lately. */
static struct conn *pick_conn(void)
{
	uint64_t now = now_ns();
	struct conn *c;
	int i, n = 0, k;

	for (i = 0; i < MAX_CONNS; i++) {
		c = &conns[i];
		if (c->used && !c->rst && c->c.seen && c->s.seen &&
		    now - c->last_ns < IDLE_NS)
			n++;
	}
	if (!n)
		return NULL;
	k = below(n);
	for (i = 0; i < MAX_CONNS; i++) {
		c = &conns[i];
		if (c->used && !c->rst && c->c.seen && c->s.seen &&
		    now - c->last_ns < IDLE_NS && !k--)
			return c;
	}
	return NULL;
}

static void fuzz_one(void)
{
	struct conn *c = chance(85) ? pick_conn() : NULL;
	unsigned int r = below(100);

	if (!c) {
		fuzz_listener();
		return;
	}
	if (c->phantom)
		fuzz_conn(c, false, r < 10);
	else if (r < 10)
		fuzz_conn(c, false, true);
	else
		fuzz_conn(c, r < 35 && c->caddr == self_addr, false);
}

/* ------------------------------------------------------------ set-up */

static void open_sockets(void)
{
	/*
	 * IPv4, and the protocol byte at offset 9 of its header: 128 bytes
	 * kept.  ETH_P_ALL, not ETH_P_IP: only the first sees what leaves.
	 */
	struct sock_filter code[] = {
		{ BPF_LD | BPF_H | BPF_ABS, 0, 0,
		  (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL) },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 3, ETH_P_IP },
		{ BPF_LD | BPF_B | BPF_ABS, 0, 0, 9 },
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)o.proto },
		{ BPF_RET | BPF_K, 0, 0, 128 },
		{ BPF_RET | BPF_K, 0, 0, 0 },
	};
	struct sock_fprog fprog = { .len = 6, .filter = code };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int one = 1, fd, rcvbuf = 4 << 20;

	raw_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (raw_fd < 0)
		die("socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
	if (setsockopt(raw_fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)))
		die("IP_HDRINCL");
	if (o.ifname && setsockopt(raw_fd, SOL_SOCKET, SO_BINDTODEVICE,
				   o.ifname, strlen(o.ifname)))
		die("SO_BINDTODEVICE");

	pkt_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (pkt_fd < 0)
		die("socket(AF_PACKET)");
	if (setsockopt(pkt_fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog,
		       sizeof(fprog)))
		die("SO_ATTACH_FILTER");
	setsockopt(pkt_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (o.ifname) {
		sll.sll_protocol = htons(ETH_P_ALL);
		sll.sll_ifindex = if_nametoindex(o.ifname);
		if (!sll.sll_ifindex)
			die(o.ifname);
		if (bind(pkt_fd, (struct sockaddr *)&sll, sizeof(sll)))
			die("bind (packet socket)");
	}

	/* Our address toward DSTADDR: the route's, through a UDP socket. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket(AF_INET, SOCK_DGRAM)");
	me = o.dst;
	me.sin_port = htons(9);
	if (connect(fd, (struct sockaddr *)&me, sizeof(me)) ||
	    getsockname(fd, (struct sockaddr *)&me, &len))
		die("route to the destination");
	self_addr = me.sin_addr.s_addr;
	close(fd);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t attempts = 0, due, end = 0, now, last, ph_last = 0;
	char dst[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN];
	struct pollfd pfd;
	unsigned int i, n;
	struct in_addr a;

	parse_args(argc, argv);
	if (!o.seeded && getrandom(&o.seed, sizeof(o.seed), 0) !=
	    sizeof(o.seed))
		die("getrandom");
	rng = o.seed;
	open_sockets();

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (!o.quiet) {
		a.s_addr = self_addr;
		inet_ntop(AF_INET, &o.dst.sin_addr, dst, sizeof(dst));
		inet_ntop(AF_INET, &a, src, sizeof(src));
		fprintf(stderr,
			"%s: seed %llu, IP protocol %d, from %s to %s, %d port(s) from %u, ",
			prog, (unsigned long long)o.seed, o.proto, src, dst,
			o.nports, ntohs(o.ports[0]));
		if (o.rate)
			fprintf(stderr, "%llu per s\n",
				(unsigned long long)o.rate);
		else
			fprintf(stderr, "as fast as possible\n");
	}

	pfd.fd = pkt_fd;
	pfd.events = POLLIN;
	t_start = now_ns();
	if (o.secs)
		end = t_start + (uint64_t)(o.secs * NSEC_PER_SEC);
	while (!atomic_load(&stop)) {
		now = now_ns();
		if (end && now >= end)
			break;
		if (o.count && sent >= o.count)
			break;
		sniff();
		if (o.phantom && now - ph_last >= PH_GAP_NS) {
			ph_last = now;
			ph_open();
		}
		due = o.rate ? (now - t_start) / 1000 * o.rate / 1000000 :
			attempts + 32;
		for (n = 0; attempts < due && n < 64; n++) {
			if (o.count && sent >= o.count)
				break;
			fuzz_one();
			attempts++;
		}
		if (attempts > 1000 && !sent) {
			fprintf(stderr,
				"%s: the local stack refuses every segment\n",
				prog);
			return 1;
		}
		if (o.rate && attempts >= due)
			poll(&pfd, 1, 1);
	}
	if (o.phantom) {
		sniff();
		ph_reset_all();
	}
	last = now_ns();
	close(raw_fd);
	close(pkt_fd);

	if (!o.quiet) {
		fprintf(stderr, "%s: seed %llu; phantom connections %u;",
			prog, (unsigned long long)o.seed, ph_opened);
		for (i = 0; i < K_NKINDS; i++)
			fprintf(stderr, " %s %llu", kind_names[i],
				(unsigned long long)stats[i]);
		fprintf(stderr, "\n");
	}
	printf("sent %llu segments in %.3f s\n", (unsigned long long)sent,
	       (last - t_start) / 1e9);
	return 0;
}
