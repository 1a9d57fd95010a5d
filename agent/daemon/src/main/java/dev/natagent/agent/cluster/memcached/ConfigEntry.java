package dev.natagent.agent.cluster.memcached;

import dev.natagent.agent.model.Ipv4;
import java.util.Objects;

/**
 * One node of a Memcached auto-discovery configuration, {@code host|ip|port} on the wire.
 *
 * @param host the node's DNS name, or empty when the cluster gives none
 */
public record ConfigEntry(String host, Ipv4 address, int port) {
    public ConfigEntry {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return host + "|" + address + "|" + port;
    }
}
