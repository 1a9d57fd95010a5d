package dev.natagent.agent.protocol;

/**
 * A reply of the agent that lacks a field its record has, or has one of the wrong type: the agent
 * and the reader disagree about the protocol, and no default stands in for what is missing.
 */
public final class MalformedReplyException extends RuntimeException {
    public MalformedReplyException(String message) {
        super(message, null, false, false);
    }
}
