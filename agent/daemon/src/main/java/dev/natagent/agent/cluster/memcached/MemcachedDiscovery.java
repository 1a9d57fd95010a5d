package dev.natagent.agent.cluster.memcached;

import dev.natagent.agent.cluster.Discovery;
import dev.natagent.agent.cluster.DiscoveryException;
import dev.natagent.agent.cluster.EndpointConnection;
import dev.natagent.agent.cluster.Topology;
import dev.natagent.agent.cluster.TopologyNode;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.model.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Memcached auto-discovery as the ElastiCache cluster clients do it: {@code config get cluster} on
 * the configuration endpoint, and {@code get AmazonElastiCache:cluster} on the same connection when
 * the engine does not know the command. Whether a topology is newer than the one the cluster has
 * (a higher version) is the cluster service's to decide: it keeps the version with the cluster.
 */
public final class MemcachedDiscovery implements Discovery {
    /** One poll's whole exchange (resolve, connect, TLS, both commands) ends within this time. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Duration timeout;

    public MemcachedDiscovery(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Topology discover(ClusterSpec spec) throws DiscoveryException {
        return topology(fetch(spec));
    }

    private ClusterConfig fetch(ClusterSpec spec) throws DiscoveryException {
        try (EndpointConnection connection =
                EndpointConnection.open(spec.endpoint(), spec.tls(), spec.caFile(), timeout)) {
            Optional<ClusterConfig> config = ask(connection, ConfigCommand.CONFIG);
            return config.isPresent()
                    ? config.get()
                    : ask(connection, ConfigCommand.GET_KEY).orElseThrow();
        } catch (IOException e) {
            throw EndpointConnection.classify(spec.endpoint(), e);
        }
    }

    private static Optional<ClusterConfig> ask(EndpointConnection connection, ConfigCommand command)
            throws IOException, DiscoveryException {
        OutputStream out = connection.out();
        out.write((command.request() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = connection.in();
        return ConfigReplyReader.read(in, command);
    }

    /** Every node as a primary, identified by its host name (kept across replacements) or address. */
    static Topology topology(ClusterConfig config) {
        return new Topology(
                config.version(),
                config.nodes().stream()
                        .map(node -> new TopologyNode(
                                node.host().isEmpty()
                                        ? Target.of(node.address(), node.port()).toString()
                                        : node.host(),
                                node.host().isEmpty() ? null : node.host(),
                                node.address(),
                                node.port(),
                                Role.PRIMARY))
                        .toList());
    }
}
