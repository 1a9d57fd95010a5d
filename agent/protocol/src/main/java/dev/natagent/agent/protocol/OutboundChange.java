package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;

/** Acknowledgement of outbound.add / outbound.remove, with the state revision after it. */
public record OutboundChange(long revision, OutboundView outbound) implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("revision", revision);
        JsonWriting.object(out, "outbound", outbound);
        out.writeEndObject();
    }

    /** The record from an outbound.add or outbound.remove reply; see {@link ReplyFields}. */
    public static OutboundChange read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "outbound change reply");
        return new OutboundChange(fields.number("revision"), OutboundView.read(fields.object("outbound")));
    }
}
