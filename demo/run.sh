#!/bin/bash
# The ElastiCache-behind-a-NAT-instance scenario, end to end, in private network namespaces:
#
#   trusted client 198.51.100.27 ─┐                         ┌─ node0 10.0.1.230:6379
#                                 ├─ br-pub │ NAT │ br-priv ┼─ node1 10.0.1.231:6379
#   untrusted      198.51.100.99 ─┘  203.0.113.73   10.0.1.1 └─ node2 10.0.1.232:6379
#
# nat-agent runs in the NAT namespace; natctl forwards 203.0.113.73:6379-6381 to the three
# nodes for the trusted client only. The demo shows `natctl forward list`, proves that the
# trusted client reaches each node on its own port (different run_id per node) and that the
# untrusted one cannot, then removes everything it created.
#
# Usage: sudo demo/run.sh        (builds with Maven first if the jars are missing)
#        sudo demo/run.sh cluster    the same with a Redis cluster in cluster mode instead: six
#        nodes (three primaries, three replicas) that the agent discovers by itself; a stock
#        redis-cli outside follows their MOVED redirects through `natctl cluster map`, also after
#        a failover. Needs redis-server and redis-cli.
# Nodes run redis-server when it is installed, else demo/RespEcho.java (answers PING and INFO);
# DEMO_BUILTIN=1 forces the latter. DEMO_TIMEOUT (default 3 s) bounds every client attempt.
# Safe on any Linux box with root: every address, route, rule and sysctl lives in namespaces
# this script creates; the host's own ruleset, sysctls and interfaces are never touched, and the
# demo checks that at the end (`nft list ruleset`, ip_forward and send_redirects of the host).
# Exit status: 0 all checks passed, 1 a check failed or the demo could not run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
natctl_bin=$root/packaging/bin/natctl
agent_bin=$root/packaging/bin/nat-agent
timeout_s=${DEMO_TIMEOUT:-3}

prefix=natdemo$$
ns_trusted=$prefix-trusted
ns_untrusted=$prefix-untrusted
ns_nat=$prefix-nat
scenario=${1:-forwards}
case $scenario in
    forwards) nodes=(10.0.1.230 10.0.1.231 10.0.1.232) ;;
    cluster) nodes=(10.0.1.11 10.0.1.12 10.0.1.13 10.0.1.14 10.0.1.15 10.0.1.16) ;;
    *) printf 'usage: demo/run.sh [cluster]\n' >&2; exit 1 ;;
esac
ports=(6379 6380 6381)
public=203.0.113.73

tmp=
pids=()
namespaces=()
failures=0

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
pass() { printf '    ok    %s\n' "$*"; }
fail() {
    printf '    FAIL  %s\n' "$*"
    failures=$((failures + 1))
}
die() {
    printf 'demo: %s\n' "$*" >&2
    exit 1
}

# The host's own ruleset and the sysctls the agent manages, to prove at the end that the demo
# left them exactly as they were. Without counter values and element timeouts (nft -s, sed),
# which the host's own traffic changes meanwhile.
host_state() {
    if command -v nft >/dev/null; then nft -s list ruleset | sed -E 's/ expires [0-9hms.]+//g'; fi
    printf 'net.ipv4.ip_forward = %s\n' "$(cat /proc/sys/net/ipv4/ip_forward)"
    printf 'net.ipv4.conf.all.send_redirects = %s\n' "$(cat /proc/sys/net/ipv4/conf/all/send_redirects)"
}
host_before=

cleanup() {
    local status=$?
    set +e
    # Cleaning up must finish even when whoever reads our output has gone (`demo/run.sh | head`).
    trap '' PIPE
    say "Cleaning up"
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    for ns in "${namespaces[@]}"; do
        ip netns delete "$ns" 2>/dev/null
    done
    if [ $status -ne 0 ] && [ -n "$tmp" ] && [ -s "$tmp/agent.log" ]; then
        printf -- '--- last lines of the agent log ---\n'
        tail -n 30 "$tmp/agent.log"
    fi
    [ -n "$tmp" ] && rm -rf "$tmp"
    echo "    removed namespaces ${namespaces[*]:-none} and stopped ${#pids[@]} processes"
    if [ -n "$host_before" ]; then
        if [ "$(host_state)" = "$host_before" ]; then
            echo "    host ruleset (nft list ruleset) and sysctls (ip_forward, send_redirects) unchanged"
        else
            echo "    FAIL  the host's ruleset or sysctls changed while the demo ran:"
            diff <(printf '%s\n' "$host_before") <(host_state) | sed 's/^/    /'
            status=1
        fi
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites and build -----------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "run it as root: sudo demo/run.sh"
for tool in ip java timeout; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

# Each program's jar with its main class, and the list of jars it runs with. A jar's entry names
# are stored uncompressed, so grep finds them without unzip.
built() {
    has_main daemon nat-agent dev/natagent/agent/daemon/Main.class \
        && has_main natctl natctl dev/natagent/agent/cli/Natctl.class
}
has_main() { # module, program, class file
    local jar
    for jar in "$root/agent/$1/target/nat-agent-$1"-[0-9]*.jar; do
        [ -f "$jar" ] && [ -f "$root/agent/$1/target/$2.jars" ] && grep -qaF "$3" "$jar" && return 0
    done
    return 1
}
if ! built; then
    say "Building nat-agent (mvn -B -ntp -DskipTests package)"
    command -v mvn >/dev/null || die "Maven is required to build: apt-get install maven (or dnf install maven)"
    build=(mvn -B -ntp -q -DskipTests -f "$root/pom.xml" package)
    if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
        # Build as the user who ran sudo, so target/ stays theirs and their ~/.m2 is used.
        runuser -u "$SUDO_USER" -- "${build[@]}"
    else
        "${build[@]}"
    fi
    built || die "the build has no daemon (dev.natagent.agent.daemon.Main) or CLI (dev.natagent.agent.cli.Natctl) yet"
fi

host_before=$(host_state)
tmp=$(mktemp -d /tmp/natdemo.XXXXXX)
socket=$tmp/admin.sock

# DEMO_BUILTIN=1 uses RespEcho and a bash /dev/tcp client even where redis is installed.
use_redis_server=no
use_redis_cli=no
if [ "${DEMO_BUILTIN:-0}" != 1 ]; then
    command -v redis-server >/dev/null && use_redis_server=yes
    command -v redis-cli >/dev/null && use_redis_cli=yes
fi
if [ "$scenario" = cluster ] && { [ $use_redis_server = no ] || [ $use_redis_cli = no ]; }; then
    die "the cluster demo runs real redis-server nodes and redis-cli: apt-get install redis-server redis-tools"
fi
if [ $use_redis_server = yes ]; then
    server_kind="redis-server $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')"
else
    server_kind="demo/RespEcho.java (built-in stand-in for redis-server)"
fi

# Foreground only: a backgrounded shell function would be a subshell whose PID is not the
# process's; background processes call `ip netns exec` directly, which execs in place.
in_ns() { # namespace, command...
    local ns=$1; shift
    ip netns exec "$ns" "$@"
}

# ask NAMESPACE HOST PORT COMMAND...: one Redis command with a bounded wait; prints the reply.
ask() {
    local ns=$1 host=$2 port=$3; shift 3
    if [ $use_redis_cli = yes ]; then
        in_ns "$ns" timeout "$timeout_s" redis-cli -h "$host" -p "$port" "$@"
    else
        # Inline command over bash's /dev/tcp, read until the reply has gone quiet for 0.3 s;
        # the Redis type markers are dropped so the output reads like redis-cli's.
        in_ns "$ns" timeout "$timeout_s" bash -c '
            exec 3<>"/dev/tcp/$0/$1" || exit 1
            shift
            printf "%s\r\n" "$*" >&3
            while IFS= read -r -t 0.3 line <&3; do printf "%s\n" "$line"; done' "$host" "$port" "$@" \
            | tr -d '\r' | sed -e '/^\$[0-9]*$/d' -e 's/^+//'
    fi
}
run_id() { # namespace host port
    ask "$@" INFO server 2>/dev/null | tr -d '\r' | sed -n 's/^run_id://p'
}

# --- namespaces and links --------------------------------------------------------------------
say "Creating namespaces: trusted client, untrusted client, NAT instance, ${#nodes[@]} cache nodes"
add_ns() {
    ip netns add "$1"
    namespaces+=("$1")
    ip -n "$1" link set lo up
}
add_ns "$ns_nat"
# Bridges for the public and the private side, inside the NAT namespace.
ip -n "$ns_nat" link add br-pub type bridge
ip -n "$ns_nat" link add br-priv type bridge
ip -n "$ns_nat" addr add 198.51.100.1/24 dev br-pub
ip -n "$ns_nat" addr add "$public/24" dev br-pub
ip -n "$ns_nat" addr add 10.0.1.1/24 dev br-priv
ip -n "$ns_nat" link set br-pub up
ip -n "$ns_nat" link set br-priv up

# attach NAMESPACE NAT_SIDE_NAME BRIDGE ADDRESS/PREFIX GATEWAY: a veth from the NAT bridge.
attach() {
    local ns=$1 port=$2 bridge=$3 address=$4 gateway=$5
    add_ns "$ns"
    ip -n "$ns_nat" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$ns_nat" link set "$port" master "$bridge" up
    ip -n "$ns" addr add "$address" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$gateway"
}
attach "$ns_trusted" pub-trusted br-pub 198.51.100.27/24 198.51.100.1
attach "$ns_untrusted" pub-untrusted br-pub 198.51.100.99/24 198.51.100.1
for i in "${!nodes[@]}"; do
    attach "$prefix-node$i" "priv-node$i" br-priv "${nodes[i]}/24" 10.0.1.1
done
pass "namespaces: ${namespaces[*]}"

# --- cache nodes -----------------------------------------------------------------------------
say "Starting one cache node per namespace: $server_kind"
if [ $use_redis_server = no ]; then
    # Compiled once: three source-file launches would each compile it again.
    mkdir -p "$tmp/classes"
    javac -d "$tmp/classes" "$root/demo/RespEcho.java" || die "could not compile demo/RespEcho.java (javac is in the JDK)"
fi
for i in "${!nodes[@]}"; do
    mkdir -p "$tmp/node$i"
    if [ $use_redis_server = yes ]; then
        cluster_mode=()
        [ "$scenario" = cluster ] && cluster_mode=(--cluster-enabled yes --repl-diskless-sync-delay 0)
        ip netns exec "$prefix-node$i" redis-server --bind "${nodes[i]}" --port 6379 --protected-mode no \
            --save "" --appendonly no --daemonize no --dir "$tmp/node$i" "${cluster_mode[@]}" \
            >"$tmp/node$i.log" 2>&1 &
    else
        ip netns exec "$prefix-node$i" java -cp "$tmp/classes" RespEcho "${nodes[i]}" 6379 "node$i" \
            >"$tmp/node$i.log" 2>&1 &
    fi
    pids+=($!)
done
declare -A node_run_id
for i in "${!nodes[@]}"; do
    deadline=$((SECONDS + 30))
    while [ $SECONDS -lt $deadline ]; do
        node_run_id[$i]=$(run_id "$ns_nat" "${nodes[i]}" 6379 || true)
        [ -n "${node_run_id[$i]}" ] && break
        sleep 0.1
    done
    [ -n "${node_run_id[$i]}" ] || die "cache node ${nodes[i]} did not start: $(tail -n 5 "$tmp/node$i.log")"
    pass "node$i ${nodes[i]}:6379 run_id ${node_run_id[$i]}"
done

# --- the agent -------------------------------------------------------------------------------
say "Starting nat-agent in the NAT namespace"
mkdir -p "$tmp/state"
ip netns exec "$ns_nat" "$agent_bin" --config "$root/packaging/config/config.json" --state-dir "$tmp/state" \
    --socket "$socket" --admin-group root >"$tmp/agent.log" 2>&1 &
agent_pid=$!
pids+=("$agent_pid")
# Output is indented by four columns: natctl fits its tables into the rest of an 80-column terminal.
natctl() { in_ns "$ns_nat" env COLUMNS=76 "$natctl_bin" --socket "$socket" "$@"; }
deadline=$((SECONDS + 60))
until [ -S "$socket" ] && natctl status >/dev/null 2>&1; do
    kill -0 "$agent_pid" 2>/dev/null || die "nat-agent exited during start-up"
    [ $SECONDS -lt $deadline ] || die "nat-agent did not answer on $socket within 60 s"
    sleep 0.2
done
pass "agent pid $agent_pid, admin socket $socket"
printf '\n    $ natctl status\n'
natctl status | sed 's/^/    /'

if [ "$scenario" = cluster ]; then
    # shellcheck source=demo/cluster-part.sh
    . "$root/demo/cluster-part.sh"
    exit $?
fi

say "Forwarding $public:6379-6381 to the three nodes, for 198.51.100.27 only"
printf '    $ natctl forward add redis --listen 6379-6381 --to %s --allow 198.51.100.27/32\n' \
    "${nodes[0]}:6379,${nodes[1]}:6379,${nodes[2]}:6379"
natctl forward add redis --listen 6379-6381 \
    --to "${nodes[0]}:6379,${nodes[1]}:6379,${nodes[2]}:6379" --allow 198.51.100.27/32 | sed 's/^/    /'
echo "    (HEALTH is the agent's TCP probe of each target, every 30 s: unknown until the first one)"

# --- proof -----------------------------------------------------------------------------------
say "Trusted client 198.51.100.27: each port reaches its own node"
for i in "${!ports[@]}"; do
    port=${ports[i]}
    pong=$(ask "$ns_trusted" "$public" "$port" PING 2>/dev/null | tr -d '\r' || true)
    seen=$(run_id "$ns_trusted" "$public" "$port" || true)
    if [ "$pong" = PONG ] && [ "$seen" = "${node_run_id[$i]}" ]; then
        pass "$public:$port -> PONG, run_id $seen = node$i (${nodes[i]})"
    else
        fail "$public:$port -> '${pong:-no reply}', run_id '${seen:-none}', want node$i ${node_run_id[$i]}"
    fi
done

say "Untrusted client 198.51.100.99: dropped (three attempts at once, each gives up after $timeout_s s)"
attempts=()
for port in "${ports[@]}"; do
    ask "$ns_untrusted" "$public" "$port" PING >"$tmp/untrusted-$port.out" 2>/dev/null &
    attempts+=($!)
done
for i in "${!ports[@]}"; do
    wait "${attempts[i]}" || true
    port=${ports[i]}
    if [ -s "$tmp/untrusted-$port.out" ]; then
        fail "$public:$port answered the untrusted client: $(tr '\n' ' ' <"$tmp/untrusted-$port.out")"
    else
        pass "$public:$port no answer"
    fi
done

say "Live counters after the traffic"
printf '    $ natctl forward list\n'
natctl forward list | sed 's/^/    /'
echo "    (every packet of each forward's connections, both directions, here PING and INFO on each"
echo "    port; the untrusted client's attempts are counted too, then dropped by the allow-list)"
if command -v nft >/dev/null; then
    printf '\n    $ nft list table ip nat_agent    (inside the NAT namespace)\n'
    in_ns "$ns_nat" nft list table ip nat_agent | sed 's/^/    /'
fi

if [ $failures -ne 0 ]; then
    say "$failures check(s) failed"
    exit 1
fi
say "All checks passed: trusted client reached node0-2 on 6379-6381, untrusted client dropped"
