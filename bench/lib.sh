# Shared by the bash harnesses in bench/: the build tree's jars and JVM, one work directory, and
# the network namespaces and processes a harness creates, all removed (processes killed by PID)
# when it exits, also on failure or Ctrl-C. Source it, do not run it:
#
#   . "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
#   bench_require_root
#   bench_setup agent-rss           # $work=/tmp/agent-rss.XXXXXX, NAT_AGENT_* (jars, java)
#   bench_cp=$(bench_classpath "$bench_root") || exit 1
#   bench_baseline REF              # $baseline: a built directory, or git ref REF built in a worktree
#   bench_netns "nrs$$"             # created now (loopback up), deleted on exit
#   some-daemon & bench_track $!    # killed and waited for on exit, unless bench_untrack'ed
#   bench_daemon NS DIR SOCK LAUNCHER... # a tracked daemon, PID in $bench_daemon_pid
#   bench_await_socket SOCK PID TRIES PAUSE
#   bench_stop PID                  # stopped now (SIGTERM) and waited for
#
# A harness with more to undo defines bench_cleanup_hook; it runs first on exit.

# shellcheck disable=SC2034 # the variables set here are used by the harnesses that source this
bench_root=$(cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../packaging/bin/nat-agent-env.sh
. "$bench_root/packaging/bin/nat-agent-env.sh"

bench_pids=()
bench_namespaces=()
bench_worktrees=()
work=

bench_require_root() {
    [ "$(id -u)" = 0 ] || { echo "$0: run as root (it creates network namespaces)" >&2; exit 2; }
}

# The class path of build tree DIR for the benchmark classes: the bench module's classes and its
# dependencies (target/bench.classpath, written by its build). Older trees had them in the test
# trees (for --baseline of an older commit): the daemon's test classes, then the daemon's class path.
bench_classpath() {
    local dir=$1 cp= jar
    if [ -f "$dir/bench/pom.xml" ]; then
        [ -d "$dir/bench/target/classes" ] && [ -f "$dir/bench/target/bench.classpath" ] \
            || nat_agent_fail "no benchmark classes in $dir: run 'mvn -B -ntp package -DskipTests' there first"
        echo "$dir/bench/target/classes:$(cat "$dir/bench/target/bench.classpath")"
        return
    fi
    if [ -d "$dir/agent/target/test-classes/dev/natagent/agent/bench" ]; then
        # A build from before the agent module was split in three (--baseline of an older commit).
        for jar in "$dir"/agent/target/nat-agent-*.jar; do [ -f "$jar" ] && cp=$jar; done
        [ -n "$cp" ] || nat_agent_fail "no agent jar in $dir/agent/target: build it first"
        echo "$dir/agent/target/test-classes:$cp:$dir/agent/target/lib/*"
        return
    fi
    [ -d "$dir/agent/daemon/target/test-classes/dev/natagent/agent/bench" ] \
        || nat_agent_fail "no benchmark classes in $dir: run 'mvn -B -ntp package -DskipTests' there first"
    cp=$(unset NAT_AGENT_HOME; nat_agent_locate "$dir/packaging/bin/nat-agent" nat-agent && echo "$NAT_AGENT_CLASSPATH") \
        || exit 1
    echo "$dir/agent/daemon/target/test-classes:$cp"
}

# Locates this build tree's daemon jars and java (NAT_AGENT_CLASSPATH, NAT_AGENT_JAVA, ...),
# makes the work directory $work and installs the traps.
bench_setup() {
    nat_agent_locate "$bench_root/packaging/bin/nat-agent" nat-agent
    nat_agent_java
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

# The stamp a results table carries (bench/RESULTS.md): the commit of this tree (+changes when the
# working tree differs from it), the machine, the JVM and the command line as it was given.
bench_stamp() {
    local commit cpu
    commit=$(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")
    git -C "$bench_root" diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
    echo "stamp: commit $commit; $(nproc) CPUs (${cpu:-unknown model}), kernel $(uname -r)," \
        "$("${NAT_AGENT_JAVA:-java}" -version 2>&1 | head -1), $(nft --version 2>/dev/null || echo "no nft");" \
        "command: $(tr '\0' ' ' </proc/$$/cmdline | sed 's/ $//')"
}

# Sets $baseline to the build tree of REF: a directory holding a build, or a git ref (commit,
# branch, tag) of this repository, checked out now in a temporary worktree and built there (removed
# on exit). Call after bench_setup.
bench_baseline() {
    local ref=$1
    if [ -d "$ref" ]; then
        baseline=$(cd "$ref" && pwd)
        return
    fi
    baseline=$work/baseline
    git -C "$bench_root" worktree add --detach -q "$baseline" "$ref" \
        || nat_agent_fail "--baseline $ref: neither a directory nor a git ref of $bench_root"
    bench_worktrees+=("$baseline")
    echo "building the baseline $ref ($(git -C "$baseline" log -1 --format=%h)) in $baseline ..." >&2
    (cd "$baseline" && mvn -B -ntp -o -q package -DskipTests >&2) || nat_agent_fail "could not build $ref"
}

# Sockets on the whole host, in every network namespace (read only), that joined the nf_tables
# change group (nfnetlink group 7: bit 0x40 of /proc/net/netlink's groups). While there is one,
# every nf_tables transaction on the host builds a notification per changed object.
bench_nft_subscribers() {
    local seen=" " count=0 net inode groups
    for net in /proc/[0-9]*/ns/net /run/netns/*; do
        inode=$(stat -L -c %i "$net" 2>/dev/null) || continue
        case $seen in *" $inode "*) continue ;; esac
        seen="$seen$inode "
        for groups in $(nsenter --net="$net" awk '$2 == 12 {print $4}' /proc/net/netlink 2>/dev/null); do
            if (( 0x$groups & 0x40 )); then count=$((count + 1)); fi
        done
    done
    echo "$count"
}

bench_netns() {
    ip netns add "$1"
    bench_namespaces+=("$1")
    ip netns exec "$1" ip link set lo up
}

bench_track() {
    bench_pids+=("$1")
}

# Starts a daemon in namespace NETNS on state directory DIR and admin socket SOCK, the way the
# harnesses run it (no config file unless bench_config names one, admin group root, warnings only,
# appended to $work/daemon.log),
# in the background and tracked; its PID in $bench_daemon_pid. LAUNCHER... is the command (e.g.
# "$bench_root/packaging/bin/nat-agent"); JVM options and archive come from the environment
# (NAT_AGENT_JAVA_OPTS=... bench_daemon ...). ip netns exec execs the launcher, which execs java:
# the PID is the JVM's (a shell function in the background would be a subshell whose kill leaves
# the JVM running).
bench_daemon() {
    local netns=$1 dir=$2 sock=$3
    shift 3
    ip netns exec "$netns" "$@" --state-dir "$dir" --socket "$sock" --config "${bench_config:-/nonexistent}" --admin-group root \
        --log-level warn 2>>"$work/daemon.log" &
    bench_daemon_pid=$!
    bench_track "$bench_daemon_pid"
}

# Sleeps $1 seconds without starting a process: a `sleep` per poll would take CPU from the process
# being timed. The read waits on a pipe that never delivers (its write end is this shell's own).
exec {bench_nap_fd}<> <(:)
bench_nap() { read -r -t "$1" -u "$bench_nap_fd" || true; }

# Waits until the daemon PID has opened SOCK, looking TRIES times PAUSE seconds apart. If it exits
# first or never does, it is killed (also from a subshell, where the exit trap does not run) and
# the harness fails with the end of the daemon's log.
bench_await_socket() {
    local sock=$1 pid=$2 _
    for _ in $(seq "$3"); do
        [ -S "$sock" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        bench_nap "$4"
    done
    kill "$pid" 2>/dev/null || true
    tail -20 "$work/daemon.log" >&2
    nat_agent_fail "the daemon did not open $sock"
}

# Stops process PID now (SIGTERM), waits for it, and no longer tracks it.
bench_stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    bench_untrack "$1"
}

bench_untrack() {
    local pid kept=()
    for pid in "${bench_pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
    bench_pids=("${kept[@]}")
}

bench_cleanup() {
    local pid ns tree
    if declare -F bench_cleanup_hook >/dev/null; then bench_cleanup_hook || true; fi
    for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for ns in "${bench_namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    for tree in "${bench_worktrees[@]}"; do git -C "$bench_root" worktree remove --force "$tree" 2>/dev/null || true; done
    [ -z "$work" ] || rm -rf "$work"
}
