#!/bin/bash
# Agent-level benchmark: nat-agent side by side with nft, iptables-restore, haproxy and
# direct routing, in one run, on this machine, printing one table of medians, spread and ratios.
#
#   bench/agent-bench.sh [--quick] [--cold] [--notify] [--baseline REF] [--rounds K] [--runs R]
#                                         (root; after `mvn -B -ntp package -DskipTests`)
#
#   --cold          only the cold-apply rows, natctl apply, the worst allow-list states, the
#                   replacement of every forward, single changes in process and start-up
#                   (~5-7 minutes)
#   --notify        only the nf_tables notification rows (~2-4 minutes); with --cold, both
#   --baseline REF  also run another build side by side with this one: REF is a git ref of this
#                   repository (checked out in a temporary worktree and built there first, a few
#                   minutes) or a directory holding a build. Every row of the targets table gets
#                   the baseline's figure from the same run: its agent in process (cold apply,
#                   single changes), `nft -f` of its own export, its daemon through its own natctl
#                   apply and status, its idle daemon in the notification rows and for idle RSS,
#                   its start, and (full run) its daemon at the big N in a third traffic phase
#                   (single changes acknowledged, memory after the same requests, new connections)
#   --rounds K      repeat the cold-apply section K times, interleaved (default 1); on a loaded
#                   machine the per-round medians show how far one round can be trusted
#   --runs R        runs per figure (default 5, 3 with --quick): fewer for a shorter run
#
# Everything happens in network namespaces this script creates (nab<pid>a/c/n/s) and removes on
# exit, also on failure; processes it starts are killed by PID. Bounded: ~9-12 minutes in full,
# ~2 minutes with --quick (fewer runs, smaller N, shorter traffic runs).
#
# Figures:
#   cold apply      the calls the `apply` operation makes, timed in the process (validate, diff,
#                   element batch into the kernel, journal record with fsync), with each build's daemon
#                   JVM flags; wall time, and CPU time (user+sys: the process's, the tools' with their
#                   children) for the CPU rows, steadier than wall time on a shared machine; for
#                   N <= 10,000 the same through a running daemon's socket from a warm client
#                   (request JSON both ways included, natctl's JVM start excluded); and for every N
#                   through `natctl apply FILE` (the way users apply a config): its whole wall time,
#                   and that minus natctl's own start, a `natctl status` timed right after each
#                   apply (the median of the per-pair differences). Documents over 512 KiB (10k:
#                   ~1 MB, 50k: ~5 MB) go as their raw bytes (apply.begin/bytes/commit on one
#                   connection, atomic at commit).
#   add/remove      one forward (2 elements) at N: kernel change alone, kernel + journal in the
#                   process, and acknowledged through the socket.
#   connections/s   redis-benchmark PING, keep-alive off (-k 0) and on (-k 1), client -> NAT -> redis;
#                   the agent's table (50,000 forwards, allow-list and counters on), a hand-written
#                   nft map of the same size, bare and with the same allow-list and per-forward
#                   counters ("hand+"), haproxy (tcp mode), and direct routing, measured in
#                   interleaved rounds so load drift hits them alike; the agent's table and the
#                   hand-written ones in two phases (two DNAT tables in one hook do not mix).
#   start           from exec until the admin socket exists (the daemon opens it once the kernel
#                   table matches), 10,000 persisted forwards, empty kernel, the shipped config file
#                   (read at every start, as installed); `nft -f` of the same ruleset alongside.
#   targets         the table at the end: each target of the agent (README's Performance section),
#                   this build's figure and the baseline's, met or not.
set -euo pipefail

quick=0; cold_only=0; notify_only=0; baseline=; baseline_ref=; cold_rounds=1; runs_given=
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --cold) cold_only=1 ;;
        --notify) notify_only=1 ;;
        --baseline) baseline_ref=${2:?--baseline needs a git ref or a directory}; shift ;;
        --rounds) cold_rounds=${2:?--rounds needs a count}; shift ;;
        --runs) runs_given=${2:?--runs needs a count}; shift ;;
        *) echo "usage: $0 [--quick] [--cold] [--notify] [--baseline REF] [--rounds K] [--runs R]" >&2; exit 2 ;;
    esac
    shift
done
# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
bench_require_root
root=$bench_root
bench_setup agent-bench
bench_cp=$(bench_classpath "$bench_root") || exit 1
[ -z "$baseline_ref" ] || bench_baseline "$baseline_ref"
if [ -n "$baseline" ]; then
    base_cp=$(bench_classpath "$baseline") || exit 1
    # The baseline's in-process rows run with its own daemon's JVM flags (a flag change is part of
    # what is compared), read from its launcher's environment file; one without gets this build's.
    base_jvm_opts=$NAT_AGENT_DAEMON_JVM_OPTS
    if [ -r "$baseline/packaging/bin/nat-agent-env.sh" ]; then
        base_jvm_opts=$(. "$baseline/packaging/bin/nat-agent-env.sh" && printf '%s' "$NAT_AGENT_DAEMON_JVM_OPTS")
    fi
fi

if [ $quick = 1 ]; then
    sizes=(1000 10000); big=10000; runs=3; pairs=20; requests=3000; rounds=2; persistent=20000
else
    sizes=(1000 10000 50000); big=50000; runs=5; pairs=50; requests=10000; rounds=7; persistent=100000
fi
runs=${runs_given:-$runs}
# --notify alone: no cold-apply rows (the loops below run over no size)
cold_sizes=("${sizes[@]}")
[ $notify_only = 0 ] || [ $cold_only = 1 ] || cold_sizes=()

ns=nab$$
# The daemon runs as installed: with an AppCDS archive made by the launcher as the RPM's %post
# does (in this run's directory: one left next to the jars would go stale with the next build).
NAT_AGENT_CDS_DUMP=$work/nat-agent.jsa "$root/packaging/bin/nat-agent" >"$work/cds-dump.log" 2>&1 \
    || { cat "$work/cds-dump.log" >&2; nat_agent_fail "could not write the AppCDS archive"; }
export NAT_AGENT_CDS_ARCHIVE=$work/nat-agent.jsa
if [ -n "$baseline" ]; then
    NAT_AGENT_CDS_DUMP=$work/base.jsa "$baseline/packaging/bin/nat-agent" >"$work/base-cds-dump.log" 2>&1 \
        || { cat "$work/base-cds-dump.log" >&2; nat_agent_fail "could not write the baseline's AppCDS archive"; }
fi

inns() { local n=$1; shift; ip netns exec "$ns$n" "$@"; }
now_ns() { date +%s%N; }
# Median, min and max (ms, 3 decimals) of the numbers on stdin.
stats() { sort -g | awk '{v[NR]=$1} END {if (NR) printf "%.3f %.3f %.3f\n", v[int((NR+1)/2)], v[1], v[NR]; else print "nan nan nan"}'; }
# Runs "$@" once; prints its wall time and its CPU time (user + sys of it and its children), ms.
wall_cpu_ms() {
    python3 -c 'import resource, subprocess, sys, time
t = time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); t = time.perf_counter() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN); print("%.3f %.3f" % (t * 1e3, (r.ru_utime + r.ru_stime) * 1e3))' "$@"
}
# Runs "$@" once and appends its wall and CPU ms to $1.wall and $1.cpu.
timed() { local out=$1; shift; read -r w c < <(wall_cpu_ms "$@"); echo "$w" >>"$out.wall"; echo "$c" >>"$out.cpu"; }
# Runs "$@" $count times, prints each wall time in ms.
times_ms() {
    local count=$1; shift
    for _ in $(seq "$count"); do
        local t0 t1; t0=$(now_ns); "$@" >/dev/null; t1=$(now_ns)
        echo "scale=3; ($t1 - $t0) / 1000000" | bc
    done
}

declare -A R   # figure -> "median min max"
row() { R[$1]="$2"; }
bench_java() { local n=$1; shift; inns "$n" "$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$bench_cp" dev.natagent.agent.bench.AgentBench "$@"; }
base_java() { local n=$1; shift; inns "$n" "$NAT_AGENT_JAVA" $base_jvm_opts -cp "$base_cp" dev.natagent.agent.bench.AgentBench "$@"; }
# Merges "key median min max" lines of AgentBench into R with a suffix. Fed by < <(...), not by a
# pipe: the right side of a pipe runs in a subshell and its assignments would be lost.
collect() { local suffix=$1; while read -r key med min max; do R[$key$suffix]="$med $min $max"; done; }

# Starts the daemon (this build's, or $daemon_root's) in namespace $ns$1 with state dir $2; socket
# path in $3. Prints nothing; PID in $daemon_pid.
start_daemon() {
    bench_config=${daemon_config:-/nonexistent} bench_daemon "$ns$1" "$2" "$3" "${daemon_root:-$root}/packaging/bin/nat-agent"
    daemon_pid=$bench_daemon_pid
}
wait_socket() { bench_await_socket "$1" "$daemon_pid" 3000 0.002; }
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %.1f MiB  ", $1, $2/1024}' "/proc/$1/status" 2>/dev/null || echo "process gone"; }
# VmRSS and VmHWM of PID $1 in MiB, as one "rss hwm" pair.
rss_mib() { awk '/^VmRSS/ {r = $2 / 1024} /^VmHWM/ {h = $2 / 1024} END {printf "%.1f %.1f\n", r, h}' "/proc/$1/status" 2>/dev/null || echo "nan nan"; }

echo "nat-agent agent-level benchmark ($( [ $quick = 1 ] && echo quick || echo full )$( [ $cold_only = 1 ] && echo ", cold apply only" )$( [ $notify_only = 1 ] && echo ", notifications only" )); $(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1)"
[ -z "$baseline" ] || echo "baseline: ${baseline_ref} ($(git -C "$baseline" log -1 --format=%h 2>/dev/null || echo "not a git checkout"))"
bench_stamp
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

for n in a c n s l m; do bench_netns "$ns$n"; done
if [ -n "$baseline" ]; then bench_netns "${ns}b"; fi

# --- nf_tables notifications -------------------------------------------------------------------
# While any socket on the host (any namespace) has joined NFNLGRP_NFTABLES, the kernel builds a
# notification for every object of every transaction. Measured: another process's `nft -f` of the
# agent's export of $big forwards (renamed to table bench_load, so that an agent in the same
# namespace leaves it alone) into namespace l, deleted again untimed after each run, under each
# condition in turn, one run per condition and round: nothing of ours alive; `nft monitor` in
# namespace m; this build's idle daemon in l and in m; with --baseline, the baseline's idle daemon
# in l and in m. Then the agent's own cold apply of $big in process, without and with an `nft
# monitor` in m. Each run notes how many subscribers the host had (other programs' included):
# before the runs that should have none, it waits up to 60 s for them to go.
notify_cond_started=
notify_start() { # condition -> its processes started, PID in $notify_pid (empty for none)
    notify_pid=
    case $1 in
        none) ;;
        monitor)
            ip netns exec "${ns}m" nft monitor >/dev/null & notify_pid=$!
            bench_track "$notify_pid"
            for _ in $(seq 500); do [ "$(bench_nft_subscribers)" -gt 0 ] && break; sleep 0.01; done ;;
        agent.* | base.*)
            local where=l dir="$work/notify-daemon"
            [ "${1#*.}" = other ] && where=m
            rm -rf "$dir" "$dir.sock"; mkdir -p "$dir"
            if [ "${1%%.*}" = base ]; then
                NAT_AGENT_CDS_ARCHIVE=$work/base.jsa daemon_root=$baseline start_daemon "$where" "$dir" "$dir.sock"
            else
                start_daemon "$where" "$dir" "$dir.sock"
            fi
            notify_pid=$daemon_pid; wait_socket "$dir.sock"; sleep 1 ;;
    esac
}
notify_stop() { [ -z "$notify_pid" ] || bench_stop "$notify_pid"; }
await_no_subscribers() { for _ in $(seq 600); do [ "$(bench_nft_subscribers)" = 0 ] && return; sleep 0.1; done; }
notify_section() {
    [ -f "$work/state-$big.nft" ] || bench_java a export "$big" nft "$work/state-$big.nft"
    sed 's/ nat_agent/ bench_load/g' "$work/state-$big.nft" >"$work/load.nft"
    notify_conds=(none monitor agent.same agent.other)
    [ -z "$baseline" ] || notify_conds+=(base.same base.other)
    for round in $(seq "$runs"); do
        echo "nf_tables notifications, round $round of $runs ..." >&2
        for cond in "${notify_conds[@]}"; do
            case $cond in none | agent.*) await_no_subscribers ;; esac
            notify_start "$cond"
            bench_nft_subscribers >>"$work/notify.$cond.subscribers"
            timed "$work/notify.$cond" ip netns exec "${ns}l" nft -f "$work/load.nft"
            notify_stop
            inns l nft delete table ip bench_load
        done
    done
    for cond in "${notify_conds[@]}"; do
        R[notify.$cond]=$(stats <"$work/notify.$cond.wall")
        R[notify.cpu.$cond]=$(stats <"$work/notify.$cond.cpu")
        R[notify.subs.$cond]=$(sort -n "$work/notify.$cond.subscribers" | sed -n '1p;$p' | paste -sd-)
    done
    await_no_subscribers
    R[notify.subs.self.none]=$(bench_nft_subscribers)
    collect ".quiet.$big" < <(bench_java a inproc "$big" "$runs" 0)
    notify_start monitor
    R[notify.subs.self.monitor]=$(bench_nft_subscribers)
    collect ".monitor.$big" < <(bench_java a inproc "$big" "$runs" 0)
    notify_stop
    inns a nft flush ruleset
}
# --- bounded worst cases ------------------------------------------------------------------------
# natctl apply of $big forwards that all have allow-lists, each into a fresh daemon in namespace a
# (its VmHWM is the memory figure): one list shared by all; the most distinct lists a state may
# have; one list per forward, which validation refuses (the time is that of the refusal).
limit_lists=(1 2048 "$big")
limits_section() {
    local lists rc t0 t1
    for lists in "${limit_lists[@]}"; do
        echo "natctl apply of $big forwards with $lists distinct allow-list(s) ..." >&2
        bench_java a export "$big" json "$work/allow-$lists.json" "$lists"
        rm -rf "$work/lim" "$work/lim.sock"; mkdir -p "$work/lim"
        start_daemon a "$work/lim" "$work/lim.sock"; wait_socket "$work/lim.sock"
        t0=$(now_ns)
        if "$root/packaging/bin/natctl" --socket "$work/lim.sock" --timeout 600 apply "$work/allow-$lists.json" \
            >"$work/lim.out" 2>&1; then rc=0; else rc=$?; fi
        t1=$(now_ns)
        R[limits.$lists]=$(echo "scale=3; ($t1 - $t0) / 1000000" | bc | awk '{print $1, $1, $1}')
        R[limits.rss.$lists]=$(rss "$daemon_pid"); R[limits.hwm.$lists]=$(rss_mib "$daemon_pid")
        if [ $rc = 0 ]; then R[limits.result.$lists]=applied
        else R[limits.result.$lists]="exit $rc: $(head -c 160 "$work/lim.out" | head -1)"; fi
        bench_stop "$daemon_pid"; inns a nft flush ruleset
    done
}
# Replacing a whole state by one that gives every forward another target and allow-list, through
# natctl apply into a fresh daemon in namespace a: $big forwards with 2,048 lists, and the most
# listen ports a state can hold in port ranges (2,048 forwards of 63 ports, tcp and udp). The
# figures are the replacing apply's: its time, and the daemon's VmHWM since the first apply ended
# (reset through clear_refs) and whether it is still alive.
replace_kinds=(lists ranges)
replace_section() {
    local kind rc t0 t1
    for kind in "${replace_kinds[@]}"; do
        echo "natctl apply replacing every forward ($kind) ..." >&2
        case $kind in
            lists) bench_java a export "$big" json "$work/rep-1.json" 2048
                   bench_java a export "$big" json "$work/rep-2.json" 2048 changed ;;
            ranges) bench_java a export-ranges json "$work/rep-1.json"
                    bench_java a export-ranges json "$work/rep-2.json" changed ;;
        esac
        rm -rf "$work/rep" "$work/rep.sock"; mkdir -p "$work/rep"
        start_daemon a "$work/rep" "$work/rep.sock"; wait_socket "$work/rep.sock"
        "$root/packaging/bin/natctl" --socket "$work/rep.sock" --timeout 600 apply "$work/rep-1.json" >/dev/null
        echo 5 >"/proc/$daemon_pid/clear_refs"
        t0=$(now_ns)
        if "$root/packaging/bin/natctl" --socket "$work/rep.sock" --timeout 600 apply "$work/rep-2.json" \
            >"$work/rep.out" 2>&1; then rc=0; else rc=$?; fi
        t1=$(now_ns)
        R[replace.$kind]=$(echo "scale=3; ($t1 - $t0) / 1000000" | bc | awk '{print $1, $1, $1}')
        R[replace.rss.$kind]=$(rss "$daemon_pid"); R[replace.hwm.$kind]=$(rss_mib "$daemon_pid")
        if [ $rc = 0 ] && kill -0 "$daemon_pid" 2>/dev/null; then R[replace.result.$kind]=applied
        else R[replace.result.$kind]="exit $rc: $(head -c 160 "$work/rep.out" | head -1)"; fi
        bench_stop "$daemon_pid"; inns a nft flush ruleset
    done
}
replace_label() {
    case $1 in
        lists) echo "$big forwards, 2,048 lists" ;;
        ranges) echo "129,024 listen ports in 2,048 ranges" ;;
    esac
}
limits_rows() {
    local lists kind
    for lists in "${limit_lists[@]}"; do
        line "natctl apply N=$big, $lists distinct allow-list(s), one run" "limits.$lists" "${R[limits.result.$lists]}; daemon ${R[limits.rss.$lists]}"
    done
    for kind in "${replace_kinds[@]}"; do
        line "natctl apply replacing all: $(replace_label "$kind")" "replace.$kind" "${R[replace.result.$kind]}; daemon ${R[replace.rss.$kind]}"
    done
}
# natctl apply of each N into the emptied idle daemon in namespace a ($work/idle.sock, $idle_pid,
# stopped at the end); natctl status gives natctl's own start.
natctl_section() {
    natctl="$root/packaging/bin/natctl"
    # natctl's class-data archive, made afresh for this build in the run's directory (one left next to
    # the jars by an older build would be ignored silently, and natctl timed without it).
    export NATCTL_CDS_ARCHIVE="$work/natctl.jsa"
    NATCTL_CDS_DUMP="$NATCTL_CDS_ARCHIVE" "$natctl" --socket "$work/idle.sock" status >/dev/null 2>&1 || true
    natctl_apply() { "$natctl" --socket "$work/idle.sock" apply "$1" >/dev/null || nat_agent_fail "natctl apply $1 failed"; }
    echo '{"forwards":[]}' >"$work/empty.json"
    natctl_status() { "$natctl" --socket "$work/idle.sock" status >/dev/null || nat_agent_fail "natctl status failed"; }
    # With --baseline, the baseline's daemon (its own class-data archives) and natctl in namespace b,
    # each of its applies right after one of this build's, the same document.
    base_apply() { :; }
    if [ -n "$baseline" ]; then
        mkdir -p "$work/base-idle"
        NAT_AGENT_CDS_ARCHIVE=$work/base.jsa daemon_root=$baseline start_daemon b "$work/base-idle" "$work/base.sock"
        base_pid=$daemon_pid; wait_socket "$work/base.sock"
        base_natctl() { NATCTL_CDS_ARCHIVE="$work/base-natctl.jsa" "$baseline/packaging/bin/natctl" --socket "$work/base.sock" "$@"; }
        NATCTL_CDS_DUMP="$work/base-natctl.jsa" base_natctl status >/dev/null 2>&1 || true
        base_status() { base_natctl status >/dev/null || nat_agent_fail "baseline natctl status failed"; }
        base_apply() { base_natctl apply "$1" >/dev/null || nat_agent_fail "baseline natctl apply $1 failed"; }
        # Idle for as long as this build's daemon was before its RSS was read.
        sleep 3
        R[rss.idle.base]=$(rss "$base_pid"); R[rssmib.idle.base]=$(rss_mib "$base_pid")
        collect ".base.0" < <("$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$base_cp" dev.natagent.agent.bench.AgentBench \
            api "$work/base.sock" 0 0 "$pairs")
    fi
    natctl_versus_java
    # Each apply is paired with a natctl status right before it (natctl's own start, under the same
    # load): the figure is the median of the per-pair differences; the whole wall time is kept too.
    local size suffix
    for size in "${sizes[@]}"; do
        echo "natctl apply N=$size ..." >&2
        bench_java a export "$size" json "$work/state-$size.json"
        [ -z "$baseline" ] || base_java a export "$size" json "$work/base-$size.json"
        for _ in $(seq "$runs"); do
            natctl_apply "$work/empty.json"
            echo "$(times_ms 1 natctl_apply "$work/state-$size.json") $(times_ms 1 natctl_status)" >>"$work/natctl.$size"
            [ -z "$baseline" ] && continue
            base_apply "$work/empty.json"
            echo "$(times_ms 1 base_apply "$work/base-$size.json") $(times_ms 1 base_status)" >>"$work/natctl.base.$size"
        done
        for suffix in "" ${baseline:+.base}; do
            R[natctl.cold$suffix.$size]=$(awk '{printf "%.3f\n", $1 - $2}' "$work/natctl$suffix.$size" | stats)
            R[natctl.wall$suffix.$size]=$(awk '{print $1}' "$work/natctl$suffix.$size" | stats)
            R[natctl.start$suffix.$size]=$(awk '{print $2}' "$work/natctl$suffix.$size" | stats)
        done
    done
    natctl_apply "$work/empty.json"
    bench_stop "$idle_pid"; inns a nft flush ruleset
    [ -z "$baseline" ] || bench_stop "$base_pid"
}
# natctl status of each build against its own idle daemon, side by side with a bare JVM start with
# the flags natctl's launcher uses (hyperfine, alternating blocks so that load drift hits all alike).
natctl_versus_java() {
    local cmds=("$natctl --socket $work/idle.sock status" "$NAT_AGENT_JAVA -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version")
    [ -z "$baseline" ] || cmds+=("env NATCTL_CDS_ARCHIVE=$work/base-natctl.jsa $baseline/packaging/bin/natctl --socket $work/base.sock status")
    local block i
    for block in $(seq 3); do
        hyperfine -N --style none --warmup 2 --runs $((runs * 2)) --export-json "$work/hfjava.$block.json" "${cmds[@]}" >/dev/null
    done
    for i in "${!cmds[@]}"; do
        python3 -c "import json, sys
t = sorted(x for b in (1, 2, 3) for x in json.load(open('$work/hfjava.%d.json' % b))['results'][$i]['times'])
print('%.3f %.3f %.3f' % (t[len(t) // 2] * 1e3, t[0] * 1e3, t[-1] * 1e3))" >"$work/hfjava.$i"
    done
    R[natctl.hf.status]=$(cat "$work/hfjava.0"); R[java.version]=$(cat "$work/hfjava.1")
    [ -z "$baseline" ] || R[natctl.hf.status.base]=$(cat "$work/hfjava.2")
}
# Daemon start until the kernel matches 10,000 persisted forwards, against nft -f of them.
start_section() {
    local build t0 t1
    rm -rf "$work/seed10k" "$work/base-seed10k"
    bench_java a seed "$work/seed10k" 10000
    [ -z "$baseline" ] || base_java a seed "$work/base-seed10k" 10000
    bench_java a export 10000 nft "$work/state-10000.nft"
    for _ in $(seq "$runs"); do
        for build in this ${baseline:+base}; do
            rm -rf "$work/s10k" "$work/s10k.sock"; inns a nft flush ruleset
            # As installed: the shipped config file (read at every start), the state persisted.
            if [ $build = this ]; then
                cp -a "$work/seed10k" "$work/s10k"
                t0=$(now_ns)
                daemon_config=$root/packaging/config/config.json start_daemon a "$work/s10k" "$work/s10k.sock"
            else
                cp -a "$work/base-seed10k" "$work/s10k"
                t0=$(now_ns)
                NAT_AGENT_CDS_ARCHIVE=$work/base.jsa daemon_root=$baseline daemon_config=$baseline/packaging/config/config.json \
                    start_daemon a "$work/s10k" "$work/s10k.sock"
            fi
            wait_socket "$work/s10k.sock"; t1=$(now_ns)
            echo "scale=3; ($t1 - $t0) / 1000000" | bc >>"$work/start.$build"
            # Its CPU time until then (user + system, clock ticks of 10 ms): steadier than wall time
            # on a loaded machine.
            awk '{print ($14 + $15) * 10}' "/proc/$daemon_pid/stat" >>"$work/start.$build.cpu"
            bench_stop "$daemon_pid"
        done
        inns a nft flush ruleset; timed "$work/nftstart" ip netns exec "${ns}a" nft -f "$work/state-10000.nft"
    done
    R[start.10000]=$(stats <"$work/start.this"); R[start.cpu.10000]=$(stats <"$work/start.this.cpu")
    if [ -n "$baseline" ]; then
        R[start.base.10000]=$(stats <"$work/start.base"); R[start.cpu.base.10000]=$(stats <"$work/start.base.cpu")
    fi
    R[nftstart.10000]=$(stats <"$work/nftstart.wall"); R[nftstart.cpu.10000]=$(stats <"$work/nftstart.cpu")
    inns a nft flush ruleset
}
start_rows() {
    line "agent start until kernel matches 10,000 persisted forwards" "start.10000" "$(ratio start.10000 nftstart.10000) of nft -f"
    [ -z "$baseline" ] || line "  the baseline's start" "start.base.10000" "$(ratio start.base.10000 nftstart.10000) of nft -f; this build $(ratio start.10000 start.base.10000) of it"
    line "  nft -f of the same 10,000" "nftstart.10000"
    line "  CPU time (user+sys) of the start" "start.cpu.10000" "$(ratio start.cpu.10000 nftstart.cpu.10000) of nft -f"
    [ -z "$baseline" ] || line "    the baseline's start" "start.cpu.base.10000" "$(ratio start.cpu.base.10000 nftstart.cpu.10000) of nft -f; this build $(ratio start.cpu.10000 start.cpu.base.10000) of it"
    line "    nft -f of the same 10,000" "nftstart.cpu.10000"
    line "natctl status against the idle daemon (hyperfine, 3 blocks)" "natctl.hf.status" "$(ratio natctl.hf.status java.version) of java -version"
    [ -z "$baseline" ] || line "  the baseline's natctl status against its idle daemon" "natctl.hf.status.base" "$(ratio natctl.hf.status.base java.version) of java -version; this build $(ratio natctl.hf.status natctl.hf.status.base) of it"
    line "  java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version" "java.version"
}
notify_rows() {
    line "nft -f of $big forwards (2x elements), none of ours alive" "notify.none" "host subscribers during runs: ${R[notify.subs.none]}"
    line "  same, nft monitor in another namespace" "notify.monitor" "$(ratio notify.monitor notify.none) of none; subscribers ${R[notify.subs.monitor]}"
    line "  same, this build's idle agent in the same namespace" "notify.agent.same" "$(ratio notify.agent.same notify.none) of none; subscribers ${R[notify.subs.agent.same]}"
    line "  same, this build's idle agent in another namespace" "notify.agent.other" "$(ratio notify.agent.other notify.none) of none; subscribers ${R[notify.subs.agent.other]}"
    if [ -n "$baseline" ]; then
        line "  same, the baseline's idle agent in the same namespace" "notify.base.same" "$(ratio notify.base.same notify.none) of none; subscribers ${R[notify.subs.base.same]}"
        line "  same, the baseline's idle agent in another namespace" "notify.base.other" "$(ratio notify.base.other notify.none) of none; subscribers ${R[notify.subs.base.other]}"
    fi
    line "  CPU time (user+sys) of nft -f, none of ours alive" "notify.cpu.none"
    line "    nft monitor in another namespace" "notify.cpu.monitor" "$(ratio notify.cpu.monitor notify.cpu.none) of none"
    line "    this build's idle agent in the same namespace" "notify.cpu.agent.same" "$(ratio notify.cpu.agent.same notify.cpu.none) of none"
    [ -z "$baseline" ] || line "    the baseline's idle agent in the same namespace" "notify.cpu.base.same" "$(ratio notify.cpu.base.same notify.cpu.none) of none"
    line "agent's cold apply N=$big in process, no subscriber" "inproc.cold.quiet.$big" "host subscribers: ${R[notify.subs.self.none]}"
    line "  of which element batch into the kernel" "inproc.cold.kernel.quiet.$big"
    line "  same, nft monitor in another namespace" "inproc.cold.monitor.$big" "$(ratio inproc.cold.monitor.$big inproc.cold.quiet.$big) of no subscriber; subscribers ${R[notify.subs.self.monitor]}"
    line "  of which element batch into the kernel" "inproc.cold.kernel.monitor.$big" "$(ratio inproc.cold.kernel.monitor.$big inproc.cold.kernel.quiet.$big)"
}

# --- cold apply ------------------------------------------------------------------------------
# With --rounds K the whole section repeats K times, interleaved, so that load drift hits every
# tool alike: the agent's figure is then the median of its per-round medians (each the median of
# $runs applies in one JVM), the tools' figures the median of all their runs.
for size in "${cold_sizes[@]}"; do
    bench_java a export "$size" nft "$work/state-$size.nft"
    bench_java a export "$size" iptables "$work/state-$size.ipt"
    [ -z "$baseline" ] || base_java a export "$size" nft "$work/base-$size.nft"
done
rounds_collect() { local suffix=$1; while read -r key med min max; do
    R[$key$suffix]="$med $min $max"; echo "$med" >>"$work/round.$key$suffix"; done; }
legacy_flush() { for t in nat mangle; do inns a iptables-legacy -t $t -F; inns a iptables-legacy -t $t -X; done; }
for round in $(seq "$cold_rounds"); do
    for size in "${cold_sizes[@]}"; do
        echo "cold apply N=$size (round $round of $cold_rounds) ..." >&2
        p=0; [ "$size" = "$big" ] && [ "$round" = 1 ] && p=$pairs
        rounds_collect ".$size" < <(bench_java a inproc "$size" "$runs" "$p")
        inns a nft flush ruleset
        if [ -n "$baseline" ]; then
            rounds_collect ".base.$size" < <(base_java a inproc "$size" "$runs" "$p")
            inns a nft flush ruleset
        fi
        # nft -f of this tree's export and of the baseline's, alternating run by run.
        for _ in $(seq "$runs"); do
            inns a nft flush ruleset; timed "$work/nft.$size" ip netns exec "${ns}a" nft -f "$work/state-$size.nft"
            if [ -n "$baseline" ]; then
                inns a nft flush ruleset; timed "$work/nftbase.$size" ip netns exec "${ns}a" nft -f "$work/base-$size.nft"
            fi
            inns a nft flush ruleset
            timed "$work/iptnft.$size" sh -c "ip netns exec $ns"a" iptables-nft-restore --noflush < $work/state-$size.ipt"
            inns a nft flush ruleset; legacy_flush
            timed "$work/iptlegacy.$size" sh -c "ip netns exec $ns"a" iptables-legacy-restore --noflush < $work/state-$size.ipt"
            legacy_flush
        done
        inns a nft flush ruleset
    done
done
for size in "${cold_sizes[@]}"; do
    for tool in nft iptnft iptlegacy; do
        R[$tool.cold.$size]=$(stats <"$work/$tool.$size.wall")
        R[$tool.cold.cpu.$size]=$(stats <"$work/$tool.$size.cpu")
    done
    if [ -n "$baseline" ]; then
        R[nft.cold.base.$size]=$(stats <"$work/nftbase.$size.wall")
        R[nft.cold.cpu.base.$size]=$(stats <"$work/nftbase.$size.cpu")
    fi
done
if [ "$cold_rounds" -gt 1 ]; then
    for f in "$work"/round.*; do R[${f#"$work"/round.}]=$(stats <"$f"); done
fi
if [ "${#cold_sizes[@]}" != 0 ]; then
    collect ".100" < <(bench_java a inproc 100 1 "$pairs")
    [ -z "$baseline" ] || collect ".base.100" < <(base_java a inproc 100 1 "$pairs")
fi

# Prints the cold-apply rows of the table (the whole table ends with them too).
cold_rows() {
    for size in "${sizes[@]}"; do
        line "cold apply N=$size: agent, in process (apply's calls)" "inproc.cold.$size" "$(ratio inproc.cold.$size nft.cold.$size) of nft -f, $(ratio inproc.cold.$size iptlegacy.cold.$size) of legacy-restore"
        line "  of which element batch into the kernel" "inproc.cold.kernel.$size"
        [ -n "${R[api.cold.$size]:-}" ] && line "  agent through the socket (warm client)" "api.cold.$size" "$(ratio api.cold.$size nft.cold.$size) of nft -f"
        if [ -n "${R[natctl.cold.$size]:-}" ]; then
            line "  agent through natctl apply (wall minus natctl status)" "natctl.cold.$size" "$(ratio natctl.cold.$size nft.cold.$size) of nft -f, $(ratio natctl.cold.$size iptlegacy.cold.$size) of legacy-restore"
            line "    natctl apply, whole wall time" "natctl.wall.$size" "$(ratio natctl.wall.$size nft.cold.$size) of nft -f"
            line "    natctl status right after each (subtracted)" "natctl.start.$size"
        fi
        line "  nft -f (agent's own nft export)" "nft.cold.$size"
        if [ -n "$baseline" ] && [ -n "${R[natctl.cold.base.$size]:-}" ]; then
            line "  baseline agent through its natctl apply (wall minus its natctl status)" "natctl.cold.base.$size" "$(ratio natctl.cold.base.$size nft.cold.base.$size) of its nft -f; this agent $(ratio natctl.cold.$size natctl.cold.base.$size) of it"
            line "    its natctl apply, whole wall time" "natctl.wall.base.$size" "$(ratio natctl.wall.base.$size nft.cold.base.$size) of its nft -f"
            line "    its natctl status right after each (subtracted)" "natctl.start.base.$size"
        fi
        if [ -n "$baseline" ]; then
            line "  baseline agent, in process" "inproc.cold.base.$size" "$(ratio inproc.cold.base.$size nft.cold.base.$size) of its nft -f; this agent $(ratio inproc.cold.$size inproc.cold.base.$size) of it"
            line "    of which element batch into the kernel" "inproc.cold.kernel.base.$size"
            line "  nft -f of the baseline's export" "nft.cold.base.$size" "this export $(ratio nft.cold.$size nft.cold.base.$size) of it"
        fi
        line "  iptables-nft-restore (agent's iptables export)" "iptnft.cold.$size"
        line "  iptables-legacy-restore" "iptlegacy.cold.$size"
        line "  CPU time (user+sys): agent, in process" "inproc.cold.cpu.$size" "$(ratio inproc.cold.cpu.$size nft.cold.cpu.$size) of nft -f, $(ratio inproc.cold.cpu.$size iptlegacy.cold.cpu.$size) of legacy-restore"
        line "    nft -f" "nft.cold.cpu.$size"
        if [ -n "$baseline" ]; then
            line "    baseline agent, in process" "inproc.cold.cpu.base.$size" "$(ratio inproc.cold.cpu.base.$size nft.cold.cpu.base.$size) of its nft -f; this agent $(ratio inproc.cold.cpu.$size inproc.cold.cpu.base.$size) of it"
            line "    nft -f of the baseline's export" "nft.cold.cpu.base.$size"
        fi
        line "    iptables-legacy-restore" "iptlegacy.cold.cpu.$size"
    done
}
med() { echo "${R[$1]:-nan}" | cut -d' ' -f1; }
spread() { echo "${R[$1]:-nan nan nan}" | awk '{print $2 "-" $3}'; }
ratio() { awk -v a="$(med "$1")" -v b="$(med "$2")" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
# Path a against path b across the traffic phases: each as the median of its per-round ratios to
# direct routing measured in the same round (traffic's rel.* figures), so that load drift between
# rounds and phases does not show up as a NAT difference. Arguments: PATH_A PHASE_A PATH_B PHASE_B K.
phase_ratio() { ratio "rel.$1.$5.$2" "rel.$3.$5.$4"; }
line() { printf '| %-58s | %10s | %-19s | %s |\n' "$1" "$(med "$2")" "$(spread "$2")" "${3:-}"; }
header() {
    echo
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    printf '| %-58s | %10s | %-19s | %s |\n' "figure (ms unless stated; median of runs)" "median" "min-max" "ratio"
    echo "|---|---:|---|---|"
}
# --- the targets -------------------------------------------------------------------------------
# One row per target of the agent, this build and (with --baseline) the baseline side by side,
# each value from this run, each checked against its target. Rows whose figure this mode did not
# measure are left out.
num() { echo "${1:--}" | sed 's/x$//'; }
verdict() { # value op limit -> met / NOT met / -
    awk -v v="$(num "$1")" -v op="$2" -v lim="$3" 'BEGIN {
        if (v == "-" || v == "nan" || v == "" || lim == "-") { print "-"; exit }
        ok = (op == "<=") ? (v + 0 <= lim + 0) : (v + 0 >= lim + 0)
        print (ok ? "met" : "NOT met") }'
}
target() { # label op limit unit value base-value
    local label=$1 op=$2 limit=$3 unit=$4 value=${5:--} base=${6:--}
    [ "$(num "$value")" != "-" ] && [ "$(num "$value")" != nan ] || return 0
    [ -n "$baseline" ] || base=-
    printf '| %-70s | %s %s%s | %s | %s | %s | %s |\n' "$label" "$op" "$limit" "$unit" "$value" "$(verdict "$value" "$op" "$limit")" \
        "$base" "$(verdict "$base" "$op" "$limit")"
}
field() { echo "${R[$1]:--}" | cut -d' ' -f"$2"; }
worst() { # lists -> met when applied; for one list per forward also when refused by validation
    local result=${R[limits.result.$1]:-}
    [ -n "$result" ] || return 0
    local verdict="NOT met"
    case $result in applied) verdict=met ;; *"distinct allow-lists"*) [ "$1" != "$big" ] || verdict=met ;; esac
    printf '| %-70s | %s | %s | %s | %s | %s |\n' "natctl apply $big forwards, $1 distinct allow-list(s): time ms; daemon VmHWM" \
        "bounded, or refused" "$(med "limits.$1") ms, $(field "limits.hwm.$1" 2) MiB ($result)" "$verdict" - -
}
replaced() { # kind -> met when the replacing apply succeeded and the daemon lives
    local result=${R[replace.result.$1]:-}
    [ -n "$result" ] || return 0
    printf '| %-70s | %s | %s | %s | %s | %s |\n' "natctl apply replacing all, $(replace_label "$1"): time ms; VmHWM" \
        "bounded" "$(med "replace.$1") ms, $(field "replace.hwm.$1" 2) MiB ($result)" \
        "$([ "$result" = applied ] && echo met || echo "NOT met")" - -
}
targets() {
    echo
    echo "Targets: this build$( [ -n "$baseline" ] && echo " and the baseline ($baseline_ref)"), measured side by side in this run"
    echo
    printf '| %-70s | %s | %s | %s | %s | %s |\n' figure target "this build" "" baseline ""
    echo "|---|---|---:|---|---:|---|"
    local size
    target "cold apply N=$big in process (apply's calls) / nft -f of its own export" "<=" 0.5 x \
        "$(ratio inproc.cold.$big nft.cold.$big)" "$(ratio inproc.cold.base.$big nft.cold.base.$big)"
    target "  the same / iptables-legacy-restore" "<=" 1.0 x \
        "$(ratio inproc.cold.$big iptlegacy.cold.$big)" "$(ratio inproc.cold.base.$big iptlegacy.cold.$big)"
    for size in "${sizes[@]}"; do
        [ "$size" -ge 10000 ] || continue
        target "natctl apply N=$size (cold), whole wall time / nft -f of its own export" "<=" 1.0 x \
            "$(ratio natctl.wall.$size nft.cold.$size)" "$(ratio natctl.wall.base.$size nft.cold.base.$size)"
        target "  the same, natctl's own start (a natctl status) subtracted" "<=" 1.0 x \
            "$(ratio natctl.cold.$size nft.cold.$size)" "$(ratio natctl.cold.base.$size nft.cold.base.$size)"
    done
    target "another process's nft -f of $big forwards, idle agent in its namespace / none" "<=" 1.2 x \
        "$(ratio notify.agent.same notify.none)" "$(ratio notify.base.same notify.none)"
    target "  the same, idle agent in another namespace / none" "<=" 1.2 x \
        "$(ratio notify.agent.other notify.none)" "$(ratio notify.base.other notify.none)"
    for lists in "${limit_lists[@]}"; do worst "$lists"; done
    for kind in "${replace_kinds[@]}"; do replaced "$kind"; done
    target "one forward added at N=$big: kernel change, ms" "<=" 0.3 "" "$(med inproc.kernel.add.$big)" "$(med inproc.kernel.add.base.$big)"
    target "one forward removed at N=$big: kernel change, ms" "<=" 0.3 "" "$(med inproc.kernel.remove.$big)" "$(med inproc.kernel.remove.base.$big)"
    target "  flat in N: added at N=$big / at N=100" "<=" 1.2 x \
        "$(ratio inproc.kernel.add.$big inproc.kernel.add.100)" "$(ratio inproc.kernel.add.base.$big inproc.kernel.add.base.100)"
    target "  flat in N: removed at N=$big / at N=100" "<=" 1.2 x \
        "$(ratio inproc.kernel.remove.$big inproc.kernel.remove.100)" "$(ratio inproc.kernel.remove.base.$big inproc.kernel.remove.base.100)"
    target "forward.add acknowledged through the socket at N=$big, ms" "<=" 5 "" "$(med api.add.$big)" "$(med api.add.base.$big)"
    target "forward.remove acknowledged through the socket at N=$big, ms" "<=" 5 "" "$(med api.remove.$big)" "$(med api.remove.base.$big)"
    target "  flat in N: forward.add at N=$big / at N=0" "<=" 1.2 x \
        "$(ratio api.add.$big api.add.0)" "$(ratio api.add.base.$big api.add.base.0)"
    target "  flat in N: forward.remove at N=$big / at N=0" "<=" 1.2 x \
        "$(ratio api.remove.$big api.remove.0)" "$(ratio api.remove.base.$big api.remove.base.0)"
    target "new connections/s through the agent's table, N=$big / haproxy (same phase)" ">=" 1.1 x \
        "$(ratio rps.agent.0.1 rps.haproxy.0.1)" "$(ratio rps.base.0.3 rps.haproxy.0.3)"
    target "  the same / hand+, same functions (per-round ratios to direct)" ">=" 0.97 x \
        "$(phase_ratio agent 1 handplus 2 0)" "$(phase_ratio base 3 handplus 2 0)"
    target "persistent-connection requests/s / bare hand-written map (per round, to direct)" ">=" 0.95 x \
        "$(phase_ratio agent 1 hand 2 1)" "$(phase_ratio base 3 hand 2 1)"
    target "start until the kernel matches 10,000 persisted forwards, ms" "<=" 1000 "" "$(med start.10000)" "$(med start.base.10000)"
    target "  the same / nft -f of the same 10,000 (no target)" "<=" "-" "" "$(ratio start.10000 nftstart.10000)" "$(ratio start.base.10000 nftstart.10000)"
    target "  its CPU time / nft -f's (no target; steadier under load)" "<=" "-" "" \
        "$(ratio start.cpu.10000 nftstart.cpu.10000)" "$(ratio start.cpu.base.10000 nftstart.cpu.10000)"
    target "natctl status / bare java -version (hyperfine, alternating)" "<=" 1.8 x \
        "$(ratio natctl.hf.status java.version)" "$(ratio natctl.hf.status.base java.version)"
    target "daemon RSS idle, MiB" "<=" 48 "" "$(field rssmib.idle 1)" "$(field rssmib.idle.base 1)"
    target "daemon VmHWM at $big forwards after changes, listing, metrics, export, MiB" "<=" 96 "" \
        "$(field rssmib.big 2)" "$(field rssmib.big.base 2)"
    target "  its VmRSS then, MiB" "<=" 96 "" "$(field rssmib.big 1)" "$(field rssmib.big.base 1)"
}
if [ $cold_only = 1 ]; then
    limits_section
    replace_section
    echo "natctl apply and daemon start ..." >&2
    mkdir -p "$work/idle"
    start_daemon a "$work/idle" "$work/idle.sock"; wait_socket "$work/idle.sock"; idle_pid=$daemon_pid
    natctl_section
    start_section
    [ $notify_only = 0 ] || notify_section
    header
    cold_rows
    limits_rows
    for size in 100 "$big"; do
        line "one forward added N=$size: kernel change (Reconciler)" "inproc.kernel.add.$size" "$(ratio inproc.kernel.add.$size inproc.kernel.add.100) of N=100"
        line "one forward removed N=$size: kernel change" "inproc.kernel.remove.$size" "$(ratio inproc.kernel.remove.$size inproc.kernel.remove.100) of N=100"
        line "  added, kernel + journal fsync (in process)" "inproc.ack.add.$size"
        line "  removed, kernel + journal fsync (in process)" "inproc.ack.remove.$size"
    done
    start_rows
    [ $notify_only = 0 ] || notify_rows
    targets
    exit 0
fi
notify_section
[ $notify_only = 1 ] || { limits_section; replace_section; }
if [ $notify_only = 1 ]; then
    header
    notify_rows
    targets
    exit 0
fi

# --- single element: nft process, nft -i, iptables-nft -D at the big N ---------------------------
echo "single forward add/remove with nft and iptables ..." >&2
for size in 100 "$big"; do
    bench_java a export "$size" nft "$work/state-$size.nft"
    inns a nft flush ruleset; inns a nft -f "$work/state-$size.nft"
    add='add element ip nat_agent forwards { udp . 5353 : 10.0.1.53 . 53 }'
    del='delete element ip nat_agent forwards { udp . 5353 }'
    R[nftproc.add.$size]=$(for _ in $(seq "$pairs"); do
        times_ms 1 inns a nft "$add"; inns a nft "$del"; done | stats)
    R[nftproc.remove.$size]=$(for _ in $(seq "$pairs"); do
        inns a nft "$add"; times_ms 1 inns a nft "$del"; done | stats)
    # nft -i keeps one socket: the whole session divided by its commands (start-up amortised).
    script=$(for _ in $(seq 500); do echo "$add"; echo "$del"; done)
    t0=$(now_ns); echo "$script" | inns a nft -i >/dev/null; t1=$(now_ns)
    v=$(echo "scale=3; ($t1 - $t0) / 1000000 / 1000" | bc); R[nfti.each.$size]="$v $v $v"
done
inns a nft flush ruleset
sed -n '/^\*nat/,/^COMMIT/p' "$work/state-$big.ipt" >"$work/nat-$big.ipt"
inns a iptables-nft-restore <"$work/nat-$big.ipt"
# Unquoted below, so the comment's quotes go (it has no spaces): with them the rule would not match.
rule=$(grep -m1 -- '-A NAT_AGENT_DNAT' "$work/nat-$big.ipt" | sed 's/^-A NAT_AGENT_DNAT //; s/"//g')
R[iptnft.remove.$big]=$(for _ in $(seq 5); do
    # shellcheck disable=SC2086
    times_ms 1 inns a iptables-nft -t nat -D NAT_AGENT_DNAT $rule
    # shellcheck disable=SC2086
    inns a iptables-nft -t nat -A NAT_AGENT_DNAT $rule; done | stats)
inns a nft flush ruleset

# --- daemon: idle RSS, start until the kernel matches 10,000 persisted forwards ----------------
echo "daemon start and RSS ..." >&2
mkdir -p "$work/idle"
start_daemon a "$work/idle" "$work/idle.sock"; wait_socket "$work/idle.sock"; sleep 3
R[rss.idle]=$(rss "$daemon_pid"); R[rssmib.idle]=$(rss_mib "$daemon_pid"); idle_pid=$daemon_pid
collect ".0" < <("$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$bench_cp" dev.natagent.agent.bench.AgentBench api "$work/idle.sock" 0 0 "$pairs")
if [ "${sizes[1]}" = 10000 ]; then
    collect ".10000" < <("$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$bench_cp" dev.natagent.agent.bench.AgentBench api "$work/idle.sock" 10000 "$runs" 0)
    collect ".1000" < <("$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$bench_cp" dev.natagent.agent.bench.AgentBench api "$work/idle.sock" 1000 "$runs" 0)
fi
natctl_section
start_section

# --- the NAT: client c -> n -> redis in s; daemon in n with $big persisted forwards --------------
echo "NAT data path at N=$big ..." >&2
ip link add "${ns}c0" netns "${ns}c" type veth peer name "${ns}n0" netns "${ns}n"
ip link add "${ns}n1" netns "${ns}n" type veth peer name "${ns}s0" netns "${ns}s"
inns c ip addr add 198.51.100.2/24 dev "${ns}c0"; inns n ip addr add 198.51.100.1/24 dev "${ns}n0"
inns n ip addr add 10.0.1.1/24 dev "${ns}n1"; inns s ip addr add 10.0.1.2/24 dev "${ns}s0"
inns c ip link set "${ns}c0" up; inns n ip link set "${ns}n0" up; inns n ip link set "${ns}n1" up; inns s ip link set "${ns}s0" up
inns c ip route add 10.0.1.0/24 via 198.51.100.1
inns s ip route add default via 10.0.1.1
inns n sysctl -qw net.ipv4.ip_forward=1
# haproxy in n opens one connection to redis per client connection: without reuse of TIME_WAIT
# ports its default 28k ephemeral ports run out within a run and it stops answering.
inns n sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
# Masquerade picks a free source tuple per new connection: conntrack entries a phase leaves in
# TIME_WAIT (120 s) would crowd the next phase's tuples and slow its new connections, so the phase
# measured second would be handicapped. Both phases get the same clean slate: TIME_WAIT entries expire after 1 s, and phase 2 waits for that.
inns n sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=1
inns c sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1
ip netns exec "${ns}s" redis-server --bind 10.0.1.2 --port 6379 --save '' --appendonly no --protected-mode no \
    --maxclients 10000 --logfile "$work/redis.log" &
bench_track $!
mkdir -p "$work/big"
bench_java n seed "$work/big" "$big"
start_daemon n "$work/big" "$work/big.sock"; agent_pid=$daemon_pid; wait_socket "$work/big.sock"
# Let its start-up work settle (JIT, first drift check and probe round), as for N=0 above.
sleep 3
collect ".$big" < <("$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$bench_cp" dev.natagent.agent.bench.AgentBench api "$work/big.sock" 0 0 "$pairs")
R[rss.big]=$(rss "$agent_pid")

# natctl wall time, against `nft add element` (both through ip netns exec's fork+exec)
inns n nft 'add table ip bench_t; add set ip bench_t m { type inet_service; }'
hyperfine -N --style none --warmup 2 --runs $((runs * 4)) --export-json "$work/hf.json" \
    "$natctl --socket $work/big.sock status" \
    "$natctl --socket $work/big.sock forward get redis" \
    "ip netns exec ${ns}n nft add element ip bench_t m { 1 }" >/dev/null
hf() { python3 -c "import json,sys; r=json.load(open('$work/hf.json'))['results'][$1]; t=sorted(r['times']); print('%.3f %.3f %.3f' % (r['median']*1e3, t[0]*1e3, t[-1]*1e3))" 2>/dev/null || echo "nan nan nan"; }
R[natctl.status]=$(hf 0); R[natctl.get]=$(hf 1); R[nftproc.hf]=$(hf 2)
inns n nft delete table ip bench_t 2>/dev/null || true
# Memory in normal operation at $big: a listing of all forwards, metrics in both formats and an
# export after the changes above; VmHWM is the high-water mark of the whole life so far.
big_requests() { # natctl socket...: the requests, output discarded
    local req
    for req in "forward list" "metrics" "metrics --format prometheus" "export" "export --format nft"; do
        # shellcheck disable=SC2086
        "$@" $req >/dev/null || echo "WARNING: natctl $req failed" >&2
    done
}
big_requests "$natctl" --socket "$work/big.sock"
R[rssmib.big]=$(rss_mib "$agent_pid")

# Hand-written nft map ruleset of the same size on port 16380, haproxy on 61379, direct to 6379.
# haproxy's port lies above every forwarded port (the agent's 10000..10000+N, the hand map's
# 1024..1024+N): inside those ranges the DNAT would take its connections to some other target.
python3 - "$big" >"$work/hand.nft" <<'EOF'
import sys
n = int(sys.argv[1])
ports = [p if p < 16380 else p + 1 for p in range(1024, 1024 + n - 1)]
els = ",\n".join("tcp . %d : 10.0.1.%d . %d" % (p, 10 + i % 200, 1024 + i // 200) for i, p in enumerate(ports))
print("""table ip bench_hand {
    map fwmap { type inet_proto . inet_service : ipv4_addr . inet_service; elements = { tcp . 16380 : 10.0.1.2 . 6379,
%s } }
    chain pre { type nat hook prerouting priority dstnat; policy accept; fib daddr type local dnat ip to meta l4proto . th dport map @fwmap; }
    chain post { type nat hook postrouting priority srcnat; policy accept; ct status dnat ip daddr 10.0.1.0/24 masquerade; }
}""" % els)
EOF
inns n nft -f "$work/hand.nft"
# "hand+": the hand map given the agent's functions, written as one would by hand: a counter per
# forward (a counter set per protocol, looked up for every packet of a DNATed connection) and the
# redis forward's allow-list as one rule, in a filter table of its own beside the hand map's NAT
# table. Its rules are in place only while hand+ is measured (hand_plus), so that the bare and the
# full hand-written ruleset run in the same interleaved rounds of phase 2.
python3 - "$big" >"$work/hand-filter.nft" <<'EOF'
import sys
n = int(sys.argv[1])
ports = [16380] + [p if p < 16380 else p + 1 for p in range(1024, 1024 + n - 1)]
print("""table ip bench_hand_filter {
    set counted { type inet_service; counter; elements = { %s } }
    chain forward { type filter hook forward priority filter; policy accept; }
}""" % ", ".join(map(str, ports)))
EOF
cat >"$work/hand-rules.nft" <<'EOF'
add rule ip bench_hand_filter forward ct status dnat meta l4proto tcp ct original proto-dst @counted
add rule ip bench_hand_filter forward ct direction original meta l4proto tcp ct original proto-dst 16380 ip saddr != 198.51.100.0/24 drop
EOF
hand_plus_state=off
hand_plus() { # on|off: the hand+ rules in place or not (only once phase 2 has loaded their table)
    [ "$hand_plus_state" = "$1" ] && return 0
    if [ "$1" = on ]; then inns n nft -f "$work/hand-rules.nft"; else inns n nft flush chain ip bench_hand_filter forward; fi
    hand_plus_state=$1
}
cat >"$work/haproxy.cfg" <<EOF
global
    maxconn 4000
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend f
    bind 198.51.100.1:61379
    default_backend b
backend b
    server redis 10.0.1.2:6379
EOF
ip netns exec "${ns}n" haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
bench_track $!
sleep 1
declare -A via=([agent]="198.51.100.1 16379" [hand]="198.51.100.1 16380" [handplus]="198.51.100.1 16380" [haproxy]="198.51.100.1 61379" [direct]="10.0.1.2 6379")
rb() { # host port keepalive requests -> requests/s of PING_MBULK (bounded: 90 s)
    timeout 90 ip netns exec "${ns}c" redis-benchmark -h "$1" -p "$2" -k "$3" -n "$4" -c 20 -t ping --csv 2>/dev/null \
        | awk -F'"' '/PING_MBULK/ {print $4}' || true
}
reachable() { # path -> true when redis answers PING through it
    local path=$1 host port
    read -r host port <<<"${via[$path]}"
    if [ "$path" = handplus ]; then hand_plus on; else hand_plus off; fi
    # A few tries: on a loaded machine haproxy may take a while to listen.
    for _ in 1 2 3 4 5; do
        [ "$(timeout 5 ip netns exec "${ns}c" redis-cli -h "$host" -p "$port" ping 2>&1)" = PONG ] && return 0
        sleep 1
    done
    echo "WARNING: redis is not reachable through $path ($host:$port); no figures for it" >&2
    R[unreachable]="${R[unreachable]:-} $path"
    return 1
}
# Interleaved rounds over the paths given, for -k 0 and -k 1; results appended per path and phase.
traffic() {
    local phase=$1; shift
    local ok=()
    for path in "$@"; do reachable "$path" && ok+=("$path"); done
    for k in 0 1; do
        [ $k = 0 ] && count=$requests || count=$persistent
        for _ in $(seq "$rounds"); do
            for path in "${ok[@]}"; do
                if [ "$path" = handplus ]; then hand_plus on; else hand_plus off; fi
                # shellcheck disable=SC2086
                rb ${via[$path]} "$k" "$count" >>"$work/rps.$path.$k.$phase"
            done
        done
        for path in "${ok[@]}"; do
            R[rps.$path.$k.$phase]=$(stats <"$work/rps.$path.$k.$phase")
            [ -f "$work/rps.direct.$k.$phase" ] || continue
            R[rel.$path.$k.$phase]=$(paste "$work/rps.$path.$k.$phase" "$work/rps.direct.$k.$phase" \
                | awk '$1 != "" && $2 > 0 {print $1 / $2}' | stats)
        done
    done
}
# Two NAT tables that both DNAT in prerouting do not mix here (the chain that runs second never
# gets to DNAT), so the agent's table and the hand-written one are measured in two phases, each
# with haproxy and direct routing alongside as the yardstick.
inns n nft delete table ip bench_hand
traffic 1 agent haproxy direct
counted=$(inns n nft list map ip nat_agent ports | grep -o 'tcp . 16379 counter packets [0-9]* bytes [0-9]*' || true)
bench_stop "$agent_pid"
inns n nft delete table ip nat_agent
inns n nft -f "$work/hand.nft"
inns n nft -f "$work/hand-filter.nft"
sleep 2
traffic 2 hand handplus haproxy direct
hand_plus off
hand_counted=$(inns n nft list set ip bench_hand_filter counted | grep -o '16380 counter packets [0-9]* bytes [0-9]*' || true)
# Phase 3, with --baseline: the baseline's daemon in n with its own $big persisted forwards, its
# single changes through the socket, its memory after the same requests, and its table's new
# connections against direct routing and haproxy, as in phase 1.
if [ -n "$baseline" ]; then
    echo "NAT data path at N=$big, the baseline ..." >&2
    inns n nft delete table ip bench_hand; inns n nft delete table ip bench_hand_filter
    mkdir -p "$work/basebig"
    base_java n seed "$work/basebig" "$big"
    NAT_AGENT_CDS_ARCHIVE=$work/base.jsa daemon_root=$baseline start_daemon n "$work/basebig" "$work/basebig.sock"
    base_agent_pid=$daemon_pid; wait_socket "$work/basebig.sock"
    sleep 3
    collect ".base.$big" < <("$NAT_AGENT_JAVA" $NAT_AGENT_DAEMON_JVM_OPTS -cp "$base_cp" dev.natagent.agent.bench.AgentBench \
        api "$work/basebig.sock" 0 0 "$pairs")
    big_requests env NATCTL_CDS_ARCHIVE="$work/base-natctl.jsa" "$baseline/packaging/bin/natctl" --socket "$work/basebig.sock"
    R[rssmib.big.base]=$(rss_mib "$base_agent_pid")
    via[base]="198.51.100.1 16379"
    sleep 2
    traffic 3 base haproxy direct
    bench_stop "$base_agent_pid"
fi

# --- the table ----------------------------------------------------------------------------------
header
cold_rows
limits_rows
notify_rows
for size in 100 "$big"; do
    line "one forward added N=$size: kernel change (Reconciler)" "inproc.kernel.add.$size" "$(ratio inproc.kernel.add.$size inproc.kernel.add.100) of N=100"
    line "one forward removed N=$size: kernel change" "inproc.kernel.remove.$size" "$(ratio inproc.kernel.remove.$size inproc.kernel.remove.100) of N=100"
    line "  added, kernel + journal fsync (in process)" "inproc.ack.add.$size"
    line "  removed, kernel + journal fsync (in process)" "inproc.ack.remove.$size"
    line "  nft add element (process)" "nftproc.add.$size"
    line "  nft delete element (process)" "nftproc.remove.$size"
    line "  nft -i, one command on its open socket" "nfti.each.$size"
done
line "forward.add acknowledged through the socket, N=0" "api.add.0"
line "forward.remove acknowledged through the socket, N=0" "api.remove.0"
line "forward.add acknowledged through the socket, N=$big" "api.add.$big" "$(ratio api.add.$big api.add.0) of N=0, $(ratio api.add.$big nftproc.add.$big) of nft add element"
line "forward.remove acknowledged through the socket, N=$big" "api.remove.$big" "$(ratio api.remove.$big nftproc.remove.$big) of nft delete element"
if [ -n "$baseline" ]; then
    line "  the baseline's forward.add acknowledged, N=0" "api.add.base.0"
    line "  the baseline's forward.add acknowledged, N=$big" "api.add.base.$big" "$(ratio api.add.base.$big api.add.base.0) of N=0"
    line "  the baseline's forward.remove acknowledged, N=$big" "api.remove.base.$big"
fi
line "iptables-nft -D of one DNAT rule at N=$big" "iptnft.remove.$big"
line "natctl status (wall, hyperfine)" "natctl.status" "$(ratio natctl.status nftproc.hf) of nft add element"
line "natctl forward get (wall, hyperfine)" "natctl.get"
line "nft add element via ip netns exec (wall, hyperfine)" "nftproc.hf"
for k in 0 1; do
    label=$([ $k = 0 ] && echo "new connections/s (-k 0)" || echo "requests/s, persistent (-k 1)")
    line "$label: agent N=$big, allow-list + counters [phase 1]" "rps.agent.$k.1" "$(phase_ratio agent 1 handplus 2 $k) of hand+, $(phase_ratio agent 1 hand 2 $k) of bare hand map (per-round ratios to direct), $(ratio rps.agent.$k.1 rps.haproxy.$k.1) of haproxy"
    line "  haproxy tcp mode [phase 1]" "rps.haproxy.$k.1"
    line "  direct routing [phase 1]" "rps.direct.$k.1" "agent $(med rel.agent.$k.1)x of direct (per round)"
    line "  hand+: hand map + allow-list + counters [phase 2]" "rps.handplus.$k.2" "$(phase_ratio handplus 2 hand 2 $k) of bare hand map"
    line "  hand-written nft map, bare, N=$big [phase 2]" "rps.hand.$k.2"
    line "  haproxy tcp mode [phase 2]" "rps.haproxy.$k.2"
    line "  direct routing [phase 2]" "rps.direct.$k.2" "hand map $(med rel.hand.$k.2)x, hand+ $(med rel.handplus.$k.2)x of direct (per round)"
    if [ -n "$baseline" ]; then
        line "  the baseline's table N=$big [phase 3]" "rps.base.$k.3" "$(phase_ratio base 3 handplus 2 $k) of hand+ (per-round ratios to direct)"
        line "  haproxy tcp mode [phase 3]" "rps.haproxy.$k.3"
        line "  direct routing [phase 3]" "rps.direct.$k.3" "baseline $(med rel.base.$k.3)x of direct (per round)"
    fi
done
start_rows
echo
echo "agent RSS idle: ${R[rss.idle]}"
echo "agent RSS with $big forwards (after start, adopt and $pairs add/remove pairs): ${R[rss.big]}"
echo "  then after a listing, metrics and exports (VmRSS VmHWM, MiB): ${R[rssmib.big]:-}"
[ -z "$baseline" ] || echo "the baseline's RSS idle: ${R[rss.idle.base]:-}; with $big forwards after the same (VmRSS VmHWM, MiB): ${R[rssmib.big.base]:-}"
echo "redis forward counter after the runs: agent ${counted:-none}; hand+ ${hand_counted:-none}"
[ -z "${R[unreachable]:-}" ] || echo "NOT MEASURED (redis unreachable through):${R[unreachable]}"
targets
