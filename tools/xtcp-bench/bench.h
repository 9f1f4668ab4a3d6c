/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtcp-bench: what the measurements share.  util.c: families, namespaces,
 * sockets, the server process, statistics, JSON output, /proc readers.
 * capture.c: a packet capture (AF_PACKET, kernel timestamps) on one
 * interface, kept in memory and saved as pcap.
 */
#ifndef XTCP_BENCH_H
#define XTCP_BENCH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* What every measurement is told on its command line. */
struct bench_opts {
	bool xtcp;			/* AF_XTCP, else AF_INET TCP */
	const char *cns, *sns;		/* client and server namespaces */
	struct sockaddr_in srv;		/* server address and port */
	const char *ifname;		/* veth name in both namespaces */
	const char *pcap;		/* save the capture here */
	const char *cut, *uncut;	/* shell commands: black hole on/off */
	const char *fake;		/* unused source address (half-open) */
	long n;				/* connections, samples, entries */
	long count;			/* second count: retransmissions... */
	double secs;			/* duration or limit */
	long bytes;			/* bulk transfer size */
	double gap_ms, jitter_ms;	/* delayed ACK: pacing of lone writes */
};

/* util.c */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t now_ns(void);			/* CLOCK_MONOTONIC */
void sleep_ns(uint64_t ns);
void sleep_until_ns(uint64_t t);	/* CLOCK_MONOTONIC, absolute */
void netns_enter(const char *name);
int ipproto(const struct bench_opts *o);	/* 6 or the module's number */
int bench_socket(const struct bench_opts *o);
void set_int_opt(int fd, int level, int opt, int val);
void set_linger0(int fd);
int bench_listen(const struct bench_opts *o, int port, int backlog);
int bench_connect(const struct bench_opts *o);
void read_full(int fd, void *buf, size_t len);
void write_full(int fd, const void *buf, size_t len);
unsigned int local_port(int fd);

/* The parts of TCP_INFO and XTCP_INFO the measurements read. */
struct conn_info {
	int state;
	uint32_t rto_us, ato_us, rtt_us;
	uint32_t total_retrans;
};

void conn_info(const struct bench_opts *o, int fd, struct conn_info *ci);

/* A server process in the server namespace: fn(arg, ctl) runs there with
 * ctl, a socket to the parent; the process ends when fn returns.
 */
struct server {
	pid_t pid;
	int ctl;
};

void server_start(struct server *s, const struct bench_opts *o,
		  void (*fn)(const struct bench_opts *o, int ctl));
void server_stop(struct server *s);
/* One line each way over ctl. */
void ctl_send(int ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool ctl_recv(int ctl, char *buf, size_t len);	/* false at EOF */

/* /proc/net/{tcp,xtcp} of the namespace of process pid (0: ours): the
 * sockets in state st (1 ESTABLISHED ... 6 TIME_WAIT) with port as their
 * local or remote port (0: any).
 */
long count_states(const struct bench_opts *o, pid_t pid, int st, int port);
/* The same in one pass: n[st] for every state, ports lo..hi. */
void count_all_states(const struct bench_opts *o, pid_t pid, int lo, int hi,
		      long n[16]);

/* A counter of the namespace of process pid: for XTCP, NAME in
 * /proc/PID/net/xtcp_snmp; for TCP, "Group:Name" in /proc/PID/net/netstat
 * or snmp ("TcpExt:SyncookiesSent", "Tcp:PassiveOpens").  -1: no such.
 */
long long proc_counter(const struct bench_opts *o, pid_t pid, const char *name);
/* "tw" of the TCP: line of /proc/PID/net/sockstat; -1: none. */
long long sockstat_tw(pid_t pid);
/* An integer from a file (a sysctl under /proc/sys); -1: none. */
long long read_ll(const char *path);

/* Statistics over a sample of doubles (sorted in place). */
struct stats {
	long n;
	double mean, median, p90, p99, min, max;
};

void stats_of(double *v, long n, struct stats *st);

/* JSON on stdout, one object per run; nesting by hand. */
void json_open(const char *key);	/* key NULL: top level or in array */
void json_close(void);
void json_array(const char *key);
void json_array_close(void);
void json_int(const char *key, long long v);
void json_num(const char *key, double v);	/* non-finite: null */
void json_str(const char *key, const char *v);
void json_bool(const char *key, bool v);
void json_null(const char *key);
void json_stats(const char *key, const struct stats *st);
void json_end(void);

/* /proc/slabinfo */
struct slab {
	char name[64];
	long active, objsize;
	long pages;		/* in its slabs: num_slabs * pagesperslab */
};

int slab_read(struct slab **out);	/* number of caches */
const struct slab *slab_find(const struct slab *v, int n, const char *name);
void slab_aliases(const char *name, char *buf, size_t len);

/* capture.c */
struct pkt {
	uint64_t ts_ns;		/* CLOCK_REALTIME, from the kernel */
	bool out;		/* sent by this namespace */
	uint8_t proto;
	uint8_t flags;		/* TCP flags byte */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint32_t len;		/* payload bytes */
};

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

struct capture;

/* Start capturing IPv4 on ifname in namespace ns (a thread of its own). */
struct capture *capture_start(const char *ns, const char *ifname);
/* Stop, save as pcap when path is set; the packets seen, in order. */
const struct pkt *capture_stop(struct capture *c, const char *path, long *n);
long capture_count(struct capture *c);

#endif /* XTCP_BENCH_H */
