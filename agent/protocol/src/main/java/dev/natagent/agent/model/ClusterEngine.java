package dev.natagent.agent.model;

import java.io.IOException;
import java.util.Locale;

/** The protocol a cluster's configuration endpoint speaks for discovery. */
public enum ClusterEngine {
    /** Redis or Valkey with cluster mode enabled: CLUSTER SHARDS, else CLUSTER SLOTS. */
    REDIS,
    /** Memcached with auto-discovery: config get cluster. */
    MEMCACHED;

    /** Reads the JSON form, {@code "redis"} or {@code "memcached"}. */
    static ClusterEngine read(JsonIn in) throws IOException {
        return in.string(ClusterEngine::parse, "a string");
    }

    public static ClusterEngine parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_VALUE);
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "redis", "valkey" -> REDIS;
            case "memcached" -> MEMCACHED;
            default -> throw new ValidationException(
                    "", ErrorCode.INVALID_VALUE, "engine must be redis or memcached, not '" + text + "'");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
