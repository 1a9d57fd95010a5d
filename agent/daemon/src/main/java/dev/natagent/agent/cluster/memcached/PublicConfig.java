package dev.natagent.agent.cluster.memcached;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.Ipv4;

/**
 * The configuration the agent tells clients: every node that has a forward, at the NAT's public
 * address and that forward's listen port, the node's host name kept.
 *
 * <p>Why the host name stays: an ElastiCache cluster client dials the address of an entry when it
 * has one, and looks the name up only when the address is empty; a client with in-transit
 * encryption verifies the node's certificate against that name.
 *
 * <p>Why the version is raised by {@link #VERSION_OFFSET}: auto-discovery clients adopt a
 * configuration only when its version is above the one they hold, and some poll the nodes
 * themselves, through their forwards. A real node answers with the private addresses and the
 * cluster's own version: once a client holds the agent's version, that answer is older and
 * ignored, while the agent's own answers still rise with every change of the cluster.
 */
public final class PublicConfig {
    /** Leaves the agent's versions within 31 bits for clients that read them as an int. */
    public static final long VERSION_OFFSET = 1_000_000_000L;

    private PublicConfig() {}

    public static ClusterConfig of(Cluster cluster, Ipv4 publicAddress) {
        return new ClusterConfig(
                cluster.version() + VERSION_OFFSET,
                cluster.nodes().stream()
                        .filter(node -> !node.vanished())
                        .map(node -> new ConfigEntry(host(node), publicAddress, node.listenPort()))
                        .toList());
    }

    private static String host(ClusterNode node) {
        return node.host() == null ? "" : node.host();
    }
}
