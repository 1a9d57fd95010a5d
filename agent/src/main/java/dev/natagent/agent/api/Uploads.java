package dev.natagent.agent.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Chunked apply: a state document too large for one request line ({@link AdminProtocol#MAX_REQUEST_BYTES})
 * arrives as numbered pieces on one connection and is parsed and applied only at commit, so a
 * half-sent document never changes anything. Bounded twice, so that clients cannot exhaust the
 * daemon's heap: per upload, and for all connections' open uploads together.
 */
final class Uploads {
    /** 16 Mi characters: about five times a 50,000-forward document, and a size the daemon's heap can parse. */
    static final long MAX_UPLOAD_CHARS = 16L << 20;
    /** Two maximal uploads at once; beyond that chunks get BUSY. */
    static final long MAX_HELD_CHARS = 2 * MAX_UPLOAD_CHARS;

    private final long maxUploadChars;
    private final long maxHeldChars;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong lastId = new AtomicLong();

    Uploads() {
        this(MAX_UPLOAD_CHARS, MAX_HELD_CHARS);
    }

    Uploads(long maxUploadChars, long maxHeldChars) {
        this.maxUploadChars = maxUploadChars;
        this.maxHeldChars = maxHeldChars;
    }

    long maxUploadChars() {
        return maxUploadChars;
    }

    /** Characters held by all open uploads (for tests: discarded uploads must give theirs back). */
    long heldChars() {
        return held.get();
    }

    /** Opens this connection's upload; ids are unique in the agent, so another connection's never matches. */
    Upload begin(ClientSession session, boolean dryRun) {
        Upload upload = new Upload("upload-" + lastId.incrementAndGet(), dryRun, held);
        session.open(upload);
        return upload;
    }

    /**
     * Appends piece {@code seq}. Out of order: refused, upload unchanged. Over a limit: the upload is
     * discarded (the client must start again), so a refused document never lingers in memory.
     */
    Upload append(ClientSession session, String id, long seq, String data) {
        synchronized (session) {
            Upload upload = session.get(id);
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
            if (held.addAndGet(data.length()) > maxHeldChars) {
                held.addAndGet(-data.length());
                session.discard(upload);
                throw new AdminException(
                        ErrorCode.BUSY,
                        "uploads in progress hold too much data (limit " + maxHeldChars
                                + " characters for all clients); upload " + id + " was discarded, retry later");
            }
            upload.add(data);
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
