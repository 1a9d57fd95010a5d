package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.daemon.Main;
import dev.natagent.agent.store.StateStore;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real daemon ({@link Main}) as a child JVM inside a network namespace of the test's own,
 * with the launcher's production JVM flags, its own state directory and socket under {@code dir},
 * and its output in {@code dir/agent.log}. {@link #close()} stops it (SIGTERM, then SIGKILL) and
 * deletes the namespace.
 */
final class AgentProcess implements AutoCloseable {
    /** What packaging/bin/nat-agent passes: the RSS figures are those of the shipped daemon. */
    private static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-Xms8m",
            "-Xmx128m",
            "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30",
            "-XX:MaxMetaspaceSize=64m",
            "-XX:ReservedCodeCacheSize=32m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:-UsePerfData");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Netns netns;
    private final Path stateDir;
    private final Path socket;
    private final Path log;
    private Process process;

    private AgentProcess(Netns netns, Path dir, Path socket) {
        this.netns = netns;
        this.stateDir = dir.resolve("state");
        this.socket = socket;
        this.log = dir.resolve("agent.log");
    }

    /** A new namespace with the daemon running in it and answering on dir/run/admin.sock. */
    static AgentProcess start(Path dir) throws Exception {
        AgentProcess agent =
                new AgentProcess(Netns.create(), dir, dir.resolve("run").resolve("admin.sock"));
        try {
            agent.launch();
            return agent;
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
    }

    /** Starts the daemon on {@code socket}, expects it to exit with 1 and returns its log. */
    static String refusedStart(Path dir, Path socket) throws Exception {
        try (AgentProcess agent = new AgentProcess(Netns.create(), dir, socket)) {
            agent.process = agent.spawn();
            assertTrue(agent.process.waitFor(60, TimeUnit.SECONDS), "nat-agent exited");
            assertEquals(1, agent.process.exitValue(), agent.log());
            return agent.log();
        }
    }

    /** Starts the daemon (again, after {@link #stop()}) on the same state and socket. */
    void launch() throws Exception {
        process = spawn();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("nat-agent exited with " + process.exitValue() + ":\n" + log());
            }
            if (Files.exists(socket)) {
                try (AdminConnection connection = connect()) {
                    if (connection.call("status", "{}").path("ok").asBoolean()) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nat-agent not answering within " + START_TIMEOUT + ":\n" + log());
            }
            Thread.sleep(50);
        }
    }

    private Process spawn() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                netns.name(),
                // ip netns exec and sh both exec, so the process's pid is the JVM's.
                "sh",
                "-c",
                "ulimit -n 20000 && exec \"$@\"",
                "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--state-dir",
                stateDir.toString(),
                "--socket",
                socket.toString(),
                "--config",
                "/nonexistent",
                "--admin-group",
                "root"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process started = builder.start();
        started.getOutputStream().close();
        return started;
    }

    Netns netns() {
        return netns;
    }

    Path socket() {
        return socket;
    }

    Path stateDir() {
        return stateDir;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    AdminConnection connect() throws IOException {
        return AdminConnection.open(socket);
    }

    /** One request on a fresh connection; the response's JSON. */
    JsonNode call(String op, String args) throws IOException {
        try (AdminConnection connection = connect()) {
            return connection.call(op, args);
        }
    }

    /** {@code nft list table ip nat_agent} inside the namespace (an error text if there is none). */
    String table() throws IOException {
        return listing("ip", "nat_agent");
    }

    /** {@code nft list table FAMILY NAME}, or the command's error when there is no such table. */
    String listing(String family, String table) throws IOException {
        var result = netns.exec("nft", "list", "table", family, table);
        return result.ok() ? result.stdout() : "absent: " + result.stderr();
    }

    /** SHA-256 of the state files (snapshot, then journal; a missing file hashes as empty). */
    String stateHash() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String name : List.of(StateStore.SNAPSHOT, StateStore.JOURNAL)) {
                Path file = stateDir.resolve(name);
                digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(Files.exists(file) ? Files.readAllBytes(file) : new byte[0]);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The daemon's peak resident set (VmHWM) in KiB. */
    long peakRssKib() throws IOException {
        return statusField("VmHWM:");
    }

    long rssKib() throws IOException {
        return statusField("VmRSS:");
    }

    private long statusField(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                .filter(line -> line.startsWith(field))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow();
    }

    /** Asks the JVM for a thread dump (SIGQUIT; it lands in the log) and returns the log. */
    String threadDump() throws Exception {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-QUIT", Long.toString(pid())).start().waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(1_000);
        }
        return log();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    /** SIGTERM (the rules stay), SIGKILL if it has not exited within 20 s. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } finally {
            netns.close();
        }
    }
}
