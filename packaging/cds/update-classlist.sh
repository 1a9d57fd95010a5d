#!/bin/bash
# Records packaging/cds/nat-agent.classlist: the classes a real daemon start loads, from exec until
# the kernel matches a persisted state of 10,000 forwards, one admin request and SIGTERM. The RPM
# ships the list; its %post turns it into an AppCDS archive with the installed JVM (see the
# nat-agent launcher). Re-run after changes to the start path, and commit the result: a class
# missing from the list is merely loaded from its jar, a stale entry merely skipped, but
# ClassListTest fails when the list names a class of ours that no longer exists.
#
#   sudo packaging/cds/update-classlist.sh   (after `mvn -B -ntp package -DskipTests`)
#
# Runs in a network namespace it creates and removes; the daemon it starts is stopped by PID. The
# persisted state is written by the benchmarks' AgentBench (agent test classes), so it shares the
# benchmarks' helper.
set -euo pipefail
# shellcheck source=../../bench/lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/../../bench/lib.sh"
bench_require_root
root=$bench_root
bench_setup update-classlist
bench_cp=$(bench_classpath "$bench_root") || exit 1

ns=ncl$$
bench_netns "$ns"
ip netns exec "$ns" "$NAT_AGENT_JAVA" -cp "$bench_cp" dev.natagent.agent.bench.AgentBench seed "$work/state" 10000

# No archive while recording: every class is then loaded, and listed, the way a start loads it.
NAT_AGENT_CDS_ARCHIVE=/nonexistent NAT_AGENT_JAVA_OPTS="-XX:DumpLoadedClassList=$work/raw.classlist" \
    ip netns exec "$ns" "$root/packaging/bin/nat-agent" --state-dir "$work/state" --socket "$work/admin.sock" \
    --config /nonexistent --admin-group root --log-level warn &
daemon_pid=$!
bench_track "$daemon_pid"
for _ in $(seq 3000); do
    [ -S "$work/admin.sock" ] && break
    kill -0 "$daemon_pid" || nat_agent_fail "the daemon exited before it opened its socket"
    sleep 0.01
done
[ -S "$work/admin.sock" ] || nat_agent_fail "the daemon did not open its socket within 30 s"
"$root/packaging/bin/natctl" --socket "$work/admin.sock" status >/dev/null
kill "$daemon_pid"
wait "$daemon_pid" || true
bench_untrack "$daemon_pid"

# Dynamic proxies are generated at run time and cannot be preloaded from a list: left out, so
# that making the archive prints no "cannot find" warnings.
grep -Ev '^(com/sun/proxy/)?jdk/proxy[0-9]+/\$Proxy[0-9]+$' "$work/raw.classlist" >"$root/packaging/cds/nat-agent.classlist"
echo "$(grep -Evc '^(#|@)' "$root/packaging/cds/nat-agent.classlist") classes in packaging/cds/nat-agent.classlist"
