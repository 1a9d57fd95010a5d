#!/bin/bash
# Native benchmark: cold apply of 1k/10k/50k forwards and single-element add/delete through the
# nf_tables netlink client, side by side with nft -f, nft -i, nft processes and iptables-restore.
# Every measurement runs in private network namespaces it creates and deletes; the host's own
# ruleset is never touched. Prints one table (machine, medians, spread, ratios, targets).
#
#   sudo bench/native-bench.sh           # full run, about 1-2 minutes on 2 CPUs
#   sudo bench/native-bench.sh --quick   # small N, a smoke run of ~15 s (figures not judged)
#
# Builds the native module's test classes when missing or older than the sources (offline Maven).
# JVM flags default to the daemon's collector, heap cap and JIT (a subset of NAT_AGENT_DAEMON_JVM_OPTS
# in packaging/bin/nat-agent-env.sh); override with NAT_AGENT_BENCH_JAVA_OPTS.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
if [ "$(id -u)" != 0 ]; then
    echo "native-bench.sh: run as root (it creates network namespaces)" >&2
    exit 2
fi
for tool in ip nft bash java mvn; do
    command -v "$tool" >/dev/null || { echo "native-bench.sh: $tool is not installed" >&2; exit 2; }
done

mvn=(mvn -q -B -ntp -o -Dstyle.color=never -Dspotless.check.skip=true -pl native)
main_class=native/target/test-classes/dev/natagent/bench/NativeBench.class
if [ ! -f "$main_class" ] || [ -n "$(find native/src pom.xml native/pom.xml -type f -newer "$main_class" | head -1)" ]
then
    echo "building native test classes..." >&2
    "${mvn[@]}" test-compile >&2
fi
classpath_file=$repo/native/target/bench.classpath
if [ ! -f "$classpath_file" ] || [ pom.xml -nt "$classpath_file" ] || [ native/pom.xml -nt "$classpath_file" ]; then
    "${mvn[@]}" dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file" >&2
fi

# shellcheck source=lib.sh
. "$repo/bench/lib.sh"
bench_stamp
# shellcheck disable=SC2086
exec java ${NAT_AGENT_BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms8m -Xmx128m -XX:TieredStopAtLevel=1} \
    -cp "native/target/test-classes:native/target/classes:$(cat "$classpath_file")" \
    dev.natagent.bench.NativeBench "$@"
