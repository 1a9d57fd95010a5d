package dev.natagent.agent.cluster;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Role;
import java.util.Objects;

/**
 * One node as the cluster describes itself.
 *
 * @param id the node's identity in the cluster (Redis node id; for Memcached its host name or
 *     address), which keeps its listen port while its address or role changes
 * @param advertisedHost the host name the cluster advertises for the node, or null when it
 *     advertises only addresses
 * @param address the address to DNAT to
 * @param port the node's port
 */
public record TopologyNode(String id, String advertisedHost, Ipv4 address, int port, Role role) {
    public TopologyNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(role, "role");
    }
}
