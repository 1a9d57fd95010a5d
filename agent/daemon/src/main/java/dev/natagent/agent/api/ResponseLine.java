package dev.natagent.agent.api;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One whole response line, newline included, kept as the chunks a {@link ResponseStream} wrote it
 * in (never joined): the answers the selector thread makes itself (refusals) and tests.
 */
public final class ResponseLine {
    private final List<byte[]> chunks;

    private ResponseLine(List<byte[]> chunks) {
        this.chunks = chunks;
    }

    /** What writes the line's JSON; the newline is added after it. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    static ResponseLine write(Body body) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        ResponseStream out = new ResponseStream(
                (stream, handed, last) -> chunks.addAll(handed), ResponseStream.UNBOUNDED, ResponseStream.Waits.NONE);
        body.writeTo(out);
        out.finish();
        return new ResponseLine(chunks);
    }

    List<byte[]> chunks() {
        return chunks;
    }

    public int length() {
        int length = 0;
        for (byte[] chunk : chunks) {
            length += chunk.length;
        }
        return length;
    }

    /** The whole line in one array (tests and small lines; the server writes the chunks). */
    public byte[] toByteArray() {
        byte[] line = new byte[length()];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, line, at, chunk.length);
            at += chunk.length;
        }
        return line;
    }
}
