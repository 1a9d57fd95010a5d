package dev.natagent.agent.service;

/**
 * What status and doctor report about the agent itself: whether the state on disk could be
 * trusted and whether the kernel table was last seen matching it (drift repairs are counted by
 * the drift watcher).
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
    private volatile String filesReplaced = "";
    private volatile Table table = Table.UNKNOWN;
    private volatile String tableDetail = "";

    /** The state on disk cannot be trusted: changes are refused until an operator fixes it. */
    public void stateFailed(String message) {
        failure = message;
    }

    /** State files were replaced behind the agent's back and written anew (nothing was lost). */
    public void stateFilesReplaced(String message) {
        filesReplaced = message;
    }

    /** What {@link #stateFilesReplaced} last reported, or "". */
    public String filesReplaced() {
        return filesReplaced;
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

    public Table table() {
        return table;
    }

    public String tableDetail() {
        return tableDetail;
    }
}
