package dev.natagent.agent.api;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One response line as it is written, handed on in chunks while it is being written rather than
 * once it is whole: the forward list, an export or the metrics of 50,000 forwards are megabytes,
 * and a line held whole until written would hold all of that for each request.
 *
 * <p>At most {@code window} bytes handed on may be unwritten: a writer that would go beyond waits
 * until the client has read some, so a slow reader slows the writer down instead of making the
 * daemon buffer its answer. When the client goes away, {@link #cancel()} makes the writer's next
 * hand-on fail, so it stops and drops what it holds.
 *
 * <p>Chunks double from 1 KiB to {@link #MAX_CHUNK}: a small answer costs one small array. They
 * are handed on {@link #MAX_CHUNK} bytes at a time (and the rest when the line ends), so a small
 * answer goes out whole, and anything that fails before the first hand-on can still be answered
 * with an error line instead.
 */
final class ResponseStream extends OutputStream {
    private static final int FIRST_CHUNK = 1024;
    static final int MAX_CHUNK = 64 * 1024;
    /** No limit: the writer never waits. */
    static final long UNBOUNDED = Long.MAX_VALUE;

    /** Takes the chunks handed on, in order; {@code last} with the line's final ones. */
    @FunctionalInterface
    interface Sink {
        void take(ResponseStream stream, List<byte[]> chunks, boolean last);
    }

    /** Told when the writing thread starts and stops waiting for the client. */
    interface Waits {
        Waits NONE = new Waits() {
            @Override
            public void begin() {}

            @Override
            public void end() {}
        };

        void begin();

        void end();
    }

    private final Sink sink;
    private final long window;
    private final Waits waits;
    private final List<byte[]> filled = new ArrayList<>();
    private long filledBytes;
    private byte[] current = new byte[FIRST_CHUNK];
    private int used;
    private boolean committed;
    private boolean finished;

    /** Bytes handed on and not yet written (guarded by this). */
    private long unwritten;
    /** The client is gone (guarded by this). */
    private boolean cancelled;

    ResponseStream(Sink sink, long window, Waits waits) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.sink = sink;
        this.window = window;
        this.waits = waits;
    }

    @Override
    public void write(int b) throws IOException {
        if (used == current.length) {
            next();
        }
        current[used++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
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

    private void next() throws IOException {
        filled.add(current);
        filledBytes += current.length;
        current = new byte[Math.min(current.length * 2, MAX_CHUNK)];
        used = 0;
        if (filledBytes >= MAX_CHUNK) {
            handOn(false);
        }
    }

    /** Ends the line with its newline and hands on the rest. */
    void finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("the line is finished");
        }
        write('\n');
        finished = true;
        // The last chunk trimmed to what it holds: every chunk is then written whole.
        filled.add(used == current.length ? current : Arrays.copyOf(current, used));
        filledBytes += used;
        current = null;
        handOn(true);
    }

    /** Part of the line has been handed on: an error can no longer be answered on this line. */
    boolean committed() {
        return committed;
    }

    private void handOn(boolean last) throws IOException {
        awaitRoom();
        committed = true;
        List<byte[]> chunks = List.copyOf(filled);
        filled.clear();
        filledBytes = 0;
        sink.take(this, chunks, last);
    }

    private void awaitRoom() throws IOException {
        boolean waited = false;
        try {
            synchronized (this) {
                // One batch always goes, however large the window is set.
                while (!cancelled && unwritten > 0 && unwritten + filledBytes > window) {
                    if (!waited) {
                        waited = true;
                        waits.begin();
                    }
                    wait();
                }
                if (cancelled) {
                    throw new IOException("the client closed the connection before reading the whole response");
                }
                unwritten += filledBytes;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the client read the response");
        } finally {
            if (waited) {
                waits.end();
            }
        }
    }

    /** {@code bytes} handed on have been written to the client. */
    synchronized void written(long bytes) {
        unwritten -= bytes;
        notifyAll();
    }

    /** The client is gone: the writer stops at its next hand-on. */
    synchronized void cancel() {
        cancelled = true;
        notifyAll();
    }

    synchronized boolean cancelled() {
        return cancelled;
    }
}
