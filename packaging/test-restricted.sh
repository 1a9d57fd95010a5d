#!/bin/bash
# Restricted-privilege test: the daemon, run the way systemd/nat-agent.service runs it (its own
# unprivileged user, primary group = admin group, only CAP_NET_ADMIN as an ambient capability,
# no new privileges, umask 0077, the file system read-only except its state and runtime
# directories, a private noexec /tmp and the two sysctls it manages, RUNTIME_DIRECTORY set),
# inside a fresh network namespace,
# must pass these checks (each prints "ok   ID: ..." or "FAIL ID: ..."):
#   ready       signal readiness with sd_notify READY=1 (when python3 is there to receive it,
#               else the socket answering `natctl status`),
#   privileges  hold exactly CAP_NET_ADMIN and nothing else, as the agent user,
#   sandbox     the emulated ProtectSystem=strict/PrivateTmp/ReadWritePaths= is in force,
#   sysctls     set net.ipv4.ip_forward=1 and net.ipv4.conf.all.send_redirects=0 in the namespace,
#   host        leave the host's ip_forward alone,
#   socket      serve its socket 0660 to the admin group in a 0750 directory,
#   member      let an admin-group member run `natctl status`,
#   outsider    refuse a non-member (natctl exit code 3),
#   add, nat    program NAT: after `natctl forward add`, `nft list table ip nat_agent` in the
#               namespace shows the forward,
#   sigterm     leave the table in place and exit cleanly (0 or 143) on SIGTERM,
#   syscalls    make no system call that SystemCallFilter=~@privileged @resources denies
#               (emulated with strace's fault injection, when strace is installed).
# Run as root after `mvn -B -ntp package`: sudo packaging/test-restricted.sh
# It creates (and removes again, also on failure or Ctrl-C) a network namespace, three system users
# and one group, all named natagent-test-*-<pid of this script>, and a directory under /run;
# nothing in the host's network namespace is touched. Exit status: 0 all checks passed, 1 a check
# failed, 2 a prerequisite is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
agent=$root/packaging/bin/nat-agent
natctl=$root/packaging/bin/natctl
ready_timeout=${READY_TIMEOUT:-60}

# Unique per run, so two runs (two worktrees, a CI retry) never share or delete each other's.
ns=natagent-test-$$
admin_group=natagent-test-admin-$$
service_user=natagent-test-agent-$$
member_user=natagent-test-member-$$
outsider_user=natagent-test-outsider-$$

tmp=
agent_pid=
main_pid=
listener_pid=
created_users=()
created_group=
failures=0

log() { printf '%s\n' "$*"; }
pass() { printf 'ok   %s\n' "$*"; }
fail() {
    printf 'FAIL %s\n' "$*"
    failures=$((failures + 1))
}
die() {
    printf 'test-restricted.sh: %s\n' "$*" >&2
    exit 2
}

cleanup() {
    local status=$?
    set +e
    for pid in $main_pid $agent_pid $listener_pid; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
            wait "$pid" 2>/dev/null
        fi
    done
    ip netns delete "$ns" 2>/dev/null
    for user in "${created_users[@]}"; do
        userdel "$user" 2>/dev/null
        # --user-group made a group of the same name; userdel removes it only where
        # USERGROUPS_ENAB is set in login.defs.
        getent group "$user" >/dev/null && groupdel "$user" 2>/dev/null
    done
    [ -n "$created_group" ] && groupdel "$created_group" 2>/dev/null
    if [ -n "$tmp" ]; then
        if [ $status -ne 0 ] && [ -s "$tmp/agent.log" ]; then
            printf -- '--- agent log ---\n'
            head -n 30 "$tmp/agent.log"
        fi
        rm -rf "$tmp"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites ---------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "must run as root (it creates a network namespace and test users)"
for tool in ip nft setpriv unshare nsenter mount useradd groupadd userdel groupdel stat java; do
    command -v "$tool" >/dev/null || die "$tool not found"
done

host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
# Under /run, not /tmp: the agent gets a private /tmp (PrivateTmp=), like under systemd.
tmp=$(mktemp -d /run/natagent-test.XXXXXX)
chmod 0755 "$tmp"
# The agent runs as an unprivileged user with a private /tmp: the checkout may be unreadable to
# that user (under /root) or hidden (under /tmp), so it runs from a world-readable copy laid out
# like the RPM's /usr/share/nat-agent (found through NAT_AGENT_HOME).
install -d -m 0755 "$tmp/dist" "$tmp/dist/bin" "$tmp/dist/lib"
install -m 0755 "$root"/packaging/bin/nat-agent "$root"/packaging/bin/natctl "$tmp/dist/bin/"
install -m 0644 "$root"/packaging/bin/nat-agent-env.sh "$tmp/dist/bin/"
"$root/packaging/copy-jars.sh" "$tmp/dist/lib" || die "run 'mvn -B -ntp package' first"
export NAT_AGENT_HOME=$tmp/dist/lib
agent=$tmp/dist/bin/nat-agent
natctl=$tmp/dist/bin/natctl

groupadd --system "$admin_group"
created_group=$admin_group
add_user() { # name, extra useradd options...
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "${@:2}" "$1"
    created_users+=("$1")
}
# Like the unit: User=nat-agent, Group=natadmin (primary group), no supplementary groups.
add_user "$service_user" --gid "$admin_group"
add_user "$member_user" --user-group --groups "$admin_group"
add_user "$outsider_user" --user-group

# What systemd prepares from StateDirectory= / RuntimeDirectory= (owner, modes).
install -d -m 0700 -o "$service_user" -g "$admin_group" "$tmp/state"
install -d -m 0750 -o "$service_user" -g "$admin_group" "$tmp/run"
config=$tmp/config.json
install -m 0644 "$root/packaging/config/config.json" "$config"
socket=$tmp/run/admin.sock

# --- namespace -------------------------------------------------------------------------------
ip netns add "$ns"
ip -n "$ns" link set lo up
# Start from the opposite of what the agent must set, so the check proves it wrote them.
ip netns exec "$ns" sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv4/conf/all/send_redirects'

# --- readiness listener (the NOTIFY_SOCKET systemd would give a Type=notify service) ----------
notify_env=()
if command -v python3 >/dev/null; then
    notify_socket=$tmp/notify.sock
    python3 - "$notify_socket" "$ready_timeout" "$service_user" >"$tmp/notify.log" 2>&1 <<'PY' &
import os, pwd, socket, sys
path, timeout, user = sys.argv[1], float(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chown(path, pwd.getpwnam(user).pw_uid, -1)
os.chmod(path, 0o600)
s.settimeout(timeout)
try:
    while True:
        message = s.recv(4096).decode(errors="replace")
        print(message.replace("\n", " "), flush=True)
        if "READY=1" in message.split("\n"):
            break
except socket.timeout:
    sys.exit(1)
PY
    listener_pid=$!
    for _ in $(seq 50); do [ -S "$notify_socket" ] && break; sleep 0.1; done
    [ -S "$notify_socket" ] || die "notify listener did not start"
    notify_env=(NOTIFY_SOCKET="$notify_socket")
else
    log "skip sd_notify check: python3 not installed"
fi

# --- the sandbox the unit sets up, emulated in a private mount namespace ----------------------
# ProtectSystem=strict: every mount read-only (ProtectKernelTunables= covers /sys), except
# ReadWritePaths=, StateDirectory= and RuntimeDirectory=; PrivateTmp=: fresh /tmp and /var/tmp,
# here noexec as on CIS-hardened hosts (PrivateTmp= inherits that from the host's /tmp);
# ProtectKernelTunables=: /proc/sys read-only but for the two sysctls in ReadWritePaths=.
# Runs as root inside `unshare --mount`, then execs the rest of its arguments.
cat >"$tmp/sandbox.sh" <<'SANDBOX'
set -eu
state=$1 run=$2
shift 2
mount --make-rprivate /
mounts=$(awk '$5 !~ /^\/(proc|dev)(\/|$)/ && $5 !~ /\\/ {print $5}' /proc/self/mountinfo | sort -u)
for dir in "$state" "$run"; do mount --bind "$dir" "$dir"; done
for mount_point in $mounts; do mount -o remount,bind,ro "$mount_point" 2>/dev/null || :; done
for dir in /tmp /var/tmp; do mount -t tmpfs -o mode=1777,nosuid,nodev,noexec tmpfs "$dir"; done
mount --bind /proc/sys /proc/sys
for sysctl in net/ipv4/ip_forward net/ipv4/conf/all/send_redirects; do
    mount --bind "/proc/sys/$sysctl" "/proc/sys/$sysctl"
done
mount -o remount,bind,ro /proc/sys
exec "$@"
SANDBOX

# --- SystemCallFilter=~@privileged @resources with SystemCallErrorNumber=EPERM, emulated -------
# strace makes each of those system calls fail with EPERM, as the unit's seccomp filter does,
# and logs every attempt: the agent must make none (chown(2) even to the group a file already
# has would fail). Needs strace and systemd-analyze (which expands the groups).
denied_syscalls() {
    systemd-analyze syscall-filter --no-pager 2>/dev/null | awk '
        function expand(group,    names, n, i) {
            n = split(members[group], names, " ")
            for (i = 1; i <= n; i++) if (names[i] ~ /^@/) expand(names[i]); else denied[names[i]] = 1
        }
        /^@/ { group = $1; next }
        $1 ~ /^[@a-z0-9_]+$/ && group != "" { members[group] = members[group] " " $1 }
        END { expand("@privileged"); expand("@resources"); for (name in denied) print name }'
}
syscall_filter=()
denied_log=$tmp/run/denied-syscalls.log
if command -v strace >/dev/null && command -v systemd-analyze >/dev/null; then
    # "?name": strace skips names this architecture does not have.
    denied=$(denied_syscalls | sed 's/^/?/' | paste -sd, -)
    [ -n "$denied" ] || die "systemd-analyze syscall-filter listed no @privileged system calls"
    syscall_filter=(strace -f -qq --seccomp-bpf -e signal=none -o "$denied_log" -e "trace=$denied" -e "inject=$denied:error=EPERM")
else
    log "skip syscalls: strace or systemd-analyze not installed"
fi

# --- the daemon, as the unit runs it ---------------------------------------------------------
uid=$(id -u "$service_user")
gid=$(getent group "$admin_group" | cut -d: -f3)
(
    umask 0077
    exec ip netns exec "$ns" unshare --mount --propagation private \
        sh "$tmp/sandbox.sh" "$tmp/state" "$tmp/run" \
        env "${notify_env[@]}" RUNTIME_DIRECTORY="$tmp/run" \
        setpriv --reuid="$uid" --regid="$gid" --init-groups \
        --inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin --bounding-set=-all,+net_admin \
        --no-new-privs \
        "${syscall_filter[@]}" "$agent" --config "$config" --state-dir "$tmp/state" --socket "$socket" \
        --admin-group "$admin_group"
) >"$tmp/agent.log" 2>&1 &
agent_pid=$!

# Ready = READY=1 received (or, without python3, the socket answering natctl status).
deadline=$((SECONDS + ready_timeout))
ready=no
while [ $SECONDS -lt $deadline ]; do
    kill -0 "$agent_pid" 2>/dev/null || { fail "ready: agent exited during start-up"; exit 1; }
    if [ -n "$listener_pid" ]; then
        if ! kill -0 "$listener_pid" 2>/dev/null; then
            wait "$listener_pid" && ready=yes
            listener_pid=
            break
        fi
    elif "$natctl" --socket "$socket" status >/dev/null 2>&1; then
        ready=yes
        break
    fi
    sleep 0.2
done
if [ "$ready" = yes ]; then
    pass "ready: agent ready within $ready_timeout s ($(tr '\n' ' ' <"$tmp/notify.log" 2>/dev/null || true))"
else
    fail "ready: agent not ready within $ready_timeout s (sd_notify: $(cat "$tmp/notify.log" 2>/dev/null))"
    exit 1
fi

# The JVM's PID (what systemd calls the main PID): strace's child when strace runs the agent.
main_pid=$agent_pid
if [ ${#syscall_filter[@]} -gt 0 ]; then
    main_pid=$(cat "/proc/$agent_pid/task/$agent_pid/children")
    main_pid=${main_pid%% *}
fi

# --- privileges ----------------------------------------------------------------------------
status_of() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$main_pid/status"; }
cap_eff=$(status_of CapEff)
cap_bnd=$(status_of CapBnd)
real_uid=$(status_of Uid | cut -f1)
if [ "$cap_eff" = 0000000000001000 ] && [ "$cap_bnd" = 0000000000001000 ] && [ "$real_uid" = "$uid" ]; then
    pass "privileges: runs as $service_user with CAP_NET_ADMIN only (CapEff=$cap_eff CapBnd=$cap_bnd)"
else
    fail "privileges: uid=$real_uid CapEff=$cap_eff CapBnd=$cap_bnd (want uid $uid, 0000000000001000)"
fi

# --- the sandbox is in force (checked as root in the agent's own mount namespace) ------------
in_sandbox() { nsenter --target "$main_pid" --mount -- "$@"; }
problems=()
in_sandbox touch "$tmp/outside-state" 2>/dev/null && problems+=("$tmp is writable")
in_sandbox sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/forwarding' 2>/dev/null \
    && problems+=("/proc/sys/net/ipv4/conf/all/forwarding is writable")
in_sandbox touch "$tmp/state/probe" 2>/dev/null || problems+=("the state directory is read-only")
[ "$(in_sandbox stat -c %d /tmp)" != "$(stat -c %d /tmp)" ] || problems+=("/tmp is the host's")
if [ ${#problems[@]} = 0 ]; then
    pass "sandbox: read-only file system but state/run dirs, private noexec /tmp, two writable sysctls"
else
    fail "sandbox: ${problems[*]}"
fi

# --- sysctls inside the namespace ----------------------------------------------------------
forward=$(ip netns exec "$ns" cat /proc/sys/net/ipv4/ip_forward)
redirects=$(ip netns exec "$ns" cat /proc/sys/net/ipv4/conf/all/send_redirects)
if [ "$forward" = 1 ] && [ "$redirects" = 0 ]; then
    pass "sysctls: ip_forward=1 and send_redirects=0 written inside the namespace"
else
    fail "sysctls: in the namespace ip_forward=$forward send_redirects=$redirects"
fi
if [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_forward" ]; then
    pass "host: ip_forward untouched ($host_forward)"
else
    fail "host: ip_forward changed from $host_forward"
fi

# --- socket served to the admin group -----------------------------------------------------
sock_stat=$(stat -c '%F %a %U %G' "$socket" 2>/dev/null || echo missing)
dir_stat=$(stat -c '%a %G' "$tmp/run")
if [ "$sock_stat" = "socket 660 $service_user $admin_group" ] && [ "$dir_stat" = "750 $admin_group" ]; then
    pass "socket: 0660 $service_user:$admin_group in a 0750 directory"
else
    fail "socket: '$sock_stat' (want 'socket 660 $service_user $admin_group'), directory: '$dir_stat'"
fi
as_user() { # user, natctl args...
    local user=$1; shift
    setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
        --inh-caps=-all --bounding-set=-all --no-new-privs -- "$natctl" --socket "$socket" "$@"
}
if as_user "$member_user" status >"$tmp/member.out" 2>&1; then
    pass "member: $admin_group member can run natctl status"
else
    fail "member: natctl status failed: $(cat "$tmp/member.out")"
fi
set +e
as_user "$outsider_user" status >"$tmp/outsider.out" 2>&1
outsider_status=$?
set -e
if [ $outsider_status = 3 ]; then
    pass "outsider: non-member refused (exit 3: $(head -n1 "$tmp/outsider.out"))"
else
    fail "outsider: natctl status exited $outsider_status, want 3: $(cat "$tmp/outsider.out")"
fi

# --- NAT programmed ------------------------------------------------------------------------
if "$natctl" --socket "$socket" forward add restricted-web --listen 8080 --to 10.0.1.230:80 \
    --allow 198.51.100.27/32 >"$tmp/add.out" 2>&1; then
    pass "add: natctl forward add acknowledged"
else
    fail "add: natctl forward add: $(cat "$tmp/add.out")"
fi
table=$(ip netns exec "$ns" nft list table ip nat_agent 2>&1 || true)
if grep -q 8080 <<<"$table" && grep -q 10.0.1.230 <<<"$table"; then
    pass "nat: nft list table ip nat_agent (in the namespace) shows the forward"
else
    fail "nat: the nat_agent table in the namespace lacks the forward:"$'\n'"$table"
fi

# --- SIGTERM leaves the rules -------------------------------------------------------------
kill -TERM "$main_pid"
exit_status=timeout
for _ in $(seq 150); do
    if ! kill -0 "$agent_pid" 2>/dev/null; then
        set +e; wait "$agent_pid"; exit_status=$?; set -e
        break
    fi
    sleep 0.1
done
agent_pid=
main_pid=
# 143 = 128 + SIGTERM: how the JVM exits after its shutdown hooks (the unit's SuccessExitStatus).
# (Captured first: `nft ... | grep -q` would fail under pipefail when grep stops reading early.)
table=$(ip netns exec "$ns" nft list table ip nat_agent 2>&1 || true)
if { [ "$exit_status" = 0 ] || [ "$exit_status" = 143 ]; } && grep -q 8080 <<<"$table"; then
    pass "sigterm: clean exit, table left in place"
else
    fail "sigterm: exit status $exit_status; table after exit:"$'\n'"$table"
fi

# --- no system call the unit's filter denies ------------------------------------------------
if [ ${#syscall_filter[@]} -gt 0 ]; then
    # "PID ???( <detached ...>": strace caught a thread as the JVM exited and could no longer read
    # which call it was; every call made before exit is logged by name.
    sed -i -E '/^[0-9]+ +\?\?\?\( <detached \.\.\.>$/d' "$denied_log"
    if [ ! -s "$denied_log" ]; then
        pass "syscalls: none of @privileged/@resources used (strace made them fail with EPERM)"
    else
        fail "syscalls: the agent made calls SystemCallFilter= denies:"$'\n'"$(head -n 20 "$denied_log")"
    fi
fi

if [ $failures -gt 0 ]; then
    log "$failures check(s) failed"
    exit 1
fi
log "all restricted-privilege checks passed"
