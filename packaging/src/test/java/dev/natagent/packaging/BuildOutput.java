package dev.natagent.packaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Maven build's output of the two programs: agent/daemon/target and agent/natctl/target, each
 * with the module's jar, lib/ and PROGRAM.jars (the class-path list the launchers read).
 */
final class BuildOutput {
    private static final String VERSION = "0.1.0";

    private BuildOutput() {}

    static Path daemonJar() {
        return existing(Project.path("agent/daemon/target/nat-agent-daemon-" + VERSION + ".jar"));
    }

    static Path natctlJar() {
        return existing(Project.path("agent/natctl/target/nat-agent-natctl-" + VERSION + ".jar"));
    }

    /** The file names natctl.jars lists, in class-path order. */
    static List<String> natctlDependencies() throws Exception {
        return listed(Project.path("agent/natctl/target/natctl.jars"));
    }

    /** The file names nat-agent.jars lists, in class-path order. */
    static List<String> daemonDependencies() throws Exception {
        return listed(Project.path("agent/daemon/target/nat-agent.jars"));
    }

    /** The daemon's class path as its launcher builds it in the build tree. */
    static List<Path> daemonClassPath() throws Exception {
        List<Path> jars = new ArrayList<>(List.of(daemonJar()));
        for (String name : daemonDependencies()) {
            jars.add(existing(Project.path("agent/daemon/target/lib").resolve(name)));
        }
        return jars;
    }

    /** natctl's class path as its launcher builds it in the build tree. */
    static List<Path> natctlClassPath() throws Exception {
        List<Path> jars = new ArrayList<>(List.of(natctlJar()));
        for (String name : natctlDependencies()) {
            jars.add(existing(Project.path("agent/natctl/target/lib").resolve(name)));
        }
        return jars;
    }

    private static List<String> listed(Path list) throws Exception {
        existing(list);
        List<String> names = new ArrayList<>();
        for (String entry : Files.readString(list).strip().split(":")) {
            names.add(entry.substring(entry.lastIndexOf('/') + 1));
        }
        return names;
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            Project.missing(file + " missing: run 'mvn -B -ntp package' first");
        }
        return file;
    }
}
