package dev.natagent.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Acknowledgement of forward.add / forward.remove.
 *
 * @param revision state revision right after this change (increases by one per change)
 * @param forward the forward added, or the one removed
 */
public record ForwardChange(long revision, ForwardView forward) {
    /** The record from a forward.add or forward.remove reply; see {@link ReplyFields}. */
    public static ForwardChange read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "forward change reply");
        return new ForwardChange(fields.number("revision"), ForwardView.read(fields.object("forward")));
    }
}
