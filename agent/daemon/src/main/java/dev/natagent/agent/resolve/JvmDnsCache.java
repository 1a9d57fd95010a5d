package dev.natagent.agent.resolve;

import java.security.Security;
import java.time.Duration;

/**
 * The JVM caches successful lookups forever when a security manager is installed and for 30 s
 * otherwise, which would hide a re-pointed node endpoint. The daemon calls {@link #limit} once at
 * start, before the first lookup (the JDK reads these properties once).
 */
public final class JvmDnsCache {
    public static final String TTL = "networkaddress.cache.ttl";
    public static final String NEGATIVE_TTL = "networkaddress.cache.negative.ttl";

    private JvmDnsCache() {}

    /** Caches answers for at most {@code ttl} (e.g. 5 s) and failures not at all. */
    public static void limit(Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        Security.setProperty(TTL, Long.toString(ttl.toSeconds()));
        Security.setProperty(NEGATIVE_TTL, "0");
    }
}
