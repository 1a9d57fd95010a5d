# Sourced by the nat-agent and natctl launchers (POSIX sh): finds the jars.
# Installed layout: every jar flat in /usr/share/nat-agent (launcher in /usr/sbin or /usr/bin).
# Build tree: agent/target/nat-agent-<version>.jar and agent/target/lib/*.jar after `mvn package`,
# launcher in packaging/bin. NAT_AGENT_HOME overrides both (a directory laid out like the install).

nat_agent_fail() {
    echo "$0: $*" >&2
    exit 1
}

# Sets NAT_AGENT_MAIN_JAR (the agent's own jar) and NAT_AGENT_LIB (directory of dependency jars).
nat_agent_locate() {
    launcher_dir=$(CDPATH= cd -- "$(dirname -- "$(readlink -f -- "$1")")" && pwd)
    if [ -n "${NAT_AGENT_HOME:-}" ]; then
        NAT_AGENT_LIB=$NAT_AGENT_HOME
        NAT_AGENT_MAIN_JAR=$NAT_AGENT_HOME/nat-agent.jar
    elif [ -f "$launcher_dir/../../agent/pom.xml" ]; then
        target=$(CDPATH= cd -- "$launcher_dir/../../agent/target" 2>/dev/null && pwd) \
            || nat_agent_fail "no agent/target: run 'mvn -B -ntp package' first"
        NAT_AGENT_LIB=$target/lib
        NAT_AGENT_MAIN_JAR=
        for jar in "$target"/nat-agent-[0-9]*.jar; do
            case $jar in
                *-sources.jar | *-tests.jar | *-javadoc.jar) ;;
                *) NAT_AGENT_MAIN_JAR=$jar ;;
            esac
        done
    else
        NAT_AGENT_LIB=/usr/share/nat-agent
        NAT_AGENT_MAIN_JAR=/usr/share/nat-agent/nat-agent.jar
    fi
    [ -n "$NAT_AGENT_MAIN_JAR" ] && [ -f "$NAT_AGENT_MAIN_JAR" ] \
        || nat_agent_fail "nat-agent jar not found (looked in ${target:-$NAT_AGENT_LIB}): run 'mvn -B -ntp package' first"
    [ -d "$NAT_AGENT_LIB" ] || nat_agent_fail "dependency directory $NAT_AGENT_LIB missing"
}

# The java binary: JAVA_HOME if set, else the one on PATH. Java 17+ is required.
nat_agent_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        NAT_AGENT_JAVA=$JAVA_HOME/bin/java
    else
        NAT_AGENT_JAVA=$(command -v java) || nat_agent_fail "no java on PATH (Java 17 or newer is required)"
    fi
}
