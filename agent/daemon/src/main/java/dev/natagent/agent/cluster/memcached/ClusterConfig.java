package dev.natagent.agent.cluster.memcached;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Memcached auto-discovery configuration: the version the cluster gives it (raised on every
 * change of the node list) and its nodes.
 */
public record ClusterConfig(long version, List<ConfigEntry> nodes) {
    /** The key under which engines older than {@code config get cluster} keep the configuration. */
    static final String KEY = "AmazonElastiCache:cluster";

    public ClusterConfig {
        nodes = List.copyOf(nodes);
    }

    /** The data block of a reply: {@code <version>\n<entry> <entry> ...\n}. */
    byte[] body() {
        String entries = nodes.stream().map(ConfigEntry::toString).collect(Collectors.joining(" "));
        return (version + "\n" + entries + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
