// SPDX-License-Identifier: GPL-2.0
/*
 * lsm_load OBJ: load the BPF LSM programs of OBJ (lsm.bpf.o) and attach
 * them all, print "attached N", then for each line read on stdin print
 * the counters of the object's .bss (xh_lsm.h) as "NAME=VALUE ...".  At
 * the end of stdin, or killed, the programs go with the process.
 * bpftool (7.1) cannot attach LSM programs, which need a link.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "xh_lsm.h"

static int warn_only(enum libbpf_print_level level, const char *fmt,
		     va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { XH_COUNT_NAMES };
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *bss;
	struct xh_counts c;
	char line[64];
	int n = 0, key = 0, err;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: lsm_load OBJ\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(warn_only);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		printf("error open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		printf("error load: %s\n", strerror(-err));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__attach(prog)) {
			printf("error attach %s: %s\n", bpf_program__name(prog),
			       strerror(errno));
			return 1;
		}
		n++;
	}
	bss = bpf_object__find_map_by_name(obj, ".bss");
	if (!bss || bpf_map__value_size(bss) != sizeof(c)) {
		printf("error: no .bss of %zu bytes\n", sizeof(c));
		return 1;
	}
	printf("attached %d\n", n);
	while (fgets(line, sizeof(line), stdin)) {
		err = bpf_map__lookup_elem(bss, &key, sizeof(key), &c,
					   sizeof(c), 0);
		if (err) {
			printf("error lookup: %s\n", strerror(-err));
			continue;
		}
		printf("counts");
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			printf(" %s=%llu", names[i],
			       (unsigned long long)((__u64 *)&c)[i]);
		printf("\n");
	}
	bpf_object__close(obj);
	return 0;
}
