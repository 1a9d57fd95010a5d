package dev.natagent.agent.api;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes received on one connection, split into lines. Holds no array while empty, so an idle
 * connection costs a few dozen bytes; grows to at most {@code limit} bytes plus one read.
 */
final class LineBuffer {
    private static final byte[] EMPTY = new byte[0];
    private static final int RELEASE_ABOVE = 8 * 1024;

    private byte[] bytes = EMPTY;
    private int length;
    /** Bytes at the start already known to hold no newline (avoids rescanning a growing line). */
    private int scanned;

    void append(ByteBuffer src) {
        int count = src.remaining();
        if (length + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + count, bytes.length * 2));
        }
        src.get(bytes, length, count);
        length += count;
    }

    int length() {
        return length;
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

    /** Removes and returns the first line without its terminator (and a trailing CR). */
    byte[] takeLine(int newline) {
        int end = newline > 0 && bytes[newline - 1] == '\r' ? newline - 1 : newline;
        byte[] line = Arrays.copyOfRange(bytes, 0, end);
        int rest = length - newline - 1;
        if (rest == 0 && bytes.length > RELEASE_ABOVE) {
            bytes = EMPTY;
        } else {
            System.arraycopy(bytes, newline + 1, bytes, 0, rest);
        }
        length = rest;
        scanned = 0;
        return line;
    }

    void clear() {
        bytes = EMPTY;
        length = 0;
        scanned = 0;
    }
}
