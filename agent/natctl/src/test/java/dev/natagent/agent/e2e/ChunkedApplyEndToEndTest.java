package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.KernelTable;
import dev.natagent.agent.testing.StateDocuments;
import dev.natagent.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50,000-forward document (over the admin socket's 1 MiB line limit) through {@code natctl apply}
 * against the real daemon (the launcher's JVM flags, 128 MiB heap) in a namespace of its own: a
 * dry run changes nothing, the apply puts every forward into the kernel's map in one revision.
 */
@Tag(KernelTests.TAG)
class ChunkedApplyEndToEndTest {
    private static final int FORWARDS = 50_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void natctlAppliesFiftyThousandForwardsThroughTheSocket() throws Exception {
        KernelTests.requireKernel();
        String document = StateDocuments.forwards(FORWARDS);
        assertTrue(document.length() > 2 * AdminProtocol.MAX_REQUEST_BYTES, "far over one request line");
        Path file = dir.resolve("state-50k.json");
        Files.writeString(file, document);
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            long before = AdminClient.status(agent.socket()).get("revision").longValue();

            JsonNode dryRun = apply(agent, "--dry-run", file.toString());
            assertFalse(dryRun.get("applied").booleanValue());
            assertEquals(FORWARDS, dryRun.at("/diff/forwards/added").size());
            assertEquals(
                    before, AdminClient.status(agent.socket()).get("revision").longValue());
            assertEquals(Set.of(), KernelTable.forwardElements(agent.netns()), "a dry run programs nothing");

            long started = System.nanoTime();
            JsonNode applied = apply(agent, file.toString());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(applied.get("applied").booleanValue());
            assertEquals(before + 1, applied.get("revision").longValue(), "one change, one revision");

            JsonNode status = AdminClient.status(agent.socket());
            assertEquals(before + 1, status.get("revision").longValue());
            assertEquals(FORWARDS, status.get("forwards").intValue());
            Set<String> kernel = KernelTable.forwardElements(agent.netns());
            assertEquals(FORWARDS, kernel.size());
            assertEquals(KernelTable.expectedForwardElements(ModelJson.read(document, NatState.class)), kernel);
            System.out.printf(
                    "natctl apply of %d forwards (%d characters) in chunks: %d ms in this JVM; agent peak RSS %d MiB%n",
                    FORWARDS, document.length(), millis, agent.peakRssKib() / 1024);
        }
    }

    /** natctl apply --json through its real parser; the agent's apply result. */
    private static JsonNode apply(AgentDaemon agent, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "--timeout";
        all[1] = "120";
        all[2] = "--json";
        all[3] = "apply";
        System.arraycopy(args, 0, all, 4, args.length);
        CliResult result = CliResult.natctl(agent.socket(), all);
        assertEquals(0, result.exitCode(), () -> result.err() + "\n" + agent.log());
        return TestJson.mapper().readTree(result.out());
    }
}
