package dev.natagent.agent.model;

import java.io.IOException;

/** A single port ({@code first == last}) or an inclusive range {@code first-last}, 1..65535. */
public record PortRange(int first, int last) {
    public static final int MIN = 1;
    public static final int MAX = 65535;

    public PortRange {
        if (first < MIN || first > MAX || last < MIN || last > MAX) {
            throw new ValidationException(
                    "", ErrorCode.INVALID_PORT, "ports must be between 1 and 65535, got " + text(first, last));
        }
        if (first > last) {
            throw new ValidationException(
                    "", ErrorCode.INVALID_PORT, "port range " + text(first, last) + " ends before it starts");
        }
    }

    public static PortRange single(int port) {
        return new PortRange(port, port);
    }

    /** Reads the JSON form, a string such as {@code "6379-6381"}. */
    static PortRange read(JsonIn in) throws IOException {
        return in.string(PortRange::parse, "a port or port range string such as \"6379-6381\"");
    }

    /** Parses {@code 6379} or {@code 6379-6381}. */
    public static PortRange parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_PORT);
        String trimmed = text.trim();
        int dash = trimmed.indexOf('-');
        if (dash < 0) {
            return single(parsePort(trimmed, text));
        }
        return new PortRange(parsePort(trimmed.substring(0, dash), text), parsePort(trimmed.substring(dash + 1), text));
    }

    /** Parses one decimal port number, 1..65535. */
    public static int parsePort(String digits, String whole) {
        String trimmed = digits.trim();
        if (trimmed.isEmpty() || trimmed.length() > 5 || !isDigits(trimmed)) {
            throw new ValidationException(
                    "", ErrorCode.INVALID_PORT, "'" + whole + "' is not a port or port range (e.g. 6379 or 6379-6381)");
        }
        int port = Integer.parseInt(trimmed);
        if (port < MIN || port > MAX) {
            throw new ValidationException("", ErrorCode.INVALID_PORT, "port " + port + " is outside 1-65535");
        }
        return port;
    }

    // A loop, not chars().allMatch: a stream pipeline per port would be a visible share of the
    // garbage made reading a large document.
    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    public int size() {
        return last - first + 1;
    }

    public boolean isSingle() {
        return first == last;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public boolean overlaps(PortRange other) {
        return first <= other.last && other.first <= last;
    }

    @Override
    public String toString() {
        return text(first, last);
    }

    private static String text(int first, int last) {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
