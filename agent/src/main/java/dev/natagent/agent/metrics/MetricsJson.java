package dev.natagent.agent.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The registry as a JSON object grouped by kind, with timers in milliseconds:
 * {@code {"gauges":{name:value}, "counters":{name:count}, "timers":{name:{count,p50_ms,...}}, ...}}.
 */
public final class MetricsJson {
    private static final double NANOS_PER_MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private MetricsJson() {}

    public static ObjectNode of(AgentMetrics metrics, ObjectMapper mapper) {
        List<LabelledGauges<ForwardStats>> live = metrics.forwardGauges();
        MetricRegistry registry = metrics.registry();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode gauges = root.putObject("gauges");
        registry.getGauges().forEach((name, gauge) -> putGauge(gauges, name, gauge.getValue()));
        live.forEach(family -> family.rows()
                .forEach((label, row) -> putGauge(
                        gauges,
                        family.registryName() + "." + label,
                        family.value().applyAsDouble(row))));
        ObjectNode counters = root.putObject("counters");
        registry.getCounters().forEach((name, counter) -> counters.put(name, counter.getCount()));
        ObjectNode meters = root.putObject("meters");
        registry.getMeters().forEach((name, meter) -> meters.set(name, meter(mapper, meter)));
        ObjectNode histograms = root.putObject("histograms");
        registry.getHistograms().forEach((name, histogram) -> histograms.set(name, histogram(mapper, histogram)));
        ObjectNode timers = root.putObject("timers");
        registry.getTimers().forEach((name, timer) -> timers.set(name, timer(mapper, timer)));
        return root;
    }

    private static void putGauge(ObjectNode gauges, String name, Object value) {
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            gauges.putNull(name); // JSON has no NaN; null means "unknown"
        } else if (value instanceof Number number) {
            gauges.put(name, number.doubleValue());
        } else if (value instanceof Boolean bool) {
            gauges.put(name, bool);
        } else {
            gauges.put(name, value == null ? null : value.toString());
        }
    }

    private static ObjectNode meter(ObjectMapper mapper, Meter meter) {
        ObjectNode node = mapper.createObjectNode();
        node.put("count", meter.getCount());
        node.put("m1_rate", meter.getOneMinuteRate());
        return node;
    }

    private static ObjectNode histogram(ObjectMapper mapper, Histogram histogram) {
        ObjectNode node = mapper.createObjectNode();
        node.put("count", histogram.getCount());
        Snapshot snapshot = histogram.getSnapshot();
        node.put("p50", snapshot.getMedian());
        node.put("p99", snapshot.get99thPercentile());
        node.put("max", snapshot.getMax());
        return node;
    }

    private static ObjectNode timer(ObjectMapper mapper, Timer timer) {
        ObjectNode node = mapper.createObjectNode();
        node.put("count", timer.getCount());
        Snapshot snapshot = timer.getSnapshot();
        node.put("mean_ms", snapshot.getMean() / NANOS_PER_MILLI);
        node.put("p50_ms", snapshot.getMedian() / NANOS_PER_MILLI);
        node.put("p95_ms", snapshot.get95thPercentile() / NANOS_PER_MILLI);
        node.put("p99_ms", snapshot.get99thPercentile() / NANOS_PER_MILLI);
        node.put("max_ms", snapshot.getMax() / NANOS_PER_MILLI);
        node.put("m1_rate", timer.getOneMinuteRate());
        return node;
    }
}
