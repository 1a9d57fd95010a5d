package dev.natagent.nl;

import java.io.IOException;

/** A received datagram was larger than the receive buffer, so its tail was lost (MSG_TRUNC). */
public final class DatagramTruncatedException extends IOException {
    private static final long serialVersionUID = 1L;

    public DatagramTruncatedException(long datagramBytes, int bufferBytes) {
        super("netlink datagram of " + datagramBytes + " bytes truncated to the " + bufferBytes + "-byte buffer");
    }
}
