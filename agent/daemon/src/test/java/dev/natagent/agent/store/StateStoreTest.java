package dev.natagent.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateStoreTest {
    @TempDir
    Path dir;

    static Forward forward(int i) {
        return Forward.single(
                "f" + i,
                Protocol.TCP,
                1000 + i % 60000,
                Target.parse("10.0." + (i >> 8 & 255) + "." + (i & 255) + ":6379"));
    }

    static List<StateChange> put(int i) {
        return List.of(new StateChange.PutForward(forward(i)));
    }

    @Test
    void freshDirectoryStartsEmptyWithPrivateFiles() throws Exception {
        Path stateDir = dir.resolve("nat-agent");
        try (StateStore store = StateStore.open(stateDir)) {
            assertTrue(store.isFresh());
            assertEquals(NatState.empty(), store.state());
            assertEquals(0, store.revision());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("state.json"))));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("journal.ndjson"))));
        try (StateStore store = StateStore.open(stateDir)) {
            assertFalse(store.isFresh());
        }
    }

    @Test
    void acknowledgedChangesSurviveReopen() throws Exception {
        NatState expected;
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            store.append(put(2));
            store.append(List.of(
                    new StateChange.RemoveForward("f1"),
                    new StateChange.PutOutbound(new Outbound("o", List.of(Cidr.parse("10.0.0.0/16")), "ens5"))));
            Committed last = store.append(List.of(new StateChange.PutSettings(new Settings(false, 10, 20, 2222))));
            assertEquals(4, last.revision());
            expected = last.state();
            assertEquals(List.of("f2"), List.copyOf(expected.forwards().keySet()));
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(expected, store.state());
            assertEquals(4, store.revision());
            assertEquals(4, store.journalRecords());
        }
    }

    @Test
    void aChangeRecordedWithItsResultingStateReadsBackAsThatState() throws Exception {
        NatState next = NatState.empty().withForward(forward(1)).withForward(forward(2));
        try (StateStore store = StateStore.open(dir)) {
            Committed committed =
                    store.append(StateDiff.between(NatState.empty(), next).changes(), next);
            assertSame(next, committed.state());
            assertSame(next, store.state());
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(next, store.state());
            assertEquals(1, store.revision());
        }
    }

    @Test
    void tornLastRecordIsDiscarded() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            store.append(put(2));
        }
        Path journal = dir.resolve("journal.ndjson");
        long good = Files.size(journal);
        byte[] third = new JournalRecord(3, put(3)).toLine();
        // Every possible tear of the third record: a prefix, or garbage/zeros where the disk never got the data.
        for (int cut = 1; cut < third.length; cut += Math.max(1, third.length / 40)) {
            byte[] torn = Arrays.copyOf(third, cut);
            writeJournal(journal, good, torn);
            assertLoads(2, 2, third.length > cut ? cut : 0, journal, good);
            byte[] zeros = new byte[third.length];
            zeros[zeros.length - 1] = '\n';
            writeJournal(journal, good, zeros);
            assertLoads(2, 2, zeros.length, journal, good);
        }
    }

    @Test
    void aCompleteLastRecordThatIsDamagedIsReportedNotDropped() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            store.append(put(2));
        }
        Path journal = dir.resolve("journal.ndjson");
        long good = Files.size(journal);
        byte[] third = new JournalRecord(3, put(3)).toLine();
        byte[] flipped = third.clone();
        flipped[30] ^= 1;
        writeJournal(journal, good, flipped);
        byte[] damaged = Files.readAllBytes(journal);

        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
        assertTrue(
                e.getMessage().contains("record 3 (byte offset " + good + "), the last one, is complete but damaged"),
                e.getMessage());
        assertTrue(e.getMessage().contains("truncate -s " + good + " " + journal), e.getMessage());
        assertTrue(e.getMessage().contains("leaves the kernel's NAT rules as they are"), e.getMessage());
        assertTrue(Arrays.equals(damaged, Files.readAllBytes(journal)), "left untouched for the operator");

        // The documented recovery: drop that record, and the store opens at the revision before it.
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(journal, StandardOpenOption.WRITE)) {
            channel.truncate(good);
        }
        assertLoads(2, 2, 0, journal, good);
    }

    private void assertLoads(long revision, int forwards, long discarded, Path journal, long good) throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(revision, store.revision());
            assertEquals(forwards, store.state().forwards().size());
            assertEquals(discarded, store.discardedTailBytes());
        }
        assertEquals(good, Files.size(journal), "torn tail is cut off the file");
    }

    private static void writeJournal(Path journal, long keep, byte[] tail) throws IOException {
        byte[] bytes = Files.readAllBytes(journal);
        byte[] out = Arrays.copyOf(bytes, (int) keep + tail.length);
        System.arraycopy(tail, 0, out, (int) keep, tail.length);
        Files.write(journal, out);
    }

    @Test
    void appendsAfterATornTailAreReadBack() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
        }
        Files.write(
                dir.resolve("journal.ndjson"),
                "{\"revision\":2,\"chan".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(2));
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(2, store.revision());
            assertEquals(0, store.discardedTailBytes());
        }
    }

    @Test
    void damageBeforeTheLastRecordIsCorruption() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            for (int i = 0; i < 3; i++) {
                store.append(put(i));
            }
        }
        Path journal = dir.resolve("journal.ndjson");
        byte[] bytes = Files.readAllBytes(journal);
        bytes[30] ^= 0x01;
        Files.write(journal, bytes);
        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
        assertTrue(e.getMessage().contains("leaves the kernel's NAT rules as they are"), e.getMessage());
        assertEquals(journal, e.file());
        assertTrue(Arrays.equals(bytes, Files.readAllBytes(journal)), "a corrupt journal is left untouched");
    }

    @Test
    void missingRevisionIsCorruption() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
        }
        Files.write(dir.resolve("journal.ndjson"), new JournalRecord(3, put(3)).toLine(), StandardOpenOption.APPEND);
        Files.write(dir.resolve("journal.ndjson"), new JournalRecord(4, put(4)).toLine(), StandardOpenOption.APPEND);
        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
        assertTrue(e.getMessage().contains("jumps from revision 1 to 3"), e.getMessage());
    }

    @Test
    void recordsOutOfOrderAreCorruption() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            store.append(put(2));
        }
        Files.write(dir.resolve("journal.ndjson"), new JournalRecord(1, put(9)).toLine(), StandardOpenOption.APPEND);
        Files.write(dir.resolve("journal.ndjson"), new JournalRecord(3, put(3)).toLine(), StandardOpenOption.APPEND);
        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
        assertTrue(e.getMessage().contains("jumps from revision 2 to 1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{\"schema_version\":1,\"revision\":3,\"state\":{\"forwards\":[",
                "{\"schema_version\":2,\"revision\":3,\"state\":{}}",
                "{\"revision\":3,\"state\":{}}",
                "{\"schema_version\":1,\"state\":{}}",
                "{\"schema_version\":1,\"revision\":-1,\"state\":{}}",
                "{\"schema_version\":1,\"revision\":1.5,\"state\":{}}",
                "{\"schema_version\":\"1\",\"revision\":1,\"state\":{}}",
                "{\"schema_version\":1,\"revision\":1,\"state\":null}",
                "{\"schema_version\":1,\"revision\":3}",
                "{\"schema_version\":1,\"revision\":3,\"state\":{},\"extra\":1}",
                "{\"schema_version\":1,\"revision\":3,\"state\":{\"forwards\":[{\"name\":\"x\"}]}}",
                "[]",
                "null",
                "\u0000\u0000\u0000"
            })
    void badSnapshotIsCorruption(String content) throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
        }
        Files.writeString(dir.resolve("state.json"), content);
        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
        assertEquals(dir.resolve("state.json"), e.file());
        assertTrue(e.getMessage().contains("refuses changes until this is fixed"), e.getMessage());
        assertEquals(content, Files.readString(dir.resolve("state.json")), "nothing is rewritten");
    }

    @Test
    void unknownSchemaSaysSo() throws Exception {
        StateStore.open(dir).close();
        Files.writeString(dir.resolve("state.json"), "{\"schema_version\":7,\"revision\":0,\"state\":{}}");
        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
        assertTrue(e.getMessage().contains("schema_version 7 is unknown"), e.getMessage());
    }

    @Test
    void missingSnapshotWithJournalIsCorruption() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
        }
        Files.delete(dir.resolve("state.json"));
        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
        assertTrue(e.getMessage().contains("state.json is missing"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("state.json")));
    }

    @Test
    void unreadableSnapshotIsCorruption() throws Exception {
        StateStore.open(dir).close();
        Files.delete(dir.resolve("state.json"));
        Files.createDirectory(dir.resolve("state.json"));
        assertThrows(StateCorruptException.class, () -> StateStore.open(dir));
    }

    @Test
    void compactionKeepsStateAndThePreviousSnapshot() throws Exception {
        NatState expected;
        try (StateStore store = StateStore.open(dir, new StoreOptions(3, 1 << 20))) {
            store.append(put(1));
            store.append(put(2));
            assertFalse(store.compactIfDue());
            store.append(put(3));
            assertTrue(store.compactIfDue());
            assertEquals(0, store.journalBytes());
            assertEquals(0, Files.size(dir.resolve("journal.ndjson")));
            store.append(put(4));
            expected = store.state();
            store.compact();
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(expected, store.state());
            assertEquals(4, store.revision());
        }
        String previous = Files.readString(dir.resolve("state.json.prev"));
        assertTrue(previous.contains("\"revision\":3"), previous);
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state.json.prev"))));
        assertFalse(Files.exists(dir.resolve("state.json.tmp")));
    }

    @Test
    void compactionInterruptedBeforeTheJournalWasEmptiedLoadsOnce() throws Exception {
        byte[] journalBeforeCompaction;
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            store.append(List.of(new StateChange.RemoveForward("f1")));
            journalBeforeCompaction = Files.readAllBytes(dir.resolve("journal.ndjson"));
            store.compact();
            store.append(put(3));
        }
        // Simulate the crash window: snapshot at revision 2 renamed in, old records still in the journal.
        byte[] after = Files.readAllBytes(dir.resolve("journal.ndjson"));
        byte[] both = Arrays.copyOf(journalBeforeCompaction, journalBeforeCompaction.length + after.length);
        System.arraycopy(after, 0, both, journalBeforeCompaction.length, after.length);
        Files.write(dir.resolve("journal.ndjson"), both);
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(3, store.revision());
            assertEquals(List.of("f3"), List.copyOf(store.state().forwards().keySet()));
        }
    }

    @Test
    void undoTakesBackTheLastAppend() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            NatState before = store.state();
            long bytes = store.journalBytes();
            store.append(put(2));
            store.undoLast();
            assertEquals(before, store.state());
            assertEquals(1, store.revision());
            assertEquals(bytes, Files.size(dir.resolve("journal.ndjson")));
            assertThrows(IllegalStateException.class, store::undoLast);
            assertThrows(IllegalArgumentException.class, () -> store.append(List.of()));
            store.append(put(3));
            store.compact();
            assertThrows(IllegalStateException.class, store::undoLast);
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(
                    List.of("f1", "f3"), List.copyOf(store.state().forwards().keySet()));
            assertEquals(2, store.revision());
        }
    }

    @Test
    void oneProcessAtATime() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            IOException e = assertThrows(IOException.class, () -> StateStore.open(dir));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            assertEquals(0, store.revision());
        }
    }

    /** The O(1) claim: one change costs one record whose size does not grow with the state. */
    @Test
    void appendCostDoesNotDependOnStateSize() throws Exception {
        long small = recordBytesAfter(10, dir.resolve("small"));
        long large = recordBytesAfter(50_000, dir.resolve("large"));
        assertEquals(small, large);
        assertTrue(large < 300, "one forward's record is small: " + large);
    }

    private static long recordBytesAfter(int n, Path stateDir) throws Exception {
        try (StateStore store = StateStore.open(stateDir, new StoreOptions(1_000_000, 1L << 40))) {
            List<StateChange> seed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                seed.add(new StateChange.PutForward(forward(i)));
            }
            store.append(seed);
            store.compact();
            long before = Files.size(stateDir.resolve("journal.ndjson"));
            Committed committed = store.append(put(77_777));
            long written = Files.size(stateDir.resolve("journal.ndjson")) - before;
            assertEquals(written, committed.journalBytesWritten());
            assertEquals(n + 1, committed.state().forwards().size());
            return written;
        }
    }

    /**
     * A change whose record would make the compaction due by its size is written once, as the
     * snapshot; a small one stays a record; it loads back, and later changes go to the journal.
     */
    @Test
    void aBulkChangeBecomesTheSnapshotAtOnce() throws Exception {
        List<StateChange> bulk = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            bulk.add(new StateChange.PutForward(forward(i)));
        }
        try (StateStore store = StateStore.open(dir, new StoreOptions(1_000_000, 100_000))) {
            store.append(put(77_777));
            Committed small = store.append(bulk.subList(0, 10));
            assertTrue(small.journalBytesWritten() > 0, "a small change is a journal record");
            Committed committed = store.append(bulk.subList(10, bulk.size()));
            assertEquals(0, committed.journalBytesWritten());
            assertEquals(0, Files.size(dir.resolve("journal.ndjson")));
            assertEquals(3, store.revision());
            assertTrue(Files.readString(dir.resolve("state.json")).startsWith("{\"schema_version\":1,\"revision\":3,"));
            store.append(put(77_778));
            assertTrue(Files.size(dir.resolve("journal.ndjson")) > 0);
        }
        try (StateStore reopened = StateStore.open(dir)) {
            assertEquals(4, reopened.revision());
            assertEquals(2_002, reopened.state().forwards().size());
        }
    }

    @Test
    void applyAsOneRecordOfTheDiff() throws Exception {
        NatState desired = ModelJson.read(
                "{\"forwards\":[{\"name\":\"redis\",\"listen\":\"6379-6380\",\"to\":[\"10.0.1.230:6379\",\"10.0.1.231:6379\"]}]}",
                NatState.class);
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            Committed committed =
                    store.append(StateDiff.between(store.state(), desired).changes());
            assertEquals(desired, committed.state());
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(desired, store.state());
        }
    }
}
