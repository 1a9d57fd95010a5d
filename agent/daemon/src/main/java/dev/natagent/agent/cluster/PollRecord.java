package dev.natagent.agent.cluster;

import java.time.Instant;
import java.util.Optional;

/**
 * What the polls of one cluster came to so far (since the agent started).
 *
 * @param polls polls finished, good or failed
 * @param failures polls that found no usable topology (discovery failed, or the range was full)
 * @param topologyChanges good polls that changed the nodes' forwards or ports
 * @param lastAttempt when the last poll ended, if any did
 * @param lastGood when the last good poll ended, if any did
 * @param error why the last poll failed; empty when it was good
 * @param errorKind the {@link DiscoveryException.Kind} name, or {@code RANGE_FULL}; empty when good
 */
public record PollRecord(
        long polls,
        long failures,
        long topologyChanges,
        Optional<Instant> lastAttempt,
        Optional<Instant> lastGood,
        Optional<String> error,
        Optional<String> errorKind) {
    public static final PollRecord NONE =
            new PollRecord(0, 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    /** The kind of a poll whose topology had more nodes than the listen range has ports. */
    public static final String RANGE_FULL = "RANGE_FULL";

    PollRecord good(Instant at, boolean changed) {
        return new PollRecord(
                polls + 1,
                failures,
                topologyChanges + (changed ? 1 : 0),
                Optional.of(at),
                Optional.of(at),
                Optional.empty(),
                Optional.empty());
    }

    PollRecord failed(Instant at, String kind, String message) {
        return new PollRecord(
                polls + 1,
                failures + 1,
                topologyChanges,
                Optional.of(at),
                lastGood,
                Optional.of(message),
                Optional.of(kind));
    }

    /** ok (the last poll was good), failing, or pending (no poll has ended yet). */
    public String state() {
        if (lastAttempt.isEmpty()) {
            return "pending";
        }
        return error.isPresent() ? "failing" : "ok";
    }
}
