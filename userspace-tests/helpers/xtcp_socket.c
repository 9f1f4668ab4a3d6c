// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_socket PROTO [hold FILE]: open socket(AF_XTCP, SOCK_STREAM, PROTO)
 * and print "ok" with its SO_PROTOCOL, or the errno's name.  With "hold",
 * create FILE once the socket is open and keep it open until killed.
 * A helper of the shell tests: Python starts slowly on the debug kernel.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/xtcp.h>

static const char *errname(int e)
{
	switch (e) {
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EINVAL: return "EINVAL";
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	int fd, proto = 0;
	socklen_t len = sizeof(proto);

	if (argc < 2)
		return 2;
	fd = socket(AF_XTCP, SOCK_STREAM, atoi(argv[1]));
	if (fd < 0) {
		printf("%s\n", errname(errno));
		return 1;
	}
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
	printf("ok %d\n", proto);
	fflush(stdout);
	if (argc == 4 && !strcmp(argv[2], "hold")) {
		close(open(argv[3], O_CREAT | O_WRONLY, 0600));
		pause();
	}
	return 0;
}
