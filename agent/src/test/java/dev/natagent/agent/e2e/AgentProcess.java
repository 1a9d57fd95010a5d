package dev.natagent.agent.e2e;

import dev.natagent.agent.cli.Natctl;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real daemon ({@code dev.natagent.agent.daemon.Main}) as a child JVM inside a namespace,
 * started with {@code ip netns exec} (which execs, so the child's pid is the JVM's), on this test
 * JVM's class path. Its stderr goes to a log file kept across restarts. Stopped only by its pid.
 */
final class AgentProcess {
    static final long START_TIMEOUT_MILLIS = 30_000;

    /** One natctl run: exit code and what it printed. */
    record CliResult(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private final Netns netns;
    private final Path stateDir;
    private final Path socket;
    private final Path config;
    private final Path log;
    private Process process;

    AgentProcess(Netns netns, Path dir, Path config) {
        this.netns = netns;
        this.stateDir = dir.resolve("state");
        this.socket = dir.resolve("run").resolve("admin.sock");
        this.config = config;
        this.log = dir.resolve("agent.log");
    }

    Path socket() {
        return socket;
    }

    Path stateDir() {
        return stateDir;
    }

    /** Starts the daemon and returns once natctl status answers; fails with its log otherwise. */
    AgentProcess start() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns.name(), java));
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.natagent.agent.daemon.Main"));
        command.addAll(List.of(
                "--config", config.toString(),
                "--state-dir", stateDir.toString(),
                "--socket", socket.toString(),
                "--admin-group", "root"));
        Files.writeString(log, "---- start\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process.getOutputStream().close();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nat-agent exited " + process.exitValue() + " at start:\n" + log());
            }
            if (Files.exists(socket) && natctl("status").exitCode() == 0) {
                return this;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nat-agent did not answer within " + START_TIMEOUT_MILLIS + " ms:\n" + log());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the agent gets no chance to clean up anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the agent's orderly stop (rules stay in place). */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    private int awaitExit() throws InterruptedException {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("nat-agent pid " + process.pid() + " did not exit within 20 s");
        }
        return process.exitValue();
    }

    /** Runs natctl in this JVM, through its real parser, against this agent's socket. */
    CliResult natctl(String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString(), "--timeout", "20"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Natctl.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliResult(code, out.toString(), err.toString());
    }

    /** natctl that must succeed; returns its stdout. */
    String natctlOk(String... args) {
        CliResult result = natctl(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("natctl " + String.join(" ", args) + " failed: " + result);
        }
        return result.out();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills the daemon if it still runs (test clean-up). */
    void stop() throws InterruptedException {
        if (isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
