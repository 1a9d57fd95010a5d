package dev.natagent.agent.model;

import java.io.IOException;
import java.util.Locale;

/** What a cluster node is to its cluster; a Memcached node is always a primary. */
public enum Role {
    PRIMARY,
    REPLICA;

    /** Reads the JSON form, {@code "primary"} or {@code "replica"}. */
    static Role read(JsonIn in) throws IOException {
        return in.string(Role::parse, "a string");
    }

    public static Role parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_VALUE);
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "primary" -> PRIMARY;
            case "replica" -> REPLICA;
            default -> throw new ValidationException(
                    "", ErrorCode.INVALID_VALUE, "role must be primary or replica, not '" + text + "'");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
