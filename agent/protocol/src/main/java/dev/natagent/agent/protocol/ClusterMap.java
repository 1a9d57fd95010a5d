package dev.natagent.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where clients must dial each node of a cluster (wire form of cluster.map): keyed by the address
 * the cluster advertises, {@code "ip:port"}, and also {@code "hostname:port"} for nodes it
 * advertises by name, the shape ioredis' natMap and node-redis' nodeAddressMap take.
 *
 * <pre>{"cluster":"orders","public_address":"203.0.113.73",
 *  "map":{"10.0.1.230:6379":{"host":"203.0.113.73","port":7000},...}}</pre>
 */
public record ClusterMap(String cluster, String publicAddress, Map<String, Dial> map) {
    public ClusterMap {
        map = Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The record from a cluster.map reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static ClusterMap read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "cluster.map reply");
        Map<String, Dial> map = new LinkedHashMap<>();
        for (Map.Entry<String, ReplyFields> entry : fields.members("map").entrySet()) {
            map.put(
                    entry.getKey(),
                    new Dial(entry.getValue().text("host"), entry.getValue().count("port")));
        }
        return new ClusterMap(fields.text("cluster"), fields.text("public_address"), map);
    }

    /** The public address and listen port that reach one node. */
    public record Dial(String host, int port) {}
}
