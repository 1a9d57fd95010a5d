package dev.natagent.agent.api;

import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.protocol.AdminProtocol;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chunked apply: a state document too large for one request line ({@link AdminProtocol#MAX_REQUEST_BYTES})
 * arrives as numbered pieces on one connection and is parsed and applied only at commit, so a
 * half-sent document never changes anything. Bounded twice, so that clients cannot exhaust the
 * daemon's heap: per upload (in characters of the document), and for all connections' open uploads
 * together (in bytes of heap, {@link #cost}: a chunk's text and its bookkeeping, so that a document
 * sent one character at a time is as bounded as one sent in large pieces).
 */
final class Uploads {
    static final long MAX_UPLOAD_CHARS = AdminProtocol.MAX_UPLOAD;
    /** Heap for two maximal uploads at once; beyond that chunks get BUSY. */
    static final long MAX_HELD_BYTES = 2 * MAX_UPLOAD_CHARS;
    /** A chunk's objects besides its text: the String, its array's header, the list slot and its slack. */
    static final int CHUNK_OVERHEAD = 64;

    private final long maxUploadChars;
    private final long maxHeldBytes;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong lastId = new AtomicLong();

    Uploads() {
        this(MAX_UPLOAD_CHARS, MAX_HELD_BYTES);
    }

    Uploads(long maxUploadChars, long maxHeldBytes) {
        this.maxUploadChars = maxUploadChars;
        this.maxHeldBytes = maxHeldBytes;
    }

    long maxUploadChars() {
        return maxUploadChars;
    }

    /** Heap bytes held by all open uploads (for tests: discarded uploads must give theirs back). */
    long heldBytes() {
        return held.get();
    }

    /**
     * What a chunk costs on the heap: one byte per character (compact strings) or two when any is
     * beyond Latin-1, plus {@link #CHUNK_OVERHEAD}.
     */
    static long cost(String data) {
        // A plain loop: the chunks of a large document are megabytes, scanned on the I/O thread.
        for (int i = 0; i < data.length(); i++) {
            if (data.charAt(i) > 0xFF) {
                return CHUNK_OVERHEAD + 2L * data.length();
            }
        }
        return CHUNK_OVERHEAD + (long) data.length();
    }

    /** Opens this connection's upload; ids are unique in the agent, so another connection's never matches. */
    Upload begin(ClientSession session, boolean dryRun) {
        Upload upload = new Upload("upload-" + lastId.incrementAndGet(), dryRun, held);
        session.open(upload);
        return upload;
    }

    /**
     * Opens this connection's upload of a document sent as {@code bytes} raw bytes right after the
     * answer to its begin (no JSON escaping, no lines): the whole reservation is made now, so a
     * document over a limit is refused before a byte of it is sent.
     */
    Upload beginBytes(ClientSession session, boolean dryRun, long bytes) {
        if (bytes > maxUploadChars) {
            throw new AdminException(
                    ErrorCode.UPLOAD_TOO_LARGE,
                    "a document of " + bytes + " bytes exceeds the limit of " + maxUploadChars + " bytes",
                    "args.bytes");
        }
        long cost = CHUNK_OVERHEAD + bytes;
        if (held.addAndGet(cost) > maxHeldBytes) {
            held.addAndGet(-cost);
            throw new AdminException(
                    ErrorCode.BUSY,
                    "uploads in progress hold too much data (limit " + maxHeldBytes
                            + " bytes for all clients); retry later");
        }
        Upload upload;
        try {
            upload = new Upload("upload-" + lastId.incrementAndGet(), dryRun, held, (int) bytes, cost);
        } catch (IllegalStateException e) {
            held.addAndGet(-cost);
            throw new AdminException(
                    ErrorCode.BUSY,
                    "no memory for a document of " + bytes + " bytes now (" + e.getMessage() + "); retry later");
        }
        session.openForBytes(upload);
        return upload;
    }

    /**
     * Appends piece {@code seq}. Out of order: refused, upload unchanged. Over a limit: the upload is
     * discarded (the client must start again), so a refused document never lingers in memory.
     */
    Upload append(ClientSession session, String id, long seq, String data) {
        synchronized (session) {
            Upload upload = session.get(id);
            if (upload.inBytes()) {
                throw new AdminException(
                        ErrorCode.BAD_REQUEST,
                        "upload " + id + " was begun with its size in bytes and takes no chunks: commit or abort it",
                        "args.upload");
            }
            if (seq != upload.nextSeq()) {
                throw new AdminException(
                        ErrorCode.UPLOAD_OUT_OF_ORDER,
                        "chunk " + seq + " of upload " + id + " is out of order: expected seq " + upload.nextSeq(),
                        "args.seq");
            }
            if (upload.chars() + data.length() > maxUploadChars) {
                session.discard(upload);
                throw new AdminException(
                        ErrorCode.UPLOAD_TOO_LARGE,
                        "upload " + id + " would exceed " + maxUploadChars + " characters; it was discarded",
                        "args.data");
            }
            long cost = cost(data);
            if (held.addAndGet(cost) > maxHeldBytes) {
                held.addAndGet(-cost);
                session.discard(upload);
                throw new AdminException(
                        ErrorCode.BUSY,
                        "uploads in progress hold too much data (limit " + maxHeldBytes
                                + " bytes for all clients, each chunk counting " + CHUNK_OVERHEAD
                                + " bytes besides its text); upload " + id + " was discarded, retry later");
            }
            upload.add(data, cost);
            return upload;
        }
    }

    /** Ends the upload for its commit: after this it belongs to the caller, whatever the outcome. */
    Upload take(ClientSession session, String id) {
        return session.take(id);
    }

    void abort(ClientSession session, String id) {
        session.take(id).discard();
    }
}
