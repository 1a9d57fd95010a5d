package dev.natagent.agent.cluster.memcached;

import dev.natagent.agent.cluster.Topology;
import dev.natagent.agent.cluster.TopologyNode;
import dev.natagent.agent.model.Ipv4;
import java.util.Map;

/**
 * The configuration the agent tells clients: every node at the NAT's public address and the listen
 * port its forward has, the node's host name kept.
 *
 * <p>Why the host name stays: an ElastiCache cluster client dials the address of an entry when it
 * has one, and looks the name up only when the address is empty; a client with in-transit encryption
 * verifies the node's certificate against that name.
 *
 * <p>Why the version is raised by {@link #VERSION_OFFSET}: the ElastiCache cluster clients take the
 * configuration from the configuration endpoint only when they start, and afterwards poll the nodes
 * themselves, through their forwards, and adopt any configuration with a higher version. A real
 * node answers with the private addresses; with the cluster's own version number, the first change
 * of the cluster would send every running client to addresses it cannot reach. Above the node's
 * version by far more than a cluster ever changes, the node's answers stay older than the agent's
 * and are ignored, and the agent's own answers still rise with every change.
 */
public final class PublicConfig {
    /** Keeps the agent's versions within 31 bits for clients that read them as an int. */
    public static final long VERSION_OFFSET = 1_000_000_000L;

    private PublicConfig() {}

    /**
     * The rewritten configuration; {@code listenPorts} maps every node's id to its forward's listen
     * port (the cluster core never publishes a topology with a node left without one).
     */
    public static ClusterConfig of(Topology topology, Ipv4 publicAddress, Map<String, Integer> listenPorts) {
        return new ClusterConfig(
                topology.version() + VERSION_OFFSET,
                topology.nodes().stream()
                        .map(node -> new ConfigEntry(host(node), publicAddress, port(node, listenPorts)))
                        .toList());
    }

    private static String host(TopologyNode node) {
        return node.advertisedHost() == null ? "" : node.advertisedHost();
    }

    private static int port(TopologyNode node, Map<String, Integer> listenPorts) {
        Integer port = listenPorts.get(node.id());
        if (port == null) {
            throw new IllegalArgumentException("node " + node.id() + " has no listen port");
        }
        return port;
    }
}
