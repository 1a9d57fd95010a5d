package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real daemon ({@code dev.natagent.agent.daemon.Main}) in a child JVM inside a test's network
 * namespace, optionally behind a wrapper command (e.g. {@code unshare --mount ...}) that ends in
 * exec, so the child's pid is the JVM's and SIGKILL hits the agent itself. Output goes to a log
 * file that failures quote. Only this process is ever signalled.
 */
final class AgentJvm implements AutoCloseable {
    /** The test JVM's class path: target/classes of both modules plus the dependency jars. */
    static final String CLASS_PATH = System.getProperty("java.class.path");

    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final long READY_TIMEOUT_MILLIS = 30_000;

    private final Process process;
    private final Path socket;
    private final Path log;

    private AgentJvm(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Options of one daemon start; {@code wrapper} runs before java (it must exec its arguments). */
    record Launch(
            Netns netns, Path stateDir, Path socket, Path config, Path log, String classPath, List<String> wrapper) {
        Launch(Netns netns, Path stateDir, Path socket, Path config, Path log) {
            this(netns, stateDir, socket, config, log, CLASS_PATH, List.of());
        }

        Launch withClassPath(String other) {
            return new Launch(netns, stateDir, socket, config, log, other, wrapper);
        }

        Launch withWrapper(List<String> command) {
            return new Launch(netns, stateDir, socket, config, log, classPath, command);
        }

        List<String> command() {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns.name()));
            command.addAll(wrapper);
            command.addAll(List.of(
                    JAVA,
                    // The launcher's start-up flags: C1 only, serial GC, class data sharing.
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Xshare:auto",
                    "-XX:-UsePerfData",
                    "-cp",
                    classPath,
                    "dev.natagent.agent.daemon.Main",
                    "--state-dir",
                    stateDir.toString(),
                    "--socket",
                    socket.toString(),
                    "--config",
                    config.toString(),
                    "--admin-group",
                    "root"));
            return command;
        }
    }

    /** Starts the daemon and waits until its admin socket answers. */
    static AgentJvm start(Launch launch) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(launch.command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()))
                .start();
        process.getOutputStream().close();
        AgentJvm agent = new AgentJvm(process, launch.socket(), launch.log());
        try {
            agent.awaitReady();
            return agent;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            agent.close();
            throw e;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("nat-agent exited " + process.exitValue() + " before it was ready:\n" + log());
            }
            try {
                AgentSocket.status(socket);
                return;
            } catch (IOException notYet) {
                // A stale socket file of a killed agent refuses connections until the new one listens.
                Thread.sleep(10);
            }
        }
        fail("nat-agent not ready within " + READY_TIMEOUT_MILLIS + " ms:\n" + log());
    }

    long pid() {
        return process.pid();
    }

    Path socket() {
        return socket;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits for the process to be gone (its journal lock with it). */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        awaitExit();
    }

    /** SIGTERM (the orderly stop that leaves the rules in place); returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    private int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("nat-agent pid " + process.pid() + " did not exit within 30 s:\n" + log());
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
