package dev.natagent.agent.resolve;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What the journal says about DNS targets: a warning when a name stops resolving (or never does),
 * a reminder while it stays so at most once per {@link #REMINDER}, and a line when it resolves
 * again; not one warning per resolve interval forever.
 */
final class ResolveLog {
    private static final Logger LOG = Logger.getLogger(TargetResolver.class.getName());
    static final Duration REMINDER = Duration.ofHours(1);

    /** When each failing host was last written about. */
    private final Map<String, Instant> lastWritten = new HashMap<>();

    synchronized void failed(TargetStatus status, Instant now) {
        String host = status.host();
        Instant last = lastWritten.get(host);
        if (status.consecutiveFailures() == 1 || last == null) {
            LOG.warning("cannot resolve " + host + ": " + status.lastError().orElse("") + "; " + keeping(status));
        } else if (!now.isBefore(last.plus(REMINDER))) {
            LOG.warning(host + " still does not resolve (" + status.consecutiveFailures() + " failed lookups since "
                    + status.failingSince().map(Instant::toString).orElse("start") + "): "
                    + status.lastError().orElse("") + "; " + keeping(status));
        } else {
            return;
        }
        lastWritten.put(host, now);
    }

    synchronized void succeeded(TargetStatus before, TargetStatus after) {
        if (lastWritten.remove(before.host()) != null || before.consecutiveFailures() > 0) {
            LOG.info(before.host() + " resolves again, to " + after.address().orElseThrow() + ", after "
                    + before.consecutiveFailures() + " failed lookup(s) since "
                    + before.failingSince().map(Instant::toString).orElse("start"));
        }
    }

    synchronized void forget(String host) {
        lastWritten.remove(host);
    }

    private static String keeping(TargetStatus status) {
        return status.address()
                .map(a -> "its forwards keep the last good address " + a + " (stale)")
                .orElse("its forwards stay out of the kernel until it resolves");
    }
}
