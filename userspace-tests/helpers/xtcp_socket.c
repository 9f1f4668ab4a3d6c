// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_socket PROTO [hold FILE]: open socket(AF_XTCP, SOCK_STREAM, PROTO)
 * and print "ok" with its SO_PROTOCOL, or the errno's name.  With "hold",
 * create FILE once the socket is open and keep it open until killed.
 * A helper of the shell tests: Python starts slowly on the debug kernel.
 */

#include "../xtcp_test.h"

/* Names for what module_lifecycle.sh expects, else the message. */
static const char *socket_errname(int e)
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
	int fd, proto;

	if (argc < 2)
		return 2;
	fd = socket(AF_XTCP, SOCK_STREAM, atoi(argv[1]));
	if (fd < 0) {
		printf("%s\n", socket_errname(errno));
		return 1;
	}
	proto = sock_get_int(fd, SOL_SOCKET, SO_PROTOCOL);
	printf("ok %d\n", proto < 0 ? 0 : proto);
	fflush(stdout);
	if (argc == 4 && !strcmp(argv[2], "hold")) {
		touch(argv[3]);
		pause();
	}
	return 0;
}
