package dev.natagent.agent.reconcile;

import java.io.IOException;

/**
 * Another process changed the table every time it was being listed (a flush storm, a script
 * rewriting the ruleset): nothing is wrong with the kernel or the agent, the listing is only to be
 * tried again once things calm down.
 */
public final class TableKeptChangingException extends IOException {
    private static final long serialVersionUID = 1L;

    public TableKeptChangingException(String message) {
        super(message);
    }
}
