#!/bin/bash
# Checks systemd/nat-agent.service: `systemd-analyze verify` must print nothing, and the
# `systemd-analyze security --offline=true` exposure must stay at or below MAX_EXPOSURE (1.5),
# scored as for a unit with default dependencies (see below).
# verify checks that ExecStart's binary exists, so it runs against a temporary root holding the
# host's unit directory, the unit and a stand-in launcher: no root needed, nothing installed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
unit=${1:-$root/systemd/nat-agent.service}
max_exposure=${MAX_EXPOSURE:-1.5}

command -v systemd-analyze >/dev/null || { echo "check-unit.sh: systemd-analyze not found" >&2; exit 1; }
[ -f "$unit" ] || { echo "check-unit.sh: $unit not found" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# --- verify ----------------------------------------------------------------------------------
host_units=/usr/lib/systemd/system
[ -d "$host_units" ] || host_units=/lib/systemd/system
mkdir -p "$tmp/root/usr/lib/systemd"
cp -a "$host_units" "$tmp/root/usr/lib/systemd/system"
cp "$unit" "$tmp/root/usr/lib/systemd/system/nat-agent.service"
exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
mkdir -p "$tmp/root$(dirname "$exec_path")"
printf '#!/bin/sh\n' >"$tmp/root$exec_path"
chmod 0755 "$tmp/root$exec_path"

# verify exits 0 on unknown keys or unparsable values: any output at all is a failure.
if ! systemd-analyze verify --root="$tmp/root" nat-agent.service >"$tmp/verify.out" 2>&1 \
    || [ -s "$tmp/verify.out" ]; then
    echo "FAIL systemd-analyze verify:" >&2
    sed "s|$tmp/root||g" "$tmp/verify.out" >&2
    status=1
else
    echo "ok   systemd-analyze verify: clean"
fi

# --- exposure --------------------------------------------------------------------------------
# With DefaultDependencies=no, systemd-analyze security takes the unit for an early-boot one and
# leaves PrivateTmp=, ProtectHome= and ProtectSystem= out of the score ("not appropriate"). The
# unit starts after local-fs.target, where they apply as usual, so it is scored without that line:
# weakening them must still raise the exposure.
mkdir -p "$tmp/security"
sed '/^DefaultDependencies=no[[:space:]]*$/d' "$unit" >"$tmp/security/$(basename "$unit")"
systemd-analyze security --offline=true --no-pager "$tmp/security/$(basename "$unit")" >"$tmp/security.out" 2>&1 || true
exposure=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$tmp/security.out")
if [ -z "$exposure" ]; then
    echo "FAIL systemd-analyze security printed no exposure level:" >&2
    cat "$tmp/security.out" >&2
    status=1
elif awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e > m) }'; then
    echo "FAIL exposure $exposure > $max_exposure; settings that cost exposure:" >&2
    grep '✗' "$tmp/security.out" >&2 || true
    status=1
else
    echo "ok   exposure $exposure <= $max_exposure"
fi
exit $status
