package dev.natagent.agent.api;

/** What a peer may do on the admin socket. */
public enum Role {
    /** May read and change state (uid 0, the agent's own uid, or a member of the admin group). */
    ADMIN,
    /** May run read-only operations (a member of the read group). */
    READER,
    /** May do nothing; every request is refused. */
    NONE;

    public boolean permits(Request request) {
        return this == ADMIN || (this == READER && !request.mutating());
    }
}
