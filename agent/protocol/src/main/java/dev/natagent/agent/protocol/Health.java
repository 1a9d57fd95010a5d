package dev.natagent.agent.protocol;

import java.util.Locale;

/** Result of the TCP connect probe of a target, or of all targets of a forward. */
public enum Health {
    UP,
    DOWN,
    /** Some targets of the forward answer, some do not. */
    PARTIAL,
    /** Not probed yet. */
    UNKNOWN;

    /** Made once: a forward list writes two per forward. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }
}
