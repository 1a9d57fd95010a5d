package dev.natagent.agent.cluster;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a topology from a parsed {@code CLUSTER SHARDS} or {@code CLUSTER SLOTS} reply. Every
 * field is checked: a reply that is not the expected shape, or names a node by an address no
 * forward may have, is a {@link DiscoveryException} of kind PROTOCOL, never a partial topology.
 * Nodes that the cluster itself reports as failed are left out (they lose their forward and keep
 * their port for the grace period), as are nodes whose address is not known yet (a node still
 * joining advertises none).
 */
final class RedisTopology {
    private static final int MAX_ID = 256;

    private RedisTopology() {}

    /**
     * {@code CLUSTER SHARDS}: {@code [[ "slots", [...], "nodes", [[ "id", ID, "port", N, "ip", IP,
     * "hostname", NAME, "role", "master"|"replica", "health", "online"|"failed"|"loading", ...], ...]], ...]}.
     *
     * @param tls whether clients connect with TLS: then a node's {@code tls-port} is its port
     */
    static Topology fromShards(Object reply, boolean tls) throws DiscoveryException {
        Map<String, TopologyNode> nodes = new LinkedHashMap<>();
        for (Object shard : list(reply, "the reply")) {
            Map<String, Object> shardFields = fields(shard, "a shard");
            for (Object node : list(shardFields.get("nodes"), "a shard's nodes")) {
                Map<String, Object> f = fields(node, "a node");
                String id = id(f.get("id"));
                Object health = f.get("health");
                if (health != null && "failed".equals(RespReader.text(health))) {
                    continue;
                }
                Object portField = tls && f.containsKey("tls-port") ? f.get("tls-port") : f.get("port");
                int port = port(portField, id);
                Optional<Ipv4> address = address(f.get("ip"), id);
                if (address.isEmpty()) {
                    continue;
                }
                String roleText = text(f.get("role"), "role of node " + id);
                Role role =
                        switch (roleText) {
                            case "master", "primary" -> Role.PRIMARY;
                            case "replica", "slave" -> Role.REPLICA;
                            default -> throw RespReader.garbage(
                                    "node " + id + " has role '" + RespReader.abbreviate(roleText) + "'");
                        };
                add(nodes, new TopologyNode(id, hostname(f.get("hostname"), id), address.get(), port, role));
            }
        }
        return topology(nodes);
    }

    /**
     * {@code CLUSTER SLOTS}: {@code [[start, end, [ip, port, id, [metadata...]], [replica...] ...], ...]}.
     * Right after a cluster forms it lists only the primaries; replicas appear once they serve slots.
     */
    static Topology fromSlots(Object reply, boolean tls) throws DiscoveryException {
        Map<String, TopologyNode> nodes = new LinkedHashMap<>();
        for (Object range : list(reply, "the reply")) {
            List<Object> entry = list(range, "a slot range");
            if (entry.size() < 3) {
                throw RespReader.garbage("a slot range without nodes");
            }
            slot(entry.get(0));
            slot(entry.get(1));
            for (int i = 2; i < entry.size(); i++) {
                List<Object> node = list(entry.get(i), "a slot range's node");
                if (node.size() < 2) {
                    throw RespReader.garbage("a node entry with " + node.size() + " fields");
                }
                Map<String, Object> metadata = node.size() > 3 ? fields(node.get(3), "a node's metadata") : Map.of();
                String endpoint = text(node.get(0), "a node's endpoint");
                int port = port(node.get(1), endpoint);
                String id = node.size() > 2 ? id(node.get(2)) : endpoint + ":" + port;
                Object ip = metadata.containsKey("ip") ? metadata.get("ip") : node.get(0);
                Optional<Ipv4> address = address(ip, id);
                if (address.isEmpty()) {
                    continue;
                }
                Role role = i == 2 ? Role.PRIMARY : Role.REPLICA;
                add(nodes, new TopologyNode(id, hostname(metadata.get("hostname"), id), address.get(), port, role));
            }
        }
        return topology(nodes);
    }

    private static void add(Map<String, TopologyNode> nodes, TopologyNode node) throws DiscoveryException {
        TopologyNode before = nodes.putIfAbsent(node.id(), node);
        if (before != null && !before.equals(node)) {
            throw RespReader.garbage("node " + node.id() + " is listed twice, differently");
        }
    }

    private static Topology topology(Map<String, TopologyNode> nodes) throws DiscoveryException {
        if (nodes.isEmpty()) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.PROTOCOL,
                    "the cluster lists no nodes with an address (is cluster mode enabled and the cluster formed?)");
        }
        Map<String, String> byAddress = new HashMap<>();
        for (TopologyNode node : nodes.values()) {
            String other = byAddress.put(node.address() + ":" + node.port(), node.id());
            if (other != null) {
                throw RespReader.garbage("nodes " + other + " and " + node.id() + " both advertise " + node.address()
                        + ":" + node.port());
            }
        }
        return new Topology(0, new ArrayList<>(nodes.values()));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String what) throws DiscoveryException {
        if (!(value instanceof List<?>)) {
            throw RespReader.garbage(what + " is not an array");
        }
        return (List<Object>) value;
    }

    /** A flat array of name, value pairs as a map; unknown names are kept and ignored by callers. */
    private static Map<String, Object> fields(Object value, String what) throws DiscoveryException {
        List<Object> items = list(value, what);
        if (items.size() % 2 != 0) {
            throw RespReader.garbage(what + " has an odd number of fields");
        }
        Map<String, Object> fields = new HashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            fields.put(text(items.get(i), "a field name of " + what), items.get(i + 1));
        }
        return fields;
    }

    private static String text(Object value, String what) throws DiscoveryException {
        String text = RespReader.text(value);
        if (text == null) {
            throw RespReader.garbage(what + " is not a string");
        }
        return text;
    }

    private static String id(Object value) throws DiscoveryException {
        String id = text(value, "a node id");
        boolean printable = id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        if (id.isEmpty() || id.length() > MAX_ID || !printable) {
            throw RespReader.garbage("node id '" + RespReader.abbreviate(id) + "'");
        }
        return id;
    }

    private static int port(Object value, String node) throws DiscoveryException {
        long port;
        if (value instanceof Long number) {
            port = number;
        } else {
            String text = RespReader.text(value);
            try {
                port = text == null ? -1 : Long.parseLong(text);
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw RespReader.garbage("node " + node + " has no valid port");
        }
        return (int) port;
    }

    private static void slot(Object value) throws DiscoveryException {
        if (!(value instanceof Long slot) || slot < 0 || slot > 16383) {
            throw RespReader.garbage("a slot number outside 0-16383");
        }
    }

    /** The node's IPv4 address; empty while it has none (joining); an unusable one is an error. */
    private static Optional<Ipv4> address(Object value, String node) throws DiscoveryException {
        String text = value == null || value == RespReader.NULL ? "" : text(value, "the address of node " + node);
        if (text.isEmpty() || text.equals("?")) {
            return Optional.empty();
        }
        Ipv4 address;
        try {
            address = Ipv4.parse(text);
        } catch (ValidationException e) {
            throw RespReader.garbage(
                    "node " + node + " advertises '" + RespReader.abbreviate(text) + "', not an IPv4 address");
        }
        Optional<String> why = address.whyNotATarget();
        if (why.isPresent()) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.PROTOCOL, "node " + node + " advertises " + address + ": " + why.get());
        }
        return Optional.of(address);
    }

    /** The advertised host name, or null when there is none (empty) or it is no DNS name. */
    private static String hostname(Object value, String node) throws DiscoveryException {
        if (value == null || value == RespReader.NULL) {
            return null;
        }
        String text = text(value, "the hostname of node " + node);
        if (text.isEmpty() || Ipv4.looksLikeAddress(text)) {
            return null;
        }
        try {
            return Target.parse(text + ":1").host();
        } catch (ValidationException e) {
            throw RespReader.garbage("node " + node + " advertises hostname '" + RespReader.abbreviate(text) + "'");
        }
    }
}
