package dev.natagent.agent.resolve;

import dev.natagent.agent.model.Ipv4;
import java.time.Instant;
import java.util.Optional;

/**
 * Resolution of one DNS-name target host. {@code address} is the last good address (kept when a
 * lookup fails); {@code lastError} the most recent failure, cleared by a success.
 */
public record TargetStatus(
        String host,
        Optional<Ipv4> address,
        Optional<String> lastError,
        int consecutiveFailures,
        long totalFailures,
        long addressChanges,
        Optional<Instant> lastAttempt,
        Optional<Instant> lastChange) {

    public static TargetStatus unresolved(String host) {
        return new TargetStatus(host, Optional.empty(), Optional.empty(), 0, 0, 0, Optional.empty(), Optional.empty());
    }

    public boolean isHealthy() {
        return address.isPresent() && consecutiveFailures == 0;
    }

    TargetStatus succeeded(Ipv4 newAddress, Instant now) {
        boolean changed = address.map(a -> !a.equals(newAddress)).orElse(true);
        return new TargetStatus(
                host,
                Optional.of(newAddress),
                Optional.empty(),
                0,
                totalFailures,
                changed ? addressChanges + 1 : addressChanges,
                Optional.of(now),
                changed ? Optional.of(now) : lastChange);
    }

    TargetStatus failed(String error, Instant now) {
        return new TargetStatus(
                host,
                address,
                Optional.of(error),
                consecutiveFailures + 1,
                totalFailures + 1,
                addressChanges,
                Optional.of(now),
                lastChange);
    }
}
