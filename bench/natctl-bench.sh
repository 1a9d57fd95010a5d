#!/bin/bash
# Wall time of one natctl call (default `natctl --help`), side by side with a bare JVM start
# (`java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version`, the target's reference:
# natctl status <= 1.8x it), timed by hyperfine in one run: the launcher with its AppCDS archive
# (as installed), without one, and a plain JVM with the full class path; `nft --version` for scale.
#
#   bench/natctl-bench.sh [--agent] [natctl args...]   (after `mvn -B -ntp package`; RUNS=30, ROUNDS=5)
#
# BASELINE=DIR adds the natctl launcher of another built checkout in DIR, with its own AppCDS
# archive, for a before/after in the same run.
# --agent starts a daemon (root: it runs in a network namespace of its own, removed on exit, the
# daemon stopped by PID) and passes its --socket, so that e.g. `--agent status` times a real call.
# Without it the call needs no root and no agent (--help), or a --socket PATH of a running one.
# hyperfine runs each variant in a block; ROUNDS blocks of RUNS/ROUNDS runs each alternate, so
# that load drift on a shared machine hits every variant alike. Ratios are to the bare JVM.
set -euo pipefail
runs=${RUNS:-30}
rounds=${ROUNDS:-5}
agent=0
if [ "${1:-}" = --agent ]; then agent=1; shift; fi
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--help)

# shellcheck source=lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
command -v hyperfine >/dev/null || nat_agent_fail "hyperfine is needed (apt-get install hyperfine)"
bench_setup natctl-bench
natctl=$bench_root/packaging/bin/natctl
nat_agent_locate "$natctl" natctl

if [ $agent = 1 ]; then
    bench_require_root
    ns=nnb$$
    bench_netns "$ns"
    mkdir "$work/state"
    NAT_AGENT_CDS_ARCHIVE=/nonexistent bench_daemon "$ns" "$work/state" "$work/sock" "$bench_root/packaging/bin/nat-agent"
    bench_await_socket "$work/sock" "$bench_daemon_pid" 3000 0.01
    args=(--socket "$work/sock" "${args[@]}")
fi

# The archive as the RPM's %post makes it, in the work directory: one left next to the jars would
# go stale with the next build. (A launcher that archives at exit instead, as a BASELINE's may,
# makes it from this call, which fails to reach an agent; one that dumps a class list ignores it.)
NATCTL_CDS_DUMP=$work/natctl.jsa "$natctl" --socket /nonexistent/cds.sock status >/dev/null 2>&1 || true
[ -s "$work/natctl.jsa" ] || nat_agent_fail "AppCDS archive was not written"

quoted=$(printf ' %q' "${args[@]}")
labels=() commands=()
variant() { labels+=("$1"); commands+=("$2"); }
variant "bare JVM: java -version (reference)" \
    "$NAT_AGENT_JAVA -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version"
variant "natctl launcher, AppCDS archive" "env NATCTL_CDS_ARCHIVE=$work/natctl.jsa $natctl$quoted"
if [ -n "${BASELINE:-}" ]; then
    NATCTL_CDS_DUMP=$work/baseline.jsa "$BASELINE/packaging/bin/natctl" --socket /nonexistent/cds.sock status \
        >/dev/null 2>&1 || true
    [ -s "$work/baseline.jsa" ] || nat_agent_fail "the baseline's AppCDS archive was not written"
    variant "baseline's natctl launcher, AppCDS archive" \
        "env NATCTL_CDS_ARCHIVE=$work/baseline.jsa $BASELINE/packaging/bin/natctl$quoted"
fi
variant "natctl launcher, no AppCDS archive" "env NATCTL_CDS_ARCHIVE=/nonexistent $natctl$quoted"
variant "java -cp <natctl's jars> (no flags)" \
    "$NAT_AGENT_JAVA -cp $NAT_AGENT_CLASSPATH dev.natagent.agent.cli.Natctl$quoted"
if command -v nft >/dev/null; then
    variant "for scale: nft --version" "nft --version"
fi

# Every variant must work before it is timed (hyperfine would time a failure as well).
for ((v = 0; v < ${#labels[@]}; v++)); do
    bash -c "${commands[v]}" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; nat_agent_fail "failed: ${commands[v]}"; }
done

per_round=$(((runs + rounds - 1) / rounds))
for ((r = 0; r < rounds; r++)); do
    hyperfine -N --style none --warmup 2 --runs "$per_round" --export-json "$work/round$r.json" "${commands[@]}" >/dev/null 2>>"$work/hyperfine.log"
done

bench_stamp
echo "natctl ${*:-${args[*]}}: wall time, $((per_round * rounds)) runs each ($rounds hyperfine rounds), load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$rounds" "${labels[@]}" <<'EOF'
import json, statistics, sys
work, rounds, labels = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = [[] for _ in labels]
cpu = [[] for _ in labels]  # per round: mean user + system CPU time of a run
for r in range(rounds):
    for i, result in enumerate(json.load(open(f"{work}/round{r}.json"))["results"]):
        times[i] += [t * 1000 for t in result["times"]]
        cpu[i].append((result["user"] + result["system"]) * 1000)
ref_median, ref_min, ref_cpu = statistics.median(times[0]), min(times[0]), statistics.median(cpu[0])
print(f"{'':44} {'median':>8} {'min':>8} {'max':>8} {'CPU':>8}   ratio to the bare JVM: median, min, CPU")
for label, t, c in zip(labels, times, cpu):
    print(f"{label:44} {statistics.median(t):6.1f}ms {min(t):6.1f}ms {max(t):6.1f}ms {statistics.median(c):6.1f}ms"
          f"   {statistics.median(t) / ref_median:5.2f}x {min(t) / ref_min:5.2f}x {statistics.median(c) / ref_cpu:5.2f}x")
print("CPU: user + system time of a run (mean of a round, median over the rounds). On a loaded machine it is")
print("the steadier figure; it also counts what natctl does on parallel threads, which wall time on idle CPUs hides.")
EOF
