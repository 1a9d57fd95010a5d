#!/bin/bash
# The daemon's memory (targets: RSS <= 48 MiB idle, <= 96 MiB with 50,000 forwards, peak included),
# measured on real daemons started by the real launcher (its JVM flags, environment and AppCDS
# archive, made first as the RPM's %post does), side by side.
#
#   bench/agent-rss.sh [-n N] [-s SECONDS] [-r ROUNDS] [--nmt] [VARIANT...]   (root; after `mvn package`)
#
# VARIANT is one of
#   DIR             a build tree (a checkout after `mvn package`) or a directory laid out like the
#                   install (packaging/copy-jars.sh DIR, plus nat-agent and nat-agent-env.sh
#                   next to the jars), e.g. a copy of an older build;
#   NAME=JVM_OPTS   this build with NAT_AGENT_JAVA_OPTS=JVM_OPTS (appended to the launcher's flags),
#                   e.g. `young4=-XX:MaxNewSize=4m`;
#   NAME=@DIR       the build in DIR under the name NAME.
# This build ("agent") runs first unless DIRs are given. For each round and variant:
#   idle   a daemon with an empty state: VmRSS 5 s after its socket opened and after SECONDS more
#   N      a daemon that adopts a persisted state of N forwards (default 50,000) into an empty
#          table (the whole table in one batch), then serves what operators and scrapers ask:
#          status, forward list, metrics (JSON and Prometheus), export nft, 20 forward add/remove
#          pairs; VmRSS right after start and VmHWM (the peak so far: the adoption), the peak
#          during each kind of request (VmHWM is reset before each, through clear_refs), VmRSS
#          and VmHWM right after the requests, VmRSS after SECONDS of normal operation (probe,
#          resolve, drift-check loops) and after a full GC (jcmd GC.run). Between the requests and
#          that wait, the foreign phase: another process's transactions in the daemon's namespace
#          (20 `nft` commands in a table of its own, 0.3 s apart, the first creating it, each
#          adding an element; each moves the ruleset generation, so each makes a drift check
#          compare the daemon's table). It prints the phase's VmHWM (reset before it) and VmRSS
#          before it, and the daemon's CPU time (utime + stime from /proc/PID/stat) over the phase
#          and over a quiet phase of the same length just before it, and their difference per
#          transaction: what one drift check costs.
# After the last N run of each variant it prints where the resident memory is (from
# /proc/PID/smaps): the class-data archives, libjvm.so, other mapped files, malloc's heap and the
# rest of the anonymous memory (Java heap, metaspace, code cache, thread stacks, malloc's mmaps).
# --nmt adds -XX:NativeMemoryTracking=summary and prints (stderr) jcmd VM.native_memory, the heap's
# class histogram and heap sizes at the end of each N run (NMT itself costs a few MiB; figures
# with --nmt are for attribution, not for the table).
#
# Each daemon runs in a network namespace of its own (nrs<pid>), removed on exit; daemons are
# killed by PID. Bounded: a round takes about 2 x SECONDS + 50 s per variant.
set -euo pipefail

n=50000; settle=60; rounds=1; nmt=0; variants=()
while [ $# -gt 0 ]; do
    case $1 in
        -n) n=$2; shift 2 ;;
        -s) settle=$2; shift 2 ;;
        -r) rounds=$2; shift 2 ;;
        --nmt) nmt=1; shift ;;
        -*) echo "usage: $0 [-n N] [-s SECONDS] [-r ROUNDS] [--nmt] [DIR | NAME=JVM_OPTS | NAME=@DIR ...]" >&2; exit 2 ;;
        *) variants+=("$1"); shift ;;
    esac
done
# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
bench_require_root
bench_setup agent-rss
bench_cp=$(bench_classpath "$bench_root") || exit 1
jcmd=$(dirname -- "$(readlink -f -- "$NAT_AGENT_JAVA")")/jcmd

# Per variant i: label, directory, extra JVM options.
labels=() dirs=() opts=()
add_variant() { labels+=("$1"); dirs+=("$(cd "$2" && pwd)"); opts+=("$3"); }
dirs_given=0
for variant in "${variants[@]}"; do case $variant in *=*) ;; *) dirs_given=1 ;; esac; done
[ $dirs_given = 1 ] || add_variant agent "$bench_root" ""
for variant in "${variants[@]}"; do
    case $variant in
        *=@*) add_variant "${variant%%=*}" "${variant#*=@}" "" ;;
        *=*) add_variant "${variant%%=*}" "$bench_root" "${variant#*=}" ;;
        *) add_variant "$variant" "$variant" "" ;;
    esac
done

ns=nrs$$
daemon_pid=
bench_netns "$ns"

# The launcher of DIR, and the environment that makes it use DIR's jars.
launcher() {
    if [ -x "$1/packaging/bin/nat-agent" ]; then echo "env $1/packaging/bin/nat-agent"
    else echo "env NAT_AGENT_HOME=$1 $1/nat-agent"; fi
}
# The AppCDS archive of variant i, made the way the RPM's %post makes it (with the variant's own
# JVM options: an archive is only used by the flags that wrote it).
make_archive() {
    # shellcheck disable=SC2046
    NAT_AGENT_JAVA_OPTS=${opts[$1]} NAT_AGENT_CDS_DUMP=$work/cds$1.jsa $(launcher "${dirs[$1]}") >"$work/cds.log" 2>&1 \
        || { cat "$work/cds.log" >&2; nat_agent_fail "could not write the AppCDS archive of ${labels[$1]}"; }
}
start() { # VARIANT STATEDIR
    local extra=${opts[$1]}
    [ $nmt = 1 ] && extra="$extra -XX:NativeMemoryTracking=summary"
    rm -f "$work/sock"
    # shellcheck disable=SC2046
    NAT_AGENT_JAVA_OPTS=$extra NAT_AGENT_CDS_ARCHIVE=$work/cds$1.jsa bench_daemon "$ns" "$2" "$work/sock" \
        $(launcher "${dirs[$1]}")
    daemon_pid=$bench_daemon_pid
    bench_await_socket "$work/sock" "$daemon_pid" 6000 0.01
}
stop() {
    bench_stop "$daemon_pid"; daemon_pid=
    ip netns exec "$ns" nft flush ruleset
}
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$daemon_pid/status"; }
mib() { awk -v v="$1" 'BEGIN {printf "%.1f", v / 1024}'; }
threads() { ls "/proc/$daemon_pid/task" | wc -l; }
hz=$(getconf CLK_TCK)
# The daemon's CPU time so far in ms (utime + stime: fields 14 and 15, counted after the comm).
cpu_ms() { awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz }' "/proc/$daemon_pid/stat"; }
# 20 pauses of 0.3 s, each after a transaction of nft in table ip other when $1 is "foreign" (the
# first creates the table and its set, each adds an element), then 2 s for the last check to end.
transactions() {
    local k
    for k in $(seq 20); do
        if [ "$1" = foreign ]; then
            if [ "$k" = 1 ]; then ip netns exec "$ns" nft "add table ip other; add set ip other s { type inet_service; }; add element ip other s { 1 }"
            else ip netns exec "$ns" nft add element ip other s "{ $k }"; fi
        fi
        bench_nap 0.3
    done
    bench_nap 2
}
api() { "$NAT_AGENT_JAVA" -XX:TieredStopAtLevel=1 -cp "$bench_cp" dev.natagent.agent.bench.RssWorkload "$work/sock" "$@"; }
# Resident MiB by kind of mapping.
where() {
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 == "" ? "anon" : $6 }
        /^Rss:/ {
            if (name ~ /\.jsa$/) k = "class-data archives"; else if (name ~ /libjvm\.so$/) k = "libjvm.so";
            else if (name == "[heap]") k = "malloc heap"; else if (name == "anon") k = "other anonymous";
            else k = "other files";
            rss[k] += $2 }
        END { printf "class-data archives %.1f, libjvm.so %.1f, other files %.1f, malloc heap %.1f, other anonymous (Java heap, metaspace, code, stacks, mmapped malloc) %.1f",
              rss["class-data archives"] / 1024, rss["libjvm.so"] / 1024, rss["other files"] / 1024,
              rss["malloc heap"] / 1024, rss["other anonymous"] / 1024 }' "/proc/$daemon_pid/smaps"
}

echo "nat-agent RSS: N=$n, settle ${settle} s, $rounds round(s); $(nproc) CPUs, $(uname -r), $("$NAT_AGENT_JAVA" -version 2>&1 | head -1)"
bench_stamp
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
"$NAT_AGENT_JAVA" -cp "$bench_cp" dev.natagent.agent.bench.AgentBench seed "$work/seed" "$n"
for i in "${!labels[@]}"; do make_archive "$i"; done

declare -A R
for round in $(seq "$rounds"); do
    for i in "${!labels[@]}"; do
        echo "round $round: ${labels[$i]} ..." >&2
        rm -rf "$work/idle"; mkdir "$work/idle"
        start "$i" "$work/idle"; sleep 5
        idle=$(kib VmRSS)
        sleep "$settle"
        R[$i.idle]+="$(mib "$idle") / $(mib "$(kib VmRSS)")  "
        R[$i.threads]=$(threads)
        R[$i.idlewhere]=$(where)
        stop

        rm -rf "$work/big"; cp -a "$work/seed" "$work/big"
        start "$i" "$work/big"
        ready="$(mib "$(kib VmRSS)") ($(mib "$(kib VmHWM)"))"
        peaks=
        for request in status list metrics-prometheus export-nft metrics-json 20; do
            echo 5 >"/proc/$daemon_pid/clear_refs" # VmHWM := VmRSS
            api "$request"
            peaks+="$request $(mib "$(kib VmHWM)"), "
        done
        R[$i.peaks]+="${peaks%, }  "
        used="$(mib "$(kib VmRSS)")"
        quiet=$(cpu_ms); transactions quiet; quiet=$(( $(cpu_ms) - quiet ))
        echo 5 >"/proc/$daemon_pid/clear_refs"
        before=$(kib VmRSS)
        busy=$(cpu_ms); transactions foreign; busy=$(( $(cpu_ms) - busy ))
        R[$i.foreign]+="$(mib "$(kib VmHWM)") from $(mib "$before") ($busy / $quiet ms, $(( (busy - quiet) / 20 )) ms each)  "
        sleep "$settle"
        settled=$(kib VmRSS)
        "$jcmd" "$daemon_pid" GC.run >/dev/null
        sleep 1
        R[$i.big]+="$ready / $used / $(mib "$settled") / $(mib "$(kib VmRSS)")  "
        R[$i.bigwhere]=$(where)
        if [ $nmt = 1 ]; then
            "$jcmd" "$daemon_pid" VM.native_memory summary | grep -E '^(Total|-)' >&2
            "$jcmd" "$daemon_pid" GC.class_histogram | head -28 >&2
            "$jcmd" "$daemon_pid" GC.heap_info | tail -n +2 >&2
        fi
        stop
    done
done

echo
echo "VmRSS in MiB (one entry per round; VmHWM, the peak so far, in parentheses)"
for i in "${!labels[@]}"; do
    flags=$(cat "${dirs[$i]}/packaging/bin/nat-agent-env.sh" "${dirs[$i]}/nat-agent-env.sh" 2>/dev/null \
        | sed -n 's/^NAT_AGENT_DAEMON_JVM_OPTS=//p' | head -1 | cut -c1-60) || true
    echo "${labels[$i]}: ${dirs[$i]}  ($flags...${opts[$i]:+ plus ${opts[$i]}})"
    echo "  idle        5 s / +${settle} s:                                     ${R[$i.idle]}"
    echo "  N=$n  ready (peak) / after requests / +${settle} s / after GC:       ${R[$i.big]}"
    echo "  N=$n  peak during each request:  ${R[$i.peaks]}"
    echo "  N=$n  peak during 20 foreign transactions from VmRSS before them (CPU ms over them / as long without; per transaction):  ${R[$i.foreign]}"
    echo "  threads (idle daemon): ${R[$i.threads]}"
    echo "  resident idle, last round:         ${R[$i.idlewhere]}"
    echo "  resident at N after GC, last round: ${R[$i.bigwhere]}"
done
