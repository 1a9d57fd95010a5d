package dev.natagent.agent.metrics;

/**
 * Live figures of one forward.
 *
 * @param packets packets matched by the forward's kernel counter
 * @param bytes bytes matched by the forward's kernel counter
 * @param healthyRatio fraction of targets answering the TCP probe (0..1), NaN before the first probe
 * @param staleSeconds how long a DNS target of the forward has been failing to resolve while its
 *     last good address stays in use (the longest, if several), 0 when none is
 */
public record ForwardStats(long packets, long bytes, double healthyRatio, double staleSeconds) {
    /** A forward without a stale target. */
    public ForwardStats(long packets, long bytes, double healthyRatio) {
        this(packets, bytes, healthyRatio, 0);
    }
}
