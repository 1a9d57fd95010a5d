package dev.natagent.agent.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The protocol a cluster's configuration endpoint speaks for discovery. */
public enum ClusterEngine {
    /** Redis or Valkey with cluster mode enabled: CLUSTER SHARDS, else CLUSTER SLOTS. */
    REDIS,
    /** Memcached with auto-discovery: config get cluster. */
    MEMCACHED;

    @JsonCreator
    public static ClusterEngine parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_VALUE);
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "redis", "valkey" -> REDIS;
            case "memcached" -> MEMCACHED;
            default -> throw new ValidationException(
                    "", ErrorCode.INVALID_VALUE, "engine must be redis or memcached, not '" + text + "'");
        };
    }

    @JsonValue
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
