// SPDX-License-Identifier: GPL-2.0
/*
 * libxtcp-run.so - run an unmodified TCP program over XTCP (LD_PRELOAD)
 *
 * SYNOPSIS
 *	xtcp-run [OPTIONS] CMD [ARGS...]	(the wrapper, see xtcp-run)
 *	LD_PRELOAD=/path/to/libxtcp-run.so CMD [ARGS...]
 *
 * DESCRIPTION
 *	Wraps socket() so that a TCP socket of the program,
 *	socket(AF_INET, SOCK_STREAM[|SOCK_NONBLOCK|SOCK_CLOEXEC], 0 or
 *	IPPROTO_TCP), is opened as socket(AF_INET, SOCK_STREAM[|flags], P)
 *	instead: XTCP through the inet family's entry, P the IP protocol
 *	number the module carries XTCP in, read from
 *	/sys/module/xtcp/parameters/ipproto.  Everything else (UDP, unix,
 *	netlink, raw sockets, SOCK_STREAM of another protocol) is left
 *	alone.
 *
 *	XTCP not loaded: the program's socket() fails with EPROTONOSUPPORT
 *	(what the kernel answers for protocol 253 without the module) and a
 *	line on standard error says why.  Never a silent fall-back to TCP.
 *
 *	IPv6: XTCP is IPv4-only.  socket(AF_INET6, SOCK_STREAM, 0 or
 *	IPPROTO_TCP) fails with EAFNOSUPPORT and a line on standard error,
 *	so that programs that try IPv4 after IPv6 (curl, socat, iperf3 and
 *	nginx with their -4 or an IPv4 address) do so, and the others stop
 *	and say so.  XTCP_RUN_INET6=tcp lets IPv6 stream sockets stay Linux
 *	TCP instead, with a warning printed once per process.  Never
 *	silently.
 *
 *	getsockopt(SOL_SOCKET, SO_PROTOCOL) on an inet XTCP socket answers
 *	IPPROTO_TCP (XTCP's socket says its own number, 253): what a TCP
 *	program expects of its sockets.  SOL_TCP options pass through
 *	unchanged: XTCP answers at SOL_TCP the TCP options it shares,
 *	TCP_INFO included (see include/uapi/linux/xtcp.h); those it lacks
 *	fail with ENOPROTOOPT, as the program sees.
 *
 * SELECTIVE MODE
 *	XTCP_RUN_PORTS=P[,P...] and/or XTCP_RUN_ADDRS=A[,A...] (IPv4,
 *	dotted): only the sockets that match become XTCP, the others stay
 *	Linux TCP.  A socket matches when its connect() destination (or a
 *	sendto()/sendmsg() destination, TCP Fast Open's implicit connect),
 *	or the local address of its bind(), has a port of the port list and
 *	an address of the address list; a list not given matches anything
 *	(both given: both must match).  A bind() to INADDR_ANY matches no
 *	address of the list (a server bound to the wildcard is selected by
 *	its port).
 *
 *	The decision waits for bind() or connect(): socket() makes a Linux
 *	TCP socket and keeps a record of it (its setsockopt() calls that
 *	succeeded, whether it is bound).  When a bind() or a connect()
 *	matches, the shim makes an XTCP socket, gives it the recorded
 *	options, O_NONBLOCK and O_ASYNC (from F_GETFL), FD_CLOEXEC, the
 *	local address of the TCP socket when it was bound (connect() after
 *	a bind() that did not match), and puts it in the TCP socket's place
 *	with dup3(): the program keeps its descriptor number.  An option
 *	XTCP refuses is reported on standard error (the program saw it
 *	succeed on TCP).  listen(), or a connect() that does not match,
 *	leaves the socket on TCP for good.  The record notices a
 *	descriptor reused behind its back (a close() it did not see) by the
 *	socket's inode.  In selective mode an IPv6 socket is refused (or
 *	kept on TCP with XTCP_RUN_INET6=tcp) at the bind() or connect()
 *	that matches, with EAFNOSUPPORT; one that does not match stays TCP.
 *
 * ENVIRONMENT
 *	XTCP_RUN_PORTS, XTCP_RUN_ADDRS	selective mode, above
 *	XTCP_RUN_INET6=refuse|tcp	IPv6 stream sockets (default refuse)
 *	XTCP_RUN_VERBOSE=1		a line on standard error for each
 *					socket made XTCP (or left on TCP)
 *	XTCP_RUN_IPPROTO_FILE		where the protocol number is read
 *					(default the module parameter; for
 *					tests)
 *	A malformed list or value stops the program at its start, status 2,
 *	with a message.  The environment, LD_PRELOAD included, passes to
 *	the program's children: they run over XTCP too.
 *
 * LIMITS
 *	Only calls through the dynamic symbols socket, bind, connect,
 *	listen, setsockopt, getsockopt, close, sendto and sendmsg are seen:
 *	statically linked programs (Go's, for instance), raw syscall()s and
 *	set-user-ID programs (the loader ignores LD_PRELOAD) are not
 *	converted; the xtcp-run wrapper refuses the first and the last.  In
 *	selective mode, an undecided socket passed through exec() or
 *	duplicated (dup()) before its bind() or connect() is decided for the
 *	descriptor the program uses only, and one the program put in an
 *	epoll set before its bind() or connect() leaves the set when it is
 *	replaced (programs register a socket after connect(), as a rule).
 */

#define _GNU_SOURCE		/* RTLD_NEXT, dup3 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

#define IPPROTO_FILE	"/sys/module/xtcp/parameters/ipproto"
#define MAX_LIST	64	/* ports or addresses in a list */
#define MAX_OPTS	32	/* recorded options of one socket */
#define MAX_OPTLEN	128	/* bytes of one recorded option */

static int (*real_socket)(int, int, int);
static int (*real_bind)(int, const struct sockaddr *, socklen_t);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_listen)(int, int);
static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
static int (*real_getsockopt)(int, int, int, void *, socklen_t *);
static int (*real_close)(int);
static ssize_t (*real_sendto)(int, const void *, size_t, int,
			      const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);

/* The configuration, from the environment, set once at load. */
static bool verbose;
static bool inet6_tcp;			/* XTCP_RUN_INET6=tcp */
static bool selective;			/* a list is given */
static unsigned short ports[MAX_LIST];	/* host order */
static int nports = -1;			/* -1: no list */
static struct in_addr addrs[MAX_LIST];
static int naddrs = -1;
static const char *ipproto_file = IPPROTO_FILE;

/* A socket of selective mode whose fate is not decided yet. */
struct opt {
	int level, name;
	socklen_t len;
	unsigned char val[MAX_OPTLEN];
};

struct track {
	int family;
	dev_t dev;
	ino_t ino;			/* the socket's, to notice reuse */
	bool bound;
	int nopts;
	int lost;			/* options too long to record */
	struct opt opts[MAX_OPTS];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct track **tab;		/* by descriptor */
static int tab_len;

/* ------------------------------------------------------------ messages */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* say: one line on standard error, "xtcp-run[PID]: ...", in one write. */
static void say(const char *fmt, ...)
{
	char buf[512];
	int n, e = errno;
	va_list ap;

	n = snprintf(buf, sizeof(buf), "xtcp-run[%d]: ", (int)getpid());
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	buf[n++] = '\n';
	if (write(2, buf, n) < 0) {
		/* Nothing to do: standard error is gone. */
	}
	errno = e;
}

#define vsay(...) do { if (verbose) say(__VA_ARGS__); } while (0)

static const char *fam_name(int family)
{
	return family == AF_INET6 ? "AF_INET6" : "AF_INET";
}

/* ------------------------------------------------------- configuration */

static void die_env(const char *var, const char *val, const char *why)
{
	say("%s=\"%s\": %s", var, val, why);
	_exit(2);
}

static void parse_ports(const char *s)
{
	const char *p = s;

	nports = 0;
	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 1 || v > 65535 || (*end && *end != ','))
			die_env("XTCP_RUN_PORTS", s,
				"want ports 1..65535 separated by commas");
		if (nports == MAX_LIST)
			die_env("XTCP_RUN_PORTS", s, "too many ports");
		ports[nports++] = v;
		p = *end ? end + 1 : end;
	}
	if (!nports)
		die_env("XTCP_RUN_PORTS", s, "no port");
}

static void parse_addrs(const char *s)
{
	const char *p = s;

	naddrs = 0;
	while (*p) {
		const char *end = strchrnul(p, ',');
		char one[INET_ADDRSTRLEN];

		if (end - p >= (long)sizeof(one))
			die_env("XTCP_RUN_ADDRS", s, "want IPv4 addresses separated by commas");
		memcpy(one, p, end - p);
		one[end - p] = 0;
		if (naddrs == MAX_LIST)
			die_env("XTCP_RUN_ADDRS", s, "too many addresses");
		if (inet_pton(AF_INET, one, &addrs[naddrs]) != 1)
			die_env("XTCP_RUN_ADDRS", s,
				"want IPv4 addresses separated by commas");
		naddrs++;
		p = *end ? end + 1 : end;
	}
	if (!naddrs)
		die_env("XTCP_RUN_ADDRS", s, "no address");
}

static void *sym(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f) {
		say("no symbol %s after the shim: %s", name, dlerror());
		_exit(2);
	}
	return f;
}

__attribute__((constructor))
static void init(void)
{
	const char *v;

	real_socket = sym("socket");
	real_bind = sym("bind");
	real_connect = sym("connect");
	real_listen = sym("listen");
	real_setsockopt = sym("setsockopt");
	real_getsockopt = sym("getsockopt");
	real_close = sym("close");
	real_sendto = sym("sendto");
	real_sendmsg = sym("sendmsg");

	v = getenv("XTCP_RUN_VERBOSE");
	verbose = v && *v && strcmp(v, "0");
	v = getenv("XTCP_RUN_INET6");
	if (v && *v) {
		if (!strcmp(v, "tcp"))
			inet6_tcp = true;
		else if (strcmp(v, "refuse"))
			die_env("XTCP_RUN_INET6", v, "want refuse or tcp");
	}
	v = getenv("XTCP_RUN_PORTS");
	if (v && *v)
		parse_ports(v);
	v = getenv("XTCP_RUN_ADDRS");
	if (v && *v)
		parse_addrs(v);
	selective = nports >= 0 || naddrs >= 0;
	v = getenv("XTCP_RUN_IPPROTO_FILE");
	if (v && *v)
		ipproto_file = v;
}

/*
 * ipproto: the IP protocol number of XTCP in force, or -1 (errno set)
 * when the module is not loaded.  Read again until it is found: the
 * module may come after the program started.
 */
static int ipproto_cached = -1;

static int ipproto(void)
{
	int fd, v = __atomic_load_n(&ipproto_cached, __ATOMIC_RELAXED);
	char buf[16];
	ssize_t n;

	if (v > 0)
		return v;
	fd = open(ipproto_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	real_close(fd);
	if (n <= 0) {
		errno = n ? errno : EINVAL;
		return -1;
	}
	buf[n] = 0;
	v = atoi(buf);
	if (v <= 0 || v > 255) {
		errno = EINVAL;
		return -1;
	}
	__atomic_store_n(&ipproto_cached, v, __ATOMIC_RELAXED);
	return v;
}

/* not_loaded WHAT: the message for a socket refused without XTCP. */
static void not_loaded(const char *what)
{
	say("%s refused: XTCP is not loaded (cannot read %s: %s); "
	    "not falling back to TCP", what, ipproto_file, strerror(errno));
	errno = EPROTONOSUPPORT;
}

static void inet6_refused(const char *what)
{
	say("%s refused (EAFNOSUPPORT): XTCP is IPv4-only; use IPv4 "
	    "(often -4), or XTCP_RUN_INET6=tcp to leave IPv6 on TCP", what);
	errno = EAFNOSUPPORT;
}

static void inet6_kept(void)
{
	static int once;

	if (!__atomic_exchange_n(&once, 1, __ATOMIC_RELAXED))
		say("warning: XTCP_RUN_INET6=tcp: IPv6 stream sockets stay "
		    "Linux TCP, not XTCP");
}

/* ------------------------------------------------------ selective mode */

static bool port_listed(unsigned short port)
{
	int i;

	if (nports < 0)
		return true;
	for (i = 0; i < nports; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static bool addr_listed(struct in_addr a)
{
	int i;

	if (naddrs < 0)
		return true;
	for (i = 0; i < naddrs; i++)
		if (addrs[i].s_addr == a.s_addr)
			return true;
	return false;
}

/*
 * matches: whether address @sa (of a bind(), @local, or a destination)
 * is selected; its text in @txt.  An IPv6 address matches the address
 * list only as an IPv4-mapped one; a wildcard never.
 */
static bool matches(const struct sockaddr *sa, socklen_t len, bool local,
		    char *txt, size_t txtlen)
{
	struct in_addr a;
	unsigned short port;
	bool addr_ok;

	snprintf(txt, txtlen, "?");
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const void *)sa;

		a = sin->sin_addr;
		port = ntohs(sin->sin_port);
		addr_ok = addr_listed(a) &&
			  (naddrs < 0 || !local || a.s_addr != htonl(INADDR_ANY));
		inet_ntop(AF_INET, &a, txt, txtlen);
	} else if (sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		port = ntohs(sin6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memcpy(&a, &sin6->sin6_addr.s6_addr[12], 4);
			addr_ok = addr_listed(a);
		} else {
			addr_ok = naddrs < 0;
		}
		inet_ntop(AF_INET6, &sin6->sin6_addr, txt, txtlen);
	} else {
		return false;
	}
	snprintf(txt + strlen(txt), txtlen - strlen(txt), ":%u", port);
	return addr_ok && port_listed(port);
}

static bool sock_id(int fd, dev_t *dev, ino_t *ino)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode))
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

/* untrack: forget descriptor @fd (nothing if it is not tracked). */
static void untrack(int fd)
{
	struct track *t = NULL;

	pthread_mutex_lock(&lock);
	if (fd >= 0 && fd < tab_len) {
		t = tab[fd];
		tab[fd] = NULL;
	}
	pthread_mutex_unlock(&lock);
	free(t);
}

/* track: keep a record of the new undecided socket @fd. */
static void track(int fd, int family)
{
	struct track *t = calloc(1, sizeof(*t)), *old = NULL;

	if (!t || !sock_id(fd, &t->dev, &t->ino)) {
		say("fd %d: cannot keep a record of the socket: it stays TCP", fd);
		free(t);
		return;
	}
	t->family = family;
	pthread_mutex_lock(&lock);
	if (fd >= tab_len) {
		int n = fd < 64 ? 128 : fd * 2;
		struct track **nt = realloc(tab, n * sizeof(*nt));

		if (!nt) {
			pthread_mutex_unlock(&lock);
			say("fd %d: cannot keep a record of the socket: it stays TCP", fd);
			free(t);
			return;
		}
		memset(nt + tab_len, 0, (n - tab_len) * sizeof(*nt));
		tab = nt;
		tab_len = n;
	}
	old = tab[fd];
	tab[fd] = t;
	pthread_mutex_unlock(&lock);
	free(old);
}

/*
 * take: the record of @fd, taken out of the table (the caller frees it
 * or puts it back), or NULL when @fd is not an undecided socket.  A
 * record whose socket is no longer behind @fd (closed without close(),
 * by exec or the C library's own calls) is dropped.
 */
static struct track *take(int fd)
{
	struct track *t = NULL;
	dev_t dev;
	ino_t ino;

	if (!selective)
		return NULL;
	pthread_mutex_lock(&lock);
	if (fd >= 0 && fd < tab_len) {
		t = tab[fd];
		tab[fd] = NULL;
	}
	pthread_mutex_unlock(&lock);
	if (t && (!sock_id(fd, &dev, &ino) || dev != t->dev || ino != t->ino)) {
		free(t);
		t = NULL;
	}
	return t;
}

static void put_back(int fd, struct track *t)
{
	pthread_mutex_lock(&lock);
	if (fd < tab_len && !tab[fd]) {
		tab[fd] = t;
		t = NULL;
	}
	pthread_mutex_unlock(&lock);
	free(t);
}

/*
 * convert: put an XTCP socket in the place of undecided socket @fd,
 * with its options and flags; @rebind: bind it where @fd is bound.
 * 0, or -1 with errno (@fd is then still the TCP socket).
 */
static int convert(int fd, struct track *t, bool rebind, const char *why)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	int p, nfd, fl, fdfl, i, e;

	p = ipproto();
	if (p < 0) {
		char what[200];

		snprintf(what, sizeof(what), "fd %d: %s", fd, why);
		not_loaded(what);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	fdfl = fcntl(fd, F_GETFD);
	if (fl < 0 || fdfl < 0)
		return -1;
	if (rebind && getsockname(fd, (struct sockaddr *)&local, &llen))
		return -1;
	nfd = real_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, p);
	if (nfd < 0) {
		e = errno;
		say("fd %d: %s: socket(AF_INET, SOCK_STREAM, %d): %s; "
		    "not falling back to TCP", fd, why, p, strerror(e));
		errno = e;
		return -1;
	}
	for (i = 0; i < t->nopts; i++) {
		struct opt *o = &t->opts[i];

		if (real_setsockopt(nfd, o->level, o->name, o->val, o->len))
			say("fd %d: %s: the option (level %d, %d) set on TCP "
			    "before is refused by XTCP: %s", fd, why,
			    o->level, o->name, strerror(errno));
	}
	if (t->lost)
		say("fd %d: %s: %d option(s) set on TCP before, longer than %d "
		    "bytes, were not carried over", fd, why, t->lost,
		    MAX_OPTLEN);
	if (fcntl(nfd, F_SETFL, fl) ||
	    dup3(nfd, fd, (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0) {
		e = errno;
		say("fd %d: %s: cannot put the XTCP socket in place: %s",
		    fd, why, strerror(e));
		real_close(nfd);
		errno = e;
		return -1;
	}
	real_close(nfd);
	/*
	 * After the TCP socket is gone (XTCP's ports are its own anyway):
	 * a failure leaves @fd an unbound XTCP socket, the call failing.
	 */
	if (rebind && real_bind(fd, (struct sockaddr *)&local, llen)) {
		e = errno;
		say("fd %d: %s: cannot bind the XTCP socket where the TCP "
		    "one was: %s", fd, why, strerror(e));
		errno = e;
		return -1;
	}
	vsay("fd %d: %s: now XTCP (IP protocol %d), %d option(s) carried over",
	     fd, why, p, t->nopts);
	return 0;
}

enum { KEEP, CONVERTED, FAILED };

/*
 * decide: at a bind() (@local) or a connect() to @sa, the fate of @fd:
 * KEEP (call on as TCP), CONVERTED (now XTCP: call on) or FAILED (errno
 * set).  @op names the call for messages.
 */
static int decide(int fd, const struct sockaddr *sa, socklen_t len,
		  bool local, const char *op)
{
	struct track *t = take(fd);
	char txt[INET6_ADDRSTRLEN + 8], why[160];
	int r;

	if (!t)
		return KEEP;
	if (!matches(sa, len, local, txt, sizeof(txt))) {
		vsay("fd %d: %s %s not selected: stays TCP%s", fd, op, txt,
		     local ? " for now" : "");
		if (local)
			put_back(fd, t);
		else
			free(t);
		return KEEP;
	}
	snprintf(why, sizeof(why), "%s %s", op, txt);
	if (t->family == AF_INET6) {
		free(t);
		if (inet6_tcp) {
			inet6_kept();
			return KEEP;
		}
		snprintf(why, sizeof(why), "fd %d: %s %s: AF_INET6 socket",
			 fd, op, txt);
		inet6_refused(why);
		return FAILED;
	}
	r = convert(fd, t, !local && t->bound, why);
	free(t);
	return r ? FAILED : CONVERTED;
}

/* -------------------------------------------------------- the wrappers */

EXPORT int socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd, p;

	if (base != SOCK_STREAM || (protocol && protocol != IPPROTO_TCP) ||
	    (domain != AF_INET && domain != AF_INET6)) {
		fd = real_socket(domain, type, protocol);
		if (selective && fd >= 0)
			untrack(fd);
		return fd;
	}
	if (domain == AF_INET6 && !selective) {
		if (inet6_tcp) {
			inet6_kept();
			return real_socket(domain, type, protocol);
		}
		inet6_refused("socket(AF_INET6, SOCK_STREAM)");
		return -1;
	}
	if (selective) {
		fd = real_socket(domain, type, protocol);
		if (fd >= 0) {
			track(fd, domain);
			vsay("fd %d: socket(%s, SOCK_STREAM, %d): TCP until "
			     "its bind() or connect()", fd, fam_name(domain),
			     protocol);
		}
		return fd;
	}
	p = ipproto();
	if (p < 0) {
		not_loaded("socket(AF_INET, SOCK_STREAM)");
		return -1;
	}
	fd = real_socket(AF_INET, type, p);
	if (fd < 0) {
		int e = errno;

		say("socket(AF_INET, SOCK_STREAM, %d): %s; not falling back "
		    "to TCP", p, strerror(e));
		errno = e;
		return -1;
	}
	vsay("fd %d: socket(AF_INET, SOCK_STREAM, %d): XTCP (IP protocol %d)",
	     fd, protocol, p);
	return fd;
}

EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct track *t;
	int r;

	if (!selective)
		return real_bind(fd, sa, len);
	if (decide(fd, sa, len, true, "bind") == FAILED)
		return -1;
	r = real_bind(fd, sa, len);
	/* Still undecided (not selected): remember it is bound. */
	if (!r) {
		t = take(fd);
		if (t) {
			t->bound = true;
			put_back(fd, t);
		}
	}
	return r;
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (selective && decide(fd, sa, len, false, "connect") == FAILED)
		return -1;
	return real_connect(fd, sa, len);
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
		      const struct sockaddr *sa, socklen_t len)
{
	if (selective && sa &&
	    decide(fd, sa, len, false, "sendto") == FAILED)
		return -1;
	return real_sendto(fd, buf, n, flags, sa, len);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (selective && msg && msg->msg_name &&
	    decide(fd, msg->msg_name, msg->msg_namelen, false,
		   "sendmsg") == FAILED)
		return -1;
	return real_sendmsg(fd, msg, flags);
}

EXPORT int listen(int fd, int backlog)
{
	struct track *t = take(fd);

	if (t) {
		vsay("fd %d: listen() on a socket not selected: stays TCP", fd);
		free(t);
	}
	return real_listen(fd, backlog);
}

EXPORT int setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	int r = real_setsockopt(fd, level, name, val, len);
	struct track *t;
	int i;

	if (r || !selective)
		return r;
	t = take(fd);
	if (!t)
		return r;
	if (len > MAX_OPTLEN || (len && !val)) {
		t->lost++;
	} else {
		for (i = 0; i < t->nopts; i++)
			if (t->opts[i].level == level && t->opts[i].name == name)
				break;
		if (i == MAX_OPTS) {
			t->lost++;
		} else {
			if (i == t->nopts)
				t->nopts++;
			t->opts[i].level = level;
			t->opts[i].name = name;
			t->opts[i].len = len;
			if (len)
				memcpy(t->opts[i].val, val, len);
		}
	}
	put_back(fd, t);
	return r;
}

EXPORT int getsockopt(int fd, int level, int name, void *val,
		      socklen_t *len)
{
	int r = real_getsockopt(fd, level, name, val, len);
	int p, dom = 0, e = errno;
	socklen_t dlen = sizeof(dom);

	if (r || level != SOL_SOCKET || name != SO_PROTOCOL || !val ||
	    !len || *len < sizeof(int))
		return r;
	/* Only an inet socket of XTCP's number: AF_XTCP ones say theirs. */
	p = ipproto();
	if (p > 0 && *(int *)val == p &&
	    !real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dlen) &&
	    dom == AF_INET)
		*(int *)val = IPPROTO_TCP;
	errno = e;
	return r;
}

EXPORT int close(int fd)
{
	if (selective)
		untrack(fd);
	return real_close(fd);
}
