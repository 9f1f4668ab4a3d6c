#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: XTCP against Linux TCP in one VM of Debian's stock 6.12
# kernel (scripts/xtcp-vm), measured by tools/xtcp-bench in the guest
# (scripts/guest-bench): timer precision, connection churn, bulk
# throughput, slab memory per entry, connections under a SYN flood
# (tools/xtcp-synflood), churn with TIME_WAIT piling up and the memory of
# its entries.  Prints a table, writes every number to
# build/bench/results.json and draws the plots as SVG (ratios.svg,
# bulk.svg, flood.svg...), next to the raw results and the captures of
# that run.  Nothing is judged: a run fails only when a
# measurement could not be made or the guest's kernel reported something.
# Documentation/bench.rst explains what is measured and how to read it.
#
# XTCP_BENCH_ONLY="rto delack" and XTCP_BENCH_FAMILIES=tcp narrow the run
# (see scripts/guest-bench); extra arguments go to scripts/xtcp-vm.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
res=$top/build/bench

make -s -C "$top/tools/xtcp-bench"
make -s -C "$top/tools/xtcp-synflood"

vmout=$top/build/vm/bench-$(date +%Y%m%d-%H%M%S)-$$
rm -rf "$res"
mkdir -p "$res" "$vmout"

read -r load0 _ </proc/loadavg
rc=0
"$top/scripts/xtcp-vm" --timeout 900 --out "$vmout" "$@" -- \
	env XTCP_BENCH_ONLY="${XTCP_BENCH_ONLY:-mem churn flood rto delack bulk \
bulk-nooff bulk-lo bulk-1cpu time_wait}" \
	XTCP_BENCH_FAMILIES="${XTCP_BENCH_FAMILIES:-tcp xtcp}" \
	scripts/guest-bench || rc=$?

if [ -d "$vmout/bench" ]; then
	cp -p "$vmout"/bench/* "$res"/
fi
read -r _ load5 _ </proc/loadavg
commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
echo
# The host's load: other work on the host slows the emulated guest.
python3 "$top/tools/xtcp-bench/report" --commit "$commit" \
	--host-load "$load0 $load5" --json "$res/results.json" "$res"
echo
echo "bench: results in build/bench/results.json; raw results and captures" \
	"(tshark -r FILE -d ip.proto==253,tcp) in build/bench/"
[ $rc = 0 ] || echo "bench: the VM run failed (status $rc): see $vmout" >&2
exit $rc
