package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGTERM that lands anywhere in the daemon's start (systemd stopping a unit that is still
 * starting, an upgrade racing a boot) ends it like an orderly stop: the same exit status, no stack
 * trace, and a state that the next start brings back in full.
 */
@Tag(KernelTests.TAG)
class SigtermDuringStartTest {
    private static final int FORWARDS = 1_000;
    private static final int TRIALS = 6;

    @TempDir
    Path dir;

    @Test
    void aStopDuringTheStartIsAnOrderlyStop() throws Exception {
        KernelTests.requireKernel();
        Path config = dir.resolve("config.json");
        Files.writeString(config, config());
        try (Netns netns = Netns.create()) {
            AgentDaemon.Launch launch = new AgentDaemon.Launch(
                    netns, dir.resolve("state"), dir.resolve("admin.sock"), config, dir.resolve("agent.log"));
            String table;
            long startNanos;
            int orderlyExit;
            try (AgentDaemon agent = AgentDaemon.prepare(launch)) {
                long started = System.nanoTime();
                agent.start();
                startNanos = System.nanoTime() - started;
                table = agent.table();
                orderlyExit = agent.terminate();
            }
            for (int trial = 0; trial < TRIALS; trial++) {
                try (AgentDaemon agent = AgentDaemon.prepare(launch)) {
                    Files.deleteIfExists(launch.socket());
                    agent.launch();
                    if (trial % 2 == 0) {
                        // Spread over the start, from the JVM's own start to the socket opening.
                        Thread.sleep(startNanos / 1_000_000 * trial / TRIALS);
                    } else {
                        // The moment the socket appears: the start's last steps.
                        awaitSocket(launch.socket(), startNanos * 10);
                    }
                    int exit = agent.terminate();
                    String lastRun = lastRun(agent.log());
                    assertEquals(
                            orderlyExit,
                            exit,
                            "exit status of a stop " + trial + "/" + TRIALS + " into the start:\n" + lastRun);
                    assertFalse(
                            lastRun.contains("Exception"),
                            "a stop during the start leaves no stack trace:\n" + lastRun);
                }
                try (AgentDaemon agent = AgentDaemon.start(launch)) {
                    assertEquals(table, agent.table(), "the next start brings back the whole state");
                    agent.terminate();
                }
            }
        }
    }

    private static void awaitSocket(Path socket, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static String lastRun(String log) {
        return log.substring(log.lastIndexOf("---- start"));
    }

    private static String config() {
        StringJoiner forwards = new StringJoiner(",");
        for (int i = 0; i < FORWARDS; i++) {
            forwards.add("{\"name\":\"f" + i + "\",\"listen\":\"" + (20_000 + i) + "\",\"to\":[\"10.0." + (1 + i / 250)
                    + "." + (1 + i % 250) + ":6379\"],\"allow\":[\"198.51.100.0/24\"]}");
        }
        return "{\"schema_version\":1,\"forwards\":[" + forwards + "]}";
    }
}
