#!/bin/bash
# Boot test: the RPM installed on a Debian 12 image with cloud-init and systemd-networkd, booted
# under a real systemd (PID 1 in systemd-nspawn, its own network namespace), must pass these checks
# (each prints "ok   ID: ..." or "FAIL ID: ..."):
#   boot        the container reaches multi-user (systemctl is-system-running --wait),
#   cycle       no ordering cycle: none in the boot journal, none in `systemd-analyze verify
#               default.target` (the whole boot transaction, generators included, so cloud-init's
#               units are in it), which does find the cycle once the unit gets its default
#               dependencies back (a drop-in, removed again),
#   units       nat-agent, systemd-networkd (+ wait-online) and all four cloud-init units ran,
#   order       the agent was ready after systemd-sysctl.service and before systemd-networkd started,
#   notify      the unit is active through Type=notify (READY=1 and STATUS= from the main PID),
#   sysctl      ip_forward is 1 although a sysctl.d file sets it to 0,
#   cloudinit   the user data wrote config.json and `natctl apply` (runcmd) applied it,
#   status      `natctl status` answers,
#   add, nft    `natctl forward add` is acknowledged and `nft list` shows the forward,
#   restart     `systemctl restart` adopts the table: same rule handles, a new main PID,
#   stop        `systemctl stop` leaves the table as it was,
#   member      a natadmin member may use natctl, an outsider is refused (exit 3),
#   redis       a real redis-server answers through the DNAT, from a client namespace,
#   ipfilter    IPAddressDeny=/IPAddressAllow= are enforced: the agent's own health probe reaches
#               redis on 10.0.2.2 (allowed) but not the same server on 203.0.113.2 (denied), while
#               forwarded traffic to 203.0.113.2 passes,
#   restarts    several restarts in a row do not hit the start limit,
#   crashloop   a crash loop hits the start limit, the rules stay, and `systemctl reset-failed`
#               then a start bring the agent back with the same handles,
#   nm          with the image switched to NetworkManager instead of systemd-networkd, the boot
#               transaction orders NetworkManager after the agent and has no ordering cycle
#               either (systemd-analyze verify on the unit files, no second boot).
# Run as root after `mvn -B -ntp package`: sudo packaging/boot-test.sh [RPM]
# Without RPM it builds one with packaging/build-rpm.sh. The Debian root file system is made with
# debootstrap once and cached under NAT_AGENT_BOOT_CACHE (default /var/cache/nat-agent-boot-test),
# keyed by a hash of its package list; each run boots an overlay of it (in a private mount
# namespace) and deletes the overlay afterwards, so the cache stays pristine. The mirror is the one
# apt uses here (/etc/apt/sources.list*), or NAT_AGENT_BOOT_MIRROR. Nothing on the host changes:
# the container has its own network namespace (--private-network), the host's / and /tmp are never
# bound into it, and the container (PID held by this script) is powered off at the end.
# Exit status: 0 all checks passed, 1 a check failed, 2 a prerequisite is missing.
set -euo pipefail

packaging=$(cd "$(dirname "$0")" && pwd)
suite=bookworm
cache=${NAT_AGENT_BOOT_CACHE:-/var/cache/nat-agent-boot-test}
boot_timeout=${BOOT_TIMEOUT:-180}
command_timeout=60
machine=natagent-boot-$$
# What the image needs; debootstrap does not resolve virtual packages, so what provides them is
# named: python3-cffi-backend (for cloud-init's python3-cryptography), libpam-systemd (logind,
# for polkitd). rpm installs our package for real (its %pre and %post run inside the image).
# NetworkManager is there, disabled, for the check of the boot transaction of an image that uses
# it instead of systemd-networkd.
packages=(systemd systemd-sysv dbus iproute2 nftables openjdk-17-jre-headless cloud-init python3-cffi-backend
    redis-server util-linux procps rpm network-manager polkitd libpam-systemd)

log() { printf '%s\n' "$*"; }
die() {
    printf 'boot-test.sh: %s\n' "$*" >&2
    exit 2
}

# --- inside a private mount namespace: overlay, image set-up, install, boot ----------------------
# Called as "$0 __container RUN BASE RPM MACHINE" through unshare; ends by exec'ing the booting
# systemd-nspawn, so the PID the caller holds is the container's. The overlay mount vanishes with
# this mount namespace.
if [ "${1:-}" = __container ]; then
    run=$2 base=$3 rpm=$4 machine=$5
    image=$run/merged
    mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$image"

    systemctl --root="$image" --quiet enable systemd-networkd.service
    systemctl --root="$image" --quiet disable NetworkManager.service NetworkManager-wait-online.service
    # The test starts its own redis-server inside a namespace of the container.
    systemctl --root="$image" --quiet mask redis-server.service
    # A veth pair that systemd-networkd creates and configures: the interface that must not come up
    # before the agent's rules, and the link that systemd-networkd-wait-online waits for.
    install -d "$image/etc/systemd/network"
    printf '[NetDev]\nName=uplink0\nKind=veth\n\n[Peer]\nName=uplink1\n' >"$image/etc/systemd/network/20-uplink.netdev"
    printf '[Match]\nName=uplink0\n\n[Network]\nAddress=10.0.9.1/24\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n' >"$image/etc/systemd/network/20-uplink0.network"
    printf '[Match]\nName=uplink1\n\n[Link]\nRequiredForOnline=no\n\n[Network]\nLinkLocalAddressing=no\n' \
        >"$image/etc/systemd/network/20-uplink1.network"
    # A hardening file that switches forwarding off: applied before the agent starts, never after.
    printf 'net.ipv4.ip_forward = 0\n' >"$image/etc/sysctl.d/90-boot-test.conf"
    # cloud-init with a NoCloud seed: the user data of docs/operations.md (write config.json, natctl apply).
    # The minimal image has no locales package and no ssh: a locale it has and no host keys.
    printf 'datasource_list: [ NoCloud ]\nlocale: C.UTF-8\nssh_genkeytypes: []\n' \
        >"$image/etc/cloud/cloud.cfg.d/90-boot-test.cfg"
    install -d "$image/var/lib/cloud/seed/nocloud"
    printf 'instance-id: nat-agent-boot-test\nlocal-hostname: natbox\n' >"$image/var/lib/cloud/seed/nocloud/meta-data"
    cat >"$image/var/lib/cloud/seed/nocloud/user-data" <<'USERDATA'
#cloud-config
write_files:
  - path: /etc/nat-agent/config.json
    content: |
      {"schema_version":1,"forwards":[{"name":"redis","listen":"6379","to":["10.0.2.2:6379"],"allow":["10.0.1.0/24"]}]}
runcmd:
  - natctl apply /etc/nat-agent/config.json
USERDATA

    # Install as on Amazon Linux: the RPM's own scriptlets (%pre sysusers, %post preset and class
    # data archives) run inside the image; the rpm database is empty, hence --nodeps. Then the
    # The AMI step of docs/operations.md: enable the unit. Two users for the admin socket's access check.
    install -m 0644 "$rpm" "$image/root/nat-agent.rpm"
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn --quiet --register=no --keep-unit --private-network \
        --machine="$machine" --directory="$image" /bin/sh -euc '
            rpm --install --nodeps --force-debian /root/nat-agent.rpm
            rm /root/nat-agent.rpm
            systemctl enable --quiet nat-agent.service
            useradd --create-home --groups natadmin member
            useradd --create-home outsider'

    # --system-call-filter=bpf: nspawn's own filter would otherwise keep systemd from attaching
    # the IPAddressDeny=/DevicePolicy= programs. --console=read-only: PID 1 never blocks on it.
    # The unified cgroup hierarchy (whatever the host mounts) is what those BPF programs attach to.
    export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
    exec systemd-nspawn --quiet --register=no --keep-unit --private-network --boot \
        --system-call-filter=bpf --console=read-only --machine="$machine" --directory="$image"
fi

# --- host side -----------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, systemd-nspawn)"
for tool in debootstrap systemd-nspawn unshare nsenter setpriv flock sha256sum timeout mount; do
    command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install debootstrap systemd-container util-linux)"
done

rpm=${1:-}
run=
nspawn_pid=
leader=
failures=0
started=$SECONDS

pass() { printf 'ok   %s\n' "$*"; }
fail() {
    printf 'FAIL %s\n' "$*"
    failures=$((failures + 1))
}

cleanup() {
    local status=$?
    set +e
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        # nspawn turns SIGTERM into a clean poweroff of the container.
        kill -TERM "$nspawn_pid"
        for _ in $(seq 300); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$nspawn_pid" 2>/dev/null && kill -KILL "$nspawn_pid"
        wait "$nspawn_pid" 2>/dev/null
    fi
    # The container's init dies with nspawn; should it linger, killing it ends its PID namespace.
    if [ -n "$leader" ] && kill -0 "$leader" 2>/dev/null; then
        kill -KILL "$leader"
    fi
    # nspawn's mount-propagation directory for this machine name: nspawn leaves it behind when
    # /run is not a tmpfs.
    rm -rf "/run/systemd/nspawn/propagate/$machine"
    if [ -n "$run" ]; then
        if [ $status -ne 0 ] && [ -s "$run/console.log" ]; then
            printf -- '--- container console (last 40 lines) ---\n'
            tail -n 40 "$run/console.log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
        fi
        rm -rf "$run"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The Debian mirror apt uses on this machine (one-line or deb822 sources).
apt_mirror() {
    {
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?//p' \
            | awk -v s="$suite" '$2 == s { print $1 }'
        for file in /etc/apt/sources.list.d/*.sources; do
            [ -f "$file" ] || continue
            grep -v '^[[:space:]]*#' "$file" | awk -v s="$suite" 'BEGIN { RS = "" } {
                types = uris = suites = ""
                n = split($0, lines, "\n")
                for (i = 1; i <= n; i++) {
                    if (lines[i] ~ /^Types:/) types = lines[i]
                    if (lines[i] ~ /^URIs:/) uris = lines[i]
                    if (lines[i] ~ /^Suites:/) suites = lines[i]
                }
                if ((types " ") ~ /[: ]deb / && (suites " ") ~ ("[: ]" s " ")) {
                    sub(/^URIs:[[:space:]]*/, "", uris)
                    split(uris, uri, /[[:space:]]+/)
                    print uri[1]
                }
            }'
        done
    } | head -n 1
}

# --- the cached Debian root file system ------------------------------------------------------------
# Runs hold a shared lock on the cache for their whole duration; building (and pruning other
# package lists' images) takes it exclusively, so no image is deleted under a running container.
key=$(printf '%s\n' "$suite" "${packages[@]}" | sha256sum | cut -c1-16)
base=$cache/$suite-$key
mkdir -p "$cache"
exec 9>"$cache/lock"
flock --shared --timeout 900 9 || die "cache $cache stayed locked for 15 minutes"
if [ ! -d "$base" ]; then
    flock --exclusive --timeout 900 9 || die "cache $cache stayed locked for 15 minutes"
    if [ ! -d "$base" ]; then
        mirror=${NAT_AGENT_BOOT_MIRROR:-$(apt_mirror)}
        [ -n "$mirror" ] || die "no Debian $suite mirror in /etc/apt/sources.list*: set NAT_AGENT_BOOT_MIRROR"
        for old in "$cache/$suite"-*; do [ -e "$old" ] && rm -rf "$old"; done
        log "building the $suite image from $mirror (debootstrap, once per package list)"
        building=$SECONDS
        if ! timeout 600 debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
            "$suite" "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1; then
            cat "$base.tmp/debootstrap/debootstrap.log" >>"$cache/debootstrap.log" 2>/dev/null
            tail -n 20 "$cache/debootstrap.log" >&2
            rm -rf "$base.tmp"
            die "debootstrap failed (log: $cache/debootstrap.log)"
        fi
        unconfigured=$(dpkg-query --admindir="$base.tmp/var/lib/dpkg" -W -f '${Status} ${Package}\n' \
            | grep -v '^install ok installed' || true)
        if [ -n "$unconfigured" ]; then
            rm -rf "$base.tmp"
            die "debootstrap left packages unconfigured: $unconfigured"
        fi
        rm -f "$base.tmp"/var/cache/apt/archives/*.deb
        mv "$base.tmp" "$base"
        log "FIGURE debootstrap: $((SECONDS - building)) s"
    fi
    flock --shared 9
else
    log "image: cached $base"
fi

# --- the package ---------------------------------------------------------------------------------
# Named by this script's PID (unique among live processes): one left by a dead run is stale.
run=$cache/run-$$
rm -rf "$run"
mkdir "$run"
if [ -z "$rpm" ]; then
    rpm=$(NAT_AGENT_RPM_OUT=$run/rpm "$packaging/build-rpm.sh") || die "build-rpm.sh failed"
fi
[ -f "$rpm" ] || die "$rpm not found"
mkdir -p "$run/upper" "$run/work" "$run/merged"

# --- boot ----------------------------------------------------------------------------------------
booting=$SECONDS
# --pdeathsig: should this script be killed outright, nspawn still gets SIGTERM (a clean poweroff).
setpriv --pdeathsig TERM unshare --mount --propagation private -- "$0" __container "$run" "$base" "$rpm" "$machine" \
    >"$run/console.log" 2>&1 &
nspawn_pid=$!

# The container's init: the child of the booting nspawn (after the exec) that is PID 1 in its
# own PID namespace and runs systemd.
find_leader() {
    local status pid
    [ "$(readlink "/proc/$nspawn_pid/exe" 2>/dev/null)" = "$(readlink -f "$(command -v systemd-nspawn)")" ] || return 1
    for status in /proc/[0-9]*/status; do
        if awk -v p="$nspawn_pid" '/^PPid:/ && $2 == p { parent = 1 } /^NSpid:/ && $NF == 1 { init = 1 }
                END { exit !(parent && init) }' "$status" 2>/dev/null; then
            pid=${status#/proc/}
            pid=${pid%/status}
            [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && { leader=$pid; return 0; }
        fi
    done
    return 1
}
deadline=$((SECONDS + boot_timeout))
until find_leader; do
    kill -0 "$nspawn_pid" 2>/dev/null || { fail "boot: the container exited before booting"; exit 1; }
    [ $SECONDS -lt $deadline ] || { fail "boot: no container init within ${boot_timeout}s"; exit 1; }
    sleep 0.2
done

# A command inside the container (all its namespaces, a clean environment), bounded in time.
inside() {
    timeout "$command_timeout" nsenter --target "$leader" --all \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}
show() { # unit property
    inside systemctl show --property="$2" --value "$1"
}
table() { inside nft --handle list table ip nat_agent; }

# is-system-running --wait needs PID 1's private bus socket, which appears a moment after init
# starts; until /run/systemd/system exists it answers "offline".
state=
while [ -z "$state" ] || [ "$state" = offline ]; do
    [ $SECONDS -lt $deadline ] || break
    state=$(timeout $((deadline - SECONDS + 1)) nsenter --target "$leader" --all \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin systemctl is-system-running --wait 2>/dev/null || true)
    case $state in '' | offline) sleep 0.2 ;; esac
done
case $state in
    running) pass "boot: system running after $((SECONDS - booting)) s" ;;
    '' | offline) fail "boot: systemd in the container did not answer within ${boot_timeout}s"; exit 1 ;;
    *) fail "boot: system state '$state'; failed units: $(inside systemctl list-units --failed --plain --no-legend | tr '\n' ' ')" ;;
esac
init_start=$(inside systemctl show --property=UserspaceTimestampMonotonic --value)
log "FIGURE boot: $((SECONDS - booting)) s from nspawn to multi-user; agent ready $(show nat-agent.service ActiveEnterTimestampMonotonic \
    | awk -v i="$init_start" '{ printf "%.2f", ($1 - i) / 1e6 }') s after systemd started"

# --- ordering ------------------------------------------------------------------------------------
journal=$(inside journalctl --boot --no-pager --output=cat)
# The boot transaction as `systemd-analyze verify` builds it from the unit files. --generators=yes:
# cloud-init.target is enabled by cloud-init's generator; without generators it is not in it.
verify_cycles() {
    inside systemd-analyze verify --man=no --generators=yes default.target 2>&1 | grep -E -i 'ordering cycle' || true
}
verify=$(verify_cycles)
# The same check with the default dependencies back must find the cycle, or it proves nothing.
inside sh -euc 'mkdir -p /run/systemd/system/nat-agent.service.d
    printf "[Unit]\nDefaultDependencies=yes\n" >/run/systemd/system/nat-agent.service.d/probe.conf'
probe=$(verify_cycles)
inside rm -r /run/systemd/system/nat-agent.service.d
cycles=$( (printf '%s\n' "$journal" "$verify"; sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$run/console.log") \
    | grep -E -i 'ordering cycle|to break ordering cycle' || true)
if ! grep -q 'Started nat-agent.service' <<<"$journal"; then
    fail "cycle: the boot journal does not show nat-agent.service starting"
elif [ -z "$probe" ]; then
    fail "cycle: systemd-analyze verify default.target finds no cycle even with DefaultDependencies=yes"
elif [ -z "$cycles" ]; then
    pass "cycle: no ordering cycle in the boot journal or in systemd-analyze verify default.target (which finds one with DefaultDependencies=yes)"
else
    fail "cycle: $cycles"
fi

inactive=
for unit in nat-agent.service systemd-networkd.service systemd-networkd-wait-online.service \
    cloud-init-local.service cloud-init.service cloud-config.service cloud-final.service; do
    [ "$(show "$unit" ActiveState)" = active ] || inactive+=" $unit($(show "$unit" ActiveState))"
done
if [ -z "$inactive" ]; then
    pass "units: nat-agent, systemd-networkd, wait-online and cloud-init (local, init, config, final) active"
else
    fail "units: not active:$inactive"
fi

sysctl_done=$(show systemd-sysctl.service ActiveEnterTimestampMonotonic)
agent_ready=$(show nat-agent.service ActiveEnterTimestampMonotonic)
networkd_start=$(show systemd-networkd.service InactiveExitTimestampMonotonic)
if [ "$sysctl_done" -gt 0 ] && [ "$sysctl_done" -le "$agent_ready" ] && [ "$agent_ready" -le "$networkd_start" ]; then
    pass "order: sysctl.d applied (${sysctl_done} us), agent ready (${agent_ready} us), then systemd-networkd started (${networkd_start} us)"
else
    fail "order: systemd-sysctl done ${sysctl_done} us, agent ready ${agent_ready} us, systemd-networkd started ${networkd_start} us"
fi

type=$(show nat-agent.service Type)
status_text=$(show nat-agent.service StatusText)
if [ "$type" = notify ] && [ "$(show nat-agent.service SubState)" = running ] && [ -n "$status_text" ]; then
    pass "notify: Type=notify, running, status '$status_text'"
else
    fail "notify: Type=$type SubState=$(show nat-agent.service SubState) StatusText='$status_text'"
fi

forward=$(inside cat /proc/sys/net/ipv4/ip_forward)
if [ "$forward" = 1 ]; then
    pass "sysctl: ip_forward=1 although sysctl.d sets 0"
else
    fail "sysctl: ip_forward=$forward"
fi

# --- the agent at work ---------------------------------------------------------------------------
cloud=$(timeout 120 nsenter --target "$leader" --all env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    cloud-init status --wait 2>&1 || true)
forwards=$(inside natctl forward list 2>&1 || true)
if grep -q 'status: done' <<<"$cloud" && grep -q '10.0.2.2:6379' <<<"$forwards"; then
    pass "cloudinit: user data applied the forward redis"
else
    fail "cloudinit: $cloud / natctl forward list: $forwards"
fi

if out=$(inside natctl status 2>&1); then
    pass "status: natctl status answers"
else
    fail "status: $out"
fi

if out=$(inside natctl forward add web --listen 8080 --to 10.0.2.2:80 2>&1); then
    pass "add: natctl forward add acknowledged"
else
    fail "add: $out"
fi
listing=$(table 2>&1 || true)
if grep -q '8080' <<<"$listing" && grep -q '10.0.2.2' <<<"$listing"; then
    pass "nft: nft list table ip nat_agent shows the forward"
else
    fail "nft: $listing"
fi

before=$(table)
pid_before=$(show nat-agent.service MainPID)
if inside systemctl restart nat-agent.service && [ "$(table)" = "$before" ] \
    && [ "$(show nat-agent.service MainPID)" != "$pid_before" ]; then
    pass "restart: same rule handles after systemctl restart (main PID $pid_before -> $(show nat-agent.service MainPID))"
else
    fail "restart: table or main PID after restart:$(diff <(printf '%s\n' "$before") <(table) || true)"
fi

before=$(table)
inside systemctl stop nat-agent.service
if [ "$(show nat-agent.service ActiveState)" = inactive ] && [ "$(table)" = "$before" ]; then
    pass "stop: systemctl stop leaves the table"
else
    fail "stop: state $(show nat-agent.service ActiveState):$(diff <(printf '%s\n' "$before") <(table 2>&1) || true)"
fi
inside systemctl start nat-agent.service || fail "start: systemctl start after stop failed"

member=0 outsider=0
inside runuser -u member -- natctl status >/dev/null 2>&1 || member=$?
inside runuser -u outsider -- natctl status >/dev/null 2>&1 || outsider=$?
if [ "$member" = 0 ] && [ "$outsider" = 3 ]; then
    pass "member: natadmin member served, outsider refused (exit 3)"
else
    fail "member: member exit $member (want 0), outsider exit $outsider (want 3)"
fi

# Client 10.0.1.2 -> NAT (the container) 10.0.1.1:6379 -> DNAT -> node 10.0.2.2:6379, where a real
# redis-server runs (a transient unit in the container, network namespace "node").
inside sh -euc '
    ip netns add client
    ip netns add node
    ip link add nat-client type veth peer name eth0 netns client
    ip link add nat-node type veth peer name eth0 netns node
    ip addr add 10.0.1.1/24 dev nat-client
    ip addr add 10.0.2.1/24 dev nat-node
    ip addr add 203.0.113.1/24 dev nat-node
    ip link set nat-client up
    ip link set nat-node up
    ip -n client link set lo up
    ip -n node link set lo up
    ip -n client addr add 10.0.1.2/24 dev eth0
    ip -n client link set eth0 up
    ip -n client route add default via 10.0.1.1
    ip -n node addr add 10.0.2.2/24 dev eth0
    ip -n node addr add 203.0.113.2/24 dev eth0
    ip -n node link set eth0 up
    systemd-run --quiet --unit=node-redis --property=NetworkNamespacePath=/run/netns/node \
        redis-server --bind 10.0.2.2 203.0.113.2 --port 6379 --protected-mode no --save "" --appendonly no'
redis=
for _ in $(seq 50); do
    redis=$(inside ip netns exec client redis-cli -h 10.0.1.1 -p 6379 --no-raw ping 2>&1 || true)
    [ "$redis" = PONG ] && break
    sleep 0.2
done
set_reply=$(inside ip netns exec client redis-cli -h 10.0.1.1 -p 6379 set boot-test through-dnat 2>&1 || true)
got=$(inside ip netns exec node redis-cli -h 10.0.2.2 -p 6379 get boot-test 2>&1 || true)
if [ "$redis" = PONG ] && [ "$set_reply" = OK ] && [ "$got" = through-dnat ]; then
    pass "redis: client namespace -> 10.0.1.1:6379 -> DNAT -> redis-server 10.0.2.2:6379 (PING, SET seen by the node)"
else
    fail "redis: ping '$redis', set '$set_reply', node has '$got'"
fi

# The same server on an address outside IPAddressAllow=; every start runs a probe round at once,
# so the restarts below probe both forwards.
inside natctl forward add outside --listen 6380 --to 203.0.113.2:6379 >/dev/null

# --- restart limits ------------------------------------------------------------------------------
restarts=8
done_restarts=0
for _ in $(seq "$restarts"); do
    inside systemctl restart nat-agent.service 2>/dev/null || break
    done_restarts=$((done_restarts + 1))
done
if [ "$done_restarts" = "$restarts" ] && [ "$(show nat-agent.service ActiveState)" = active ]; then
    pass "restarts: $restarts restarts in a row, still active (StartLimitBurst=$(show nat-agent.service StartLimitBurst) in $(show nat-agent.service StartLimitIntervalUSec))"
else
    fail "restarts: $done_restarts of $restarts restarts, then $(show nat-agent.service ActiveState) ($(show nat-agent.service Result))"
fi

healths() { # "name health" per forward
    inside natctl forward list --json | inside python3 -c '
import json, sys
for forward in json.load(sys.stdin)["forwards"]:
    print(forward["name"], forward["health"])'
}
health=
for _ in $(seq 50); do
    health=$(healths 2>&1 || true)
    grep -q '^redis up$' <<<"$health" && grep -q '^outside down$' <<<"$health" && break
    sleep 0.2
done
outside=$(inside ip netns exec client redis-cli -h 10.0.1.1 -p 6380 --no-raw ping 2>&1 || true)
if grep -q '^redis up$' <<<"$health" && grep -q '^outside down$' <<<"$health" && [ "$outside" = PONG ]; then
    pass "ipfilter: the agent's probe reaches 10.0.2.2:6379 (up) but not 203.0.113.2:6379 (down), forwarded PING to it answered"
else
    fail "ipfilter: health $(tr '\n' ' ' <<<"$health"), forwarded ping '$outside'"
fi

# A crash loop: the JVM refuses an unknown option and exits 1 at once. The option comes from an
# environment file, read at every start, so that "fixing the cause" needs no daemon-reload (which
# would clear the start counter too); the drop-in only shortens the restart delay so that the
# unit's own start limit is reached quickly.
before=$(table)
inside sh -euc 'mkdir -p /run/systemd/system/nat-agent.service.d
    echo NAT_AGENT_JAVA_OPTS=-XX:+NoSuchOption >/run/boot-test-crash.env
    printf "[Service]\nEnvironmentFile=/run/boot-test-crash.env\nRestartSec=100ms\n" \
        >/run/systemd/system/nat-agent.service.d/crash.conf
    systemctl daemon-reload'
inside systemctl restart nat-agent.service >/dev/null 2>&1 || true
for _ in $(seq 300); do
    [ "$(show nat-agent.service ActiveState)" = failed ] && break
    sleep 0.2
done
auto_restarts=$(show nat-agent.service NRestarts)
limit_hit=$(inside journalctl --boot --no-pager -u nat-agent.service --output=cat | grep -c 'Start request repeated too quickly' || true)
crash_table=$(table 2>&1 || true)
inside sh -c ': >/run/boot-test-crash.env'
starts() { inside journalctl --boot --no-pager -u nat-agent.service --output=cat | grep -c '^Starting nat-agent.service' || true; }
starts_before=$(starts)
refused=0
if ! inside systemctl start nat-agent.service >/dev/null 2>&1 && [ "$(starts)" = "$starts_before" ]; then
    refused=1
fi
inside systemctl reset-failed nat-agent.service
recovered=0
inside systemctl start nat-agent.service && recovered=1
inside sh -euc 'rm -r /run/systemd/system/nat-agent.service.d /run/boot-test-crash.env; systemctl daemon-reload'
if [ "$limit_hit" -ge 1 ] && [ "$crash_table" = "$before" ] && [ "$refused" = 1 ] && [ "$recovered" = 1 ] \
    && [ "$(table)" = "$before" ] && [ "$(show nat-agent.service ActiveState)" = active ]; then
    pass "crashloop: start limit hit after $auto_restarts automatic restarts, rules kept, start refused; reset-failed + start recovered the same handles"
else
    fail "crashloop: limit hit $limit_hit, $auto_restarts restarts, rules kept $([ "$crash_table" = "$before" ] && echo yes || echo no), start refused before reset-failed $refused, recovered $recovered"
fi

# The same image switched to NetworkManager, as the unit files say (a change of the enablement
# only; the running system is not switched).
nm=$(inside sh -euc 'systemctl disable --quiet systemd-networkd.service systemd-networkd-wait-online.service
    systemctl enable --quiet NetworkManager.service NetworkManager-wait-online.service
    systemctl daemon-reload
    systemctl list-dependencies --plain --no-legend default.target' 2>&1 || true)
nm_after=$(show NetworkManager.service After)
nm_cycles=$(verify_cycles)
if grep -q NetworkManager.service <<<"$nm" && grep -q cloud-init.service <<<"$nm" && grep -q nat-agent.service <<<"$nm" \
    && ! grep -q systemd-networkd.service <<<"$nm" && grep -q network-pre.target <<<"$nm_after" && [ -z "$nm_cycles" ]; then
    pass "nm: NetworkManager (after network-pre.target), cloud-init and nat-agent in default.target, no ordering cycle"
else
    fail "nm: NetworkManager After=$nm_after; cycles: $nm_cycles; default.target: $(tr '\n' ' ' <<<"$nm")"
fi

log "FIGURE boot test: $((SECONDS - started)) s in all"
if [ "$failures" -gt 0 ]; then
    log "$failures check(s) failed"
    exit 1
fi
