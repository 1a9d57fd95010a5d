package dev.natagent.agent.metrics;

/**
 * How a Dropwizard metric (or a group of them) appears in Prometheus exposition.
 *
 * @param registryName the Dropwizard name, or for a labelled family the prefix that the label
 *     value follows after a dot
 * @param exposedName the Prometheus metric family name
 * @param help the HELP text
 * @param type how samples are written
 * @param label label name for labelled families, or null
 */
public record MetricFamily(String registryName, String exposedName, String help, Type type, String label) {

    /** Prometheus types we write; timers and histograms become summaries. */
    public enum Type {
        COUNTER,
        GAUGE,
        SUMMARY;

        String exposition() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The label value if registryName owns metricName, else null ("" for an unlabelled match). */
    String labelValueOf(String metricName) {
        if (label == null) {
            return metricName.equals(registryName) ? "" : null;
        }
        String prefix = registryName + ".";
        return metricName.startsWith(prefix) && metricName.length() > prefix.length()
                ? metricName.substring(prefix.length())
                : null;
    }
}
