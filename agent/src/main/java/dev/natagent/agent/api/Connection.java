package dev.natagent.agent.api;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.Deque;
import jnr.unixsocket.UnixSocketChannel;

/**
 * State of one client connection, touched only by the selector thread except {@link #permitted}, which a
 * worker computes once. One request is in flight at a time, so a connection holds at most one
 * response and about one request line of memory, plus a chunked-apply upload if it opened one
 * (bounded by {@link Uploads}, dropped when the connection closes).
 */
final class Connection {
    final UnixSocketChannel channel;
    final SelectionKey key;
    final Peer peer;
    /** Kept across requests (the chunked-apply upload); closed with the connection. */
    final ClientSession session;

    final LineBuffer input = new LineBuffer();
    /** What is left to write of the response, or null. */
    Deque<ByteBuffer> output;
    /** A request was handed to a worker and its response is not fully written yet. */
    boolean busy;
    /** Close once the pending output is written (after REQUEST_TOO_LARGE, PERMISSION_DENIED, EOF). */
    boolean closeAfterWrite;
    /** The client shut down its side: no more input will come. */
    boolean inputClosed;
    /** Monotonic time (nanos) after which an idle connection is closed. */
    long idleDeadline;

    private volatile Boolean permitted;

    Connection(UnixSocketChannel channel, SelectionKey key, Peer peer, long idleDeadline) {
        this.channel = channel;
        this.key = key;
        this.peer = peer;
        this.session = new ClientSession(peer);
        this.idleDeadline = idleDeadline;
    }

    /** Asks the policy once per connection (it reads the group database, so not on the selector). */
    boolean permitted(AccessPolicy policy) {
        Boolean known = permitted;
        if (known == null) {
            known = policy.permits(peer);
            permitted = known;
        }
        return known;
    }
}
