package dev.natagent.agent.cluster;

import java.util.List;

/**
 * What one poll found: every node, primaries and replicas, in the order the cluster listed them.
 *
 * @param version the configuration version the endpoint reports (Memcached), or 0 where the engine
 *     has none (Redis)
 */
public record Topology(long version, List<TopologyNode> nodes) {
    public Topology {
        nodes = List.copyOf(nodes);
    }
}
