#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build, boot Debian's 6.12 in QEMU, load xtcp.ko, show it at work.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top/userspace-tests"
exec "$top/scripts/xtcp-vm" -- scripts/guest-demo
