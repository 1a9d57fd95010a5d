package dev.natagent.agent.service;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What status and doctor report about the agent itself: whether the state on disk could be
 * trusted, whether the kernel table matches, how often foreign changes were undone.
 */
public final class AgentHealth {
    /** Kernel table as last seen. */
    public enum Table {
        IN_SYNC,
        DRIFTED,
        MISSING,
        UNKNOWN
    }

    private volatile String failure = "";
    private volatile Table table = Table.UNKNOWN;
    private volatile String tableDetail = "";
    private final AtomicLong driftCorrections = new AtomicLong();

    /** The state on disk cannot be trusted: changes are refused until an operator fixes it. */
    public void stateFailed(String message) {
        failure = message;
    }

    public boolean isFailed() {
        return !failure.isEmpty();
    }

    public String failureMessage() {
        return failure;
    }

    public void kernelInSync() {
        table = Table.IN_SYNC;
        tableDetail = "";
    }

    public void kernelDrifted(String detail) {
        table = Table.DRIFTED;
        tableDetail = detail;
    }

    public void kernelUnknown(String detail) {
        table = Table.UNKNOWN;
        tableDetail = detail;
    }

    public void driftCorrected() {
        driftCorrections.incrementAndGet();
    }

    public Table table() {
        return table;
    }

    public String tableDetail() {
        return tableDetail;
    }

    public long driftCorrections() {
        return driftCorrections.get();
    }
}
