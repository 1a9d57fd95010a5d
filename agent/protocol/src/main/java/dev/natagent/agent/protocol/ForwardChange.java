package dev.natagent.agent.protocol;

/**
 * Acknowledgement of forward.add / forward.remove.
 *
 * @param generation state generation right after this change (increases by one per change)
 * @param forward the forward added, or the one removed
 */
public record ForwardChange(long generation, ForwardView forward) {}
