package dev.natagent.nl;

import java.io.IOException;

/**
 * A batch was sent but not every reply arrived (replies dropped with ENOBUFS, or a timeout): it
 * may or may not have been committed. Never treat this as success or failure; re-read the state.
 */
public final class OutcomeUnknownException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, IOException cause) {
        super(message, cause);
    }
}
