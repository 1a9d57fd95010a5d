package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.FakeOperations;
import dev.natagent.agent.api.TestSockets;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.testing.CliResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** natctl ha-check: its verdict on status answers, and its exit codes against a socket (0/1 only). */
class HaCheckCommandTest {
    @TempDir
    Path dir;

    private static JsonNode status(String json) throws Exception {
        return ModelJson.mapper().readTree(json);
    }

    @Test
    void aHealthyAgentHasNoProblems() throws Exception {
        assertEquals(
                List.of(),
                HaCheckCommand.problems(status("{\"health\":\"degraded\",\"kernel_table\":\"in_sync\","
                        + "\"stale_targets\":1,\"unresolved_targets\":0}")));
    }

    @Test
    void eachReasonIsNamed() throws Exception {
        assertEquals(
                List.of(
                        "the agent refuses changes: state.json is corrupt",
                        "kernel table drifted",
                        "2 target names have no address"),
                HaCheckCommand.problems(status("{\"health\":\"failed\",\"message\":\"state.json is corrupt\","
                        + "\"kernel_table\":\"drifted\",\"unresolved_targets\":2}")));
        assertEquals(
                List.of("kernel table missing", "1 target name has no address"),
                HaCheckCommand.problems(status(
                        "{\"health\":\"degraded\",\"kernel_table\":\"missing\"," + "\"unresolved_targets\":1}")));
    }

    @Test
    void exitsZeroWhenReadyAndOneWhenTheAgentCannotBeReached() throws Exception {
        try (AdminServer server = TestSockets.start(dir, new FakeOperations())) {
            CliResult ready = CliResult.natctl(server.socketPath(), "ha-check");
            assertEquals(0, ready.exitCode(), ready.toString());
            assertTrue(ready.out().startsWith("ok: agent up, kernel table in sync"), ready.out());
            JsonNode json = ModelJson.mapper()
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
        JsonNode json = ModelJson.mapper().readTree(goneJson.out());
        assertFalse(json.get("ok").booleanValue());
        assertTrue(json.get("problems").get(0).asText().contains("none.sock"), goneJson.out());
    }
}
