package dev.natagent.nl;

import java.io.IOException;

/**
 * Reads a dump's messages as they arrive ({@link NetlinkSession#dump(java.nio.ByteBuffer, String,
 * DumpReader)}), so that a dump of many messages is never held whole.
 */
public interface DumpReader {
    /** One message of the dump, in order; its bytes are valid only during the call (copy what is kept). */
    void accept(NlMessage message) throws IOException;

    /**
     * The dump starts over (the ruleset changed while it ran, or replies were lost): what the
     * messages so far said is to be forgotten; the whole dump follows again.
     */
    void restart();
}
