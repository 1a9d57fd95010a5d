package dev.natagent.agent.reconcile;

import dev.natagent.nl.NetlinkException;
import java.io.IOException;
import java.util.Optional;

/**
 * The kernel did not take a change and retrying did not help. Nothing of the refused batch is in the
 * kernel. {@link #netlinkError} gives the errno and the refused message when the kernel said why.
 */
public final class ReconcileException extends IOException {
    private static final long serialVersionUID = 1L;

    public ReconcileException(String message, IOException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    public Optional<NetlinkException> netlinkError() {
        return getCause() instanceof NetlinkException e ? Optional.of(e) : Optional.empty();
    }
}
