package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the RPM with packaging/build-rpm.sh, then inspects it the way an operator would. */
@Tag("packaging")
class RpmPackageTest {

    @TempDir
    static Path out;

    private static Path rpm;

    @BeforeAll
    static void buildRpm() throws Exception {
        Project.requireTools("rpmbuild", "rpm", "rpm2cpio", "cpio", "rpmlint", "unzip", "java");
        rpm = Project.buildRpm(out);
        // This machine's architecture, not noarch: the package ships JNR's native stub.
        String arch = Project.run(List.of("rpm", "--eval", "%{_arch}")).stdout().strip();
        String name = "nat-agent-0.1.0-1." + arch + ".rpm";
        assertEquals(out.resolve(name), rpm);
        assertTrue(Files.isRegularFile(rpm), name + " was not written");
    }

    /** One payload entry: "perms user group flags" keyed by path. */
    private static Map<String, String> payload() throws Exception {
        Project.Result query = Project.run(List.of(
                "rpm",
                "-qp",
                "--qf",
                "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags}|%{FILENAMES}\\n]",
                rpm.toString()));
        assertEquals(0, query.exitCode(), query::describe);
        Map<String, String> entries = new HashMap<>();
        for (String line : query.stdout().split("\n")) {
            int bar = line.lastIndexOf('|');
            entries.put(line.substring(bar + 1), line.substring(0, bar).strip());
        }
        return entries;
    }

    @Test
    void installsTheDocumentedLayout() throws Exception {
        Map<String, String> files = payload();
        assertAll(
                () -> assertEquals("-rwxr-xr-x root root", files.get("/usr/sbin/nat-agent")),
                () -> assertEquals("-rwxr-xr-x root root", files.get("/usr/bin/natctl")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/nat-agent/nat-agent.jar")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/nat-agent/natctl.jar")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/nat-agent/nat-agent.jars")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/nat-agent/natctl.jars")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/nat-agent/nat-agent-env.sh")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/lib/systemd/system/nat-agent.service")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/lib/sysusers.d/nat-agent.conf")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/bash-completion/completions/natctl")),
                () -> assertEquals("-rw-r--r-- root root d", files.get("/usr/share/doc/nat-agent/config.example.json")),
                () -> assertEquals("-rwxr-xr-x root root", files.get("/usr/libexec/nat-agent/nat-pair-notify")),
                () -> assertEquals("-rwxr-xr-x root root", files.get("/usr/lib/nat-agent/libjffi-1.2.so")),
                () -> assertEquals("-rw-r--r-- root root d", files.get("/usr/share/doc/nat-agent/ha/keepalived.conf")),
                () -> assertEquals("-rw-r--r-- root root d", files.get("/usr/share/doc/nat-agent/ha/conntrackd.conf")),
                () -> assertEquals("-rw-r--r-- root root d", files.get("/usr/share/doc/nat-agent/ha/sysctl.conf")),
                () -> assertEquals("-rw-r--r-- root root l", files.get("/usr/share/licenses/nat-agent/LICENSE")),
                () -> assertEquals("-rw-r--r-- root root g", files.get("/usr/share/nat-agent/natctl.jsa")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/nat-agent/nat-agent.classlist")),
                () -> assertEquals("-rw-r--r-- root root", files.get("/usr/share/nat-agent/natctl.classlist")),
                () -> assertEquals("-rw-r--r-- root root g", files.get("/usr/share/nat-agent/nat-agent.jsa")),
                () -> assertEquals("drwx------ nat-agent natadmin", files.get("/var/lib/nat-agent")));
        assertTrue(
                files.keySet().stream()
                        .filter(path -> path.endsWith(".jar"))
                        .allMatch(path -> path.startsWith("/usr/share/nat-agent/")),
                "every jar lives in /usr/share/nat-agent: " + files.keySet());
        assertTrue(
                files.keySet().stream()
                        .anyMatch(path -> path.matches("/usr/share/nat-agent/jackson-databind-[0-9.]+\\.jar")),
                "runtime dependencies are packaged");
        assertTrue(files.keySet().stream().noneMatch(path -> path.startsWith("/run")), "/run is systemd's to create");
    }

    @Test
    void configurationSurvivesUpgradesAndIsValidJson() throws Exception {
        assertEquals("-rw-r--r-- root root cn", payload().get("/etc/nat-agent/config.json"), "%config(noreplace)");
        String config = extract("/etc/nat-agent/config.json");
        assertTrue(config.strip().startsWith("{") && config.strip().endsWith("}"), config);
    }

    @Test
    void scriptletsCreateTheUserAndDriveTheUnit() throws Exception {
        Project.Result query = Project.run(List.of("rpm", "-qp", "--scripts", rpm.toString()));
        assertEquals(0, query.exitCode(), query::describe);
        Map<String, String> scriptlets = scriptlets(query.stdout());
        assertAll(
                () -> assertTrue(scriptlets.get("preinstall").contains("systemd-sysusers"), scriptlets::toString),
                () -> assertTrue(scriptlets.get("preinstall").contains("u nat-agent"), scriptlets::toString),
                () -> assertTrue(scriptlets.get("preinstall").contains("g natadmin"), scriptlets::toString),
                // %systemd_post: first install only, the preset decides whether it is enabled.
                () -> assertGuarded(
                        scriptlets.get("postinstall"), "[ $1 -eq 1 ]", "install-system-units nat-agent.service"),
                // %systemd_preun: erase only; an upgrade must not stop the agent.
                () -> assertGuarded(
                        scriptlets.get("preuninstall"), "[ $1 -eq 0 ]", "remove-system-units nat-agent.service"),
                // %systemd_postun_with_restart: an upgrade restarts the agent, an erase does not.
                () -> assertGuarded(
                        scriptlets.get("postuninstall"), "[ $1 -ge 1 ]", "mark-restart-system-units nat-agent.service"),
                () -> assertTrue(
                        scriptlets.get("postuninstall").contains("systemctl try-restart nat-agent.service"),
                        "without systemd's update helper the unit is restarted directly: " + scriptlets));
    }

    /** The AppCDS archives are made on install and again when a JVM is installed or updated. */
    @Test
    void classDataArchivesAreMadeOnInstallAndAfterJvmUpdates() throws Exception {
        Project.Result scripts = Project.run(List.of("rpm", "-qp", "--scripts", rpm.toString()));
        assertEquals(0, scripts.exitCode(), scripts::describe);
        Project.Result triggers = Project.run(List.of("rpm", "-qp", "--filetriggers", rpm.toString()));
        assertEquals(0, triggers.exitCode(), triggers::describe);
        String daemonDump = "NAT_AGENT_CDS_DUMP=/usr/share/nat-agent/nat-agent.jsa /usr/sbin/nat-agent";
        String natctlDump = "NATCTL_CDS_DUMP=/usr/share/nat-agent/natctl.jsa /usr/bin/natctl";
        String postinstall = scriptlets(scripts.stdout()).get("postinstall");
        String header = "transfiletriggerin scriptlet (using /bin/sh) -- /usr/lib/jvm\n";
        int trigger = triggers.stdout().indexOf(header);
        assertAll(
                () -> assertTrue(postinstall.contains(daemonDump), postinstall),
                () -> assertTrue(postinstall.contains(natctlDump), postinstall),
                () -> assertTrue(trigger >= 0, triggers::describe),
                () -> assertTrue(triggers.stdout().indexOf(daemonDump) > trigger, triggers::describe),
                () -> assertTrue(triggers.stdout().indexOf(natctlDump) > trigger, triggers::describe));
    }

    /**
     * The payload unpacked into a directory and the %post command run against it (paths moved
     * there): it writes an archive from the shipped class list that the installed launcher maps.
     */
    @Test
    void postInstallMakesADaemonArchiveThatTheInstalledLauncherMaps() throws Exception {
        Path root = Files.createDirectories(out.resolve("installed"));
        Project.Result unpack = Project.run(List.of(
                "sh", "-c", "cd \"$1\" && rpm2cpio \"$0\" | cpio -idm --quiet", rpm.toString(), root.toString()));
        assertEquals(0, unpack.exitCode(), unpack::describe);
        Path home = root.resolve("usr/share/nat-agent");
        Path launcher = root.resolve("usr/sbin/nat-agent");
        // The launcher finds its helper next to itself first (the build tree's layout).
        Files.copy(home.resolve("nat-agent-env.sh"), root.resolve("usr/sbin/nat-agent-env.sh"));
        String post = Project.run(List.of("rpm", "-qp", "--scripts", rpm.toString()))
                .stdout()
                .lines()
                .filter(line -> line.startsWith("NAT_AGENT_CDS_DUMP="))
                .findFirst()
                .orElseThrow()
                .replace("/usr/", root + "/usr/");
        Map<String, String> env = Map.of("NAT_AGENT_HOME", home.toString());
        Project.Result dump = Project.run(env, List.of("sh", "-c", post));
        assertEquals(0, dump.exitCode(), dump::describe);
        assertTrue(Files.size(home.resolve("nat-agent.jsa")) > 1_000_000, "archive written: " + dump.describe());

        Project.Result version = Project.run(
                Map.of("NAT_AGENT_HOME", home.toString(), "NAT_AGENT_JAVA_OPTS", "-Xlog:class+load"),
                List.of(launcher.toString(), "--version"));
        assertEquals(0, version.exitCode(), version::describe);
        // One class of the daemon's jar, one of another jar on its class path (the protocol module's).
        for (String shared :
                List.of("dev.natagent.agent.daemon.Main", "dev.natagent.agent.model.ValidationException")) {
            assertTrue(
                    version.stdout().contains(shared + " source: shared objects file"),
                    () -> shared + " not mapped from the archive:\n" + version.describe());
        }
    }

    /** {@code action} happens in {@code scriptlet} only inside the {@code condition}'s if. */
    private static void assertGuarded(String scriptlet, String condition, String action) {
        int guard = scriptlet.indexOf("if " + condition + "; then");
        int act = scriptlet.indexOf(action);
        assertTrue(guard >= 0 && act > guard, () -> "'" + action + "' under '" + condition + "' in:\n" + scriptlet);
        assertEquals(1, scriptlet.split(Pattern.quote(action), -1).length - 1, scriptlet);
    }

    private static Map<String, String> scriptlets(String text) {
        Map<String, String> sections = new HashMap<>();
        Matcher header = Pattern.compile("(?m)^(\\w+) scriptlet.*:$").matcher(text);
        String name = null;
        int start = 0;
        while (header.find()) {
            if (name != null) {
                sections.put(name, text.substring(start, header.start()));
            }
            name = header.group(1);
            start = header.end();
        }
        if (name != null) {
            sections.put(name, text.substring(start));
        }
        return sections;
    }

    @Test
    void requiresAJava17RuntimeThatCorrettoProvides() throws Exception {
        Project.Result query = Project.run(List.of("rpm", "-qp", "--requires", rpm.toString()));
        assertEquals(0, query.exitCode(), query::describe);
        List<String> requires = query.stdout().lines().map(String::strip).toList();
        assertTrue(requires.contains("java-headless >= 1:17"), requires::toString);
        assertTrue(requires.contains("systemd"), requires::toString);
    }

    @Test
    void rpmlintReportsNoErrors() throws Exception {
        Project.Result lint = Project.run(List.of(
                "rpmlint", "-r", Project.path("packaging/nat-agent.rpmlintrc").toString(), rpm.toString()));
        Matcher summary = Pattern.compile("(\\d+) errors?, (\\d+) warnings?").matcher(lint.stdout());
        assertTrue(summary.find(), lint::describe);
        assertEquals("0", summary.group(1), lint::describe);
    }

    @Test
    void shipsTheUnitAndLaunchersFromTheTree() throws Exception {
        assertEquals(
                Files.readString(Project.path("systemd/nat-agent.service")),
                extract("/usr/lib/systemd/system/nat-agent.service"));
        assertEquals(Files.readString(Project.path("packaging/bin/natctl")), extract("/usr/bin/natctl"));
        assertEquals(Files.readString(Project.path("packaging/bin/nat-agent")), extract("/usr/sbin/nat-agent"));
    }

    @Test
    void bashCompletionIsGeneratedForNatctl() throws Exception {
        String completion = extract("/usr/share/bash-completion/completions/natctl");
        assertTrue(completion.contains("complete -F"), "registers a completion function");
        assertTrue(completion.contains("natctl"), completion);
        // Every command, not just natctl's own options (the script comes from the whole command tree).
        assertTrue(completion.contains("function _picocli_natctl_forward_add()"), "forward add is completed");
        assertTrue(completion.contains("'--listen'"), "forward add's options are completed");
        Path script = out.resolve("natctl.bash");
        Files.writeString(script, completion);
        Project.Result syntax = Project.run(List.of("bash", "-n", script.toString()));
        assertEquals(0, syntax.exitCode(), syntax::describe);
    }

    private static String extract(String path) throws Exception {
        Project.Result cpio = Project.run(List.of(
                "sh", "-c", "rpm2cpio \"$0\" | cpio -i --quiet --to-stdout \"$1\"", rpm.toString(), "." + path));
        assertEquals(0, cpio.exitCode(), cpio::describe);
        return cpio.stdout();
    }
}
