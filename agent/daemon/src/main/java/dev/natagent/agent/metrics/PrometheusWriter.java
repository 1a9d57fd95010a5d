package dev.natagent.agent.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Metered;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Sampling;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import dev.natagent.agent.metrics.MetricFamily.Type;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Writes a registry in the Prometheus text exposition format (version 0.0.4): HELP and TYPE once per
 * family, counters with {@code _total}, timers as summaries in seconds with quantiles, a sum (of
 * {@link SummingTimer}s) and a count.
 * Metrics without a {@link MetricFamily} are still written, under a sanitised name.
 */
public final class PrometheusWriter {
    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.99, 0.999};
    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final List<MetricFamily> families;

    public PrometheusWriter(List<MetricFamily> families) {
        this.families = families;
    }

    /** The registry's metrics and the {@code live} families, each under its {@link MetricFamily}. */
    public void write(MetricRegistry registry, List<? extends LabelledGauges<?>> live, Writer out) throws IOException {
        SortedMap<String, Metric> metrics = new TreeMap<>(registry.getMetrics());
        for (MetricFamily family : families) {
            Map<String, Metric> members = new LinkedHashMap<>();
            for (var it = metrics.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                String labelValue = family.labelValueOf(entry.getKey());
                if (labelValue != null) {
                    members.put(labelValue, entry.getValue());
                    it.remove();
                }
            }
            Family writer = new Family(out, family);
            for (var member : members.entrySet()) {
                writer.metric(member.getKey(), member.getValue());
            }
            for (LabelledGauges<?> gauges : live) {
                if (gauges.registryName().equals(family.registryName())) {
                    writer.gauges(gauges);
                }
            }
        }
        for (var entry : metrics.entrySet()) {
            MetricFamily fallback = new MetricFamily(
                    entry.getKey(),
                    sanitise(entry.getKey()),
                    "Metric " + entry.getKey() + ".",
                    typeOf(entry.getValue()),
                    null);
            new Family(out, fallback).metric("", entry.getValue());
        }
    }

    private static Type typeOf(Metric metric) {
        if (metric instanceof Sampling) {
            return Type.SUMMARY;
        }
        return metric instanceof Counter || metric instanceof Metered ? Type.COUNTER : Type.GAUGE;
    }

    /**
     * Writes one family's samples straight into the output (50,000 forwards make 150,000 samples);
     * HELP and TYPE go before the first sample, so a family without samples writes nothing.
     */
    private static final class Family {
        private final Writer out;
        private final MetricFamily family;
        private final String name;
        private boolean headerWritten;

        Family(Writer out, MetricFamily family) {
            this.out = out;
            this.family = family;
            this.name = family.type() == Type.COUNTER && !family.exposedName().endsWith("_total")
                    ? family.exposedName() + "_total"
                    : family.exposedName();
        }

        void metric(String labelValue, Metric metric) throws IOException {
            String labels = labels(labelValue);
            if (family.type() == Type.SUMMARY && metric instanceof Sampling sampling) {
                Snapshot snapshot = sampling.getSnapshot();
                double scale = metric instanceof Timer ? NANOS_PER_SECOND : 1.0;
                for (double quantile : QUANTILES) {
                    String quantileLabel = "quantile=\"" + quantile + "\"";
                    sample(
                            name,
                            labels.isEmpty() ? quantileLabel : labels + "," + quantileLabel,
                            snapshot.getValue(quantile) / scale);
                }
                if (metric instanceof SummingTimer summing) {
                    sample(name + "_sum", labels, summing.sumNanos() / scale);
                }
                sample(name + "_count", labels, ((com.codahale.metrics.Counting) metric).getCount());
                return;
            }
            Double value = scalar(metric);
            if (value != null) {
                sample(name, labels, value);
            }
        }

        <T> void gauges(LabelledGauges<T> gauges) throws IOException {
            for (var row : gauges.rows().entrySet()) {
                sample(name, labels(row.getKey()), gauges.value().applyAsDouble(row.getKey(), row.getValue()));
            }
        }

        private String labels(String labelValue) {
            return family.label() == null ? "" : family.label() + "=\"" + escape(labelValue) + "\"";
        }

        private void sample(String sampleName, String labels, double value) throws IOException {
            if (!headerWritten) {
                headerWritten = true;
                out.append("# HELP ")
                        .append(name)
                        .append(' ')
                        .append(escapeHelp(family.help()))
                        .append('\n');
                out.append("# TYPE ")
                        .append(name)
                        .append(' ')
                        .append(family.type().exposition())
                        .append('\n');
            }
            out.append(sampleName);
            if (!labels.isEmpty()) {
                out.append('{').append(labels).append('}');
            }
            out.append(' ').append(format(value)).append('\n');
        }
    }

    /** The single value of a counter-like or gauge metric, or null if it has none we can write. */
    private static Double scalar(Metric metric) {
        if (metric instanceof Counter counter) {
            return (double) counter.getCount();
        }
        if (metric instanceof Metered metered) {
            return (double) metered.getCount();
        }
        if (metric instanceof Histogram histogram) {
            return (double) histogram.getCount();
        }
        if (metric instanceof Gauge<?> gauge) {
            Object value = gauge.getValue();
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            if (value instanceof Boolean bool) {
                return bool ? 1.0 : 0.0;
            }
        }
        return null;
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** A valid Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]*; other characters become underscores. */
    static String sanitise(String name) {
        StringBuilder out = new StringBuilder(name.length() + 1);
        if (name.isEmpty() || (name.charAt(0) >= '0' && name.charAt(0) <= '9')) {
            out.append('_');
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean valid =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
            out.append(valid ? c : '_');
        }
        return out.toString();
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
