package dev.natagent.agent.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * One response line, newline included, kept as the chunks it was written in. The forward list of
 * 50,000 forwards is megabytes of JSON: written as one array and copied once more to append the
 * newline, it would need two large contiguous copies, which land in the old generation and grow
 * the heap for one request (bench/agent-rss.sh lists all forwards among its requests). Chunks are
 * small objects, never joined, and no larger than what one socket write takes.
 */
public final class ResponseLine {
    private static final int FIRST_CHUNK = 1024;
    static final int MAX_CHUNK = 64 * 1024;

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
        ChunkedOutput out = new ChunkedOutput();
        body.writeTo(out);
        out.write('\n');
        return out.line();
    }

    /** Fresh buffers over the chunks, in order, for one pass of writing to a socket. */
    Deque<ByteBuffer> buffers() {
        Deque<ByteBuffer> buffers = new ArrayDeque<>(chunks.size());
        for (byte[] chunk : chunks) {
            buffers.add(ByteBuffer.wrap(chunk));
        }
        return buffers;
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

    /** Fills chunks that double from 1 KiB to 64 KiB: a small answer costs one small array. */
    private static final class ChunkedOutput extends OutputStream {
        private final List<byte[]> chunks = new ArrayList<>();
        private byte[] current = new byte[FIRST_CHUNK];
        private int used;

        @Override
        public void write(int b) {
            if (used == current.length) {
                next();
            }
            current[used++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                if (used == current.length) {
                    next();
                }
                int n = Math.min(length, current.length - used);
                System.arraycopy(bytes, offset, current, used, n);
                used += n;
                offset += n;
                length -= n;
            }
        }

        private void next() {
            chunks.add(current);
            current = new byte[Math.min(current.length * 2, MAX_CHUNK)];
            used = 0;
        }

        ResponseLine line() {
            // The last chunk trimmed to what it holds: every chunk is then written whole.
            chunks.add(used == current.length ? current : Arrays.copyOf(current, used));
            return new ResponseLine(chunks);
        }
    }
}
