// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed XTCP segments, sent from a raw socket in one network namespace
 * over veth to another, are dropped and counted there: each kind in its own
 * counter of /proc/net/xtcp_snmp, by exactly the number sent.  Then a
 * stream of random segments, half of them with a correct checksum, must
 * leave every counter consistent (and, on the debug kernel, no report).
 */

#include "xtcp_test.h"

#define ADDR_TX		"10.199.0.1"
#define ADDR_RX		"10.199.0.2"
#define ADDR_BCAST	"10.199.0.255"
/* A second subnet on the receiver whose broadcast address is routed to it
 * as a unicast frame: only IP says it is a broadcast.
 */
#define ADDR_RX_BCAST	"10.198.0.255"
#define PER_KIND	7
#define RANDOM_SEGS	3000
/* Give up waiting for segments to be counted, or answered, after this. */
#define WAIT_MS		60000

static const char *ns_tx, *ns_rx;	/* this test's namespaces */

static const char *const counters[] = {
	"XtcpInSegs", "XtcpInErrs", "XtcpInShortSegs", "XtcpInBadDataOffset",
	"XtcpInCsumErrors", "XtcpInBadOptions", "XtcpInNotHost",
	"XtcpInNoSocket", "XtcpOutSegs", "XtcpOutRsts",
};

#define NCOUNTERS ARRAY_SIZE(counters)

enum {
	C_SEGS, C_ERRS, C_SHORT, C_DOFF, C_CSUM, C_OPTS, C_NOTHOST, C_NOSOCK,
	C_OUTSEGS, C_OUTRSTS,
};

static void read_counters(long *v)
{
	unsigned int i;

	netns_enter(ns_rx);
	for (i = 0; i < NCOUNTERS; i++)
		v[i] = xtcp_counter(counters[i]);
	netns_enter(ns_tx);
}

/* Where a segment's processing ends: every one lands in one of these. */
static const int fates[] = {
	C_SHORT, C_DOFF, C_CSUM, C_OPTS, C_NOTHOST, C_NOSOCK,
};

/*
 * veth delivers asynchronously: wait until every counter grew from
 * @before by at least @want (NULL: nothing) and @segs more segments have
 * ended in one of the fates, then read them into @after; up to WAIT_MS.
 */
static void settle(const long *before, long *after, const long *want,
		   long segs)
{
	long end = now_ms() + WAIT_MS, ended;
	unsigned int i;
	bool done;

	do {
		if (now_ms() > end) {
			tap_diag("counters still short of what was sent after %d s",
				 WAIT_MS / 1000);
			return;
		}
		usleep(10000);
		read_counters(after);
		for (i = 0, ended = 0; i < ARRAY_SIZE(fates); i++)
			ended += after[fates[i]] - before[fates[i]];
		done = ended >= segs;
		for (i = 0; want && i < NCOUNTERS; i++)
			done &= after[i] - before[i] >= want[i];
	} while (!done);
}

/* The checksum of @seg over the pseudo-header of @src to @dst, @proto. */
static uint16_t seg_csum(const uint8_t *seg, size_t len, const char *src,
			 const char *dst, uint8_t proto)
{
	struct in_addr s = { inet_addr(src) }, d = { inet_addr(dst) };

	return csum_fold(csum_add(csum_pseudo(s, d, proto, len), seg, len));
}

/* Fill in the checksum over the pseudo-header with protocol @proto. */
static void set_csum(uint8_t *seg, size_t len, uint8_t proto)
{
	uint16_t c;

	if (len < 18)
		return;
	seg[16] = seg[17] = 0;
	c = seg_csum(seg, len, ADDR_TX, ADDR_RX, proto);
	seg[16] = c >> 8;
	seg[17] = c & 0xff;
}

/* A SYN to port 80, header @hdrlen bytes (options zero-filled = EOL). */
static size_t make_syn(uint8_t *seg, unsigned int hdrlen, unsigned int doff)
{
	memset(seg, 0, hdrlen);
	seg[0] = 0x9c; seg[1] = 0x40;		/* source port 40000 */
	seg[2] = 0x00; seg[3] = 0x50;		/* destination port 80 */
	seg[7] = 1;				/* seq 1 */
	seg[12] = doff << 4;
	seg[13] = 0x02;				/* SYN */
	seg[14] = 0xfa; seg[15] = 0xf0;		/* window */
	return hdrlen;
}

static int tx_fd;

static void send_seg(const uint8_t *seg, size_t len, const char *dst)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = inet_addr(dst);
	if (sendto(tx_fd, seg, len, 0, (struct sockaddr *)&sin, sizeof(sin)) !=
	    (ssize_t)len)
		tap_bail("sendto: %s", strerror(errno));
}

struct bad_kind {
	const char *what;
	int counter;	/* the counter it must land in */
	/* Build the segment into @seg, return its length. */
	size_t (*build)(uint8_t *seg);
	const char *dst;
};

static size_t build_valid_syn(uint8_t *seg)
{
	static const uint8_t opts[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	size_t len = make_syn(seg, 40, 10);

	memcpy(seg + 20, opts, sizeof(opts));
	set_csum(seg, len, IPPROTO_XTCP);
	return len;
}

static size_t build_valid_data(uint8_t *seg)
{
	size_t len = make_syn(seg, 20, 5);

	seg[13] = 0x18;				/* PSH, ACK */
	memcpy(seg + 20, "some data, 23 bytes odd", 23);
	len += 23;
	set_csum(seg, len, IPPROTO_XTCP);
	return len;
}

static size_t build_empty(uint8_t *seg)
{
	(void)seg;
	return 0;
}

static size_t build_short(uint8_t *seg)
{
	make_syn(seg, 20, 5);
	return 19;
}

static size_t build_doff_small(uint8_t *seg)
{
	size_t len = make_syn(seg, 20, 4);

	set_csum(seg, len, IPPROTO_XTCP);
	return len;
}

static size_t build_doff_past_end(uint8_t *seg)
{
	size_t len = make_syn(seg, 40, 15);	/* says 60 bytes, has 40 */

	set_csum(seg, len, IPPROTO_XTCP);
	return len;
}

static size_t build_bad_csum(uint8_t *seg)
{
	size_t len = build_valid_syn(seg);

	seg[17] ^= 0x01;
	return len;
}

static size_t build_tcp_csum(uint8_t *seg)
{
	size_t len = build_valid_syn(seg);

	/* Correct for TCP's pseudo-header, wrong for XTCP's. */
	set_csum(seg, len, IPPROTO_TCP);
	return len;
}

/* A SYN whose one option word is @o0..@o3, checksummed. */
static size_t syn_with_option(uint8_t *seg, uint8_t o0, uint8_t o1,
			      uint8_t o2, uint8_t o3)
{
	size_t len = make_syn(seg, 24, 6);

	seg[20] = o0;
	seg[21] = o1;
	seg[22] = o2;
	seg[23] = o3;
	set_csum(seg, len, IPPROTO_XTCP);
	return len;
}

static size_t build_opt_len0(uint8_t *seg)
{
	return syn_with_option(seg, 30, 0, 1, 1);
}

static size_t build_opt_overrun(uint8_t *seg)
{
	return syn_with_option(seg, 1, 8, 10, 0);	/* NOP, TS past end */
}

static size_t build_opt_mss_len3(uint8_t *seg)
{
	return syn_with_option(seg, 2, 3, 5, 1);
}

static const struct bad_kind kinds[] = {
	{ "well-formed SYN with options", C_NOSOCK, build_valid_syn, ADDR_RX },
	{ "well-formed segment with odd-length data", C_NOSOCK, build_valid_data, ADDR_RX },
	{ "empty IP payload", C_SHORT, build_empty, ADDR_RX },
	{ "19-byte header", C_SHORT, build_short, ADDR_RX },
	{ "data offset 4", C_DOFF, build_doff_small, ADDR_RX },
	{ "data offset past the end", C_DOFF, build_doff_past_end, ADDR_RX },
	{ "checksum off by one bit", C_CSUM, build_bad_csum, ADDR_RX },
	{ "checksum over TCP's pseudo-header", C_CSUM, build_tcp_csum, ADDR_RX },
	{ "option of length 0", C_OPTS, build_opt_len0, ADDR_RX },
	{ "option running past the header", C_OPTS, build_opt_overrun, ADDR_RX },
	{ "MSS option of length 3", C_OPTS, build_opt_mss_len3, ADDR_RX },
	{ "well-formed SYN to the broadcast address", C_NOTHOST, build_valid_syn, ADDR_BCAST },
	{ "well-formed SYN to the subnet's broadcast, unicast frame", C_NOTHOST, build_valid_syn, ADDR_RX_BCAST },
};

static void check_kind(const struct bad_kind *k)
{
	long before[NCOUNTERS], after[NCOUNTERS], want[NCOUNTERS] = { 0 };
	uint8_t seg[128];
	unsigned int i;
	size_t len;
	int good = 1;

	want[k->counter] = PER_KIND;
	if (k->counter != C_NOTHOST)
		want[C_SEGS] = PER_KIND;
	if (k->counter != C_NOTHOST && k->counter != C_NOSOCK)
		want[C_ERRS] = PER_KIND;
	/* Each well-formed one is answered with a reset. */
	if (k->counter == C_NOSOCK)
		want[C_OUTSEGS] = want[C_OUTRSTS] = PER_KIND;

	read_counters(before);
	for (i = 0; i < PER_KIND; i++) {
		len = k->build(seg);
		send_seg(seg, len, k->dst);
	}
	settle(before, after, want, PER_KIND);

	for (i = 0; i < NCOUNTERS; i++) {
		long got = after[i] - before[i];

		if (got != want[i]) {
			tap_diag("%s: %s changed by %ld, want %ld", k->what,
				 counters[i], got, want[i]);
			good = 0;
		}
	}
	tap_ok(good, "%s: counted in %s only", k->what, counters[k->counter]);
}

/*
 * The reset a well-formed SYN gets, read back by the raw socket in the
 * sender's namespace: RFC 9293 3.10.7.1 <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>,
 * ports swapped, checksummed over XTCP's pseudo-header.
 */
static void check_reset_on_wire(void)
{
	uint8_t seg[128], buf[256];
	in_addr_t rx = inet_addr(ADDR_RX);
	long end = now_ms() + WAIT_MS;
	int got = 0;

	while (recv(tx_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	send_seg(seg, build_valid_syn(seg), ADDR_RX);
	while (!got && now_ms() < end) {
		const uint8_t *th;
		ssize_t n;
		size_t ihl, len;

		if (poll1(tx_fd, POLLIN, 100) <= 0)
			continue;
		n = recv(tx_fd, buf, sizeof(buf), 0);
		if (n < 20 || buf[9] != IPPROTO_XTCP ||
		    memcmp(buf + 12, &rx, 4))
			continue;
		ihl = (buf[0] & 0x0f) * 4;
		th = buf + ihl;
		len = n - ihl;
		got = 1;
		tap_ok(len == 20 && th[12] == 5 << 4,
		       "reset on the wire: a bare 20-byte header (%zu)", len);
		tap_ok(th[13] == 0x14, "reset on the wire: flags RST|ACK (%#x)",
		       th[13]);
		tap_ok(((th[0] << 8) | th[1]) == 80 && ((th[2] << 8) | th[3]) == 40000,
		       "reset on the wire: ports swapped");
		tap_ok(!memcmp(th + 4, "\0\0\0\0", 4) &&
		       !memcmp(th + 8, "\0\0\0\2", 4),
		       "reset on the wire: SEQ=0, ACK=SEG.SEQ+1 (2)");
		tap_ok(seg_csum(th, len, ADDR_RX, ADDR_TX, IPPROTO_XTCP) == 0,
		       "reset on the wire: checksum over XTCP's pseudo-header");
	}
	if (!got)
		tap_ok(0, "a reset came back for a well-formed SYN");
}

int main(void)
{
	long before[NCOUNTERS], after[NCOUNTERS];
	long want[NCOUNTERS] = { 0 }, valid = 0;
	int one = 1, i;
	uint8_t seg[128];

	tap_begin();
	ns_tx = test_netns_add("tx");
	ns_rx = test_netns_add("rx");
	test_veth(ns_tx, ADDR_TX "/24 brd +", ns_rx, ADDR_RX "/24 brd +");
	sh("ip -n %s addr add 10.198.0.1/24 brd + dev veth0", ns_rx);
	sh("ip -n %s route add 10.198.0.0/24 via " ADDR_RX, ns_tx);

	netns_enter(ns_tx);
	tx_fd = socket(AF_INET, SOCK_RAW, IPPROTO_XTCP);
	if (tx_fd < 0)
		tap_bail("raw socket: %s", strerror(errno));
	setsockopt(tx_fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));

	read_counters(before);
	tap_ok(before[C_SEGS] == 0 && before[C_ERRS] == 0,
	       "the receiving namespace starts with zeroed counters");

	for (i = 0; i < (int)ARRAY_SIZE(kinds); i++)
		check_kind(&kinds[i]);
	check_reset_on_wire();

	/*
	 * Random segments: random length and bytes; past the fixed header a
	 * plausible data offset and a checksum, right for odd ones, wrong by
	 * a bit for even ones.  The test knows where each must be counted;
	 * only the split of checksummed ones between bad options and no
	 * socket is left to the parser.
	 */
	srandom(0x58544350);
	read_counters(before);
	for (i = 0; i < RANDOM_SEGS; i++) {
		size_t len = random() % (sizeof(seg) + 1), j;
		unsigned int doff;

		for (j = 0; j < len; j++)
			seg[j] = random();
		if (len < 20) {
			want[C_SHORT]++;
		} else {
			doff = 5 + random() % 11;
			seg[12] = doff << 4 | (seg[12] & 0x0f);
			set_csum(seg, len, IPPROTO_XTCP);
			if (doff * 4 > len)
				want[C_DOFF]++;
			else if (i & 1)
				valid++;
			else
				want[C_CSUM]++;
			if (!(i & 1))
				seg[17] ^= 1 << (random() % 8);
		}
		send_seg(seg, len, ADDR_RX);
	}
	settle(before, after, want, RANDOM_SEGS);
	tap_ok(after[C_SEGS] - before[C_SEGS] == RANDOM_SEGS,
	       "%d random segments all counted in InSegs (%ld)", RANDOM_SEGS,
	       after[C_SEGS] - before[C_SEGS]);
	for (i = C_SHORT; i <= C_CSUM; i++)
		tap_ok(after[i] - before[i] == want[i],
		       "random: %s grew by %ld (want %ld)", counters[i],
		       after[i] - before[i], want[i]);
	tap_ok(after[C_OPTS] - before[C_OPTS] + after[C_NOSOCK] -
	       before[C_NOSOCK] == valid,
	       "random: the %ld intact ones end in InBadOptions or InNoSocket",
	       valid);
	tap_ok(after[C_ERRS] - before[C_ERRS] ==
	       (after[C_SHORT] - before[C_SHORT]) + (after[C_DOFF] - before[C_DOFF]) +
	       (after[C_CSUM] - before[C_CSUM]) + (after[C_OPTS] - before[C_OPTS]),
	       "InErrs is the sum of the per-cause counters");
	tap_ok(after[C_OUTRSTS] - before[C_OUTRSTS] <= after[C_NOSOCK] - before[C_NOSOCK] &&
	       after[C_OUTRSTS] - before[C_OUTRSTS] > 0,
	       "random: resets answer only segments of no socket (%ld)",
	       after[C_OUTRSTS] - before[C_OUTRSTS]);
	tap_diag("random: %ld bad options, %ld no socket",
		 after[C_OPTS] - before[C_OPTS], after[C_NOSOCK] - before[C_NOSOCK]);

	close(tx_fd);
	return tap_end();
}
