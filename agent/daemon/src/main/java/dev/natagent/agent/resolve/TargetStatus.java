package dev.natagent.agent.resolve;

import dev.natagent.agent.model.Ipv4;
import java.time.Instant;
import java.util.Optional;

/**
 * Resolution of one DNS-name target host. {@code address} is the last good address (kept when a
 * lookup fails or answers only addresses no target may have); {@code lastError} the most recent
 * failure, cleared by a success; {@code failingSince} when the current run of failures began
 * (empty while the last lookup succeeded). An address with no attempt yet was carried over from
 * before a restart and is not confirmed by this run.
 */
public record TargetStatus(
        String host,
        Optional<Ipv4> address,
        Optional<String> lastError,
        int consecutiveFailures,
        long totalFailures,
        long addressChanges,
        Optional<Instant> lastAttempt,
        Optional<Instant> lastChange,
        Optional<Instant> failingSince) {

    public static TargetStatus unresolved(String host) {
        return new TargetStatus(
                host,
                Optional.empty(),
                Optional.empty(),
                0,
                0,
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** An address kept from before a restart, in use since {@code since}, not looked up yet. */
    public static TargetStatus carriedOver(String host, Ipv4 address, Instant since) {
        return new TargetStatus(
                host,
                Optional.of(address),
                Optional.empty(),
                0,
                0,
                0,
                Optional.empty(),
                Optional.of(since),
                Optional.empty());
    }

    public boolean isHealthy() {
        return address.isPresent() && consecutiveFailures == 0;
    }

    /** The address is in use although the name's latest lookup failed. */
    public boolean isStale() {
        return address.isPresent() && consecutiveFailures > 0;
    }

    /** How a reader sees the name now: resolved, stale, resolving (no lookup finished yet) or unresolved. */
    public String state() {
        if (consecutiveFailures > 0) {
            return address.isPresent() ? "stale" : "unresolved";
        }
        return lastAttempt.isPresent() && address.isPresent() ? "resolved" : "resolving";
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
                changed ? Optional.of(now) : lastChange,
                Optional.empty());
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
                lastChange,
                failingSince.or(() -> Optional.of(now)));
    }
}
