#!/bin/bash
# Native benchmark: cold apply of 1k/10k/50k forwards and single-element add/delete through the
# nf_tables netlink client, side by side with nft -f, nft -i, nft processes and iptables-restore.
# Every measurement runs in private network namespaces it creates and deletes; the host's own
# ruleset is never touched. Prints one table (machine, medians, spread, ratios, targets).
#
#   sudo bench/native-bench.sh           # full run, about 1-2 minutes on 2 CPUs
#   sudo bench/native-bench.sh --quick   # small N, a smoke run of ~15 s (figures not judged)
#
# Builds the bench module (and what it needs) when its classes are missing or older than the
# sources (offline Maven). JVM flags default to the daemon's collector, heap cap, JIT and JNR binding
# (a subset of NAT_AGENT_DAEMON_JVM_OPTS in packaging/bin/nat-agent-env.sh); override with
# NAT_AGENT_BENCH_JAVA_OPTS.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
bench_require_root
for tool in ip nft bash java mvn; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is not installed" >&2; exit 2; }
done
cd "$bench_root"

main_class=bench/target/classes/dev/natagent/bench/NativeBench.class
if [ ! -f "$main_class" ] || [ ! -f bench/target/bench.classpath ] \
    || [ -n "$(find native/src bench/src pom.xml native/pom.xml bench/pom.xml -type f -newer "$main_class" | head -1)" ]
then
    echo "building the bench module..." >&2
    mvn -q -B -ntp -o -Dstyle.color=never -Dspotless.check.skip=true -DskipTests -pl bench -am package >&2
fi
bench_cp=$(bench_classpath "$bench_root") || exit 1

bench_stamp
# shellcheck disable=SC2086
exec java ${NAT_AGENT_BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms8m -Xmx128m -XX:TieredStopAtLevel=1 -Djnr.ffi.asm.enabled=false} \
    -cp "$bench_cp" dev.natagent.bench.NativeBench "$@"
