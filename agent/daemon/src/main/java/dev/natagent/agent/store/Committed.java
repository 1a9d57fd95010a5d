package dev.natagent.agent.store;

import dev.natagent.agent.model.NatState;

/**
 * A durable change: the state at {@code revision}, and how many journal bytes recorded it (none when
 * it was written as the snapshot).
 */
public record Committed(long revision, NatState state, long journalBytesWritten) {}
