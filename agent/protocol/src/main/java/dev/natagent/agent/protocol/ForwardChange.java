package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;

/**
 * Acknowledgement of forward.add / forward.remove.
 *
 * @param revision state revision right after this change (increases by one per change)
 * @param forward the forward added, or the one removed
 */
public record ForwardChange(long revision, ForwardView forward) implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("revision", revision);
        JsonWriting.object(out, "forward", forward);
        out.writeEndObject();
    }

    /** The record from a forward.add or forward.remove reply; see {@link ReplyFields}. */
    public static ForwardChange read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "forward change reply");
        return new ForwardChange(fields.number("revision"), ForwardView.read(fields.object("forward")));
    }
}
