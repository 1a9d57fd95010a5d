package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;

/**
 * Acknowledgement of forward.set.
 *
 * @param revision state revision right after this change (unchanged when nothing changed)
 * @param forward the forward as it is now, with its counters (kept across the change)
 * @param changes what changed, e.g. {@code to 10.0.1.230:6379 -> 10.0.1.240:6379}; empty when nothing did
 */
public record ForwardUpdate(long revision, ForwardView forward, String changes) implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("revision", revision);
        JsonWriting.object(out, "forward", forward);
        out.writeStringField("changes", changes);
        out.writeEndObject();
    }

    /** The record from a forward.set reply; see {@link ReplyFields}. */
    public static ForwardUpdate read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "forward.set reply");
        return new ForwardUpdate(
                fields.number("revision"), ForwardView.read(fields.object("forward")), fields.text("changes"));
    }
}
