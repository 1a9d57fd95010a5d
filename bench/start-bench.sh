#!/bin/bash
# The start-up row of agent-bench.sh on its own: the daemon started on an empty kernel (as at boot) with a
# persisted state of N forwards and the shipped config file, timed from exec until its admin socket exists (it opens the
# socket only once the kernel table matches the state), side by side with `nft -f` of the
# equivalent ruleset, interleaved run by run so that load drift hits both alike.
#
#   bench/start-bench.sh [RUNS [N]] [NAME=JVM_OPTS | NAME=@DIR ...]   (root; after `mvn -B -ntp package -DskipTests`)
#
# "agent" is the launcher as installed, with the AppCDS archive it makes first (as the RPM's %post
# does; kept in the run's temporary directory, as an archive left next to the jars would go stale
# with the next build); "no-appcds" the same without it (the JDK's default archive only). Each NAME=JVM_OPTS adds a variant with NAT_AGENT_JAVA_OPTS=JVM_OPTS (appended to
# the launcher's flags), e.g. `c2=-XX:TieredStopAtLevel=4`; NAME=@DIR a variant started by the
# launcher of another built checkout in DIR (e.g. `before=@/tmp/base` for a before/after in one
# run). Everything happens in one network namespace it creates and removes on exit.
set -euo pipefail

runs=${1:-9}
size=${2:-10000}
shift $(($# < 2 ? $# : 2))
# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
bench_require_root
root=$bench_root
bench_setup start-bench
bench_cp=$(bench_classpath "$bench_root") || exit 1

names=(agent no-appcds)
declare -A opts=([agent]="" [no-appcds]="") archives=([agent]="$work/nat-agent.jsa" [no-appcds]=/nonexistent)
declare -A launchers=([agent]="$root/packaging/bin/nat-agent" [no-appcds]="$root/packaging/bin/nat-agent")
for variant in "$@"; do
    name=${variant%%=*} value=${variant#*=}
    names+=("$name")
    opts[$name]="" archives[$name]=$work/nat-agent.jsa launchers[$name]=$root/packaging/bin/nat-agent
    case $value in
        @*) launchers[$name]=${value#@}/packaging/bin/nat-agent archives[$name]=/nonexistent ;;
        *) opts[$name]=$value ;;
    esac
    [ -x "${launchers[$name]}" ] || nat_agent_fail "no launcher ${launchers[$name]}"
done

ns=nsb$$

inns() { ip netns exec "$ns" "$@"; }
now_ns() { date +%s%N; }
elapsed_ms() { echo "scale=1; ($2 - $1) / 1000000" | bc; }
# Median, min and max of the numbers on stdin.
stats() { sort -g | awk '{v[NR]=$1} END {printf "%8.1f %8.1f %8.1f", v[int((NR+1)/2)], v[1], v[NR]}'; }

bench_netns "$ns"
bench() { inns "$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$bench_cp" dev.natagent.agent.bench.AgentBench "$@"; }
bench seed "$work/seed" "$size"
bench export "$size" nft "$work/state.nft"
NAT_AGENT_CDS_DUMP=$work/nat-agent.jsa "$root/packaging/bin/nat-agent" >"$work/cds-dump.log" 2>&1 \
    || { cat "$work/cds-dump.log" >&2; nat_agent_fail "could not write the AppCDS archive"; }

# One start (launcher $1, JVM options $2, archive $3): a fresh copy of the persisted state, an empty kernel,
# exec until the socket exists. Prints wall and CPU milliseconds. Runs in a subshell (its output is
# read), so it stops the daemon itself, also when the daemon does not come up.
start_ms() {
    rm -rf "$work/s" "$work/s.sock"; cp -a "$work/seed" "$work/s"; inns nft flush ruleset
    local t0 t1
    t0=$(now_ns)
    # As installed: the build's shipped config file, read at every start.
    NAT_AGENT_JAVA_OPTS=$2 NAT_AGENT_CDS_ARCHIVE=$3 bench_config=${1%/bin/nat-agent}/config/config.json \
        bench_daemon "$ns" "$work/s" "$work/s.sock" "$1"
    daemon_pid=$bench_daemon_pid
    bench_await_socket "$work/s.sock" "$daemon_pid" 20000 0.001
    t1=$(now_ns)
    # CPU time the daemon used until then (user + system, clock ticks of 10 ms): steadier than
    # wall time on a loaded machine.
    cpu_ms=$(awk '{print ($14 + $15) * 10}' "/proc/$daemon_pid/stat")
    bench_stop "$daemon_pid"
    # The table must hold the state: the forwards map has one element per forward.
    local count
    count=$(inns nft list map ip nat_agent forwards | grep -c ' : ' || true)
    [ "$count" -ge "$size" ] || { echo "kernel has $count forwards after start, expected $size" >&2; exit 1; }
    echo "$(elapsed_ms "$t0" "$t1") $cpu_ms"
}
nft_ms() {
    inns nft flush ruleset
    local t0 t1; t0=$(now_ns); inns nft -f "$work/state.nft"; t1=$(now_ns)
    elapsed_ms "$t0" "$t1"
}

echo "start until the kernel matches $size persisted forwards; $runs runs, interleaved; $(nproc) CPUs, $(uname -r)"
bench_stamp
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# One unmeasured start of each: the jars in the page cache, as the runs after it find them.
for name in "${names[@]}"; do start_ms "${launchers[$name]}" "${opts[$name]}" "${archives[$name]}" >/dev/null; done
declare -A T C
for _ in $(seq "$runs"); do
    for name in "${names[@]}"; do
        read -r wall cpu < <(start_ms "${launchers[$name]}" "${opts[$name]}" "${archives[$name]}")
        T[$name]+="$wall "; C[$name]+="$cpu "
    done
    T[nft]+="$(nft_ms) "
done
echo "load average at end:   $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %8s %8s %8s  %-10s  %s\n' "wall ms" median min max "median/nft" "CPU ms median (min-max)"
nft_median=$(tr ' ' '\n' <<<"${T[nft]}" | grep . | stats | awk '{print $1}')
for name in "${names[@]}" nft; do
    line=$(tr ' ' '\n' <<<"${T[$name]}" | grep . | stats)
    cpu=
    [ -n "${C[$name]:-}" ] && cpu=$(tr ' ' '\n' <<<"${C[$name]}" | grep . | stats | awk '{printf "%.0f (%.0f-%.0f)", $1, $2, $3}')
    printf '%-12s %s  %-10s  %s\n' "$name" "$line" "$(echo "$(awk '{print $1}' <<<"$line") / $nft_median" | bc -l | xargs printf '%.2fx')" "$cpu"
done
