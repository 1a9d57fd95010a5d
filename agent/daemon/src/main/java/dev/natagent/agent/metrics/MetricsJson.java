package dev.natagent.agent.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    public static void write(AgentMetrics metrics, JsonGenerator json) throws IOException {
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
        writeGroup(json, "meters", registry.getMeters(), MetricsJson::meter);
        writeGroup(json, "histograms", registry.getHistograms(), MetricsJson::histogram);
        writeGroup(json, "timers", registry.getTimers(), MetricsJson::timer);
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

    /** Writes the members of one metric's object. */
    @FunctionalInterface
    private interface Members<M> {
        void write(JsonGenerator json, M metric) throws IOException;
    }

    private static <M> void writeGroup(JsonGenerator json, String group, Map<String, M> metrics, Members<M> members)
            throws IOException {
        json.writeObjectFieldStart(group);
        for (var metric : metrics.entrySet()) {
            json.writeObjectFieldStart(metric.getKey());
            members.write(json, metric.getValue());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void meter(JsonGenerator json, Meter meter) throws IOException {
        json.writeNumberField("count", meter.getCount());
        json.writeNumberField("m1_rate", meter.getOneMinuteRate());
    }

    private static void histogram(JsonGenerator json, Histogram histogram) throws IOException {
        json.writeNumberField("count", histogram.getCount());
        Snapshot snapshot = histogram.getSnapshot();
        json.writeNumberField("p50", snapshot.getMedian());
        json.writeNumberField("p99", snapshot.get99thPercentile());
        json.writeNumberField("max", snapshot.getMax());
    }

    private static void timer(JsonGenerator json, Timer timer) throws IOException {
        json.writeNumberField("count", timer.getCount());
        Snapshot snapshot = timer.getSnapshot();
        json.writeNumberField("mean_ms", snapshot.getMean() / NANOS_PER_MILLI);
        json.writeNumberField("p50_ms", snapshot.getMedian() / NANOS_PER_MILLI);
        json.writeNumberField("p95_ms", snapshot.get95thPercentile() / NANOS_PER_MILLI);
        json.writeNumberField("p99_ms", snapshot.get99thPercentile() / NANOS_PER_MILLI);
        json.writeNumberField("max_ms", snapshot.getMax() / NANOS_PER_MILLI);
        if (timer instanceof SummingTimer summing) {
            json.writeNumberField("sum_ms", summing.sumNanos() / NANOS_PER_MILLI);
        }
        json.writeNumberField("m1_rate", timer.getOneMinuteRate());
    }
}
