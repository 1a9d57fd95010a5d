package dev.natagent.agent.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Formats of the metrics op. */
public enum MetricsFormat {
    JSON,
    /** Prometheus text exposition format 0.0.4. */
    PROMETHEUS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MetricsFormat> fromWireName(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName().equals(name)).findFirst();
    }
}
