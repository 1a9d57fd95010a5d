#!/bin/bash
# natctl wall time and admin API latency, side by side with nft (run as root after `mvn package`):
#   agent/src/test/bench/natctl-bench.sh
# Starts a FakeAgent (admin socket + in-memory service, no kernel) in a temp dir, builds a static
# AppCDS archive for natctl, compares JVM flag sets with hyperfine, times `nft --version` and
# `nft add element` in a scratch network namespace (removed on exit), and measures API round trips.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../../.." && pwd)
target=$repo/agent/target
work=$(mktemp -d)
netns=natctl-bench-$$
agent_pid=
cleanup() {
    [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
    ip netns del "$netns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 1; }

mkdir -p "$work/cli"
cp "$target"/nat-agent-*.jar "$target"/lib/jackson-*.jar "$work/cli/"
socket=$work/run/admin.sock
java -cp "$target/classes:$target/test-classes:$target/lib/*" dev.natagent.agent.api.FakeAgent "$socket" root \
    2>"$work/agent.log" &
agent_pid=$!
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done

cli="dev.natagent.agent.cli.Natctl --socket $socket forward list"
cd "$work"
# Static and dynamic archives side by side (picocli is compiled for 17 into nat-agent.jar).
java -XX:DumpLoadedClassList=natctl.classlist -cp 'cli/*' $cli >/dev/null
java -Xshare:dump -XX:SharedClassListFile=natctl.classlist -XX:SharedArchiveFile=natctl.jsa -cp 'cli/*' \
    >/dev/null 2>&1
java -XX:ArchiveClassesAtExit=natctl-dyn.jsa -cp 'cli/*' $cli >/dev/null 2>&1

ip netns add "$netns"
ip netns exec "$netns" nft add table ip bench
ip netns exec "$netns" nft add set ip bench s '{ type inet_service; }'

uptime
hyperfine -N --warmup 3 --runs "${RUNS:-30}" \
    "java -cp cli/* $cli" \
    "java -XX:TieredStopAtLevel=1 -cp cli/* $cli" \
    "java -XX:SharedArchiveFile=natctl-dyn.jsa -XX:TieredStopAtLevel=1 -cp cli/* $cli" \
    "java -XX:SharedArchiveFile=natctl.jsa -cp cli/* $cli" \
    "java -XX:SharedArchiveFile=natctl.jsa -XX:TieredStopAtLevel=1 -cp cli/* $cli" \
    "java -XX:TieredStopAtLevel=1 -version" \
    "nft --version" \
    "ip netns exec $netns nft add element ip bench s { 7000 }"
python3 "$repo/agent/src/test/bench/api_latency.py" "$socket" 3000
