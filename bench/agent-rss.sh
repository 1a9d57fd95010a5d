#!/bin/bash
# The daemon's memory (targets: RSS <= 48 MiB idle, <= 96 MiB with 50,000 forwards), measured on
# real daemons started by the real launcher (its JVM flags and environment), side by side.
#
#   bench/agent-rss.sh [-n N] [-s SECONDS] [-r ROUNDS] [--nmt] [DIR...]    (root; after `mvn package`)
#
# DIR is a build tree (a checkout after `mvn package`; default: this one) or a directory laid out
# like the install (packaging/copy-jars.sh DIR, plus nat-agent and nat-agent-env.sh next to the
# jars), e.g. a copy of an older build, so that two builds or two flag sets are compared in one run. For each round and DIR:
#   idle   a daemon with an empty state: VmRSS 5 s after its socket opened and after SECONDS more
#   N      a daemon that adopts a persisted state of N forwards (default 50,000) into an empty
#          table (the whole table in one batch), then serves what operators and scrapers ask:
#          status, forward list, metrics (JSON and Prometheus), export nft, 20 forward add/remove
#          pairs; VmRSS and VmHWM (peak) right after that, after SECONDS of normal operation
#          (probe, resolve, drift-check loops), and after a full GC (jcmd GC.run).
# --nmt adds -XX:NativeMemoryTracking=summary and prints (stderr) jcmd VM.native_memory, the heap's
# class histogram and heap sizes at the end of each N run (NMT itself costs a few MiB; figures with --nmt are for attribution, not for the table).
#
# Each daemon runs in a network namespace of its own (nrs<pid>), removed on exit; daemons are
# killed by PID. Bounded: a round takes about 2 x SECONDS + 30 s per DIR.
set -euo pipefail

n=50000; settle=60; rounds=1; nmt=0; dirs=()
while [ $# -gt 0 ]; do
    case $1 in
        -n) n=$2; shift 2 ;;
        -s) settle=$2; shift 2 ;;
        -r) rounds=$2; shift 2 ;;
        --nmt) nmt=1; shift ;;
        -*) echo "usage: $0 [-n N] [-s SECONDS] [-r ROUNDS] [--nmt] [DIR...]" >&2; exit 2 ;;
        *) dirs+=("$(cd "$1" && pwd)"); shift ;;
    esac
done
# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
bench_require_root
[ ${#dirs[@]} -gt 0 ] || dirs=("$bench_root")
bench_setup agent-rss
bench_cp=$(bench_classpath "$bench_root") || exit 1
jcmd=$(dirname -- "$(readlink -f -- "$NAT_AGENT_JAVA")")/jcmd

ns=nrs$$
daemon_pid=
bench_netns "$ns"

# The launcher of DIR, and the environment that makes it use DIR's jars.
launcher() {
    if [ -x "$1/packaging/bin/nat-agent" ]; then echo "env $1/packaging/bin/nat-agent"
    else echo "env NAT_AGENT_HOME=$1 $1/nat-agent"; fi
}
start() { # DIR STATEDIR
    local opts=
    [ $nmt = 1 ] && opts="-XX:NativeMemoryTracking=summary"
    rm -f "$work/sock"
    # shellcheck disable=SC2046
    NAT_AGENT_JAVA_OPTS=$opts ip netns exec "$ns" $(launcher "$1") --state-dir "$2" --socket "$work/sock" \
        --config /nonexistent --admin-group root --log-level warn 2>>"$work/daemon.log" &
    daemon_pid=$!
    bench_track "$daemon_pid"
    for _ in $(seq 6000); do [ -S "$work/sock" ] && return 0; sleep 0.01; done
    echo "daemon did not open its socket; log:" >&2; tail -20 "$work/daemon.log" >&2; exit 1
}
stop() {
    kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; bench_untrack "$daemon_pid"; daemon_pid=
    ip netns exec "$ns" nft flush ruleset
}
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$daemon_pid/status"; }
mib() { awk -v v="$1" 'BEGIN {printf "%.1f", v / 1024}'; }
threads() { ls "/proc/$daemon_pid/task" | wc -l; }
api() { "$NAT_AGENT_JAVA" -XX:TieredStopAtLevel=1 -cp "$bench_cp" dev.natagent.agent.bench.RssWorkload "$work/sock" "$@"; }

echo "nat-agent RSS: N=$n, settle ${settle} s, $rounds round(s); $(nproc) CPUs, $(uname -r), $("$NAT_AGENT_JAVA" -version 2>&1 | head -1)"
bench_stamp
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$NAT_AGENT_JAVA" -cp "$bench_cp" dev.natagent.agent.bench.AgentBench seed "$work/seed" "$n"

declare -A R
for round in $(seq "$rounds"); do
    for i in "${!dirs[@]}"; do
        dir=${dirs[$i]}
        echo "round $round: $dir ..." >&2
        rm -rf "$work/idle"; mkdir "$work/idle"
        start "$dir" "$work/idle"; sleep 5
        idle=$(kib VmRSS)
        sleep "$settle"
        R[$i.idle]+="$(mib "$idle") / $(mib "$(kib VmRSS)")  "
        R[$i.threads]=$(threads)
        stop

        rm -rf "$work/big"; cp -a "$work/seed" "$work/big"
        start "$dir" "$work/big"
        ready=$(kib VmRSS)
        api 20
        used=$(kib VmRSS)
        sleep "$settle"
        settled=$(kib VmRSS)
        "$jcmd" "$daemon_pid" GC.run >/dev/null
        sleep 1
        R[$i.big]+="$(mib "$ready") / $(mib "$used") / $(mib "$settled") / $(mib "$(kib VmRSS)") peak $(mib "$(kib VmHWM)")  "
        if [ $nmt = 1 ]; then
            "$jcmd" "$daemon_pid" VM.native_memory summary | grep -E '^(Total|-)' >&2
            "$jcmd" "$daemon_pid" GC.class_histogram | head -28 >&2
            "$jcmd" "$daemon_pid" GC.heap_info | tail -n +2 >&2
        fi
        stop
    done
done

echo
echo "VmRSS in MiB (one entry per round)"
for i in "${!dirs[@]}"; do
    echo "${dirs[$i]}  ($(sed -n 's/^NAT_AGENT_DAEMON_JVM_OPTS=//p' "${dirs[$i]}/packaging/bin/nat-agent-env.sh" "${dirs[$i]}/nat-agent-env.sh" 2>/dev/null | head -1 | cut -c1-60)...)"
    echo "  idle        5 s / +${settle} s:                                   ${R[$i.idle]}"
    echo "  N=$n  ready / after requests / +${settle} s / after GC, peak: ${R[$i.big]}"
    echo "  threads (idle daemon): ${R[$i.threads]}"
done
