package dev.natagent.packaging;

import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * packaging/bin/nat-agent started inside a test's namespace, as root, with its output in a log
 * file. {@link #close()} makes sure it is gone whatever the test did.
 */
final class AgentProcess implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the agent in {@code netns}; {@code notifySocket} becomes its NOTIFY_SOCKET. */
    static AgentProcess start(Netns netns, Path notifySocket, Path dir, Path config) throws IOException {
        Path log = dir.resolve("agent.log");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns.name()));
        command.addAll(List.of(
                Project.path("packaging/bin/nat-agent").toString(),
                "--config",
                config.toString(),
                "--state-dir",
                dir.resolve("state").toString(),
                "--socket",
                socket(dir).toString(),
                "--admin-group",
                "root"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("NOTIFY_SOCKET", notifySocket.toString());
        return new AgentProcess(builder.start(), log);
    }

    static Path socket(Path dir) {
        return dir.resolve("admin.sock");
    }

    /** The PID systemd would see as the service's main process. */
    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM and returns the exit status. */
    int stop() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("nat-agent did not stop within " + STOP_TIMEOUT + " of SIGTERM\n" + log());
        }
        return process.exitValue();
    }

    /** The agent's output so far, for failure messages. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(agent log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
