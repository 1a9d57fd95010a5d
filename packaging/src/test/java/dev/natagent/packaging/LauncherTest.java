package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs packaging/bin/nat-agent and packaging/bin/natctl against stand-in main classes that
 * print the class path, JVM flags and arguments they were started with, in both the installed
 * layout (NAT_AGENT_HOME) and a build-tree layout.
 */
@Tag("packaging")
class LauncherTest {
    private static final String PROBE =
            """
            package %s;
            public final class %s {
                public static void main(String[] args) {
                    System.out.println("classpath=" + System.getProperty("java.class.path"));
                    System.out.println("jvm=" + java.lang.management.ManagementFactory.getRuntimeMXBean()
                            .getInputArguments());
                    System.out.println("args=" + java.util.Arrays.asList(args));
                }
            }
            """;
    /** What the build lists in natctl.jars: the protocol module and Jackson. */
    private static final List<String> NATCTL_DEPENDENCIES = List.of(
            "nat-agent-protocol-0.1.0.jar",
            "jackson-databind-2.21.3.jar",
            "jackson-annotations-2.21.jar",
            "jackson-core-2.21.3.jar");
    /** What the build lists in nat-agent.jars. */
    private static final List<String> DAEMON_DEPENDENCIES = List.of(
            "nat-agent-protocol-0.1.0.jar",
            "jackson-databind-2.21.3.jar",
            "jackson-annotations-2.21.jar",
            "jackson-core-2.21.3.jar",
            "nat-agent-native-0.1.0.jar",
            "jnr-ffi-2.2.17.jar",
            "metrics-core-4.2.40.jar");

    @TempDir
    Path tmp;

    /**
     * The installed layout: every jar flat in one directory, the programs' own as nat-agent.jar and
     * natctl.jar, and the build's lists of the jars each runs with.
     */
    private Path installedHome() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        writeProbeJar(home.resolve("nat-agent.jar"));
        writeProbeJar(home.resolve("natctl.jar"));
        writeDependencies(home, home, "nat-agent.jars", DAEMON_DEPENDENCIES);
        writeDependencies(home, home, "natctl.jars", NATCTL_DEPENDENCIES);
        return home;
    }

    /** Empty jars in {@code lib}, and {@code list} naming them as the Maven build writes it. */
    private static void writeDependencies(Path lib, Path listDir, String list, List<String> jars) throws IOException {
        for (String jar : jars) {
            writeEmptyJar(lib.resolve(jar));
        }
        Files.writeString(
                listDir.resolve(list),
                String.join(":", jars.stream().map(jar -> "lib/" + jar).toList()));
    }

    private void writeProbeJar(Path jar) throws IOException {
        Path sources = Files.createDirectories(tmp.resolve("src"));
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Path natctl = sources.resolve("Natctl.java");
        Path daemon = sources.resolve("Main.java");
        Files.writeString(natctl, PROBE.formatted("dev.natagent.agent.cli", "Natctl"));
        Files.writeString(daemon, PROBE.formatted("dev.natagent.agent.daemon", "Main"));
        int status = ToolProvider.getSystemJavaCompiler()
                .run(null, null, null, "-d", classes.toString(), natctl.toString(), daemon.toString());
        assertEquals(0, status, "compiling the probe classes");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    private static void writeEmptyJar(Path jar) throws IOException {
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.flush();
        }
    }

    private static Project.Result launch(String launcher, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher));
        command.addAll(List.of(args));
        Project.Result result = Project.run(env, command);
        assertEquals(0, result.exitCode(), result::describe);
        return result;
    }

    /** The value printed by the probe for KEY ("classpath", "jvm" or "args"). */
    private static String line(Project.Result result, String key) {
        return result.stdout()
                .lines()
                .filter(line -> line.startsWith(key + "="))
                .findFirst()
                .map(line -> line.substring(key.length() + 1))
                .orElseThrow(() -> new AssertionError(key + " missing in " + result.describe()));
    }

    private static String launcher(String name) {
        return Project.path("packaging/bin/" + name).toString();
    }

    @Test
    void natctlRunsWithASmallClassPathAndFastStartFlags() throws Exception {
        Path home = installedHome();
        Project.Result result = launch(
                launcher("natctl"),
                Map.of("NAT_AGENT_HOME", home.toString()),
                "--json",
                "forward",
                "add",
                "name with space");
        String classpath = line(result, "classpath");
        List<String> expected =
                new ArrayList<>(List.of(home.resolve("natctl.jar").toString()));
        NATCTL_DEPENDENCIES.forEach(jar -> expected.add(home.resolve(jar).toString()));
        assertEquals(
                String.join(":", expected),
                classpath,
                "natctl's jar, then exactly what natctl.jars lists: no daemon, JNR or metrics jar");
        String jvm = line(result, "jvm");
        assertTrue(jvm.contains("-XX:TieredStopAtLevel=1"), jvm);
        assertTrue(
                jvm.contains("-XX:+UseG1GC"), jvm + ": the collector whose heap the archived module graph maps into");
        assertEquals("[--json, forward, add, name with space]", line(result, "args"));
    }

    @Test
    void natctlRunsInterpretedUnlessTheCallsWorkGrowsWithTheState() throws Exception {
        Path home = installedHome();
        Map<String, String> env = Map.of("NAT_AGENT_HOME", home.toString());
        for (List<String> call : List.of(
                List.of("status"),
                List.of("--socket", "/run/x.sock", "forward", "add", "r", "--listen", "6379", "--to", "10.0.1.2:6379"),
                List.of("forward", "remove", "listing"),
                List.of("--json", "ha-check"))) {
            String jvm = line(launch(launcher("natctl"), env, call.toArray(String[]::new)), "jvm");
            assertTrue(jvm.contains("-Xint"), call + " should run interpreted: " + jvm);
        }
        for (List<String> call : List.of(
                List.of("apply", "/etc/nat-agent/config.json"),
                List.of("--json", "forward", "list"),
                List.of("export", "--format", "nft"),
                List.of("cluster", "map", "c"),
                List.of("metrics"),
                List.of("doctor", "--json"),
                List.of("cluster", "get", "c"),
                List.of("forward", "add", "--help"),
                List.of("completion"),
                List.of("forward", "remove", "list"))) {
            String jvm = line(launch(launcher("natctl"), env, call.toArray(String[]::new)), "jvm");
            assertFalse(jvm.contains("-Xint"), call + " should keep the JIT: " + jvm);
        }
    }

    @Test
    void natctlMakesAnAppCdsArchiveFromItsClassListAndIgnoresAStaleOneSilently() throws Exception {
        Path home = installedHome();
        Files.writeString(home.resolve("natctl.classlist"), "dev/natagent/agent/cli/Natctl\n");
        Path archive = tmp.resolve("natctl.jsa");
        // As the RPM's %post runs it: no agent, arguments ignored, the archive written and nothing run.
        Project.Result dump = Project.run(
                Map.of("NAT_AGENT_HOME", home.toString(), "NATCTL_CDS_DUMP", archive.toString()),
                List.of(launcher("natctl"), "status"));
        assertEquals(0, dump.exitCode(), dump::describe);
        assertFalse(dump.stdout().contains("args="), dump::describe);
        assertTrue(Files.size(archive) > 0, "archive written");

        Project.Result used = launch(
                launcher("natctl"),
                Map.of(
                        "NAT_AGENT_HOME",
                        home.toString(),
                        "NATCTL_CDS_ARCHIVE",
                        archive.toString(),
                        "NATCTL_JAVA_OPTS",
                        "-Xlog:class+load"));
        assertTrue(line(used, "jvm").contains("-XX:SharedArchiveFile=" + archive), used::describe);
        assertTrue(used.stdout().contains("dev.natagent.agent.cli.Natctl source: shared objects file"), used::describe);

        Files.writeString(archive, "not an archive");
        Project.Result stale = launch(
                launcher("natctl"),
                Map.of("NAT_AGENT_HOME", home.toString(), "NATCTL_CDS_ARCHIVE", archive.toString()),
                "status");
        assertEquals("", stale.stderr(), "a stale archive must not add noise");
        assertEquals(3, stale.stdout().lines().count(), stale::describe);
    }

    @Test
    void daemonGetsTheFullClassPathAndBoundedMemoryFlags() throws Exception {
        Path home = installedHome();
        Project.Result result = launch(
                launcher("nat-agent"),
                Map.of("NAT_AGENT_HOME", home.toString(), "NAT_AGENT_JAVA_OPTS", "-Xmx200m"),
                "--config",
                "/etc/nat-agent/config.json");
        String classpath = line(result, "classpath");
        assertTrue(classpath.startsWith(home.resolve("nat-agent.jar") + ":"), classpath);
        assertTrue(classpath.contains("jnr-ffi-2.2.17.jar"), result::describe);
        assertFalse(classpath.contains("natctl.jar"), "the daemon does not run with the CLI: " + classpath);
        String jvm = line(result, "jvm");
        for (String flag :
                List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:MaxMetaspaceSize=64m", "-XX:+ExitOnOutOfMemoryError")) {
            assertTrue(jvm.contains(flag), flag + " in " + jvm);
        }
        assertTrue(
                jvm.indexOf("-Xmx200m") > jvm.indexOf("-Xmx128m"), "NAT_AGENT_JAVA_OPTS comes last and wins: " + jvm);
        assertEquals("[--config, /etc/nat-agent/config.json]", line(result, "args"));
    }

    @Test
    void daemonMakesAnAppCdsArchiveFromItsClassListAndMapsIt() throws Exception {
        Path home = installedHome();
        Files.writeString(home.resolve("nat-agent.classlist"), "dev/natagent/agent/daemon/Main\n");
        Path archive = home.resolve("nat-agent.jsa");
        Project.Result dump = Project.run(
                Map.of("NAT_AGENT_HOME", home.toString(), "NAT_AGENT_CDS_DUMP", archive.toString()),
                List.of(launcher("nat-agent")));
        assertEquals(0, dump.exitCode(), dump::describe);
        assertTrue(Files.size(archive) > 0, "archive written");

        // The archive next to the jars is used without being named, and the class comes from it.
        Project.Result used = launch(
                launcher("nat-agent"),
                Map.of("NAT_AGENT_HOME", home.toString(), "NAT_AGENT_JAVA_OPTS", "-Xlog:class+load"),
                "--version");
        assertTrue(line(used, "jvm").contains("-XX:SharedArchiveFile=" + archive), used::describe);
        assertTrue(
                used.stdout().contains("dev.natagent.agent.daemon.Main source: shared objects file"), used::describe);
        assertEquals("[--version]", line(used, "args"));
    }

    @Test
    void daemonIgnoresAStaleOrMissingArchiveSilently() throws Exception {
        Path home = installedHome();
        Project.Result none = launch(launcher("nat-agent"), Map.of("NAT_AGENT_HOME", home.toString()));
        assertFalse(line(none, "jvm").contains("SharedArchiveFile"), none::describe);

        Files.writeString(home.resolve("nat-agent.jsa"), "not an archive");
        Project.Result stale = launch(launcher("nat-agent"), Map.of("NAT_AGENT_HOME", home.toString()), "--version");
        assertTrue(line(stale, "jvm").contains("-XX:SharedArchiveFile="), stale::describe);
        assertEquals("", stale.stderr(), "a stale archive must not add noise");
        assertEquals("[--version]", line(stale, "args"));
    }

    @Test
    void makingTheArchiveWithoutAClassListIsAClearError() throws Exception {
        Path home = installedHome();
        Project.Result result = Project.run(
                Map.of(
                        "NAT_AGENT_HOME",
                        home.toString(),
                        "NAT_AGENT_CDS_DUMP",
                        tmp.resolve("x.jsa").toString()),
                List.of(launcher("nat-agent")));
        assertEquals(1, result.exitCode(), result::describe);
        assertTrue(result.stderr().contains("nat-agent.classlist missing"), result::describe);
        assertFalse(Files.exists(tmp.resolve("x.jsa")), result::describe);

        Project.Result natctl = Project.run(
                Map.of(
                        "NAT_AGENT_HOME",
                        home.toString(),
                        "NATCTL_CDS_DUMP",
                        tmp.resolve("y.jsa").toString()),
                List.of(launcher("natctl")));
        assertEquals(1, natctl.exitCode(), natctl::describe);
        assertTrue(natctl.stderr().contains("natctl.classlist missing"), natctl::describe);
        assertFalse(Files.exists(tmp.resolve("y.jsa")), natctl::describe);
    }

    @Test
    void daemonUnpacksJnrsNativeStubIntoTheRuntimeDirectoryUnderSystemd() throws Exception {
        Path home = installedHome();
        Project.Result bySystemd = launch(
                launcher("nat-agent"),
                Map.of("NAT_AGENT_HOME", home.toString(), "RUNTIME_DIRECTORY", "/run/nat-agent"));
        assertTrue(line(bySystemd, "jvm").contains("-Djffi.extract.dir=/run/nat-agent"), bySystemd::describe);
        Project.Result byHand = launch(launcher("nat-agent"), Map.of("NAT_AGENT_HOME", home.toString()));
        assertFalse(line(byHand, "jvm").contains("jffi.extract.dir"), byHand::describe);
    }

    @Test
    void daemonLoadsJnrsNativeStubFromItsOwnFileWhenThereIsOne() throws Exception {
        Path home = installedHome();
        Project.Result none = launch(launcher("nat-agent"), Map.of("NAT_AGENT_HOME", home.toString()));
        assertFalse(line(none, "jvm").contains("jffi.boot.library.path"), none::describe);

        Files.createDirectories(home.resolve("jni/x86_64-Linux"));
        Project.Result installed = launch(
                launcher("nat-agent"),
                Map.of("NAT_AGENT_HOME", home.toString(), "RUNTIME_DIRECTORY", "/run/nat-agent"));
        String jvm = line(installed, "jvm");
        assertTrue(jvm.contains("-Djffi.boot.library.path=" + home.resolve("jni")), installed::describe);
        // Unpacking stays the fallback for a stub that is missing there or does not load.
        assertTrue(jvm.contains("-Djffi.extract.dir=/run/nat-agent"), installed::describe);
    }

    @Test
    void daemonTrimsTheNativeHeapOnlyOnJvmsThatKnowTheFlag() throws Exception {
        Path home = installedHome();
        Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
        for (String version : List.of("17.0.8", "17", "20.0.2", "21", "17.0.9", "17.0.12.1", "21.0.3", "25")) {
            // A JVM home whose release file names VERSION; its java runs the real one.
            Path javaHome = Files.createDirectories(tmp.resolve("jdk-" + version + "/bin"))
                    .getParent();
            Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
            Path java = javaHome.resolve("bin/java");
            Files.writeString(java, "#!/bin/sh\nexec '" + realJava + "' \"$@\"\n");
            assertTrue(java.toFile().setExecutable(true));
            Project.Result result = launch(
                    launcher("nat-agent"), Map.of("NAT_AGENT_HOME", home.toString(), "JAVA_HOME", javaHome.toString()));
            boolean known = !List.of("17.0.8", "17", "20.0.2", "21").contains(version);
            assertEquals(
                    known,
                    line(result, "jvm").contains("-XX:TrimNativeHeapInterval="),
                    version + ": " + result.describe());
        }
    }

    @Test
    void launchersFindTheJarsOfAMavenBuildTree() throws Exception {
        Path tree = tmp.resolve("tree");
        Path bin = Files.createDirectories(tree.resolve("packaging/bin"));
        for (String file : List.of("natctl", "nat-agent", "nat-agent-env.sh")) {
            Files.copy(Project.path("packaging/bin/" + file), bin.resolve(file));
            bin.resolve(file).toFile().setExecutable(true);
        }
        Path daemonTarget = buildTreeModule(tree, "daemon", "nat-agent.jars", DAEMON_DEPENDENCIES);
        Path natctlTarget = buildTreeModule(tree, "natctl", "natctl.jars", NATCTL_DEPENDENCIES);

        Project.Result natctl = launch(bin.resolve("natctl").toString(), Map.of(), "status");
        String classpath = line(natctl, "classpath");
        assertTrue(classpath.startsWith(natctlTarget.resolve("nat-agent-natctl-0.1.0.jar") + ":"), classpath);
        assertTrue(
                classpath.contains(
                        natctlTarget.resolve("lib/nat-agent-protocol-0.1.0.jar").toString()),
                classpath);
        assertFalse(classpath.contains("sources"), classpath);
        assertFalse(classpath.contains("daemon"), classpath);
        // Reached through a symbolic link elsewhere (e.g. ~/bin/natctl), by a relative path.
        Path link = Files.createDirectories(tmp.resolve("links")).resolve("natctl");
        Files.createSymbolicLink(link, bin.resolve("natctl"));
        Project.Result linked = Project.run(
                Map.of(),
                List.of(
                        "sh",
                        "-c",
                        "cd \"$0\" && ./natctl status",
                        link.getParent().toString()));
        assertEquals(0, linked.exitCode(), linked::describe);
        assertEquals(classpath, line(linked, "classpath"));
        Project.Result daemon = launch(bin.resolve("nat-agent").toString(), Map.of());
        String daemonClasspath = line(daemon, "classpath");
        assertTrue(
                daemonClasspath.startsWith(daemonTarget.resolve("nat-agent-daemon-0.1.0.jar") + ":"), daemon::describe);
        assertTrue(daemonClasspath.contains("metrics-core-4.2.40.jar"), daemon::describe);
        assertFalse(line(daemon, "jvm").contains("jffi.boot.library.path"), daemon::describe);
        Files.createDirectories(daemonTarget.resolve("jni"));
        Project.Result withStub = launch(bin.resolve("nat-agent").toString(), Map.of());
        assertTrue(
                line(withStub, "jvm").contains("-Djffi.boot.library.path=" + daemonTarget.resolve("jni")),
                withStub::describe);
    }

    /** agent/MODULE/target of a Maven build: the module's jar (and its sources jar), lib/ and the jar list. */
    private Path buildTreeModule(Path tree, String module, String list, List<String> dependencies) throws IOException {
        Path target = Files.createDirectories(tree.resolve("agent/" + module + "/target/lib"))
                .getParent();
        Files.writeString(tree.resolve("agent/" + module + "/pom.xml"), "<project/>");
        writeProbeJar(target.resolve("nat-agent-" + module + "-0.1.0.jar"));
        writeEmptyJar(target.resolve("nat-agent-" + module + "-0.1.0-sources.jar"));
        writeDependencies(target.resolve("lib"), target, list, dependencies);
        return target;
    }

    @Test
    void missingBuildOutputIsAClearError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Project.Result result =
                Project.run(Map.of("NAT_AGENT_HOME", empty.toString()), List.of(launcher("natctl"), "status"));
        assertEquals(1, result.exitCode(), result::describe);
        assertTrue(result.stderr().contains("natctl jar not found"), result::describe);
    }
}
