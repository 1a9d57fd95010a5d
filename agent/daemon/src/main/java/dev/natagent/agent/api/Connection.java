package dev.natagent.agent.api;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.Deque;
import jnr.unixsocket.UnixSocketChannel;

/**
 * State of one client connection, touched only by the selector thread. One request is in flight
 * at a time, so a connection holds at most one response and about one request line of memory
 * (reserved in {@link ClientMemory}), plus a chunked-apply upload if it opened one (bounded by
 * {@link Uploads}, dropped when the connection closes).
 */
final class Connection {
    final UnixSocketChannel channel;
    final SelectionKey key;
    final Peer peer;
    /** Kept across requests (the chunked-apply upload); closed with the connection. */
    final ClientSession session;

    final LineBuffer input = new LineBuffer();
    /** What is left to write of the response as far as it is written, or null between responses. */
    Deque<ByteBuffer> output;
    /** The worker writing the response, told when its chunks are written or the connection closes; or null. */
    ResponseStream stream;
    /** {@link #output} holds the end of the response: once it is written, the response is. */
    boolean outputComplete;
    /** Bytes of {@link #output} not yet written. */
    long outputBytes;
    /** A request was handed to a worker (or the access check runs) and its answer is not fully written yet. */
    boolean busy;
    /** Close once the pending output is written (after REQUEST_TOO_LARGE, BUSY, PERMISSION_DENIED, EOF). */
    boolean closeAfterWrite;
    /** The client shut down its side: no more input will come. */
    boolean inputClosed;
    /** Monotonic time (nanos) after which an idle connection is closed. */
    long idleDeadline;
    /** Monotonic time (nanos) after which a response the client does not read closes the connection. */
    long writeDeadline;
    /** The peer passed the access check: its input is read. */
    boolean admitted;
    /** Answered for the last time: its input is dropped unread until EOF or the drain ends, then it is closed. */
    boolean draining;
    /** Bytes dropped while {@link #draining}. */
    long drained;
    /** Parked until {@link ClientMemory} has room again; not read meanwhile. */
    boolean waiting;
    /**
     * The upload whose raw bytes are being read (they are not request lines), or null. Paid for in
     * {@link Uploads}, not in {@link ClientMemory}.
     */
    Upload body;
    /** Bytes reserved in {@link ClientMemory}: the input buffer's capacity plus {@link #lineCharge}. */
    long charged;
    /** The part of {@link #charged} that pays for the request in progress. */
    long lineCharge;

    Connection(UnixSocketChannel channel, SelectionKey key, Peer peer, long idleDeadline) {
        this.channel = channel;
        this.key = key;
        this.peer = peer;
        this.session = new ClientSession(peer);
        this.idleDeadline = idleDeadline;
    }
}
