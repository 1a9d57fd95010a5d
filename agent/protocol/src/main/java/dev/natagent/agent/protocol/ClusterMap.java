package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
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
public record ClusterMap(String cluster, String publicAddress, Map<String, Dial> map) implements JsonWritable {
    public ClusterMap {
        map = Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        JsonWriting.text(out, "cluster", cluster);
        JsonWriting.text(out, "public_address", publicAddress);
        out.writeObjectFieldStart("map");
        for (Map.Entry<String, Dial> entry : map.entrySet()) {
            JsonWriting.object(out, entry.getKey(), entry.getValue());
        }
        out.writeEndObject();
        out.writeEndObject();
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
    public record Dial(String host, int port) implements JsonWritable {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            JsonWriting.text(out, "host", host);
            out.writeNumberField("port", port);
            out.writeEndObject();
        }
    }
}
