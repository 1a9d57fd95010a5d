package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.FakeOperations;
import dev.natagent.agent.api.TestSockets;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Health;
import dev.natagent.agent.protocol.TargetView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * natctl lists 50,000 forwards, as a table and as JSON, in a heap several times smaller than the
 * listing would take as one tree: it reads the reply one forward at a time as it arrives.
 */
class ForwardListHeapTest {
    private static final int FORWARDS = 50_000;
    /** Room for the table's rows and the JVM's own; the listing as a tree does not fit. */
    private static final String HEAP = "-Xmx48m";

    @TempDir
    Path dir;

    /** A fake agent with 50,000 forwards, each made when the listing is written. */
    private static final class Many extends FakeOperations {
        @Override
        public List<ForwardView> listForwards() {
            return new AbstractList<>() {
                @Override
                public ForwardView get(int i) {
                    String address = "10.0." + (i / 250) + "." + (i % 250 + 1);
                    return new ForwardView(
                            "forward-" + i,
                            "tcp",
                            Integer.toString(10_000 + i),
                            List.of(new TargetView(address + ":6379", address, Health.UP)),
                            List.of("198.51.100.0/24", "203.0.113.7/32"),
                            "masquerade",
                            i * 7L,
                            i * 1_000L,
                            Health.UP);
                }

                @Override
                public int size() {
                    return FORWARDS;
                }
            };
        }
    }

    @Test
    void fiftyThousandForwardsListInASmallHeap() throws Exception {
        try (AdminServer server = TestSockets.start(dir, new Many())) {
            List<String> table = Files.readAllLines(natctl(server, "forward", "list"));
            assertEquals(
                    FORWARDS,
                    table.stream().filter(line -> line.startsWith("forward-")).count(),
                    "a row per forward");
            assertTrue(table.contains("  59999 -> 10.0.199.250:6379 [up]"), "the last forward's target");

            JsonNode json = TestJson.mapper()
                    .readTree(natctl(server, "--json", "forward", "list").toFile());
            assertEquals(FORWARDS, json.get("forwards").size());
            assertEquals(
                    "forward-49999",
                    json.get("forwards").get(FORWARDS - 1).get("name").textValue());
        }
    }

    /** natctl in a JVM of its own with a small heap; its stdout, once it exited 0. */
    private Path natctl(AdminServer server, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP,
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Natctl.class.getName(),
                "--socket",
                server.socketPath().toString(),
                "--timeout",
                "60"));
        command.addAll(List.of(args));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "natctl finished");
        } finally {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), String.join(" ", args) + ": " + Files.readString(err));
        return out;
    }
}
