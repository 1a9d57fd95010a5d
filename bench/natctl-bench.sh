#!/bin/bash
# Wall time of `natctl --help` (or the arguments given): plain JVM with natctl's class path, the
# launcher without an AppCDS archive, and the launcher with one. Median and max of RUNS runs each.
# Usage: bench/natctl-bench.sh [natctl args...]   (after `mvn -B -ntp package`; RUNS=20)
# Needs no root and no agent: the default, --help, runs without one; for a command that talks to
# the agent, pass --socket PATH of a running one.
set -euo pipefail
runs=${RUNS:-20}
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--help)

# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
bench_setup natctl-bench
natctl=$bench_root/packaging/bin/natctl
nat_agent_locate "$natctl" natctl

set -f # the commands below are split into words unquoted: no globbing
# The variants run interleaved (round robin), so load from other processes hits them alike.
labels=()
commands=()
variant() { # label, command words (one string, no spaces inside words)
    labels+=("$1")
    commands+=("$2")
}

NATCTL_CDS_DUMP=$work/natctl.jsa "$natctl" "${args[@]}" >/dev/null 2>&1 || true
[ -s "$work/natctl.jsa" ] || { echo "AppCDS archive was not written" >&2; exit 1; }
variant "java -cp <natctl's jars> (no flags)" \
    "$NAT_AGENT_JAVA -cp $NAT_AGENT_CLASSPATH dev.natagent.agent.cli.Natctl"
variant "natctl launcher, no AppCDS archive" "env NATCTL_CDS_ARCHIVE=/nonexistent $natctl"
variant "natctl launcher, AppCDS archive" "env NATCTL_CDS_ARCHIVE=$work/natctl.jsa $natctl"
if command -v nft >/dev/null; then
    variant "for scale: nft --version" "nft --version"
fi

for ((v = 0; v < ${#labels[@]}; v++)); do
    ${commands[v]} "${args[@]}" >/dev/null 2>&1 || true # warm the page cache
    : >"$work/$v"
done
for ((i = 0; i < runs; i++)); do
    for ((v = 0; v < ${#labels[@]}; v++)); do
        t0=$(date +%s%N)
        ${commands[v]} "${args[@]}" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000)) >>"$work/$v"
    done
done
bench_stamp
echo "natctl ${args[*]}: wall time, $runs runs each"
for ((v = 0; v < ${#labels[@]}; v++)); do
    sort -n "$work/$v" | awk -v label="${labels[v]}" '{ t[NR] = $1 }
        END { printf "%-40s median %6.1f ms   min %6.1f ms   max %6.1f ms\n", label,
              t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000 }'
done
