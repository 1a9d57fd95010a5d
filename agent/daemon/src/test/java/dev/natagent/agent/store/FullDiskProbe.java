package dev.natagent.agent.store;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link FullDiskTest} in a child JVM whose private mount namespace has a 64 KiB tmpfs at
 * {@code args[0]}: fills the disk through the store and checks that every failed write is a clear
 * error that leaves the last acknowledged state loadable. Prints OK lines; exits 1 on a violation.
 */
public final class FullDiskProbe {
    private static final int MAX_APPENDS = 100_000;

    private FullDiskProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).resolve("state");
        NatState acknowledged;
        long revision;
        IOException full = null;
        try (StateStore store = StateStore.open(dir, new StoreOptions(1_000_000, 1L << 40))) {
            for (int i = 0; i < MAX_APPENDS && full == null; i++) {
                try {
                    store.append(List.of(new StateChange.PutForward(Forward.single(
                            "forward-" + i, Protocol.TCP, 1 + i % 65535, Target.parse("10.0.1.230:6379")))));
                } catch (IOException e) {
                    full = e;
                }
            }
            check(full != null, "the disk never filled up");
            check(full.getMessage().contains("No space left on device"), "unclear error: " + full.getMessage());
            check(full.getMessage().contains("previous state is intact"), "unclear error: " + full.getMessage());
            try {
                store.undoLast();
                check(false, "undo after a failed append took back an acknowledged change");
            } catch (IllegalStateException expected) {
                // nothing to undo: the failed append left no trace
            }
            acknowledged = store.state();
            revision = store.revision();
            System.out.println("OK append failed cleanly after revision " + revision + ": " + full.getMessage());
            try {
                store.compact();
                check(false, "a snapshot of the whole state fitted on the full disk");
            } catch (IOException e) {
                check(e.getMessage().contains("previous snapshot is intact"), "unclear error: " + e.getMessage());
                System.out.println("OK compaction failed cleanly: " + e.getMessage());
            }
        }
        try (StateStore reopened = StateStore.open(dir)) {
            check(reopened.revision() == revision, "reloaded revision " + reopened.revision() + " != " + revision);
            check(reopened.state().equals(acknowledged), "reloaded state differs from the last acknowledged one");
            check(reopened.discardedTailBytes() == 0, "the failed append left bytes behind");
            System.out.println("OK reloaded revision " + revision + " with "
                    + acknowledged.forwards().size() + " forwards");
        }
    }

    private static void check(boolean condition, String problem) {
        if (!condition) {
            System.out.println("FAIL " + problem);
            System.exit(1);
        }
    }
}
