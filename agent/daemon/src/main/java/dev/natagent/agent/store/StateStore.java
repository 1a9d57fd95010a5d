package dev.natagent.agent.store;

import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.StateChange;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Durable desired state in a directory (default {@code /var/lib/nat-agent}):
 *
 * <ul>
 *   <li>{@code state.json}: snapshot {@code {"schema_version":1,"revision":R,"state":{...}}}, mode
 *       0600, replaced crash-safely (temp file in the same directory, fsync, rename, fsync of the
 *       directory); the snapshot it replaces is kept as {@code state.json.prev}.
 *   <li>{@code journal.ndjson}: one checksummed line per acknowledged change (revision R+1, R+2, ...),
 *       fsynced after each append, so a change costs O(size of the change), not O(N).
 * </ul>
 *
 * A change whose journal record would make the compaction due by its size alone (a bulk apply of
 * tens of thousands of forwards) becomes the new snapshot at once: the compaction right after the
 * record would write the same state a second time. Smaller changes stay one record: a snapshot
 * costs more fsyncs than an append.
 *
 * Load = snapshot + replay of the journal. A torn last journal line (crash mid-append: it was never
 * acknowledged) is cut off; anything else that does not add up is a {@link StateCorruptException},
 * also a complete last record that fails its checksum (it was written in full, so it was probably
 * acknowledged: an operator decides), and a directory or file that others could have written
 * ({@link TrustedPaths}).
 *
 * <p>The files are the agent's alone while it runs. Before each append, compaction and at close it
 * checks that the journal and snapshot at their paths are still the files it wrote (device and
 * inode): one replaced behind its back (an editor's copy-and-rename) is moved aside as {@code
 * NAME.foreign-MILLIS} and the state, every acknowledged change included, is written anew from
 * memory; {@link #incident()} says so.
 * A failed write (ENOSPC, EIO) throws and leaves the previous state loadable. Not thread-safe by
 * design of its caller: every method is synchronized and the daemon serialises writers anyway.
 * One process at a time: the journal is locked while the store is open.
 */
public final class StateStore implements Closeable {
    private static final Logger LOG = Logger.getLogger(StateStore.class.getName());
    public static final String SNAPSHOT = "state.json";
    public static final String PREVIOUS = "state.json.prev";
    public static final String JOURNAL = "journal.ndjson";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final int WRITE_BUFFER = 64 * 1024;
    /** About what one change takes in a journal record (a forward's JSON), to foresee a record's size. */
    private static final int TYPICAL_CHANGE_BYTES = 100;

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path dir;
    private final StoreOptions options;
    private FileChannel journal;
    private FileLock lock;
    private final boolean fresh;
    private final long discardedTailBytes;

    private NatState state;
    private long revision;
    private long journalSize;
    private int journalRecords;
    /** What {@link #undoLast} restores; null when there is nothing to undo. */
    private Undo undo;
    /** Identity (device and inode) of the journal and the snapshot this store wrote or loaded. */
    private Object journalKey;

    private Object snapshotKey;
    /** The last time files were found replaced behind the agent's back, or null. */
    private String incident;

    private record Undo(long journalOffset, NatState state, long revision, int journalRecords) {}

    private StateStore(
            Path dir, StoreOptions options, FileChannel journal, FileLock lock, boolean fresh, Loaded loaded) {
        this.dir = dir;
        this.options = options;
        this.journal = journal;
        this.lock = lock;
        this.fresh = fresh;
        this.state = loaded.state;
        this.revision = loaded.revision;
        this.journalSize = loaded.journalSize;
        this.journalRecords = loaded.journalRecords;
        this.discardedTailBytes = loaded.discardedTailBytes;
    }

    public static StateStore open(Path dir) throws IOException, StateCorruptException {
        return open(dir, StoreOptions.DEFAULTS);
    }

    /**
     * Opens (creating on first start) the store in {@code dir} and loads it.
     *
     * @throws StateCorruptException when what is on disk cannot be trusted (nothing is changed then)
     * @throws IOException when the directory cannot be used at all (permissions, in use, disk)
     */
    public static StateStore open(Path dir, StoreOptions options) throws IOException, StateCorruptException {
        Objects.requireNonNull(options, "options");
        if (!Files.isDirectory(dir) && !Files.isSymbolicLink(dir)) {
            Files.createDirectories(dir, OWNER_ONLY_DIR);
        }
        requireTrusted(dir);
        Path snapshotPath = dir.resolve(SNAPSHOT);
        Path journalPath = dir.resolve(JOURNAL);
        boolean fresh =
                !Files.exists(snapshotPath) && !Files.exists(dir.resolve(PREVIOUS)) && isEmptyOrMissing(journalPath);
        FileChannel journal = FileChannel.open(
                journalPath,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                OWNER_ONLY_FILE);
        try {
            FileLock lock = tryLock(journal);
            if (lock == null) {
                throw new IOException("state directory " + dir + " is in use by another nat-agent process");
            }
            if (fresh) {
                writeSnapshot(dir, Snapshot.of(0, NatState.empty()));
            }
            Loaded loaded = load(dir, journal);
            StateStore store = new StateStore(dir, options, journal, lock, fresh, loaded);
            store.journalKey = fileKey(journalPath);
            store.snapshotKey = fileKey(snapshotPath);
            return store;
        } catch (IOException | StateCorruptException | RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** True when nothing was on disk: the daemon seeds the state from its config file. */
    public boolean isFresh() {
        return fresh;
    }

    /** Bytes of a torn last journal record cut off at load (0 normally); worth a log line. */
    public long discardedTailBytes() {
        return discardedTailBytes;
    }

    public Path directory() {
        return dir;
    }

    public synchronized NatState state() {
        return state;
    }

    public synchronized long revision() {
        return revision;
    }

    public synchronized long journalBytes() {
        return journalSize;
    }

    public synchronized int journalRecords() {
        return journalRecords;
    }

    /**
     * Records {@code changes} as one revision and returns once they are on disk (fsync). The cost is
     * one record of the size of the changes, independent of the size of the state. On failure
     * (ENOSPC, EIO) the journal is cut back and the state stays as it was.
     */
    public synchronized Committed append(List<StateChange> changes) throws IOException {
        ensureOpen();
        requireChanges(changes);
        return record(changes, StateChange.applyAll(state, changes));
    }

    /**
     * {@link #append(List)} for a caller that already holds the resulting state, {@code next}: the
     * state with {@code changes} applied, as the service has it after validating and programming
     * exactly that state. Spares applying a large change a second time (a cold apply of 50,000
     * forwards: tens of milliseconds of persistent-map inserts).
     */
    public synchronized Committed append(List<StateChange> changes, NatState next) throws IOException {
        ensureOpen();
        requireChanges(changes);
        return record(changes, Objects.requireNonNull(next, "next"));
    }

    private static void requireChanges(List<StateChange> changes) {
        if (changes.isEmpty()) {
            // An empty revision would make undoLast ambiguous; callers skip empty diffs.
            throw new IllegalArgumentException("no changes to record");
        }
    }

    private Committed record(List<StateChange> changes, NatState next) throws IOException {
        verifyFiles();
        long nextRevision = revision + 1;
        if ((long) changes.size() * TYPICAL_CHANGE_BYTES >= options.compactAtBytes() - journalSize) {
            return recordAsSnapshot(nextRevision, next);
        }
        long start = journalSize;
        long length;
        try {
            if (journal.size() != start) {
                // A previous failed append may have left bytes behind.
                journal.truncate(start);
            }
            journal.position(start);
            // Streamed through a buffer, never closed: closing the stream would close the journal.
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(journal), WRITE_BUFFER);
            length = new JournalRecord(nextRevision, changes).writeTo(out);
            out.flush();
            // fdatasync: the file size is data needed to read the record back, so it is flushed too.
            journal.force(false);
        } catch (IOException e) {
            cutBack(start, e);
            // The last successful append is no longer the latest write; never undo it by mistake.
            undo = null;
            throw new IOException(
                    "could not record the change in " + dir.resolve(JOURNAL) + ": " + e.getMessage()
                            + "; the change was not saved and the previous state is intact",
                    e);
        }
        undo = new Undo(start, state, revision, journalRecords);
        state = next;
        revision = nextRevision;
        journalSize = start + length;
        journalRecords++;
        return new Committed(nextRevision, next, length);
    }

    /**
     * Writes {@code next} as the snapshot of {@code nextRevision} (crash-safe: until the rename the
     * previous snapshot and journal are the state) and empties the journal, whose records the
     * snapshot now holds: should emptying it fail, the loader skips them by their revision, and
     * later records follow them.
     */
    private Committed recordAsSnapshot(long nextRevision, NatState next) throws IOException {
        writeSnapshot(dir, Snapshot.of(nextRevision, next));
        snapshotKey = fileKey(dir.resolve(SNAPSHOT));
        state = next;
        revision = nextRevision;
        undo = null;
        try {
            journal.truncate(0);
            journal.force(false);
            journalSize = 0;
            journalRecords = 0;
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "could not empty the journal after writing the snapshot (its records are in the snapshot"
                            + " and are skipped when loading): " + e.getMessage());
        }
        return new Committed(nextRevision, next, 0);
    }

    /**
     * Takes back the last {@link #append} (e.g. the kernel refused the change after it was
     * journalled). Only the most recent append can be undone, and not after a compaction.
     */
    public synchronized void undoLast() throws IOException {
        ensureOpen();
        if (undo == null) {
            throw new IllegalStateException("there is no journalled change to undo");
        }
        journal.truncate(undo.journalOffset);
        journal.force(false);
        state = undo.state;
        revision = undo.revision;
        journalSize = undo.journalOffset;
        journalRecords = undo.journalRecords;
        undo = null;
    }

    /** Compacts when the journal has reached the configured record count or size. */
    public synchronized boolean compactIfDue() throws IOException {
        if (journalRecords >= options.compactEveryRecords() || journalSize >= options.compactAtBytes()) {
            compact();
            return true;
        }
        return false;
    }

    /**
     * Folds the journal into a new snapshot (the old one becomes {@code state.json.prev}) and
     * empties the journal. A crash in between is harmless: records already in the snapshot are
     * skipped at load by their revision.
     */
    public synchronized void compact() throws IOException {
        ensureOpen();
        verifyFiles();
        rewrite();
    }

    /** Writes the state as a new snapshot and empties the journal. */
    private void rewrite() throws IOException {
        writeSnapshot(dir, Snapshot.of(revision, state));
        snapshotKey = fileKey(dir.resolve(SNAPSHOT));
        journal.truncate(0);
        journal.force(false);
        journalSize = 0;
        journalRecords = 0;
        undo = null;
    }

    /** What was last found replaced behind the agent's back and how it was handled, if ever. */
    public synchronized Optional<String> incident() {
        return Optional.ofNullable(incident);
    }

    /**
     * Checks that the journal and snapshot at their paths are the files this store wrote. One that
     * is missing or another file (moved or copied over it while the agent runs) is moved aside,
     * never deleted, and the state in memory, which holds every acknowledged change, is written
     * anew; going on with the foreign file would lose changes at the next start or silently
     * merge a state nobody acknowledged.
     */
    public synchronized void verifyFiles() throws IOException {
        ensureOpen();
        Path journalPath = dir.resolve(JOURNAL);
        Path snapshotPath = dir.resolve(SNAPSHOT);
        boolean journalReplaced = !Objects.equals(journalKey, fileKey(journalPath));
        boolean snapshotReplaced = !Objects.equals(snapshotKey, fileKey(snapshotPath));
        if (!journalReplaced && !snapshotReplaced) {
            return;
        }
        String stamp = ".foreign-" + System.currentTimeMillis();
        List<String> found = new ArrayList<>();
        if (journalReplaced) {
            found.add(setAside(journalPath, stamp));
            FileChannel fresh = FileChannel.open(
                    journalPath,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    OWNER_ONLY_FILE);
            FileLock freshLock = tryLock(fresh);
            if (freshLock == null) {
                fresh.close();
                throw new IOException("another process locked the new " + journalPath + " at once; not writing to it");
            }
            FileChannel old = journal;
            journal = fresh;
            lock = freshLock;
            journalKey = fileKey(journalPath);
            old.close();
        }
        if (snapshotReplaced) {
            found.add(setAside(snapshotPath, stamp));
        }
        rewrite();
        incident = String.join("; ", found) + ". nat-agent wrote its state (revision " + revision
                + ", every acknowledged change) anew to " + snapshotPath
                + "; edit the state only through natctl (apply, forward add/remove), never the files";
        LOG.log(Level.SEVERE, "state files changed behind the agent's back: " + incident);
    }

    /** Moves a foreign file aside (kept for the operator) and says what happened to it. */
    private static String setAside(Path file, String stamp) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return file + " was removed";
        }
        Path kept = file.resolveSibling(file.getFileName() + stamp);
        atomicMove(file, kept);
        return file + " was replaced by another file (kept as " + kept + ")";
    }

    /** Device and inode of the file at {@code path} (never a link's target), or null if there is none. */
    private static Object fileKey(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Refuses a state directory, or files in it, that someone besides root and the agent could have written. */
    private static void requireTrusted(Path dir) throws IOException, StateCorruptException {
        int ownUid = TrustedPaths.currentUid();
        Optional<String> problem = TrustedPaths.directoryProblem(dir, ownUid);
        for (String name : List.of(SNAPSHOT, PREVIOUS, JOURNAL)) {
            Path file = dir.resolve(name);
            if (problem.isEmpty() && (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file))) {
                problem = TrustedPaths.fileProblem(file, ownUid);
            }
        }
        if (problem.isPresent()) {
            throw new StateCorruptException(
                    dir,
                    "persisted NAT state is unusable: the state directory cannot be trusted: " + problem.get()
                            + ", so others could have changed the NAT state. nat-agent leaves the kernel's NAT rules"
                            + " as they are and refuses changes until this is fixed. To recover: check the files,"
                            + " make the directory and its files owned by root (or the agent's user) and writable by"
                            + " nobody else (`chown -R root:root " + dir + " && chmod 0700 " + dir + " && chmod 0600 "
                            + dir + "/*`; not a symbolic link to a directory others own), then restart nat-agent.",
                    null);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (journal.isOpen()) {
            try {
                verifyFiles();
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "could not check the state files at close: " + e.getMessage());
            }
            try {
                lock.release();
            } finally {
                journal.close();
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (!journal.isOpen()) {
            throw new IOException("the state store " + dir + " is closed");
        }
    }

    private void cutBack(long offset, IOException cause) {
        try {
            journal.truncate(offset);
            journal.force(false);
        } catch (IOException again) {
            // The torn bytes stay; the next append truncates first and a load discards a torn tail.
            cause.addSuppressed(again);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process
        }
    }

    private static boolean isEmptyOrMissing(Path file) throws IOException {
        try {
            return Files.size(file) == 0;
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private record Loaded(
            NatState state, long revision, long journalSize, int journalRecords, long discardedTailBytes) {}

    private static Loaded load(Path dir, FileChannel journal) throws StateCorruptException {
        Path snapshotPath = dir.resolve(SNAPSHOT);
        Snapshot snapshot;
        try {
            snapshot = Snapshot.parse(Files.readAllBytes(snapshotPath));
        } catch (NoSuchFileException e) {
            throw corrupt(
                    dir,
                    snapshotPath,
                    SNAPSHOT + " is missing although " + (Files.exists(dir.resolve(PREVIOUS)) ? PREVIOUS : JOURNAL)
                            + " exists",
                    e);
        } catch (IOException | RuntimeException e) {
            throw corrupt(dir, snapshotPath, snapshotPath + " cannot be used: " + problem(e), e);
        }
        byte[] bytes;
        try {
            bytes = readAll(journal);
        } catch (IOException e) {
            throw corrupt(dir, dir.resolve(JOURNAL), "cannot read " + dir.resolve(JOURNAL) + ": " + problem(e), e);
        }
        return replay(dir, snapshot, bytes, journal);
    }

    private static Loaded replay(Path dir, Snapshot snapshot, byte[] bytes, FileChannel journal)
            throws StateCorruptException {
        Path journalPath = dir.resolve(JOURNAL);
        List<JournalRecord> records = new ArrayList<>();
        int position = 0;
        int lineNumber = 0;
        long tornAt = -1;
        while (position < bytes.length) {
            lineNumber++;
            int newline = indexOf(bytes, (byte) '\n', position);
            boolean lastLine = newline < 0 || newline == bytes.length - 1;
            int end = newline < 0 ? bytes.length : newline;
            try {
                if (newline < 0) {
                    throw new IOException("record has no end of line");
                }
                records.add(JournalRecord.parse(Arrays.copyOfRange(bytes, position, end)));
            } catch (IOException e) {
                if (lastLine && isTorn(bytes, position, newline)) {
                    // A crash mid-append: the record was never acknowledged, so dropping it is exact.
                    tornAt = position;
                    break;
                }
                if (lastLine) {
                    throw corrupt(
                            dir,
                            journalPath,
                            journalPath + " record " + lineNumber + " (byte offset " + position
                                    + "), the last one, is complete but damaged: " + e.getMessage()
                                    + ". It was written in full, so it was most likely acknowledged; nat-agent does not"
                                    + " guess. To drop that one change run `truncate -s " + position + " " + journalPath
                                    + "` (the agent then takes it out of the kernel too), or restore a backup of "
                                    + dir,
                            e);
                }
                throw corrupt(
                        dir,
                        journalPath,
                        journalPath + " record " + lineNumber + " (byte offset " + position + ") is damaged: "
                                + e.getMessage() + "; later records depend on it",
                        e);
            }
            position = end + 1;
        }
        NatState state = snapshot.state();
        long revision = snapshot.revision();
        for (JournalRecord record : records) {
            if (record.revision() <= snapshot.revision() && revision == snapshot.revision()) {
                // Left over from a compaction interrupted before the journal was emptied.
                continue;
            }
            if (record.revision() != revision + 1) {
                throw corrupt(
                        dir,
                        journalPath,
                        journalPath + " jumps from revision " + revision + " to " + record.revision()
                                + "; records are missing or out of order",
                        null);
            }
            state = StateChange.applyAll(state, record.changes());
            revision = record.revision();
        }
        long discarded = 0;
        long size = bytes.length;
        if (tornAt >= 0) {
            discarded = bytes.length - tornAt;
            size = tornAt;
            try {
                journal.truncate(tornAt);
                journal.force(false);
            } catch (IOException e) {
                throw corrupt(
                        dir,
                        journalPath,
                        "cannot cut the torn last record off " + journalPath + ": " + e.getMessage(),
                        e);
            }
        }
        return new Loaded(state, revision, size, records.size(), discarded);
    }

    /**
     * Whether a last line that does not parse is a crash's torn append (never acknowledged): it has
     * no end of line, or holds NUL bytes (blocks the disk never got read back as zeros), or does
     * not even start as a record.
     */
    private static boolean isTorn(byte[] bytes, int start, int newline) {
        if (newline < 0) {
            return true;
        }
        for (int i = start; i < newline; i++) {
            if (bytes[i] == 0) {
                return true;
            }
        }
        return !JournalRecord.startsLikeARecord(bytes, start, newline);
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("journal is too large to load (" + size + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        long position = 0;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            position += read;
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Temp file in the same directory, fsync, keep the old one as .prev, rename, fsync the directory. */
    private static void writeSnapshot(Path dir, Snapshot snapshot) throws IOException {
        Path target = dir.resolve(SNAPSHOT);
        Path temp = dir.resolve(SNAPSHOT + TEMP_SUFFIX);
        Files.deleteIfExists(temp);
        try (FileChannel out = FileChannel.open(
                temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY_FILE)) {
            // Streamed: as one array, a large snapshot would be megabytes of garbage per write (and
            // a temporary direct buffer of the same size for the copy into the kernel).
            OutputStream stream = new BufferedOutputStream(Channels.newOutputStream(out), WRITE_BUFFER);
            snapshot.writeTo(stream);
            stream.flush();
            out.force(true);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw new IOException(
                    "could not write the state snapshot " + temp + ": " + e.getMessage()
                            + "; the previous snapshot is intact",
                    e);
        }
        if (Files.exists(target)) {
            // A hard link keeps the old snapshot under its .prev name without copying it.
            Path previousTemp = dir.resolve(PREVIOUS + TEMP_SUFFIX);
            Files.deleteIfExists(previousTemp);
            Files.createLink(previousTemp, target);
            atomicMove(previousTemp, dir.resolve(PREVIOUS));
        }
        atomicMove(temp, target);
        fsyncDirectory(dir);
    }

    private static void atomicMove(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory's file system cannot rename atomically: " + e.getMessage(), e);
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file, IOException cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException again) {
            cause.addSuppressed(again);
        }
    }

    /** Why a file could not be read: the JDK's AccessDeniedException message is only the path. */
    private static String problem(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (check the owner and mode of the file and of its directory)";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage();
    }

    private static StateCorruptException corrupt(Path dir, Path file, String problem, Throwable cause) {
        Path previous = dir.resolve(PREVIOUS);
        String recover = Files.exists(previous)
                ? "inspect it; to go back to the previous snapshot run `cp -p " + previous + " " + dir.resolve(SNAPSHOT)
                        + " && : > " + dir.resolve(JOURNAL) + "` (changes made after that snapshot are lost), or move "
                        + dir + " aside to start again from the config file"
                : "inspect it, or move " + dir + " aside to start again from the config file";
        return new StateCorruptException(
                file,
                "persisted NAT state is unusable: " + problem
                        + ". nat-agent leaves the kernel's NAT rules as they are and"
                        + " refuses changes until this is fixed. To recover: " + recover + ", then restart nat-agent.",
                cause);
    }
}
