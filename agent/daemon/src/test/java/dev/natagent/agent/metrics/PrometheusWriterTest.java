package dev.natagent.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.model.TestJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusWriterTest {
    @TempDir
    Path dir;

    /** Sources whose forwards the test changes between renders. */
    static final class Sources implements MetricSources {
        final Map<String, ForwardStats> forwards = new HashMap<>();
        long driftCorrections;

        @Override
        public Optional<Boolean> ipForward() {
            return Optional.of(true);
        }

        @Override
        public long driftCorrections() {
            return driftCorrections;
        }

        @Override
        public int forwardCount() {
            return forwards.size();
        }

        @Override
        public int outboundCount() {
            return 1;
        }

        @Override
        public Map<String, ForwardStats> forwardStats() {
            return Map.copyOf(forwards);
        }
    }

    private final Sources sources = new Sources();
    private final AgentMetrics metrics = new AgentMetrics(new MetricRegistry(), sources);

    private void populate() {
        sources.forwards.put("redis", new ForwardStats(1234, 567_890, 1.0));
        sources.forwards.put("memcached.v2", new ForwardStats(0, 0, Double.NaN));
        metrics.apiRequest("forward.add").update(3, TimeUnit.MILLISECONDS);
        metrics.apiRequest("status").update(200, TimeUnit.MICROSECONDS);
        metrics.reconcile().update(12, TimeUnit.MILLISECONDS);
        sources.driftCorrections = 2;
        metrics.addressChanged("redis");
        metrics.registry().counter("some.other-component.events").inc(5);
    }

    @Test
    void writesFamiliesWithHelpTypeLabelsAndUnits() {
        populate();
        String text = metrics.prometheusText();
        assertTrue(
                text.contains("# HELP nat_agent_api_request_duration_seconds Admin API request latency by operation.\n"
                        + "# TYPE nat_agent_api_request_duration_seconds summary\n"),
                text);
        assertTrue(
                text.contains("nat_agent_api_request_duration_seconds{op=\"forward.add\",quantile=\"0.5\"} 0.003\n"),
                text);
        assertTrue(text.contains("nat_agent_api_request_duration_seconds_count{op=\"status\"} 1\n"), text);
        assertTrue(text.contains("# TYPE nat_agent_forward_packets_total counter\n"), text);
        assertTrue(text.contains("nat_agent_forward_packets_total{forward=\"redis\"} 1234\n"), text);
        assertTrue(text.contains("nat_agent_forward_bytes_total{forward=\"redis\"} 567890\n"), text);
        assertTrue(text.contains("nat_agent_forward_healthy_ratio{forward=\"memcached.v2\"} NaN\n"), text);
        assertTrue(text.contains("nat_agent_forward_address_changes_total{forward=\"redis\"} 1\n"), text);
        assertTrue(text.contains("nat_agent_drift_corrections_total 2\n"), text);
        assertTrue(text.contains("nat_agent_ip_forward 1\n"), text);
        assertTrue(text.contains("nat_agent_forwards 2\n"), text);
        assertTrue(
                text.contains(
                        "# TYPE some_other_component_events_total counter\nsome_other_component_events_total 5\n"),
                "unknown metrics still exported, sanitised: " + text);
        assertEquals(1, text.split("# TYPE nat_agent_forward_packets_total", -1).length - 1, "one TYPE per family");
    }

    @Test
    void removedForwardsDisappear() {
        populate();
        assertTrue(metrics.prometheusText().contains("forward=\"memcached.v2\""));
        sources.forwards.remove("memcached.v2");
        String text = metrics.prometheusText();
        assertFalse(text.contains("memcached.v2"), text);
        assertTrue(text.contains("forward=\"redis\""));
    }

    @Test
    void perForwardFiguresAreReadAtRenderTimeNotKeptInTheRegistry() throws Exception {
        populate();
        for (int i = 0; i < 1000; i++) {
            sources.forwards.put("f" + i, new ForwardStats(i, 10L * i, 1.0));
        }
        int registered = metrics.registry().getMetrics().size();
        String text = metrics.prometheusText();
        JsonNode json = metricsJson(metrics);

        assertTrue(text.contains("nat_agent_forward_bytes_total{forward=\"f999\"} 9990\n"), text);
        assertEquals(
                999.0,
                json.at("/gauges/" + AgentMetrics.FORWARD_PACKETS + ".f999").doubleValue());
        assertEquals(registered, metrics.registry().getMetrics().size(), "rendering registers nothing per forward");
    }

    @Test
    void addressChangeCountersOfRemovedForwardsAreDropped() {
        populate();
        sources.forwards.remove("redis");
        String text = metrics.prometheusText();
        assertFalse(text.contains("forward=\"redis\""), text);
        sources.forwards.put("redis", new ForwardStats(0, 0, Double.NaN));
        String again = metrics.prometheusText();
        assertTrue(
                again.contains("nat_agent_forward_address_changes_total{forward=\"redis\"} 0\n"),
                "a forward added again starts from 0: " + again);
    }

    @Test
    void everyDocumentedFamilyIsPresentBeforeAnythingHappened() {
        sources.forwards.put("redis", new ForwardStats(0, 0, Double.NaN));
        metrics.apiRequest("status").update(1, TimeUnit.MILLISECONDS);
        metrics.reconcile().update(1, TimeUnit.MILLISECONDS);

        String text = metrics.prometheusText();

        assertTrue(text.contains("nat_agent_drift_corrections_total 0\n"), text);
        assertTrue(text.contains("nat_agent_resolve_failures_total 0\n"), text);
        assertTrue(text.contains("nat_agent_forward_address_changes_total{forward=\"redis\"} 0\n"), text);
    }

    @Test
    void summariesHaveASumOfEveryObservation() throws Exception {
        metrics.apiRequest("status").update(3, TimeUnit.MILLISECONDS);
        metrics.apiRequest("status").update(5, TimeUnit.MILLISECONDS);
        var timing = metrics.reconcile().time();
        Thread.sleep(20);
        timing.stop();

        String text = metrics.prometheusText();
        JsonNode json = metricsJson(metrics);

        assertTrue(text.contains("nat_agent_api_request_duration_seconds_sum{op=\"status\"} 0.008\n"), text);
        assertTrue(text.contains("nat_agent_api_request_duration_seconds_count{op=\"status\"} 2\n"), text);
        double reconcileSum = Double.parseDouble(text.lines()
                .filter(l -> l.startsWith("nat_agent_reconcile_duration_seconds_sum "))
                .findFirst()
                .orElseThrow()
                .split(" ")[1]);
        assertTrue(reconcileSum >= 0.02 && reconcileSum < 5, text);
        assertEquals(
                8.0,
                json.at("/timers/" + AgentMetrics.API_REQUESTS.replace("/", "~1") + ".status/sum_ms")
                        .doubleValue(),
                1e-9);
    }

    @Test
    void labelValuesAndNamesAreEscaped() {
        assertEquals("a\\\"b\\\\c\\nd", PrometheusWriter.escape("a\"b\\c\nd"));
        assertEquals("_9lives_x_y", PrometheusWriter.sanitise("9lives.x-y"));
        assertEquals("+Inf", PrometheusWriter.format(Double.POSITIVE_INFINITY));
        assertEquals("0.25", PrometheusWriter.format(0.25));
        assertEquals("42", PrometheusWriter.format(42.0));
    }

    @Test
    void promtoolAcceptsTheExposition() throws Exception {
        populate();
        Path file = Files.writeString(dir.resolve("metrics.prom"), metrics.prometheusText());
        if (!promtoolAvailable()) {
            assertFalse("true".equals(System.getenv("CI")), "promtool is required when CI=true (package prometheus)");
            assumeTrue(false, "promtool not installed (package prometheus)");
        }
        Process check = new ProcessBuilder("promtool", "check", "metrics")
                .redirectInput(file.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), output);
        assertEquals("", output.trim(), "no lint warnings");
    }

    private static boolean promtoolAvailable() {
        try {
            return new ProcessBuilder("promtool", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void jsonGroupsMetricsByKind() throws Exception {
        populate();
        JsonNode json = metricsJson(metrics);
        assertEquals(
                1234.0,
                json.at("/gauges/" + AgentMetrics.FORWARD_PACKETS.replace("/", "~1") + ".redis")
                        .doubleValue());
        assertTrue(
                json.at("/gauges/" + AgentMetrics.FORWARD_HEALTH + ".memcached.v2")
                        .isNull(),
                "NaN becomes null");
        assertEquals(2, json.at("/counters/" + AgentMetrics.DRIFT_CORRECTIONS).longValue());
        assertEquals(
                12.0, json.at("/timers/" + AgentMetrics.RECONCILE + "/max_ms").doubleValue(), 0.001);
    }

    @Test
    void textfileCollectorReplacesTheFileAtomically() throws Exception {
        populate();
        Path target = dir.resolve("nat_agent.prom");
        try (TextfileCollector collector = new TextfileCollector(target, metrics::writePrometheus)) {
            collector.writeOnce();
            assertEquals(metrics.prometheusText(), Files.readString(target));
            try (var listing = Files.list(dir)) {
                assertEquals(
                        1,
                        listing.filter(p -> p.getFileName().toString().contains("nat_agent"))
                                .count(),
                        "no temp file left next to the target");
            }
        }
    }

    /** The metrics JSON as the socket writes it, read back as a tree. */
    private static JsonNode metricsJson(AgentMetrics metrics) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JsonWriting.generator(text)) {
            MetricsJson.write(metrics, json);
        }
        return TestJson.mapper().readTree(text.toString());
    }
}
