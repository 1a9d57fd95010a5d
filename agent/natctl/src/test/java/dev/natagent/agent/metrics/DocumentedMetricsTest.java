package dev.natagent.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.HaPair;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.ProjectTree;
import dev.natagent.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics table of docs/admin-api.md against what natctl metrics prints from a real daemon in a
 * namespace of its own, in both formats, after a real drift correction: every documented metric
 * exists with its labels, nothing undocumented is exposed, and the drift counter counts the repair.
 */
@Tag("kernel")
class DocumentedMetricsTest {
    private static final Path DOC = ProjectTree.path("docs/admin-api.md");
    private static final String FLOATING = "203.0.113.10";
    private static final Pattern ROW =
            Pattern.compile("^\\| `(nat_agent_\\w+)` \\| (\\w+)[^|]*\\| (`(\\w+)`|–) \\| `(\\w+)`: `([^`]+)` \\|$");

    /** One row of the documented table. */
    record Documented(String name, String type, String label, String jsonGroup, String jsonName) {}

    @TempDir
    Path dir;

    @Test
    void everyDocumentedMetricIsPrintedInBothFormatsAndDriftCorrectionsCount() throws Exception {
        KernelTests.requireKernel();
        List<Documented> documented = documented();
        assertEquals(19, documented.size(), "rows parsed from " + DOC + ": " + documented);
        try (AgentDaemon agent = AgentDaemon.startInOwnNamespace(dir)) {
            // A node of a pair, so that the pair's metrics are there too.
            CliResult.natctlOk(
                    agent,
                    "apply",
                    Files.writeString(
                                    dir.resolve("pair.json"),
                                    "{\"settings\":{\"ha\":{\"floating_addresses\":[\"" + FLOATING + "\"]}}}")
                            .toString());
            CliResult.natctlOk(agent, "forward", "add", "redis", "--listen", "6379", "--to", "10.0.1.230:6379");
            // A cluster, so that the per-cluster metrics are there too (its polls fail: nothing answers).
            CliResult.natctlOk(
                    agent,
                    "cluster",
                    "add",
                    "orders",
                    "--engine",
                    "redis",
                    "--endpoint",
                    "10.0.1.10:6379",
                    "--listen",
                    "7000-7009");
            long before =
                    agent.call("status", "{}").at("/result/drift_corrections").asLong();
            agent.netns().execOk("nft", "delete table ip nat_agent");
            long after = awaitCorrection(agent, before);

            String text = CliResult.natctlOk(agent, "metrics", "--format", "prometheus");
            JsonNode json = TestJson.mapper().readTree(CliResult.natctlOk(agent, "metrics", "--format", "json"));

            for (Documented metric : documented) {
                String label = metric.label() == null ? "" : metric.label() + "=\"" + labelValue(metric) + "\"";
                String plain = label.isEmpty() ? " " : "{" + label + "} ";
                List<String> starts = metric.type().equals("summary")
                        ? List.of(
                                metric.name() + "{" + (label.isEmpty() ? "" : label + ",") + "quantile=",
                                metric.name() + "_sum" + plain,
                                metric.name() + "_count" + plain)
                        : List.of(metric.name() + plain);
                for (String start : starts) {
                    assertTrue(text.lines().anyMatch(l -> l.startsWith(start)), "no sample " + start + " in\n" + text);
                }
                assertTrue(text.contains("# TYPE " + metric.name() + " " + metric.type() + "\n"), metric + "\n" + text);
                String jsonName = metric.jsonName()
                        .replace("OP", "forward.add")
                        .replace("FORWARD", "redis")
                        .replace("CLUSTER", "orders")
                        .replace("ADDRESS", FLOATING)
                        .replace("SOCKET", HaPair.DEFAULT_CONNTRACKD_SOCKET);
                assertTrue(
                        json.path(metric.jsonGroup()).has(jsonName),
                        metric.jsonGroup() + " " + jsonName + " missing in " + json);
            }
            Set<String> exposed = new TreeSet<>();
            Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(text);
            while (type.find()) {
                exposed.add(type.group(1));
            }
            assertEquals(
                    new TreeSet<>(documented.stream().map(Documented::name).toList()),
                    exposed,
                    "families exposed vs documented");

            assertTrue(after > before, "status counted no correction");
            assertTrue(text.contains("nat_agent_drift_corrections_total " + after + "\n"), text);
            assertEquals(
                    after,
                    json.path("counters")
                            .path("dev.natagent.agent.metrics.AgentMetrics.drift-corrections")
                            .asLong());
            assertFalse(text.contains("dev_natagent"), "a metric without a documented family:\n" + text);
            agent.terminate();
        }
    }

    private static String labelValue(Documented metric) {
        return switch (metric.label()) {
            case "op" -> "forward.add";
            case "address" -> FLOATING;
            case "socket" -> HaPair.DEFAULT_CONNTRACKD_SOCKET;
            case "cluster" -> "orders";
            default -> "redis";
        };
    }

    private static long awaitCorrection(AgentDaemon agent, long before) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            long now =
                    agent.call("status", "{}").at("/result/drift_corrections").asLong();
            if (now > before) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no drift correction within 20 s:\n" + agent.log());
    }

    static List<Documented> documented() throws Exception {
        List<Documented> rows = new ArrayList<>();
        boolean inMetrics = false;
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("## ")) {
                inMetrics = line.equals("## Metrics");
            }
            Matcher row = ROW.matcher(line);
            if (inMetrics && row.matches()) {
                rows.add(new Documented(row.group(1), row.group(2), row.group(4), row.group(5), row.group(6)));
            }
        }
        return rows;
    }
}
