// SPDX-License-Identifier: GPL-2.0
/*
 * follow FILE DONE
 *
 * Copies FILE to standard output as it grows, as "tail -c +1 -f" does,
 * until the file DONE exists; then copies what is left of FILE and exits
 * 0.  The capture of lib.bash feeds tshark with it while dumpcap writes
 * FILE, and creates DONE once dumpcap has ended.
 *
 * "tail --pid" did this before, ending when dumpcap's process had gone;
 * now and then on the debug kernel the capture's decoding then waited
 * out cap_stop's bound of ten minutes, for reasons not found.  A file
 * that the test creates does not depend on any process's ID.
 *
 * Exits 1 on a read or write error (a reader that went away included).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int put(const char *p, ssize_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct timespec step = { .tv_nsec = 20 * 1000 * 1000 };
	static char buf[1 << 16];
	int fd, done = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: follow FILE DONE\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("read");
			return 1;
		}
		if (n > 0) {
			if (put(buf, n)) {
				perror("write");
				return 1;
			}
			continue;
		}
		/* At the end of what is there: the last look, or wait. */
		if (done)
			return 0;
		if (access(argv[2], F_OK) == 0) {
			done = 1;	/* read once more: FILE is complete now */
			continue;
		}
		nanosleep(&step, NULL);
	}
}
