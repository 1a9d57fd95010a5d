package dev.natagent.agent.protocol;

import dev.natagent.agent.model.StateDiff;

/**
 * Result of apply and reload.
 *
 * @param applied false for a dry run (or when there was nothing to change)
 * @param revision state revision after the call (unchanged by a dry run)
 * @param diff the difference between the previous and the new desired state
 */
public record ApplyResult(boolean applied, long revision, StateDiff diff) {}
