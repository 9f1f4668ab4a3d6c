# SPDX-License-Identifier: GPL-2.0
#
# XTCP: build the module out of tree, and drive the VM test harness.
# `make help` lists the targets.

KVER ?= $(shell uname -r)
# The running kernel's build tree when it has one, else the newest
# installed Debian 6.12 headers.  Evaluated lazily, after `deps` ran.
KDIR ?= $(shell if [ -d /lib/modules/$(KVER)/build ]; then \
		echo /lib/modules/$(KVER)/build; \
	else \
		ls -d /usr/src/linux-headers-6.12*-amd64 2>/dev/null | \
			sort -V | tail -n 1; \
	fi)

.PHONY: all modules deps tools clean lint kernel-debug intree check check-long demo docs \
	bench help install uninstall

all modules: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

deps:
	@scripts/deps.sh

tools: deps
	$(MAKE) -C tools/xtcp-tcp-bridge
	$(MAKE) -C tools/xtcp-nc
	$(MAKE) -C tools/xtcp-ss
	$(MAKE) -C tools/xtcp-run
	$(MAKE) -C tools/xtcp-bench
	$(MAKE) -C tools/xtcp-synflood
	$(MAKE) -C tools/xtcp-fuzz

# Install as a user of a released module does: the modules under
# /lib/modules/KVER/updates (depmod'ed), the uapi header, the tools and
# the man page under PREFIX.  Nothing loads the module: loading stays
# explicit (modprobe xtcp, or the modules-load.d example).  DESTDIR stages
# it all elsewhere.
PREFIX ?= /usr/local
INSTALLED_TOOLS := xtcp-nc xtcp-ss xtcp-run
# The release of the tree built against, not of the running kernel.
MODKVER = $(shell cat $(KDIR)/include/config/kernel.release)

install: all tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(MODKVER)
	install -D -m 644 include/uapi/linux/xtcp.h \
		$(DESTDIR)/usr/include/linux/xtcp.h
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(addprefix build/tools/,$(INSTALLED_TOOLS)) \
		$(DESTDIR)$(PREFIX)/bin/
	install -D -m 644 build/tools/libxtcp-run.so \
		$(DESTDIR)$(PREFIX)/lib/xtcp/libxtcp-run.so
	install -D -m 644 Documentation/xtcp.7 \
		$(DESTDIR)$(PREFIX)/share/man/man7/xtcp.7
	install -D -m 644 scripts/xtcp-modules-load.conf \
		$(DESTDIR)$(PREFIX)/share/doc/xtcp/examples/modules-load.d/xtcp.conf

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(MODKVER)/updates/xtcp*.ko*
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(MODKVER)
	rm -f $(DESTDIR)/usr/include/linux/xtcp.h \
		$(addprefix $(DESTDIR)$(PREFIX)/bin/,$(INSTALLED_TOOLS)) \
		$(DESTDIR)$(PREFIX)/share/man/man7/xtcp.7
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/xtcp $(DESTDIR)$(PREFIX)/lib/xtcp

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build results

lint: deps
	scripts/lint.sh

kernel-debug: deps
	scripts/build-debug-kernel.sh

# XTCP as net/xtcp/ of a copy of the debug kernel's tree, built in (=y)
# and as modules (=m); the cached tree itself is never touched.
intree: deps
	scripts/build-intree.sh

check: deps
	scripts/check.sh

# What check leaves out for time: the tests of
# userspace-tests/long-on-debug, on the debug kernel; the stock run with
# syncookies=2; module_lifecycle failing every allocation of a load, the
# module loader's own too; the fuzzers at length on stock; teardown with
# 10000 connections in a 4-CPU debug guest.
check-long: deps
	scripts/xtcp-vm --debug --timeout 7200 -- env TW_N7=10000 \
		XTCP_FUZZ_SECS=1800 XTCP_SOCKFUZZ_SECS=600 XTCP_FI_SECS=60 \
		userspace-tests/run-all \
		$$(cat userspace-tests/long-on-debug userspace-tests/long-only)
	scripts/xtcp-vm --params syncookies=2 -- userspace-tests/run-all
	scripts/xtcp-vm --debug -- env XTCP_FI_WHOLE_LOAD=1 \
		userspace-tests/run-all module_lifecycle.sh
	scripts/xtcp-vm --timeout 3600 -- env XTCP_FUZZ_SECS=900 \
		XTCP_SOCKFUZZ_SECS=600 userspace-tests/run-all segment_fuzz.sh \
		socket_fuzz
	scripts/xtcp-vm --debug --smp 4 --mem 4096 --timeout 3600 -- env \
		XTCP_TD_CONNS=10000 XTCP_TD_CONNS2=1000 \
		userspace-tests/run-all teardown_load.sh

demo: deps
	scripts/demo.sh

# XTCP next to Linux TCP in one VM, as ratios; never part of check.
bench: deps
	scripts/bench.sh

# The state diagram, rendered with graphviz; not part of all or check.
docs: deps
	@mkdir -p build/Documentation
	dot -Tsvg Documentation/xtcp-states.dot -o build/Documentation/xtcp-states.svg

help:
	@echo 'make            build xtcp.ko for KDIR (default: running or newest 6.12 headers)'
	@echo 'make deps       install the Debian packages everything here needs'
	@echo 'make tools      build tools/ (the TCP bridge BPF objects)'
	@echo 'make install    modules (depmod), uapi header, tools, man page; DESTDIR, PREFIX'
	@echo 'make lint       checkpatch --strict, W=1 and sparse, all must be clean'
	@echo 'make kernel-debug  build (once, cached) the KUnit/KASAN/lockdep kernel'
	@echo 'make intree     XTCP as net/xtcp/ in a copy of the debug kernel tree,'
	@echo '                built =y (in vmlinux) and =m; under build/intree/'
	@echo 'make check      everything: build, lint, KUnit, user-space tests on both kernels'
	@echo 'make check-long the tests check runs only on stock, on the debug kernel;'
	@echo '                every test with SYN cookies for every SYN (syncookies=2)'
	@echo 'make demo       boot a VM, show an XTCP connection: states, segments, hashes'
	@echo 'make docs       render Documentation/xtcp-states.dot to build/Documentation/'
	@echo 'make bench      XTCP and Linux TCP side by side: timers, churn, bulk, memory'
