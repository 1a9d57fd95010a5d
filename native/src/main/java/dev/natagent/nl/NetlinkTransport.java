package dev.natagent.nl;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The seam between the request/reply logic and a netlink socket: {@link NetlinkSocket} is the real
 * one, tests use a scripted fake. Implementations are not thread-safe; one thread owns a transport.
 */
public interface NetlinkTransport extends Closeable {
    /**
     * Reserves {@code count} consecutive sequence numbers, never 0 and increasing across calls,
     * and returns the first.
     */
    int reserveSeq(int count);

    /** Sends {@code datagram}'s remaining bytes as one datagram to the kernel. */
    void send(ByteBuffer datagram) throws IOException;

    /**
     * Waits up to {@code timeoutMillis} for one datagram from the kernel. The returned buffer spans
     * exactly the datagram (position 0, limit = length) and is valid until the next call.
     *
     * @return empty when the timeout expired
     * @throws MessagesLostException the kernel dropped replies or events (ENOBUFS)
     * @throws DatagramTruncatedException a datagram did not fit the receive buffer
     */
    Optional<ByteBuffer> receive(long timeoutMillis) throws IOException;

    /** Makes room for at least {@code bytes} of queued replies (best effort without CAP_NET_ADMIN). */
    void ensureReceiveBuffer(int bytes) throws IOException;
}
