package dev.natagent.agent.protocol;

/**
 * Acknowledgement of forward.add / forward.remove.
 *
 * @param revision state revision right after this change (increases by one per change)
 * @param forward the forward added, or the one removed
 */
public record ForwardChange(long revision, ForwardView forward) {}
