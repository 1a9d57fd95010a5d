package dev.natagent.agent.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The registry as a JSON object grouped by kind, with timers in milliseconds:
 * {@code {"gauges":{name:value}, "counters":{name:count}, "timers":{name:{count,p50_ms,...}}, ...}}.
 */
public final class MetricsJson {
    private static final double NANOS_PER_MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    private MetricsJson() {}

    /**
     * Writes the registry as one JSON value into {@code json}, as it is produced: at 50,000
     * forwards the gauges alone are 150,000 members, which as a tree (or text) would take tens of
     * megabytes of heap at once.
     */
    public static void write(AgentMetrics metrics, ObjectMapper mapper, JsonGenerator json) throws IOException {
        List<LabelledGauges<?>> live = metrics.labelledGauges();
        MetricRegistry registry = metrics.registry();
        json.writeStartObject();
        json.writeObjectFieldStart("gauges");
        Map<String, Object> registered = new LinkedHashMap<>();
        registry.getGauges().forEach((name, gauge) -> registered.put(name, gauge.getValue()));
        for (var gauge : registered.entrySet()) {
            writeGauge(json, gauge.getKey(), gauge.getValue());
        }
        for (LabelledGauges<?> family : live) {
            writeRows(json, family);
        }
        json.writeEndObject();
        json.writeObjectFieldStart("counters");
        for (var counter : registry.getCounters().entrySet()) {
            json.writeNumberField(counter.getKey(), counter.getValue().getCount());
        }
        json.writeEndObject();
        // Few of these (one timer per API op): small trees are simplest.
        writeGroup(json, "meters", registry.getMeters(), meter -> meter(mapper, meter));
        writeGroup(json, "histograms", registry.getHistograms(), histogram -> histogram(mapper, histogram));
        writeGroup(json, "timers", registry.getTimers(), timer -> timer(mapper, timer));
        json.writeEndObject();
    }

    private static <T> void writeRows(JsonGenerator json, LabelledGauges<T> family) throws IOException {
        for (var row : family.rows().entrySet()) {
            writeGauge(
                    json,
                    family.registryName() + "." + row.getKey(),
                    family.value().applyAsDouble(row.getKey(), row.getValue()));
        }
    }

    private static void writeGauge(JsonGenerator json, String name, Object value) throws IOException {
        json.writeFieldName(name);
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            json.writeNull(); // JSON has no NaN; null means "unknown"
        } else if (value instanceof Number number) {
            json.writeNumber(number.doubleValue());
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value == null) {
            json.writeNull();
        } else {
            json.writeString(value.toString());
        }
    }

    private static <M> void writeGroup(
            JsonGenerator json, String group, Map<String, M> metrics, Function<M, ObjectNode> node) throws IOException {
        json.writeObjectFieldStart(group);
        for (var metric : metrics.entrySet()) {
            json.writeFieldName(metric.getKey());
            json.writeTree(node.apply(metric.getValue()));
        }
        json.writeEndObject();
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
        if (timer instanceof SummingTimer summing) {
            node.put("sum_ms", summing.sumNanos() / NANOS_PER_MILLI);
        }
        node.put("m1_rate", timer.getOneMinuteRate());
        return node;
    }
}
