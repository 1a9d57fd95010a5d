package dev.natagent.agent.api;

import dev.natagent.agent.model.ErrorCode;

/**
 * What the agent keeps for one admin connection between its requests: who is at the other end and
 * its chunked-apply upload, if one is open. A connection runs one request at a time, but it may
 * close (on the selector thread) while a request runs on a worker, so the upload slot is locked.
 */
public final class ClientSession implements AutoCloseable {
    private final Peer peer;
    /** The open upload, or null; guarded by this. */
    private Upload upload;
    /** An upload whose raw bytes the connection is to read next, until the server takes it; guarded by this. */
    private Upload awaitingBytes;
    /** The connection is gone: an upload begun now would never be committed. Guarded by this. */
    private boolean closed;

    public ClientSession(Peer peer) {
        this.peer = peer;
    }

    public Peer peer() {
        return peer;
    }

    /** Holds {@code next} as this connection's upload; UPLOAD_IN_PROGRESS if one is open already. */
    synchronized void open(Upload next) {
        if (upload != null) {
            next.discard();
            throw new AdminException(
                    ErrorCode.UPLOAD_IN_PROGRESS,
                    "upload " + upload.id() + " is still open on this connection: commit or abort it first");
        }
        if (closed) {
            next.discard();
            return;
        }
        upload = next;
    }

    /** As {@link #open}, for an upload whose raw bytes follow the answer to its begin on this connection. */
    synchronized void openForBytes(Upload next) {
        open(next);
        if (upload == next) {
            awaitingBytes = next;
        }
    }

    /**
     * The upload whose raw bytes come next on the connection, once (the server reads them into it
     * instead of request lines), or null.
     */
    synchronized Upload takeAwaitingBytes() {
        Upload next = awaitingBytes;
        awaitingBytes = null;
        return next;
    }

    /** The open upload called {@code id}; UPLOAD_NOT_FOUND otherwise (other connections' ids included). */
    synchronized Upload get(String id) {
        if (upload == null || !upload.id().equals(id)) {
            throw new AdminException(
                    ErrorCode.UPLOAD_NOT_FOUND,
                    "no open upload '" + RequestDecoder.abbreviate(id) + "' on this connection"
                            + (upload == null ? "" : " (the open one is " + upload.id() + ")"),
                    "args.upload");
        }
        return upload;
    }

    /** Removes the upload called {@code id} from the connection and returns it (still holding its data). */
    synchronized Upload take(String id) {
        Upload taken = get(id);
        upload = null;
        return taken;
    }

    /** Discards the open upload if it is {@code which} (it failed and must not linger). */
    synchronized void discard(Upload which) {
        if (upload == which) {
            upload = null;
        }
        which.discard();
    }

    /** The connection closed: its upload, if any, is dropped unapplied. */
    @Override
    public synchronized void close() {
        closed = true;
        awaitingBytes = null;
        if (upload != null) {
            upload.discard();
            upload = null;
        }
    }
}
