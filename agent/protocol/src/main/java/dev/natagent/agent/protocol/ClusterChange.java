package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;

/**
 * Acknowledgement of cluster.add / cluster.remove / cluster.refresh.
 *
 * @param revision state revision right after the change
 * @param cluster the cluster added, removed or refreshed
 */
public record ClusterChange(long revision, ClusterView cluster) implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("revision", revision);
        JsonWriting.object(out, "cluster", cluster);
        out.writeEndObject();
    }

    /** The record from a cluster.add, cluster.remove or cluster.refresh reply; see {@link ReplyFields}. */
    public static ClusterChange read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "cluster change reply");
        return new ClusterChange(fields.number("revision"), ClusterView.read(fields.object("cluster")));
    }
}
