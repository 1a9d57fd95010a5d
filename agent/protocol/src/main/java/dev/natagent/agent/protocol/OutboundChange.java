package dev.natagent.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** Acknowledgement of outbound.add / outbound.remove, with the state revision after it. */
public record OutboundChange(long revision, OutboundView outbound) {
    /** The record from an outbound.add or outbound.remove reply; see {@link ReplyFields}. */
    public static OutboundChange read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "outbound change reply");
        return new OutboundChange(fields.number("revision"), OutboundView.read(fields.object("outbound")));
    }
}
