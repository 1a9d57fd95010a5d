package dev.natagent.agent.api;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes received on one connection, split into lines. Holds no array while empty, so an idle
 * connection costs a few dozen bytes. It never grows by itself: the server decides the capacity
 * ({@link #resize}) after reserving it in {@link ClientMemory}, so what it holds is always paid for.
 */
final class LineBuffer {
    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes = EMPTY;
    private int length;
    /** Bytes at the start already known to hold no newline (avoids rescanning a growing line). */
    private int scanned;

    /** Appends what {@code src} holds; the caller has made room for it ({@link #free}). */
    void append(ByteBuffer src) {
        int count = src.remaining();
        if (count > free()) {
            throw new IllegalStateException(count + " bytes do not fit in " + free());
        }
        src.get(bytes, length, count);
        length += count;
    }

    int length() {
        return length;
    }

    int capacity() {
        return bytes.length;
    }

    int free() {
        return bytes.length - length;
    }

    /** Sets the capacity to {@code capacity} (at least the bytes held); 0 drops the array. */
    void resize(int capacity) {
        if (capacity < length) {
            throw new IllegalArgumentException("capacity " + capacity + " below the " + length + " bytes held");
        }
        bytes = capacity == 0 ? EMPTY : Arrays.copyOf(bytes, capacity);
    }

    /** Index of the first newline, or -1. */
    int newlineIndex() {
        for (int i = scanned; i < length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        scanned = length;
        return -1;
    }

    /** Length of the line ending at {@code newline} without its terminator ("\n" or "\r\n"). */
    int lineLength(int newline) {
        return newline > 0 && bytes[newline - 1] == '\r' ? newline - 1 : newline;
    }

    /**
     * Length of the incomplete line held so far, not counting a last CR: it may be the start of a
     * CRLF terminator, so a line of exactly the limit followed by CR is not yet too long.
     */
    int pendingLineLength() {
        return length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
    }

    /** Removes and returns the first line without its terminator (and a trailing CR). */
    byte[] takeLine(int newline) {
        byte[] line = Arrays.copyOfRange(bytes, 0, lineLength(newline));
        int rest = length - newline - 1;
        System.arraycopy(bytes, newline + 1, bytes, 0, rest);
        length = rest;
        scanned = 0;
        return line;
    }

    /** Removes and returns up to {@code max} bytes from the start, whatever they are (an upload's raw bytes). */
    ByteBuffer take(int max) {
        int count = Math.min(max, length);
        ByteBuffer taken = ByteBuffer.wrap(Arrays.copyOf(bytes, count));
        System.arraycopy(bytes, count, bytes, 0, length - count);
        length -= count;
        scanned = 0;
        return taken;
    }

    void clear() {
        bytes = EMPTY;
        length = 0;
        scanned = 0;
    }
}
