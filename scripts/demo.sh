#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build xtcp-nc, boot Debian's 6.12 in QEMU, load xtcp.ko, and
# show one XTCP connection between two namespaces (scripts/guest-demo).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top/tools/xtcp-nc"
exec "$top/scripts/xtcp-vm" --timeout 300 -- scripts/guest-demo
