package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.FakeOperations;
import dev.natagent.agent.api.TestSockets;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.StatusView;
import dev.natagent.agent.testing.CliResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** natctl ha-check: its verdict on status answers, and its exit codes against a socket (0/1 only). */
class HaCheckCommandTest {
    @TempDir
    Path dir;

    private static StatusView status(String health, String message, String kernelTable, int unresolved) {
        return new StatusView(
                health, message, "0.1.0", 5, 3, 2, 0, "on", true, kernelTable, 0, 1, unresolved, null, 0, 0);
    }

    @Test
    void aHealthyAgentHasNoProblems() {
        assertEquals(List.of(), HaCheckCommand.problems(status("degraded", "1 stale target", "in_sync", 0)));
    }

    @Test
    void eachReasonIsNamed() {
        assertEquals(
                List.of(
                        "the agent refuses changes: state.json is corrupt",
                        "kernel table drifted",
                        "2 target names have no address"),
                HaCheckCommand.problems(status("failed", "state.json is corrupt", "drifted", 2)));
        assertEquals(
                List.of("kernel table missing", "1 target name has no address"),
                HaCheckCommand.problems(status("degraded", "", "missing", 1)));
    }

    /** A status without a field ha-check needs is not a healthy one: exit 1, saying what is missing. */
    @Test
    void aStatusNatctlCannotReadIsNotReady() throws Exception {
        FakeOperations broken = new FakeOperations() {
            @Override
            public StatusView status() {
                StatusView status = super.status();
                return new StatusView(
                        status.health(),
                        status.message(),
                        status.version(),
                        status.uptimeSeconds(),
                        status.revision(),
                        status.forwards(),
                        status.outbounds(),
                        status.ipForward(),
                        status.ipForwardManaged(),
                        null,
                        status.driftCorrections(),
                        status.staleTargets(),
                        status.unresolvedTargets(),
                        status.ha(),
                        status.clusters(),
                        status.failingClusters());
            }
        };
        try (AdminServer server = TestSockets.start(dir, broken)) {
            CliResult result = CliResult.natctl(server.socketPath(), "ha-check");
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals(
                    "not ready: agent at " + server.socketPath()
                            + " sent a reply natctl cannot read: status reply has no 'kernel_table'\n",
                    result.out());
        }
    }

    @Test
    void exitsZeroWhenReadyAndOneWhenTheAgentCannotBeReached() throws Exception {
        try (AdminServer server = TestSockets.start(dir, new FakeOperations())) {
            CliResult ready = CliResult.natctl(server.socketPath(), "ha-check");
            assertEquals(0, ready.exitCode(), ready.toString());
            assertTrue(ready.out().startsWith("ok: agent up, kernel table in sync"), ready.out());
            JsonNode json = TestJson.mapper()
                    .readTree(CliResult.natctl(server.socketPath(), "--json", "ha-check")
                            .out());
            assertTrue(json.get("ok").booleanValue());
            assertEquals(0, json.get("problems").size());
        }
        CliResult gone = CliResult.natctl(dir.resolve("none.sock"), "ha-check");
        assertEquals(1, gone.exitCode(), "keepalived reads any non-zero code as a failed check: " + gone);
        assertTrue(gone.out().startsWith("not ready: cannot reach nat-agent at "), gone.out());
        CliResult goneJson = CliResult.natctl(dir.resolve("none.sock"), "--json", "ha-check");
        assertEquals(1, goneJson.exitCode());
        JsonNode json = TestJson.mapper().readTree(goneJson.out());
        assertFalse(json.get("ok").booleanValue());
        assertTrue(json.get("problems").get(0).asText().contains("none.sock"), goneJson.out());
    }
}
