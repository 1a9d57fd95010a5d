package dev.natagent.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Acknowledgement of forward.set.
 *
 * @param revision state revision right after this change (unchanged when nothing changed)
 * @param forward the forward as it is now, with its counters (kept across the change)
 * @param changes what changed, e.g. {@code to 10.0.1.230:6379 -> 10.0.1.240:6379}; empty when nothing did
 */
public record ForwardUpdate(long revision, ForwardView forward, String changes) {
    /** The record from a forward.set reply; see {@link ReplyFields}. */
    public static ForwardUpdate read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "forward.set reply");
        return new ForwardUpdate(
                fields.number("revision"), ForwardView.read(fields.object("forward")), fields.text("changes"));
    }
}
