package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Type=notify without systemd: the real daemon (packaging/bin/nat-agent) gets a NOTIFY_SOCKET
 * this test listens on. systemd starts the units ordered after nat-agent when READY=1 arrives,
 * so READY=1 must mean "the table is in the kernel and natctl can talk to me".
 */
@Tag(KernelTests.TAG)
class ReadinessNotifyTest {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String SEEDED_CONFIG =
            """
            {"schema_version": 1,
             "forwards": [{"name": "web", "listen": "8080", "to": ["10.0.1.230:80"]}]}
            """;

    @TempDir
    Path dir;

    @Test
    void readyArrivesOnlyOnceTheTableIsInTheKernelAndTheSocketServes() throws Exception {
        KernelTests.requireKernel();
        Path config = Files.writeString(dir.resolve("config.json"), SEEDED_CONFIG);
        try (Netns netns = Netns.create();
                NotifyListener systemd = NotifyListener.bind(dir.resolve("notify.sock"));
                AgentProcess agent = AgentProcess.start(netns, systemd.path(), dir, config)) {
            List<Map<String, String>> messages = systemd.untilReady(READY_TIMEOUT);

            // Checked the moment READY=1 is read: both must already hold.
            boolean socketThere = Files.exists(AgentProcess.socket(dir));
            String table = netns.exec("nft", "list", "table", "ip", "nat_agent").stdout();
            Map<String, String> ready = messages.get(messages.size() - 1);
            assertAll(
                    () -> assertTrue(socketThere, "admin socket exists at READY=1\n" + agent.log()),
                    () -> assertTrue(
                            table.contains("tcp . 8080") && table.contains("10.0.1.230 . 80"),
                            "the seeded forward is in the kernel at READY=1:\n" + table),
                    () -> assertEquals("1 forwards, 0 outbounds", ready.get("STATUS")),
                    // NotifyAccess=main: the launcher must exec the JVM, not fork it.
                    () -> assertEquals(String.valueOf(agent.pid()), ready.get("MAINPID")),
                    () -> assertEquals(
                            Map.of("STATUS", "reconciling 1 forwards"),
                            messages.get(0),
                            "progress is reported before READY=1: " + messages));
            Project.Result status = natctl("status");
            assertEquals(0, status.exitCode(), status::describe);

            int exit = agent.stop();
            assertTrue(Set.of(0, 143).contains(exit), "clean exit on SIGTERM, got " + exit + "\n" + agent.log());
            assertEquals("1", systemd.next(Duration.ofSeconds(5)).get("STOPPING"));
            assertTrue(
                    netns.execOk("nft", "list", "table", "ip", "nat_agent").contains("tcp . 8080"),
                    "SIGTERM leaves the table in place");
        }
    }

    @Test
    void corruptStateStillSignalsReadyAndSaysWhyInStatus() throws Exception {
        KernelTests.requireKernel();
        Path config = Files.writeString(dir.resolve("config.json"), SEEDED_CONFIG);
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/state.json"), "{\"schema_version\": 1, \"revis");
        try (Netns netns = Netns.create();
                NotifyListener systemd = NotifyListener.bind(dir.resolve("notify.sock"));
                AgentProcess agent = AgentProcess.start(netns, systemd.path(), dir, config)) {
            List<Map<String, String>> messages = systemd.untilReady(READY_TIMEOUT);

            // Ready, so boot goes on and natctl can report the problem; the kernel is left alone.
            String status = messages.get(messages.size() - 1).get("STATUS");
            assertTrue(
                    status.startsWith("FAILED: persisted NAT state is unusable")
                            && status.contains(dir.resolve("state/state.json").toString()),
                    status);
            assertFalse(netns.exec("nft", "list", "table", "ip", "nat_agent").ok(), "no table was created");
            Project.Result natctl = natctl("status");
            assertEquals(1, natctl.exitCode(), natctl::describe);
            assertTrue(natctl.stdout().contains("failed (state: persisted NAT state is unusable"), natctl::describe);
            assertTrue(Set.of(0, 143).contains(agent.stop()), agent::log);
        }
    }

    private Project.Result natctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Project.path("packaging/bin/natctl").toString(),
                "--socket",
                AgentProcess.socket(dir).toString()));
        command.addAll(List.of(args));
        return Project.run(command);
    }
}
