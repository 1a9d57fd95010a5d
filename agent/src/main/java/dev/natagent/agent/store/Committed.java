package dev.natagent.agent.store;

import dev.natagent.agent.model.NatState;

/** A durable change: the state at {@code revision}, and how many journal bytes recorded it. */
public record Committed(long revision, NatState state, long journalBytesWritten) {}
