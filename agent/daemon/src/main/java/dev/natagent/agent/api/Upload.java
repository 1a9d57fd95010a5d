package dev.natagent.agent.api;

import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.nl.NativeBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One uploaded document being received, in either of two forms: pieces of text in numbered
 * {@code apply.chunk} requests, or the document's raw bytes straight off the connection (announced
 * by their count, so the whole reservation is known up front). Nothing is parsed or applied until
 * {@link #state()}. Counts its heap bytes against the agent-wide budget {@code held} and gives them
 * back when discarded. Callers serialise access (the owning {@link ClientSession}'s lock, or the
 * selector thread while raw bytes arrive, before the upload can be committed).
 */
final class Upload {
    private final String id;
    private final boolean dryRun;
    private final AtomicLong held;
    private final boolean inBytes;
    private List<String> chunks;
    /**
     * The raw document (its length announced at begin), or null for an upload in chunks. Outside
     * the heap: a document of megabytes would otherwise stay resident in the old generation long
     * after its parse, under the peak of the apply that follows.
     */
    private NativeBuffer raw;

    private int rawLength;

    private long chars;
    private long cost;

    /** An upload whose text arrives in {@code apply.chunk} requests. */
    Upload(String id, boolean dryRun, AtomicLong held) {
        this.id = id;
        this.dryRun = dryRun;
        this.held = held;
        this.inBytes = false;
        this.chunks = new ArrayList<>();
    }

    /** An upload of {@code bytes} raw bytes, whose heap ({@code cost}) the caller has reserved in {@code held}. */
    Upload(String id, boolean dryRun, AtomicLong held, int bytes, long cost) {
        this.id = id;
        this.dryRun = dryRun;
        this.held = held;
        this.inBytes = true;
        this.raw = NativeBuffer.allocate(bytes);
        this.rawLength = bytes;
        this.cost = cost;
    }

    String id() {
        return id;
    }

    boolean dryRun() {
        return dryRun;
    }

    /** Whether the document arrives as raw bytes rather than in chunks. */
    boolean inBytes() {
        return inBytes;
    }

    /** The seq the next chunk must carry: chunks are numbered from 0 without gaps. */
    int nextSeq() {
        return chunks.size();
    }

    /** Characters of text received so far (bytes, for a raw upload). */
    long chars() {
        return chars;
    }

    /** Bytes of a raw upload still to come (0 once complete, and for an upload in chunks). */
    int missingBytes() {
        return raw == null ? 0 : rawLength - (int) chars;
    }

    /** Appends a piece whose heap bytes ({@code cost}) the caller has already reserved in {@code held}. */
    void add(String data, long cost) {
        chunks.add(data);
        chars += data.length();
        this.cost += cost;
    }

    /** Takes as many of {@code bytes} as the raw document still misses. */
    void add(ByteBuffer bytes) {
        int count = Math.min(bytes.remaining(), missingBytes());
        raw.bytes().put((int) chars, bytes, bytes.position(), count);
        bytes.position(bytes.position() + count);
        chars += count;
    }

    /** The whole document as a state (field errors as for {@code apply}); the data is released. */
    NatState state() {
        if (raw != null) {
            try {
                requireUtf8(raw.bytes());
                return ModelJson.read(raw.inputStream(rawLength), NatState.class);
            } finally {
                discard();
            }
        }
        List<String> document = chunks;
        discard();
        return ModelJson.read(new ChunksReader(document), NatState.class);
    }

    /**
     * The parser would take UTF-16 or UTF-32 too, recognised by their first bytes (a byte-order
     * mark, or the zero bytes of an ASCII character in them); JSON on the wire is UTF-8 only.
     */
    private void requireUtf8(ByteBuffer document) {
        boolean wide = rawLength >= 2
                && ((document.get(0) & 0xff) == 0xfe && (document.get(1) & 0xff) == 0xff
                        || (document.get(0) & 0xff) == 0xff && (document.get(1) & 0xff) == 0xfe);
        for (int i = 0; i < Math.min(4, rawLength) && !wide; i++) {
            wide = document.get(i) == 0;
        }
        if (wide) {
            throw new ValidationException(
                    "", ErrorCode.MALFORMED_JSON, "malformed JSON: the document is not UTF-8 (UTF-16 or UTF-32?)");
        }
    }

    /** Drops the data and returns its bytes to the budget; idempotent. */
    void discard() {
        if (chunks != null || raw != null) {
            chunks = null;
            if (raw != null) {
                raw.close();
            }
            raw = null;
            held.addAndGet(-cost);
        }
    }
}
