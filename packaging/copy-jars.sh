#!/bin/bash
# Copies the Maven build's jars into DIR laid out like the install (/usr/share/nat-agent): the
# daemon's jar as nat-agent.jar, natctl's as natctl.jar, the dependency jars of both flat beside
# them, and nat-agent.jars / natctl.jars, the build's list of the jars each program runs with;
# and JNR's native stub of each Linux platform in DIR/jni/PLATFORM (the RPM installs its own
# architecture's in /usr/lib/nat-agent).
# Used by build-rpm.sh and test-restricted.sh. Exit status 3: the build output is missing.
#
#   packaging/copy-jars.sh DIR     (the copies are mode 0644)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: copy-jars.sh DIR}

missing() {
    echo "copy-jars.sh: $*" >&2
    exit 3
}

# The module's own jar (whatever version the pom builds), not its sources or tests.
module_jar() {
    local jar found=
    for jar in "$root/agent/$1/target/nat-agent-$1"-[0-9]*.jar; do
        case $jar in *-sources.jar | *-tests.jar | *-javadoc.jar) ;; *) [ -f "$jar" ] && found=$jar ;; esac
    done
    [ -n "$found" ] || missing "no agent/$1/target/nat-agent-$1-VERSION.jar: run 'mvn -B -ntp package' first"
    echo "$found"
}

daemon_jar=$(module_jar daemon)
natctl_jar=$(module_jar natctl)
for list in "$root/agent/daemon/target/nat-agent.jars" "$root/agent/natctl/target/natctl.jars"; do
    [ -f "$list" ] || missing "$list not found: run 'mvn -B -ntp package' first"
done
[ -d "$root/agent/daemon/target/jni" ] || missing "no agent/daemon/target/jni: run 'mvn -B -ntp package' first"
install -d "$dir"
install -m 0644 "$daemon_jar" "$dir/nat-agent.jar"
install -m 0644 "$natctl_jar" "$dir/natctl.jar"
# A dependency both programs use is the same file in both lib directories: natctl's copy replaces
# the daemon's (one install per directory: install refuses to overwrite a file it just created).
install -m 0644 "$root"/agent/daemon/target/lib/*.jar "$dir/"
install -m 0644 "$root"/agent/natctl/target/lib/*.jar "$dir/"
install -m 0644 "$root/agent/daemon/target/nat-agent.jars" "$root/agent/natctl/target/natctl.jars" "$dir/"
for stub in "$root"/agent/daemon/target/jni/*/libjffi-*.so; do
    platform=${stub%/*}
    install -D -m 0755 "$stub" "$dir/jni/${platform##*/}/${stub##*/}"
done
