package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.KernelTable;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistence on a full disk: the real daemon keeps its state on a small tmpfs mounted only in its
 * own private mount namespace ({@code unshare --mount}; the host's mount table is never touched).
 * The test fills that file system (through {@code /proc/PID/root}) and adds forwards until one
 * cannot be journalled: natctl must exit 1 with a clear message, the kernel must have been rolled
 * back, the state files must load as the last acknowledged state with no torn record, and the
 * agent must take changes again once there is room.
 */
@Tag(KernelTests.TAG)
class FullDiskDaemonTest {
    private static final int MAX_ADDS = 200;
    private static final int FORWARDS_BEFORE_FULL = 3;

    @TempDir
    Path dir;

    @Test
    void aFullDiskIsAnErrorToTheClientAndNeitherATornFileNorAKernelChange() throws Exception {
        KernelTests.requireKernel();
        Path mount = Files.createDirectory(dir.resolve("tmpfs"));
        Path stateDir = mount.resolve("state");
        Path socket = dir.resolve("admin.sock");
        NatState acknowledged = NatState.empty();
        try (Netns netns = Netns.create()) {
            AgentDaemon.Launch launch = new AgentDaemon.Launch(
                            netns, stateDir, socket, dir.resolve("no-config.json"), dir.resolve("agent.log"))
                    .withPrivateMounts("mount -t tmpfs -o size=64k,mode=0700 natagent-fulldisk '" + mount + "'");
            try (AgentDaemon agent = AgentDaemon.start(launch)) {
                Path inside = Path.of("/proc/" + agent.pid() + "/root")
                        .resolve(mount.toString().substring(1));
                Path filler = inside.resolve("filler");

                CliResult refused = null;
                int added = 0;
                for (int i = 0; i < MAX_ADDS && refused == null; i++) {
                    if (i == FORWARDS_BEFORE_FULL) {
                        // The journal's last page is partly used: later records fill it, then one
                        // straddles its end and gets a short write followed by ENOSPC.
                        fill(filler);
                    }
                    Forward forward = Forward.single(
                            "full-" + i, Protocol.TCP, 7000 + i, Target.parse("10.0.1." + (1 + i) + ":6379"));
                    CliResult result = CliResult.natctl(
                            socket,
                            "forward",
                            "add",
                            forward.name(),
                            "--listen",
                            "" + (7000 + i),
                            "--to",
                            forward.targets().get(0).toString());
                    if (result.exitCode() == 0) {
                        acknowledged = acknowledged.withForward(forward);
                        added++;
                    } else {
                        refused = result;
                    }
                }
                if (refused == null) {
                    fail("the disk never filled up:\n" + agent.log());
                }
                assertEquals(1, refused.exitCode(), refused.toString());
                assertTrue(refused.err().contains("No space left on device"), refused.err());
                assertTrue(refused.err().contains("STORAGE"), "a storage error, not an internal one: " + refused.err());
                assertTrue(
                        refused.err()
                                .contains(stateDir.resolve(StateStore.JOURNAL).toString()),
                        refused.err());
                assertTrue(refused.err().contains("nothing was changed"), refused.err());
                assertEquals(
                        KernelTable.expectedForwardElements(acknowledged),
                        KernelTable.forwardElements(netns),
                        "the kernel change of the refused forward was not rolled back");
                try (StateStore store = StateStore.open(copy(inside.resolve("state"), dir.resolve("copy")))) {
                    assertEquals(acknowledged, store.state(), "state on the full disk");
                    assertEquals(added, store.revision());
                    assertEquals(0, store.discardedTailBytes(), "a torn journal record was left behind");
                }
                // Not failed: the state is intact (degraded is possible: the test's targets do not answer probes).
                assertNotEquals(
                        "failed", AdminClient.status(socket).path("health").asText());

                Files.delete(filler);
                CliResult retried = CliResult.natctl(
                        socket, "forward", "add", "after-full", "--listen", "9999", "--to", "10.0.1.99:6379");
                assertEquals(0, retried.exitCode(), retried.toString());
                acknowledged = acknowledged.withForward(
                        Forward.single("after-full", Protocol.TCP, 9999, Target.parse("10.0.1.99:6379")));
                assertEquals(KernelTable.expectedForwardElements(acknowledged), KernelTable.forwardElements(netns));
                System.out.println("RELIABILITY 2 (full disk): a 64 KiB tmpfs filled after " + added
                        + " acknowledged forwards (" + FORWARDS_BEFORE_FULL
                        + " before it was filled); the next add exited 1 (" + firstLine(refused.err())
                        + "), its kernel change rolled back, state loads at revision " + added
                        + " with no torn record; accepted again once space was freed");
                agent.terminate();
            }
        }
        try (Stream<Path> visible = Files.list(mount)) {
            assertTrue(visible.findAny().isEmpty(), "the tmpfs must not be visible outside the agent's namespace");
        }
    }

    /** Writes to {@code file} until the file system is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 1024; i++) {
                out.write(block);
                out.flush();
            }
            fail("64 KiB tmpfs took 1 MiB");
        } catch (IOException full) {
            assertTrue(full.getMessage().contains("No space left on device"), full.toString());
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String file : List.of(StateStore.SNAPSHOT, StateStore.PREVIOUS, StateStore.JOURNAL)) {
            if (Files.exists(from.resolve(file))) {
                Files.copy(from.resolve(file), to.resolve(file));
            }
        }
        return to;
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }
}
