package dev.natagent.agent.api;

import dev.natagent.agent.model.JsonWritable;

/**
 * Executes one authorised request. The server guarantees that mutating requests reach it one at
 * a time (never two concurrently), while read-only ones may run in parallel with them. Requests of
 * one connection arrive one at a time and share its {@link ClientSession}.
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * @return the result of a successful request, which writes itself as one JSON object (a record
     *     of the protocol, a document); written straight into the response, never copied into a tree
     * @throws AdminException when the request is refused or fails; anything else is an INTERNAL error
     */
    JsonWritable handle(Request request, ClientSession session);

    /**
     * Called for a mutating request before it is queued for the one writer, on a thread that holds
     * up no other client's change: slow preparation (DNS lookups of target names the change
     * brings) belongs here. Must not change anything and must not throw.
     */
    default void prepare(Request request) {}
}
