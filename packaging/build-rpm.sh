#!/bin/bash
# Builds packaging/build/nat-agent-<version>-1.<arch>.rpm (this machine's architecture: the RPM
# ships JNR's native stub of it) from the Maven build output and prints its path. Exit status 3
# means the Maven build output (or the natctl CLI in it) is missing.
# Run `mvn -B -ntp package` first (this script never runs Maven: the packaging module calls it
# from its tests). Needs rpmbuild and a JDK (to generate the bash completion with picocli).
# Works on an RPM-based host (real systemd-rpm-macros) and on Debian/Ubuntu (fallback macros).
set -euo pipefail

packaging=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$packaging")
out=${NAT_AGENT_RPM_OUT:-$packaging/build}

fail() {
    echo "build-rpm.sh: $*" >&2
    exit 1
}

# Exit status 3: the build output is not there yet (as opposed to a broken packaging build).
missing() {
    echo "build-rpm.sh: $*" >&2
    exit 3
}

command -v rpmbuild >/dev/null || fail "rpmbuild not found (Debian: apt-get install rpm)"
command -v java >/dev/null || fail "java not found"
command -v unzip >/dev/null || fail "unzip not found"

version=$(sed -n 's/^Version: *//p' "$packaging/nat-agent.spec")
natctl_jar=$(ls "$root"/agent/natctl/target/nat-agent-natctl-"$version".jar 2>/dev/null) \
    || missing "agent/natctl/target/nat-agent-natctl-$version.jar not found: run 'mvn -B -ntp package' first (version $version from the spec must match the pom)"

# The bash completion is generated from natctl's own picocli definitions, so the CLI must exist.
entries=$(unzip -Z1 "$natctl_jar") || fail "cannot list $natctl_jar"
if ! grep -qx 'dev/natagent/agent/cli/Natctl.class' <<<"$entries"; then
    missing "the natctl CLI (dev.natagent.agent.cli.Natctl) is not in $natctl_jar yet: its bash completion cannot be generated, so no RPM is built"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dist=$work/nat-agent-$version
mkdir -p "$dist/lib" "$dist/bin" "$dist/systemd" "$dist/config" "$dist/cds"
"$packaging/copy-jars.sh" "$dist/lib" || exit $?
cp "$packaging"/bin/nat-agent "$packaging"/bin/natctl "$packaging"/bin/nat-agent-env.sh "$dist/bin/"
cp "$root/systemd/nat-agent.service" "$dist/systemd/"
cp "$packaging/cds/nat-agent.classlist" "$packaging/cds/natctl.classlist" "$dist/cds/"
cp "$packaging/config/config.json" "$dist/config/"
cp "$packaging/config/config.example.json" "$dist/"
mkdir -p "$dist/ha"
cp "$packaging"/ha/keepalived.conf "$packaging"/ha/conntrackd.conf "$packaging"/ha/sysctl.conf "$dist/ha/"
cp "$packaging/ha/nat-pair-notify" "$dist/bin/"
cp "$root/README.md" "$root/LICENSE" "$dist/"

# natctl builds its picocli model programmatically (no annotated class for picocli.AutoComplete to
# read), so the script comes from `natctl completion`: the same definitions that parse its arguments.
NAT_AGENT_HOME=$dist/lib "$packaging/bin/natctl" completion >"$dist/natctl.bash" \
    || fail "natctl completion failed"
[ -s "$dist/natctl.bash" ] || fail "natctl completion wrote no completion script"
# bash-completion sources the file; a shebang would make it look like a non-executable script.
sed -i '1{/^#!/d}' "$dist/natctl.bash"

mkdir -p "$work/SOURCES" "$out"
tar -C "$work" --owner=0 --group=0 -czf "$work/SOURCES/nat-agent-$version.tar.gz" "nat-agent-$version"
cp "$packaging/nat-agent.sysusers" "$work/SOURCES/"

rpmbuild_args=(
    --define "_topdir $work/rpmbuild"
    --define "_sourcedir $work/SOURCES"
    --define "_rpmdir $work/RPMS"
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm"
    --define "dist %{nil}"
    --define "_docdir_fmt %%{NAME}"
    --define "packager ${NAT_AGENT_PACKAGER:-nat-agent maintainers}"
)
if [ -z "$(rpm --eval '%{?systemd_post:yes}')" ]; then
    # Not an RPM-based host: no systemd-rpm-macros and an empty rpm database, so the build
    # requirements cannot be checked. Load macros with the same behaviour as the real ones.
    rpmbuild_args+=(--load "$packaging/rpm/macros.systemd-fallback" --nodeps)
fi
rpmbuild -bb --quiet "${rpmbuild_args[@]}" "$packaging/nat-agent.spec"

rpm_file=nat-agent-$version-1.$(rpm --eval '%{_arch}').rpm
cp "$work/RPMS/$rpm_file" "$out/"
echo "$out/$rpm_file"
