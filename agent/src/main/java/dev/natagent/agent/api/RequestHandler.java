package dev.natagent.agent.api;

/**
 * Executes one authorised request. The server guarantees that mutating requests reach it one at
 * a time (never two concurrently), while read-only ones may run in parallel with them. Requests of
 * one connection arrive one at a time and share its {@link ClientSession}.
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * @return the result of a successful request: a value Jackson writes as a JSON object (a model
     *     record, a map, a JsonNode); written straight into the response, never copied into a tree
     * @throws AdminException when the request is refused or fails; anything else is an INTERNAL error
     */
    Object handle(Request request, ClientSession session);
}
