package dev.natagent.agent.resolve;

import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.JsonIn;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The last good address of every DNS-name target, kept in the state directory
 * ({@value #FILE}: {@code {"schema_version":1,"addresses":{"node.example":{"address":"10.0.1.230",
 * "since":"2026-01-01T00:00:00Z"}}}}) so that a restart while DNS does not answer programs the
 * kernel as before instead of dropping those forwards. Written crash-safely (temp file, fsync,
 * rename, fsync of the directory) whenever an address changes, before the kernel follows it.
 * It is a cache of answers, not of intent: a missing or unreadable file costs only the carried-over
 * addresses, so it never stops the daemon.
 */
public final class LastGoodAddresses {
    private static final Logger LOG = Logger.getLogger(LastGoodAddresses.class.getName());
    public static final String FILE = "addresses.json";
    private static final int SCHEMA_VERSION = 1;

    /** For callers that keep nothing across restarts (tests, tools). */
    public static final LastGoodAddresses NONE = new LastGoodAddresses(null);

    /** One remembered answer: the address and since when it has been in use. */
    public record Saved(Ipv4 address, Instant since) {}

    private final Path file;

    private LastGoodAddresses(Path file) {
        this.file = file;
    }

    public static LastGoodAddresses in(Path stateDir) {
        return new LastGoodAddresses(stateDir.resolve(FILE));
    }

    /** What the file holds, by host; empty when there is none or it cannot be read (said in the log). */
    public Map<String, Saved> load() {
        Map<String, Saved> saved = new TreeMap<>();
        if (file == null) {
            return saved;
        }
        try {
            return JsonIn.read(Files.readAllBytes(file), LastGoodAddresses::read);
        } catch (NoSuchFileException e) {
            return saved;
        } catch (IOException | RuntimeException e) {
            LOG.warning("ignoring " + file + " (last good addresses of DNS targets): " + e.getMessage()
                    + "; names are looked up afresh");
            return new TreeMap<>();
        }
    }

    private static final JsonIn.Fields FIELDS = new JsonIn.Fields("schema_version", "addresses");
    private static final JsonIn.Fields ENTRY = new JsonIn.Fields("address", "since");

    private static Map<String, Saved> read(JsonIn in) throws IOException {
        in.startObject();
        Integer schemaVersion = null;
        Map<String, Saved> saved = new TreeMap<>();
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            if (field == 0) {
                schemaVersion = in.integer();
            } else {
                in.startObject();
                for (String host; (host = in.nextName()) != null; ) {
                    saved.put(host, entry(in));
                }
            }
        }
        if (schemaVersion == null || schemaVersion != SCHEMA_VERSION) {
            throw in.error(ErrorCode.INVALID_VALUE, "schema_version is not " + SCHEMA_VERSION);
        }
        return saved;
    }

    private static Saved entry(JsonIn in) throws IOException {
        in.startObject();
        Ipv4 address = null;
        Instant since = null;
        for (int field; (field = in.nextField(ENTRY)) >= 0; ) {
            if (field == 0) {
                address = in.string(Ipv4::parse, "a string");
            } else {
                since = in.string(Instant::parse, "a string");
            }
        }
        if (address == null || since == null) {
            throw in.error(ErrorCode.MISSING_FIELD, "an entry needs address and since");
        }
        return new Saved(address, since);
    }

    /** Replaces the file with the addresses of {@code statuses}; a failure is logged, the daemon goes on. */
    public synchronized void save(Collection<TargetStatus> statuses) {
        if (file == null) {
            return;
        }
        byte[] json = JsonWriting.toBytes(out -> {
            out.writeStartObject();
            out.writeNumberField("schema_version", SCHEMA_VERSION);
            out.writeObjectFieldStart("addresses");
            for (TargetStatus status : statuses) {
                if (status.address().isPresent()) {
                    out.writeObjectFieldStart(status.host());
                    out.writeStringField("address", status.address().get().toString());
                    out.writeStringField(
                            "since", status.lastChange().orElse(Instant.EPOCH).toString());
                    out.writeEndObject();
                }
            }
            out.writeEndObject();
            out.writeEndObject();
        });
        Path temp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(json));
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            // The kernel still follows the new answer; only a restart during a DNS outage would
            // fall back to the older address on disk.
            LOG.warning("could not write " + file + ": " + e.getMessage());
        }
    }
}
