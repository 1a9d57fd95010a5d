package dev.natagent.nl;

import com.kenai.jffi.MemoryIO;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Memory outside the Java heap that its owner gives back at once with {@link #close}: for data of
 * megabytes held only briefly (an uploaded document until it is parsed). On the heap such an array
 * lands in the old generation, whose pages stay resident after it died until a full collection
 * compacts past them; a direct buffer is freed only when the collector finds it. Freed memory of
 * this size goes back to the system (glibc maps large blocks of their own). Nothing may use
 * {@link #bytes} or a stream from {@link #inputStream} after {@link #close}: the memory is gone.
 * Not thread-safe.
 */
public final class NativeBuffer implements AutoCloseable {
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private long address;
    private final ByteBuffer bytes;

    private NativeBuffer(long address, ByteBuffer bytes) {
        this.address = address;
        this.bytes = bytes;
    }

    /**
     * {@code capacity} bytes, not cleared (pages untouched until written are not resident).
     *
     * @throws IllegalStateException when the system has no memory for it
     */
    public static NativeBuffer allocate(int capacity) {
        long address = MEMORY.allocateMemory(Math.max(1, capacity), false);
        if (address == 0) {
            throw new IllegalStateException("could not allocate " + capacity + " bytes of memory");
        }
        return new NativeBuffer(address, MEMORY.newDirectByteBuffer(address, capacity));
    }

    /** The memory: position 0, limit at its capacity. Shared: callers move its position. */
    public ByteBuffer bytes() {
        if (address == 0) {
            throw new IllegalStateException("buffer already freed");
        }
        return bytes;
    }

    /** Reads bytes {@code 0} to {@code length}, through a view of its own. */
    public InputStream inputStream(int length) {
        ByteBuffer view = bytes().duplicate().limit(length).position(0);
        return new InputStream() {
            @Override
            public int read() {
                return view.hasRemaining() ? view.get() & 0xff : -1;
            }

            @Override
            public int read(byte[] into, int offset, int count) {
                if (count == 0) {
                    return 0;
                }
                if (!view.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(count, view.remaining());
                view.get(into, offset, n);
                return n;
            }
        };
    }

    /** Gives the memory back; idempotent. */
    @Override
    public void close() {
        if (address != 0) {
            MEMORY.freeMemory(address);
            address = 0;
        }
    }
}
