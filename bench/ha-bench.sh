#!/bin/bash
# Failover and failback of a NAT pair on keepalived and conntrackd: how long one open connection
# stands still, whether it survives, and the two controls (strict TCP window tracking; no
# conntrackd), from the example files in packaging/ha.
#
#   bench/ha-bench.sh [CYCLES [CONTROL_CYCLES]]    (root; after `mvn package`; default 20 and 10)
#
# The Java half (HaFailoverBench in the bench module, driving natctl's end-to-end lab) builds the
# pair in network namespaces of its own, with real keepalived, conntrackd, redis-server and two
# agents, and removes them on exit (its files live in the work directory); every process it starts
# is stopped by PID. Each cycle is a failover and a failback; the triggers (public link
# down, keepalived stopped, agent killed) take turns; CYCLES as shipped, CONTROL_CYCLES in each
# control. 5-30 s per cycle (a killed agent takes three failed checks five seconds apart).
set -euo pipefail

cycles=${1:-20}
control_cycles=${2:-10}
case $cycles$control_cycles in ''|*[!0-9]*) echo "usage: $0 [CYCLES [CONTROL_CYCLES]]" >&2; exit 2 ;; esac
# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
bench_require_root
for tool in keepalived conntrackd redis-server; do
    command -v "$tool" >/dev/null || nat_agent_fail "$tool is not installed (apt-get install keepalived conntrackd redis-server)"
done
bench_setup ha-bench
bench_cp=$(bench_classpath "$bench_root") || exit 1

bench_stamp
cd "$bench_root"
"$NAT_AGENT_JAVA" -XX:+UseSerialGC -Djava.io.tmpdir="$work" -cp "$bench_cp" \
    dev.natagent.agent.e2e.HaFailoverBench "$cycles" "$control_cycles"
