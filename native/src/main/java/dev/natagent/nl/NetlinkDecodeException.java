package dev.natagent.nl;

import java.io.IOException;

/**
 * A netlink message or attribute that does not parse: truncated, oversized, misaligned or of the
 * wrong size for its schema. Carries the byte offset (from the start of the buffer being decoded)
 * where decoding stopped, so a bad reply can be located in a hex dump.
 */
public final class NetlinkDecodeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int offset;

    public NetlinkDecodeException(int offset, String message) {
        super(message + " (at offset " + offset + ")");
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
