package dev.natagent.agent.metrics;

/**
 * Live figures of one forward.
 *
 * @param packets packets matched by the forward's kernel counter
 * @param bytes bytes matched by the forward's kernel counter
 * @param healthyRatio fraction of targets answering the TCP probe (0..1), NaN before the first probe
 */
public record ForwardStats(long packets, long bytes, double healthyRatio) {}
