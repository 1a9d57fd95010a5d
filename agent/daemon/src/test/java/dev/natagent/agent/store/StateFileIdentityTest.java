package dev.natagent.agent.store;

import static dev.natagent.agent.store.StateStoreTest.forward;
import static dev.natagent.agent.store.StateStoreTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.NatState;
import dev.natagent.agent.testing.EditorSave;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state files belong to the agent while it runs: a journal or snapshot replaced behind its back
 * is detected by its identity (device and inode) and set aside, and no acknowledged change is lost;
 * a state directory or file that others could have written is refused at start.
 */
class StateFileIdentityTest {
    @TempDir
    Path dir;

    private List<Path> foreign(String name) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(name + ".foreign-"))
                    .toList();
        }
    }

    @Test
    void aJournalReplacedWhileRunningLosesNoAcknowledgedChange() throws Exception {
        Path journal = dir.resolve(StateStore.JOURNAL);
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            byte[] copy = Files.readAllBytes(journal);
            store.append(put(2));
            EditorSave.replace(journal, copy); // the copy misses change 2
            store.append(put(3));
            assertTrue(
                    store.incident().orElseThrow().contains(journal + " was replaced"),
                    store.incident().get());
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(3, store.revision());
            assertEquals(
                    NatState.empty()
                            .withForward(forward(1))
                            .withForward(forward(2))
                            .withForward(forward(3)),
                    store.state(),
                    "every acknowledged change survives the restart");
        }
        assertEquals(1, foreign(StateStore.JOURNAL).size(), "the foreign journal is kept for the operator");
    }

    @Test
    void aSnapshotSwappedInWhileRunningIsNotMergedAtRestart() throws Exception {
        Path snapshot = dir.resolve(StateStore.SNAPSHOT);
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            store.compact();
            store.append(put(2));
            // Same revision, other content: an edited copy of the snapshot put in place.
            ByteArrayOutputStream edited = new ByteArrayOutputStream();
            Snapshot.of(1, NatState.empty().withForward(forward(7))).writeTo(edited);
            EditorSave.replace(snapshot, edited.toByteArray());
        } // closing checks the files too: a stop and start is where the swap used to be merged
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(2, store.revision());
            assertEquals(NatState.empty().withForward(forward(1)).withForward(forward(2)), store.state());
        }
        assertEquals(1, foreign(StateStore.SNAPSHOT).size());
    }

    @Test
    void aJournalRemovedWhileRunningIsWrittenAnew() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            Files.delete(dir.resolve(StateStore.JOURNAL));
            store.append(put(2));
            assertTrue(
                    store.incident().orElseThrow().contains("was removed"),
                    store.incident().get());
        }
        try (StateStore store = StateStore.open(dir)) {
            assertEquals(NatState.empty().withForward(forward(1)).withForward(forward(2)), store.state());
        }
    }

    @Test
    void untouchedFilesAreNoIncident() throws Exception {
        try (StateStore store = StateStore.open(dir)) {
            store.append(put(1));
            store.compact();
            store.append(put(2));
            assertTrue(store.incident().isEmpty());
        }
        assertEquals(List.of(), foreign(StateStore.JOURNAL));
        assertEquals(List.of(), foreign(StateStore.SNAPSHOT));
    }

    @Test
    void aStateDirectoryOthersMayWriteInIsRefused() throws Exception {
        Path state = dir.resolve("state");
        try (StateStore store = StateStore.open(state)) {
            store.append(put(1));
        }
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        StateCorruptException open = assertThrows(StateCorruptException.class, () -> StateStore.open(state));
        assertTrue(open.getMessage().contains("writable by its group or others (mode 0777)"), open.getMessage());
        assertTrue(open.getMessage().contains("leaves the kernel's NAT rules as they are"), open.getMessage());

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        Path journal = state.resolve(StateStore.JOURNAL);
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setAttribute(journal, "unix:uid", 65534);
        StateCorruptException file = assertThrows(StateCorruptException.class, () -> StateStore.open(state));
        assertTrue(file.getMessage().contains(journal + " is owned by uid 65534"), file.getMessage());

        Files.setAttribute(journal, "unix:uid", 0);
        StateCorruptException mode = assertThrows(StateCorruptException.class, () -> StateStore.open(state));
        assertTrue(
                mode.getMessage().contains(journal + " is writable by its group or others (mode 0666)"),
                mode.getMessage());

        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rw-------"));
        try (StateStore store = StateStore.open(state)) {
            assertEquals(1, store.revision(), "usable again once fixed");
        }
    }

    @Test
    void aSymlinkedStateDirectoryOwnedBySomeoneElseIsRefused() throws Exception {
        Path real = dir.resolve("real");
        try (StateStore store = StateStore.open(real)) {
            store.append(put(1));
        }
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        try (StateStore store = StateStore.open(link)) {
            assertEquals(1, store.revision(), "a link of root's to a directory of root's is fine");
        }
        Files.setAttribute(link, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        StateCorruptException e = assertThrows(StateCorruptException.class, () -> StateStore.open(link));
        assertTrue(e.getMessage().contains(link + " is a symbolic link owned by uid 65534"), e.getMessage());

        Files.setAttribute(link, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(real, "unix:uid", 65534);
        StateCorruptException target = assertThrows(StateCorruptException.class, () -> StateStore.open(link));
        assertTrue(target.getMessage().contains("is owned by uid 65534"), target.getMessage());
    }
}
