// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-ss - list XTCP sockets, as ss(8) lists TCP's
 *
 * SYNOPSIS
 *	xtcp-ss [-a | -l] [-n] [-i] [-m] [-o] [-e] [-H] [-K] [FILTER]
 *	xtcp-ss -s [-a | -l] [-H] [FILTER]
 *	xtcp-ss --counters [-d] [-z] [-H] [PATTERN...]
 *
 * DESCRIPTION
 *	Lists the XTCP sockets of the caller's network namespace through
 *	the sock_diag netlink interface (NETLINK_SOCK_DIAG, messages
 *	SOCK_DIAG_BY_FAMILY with struct inet_diag_req_v2 for AF_INET and
 *	XTCP's IP protocol number), which the module xtcp_diag.ko answers
 *	as tcp_diag answers for TCP.  The kernel needs inet_diag, and
 *	xtcp_diag.ko loaded by hand: it is never loaded on demand.
 *
 *	The protocol number is read from /sys/module/xtcp/parameters/ipproto
 *	(253, IPPROTO_XTCP, when the module is not there).
 *
 *	One line a socket, in the kernel's order, with ss's columns:
 *
 *	    State Recv-Q Send-Q Local Address:Port Peer Address:Port
 *
 *	State is ss's name (ESTAB, SYN-SENT, SYN-RECV, FIN-WAIT-1,
 *	FIN-WAIT-2, TIME-WAIT, UNCONN, CLOSE-WAIT, LAST-ACK, LISTEN,
 *	CLOSING).  For a listener Recv-Q is the accept queue's length and
 *	Send-Q its bound (the backlog); for a connection, bytes received and
 *	not read, and bytes sent and not acknowledged (with those not sent
 *	yet).  Addresses are always numeric; a port 0 shows as "*".  Unlike
 *	ss, the State column stays when a single state is selected.
 *
 *	Without -a or -l, or a state in FILTER, every state but LISTEN,
 *	UNCONN, TIME-WAIT and SYN-RECV is shown, as ss does.
 *
 * OPTIONS
 *	-a, --all	every state (half-open requests and TIME_WAIT entries
 *			too).
 *	-l, --listening	listeners only.
 *	-n, --numeric	accepted; the output is always numeric.
 *	-i, --info	a second line, indented by a tab, with what
 *			struct xtcp_info says (INET_DIAG_INFO):
 *			  [ts] [sack] [CONG] [wscale:SND,RCV] rto:MS
 *			  rtt:MS/MS [ato:MS] mss:N rcvmss:N cwnd:N
 *			  [ssthresh:N] bytes_acked:N bytes_received:N
 *			  segs_out:N segs_in:N snd_wnd:N rcv_wnd:N
 *			  [unacked:N] [retrans:CUR/TOTAL] [lost:N]
 *			  [sacked:N] [probes:N] [notsent:N] [ca:STATE]
 *			times in milliseconds (rtt smoothed/variation),
 *			CONG the congestion control (INET_DIAG_CONG); the
 *			bracketed ones only when set or not zero.  Half-open
 *			requests and TIME_WAIT entries have none of these.
 *	-m, --memory	on that second line, the socket's memory as ss shows
 *			it: skmem:(rALLOC,rbRCVBUF,tALLOC,tbSNDBUF,fFWD,
 *			wQUEUED,oOPTMEM,blBACKLOG,dDROPS) (INET_DIAG_SKMEMINFO),
 *			or mem:(rR,wW,fF,tT) from INET_DIAG_MEMINFO.
 *	-o, --options	timer:(NAME,EXPIRES,N): NAME on (retransmission, or a
 *			request's SYN-ACK), keepalive (or FIN_WAIT2),
 *			timewait, persist (zero-window probe); EXPIRES the
 *			time left as ss prints it (476ms, 9.501sec, 59sec,
 *			1min30sec, 12min); N the retransmissions or probes.
 *	-e, --extended	uid:UID ino:INODE sk:COOKIE, and <-> with a "-" for
 *			each direction shut down (INET_DIAG_SHUTDOWN).
 *	-H, --no-header	no header line.
 *	-s, --summary	instead of the list, how many sockets are in each
 *			state ("Total: N", then "STATE COUNT" for the eleven
 *			states, then the bytes queued): those FILTER selects,
 *			of every state unless -l or a state is given.  Then
 *			the line of /proc/net/xtcp_sockstat ("XTCP: inuse N
 *			orphan N tw N alloc N mem PAGES", as ss -s tells
 *			/proc/net/sockstat's).
 *	-K, --kill	destroy the sockets selected (SOCK_DESTROY, which
 *			needs CAP_NET_ADMIN), as ss -K does TCP's: each
 *			connection is aborted, a reset goes to its peer
 *			and its application sees ECONNABORTED; a listener
 *			is closed with its requests and children (accept()
 *			fails with EINVAL); a request or a TIME_WAIT entry
 *			ends at once.  The sockets killed are listed.  One
 *			gone meanwhile is reported and skipped; a kernel
 *			that cannot destroy XTCP sockets (EOPNOTSUPP) is
 *			an error.
 *	--ipproto=N	XTCP's protocol number, instead of the module's.
 *	-h, --help	this text, shortly.
 *
 * FILTER
 *	As ss's: first any number of "state NAME" and "exclude NAME", NAME
 *	one of established, syn-sent, syn-recv, fin-wait-1, fin-wait-2,
 *	time-wait, closed, close-wait, last-ack, listening, closing, or of
 *	the groups all, connected (all but listening and closed),
 *	synchronized (connected but syn-sent), bucket (syn-recv and
 *	time-wait), big (all but bucket).  Then an expression of
 *	conditions joined by "and" (or nothing), "or", "not" ("!") and
 *	parentheses:
 *	    sport OP PORT, dport OP PORT	OP one of = == != > < >= <=
 *					eq ne neq gt lt ge geq le leq (= when
 *					left out); PORT N or :N
 *	    src [=|!=] HOST, dst [=|!=] HOST
 *					HOST ADDR[/LEN][:PORT], *:PORT, :PORT
 *					or *; ADDR dotted IPv4
 *	The words may come as separate arguments or in one ("sport = :80"),
 *	e.g.  xtcp-ss -a state established '( dport = :80 or sport = :80 )'.
 *	The sockets are selected here, not by a bytecode filter in the
 *	kernel: only the states are asked of the kernel, and checked again.
 *
 * COUNTERS
 *	--counters prints the counters of /proc/net/xtcp_snmp (under
 *	$PROC_ROOT, default /proc), "NAME VALUE" a line, as nstat(8) does:
 *	the absolute values, zeros left out unless -z.  PATTERNs (shell
 *	patterns, any case) select names.  With -d, the growth of each since
 *	the values kept in a history file by the -d call before (the
 *	absolute values when there is none, or when it was written in
 *	another network namespace), and the history is written again.  The
 *	file is $XTCP_SS_HISTORY, or /tmp/.xtcp-ss.uidUID.  The gauges
 *	(names with "Curr") show a signed change; a counter found lower than
 *	in the history (the module was reloaded) shows its value.  -H
 *	leaves out the "#kernel" line.
 *
 * EXIT STATUS
 *	0 on success, 1 with a message on standard error on any error
 *	(usage, netlink, a socket that could not be killed).  On a kernel
 *	without XTCP's diag handler the message says to load inet_diag and
 *	xtcp_diag.ko.
 *
 * NOTES
 *	libc only: the netlink messages are built and read here, with the
 *	kernel's uapi headers.  INET_DIAG_INFO carries struct xtcp_info
 *	(include/uapi/linux/xtcp.h), not struct tcp_info; of it only
 *	min(attribute length, sizeof) bytes are read, the rest taken as 0.
 */

#define _GNU_SOURCE		/* FNM_CASEFOLD */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/xtcp.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RECV_BUF	65536
#define ADDR_LEN	32	/* "255.255.255.255:65535" and more */
#define CONG_LEN	16	/* TCP_CA_NAME_MAX */
#define NAME_LEN	64	/* a counter's name */
#define IPPROTO_PATH	"/sys/module/xtcp/parameters/ipproto"
#define SOCKSTAT_PATH	"/proc/net/xtcp_sockstat"

/* TCP's state numbers, as in /proc/net/tcp and inet_diag. */
enum {
	ST_ESTABLISHED = 1,
	ST_SYN_SENT,
	ST_SYN_RECV,
	ST_FIN_WAIT1,
	ST_FIN_WAIT2,
	ST_TIME_WAIT,
	ST_CLOSE,
	ST_CLOSE_WAIT,
	ST_LAST_ACK,
	ST_LISTEN,
	ST_CLOSING,
	ST_NEW_SYN_RECV,	/* a request, in tcp_diag; shown as SYN-RECV */
	ST_MAX
};

#define SF(s)		(1u << (s))
#define SF_SHOWN	(SF(ST_CLOSING + 1) - 2)	/* 1 .. CLOSING */
#define SF_CONN		(SF_SHOWN & ~(SF(ST_LISTEN) | SF(ST_CLOSE)))
#define SF_DEFAULT	(SF_CONN & ~(SF(ST_TIME_WAIT) | SF(ST_SYN_RECV)))
#define SF_BUCKET	(SF(ST_SYN_RECV) | SF(ST_TIME_WAIT))

static const char *const state_name[ST_MAX] = {
	[0] = "UNKNOWN",
	[ST_ESTABLISHED] = "ESTAB",
	[ST_SYN_SENT] = "SYN-SENT",
	[ST_SYN_RECV] = "SYN-RECV",
	[ST_FIN_WAIT1] = "FIN-WAIT-1",
	[ST_FIN_WAIT2] = "FIN-WAIT-2",
	[ST_TIME_WAIT] = "TIME-WAIT",
	[ST_CLOSE] = "UNCONN",
	[ST_CLOSE_WAIT] = "CLOSE-WAIT",
	[ST_LAST_ACK] = "LAST-ACK",
	[ST_LISTEN] = "LISTEN",
	[ST_CLOSING] = "CLOSING",
	[ST_NEW_SYN_RECV] = "SYN-RECV",
};

/* The names of the state filter, and their groups. */
static const struct {
	const char *name;
	unsigned int states;
} state_words[] = {
	{ "established", SF(ST_ESTABLISHED) },
	{ "syn-sent", SF(ST_SYN_SENT) },
	{ "syn-recv", SF(ST_SYN_RECV) },
	{ "fin-wait-1", SF(ST_FIN_WAIT1) },
	{ "fin-wait-2", SF(ST_FIN_WAIT2) },
	{ "time-wait", SF(ST_TIME_WAIT) },
	{ "closed", SF(ST_CLOSE) },
	{ "unconnected", SF(ST_CLOSE) },
	{ "close-wait", SF(ST_CLOSE_WAIT) },
	{ "last-ack", SF(ST_LAST_ACK) },
	{ "listening", SF(ST_LISTEN) },
	{ "listen", SF(ST_LISTEN) },
	{ "closing", SF(ST_CLOSING) },
	{ "all", SF_SHOWN },
	{ "connected", SF_CONN },
	{ "synchronized", SF_CONN & ~SF(ST_SYN_SENT) },
	{ "bucket", SF_BUCKET },
	{ "big", SF_SHOWN & ~SF_BUCKET },
};

static const char *const timer_name[] = {
	"off", "on", "keepalive", "timewait", "persist", "unknown",
};

static const char *const ca_name[] = {
	[XTCPI_CA_OPEN] = "open",
	[XTCPI_CA_DISORDER] = "disorder",
	[XTCPI_CA_RECOVERY] = "recovery",
	[XTCPI_CA_LOSS] = "loss",
};

/* ------------------------------------------------------------- filter */

enum fkind { F_AND, F_OR, F_NOT, F_SPORT, F_DPORT, F_SRC, F_DST };
enum fop { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct fnode {
	enum fkind kind;
	struct fnode *a, *b;	/* F_AND, F_OR; F_NOT: a */
	enum fop op;
	int port;		/* -1: any */
	bool any_addr;
	__u32 addr, mask;	/* network order */
};

struct options {
	bool all, listening, info, memory, timers, extended, no_header;
	bool summary, kill, counters, delta, zeros;
	int ipproto;		/* -1: the module's */
	unsigned int states;	/* 0: from -a, -l or the default */
	struct fnode *filter;	/* NULL: every socket */
	char **patterns;	/* --counters */
	int npatterns;
};

static const char *prog = "xtcp-ss";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* A message ending with strerror(@e). */
static void __attribute__((format(printf, 2, 3)))
err_msg(int e, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
}

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-a|-l] [-n] [-i] [-m] [-o] [-e] [-H] [-K] [FILTER]\n"
		"       %s -s [-a|-l] [FILTER]\n"
		"       %s --counters [-d] [-z] [-H] [PATTERN...]\n"
		"  -a  all states          -l  listeners only\n"
		"  -i  xtcp_info           -m  socket memory\n"
		"  -o  timers              -e  uid, inode, cookie\n"
		"  -H  no header           -n  numeric (always)\n"
		"  -s  count per state     -K  destroy the sockets selected\n"
		"  --ipproto=N  XTCP's IP protocol (default: the module's)\n"
		"  --counters  /proc/net/xtcp_snmp (-d: growth since the last -d,\n"
		"              kept in $XTCP_SS_HISTORY; -z: zeros too)\n"
		"FILTER: [state NAME | exclude NAME]... [EXPRESSION]\n"
		"  NAME: established syn-sent syn-recv fin-wait-1 fin-wait-2\n"
		"        time-wait closed close-wait last-ack listening closing\n"
		"        all connected synchronized bucket big\n"
		"  EXPRESSION: sport|dport OP [:]PORT, src|dst [=|!=] ADDR[/LEN][:PORT],\n"
		"        joined by and, or, not, ( )\n",
		prog, prog, prog);
}

static long parse_num(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die("bad %s '%s' (%ld..%ld)", what, s, min, max);
	return v;
}

/* Tokens of the filter: words, "(", ")", and runs of =!<>&|. */
struct lexer {
	char **tok;
	int n, pos;
};

static bool is_op_char(char c)
{
	return c && strchr("=!<>&|", c);
}

static void lex_add(struct lexer *lx, const char *s, size_t len)
{
	lx->tok = xrealloc(lx->tok, (lx->n + 1) * sizeof(*lx->tok));
	lx->tok[lx->n] = strndup(s, len);
	if (!lx->tok[lx->n])
		die("out of memory");
	lx->n++;
}

static void lex(struct lexer *lx, char **argv, int argc)
{
	const char *s;
	size_t len;
	int i;

	for (i = 0; i < argc; i++) {
		for (s = argv[i]; *s;) {
			if (*s == ' ' || *s == '\t' || *s == '\n') {
				s++;
				continue;
			}
			if (*s == '(' || *s == ')') {
				lex_add(lx, s++, 1);
				continue;
			}
			len = 0;
			if (is_op_char(*s)) {
				while (is_op_char(s[len]))
					len++;
			} else {
				while (s[len] && !strchr(" \t\n()", s[len]) &&
				       !is_op_char(s[len]))
					len++;
			}
			lex_add(lx, s, len);
			s += len;
		}
	}
}

static const char *peek(const struct lexer *lx)
{
	return lx->pos < lx->n ? lx->tok[lx->pos] : NULL;
}

static const char *next_tok(struct lexer *lx, const char *what)
{
	const char *t = peek(lx);

	if (!t)
		die("filter: %s missing at the end", what);
	lx->pos++;
	return t;
}

static bool tok_is(const char *t, const char *a, const char *b,
		   const char *c)
{
	return t && (!strcmp(t, a) || (b && !strcmp(t, b)) ||
		     (c && !strcmp(t, c)));
}

static unsigned int parse_state(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(state_words); i++)
		if (!strcasecmp(name, state_words[i].name))
			return state_words[i].states;
	for (i = 1; i <= ST_CLOSING; i++)
		if (!strcasecmp(name, state_name[i]))
			return SF(i);
	die("unknown state '%s'", name);
}

/* A comparison operator, or -1 when @t is none. */
static int parse_op(const char *t)
{
	static const struct {
		const char *s;
		enum fop op;
	} ops[] = {
		{ "=", OP_EQ }, { "==", OP_EQ }, { "eq", OP_EQ },
		{ "!=", OP_NE }, { "ne", OP_NE }, { "neq", OP_NE },
		{ "<", OP_LT }, { "lt", OP_LT },
		{ "<=", OP_LE }, { "le", OP_LE }, { "leq", OP_LE },
		{ ">", OP_GT }, { "gt", OP_GT },
		{ ">=", OP_GE }, { "ge", OP_GE }, { "geq", OP_GE },
	};
	unsigned int i;

	for (i = 0; t && i < ARRAY_SIZE(ops); i++)
		if (!strcmp(t, ops[i].s))
			return ops[i].op;
	return -1;
}

/* "N", ":N", "*" or ":*" (-1). */
static int parse_port(const char *s)
{
	if (*s == ':')
		s++;
	if (!strcmp(s, "*"))
		return -1;
	return parse_num(s, 0, 65535, "port");
}

/* ADDR[/LEN][:PORT], *[:PORT], :PORT. */
static void parse_host(const char *s, struct fnode *n)
{
	char buf[64], *colon, *slash;
	struct in_addr a;
	long len = 32;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		die("filter: bad address '%s'", s);
	n->port = -1;
	colon = strchr(buf, ':');
	if (colon) {
		*colon = 0;
		n->port = parse_port(colon + 1);
	}
	if (!buf[0] || !strcmp(buf, "*")) {
		n->any_addr = true;
		return;
	}
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		len = parse_num(slash + 1, 0, 32, "prefix length");
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		die("filter: not a numeric IPv4 address: '%s'", buf);
	n->mask = len ? htonl(~0u << (32 - len)) : 0;
	n->addr = a.s_addr & n->mask;
}

static struct fnode *new_node(enum fkind kind, struct fnode *a,
			      struct fnode *b)
{
	struct fnode *n = xzalloc(sizeof(*n));

	n->kind = kind;
	n->a = a;
	n->b = b;
	return n;
}

static struct fnode *parse_or(struct lexer *lx);

static struct fnode *parse_cond(struct lexer *lx)
{
	const char *t = next_tok(lx, "a condition");
	struct fnode *n;
	int op;

	if (tok_is(t, "sport", "dport", NULL)) {
		n = new_node(t[0] == 's' ? F_SPORT : F_DPORT, NULL, NULL);
		op = parse_op(peek(lx));
		if (op >= 0)
			lx->pos++;
		n->op = op < 0 ? OP_EQ : op;
		n->port = parse_port(next_tok(lx, "a port"));
		if (n->port < 0 && n->op != OP_EQ)
			die("filter: '*' only with '='");
		return n;
	}
	if (tok_is(t, "src", "dst", NULL)) {
		n = new_node(t[0] == 's' ? F_SRC : F_DST, NULL, NULL);
		op = parse_op(peek(lx));
		if (op >= 0)
			lx->pos++;
		if (op >= 0 && op != OP_EQ && op != OP_NE)
			die("filter: %s takes only = or !=", t);
		n->op = op < 0 ? OP_EQ : op;
		parse_host(next_tok(lx, "an address"), n);
		return n;
	}
	die("filter: unknown word '%s' (sport, dport, src, dst, and, or, not, parentheses)",
	    t);
}

static struct fnode *parse_unary(struct lexer *lx)
{
	const char *t = peek(lx);
	struct fnode *n;

	if (tok_is(t, "not", "!", NULL)) {
		lx->pos++;
		return new_node(F_NOT, parse_unary(lx), NULL);
	}
	if (tok_is(t, "(", NULL, NULL)) {
		lx->pos++;
		n = parse_or(lx);
		if (!tok_is(peek(lx), ")", NULL, NULL))
			die("filter: ')' missing");
		lx->pos++;
		return n;
	}
	return parse_cond(lx);
}

static struct fnode *parse_and(struct lexer *lx)
{
	struct fnode *n = parse_unary(lx);
	const char *t;

	while ((t = peek(lx)) && !tok_is(t, "or", "||", "|") &&
	       strcmp(t, ")")) {
		if (tok_is(t, "and", "&&", "&"))
			lx->pos++;
		n = new_node(F_AND, n, parse_unary(lx));
	}
	return n;
}

static struct fnode *parse_or(struct lexer *lx)
{
	struct fnode *n = parse_and(lx);

	while (tok_is(peek(lx), "or", "||", "|")) {
		lx->pos++;
		n = new_node(F_OR, n, parse_and(lx));
	}
	return n;
}

/* The filter's arguments: the states into o->states, the rest o->filter. */
static void parse_filter(struct options *o, char **argv, int argc)
{
	struct lexer lx = { 0 };
	unsigned int states = 0, excluded = 0;
	bool have_states = false;
	const char *t;

	lex(&lx, argv, argc);
	while ((t = peek(&lx)) && tok_is(t, "state", "exclude", NULL)) {
		lx.pos++;
		if (t[0] == 's') {
			states |= parse_state(next_tok(&lx, "a state"));
			have_states = true;
		} else {
			excluded |= parse_state(next_tok(&lx, "a state"));
		}
	}
	if (peek(&lx)) {
		o->filter = parse_or(&lx);
		if (peek(&lx))
			die("filter: unexpected '%s'", peek(&lx));
	}
	if (!have_states) {
		if (o->all)
			states = SF_SHOWN;
		else if (o->listening)
			states = SF(ST_LISTEN);
		else if (o->summary)
			states = SF_SHOWN;
		else
			states = SF_DEFAULT;
	}
	o->states = states & ~excluded;
}

static bool cmp_port(enum fop op, int have, int want)
{
	switch (op) {
	case OP_EQ:
		return want < 0 || have == want;
	case OP_NE:
		return have != want;
	case OP_LT:
		return have < want;
	case OP_LE:
		return have <= want;
	case OP_GT:
		return have > want;
	case OP_GE:
		return have >= want;
	}
	return false;
}

static bool match_host(const struct fnode *n, __u32 addr, int port)
{
	bool m = (n->any_addr || (addr & n->mask) == n->addr) &&
		 (n->port < 0 || n->port == port);

	return n->op == OP_NE ? !m : m;
}

static bool match(const struct fnode *n, const struct inet_diag_msg *r)
{
	int sport = ntohs(r->id.idiag_sport), dport = ntohs(r->id.idiag_dport);

	if (!n)
		return true;
	switch (n->kind) {
	case F_AND:
		return match(n->a, r) && match(n->b, r);
	case F_OR:
		return match(n->a, r) || match(n->b, r);
	case F_NOT:
		return !match(n->a, r);
	case F_SPORT:
		return cmp_port(n->op, sport, n->port);
	case F_DPORT:
		return cmp_port(n->op, dport, n->port);
	case F_SRC:
		return match_host(n, r->id.idiag_src[0], sport);
	case F_DST:
		return match_host(n, r->id.idiag_dst[0], dport);
	}
	return false;
}

/* ------------------------------------------------------------ netlink */

/* One socket as the kernel described it. */
struct entry {
	struct inet_diag_msg msg;
	struct xtcp_info info;
	unsigned int info_len;		/* 0: no INET_DIAG_INFO */
	char cong[CONG_LEN];		/* "": no INET_DIAG_CONG */
	__u32 skmem[SK_MEMINFO_VARS];
	unsigned int skmem_n;		/* 0: no INET_DIAG_SKMEMINFO */
	struct inet_diag_meminfo mem;
	bool has_mem, has_shutdown;
	__u8 shutdown;
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

struct diag_req {
	struct nlmsghdr nlh;
	struct inet_diag_req_v2 r;
};

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
			NETLINK_SOCK_DIAG);

	if (fd < 0) {
		err_msg(errno, "socket(AF_NETLINK, NETLINK_SOCK_DIAG)");
		exit(1);
	}
	return fd;
}

static int nl_send(int fd, const void *msg, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t r;

	do
		r = sendto(fd, msg, len, 0, (struct sockaddr *)&sa,
			   sizeof(sa));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return 0;
}

/* One datagram from the kernel into @buf; its length, or -errno. */
static ssize_t nl_recv(int fd, void *buf, size_t len)
{
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t r;

	do
		r = recvmsg(fd, &mh, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	return r;
}

static void parse_attrs(struct entry *e, const struct nlmsghdr *h)
{
	const struct rtattr *rta;
	unsigned int n;
	int len;

	len = h->nlmsg_len - NLMSG_LENGTH(sizeof(e->msg));
	rta = (const struct rtattr *)((const char *)NLMSG_DATA(h) +
				      NLMSG_ALIGN(sizeof(e->msg)));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		n = RTA_PAYLOAD(rta);
		switch (rta->rta_type) {
		case INET_DIAG_INFO:
			e->info_len = n < sizeof(e->info) ? n : sizeof(e->info);
			memcpy(&e->info, RTA_DATA(rta), e->info_len);
			break;
		case INET_DIAG_CONG:
			if (n >= sizeof(e->cong))
				n = sizeof(e->cong) - 1;
			memcpy(e->cong, RTA_DATA(rta), n);
			e->cong[n] = 0;
			break;
		case INET_DIAG_SKMEMINFO:
			n /= sizeof(__u32);
			e->skmem_n = n < SK_MEMINFO_VARS ? n : SK_MEMINFO_VARS;
			memcpy(e->skmem, RTA_DATA(rta),
			       e->skmem_n * sizeof(__u32));
			break;
		case INET_DIAG_MEMINFO:
			if (n >= sizeof(e->mem)) {
				memcpy(&e->mem, RTA_DATA(rta), sizeof(e->mem));
				e->has_mem = true;
			}
			break;
		case INET_DIAG_SHUTDOWN:
			if (n >= 1) {
				e->shutdown = *(const __u8 *)RTA_DATA(rta);
				e->has_shutdown = true;
			}
			break;
		}
	}
}

static unsigned int msg_state(const struct inet_diag_msg *r)
{
	return r->idiag_state == ST_NEW_SYN_RECV ? ST_SYN_RECV :
	       r->idiag_state;
}

/*
 * Send @req and read the answers to it: each message that is neither the
 * end of a dump nor an error goes to @on_msg (when given), which returns
 * 0 to go on or -errno to stop.  Returns 0 at the dump's end or on an
 * acknowledgement, else -errno.
 */
static int nl_exchange(int fd, const struct diag_req *req,
		       int (*on_msg)(const struct nlmsghdr *h, void *ctx),
		       void *ctx)
{
	static char buf[RECV_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *h;
	ssize_t len;
	int err;

	err = nl_send(fd, req, sizeof(*req));
	if (err)
		return err;
	for (;;) {
		len = nl_recv(fd, buf, sizeof(buf));
		if (len < 0)
			return len;
		if (len == 0)
			return -EPIPE;
		for (h = (struct nlmsghdr *)buf;
		     len > 0 && NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			const struct nlmsgerr *ne = NLMSG_DATA(h);

			if (h->nlmsg_seq != req->nlh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
					err = *(const int *)NLMSG_DATA(h);
					if (err < 0)
						return err;
				}
				return 0;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ne)))
					return -EPROTO;
				return ne->error;
			}
			if (on_msg) {
				err = on_msg(h, ctx);
				if (err)
					return err;
			}
		}
	}
}

struct dump_ctx {
	const struct options *o;
	struct entries *out;
};

/* One socket of a dump: kept in the list when the filter takes it. */
static int dump_msg(const struct nlmsghdr *h, void *ctx)
{
	const struct dump_ctx *d = ctx;
	const struct inet_diag_msg *r;
	struct entries *out = d->out;
	struct entry *e;

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*r)))
		return 0;
	r = NLMSG_DATA(h);
	if (r->idiag_family != AF_INET ||
	    !(d->o->states & SF(msg_state(r))) || !match(d->o->filter, r))
		return 0;
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->e = xrealloc(out->e, out->cap * sizeof(*out->e));
	}
	e = &out->e[out->n++];
	memset(e, 0, sizeof(*e));
	e->msg = *r;
	parse_attrs(e, h);
	return 0;
}

/*
 * Dump the sockets in @states with the attributes @ext asks for; those
 * that match the filter go into @out.  Returns 0 or -errno.
 */
static int diag_dump(int fd, const struct options *o, __u8 ext,
		     struct entries *out)
{
	struct diag_req req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.r = {
			.sdiag_family = AF_INET,
			.sdiag_protocol = o->ipproto,
			.idiag_ext = ext,
			.idiag_states = o->states,
		},
	};
	struct dump_ctx d = { .o = o, .out = out };

	return nl_exchange(fd, &req, dump_msg, &d);
}

/* SOCK_DESTROY for one socket: 0 or -errno. */
static int diag_destroy(int fd, const struct options *o,
			const struct inet_diag_msg *m, __u32 seq)
{
	struct diag_req req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = SOCK_DESTROY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			.nlmsg_seq = seq,
		},
		.r = {
			.sdiag_family = AF_INET,
			.sdiag_protocol = o->ipproto,
			.idiag_states = SF(m->idiag_state),
			.id = m->id,
		},
	};

	return nl_exchange(fd, &req, NULL, NULL);
}

/* ------------------------------------------------------------- output */

struct widths {
	int state, rq, wq, local, peer;
};

static const char *fmt_ep(__u32 addr, __be16 port, char *buf)
{
	char a[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (port)
		snprintf(buf, ADDR_LEN, "%s:%u", a, ntohs(port));
	else
		snprintf(buf, ADDR_LEN, "%s:*", a);
	return buf;
}

static int num_width(unsigned long long v)
{
	int w = 1;

	while (v >= 10) {
		v /= 10;
		w++;
	}
	return w;
}

static void measure(const struct entries *es, struct widths *w)
{
	char a[ADDR_LEN];
	size_t i;
	int n;

	w->state = 10;		/* FIN-WAIT-1 */
	w->rq = 6;		/* Recv-Q */
	w->wq = 6;
	w->local = strlen("Local Address:Port");
	w->peer = strlen("Peer Address:Port");
	for (i = 0; i < es->n; i++) {
		const struct inet_diag_msg *r = &es->e[i].msg;

		n = num_width(r->idiag_rqueue);
		w->rq = n > w->rq ? n : w->rq;
		n = num_width(r->idiag_wqueue);
		w->wq = n > w->wq ? n : w->wq;
		n = strlen(fmt_ep(r->id.idiag_src[0], r->id.idiag_sport, a));
		w->local = n > w->local ? n : w->local;
		n = strlen(fmt_ep(r->id.idiag_dst[0], r->id.idiag_dport, a));
		w->peer = n > w->peer ? n : w->peer;
	}
}

static void print_header(const struct options *o, const struct widths *w)
{
	if (o->no_header)
		return;
	printf("%-*s %-*s %-*s %-*s %s\n", w->state, "State", w->rq, "Recv-Q",
	       w->wq, "Send-Q", w->local, "Local Address:Port",
	       "Peer Address:Port");
}

/* 476ms, 9.501sec, 59sec, 1min30sec, 12min: ss's print_ms_timer(). */
static const char *fmt_ms(unsigned int ms, char *buf, size_t len)
{
	unsigned int min = ms / 60000, sec = ms / 1000 % 60, msec = ms % 1000;
	size_t n = 0;

	buf[0] = 0;
	if (min) {
		msec = 0;
		n += snprintf(buf, len, "%umin", min);
		if (min > 9)
			sec = 0;
	}
	if (sec) {
		if (sec > 9)
			msec = 0;
		n += snprintf(buf + n, len - n, "%u%s", sec,
			      msec ? "." : "sec");
	}
	if (msec)
		snprintf(buf + n, len - n, "%03u%s", msec, sec ? "sec" : "ms");
	else if (!min && !sec)
		snprintf(buf, len, "0ms");
	return buf;
}

static void print_mem(const struct entry *e)
{
	const __u32 *m = e->skmem;

	if (e->skmem_n > SK_MEMINFO_OPTMEM) {
		printf(" skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u",
		       m[SK_MEMINFO_RMEM_ALLOC], m[SK_MEMINFO_RCVBUF],
		       m[SK_MEMINFO_WMEM_ALLOC], m[SK_MEMINFO_SNDBUF],
		       m[SK_MEMINFO_FWD_ALLOC], m[SK_MEMINFO_WMEM_QUEUED],
		       m[SK_MEMINFO_OPTMEM]);
		if (e->skmem_n > SK_MEMINFO_BACKLOG)
			printf(",bl%u", m[SK_MEMINFO_BACKLOG]);
		if (e->skmem_n > SK_MEMINFO_DROPS)
			printf(",d%u", m[SK_MEMINFO_DROPS]);
		printf(")");
	} else if (e->has_mem) {
		printf(" mem:(r%u,w%u,f%u,t%u)", e->mem.idiag_rmem,
		       e->mem.idiag_wmem, e->mem.idiag_fmem,
		       e->mem.idiag_tmem);
	}
}

static void print_info(const struct entry *e)
{
	const struct xtcp_info *x = &e->info;

	if (x->xtcpi_options & XTCPI_OPT_TIMESTAMPS)
		printf(" ts");
	if (x->xtcpi_options & XTCPI_OPT_SACK)
		printf(" sack");
	if (e->cong[0])
		printf(" %s", e->cong);
	if (x->xtcpi_options & XTCPI_OPT_WSCALE)
		printf(" wscale:%u,%u", x->xtcpi_snd_wscale,
		       x->xtcpi_rcv_wscale);
	printf(" rto:%g rtt:%g/%g", x->xtcpi_rto_us / 1000.0,
	       x->xtcpi_rtt_us / 1000.0, x->xtcpi_rttvar_us / 1000.0);
	if (x->xtcpi_ato_us)
		printf(" ato:%g", x->xtcpi_ato_us / 1000.0);
	printf(" mss:%u rcvmss:%u cwnd:%u", x->xtcpi_snd_mss,
	       x->xtcpi_rcv_mss, x->xtcpi_snd_cwnd);
	if (x->xtcpi_snd_ssthresh && x->xtcpi_snd_ssthresh < 0x7fffffff)
		printf(" ssthresh:%u", x->xtcpi_snd_ssthresh);
	printf(" bytes_acked:%llu bytes_received:%llu segs_out:%llu segs_in:%llu",
	       (unsigned long long)x->xtcpi_bytes_acked,
	       (unsigned long long)x->xtcpi_bytes_received,
	       (unsigned long long)x->xtcpi_segs_out,
	       (unsigned long long)x->xtcpi_segs_in);
	printf(" snd_wnd:%u rcv_wnd:%u", x->xtcpi_snd_wnd, x->xtcpi_rcv_wnd);
	if (x->xtcpi_unacked)
		printf(" unacked:%u", x->xtcpi_unacked);
	if (x->xtcpi_retransmits || x->xtcpi_total_retrans)
		printf(" retrans:%u/%u", x->xtcpi_retransmits,
		       x->xtcpi_total_retrans);
	if (x->xtcpi_lost)
		printf(" lost:%u", x->xtcpi_lost);
	if (x->xtcpi_sacked)
		printf(" sacked:%u", x->xtcpi_sacked);
	if (x->xtcpi_probes)
		printf(" probes:%u", x->xtcpi_probes);
	if (x->xtcpi_notsent_bytes)
		printf(" notsent:%u", x->xtcpi_notsent_bytes);
	if (x->xtcpi_ca_state && x->xtcpi_ca_state < ARRAY_SIZE(ca_name))
		printf(" ca:%s", ca_name[x->xtcpi_ca_state]);
}

static void print_entry(const struct options *o, const struct entry *e,
			const struct widths *w)
{
	const struct inet_diag_msg *r = &e->msg;
	unsigned int st = r->idiag_state, t = r->idiag_timer;
	char a[ADDR_LEN], b[ADDR_LEN], ms[32];
	bool more = (o->timers && t) || o->extended, second;

	printf("%-*s %-*u %-*u %-*s %-*s", w->state,
	       state_name[st < ST_MAX ? st : 0], w->rq, r->idiag_rqueue,
	       w->wq, r->idiag_wqueue, w->local,
	       fmt_ep(r->id.idiag_src[0], r->id.idiag_sport, a),
	       more ? w->peer : 0,
	       fmt_ep(r->id.idiag_dst[0], r->id.idiag_dport, b));
	if (o->timers && t)
		printf(" timer:(%s,%s,%u)",
		       timer_name[t < ARRAY_SIZE(timer_name) ? t :
				  ARRAY_SIZE(timer_name) - 1],
		       fmt_ms(r->idiag_expires, ms, sizeof(ms)),
		       r->idiag_retrans);
	if (o->extended) {
		printf(" uid:%u ino:%u sk:%llx", r->idiag_uid, r->idiag_inode,
		       ((unsigned long long)r->id.idiag_cookie[1] << 32) |
		       r->id.idiag_cookie[0]);
		if (e->has_shutdown)
			printf(" %c-%c", e->shutdown & 1 ? '-' : '<',
			       e->shutdown & 2 ? '-' : '>');
	}
	second = (o->memory && (e->skmem_n || e->has_mem)) ||
		 (o->info && (e->info_len || e->cong[0]));
	if (second) {
		printf("\n\t");
		if (o->memory)
			print_mem(e);
		if (o->info && e->info_len)
			print_info(e);
		else if (o->info && e->cong[0])
			printf(" %s", e->cong);
	}
	printf("\n");
}

/*
 * The namespace's line of /proc/net/xtcp_sockstat, as ss -s shows TCP's
 * of /proc/net/sockstat: sockets in use and TIME_WAIT entries of the
 * namespace, orphans, sockets allocated and pages of memory of the
 * machine.  Nothing when the module has no such file.
 */
static void print_sockstat(void)
{
	FILE *f = fopen(SOCKSTAT_PATH, "r");
	char line[256];

	if (!f)
		return;
	if (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
}

static void print_summary(const struct entries *es)
{
	unsigned long long rq = 0, wq = 0, acc = 0, accmax = 0;
	unsigned int count[ST_MAX] = { 0 }, st;
	size_t i;

	for (i = 0; i < es->n; i++) {
		const struct inet_diag_msg *r = &es->e[i].msg;

		st = msg_state(r);
		count[st < ST_MAX ? st : 0]++;
		if (st == ST_LISTEN) {
			acc += r->idiag_rqueue;
			accmax += r->idiag_wqueue;
		} else {
			rq += r->idiag_rqueue;
			wq += r->idiag_wqueue;
		}
	}
	printf("Total: %zu\n", es->n);
	for (st = 1; st <= ST_CLOSING; st++)
		printf("%-10s %u\n", state_name[st], count[st]);
	if (count[0])
		printf("%-10s %u\n", state_name[0], count[0]);
	printf("Queued: Recv-Q %llu Send-Q %llu bytes in connections, accept queues %llu of %llu\n",
	       rq, wq, acc, accmax);
	print_sockstat();
}

/* ---------------------------------------------------------- the list */

static int read_ipproto(void)
{
	FILE *f = fopen(IPPROTO_PATH, "r");
	int v;

	if (!f)
		return IPPROTO_XTCP;
	if (fscanf(f, "%d", &v) != 1 || v < 1 || v > 255)
		v = IPPROTO_XTCP;
	fclose(f);
	return v;
}

static int kill_all(int fd, const struct options *o, const struct entries *es)
{
	const struct widths *w;
	struct widths ww;
	int err, status = 0;
	size_t i;

	measure(es, &ww);
	w = &ww;
	print_header(o, w);
	for (i = 0; i < es->n; i++) {
		const struct entry *e = &es->e[i];
		char a[ADDR_LEN], b[ADDR_LEN];

		err = diag_destroy(fd, o, &e->msg, 100 + i);
		fmt_ep(e->msg.id.idiag_src[0], e->msg.id.idiag_sport, a);
		fmt_ep(e->msg.id.idiag_dst[0], e->msg.id.idiag_dport, b);
		if (!err) {
			print_entry(o, e, w);
			continue;
		}
		if (err == -EOPNOTSUPP)
			die("SOCK_DESTROY of %s %s: %s: this kernel cannot destroy XTCP sockets (xtcp_diag without destroy, or a kernel without CONFIG_INET_DIAG_DESTROY)",
			    a, b, strerror(-err));
		if (err == -EPERM || err == -EACCES)
			die("SOCK_DESTROY of %s %s: %s: needs CAP_NET_ADMIN",
			    a, b, strerror(-err));
		if (err == -ENOENT) {
			fprintf(stderr, "%s: %s %s: gone before it was killed\n",
				prog, a, b);
			continue;
		}
		err_msg(-err, "SOCK_DESTROY of %s %s", a, b);
		status = 1;
	}
	return status;
}

static int do_list(const struct options *o)
{
	struct entries es = { 0 };
	struct widths w;
	__u8 ext = 0;
	size_t i;
	int fd, err;

	if (o->info)
		ext |= 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1);
	if (o->memory)
		ext |= 1 << (INET_DIAG_SKMEMINFO - 1) |
		       1 << (INET_DIAG_MEMINFO - 1);
	fd = nl_open();
	err = diag_dump(fd, o, ext, &es);
	if (err) {
		if (err == -ENOENT || err == -EOPNOTSUPP ||
		    err == -EPROTONOSUPPORT)
			die("no sock_diag handler for XTCP (AF_INET, IP protocol %d): %s; load inet_diag and xtcp_diag.ko",
			    o->ipproto, strerror(-err));
		err_msg(-err, "sock_diag dump of IP protocol %d", o->ipproto);
		return 1;
	}
	if (o->summary) {
		print_summary(&es);
		err = 0;
	} else if (o->kill) {
		err = kill_all(fd, o, &es);
	} else {
		measure(&es, &w);
		print_header(o, &w);
		for (i = 0; i < es.n; i++)
			print_entry(o, &es.e[i], &w);
		err = 0;
	}
	close(fd);
	free(es.e);
	if (fflush(stdout) || ferror(stdout)) {
		err_msg(errno, "standard output");
		return 1;
	}
	return err;
}

/* ---------------------------------------------------------- counters */

struct counter {
	char name[NAME_LEN];
	unsigned long long val;
};

struct counters {
	struct counter *c;
	size_t n;
};

static void counter_add(struct counters *cs, const char *name,
			unsigned long long val)
{
	struct counter *c;

	cs->c = xrealloc(cs->c, (cs->n + 1) * sizeof(*cs->c));
	c = &cs->c[cs->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->val = val;
}

static const struct counter *counter_find(const struct counters *cs,
					  const char *name)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (!strcmp(cs->c[i].name, name))
			return &cs->c[i];
	return NULL;
}

/* "NAME VALUE" lines of @f ('#' comments skipped) into @cs. */
static void read_counter_lines(FILE *f, struct counters *cs)
{
	char line[256], name[NAME_LEN];
	unsigned long long v;

	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%63s %llu", name, &v) == 2)
			counter_add(cs, name, v);
	}
}

static unsigned long netns_ino(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return 0;
	return st.st_ino;
}

/*
 * The history, when there is one of ours, made in this namespace: 0, or
 * -1 (@cs empty).
 */
static int read_history(const char *path, unsigned long ns,
			struct counters *cs)
{
	unsigned long hns = 0;
	char line[128];
	struct stat st;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != getuid()) {
		close(fd);
		return -1;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -1;
	}
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "#xtcp-ss netns %lu", &hns) != 1 || hns != ns) {
		fclose(f);
		return -1;
	}
	read_counter_lines(f, cs);
	fclose(f);
	return 0;
}

static int write_history(const char *path, unsigned long ns,
			 const struct counters *cs)
{
	char tmp[PATH_MAX];
	size_t i;
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	fprintf(f, "#xtcp-ss netns %lu\n", ns);
	for (i = 0; i < cs->n; i++)
		fprintf(f, "%s %llu\n", cs->c[i].name, cs->c[i].val);
	if (fclose(f) || rename(tmp, path)) {
		i = errno;
		unlink(tmp);
		errno = i;
		return -1;
	}
	return 0;
}

static bool counter_wanted(const struct options *o, const char *name)
{
	int i;

	if (!o->npatterns)
		return true;
	for (i = 0; i < o->npatterns; i++)
		if (!fnmatch(o->patterns[i], name, FNM_CASEFOLD))
			return true;
	return false;
}

static int do_counters(const struct options *o)
{
	struct counters cur = { 0 }, hist = { 0 };
	const char *root = getenv("PROC_ROOT");
	char path[PATH_MAX], hpath[PATH_MAX];
	const struct counter *h;
	bool have_hist = false;
	unsigned long ns = netns_ino();
	long long d;
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/net/xtcp_snmp",
		 root && *root ? root : "/proc");
	f = fopen(path, "r");
	if (!f) {
		err_msg(errno, "%s (is xtcp.ko loaded?)", path);
		return 1;
	}
	read_counter_lines(f, &cur);
	fclose(f);
	if (!cur.n)
		die("%s: no counters in it", path);

	if (o->delta) {
		const char *e = getenv("XTCP_SS_HISTORY");

		if (e && *e)
			snprintf(hpath, sizeof(hpath), "%s", e);
		else
			snprintf(hpath, sizeof(hpath), "/tmp/.xtcp-ss.uid%u",
				 (unsigned int)getuid());
		have_hist = !read_history(hpath, ns, &hist);
	}
	if (!o->no_header)
		printf("#kernel\n");
	for (i = 0; i < cur.n; i++) {
		const struct counter *c = &cur.c[i];

		if (!counter_wanted(o, c->name))
			continue;
		h = have_hist ? counter_find(&hist, c->name) : NULL;
		if (!h) {
			if (c->val || o->zeros)
				printf("%-32s %llu\n", c->name, c->val);
			continue;
		}
		if (strstr(c->name, "Curr"))
			d = (long long)(c->val - h->val);
		else if (c->val >= h->val)
			d = c->val - h->val;
		else
			d = c->val;
		if (d || o->zeros)
			printf("%-32s %lld\n", c->name, d);
	}
	if (o->delta && write_history(hpath, ns, &cur)) {
		err_msg(errno, "history %s", hpath);
		return 1;
	}
	free(cur.c);
	free(hist.c);
	if (fflush(stdout) || ferror(stdout)) {
		err_msg(errno, "standard output");
		return 1;
	}
	return 0;
}

/* -------------------------------------------------------------- main */

enum { OPT_COUNTERS = 256, OPT_IPPROTO };

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "listening", no_argument, NULL, 'l' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "info", no_argument, NULL, 'i' },
		{ "memory", no_argument, NULL, 'm' },
		{ "options", no_argument, NULL, 'o' },
		{ "extended", no_argument, NULL, 'e' },
		{ "summary", no_argument, NULL, 's' },
		{ "kill", no_argument, NULL, 'K' },
		{ "no-header", no_argument, NULL, 'H' },
		{ "counters", no_argument, NULL, OPT_COUNTERS },
		{ "delta", no_argument, NULL, 'd' },
		{ "zeros", no_argument, NULL, 'z' },
		{ "ipproto", required_argument, NULL, OPT_IPPROTO },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->ipproto = -1;
	while ((c = getopt_long(argc, argv, "alnimoesKHdzh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'a':
			o->all = true;
			break;
		case 'l':
			o->listening = true;
			break;
		case 'n':
			break;
		case 'i':
			o->info = true;
			break;
		case 'm':
			o->memory = true;
			break;
		case 'o':
			o->timers = true;
			break;
		case 'e':
			o->extended = true;
			break;
		case 's':
			o->summary = true;
			break;
		case 'K':
			o->kill = true;
			break;
		case 'H':
			o->no_header = true;
			break;
		case 'd':
			o->delta = true;
			break;
		case 'z':
			o->zeros = true;
			break;
		case OPT_COUNTERS:
			o->counters = true;
			break;
		case OPT_IPPROTO:
			o->ipproto = parse_num(optarg, 1, 255, "protocol");
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(1);
		}
	}
	if (o->counters) {
		if (o->all || o->listening || o->info || o->memory ||
		    o->timers || o->extended || o->summary || o->kill)
			die("--counters takes only -d, -z, -H and patterns");
		o->patterns = argv + optind;
		o->npatterns = argc - optind;
		return;
	}
	if (o->delta || o->zeros)
		die("-d and -z go with --counters");
	if (o->summary && o->kill)
		die("-s and -K do not go together");
	if (o->ipproto < 0)
		o->ipproto = read_ipproto();
	parse_filter(o, argv + optind, argc - optind);
}

int main(int argc, char **argv)
{
	struct options o;

	parse_args(argc, argv, &o);
	if (o.counters)
		return do_counters(&o);
	return do_list(&o);
}
