# Sourced by the nat-agent and natctl launchers (POSIX sh): finds a program's jars.
# Installed layout: every jar flat in /usr/share/nat-agent (launcher in /usr/sbin or /usr/bin), the
# programs' own jars as nat-agent.jar and natctl.jar, and next to them PROGRAM.jars, the file names
# of the jars each program runs with, written by the Maven build.
# Build tree: agent/daemon/target (nat-agent) and agent/natctl/target (natctl) after `mvn package`:
# the module's jar, lib/ with its dependencies and PROGRAM.jars; launcher in packaging/bin.
# NAT_AGENT_HOME overrides both (a directory laid out like the install).

nat_agent_fail() {
    echo "$0: $*" >&2
    exit 1
}

# nat_agent_locate LAUNCHER PROGRAM (nat-agent or natctl). Sets NAT_AGENT_MAIN_JAR (the program's
# own jar), NAT_AGENT_LIB (directory of dependency jars), NAT_AGENT_CLASSPATH (the program's jar,
# then the jars its PROGRAM.jars names, and nothing else: natctl never sees the daemon's jars) and
# NAT_AGENT_CLASSLIST (the program's AppCDS class list PROGRAM.classlist: next to the jars when
# installed, the committed one in packaging/cds in the build tree).
# The launcher's directory comes from parameter expansion, not readlink/dirname/cd in subshells:
# every program a launcher starts costs each natctl call more than a millisecond, and far more on a
# busy machine. readlink runs only for a launcher reached through a symbolic link.
nat_agent_locate() {
    nat_agent_launcher=$1
    if [ -L "$nat_agent_launcher" ]; then nat_agent_launcher=$(readlink -f -- "$nat_agent_launcher"); fi
    case $nat_agent_launcher in
        /*) ;;
        */*) nat_agent_launcher=$PWD/$nat_agent_launcher ;;
        *) nat_agent_launcher=$PWD/./$nat_agent_launcher ;;
    esac
    launcher_dir=${nat_agent_launcher%/*}
    case $2 in
        nat-agent) module=daemon ;;
        natctl) module=natctl ;;
        *) nat_agent_fail "unknown program $2" ;;
    esac
    if [ -n "${NAT_AGENT_HOME:-}" ]; then
        NAT_AGENT_LIB=$NAT_AGENT_HOME
        NAT_AGENT_MAIN_JAR=$NAT_AGENT_HOME/$2.jar
        jar_list=$NAT_AGENT_HOME/$2.jars
        NAT_AGENT_CLASSLIST=$NAT_AGENT_HOME/$2.classlist
    elif [ -f "$launcher_dir/../../agent/$module/pom.xml" ]; then
        case $launcher_dir in
            */packaging/bin) nat_agent_root=${launcher_dir%/packaging/bin} ;;
            *) nat_agent_root=$launcher_dir/../.. ;;
        esac
        NAT_AGENT_CLASSLIST=$nat_agent_root/packaging/cds/$2.classlist
        target=$nat_agent_root/agent/$module/target
        [ -d "$target" ] || nat_agent_fail "no agent/$module/target: run 'mvn -B -ntp package' first"
        NAT_AGENT_LIB=$target/lib
        jar_list=$target/$2.jars
        NAT_AGENT_MAIN_JAR=
        for jar in "$target"/nat-agent-$module-[0-9]*.jar; do
            case $jar in
                *-sources.jar | *-tests.jar | *-javadoc.jar) ;;
                *) NAT_AGENT_MAIN_JAR=$jar ;;
            esac
        done
    else
        NAT_AGENT_LIB=/usr/share/nat-agent
        NAT_AGENT_MAIN_JAR=/usr/share/nat-agent/$2.jar
        jar_list=/usr/share/nat-agent/$2.jars
        NAT_AGENT_CLASSLIST=/usr/share/nat-agent/$2.classlist
    fi
    [ -n "$NAT_AGENT_MAIN_JAR" ] && [ -f "$NAT_AGENT_MAIN_JAR" ] \
        || nat_agent_fail "$2 jar not found (looked in ${target:-$NAT_AGENT_LIB}): run 'mvn -B -ntp package' first"
    [ -d "$NAT_AGENT_LIB" ] || nat_agent_fail "dependency directory $NAT_AGENT_LIB missing"
    # One line, the class-path entries separated by ':' (the build writes them as lib/NAME.jar).
    jars=
    [ -r "$jar_list" ] && { IFS= read -r jars <"$jar_list" || [ -n "$jars" ]; } \
        || nat_agent_fail "$jar_list missing: run 'mvn -B -ntp package' first"
    NAT_AGENT_CLASSPATH=$NAT_AGENT_MAIN_JAR
    saved_ifs=$IFS
    IFS=:
    for jar in $jars; do
        NAT_AGENT_CLASSPATH=$NAT_AGENT_CLASSPATH:$NAT_AGENT_LIB/${jar##*/}
    done
    IFS=$saved_ifs
}

# The java binary: JAVA_HOME if set, else the one on PATH. Java 17+ is required.
nat_agent_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        NAT_AGENT_JAVA=$JAVA_HOME/bin/java
    else
        NAT_AGENT_JAVA=$(command -v java) || nat_agent_fail "no java on PATH (Java 17 or newer is required)"
    fi
}

# The daemon's JVM flags (the nat-agent launcher, and bench/agent-bench.sh so that its in-process
# figures run the JVM the way the daemon does). Small, bounded footprint; why each flag. The
# harnesses that show the trade-offs: bench/agent-rss.sh (memory; it compares flag sets or builds
# side by side) and bench/agent-bench.sh --cold (apply time, which includes the collections; add
# -Xlog:gc through NAT_AGENT_JAVA_OPTS to count them):
#  SerialGC      no GC worker threads, smallest GC data structures; at this heap size its pauses
#                are short enough for a daemon that answers operators, not packets.
#  Xms8m/Xmx128m start small, cap the heap so a leak ends in a restart, not in the NAT instance
#                swapping; the largest supported state (50,000 forwards) plus one `apply` of the
#                same size fit.
#  Min/MaxHeapFreeRatio=20/20 with -ShrinkHeapInSteps  after a full collection the heap keeps
#                20% free: it grows in steps of 1.25x and gives back the rest at once. Looser
#                ratios shrinking in steps leave the heap at a multiple of what is live long
#                after a bulk apply. The ratio is what a read of a large state (the listing,
#                metrics or an export of 50,000 forwards holds megabytes of working data while
#                it is answered) adds to the peak; bulk changes, which tighter ratios would make
#                collect more often, run under a looser one (daemon/HeapPolicy).
#  MaxNewSize=1m the young generation would grow with the old one (a third of the heap), and its
#                touched pages stay resident. Capped, a bulk apply runs more young collections,
#                which cost less than the old generation's growth they save (bench/start-bench.sh
#                with a variant shows the CPU of a large start, bench/agent-rss.sh the memory).
#                An idle daemon's young generation is resident whole, so this cap is most of its
#                heap; a bulk apply then runs more and shorter young collections and a few more
#                full ones, in about the same time (bench/RESULTS.md, idle memory by flag).
#  MaxMetaspaceSize / ReservedCodeCacheSize  cap class and JIT memory (JNR generates classes).
#  TieredStopAtLevel=1  C1 only: less memory and a faster warm-up; the agent's hot paths are
#                short (encode a batch, answer a request), and on a 2-CPU instance C2's compiler
#                threads compete with the work they would speed up.
#  CICompilerCount=1, Tier3*Threshold  one compiler thread, compiling a method after 1,000 calls
#                instead of 200: the start runs many methods a few hundred times and never again,
#                and their code would stay in the code cache; the loops of a bulk apply or a
#                listing reach these counts within their first milliseconds.
#  StringTableSize/SymbolTableSize=4096  the JVM's interned-string and symbol hash tables start
#                at 65,536 and 32,768 buckets, whose arrays an idle daemon touches nearly whole
#                (most of its strings and symbols live in the class-data archive); both tables
#                grow when their chains get long.
#  (Not -XX:TrimNativeHeapInterval: an older 17 would refuse to start with it; the nat-agent
#                launcher adds it on JVMs that have it, next to glibc's tunables.)
#  jdk.nio.maxCachedBufferSize=262144  the JDK copies a heap buffer through a temporary direct
#                buffer of the full size for file I/O and caches it per thread for good, so
#                reading a large snapshot at start would keep that much native memory for the
#                process lifetime. With the cap, larger temporaries are freed after use.
#  ExitOnOutOfMemoryError  an OOM leaves threads in unknown states: exit, let systemd restart us;
#                the kernel table stays in place and is adopted on start, so traffic keeps flowing.
#  jnr.ffi.asm.enabled=false  JNR-FFI calls libc through its reflection-based binding instead of
#                classes it generates with ASM at start: ASM, JNR's x86 assembler and the generated
#                classes are never loaded, which keeps their class metadata out of the resident set
#                (bench/agent-rss.sh with a variant). The daemon makes few native calls per batch
#                or request (a netlink batch is one sendto, a request a few reads and writes), so
#                the slower call path costs little next to the kernel's work (bench/native-bench.sh
#                with NAT_AGENT_BENCH_JAVA_OPTS shows both).
#  -UsePerfData  no hsperfdata mmap file in /tmp.
#  Xshare:auto   map a class-data archive when it matches this JVM and class path, run without one
#                otherwise (the nat-agent launcher adds its AppCDS archive; see there).
NAT_AGENT_DAEMON_JVM_OPTS="-XX:+UseSerialGC -Xms8m -Xmx128m -XX:MaxNewSize=1m -XX:MinHeapFreeRatio=20 \
-XX:MaxHeapFreeRatio=20 -XX:-ShrinkHeapInSteps -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 \
-XX:CICompilerCount=1 -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=10000 \
-XX:StringTableSize=4096 -XX:+UnlockExperimentalVMOptions -XX:SymbolTableSize=4096 \
-Djdk.nio.maxCachedBufferSize=262144 -Djnr.ffi.asm.enabled=false \
-XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Xshare:auto"
