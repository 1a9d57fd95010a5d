package dev.natagent.agent.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Executes one authorised request. The server guarantees that mutating requests reach it one at
 * a time (never two concurrently), while read-only ones may run in parallel with them. Requests of
 * one connection arrive one at a time and share its {@link ClientSession}.
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * @return the result object of a successful request
     * @throws AdminException when the request is refused or fails; anything else is an INTERNAL error
     */
    JsonNode handle(Request request, ClientSession session);
}
