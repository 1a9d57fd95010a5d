package dev.natagent.agent.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one RESP2 reply, bounded: a line, a bulk string, an array's length and nesting, and the
 * whole reply each have a limit, so a hostile or broken endpoint costs at most a few megabytes and
 * a read timeout. Values: {@link String} (simple string), {@link Error}, {@link Long}, {@code byte[]}
 * (bulk string), {@link List} (array), or {@link #NULL} (null bulk string or array). Anything else
 * is a {@link DiscoveryException} of kind PROTOCOL (TIMEOUT when the socket's read timeout passes),
 * never another exception.
 */
final class RespReader {
    /** A RESP null: null bulk string or null array. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "(nil)";
        }
    };

    /** An error reply, e.g. {@code ERR unknown subcommand} or {@code NOAUTH Authentication required.} */
    record Error(String message) {}

    static final int MAX_LINE = 64 * 1024;
    static final int MAX_BULK = 1024 * 1024;
    static final int MAX_ARRAY = 1 << 16;
    static final int MAX_DEPTH = 8;
    static final long MAX_REPLY = 8L * 1024 * 1024;

    private final InputStream in;
    private long consumed;

    RespReader(InputStream in) {
        this.in = in;
    }

    /** Reads the next reply. */
    Object read() throws DiscoveryException {
        consumed = 0;
        try {
            return value(0);
        } catch (SocketTimeoutException e) {
            throw new DiscoveryException(DiscoveryException.Kind.TIMEOUT, "no complete reply in time", e);
        } catch (IOException e) {
            throw new DiscoveryException(
                    DiscoveryException.Kind.UNREACHABLE, "the connection failed while reading: " + e.getMessage(), e);
        }
    }

    private Object value(int depth) throws IOException, DiscoveryException {
        if (depth > MAX_DEPTH) {
            throw garbage("nested deeper than " + MAX_DEPTH);
        }
        int type = next();
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> new Error(line);
            case ':' -> number(line);
            case '$' -> bulk(line);
            case '*' -> array(line, depth);
            default -> throw garbage("unexpected reply type byte 0x" + Integer.toHexString(type));
        };
    }

    private Object bulk(String header) throws IOException, DiscoveryException {
        long length = number(header);
        if (length == -1) {
            return NULL;
        }
        if (length < 0 || length > MAX_BULK) {
            throw garbage("bulk string length " + length + " is outside 0-" + MAX_BULK);
        }
        count(length + 2);
        byte[] data = in.readNBytes((int) length);
        if (data.length != length) {
            throw truncated();
        }
        if (in.read() != '\r' || in.read() != '\n') {
            throw garbage("bulk string not followed by CRLF");
        }
        return data;
    }

    private Object array(String header, int depth) throws IOException, DiscoveryException {
        long length = number(header);
        if (length == -1) {
            return NULL;
        }
        if (length < 0 || length > MAX_ARRAY) {
            throw garbage("array length " + length + " is outside 0-" + MAX_ARRAY);
        }
        List<Object> items = new ArrayList<>((int) Math.min(length, 64));
        for (long i = 0; i < length; i++) {
            items.add(value(depth + 1));
        }
        return items;
    }

    private static long number(String text) throws DiscoveryException {
        if (text.isEmpty() || text.length() > 20) {
            throw garbage("not an integer: '" + abbreviate(text) + "'");
        }
        int start = text.charAt(0) == '-' ? 1 : 0;
        if (start == text.length()) {
            throw garbage("not an integer: '" + abbreviate(text) + "'");
        }
        long value = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || value > (Long.MAX_VALUE - 9) / 10) {
                throw garbage("not an integer: '" + abbreviate(text) + "'");
            }
            value = value * 10 + (c - '0');
        }
        return start == 1 ? -value : value;
    }

    private int next() throws IOException, DiscoveryException {
        count(1);
        int b = in.read();
        if (b < 0) {
            throw truncated();
        }
        return b;
    }

    /** A line up to CRLF, without it; only printable ASCII and tabs are accepted. */
    private String line() throws IOException, DiscoveryException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = next();
            if (b == '\r') {
                if (next() != '\n') {
                    throw garbage("CR without LF");
                }
                return line.toString();
            }
            if ((b < 0x20 && b != '\t') || b > 0x7e) {
                throw garbage("byte 0x" + Integer.toHexString(b) + " in a reply line");
            }
            if (line.length() >= MAX_LINE) {
                throw garbage("a reply line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    private void count(long bytes) throws DiscoveryException {
        consumed += bytes;
        if (consumed > MAX_REPLY) {
            throw garbage("a reply larger than " + MAX_REPLY + " bytes");
        }
    }

    private static DiscoveryException truncated() {
        return new DiscoveryException(DiscoveryException.Kind.PROTOCOL, "the endpoint closed the connection mid-reply");
    }

    static DiscoveryException garbage(String what) {
        return new DiscoveryException(DiscoveryException.Kind.PROTOCOL, "not a valid RESP reply: " + what);
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** A bulk string's text (UTF-8), or a simple string as it is. */
    static String text(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value instanceof String s ? s : null;
    }
}
