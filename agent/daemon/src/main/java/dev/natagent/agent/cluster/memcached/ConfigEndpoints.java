package dev.natagent.agent.cluster.memcached;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One {@link ConfigEndpointServer} for each Memcached cluster that names a {@code config_port},
 * kept in step with the state by {@link #sync}: started for a new cluster, restarted when its spec
 * changes (port, allow-list), told the cluster's current nodes, closed when the cluster goes. Until
 * a cluster has nodes and a public address, its endpoint answers that it has no configuration yet.
 */
public final class ConfigEndpoints implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConfigEndpoints.class.getName());

    private final String bindAddress;
    private final ConfigEndpointServer.Limits limits;
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, String> failures = new HashMap<>();

    /** @param bindAddress where the servers listen: the wildcard address in production */
    public ConfigEndpoints(String bindAddress, ConfigEndpointServer.Limits limits) {
        this.bindAddress = bindAddress;
        this.limits = limits;
    }

    /** Brings the servers in line with {@code state}; a port that cannot be bound is logged and retried. */
    public synchronized void sync(NatState state) {
        Map<String, Cluster> wanted = new HashMap<>();
        for (Cluster cluster : state.clusters().values()) {
            if (cluster.spec().engine() == ClusterEngine.MEMCACHED
                    && cluster.spec().configPort() != null) {
                wanted.put(cluster.name(), cluster);
            }
        }
        for (Iterator<Map.Entry<String, Running>> it = running.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Running> entry = it.next();
            Cluster cluster = wanted.get(entry.getKey());
            if (cluster == null
                    || !listensAlike(cluster.spec(), entry.getValue().spec())) {
                entry.getValue().server().close();
                it.remove();
            }
        }
        failures.keySet().retainAll(wanted.keySet());
        for (Cluster cluster : wanted.values()) {
            Running server = running.get(cluster.name());
            if (server == null) {
                server = start(cluster.spec());
                if (server == null) {
                    continue;
                }
                running.put(cluster.name(), server);
            }
            Optional<Ipv4> publicAddress = cluster.spec().publicAddress(state.settings());
            server.server()
                    .publish(
                            publicAddress.isEmpty() || cluster.nodes().isEmpty()
                                    ? null
                                    : PublicConfig.of(cluster, publicAddress.get()));
        }
    }

    private Running start(ClusterSpec spec) {
        try {
            ConfigEndpointServer server = ConfigEndpointServer.start(
                    spec.name(), new InetSocketAddress(bindAddress, spec.configPort()), spec.allow(), limits);
            if (failures.remove(spec.name()) != null) {
                LOG.info("configuration endpoint of cluster " + spec.name() + " listening on port " + spec.configPort()
                        + " after all");
            }
            return new Running(spec, server);
        } catch (IOException e) {
            String message = "configuration endpoint of cluster " + spec.name() + " cannot listen on port "
                    + spec.configPort() + ": " + e.getMessage() + "; retrying";
            if (!message.equals(failures.put(spec.name(), message))) {
                LOG.warning(message);
            }
            return null;
        }
    }

    private static boolean listensAlike(ClusterSpec a, ClusterSpec b) {
        return a.configPort().equals(b.configPort()) && a.allow().equals(b.allow());
    }

    @Override
    public synchronized void close() {
        for (Running server : running.values()) {
            server.server().close();
        }
        running.clear();
    }

    private record Running(ClusterSpec spec, ConfigEndpointServer server) {}
}
