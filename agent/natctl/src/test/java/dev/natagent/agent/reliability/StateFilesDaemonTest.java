package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.EditorSave;
import dev.natagent.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon's state files replaced behind its back while it runs, as an editor saves
 * (write a copy, rename it over the original), then a SIGKILL and a restart: no acknowledged
 * forward is lost from the state or the kernel, nothing unacknowledged is merged in, the foreign
 * file is kept, and doctor says what happened.
 */
@Tag(KernelTests.TAG)
class StateFilesDaemonTest {
    @TempDir
    Path dir;

    @Test
    void aReplacedJournalLosesNoAcknowledgedForward() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            Path journal = agent.stateDir().resolve(StateStore.JOURNAL);
            CliResult.natctlOk(agent, "forward", "add", "a", "--listen", "7001", "--to", "10.0.1.1:6379");
            byte[] copy = Files.readAllBytes(journal);
            CliResult.natctlOk(agent, "forward", "add", "b", "--listen", "7002", "--to", "10.0.1.2:6379");
            EditorSave.replace(journal, copy); // lacks b
            CliResult.natctlOk(agent, "forward", "add", "c", "--listen", "7003", "--to", "10.0.1.3:6379");

            CliResult doctor = CliResult.natctl(agent, "--json", "doctor");
            assertTrue(doctor.out().contains("state_files"), doctor.toString());
            assertTrue(doctor.out().contains("was replaced by another file"), doctor.toString());

            agent.kill();
            agent.start();
            String list = CliResult.natctlOk(agent, "forward", "list");
            for (String name : new String[] {"a", "b", "c"}) {
                assertTrue(list.contains(name + " "), "forward " + name + " after the restart:\n" + list);
            }
            String table = agent.table();
            for (int port : new int[] {7001, 7002, 7003}) {
                assertTrue(table.contains("tcp . " + port), "kernel element of " + port + ":\n" + table);
            }
            try (Stream<Path> files = Files.list(agent.stateDir())) {
                assertEquals(
                        1,
                        files.filter(f -> f.getFileName().toString().startsWith(StateStore.JOURNAL + ".foreign-"))
                                .count(),
                        "the foreign journal is kept");
            }
        }
    }

    @Test
    void aSnapshotSwappedInWhileIdleIsNotMergedAfterACrash() throws Exception {
        KernelTests.requireKernel();
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            Path snapshot = agent.stateDir().resolve(StateStore.SNAPSHOT);
            CliResult.natctlOk(agent, "forward", "add", "a", "--listen", "7001", "--to", "10.0.1.1:6379");
            // The same revision with a forward nobody acknowledged.
            String edited = Files.readString(snapshot)
                    .replace(
                            "\"forwards\":[]",
                            "\"forwards\":[{\"name\":\"x\",\"listen\":\"7009\",\"to\":[\"10.0.1.9:6379\"]}]");
            assertTrue(edited.contains("\"x\""), "the snapshot has the shape this test edits: " + edited);
            EditorSave.replace(snapshot, edited.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Thread.sleep(7_000); // the agent checks its files every 5 s between changes
            agent.kill();
            agent.start();
            String list = CliResult.natctlOk(agent, "forward", "list");
            assertTrue(list.contains("a "), list);
            assertTrue(!list.contains("x "), "the swapped-in forward was not merged:\n" + list);
            assertTrue(!agent.table().contains("tcp . 7009"), agent.table());
        }
    }
}
