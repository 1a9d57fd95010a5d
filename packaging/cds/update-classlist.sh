#!/bin/bash
# Records the AppCDS class lists the RPM ships: packaging/cds/nat-agent.classlist, the classes a
# real daemon start loads, from exec until the kernel matches a persisted state of 10,000
# forwards, one admin request and SIGTERM; and packaging/cds/natctl.classlist, the classes natctl
# loads for the calls operators and scripts make (apply, status, the forward commands, --help),
# each a real call to that agent. The RPM's %post turns each list into an AppCDS archive with the
# installed JVM (see the nat-agent and natctl launchers). Re-run after changes to either path, and
# commit the result: a class missing from a list is merely loaded from its jar, a stale entry
# merely skipped, but ClassListTest fails when a list names a class of ours that no longer exists.
#
#   sudo packaging/cds/update-classlist.sh   (after `mvn -B -ntp package -DskipTests`)
#
# Runs in a network namespace it creates and removes; the daemons it starts are stopped by PID. The
# persisted state is made the way an operator makes one: a first daemon takes the document (the
# same 10,000 forwards as the benchmarks' state: listen ports 10000.., each to its own target, one
# with an allow-list) through natctl apply and is stopped; natctl's calls are recorded against
# that first daemon (a forward added is removed again). The second start, the recorded one, adopts
# the state. The lists are sorted (classes, then the lambda lines), so that a re-recording shows
# only what changed.
set -euo pipefail
# shellcheck source=../../bench/lib.sh
. "$(dirname -- "$(readlink -f -- "$0")")/../../bench/lib.sh"
bench_require_root
root=$bench_root
bench_setup update-classlist
forwards=10000

ns=ncl$$
bench_netns "$ns"
awk -v n="$forwards" 'BEGIN {
    printf "{\"forwards\":["
    for (i = 0; i < n; i++) {
        port = 10000 + i
        if (i > 0) printf ","
        if (port == 16379) {
            printf "{\"name\":\"redis\",\"listen\":\"%d\",\"to\":[\"10.0.1.2:6379\"],\"allow\":[\"198.51.100.0/24\"]}", port
        } else {
            printf "{\"name\":\"f%d\",\"listen\":\"%d\",\"to\":[\"10.0.1.%d:%d\"]}", i, port, 10 + i % 200, 1024 + int(i / 200)
        }
    }
    print "]}"
}' >"$work/state.json"

# start_daemon EXTRA_JAVA_OPTS: a daemon on $work/state in the namespace, its PID in $daemon_pid
# once its socket is open.
start_daemon() {
    rm -f "$work/admin.sock"
    NAT_AGENT_CDS_ARCHIVE=/nonexistent NAT_AGENT_JAVA_OPTS=$1 \
        bench_daemon "$ns" "$work/state" "$work/admin.sock" "$root/packaging/bin/nat-agent"
    daemon_pid=$bench_daemon_pid
    bench_await_socket "$work/admin.sock" "$daemon_pid" 3000 0.01
}

# record_natctl ARGS...: one natctl call without an archive (every class is then loaded, and
# listed, the way a call loads it), its list in $work/natctl-N.classlist.
natctl_calls=0
record_natctl() {
    natctl_calls=$((natctl_calls + 1))
    NATCTL_CDS_ARCHIVE=/nonexistent NATCTL_JAVA_OPTS=-XX:DumpLoadedClassList=$work/natctl-$natctl_calls.classlist \
        "$root/packaging/bin/natctl" "$@" >/dev/null
}

start_daemon ""
record_natctl --socket "$work/admin.sock" apply "$work/state.json"
record_natctl --socket "$work/admin.sock" status
record_natctl --socket "$work/admin.sock" forward add recorded --listen 20000 --to 10.0.1.9:6379
record_natctl --socket "$work/admin.sock" forward set recorded --to 10.0.1.9:6380
record_natctl --socket "$work/admin.sock" forward get recorded
record_natctl --socket "$work/admin.sock" forward list
record_natctl --socket "$work/admin.sock" forward remove recorded
record_natctl --help
bench_stop "$daemon_pid"
ip netns exec "$ns" nft delete table ip nat_agent

# No archive while recording: every class is then loaded, and listed, the way a start loads it.
start_daemon "-XX:DumpLoadedClassList=$work/raw.classlist"
"$root/packaging/bin/natctl" --socket "$work/admin.sock" status >/dev/null
bench_stop "$daemon_pid"

# write_list NAME RAW...: packaging/cds/NAME.classlist from the recorded lists RAW. Dynamic
# proxies are generated at run time and cannot be preloaded from a list: left out, so that making
# the archive prints no "cannot find" warnings.
write_list() {
    local list=$root/packaging/cds/$1.classlist
    shift
    grep -hEv '^(com/sun/proxy/)?jdk/proxy[0-9]+/\$Proxy[0-9]+$' "$@" >"$work/kept.classlist"
    {
        grep '^#' "$1" || true
        grep -Ev '^(#|@)' "$work/kept.classlist" | LC_ALL=C sort -u
        grep '^@' "$work/kept.classlist" | LC_ALL=C sort -u
    } >"$list"
    echo "$(grep -Evc '^(#|@)' "$list") classes in packaging/cds/${list##*/}"
}
write_list nat-agent "$work/raw.classlist"
write_list natctl "$work"/natctl-*.classlist
