package dev.natagent.agent.cluster;

import java.util.Objects;

/**
 * A poll that found no topology. The message is shown in status, doctor and the log, so it never
 * holds a secret (no password, no reply bytes beyond a short quoted prefix).
 */
public final class DiscoveryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as doctor's findings and the metrics tell them apart. */
    public enum Kind {
        /** No connection: refused, no route, name not found. */
        UNREACHABLE,
        /** The endpoint refused the credentials, or wants some and none are configured. */
        AUTH_FAILED,
        /** The TLS handshake failed: certificate not trusted, host name mismatch, protocol. */
        TLS,
        /** The endpoint answered something that is not a valid topology. */
        PROTOCOL,
        /** No (complete) answer in time. */
        TIMEOUT
    }

    private final Kind kind;

    public DiscoveryException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public DiscoveryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
