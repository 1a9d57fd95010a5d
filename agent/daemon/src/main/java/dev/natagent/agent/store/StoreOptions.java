package dev.natagent.agent.store;

/**
 * When the journal is folded into the snapshot: after {@code compactEveryRecords} records or once
 * it reaches {@code compactAtBytes}, whichever comes first. Compaction is the only O(N) write.
 */
public record StoreOptions(int compactEveryRecords, long compactAtBytes) {
    public static final StoreOptions DEFAULTS = new StoreOptions(1000, 4L << 20);

    public StoreOptions {
        if (compactEveryRecords < 1 || compactAtBytes < 1) {
            throw new IllegalArgumentException("compaction thresholds must be positive");
        }
    }
}
