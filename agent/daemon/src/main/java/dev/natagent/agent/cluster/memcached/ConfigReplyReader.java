package dev.natagent.agent.cluster.memcached;

import dev.natagent.agent.cluster.DiscoveryException;
import dev.natagent.agent.cluster.DiscoveryException.Kind;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one reply to a {@link ConfigCommand} strictly and within fixed limits: the header's byte
 * count must match the data block exactly, the block must be a version line and one line of
 * {@code host|ip|port} entries, and nothing may exceed the limits below. Whatever else arrives is a
 * {@link DiscoveryException} of kind PROTOCOL, never another exception, so a garbled reply can only
 * fail a poll. I/O errors (a read timeout included) are the caller's to classify.
 */
final class ConfigReplyReader {
    /** A header line is about 40 bytes; memcached's own error lines are shorter than this. */
    static final int MAX_LINE = 512;
    /** Far above what ElastiCache allows per cluster, low enough to bound the work of one poll. */
    static final int MAX_NODES = 512;
    /** The longest possible entry (253-byte name, address, port, separators) times the nodes. */
    static final int MAX_BODY = 32 + MAX_NODES * 276;

    private static final byte[] TRAILER = "\r\nEND\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HOST = 253;
    private static final int MAX_VERSION_DIGITS = 18;
    private static final long MAX_FLAGS = 0xffff_ffffL;

    private ConfigReplyReader() {}

    /**
     * The configuration in the reply to {@code command}, or empty when the endpoint answered
     * {@code ERROR} to {@code config get cluster}: an engine older than the command.
     */
    static Optional<ClusterConfig> read(InputStream in, ConfigCommand command) throws IOException, DiscoveryException {
        String header = readLine(in);
        if (header.equals("ERROR") && command == ConfigCommand.CONFIG) {
            return Optional.empty();
        }
        if (header.equals("END") && command == ConfigCommand.GET_KEY) {
            throw protocol("the endpoint holds no AmazonElastiCache:cluster key");
        }
        int length = blockLength(header, command);
        byte[] block = in.readNBytes(length + TRAILER.length);
        if (block.length < length + TRAILER.length) {
            throw protocol("the reply ends after " + block.length + " of the " + (length + TRAILER.length)
                    + " bytes its header announces");
        }
        if (!Arrays.equals(block, length, block.length, TRAILER, 0, TRAILER.length)) {
            throw protocol("the data block is not followed by \\r\\nEND\\r\\n (byte count does not match): "
                    + quote(block, length, block.length));
        }
        return Optional.of(parseBody(block, length));
    }

    private static String readLine(InputStream in) throws IOException, DiscoveryException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int previous = -1;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                if (previous != '\r') {
                    throw protocol("a reply line ends without \\r\\n: " + quote(line.toByteArray()));
                }
                byte[] bytes = line.toByteArray();
                checkText(bytes, bytes.length - 1, false);
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            if (line.size() >= MAX_LINE) {
                throw protocol("a reply line is longer than " + MAX_LINE + " bytes: " + quote(line.toByteArray()));
            }
            line.write(b);
            previous = b;
        }
        throw protocol("the connection closed before a complete reply line: " + quote(line.toByteArray()));
    }

    /** The byte count of {@code <header> <flags> <bytes>}. */
    private static int blockLength(String line, ConfigCommand command) throws DiscoveryException {
        String prefix = command.replyHeader() + " ";
        if (!line.startsWith(prefix)) {
            throw protocol("expected '" + command.replyHeader() + " <flags> <bytes>', got " + quote(line));
        }
        String[] numbers = line.substring(prefix.length()).split(" ", -1);
        if (numbers.length != 2) {
            throw protocol("expected '" + command.replyHeader() + " <flags> <bytes>', got " + quote(line));
        }
        number(numbers[0], 10, MAX_FLAGS, "flags");
        return (int) number(numbers[1], 7, MAX_BODY, "byte count");
    }

    private static ClusterConfig parseBody(byte[] block, int length) throws DiscoveryException {
        checkText(block, length, true);
        int firstEnd = indexOf(block, 0, length, (byte) '\n');
        if (firstEnd < 0 || length == 0 || block[length - 1] != '\n' || firstEnd == length - 1) {
            throw protocol("the data block is not '<version>\\n<entries>\\n': " + quote(block, 0, length));
        }
        if (indexOf(block, firstEnd + 1, length - 1, (byte) '\n') >= 0) {
            throw protocol("the data block has more than two lines: " + quote(block, 0, length));
        }
        long version = number(
                new String(block, 0, firstEnd, StandardCharsets.US_ASCII),
                MAX_VERSION_DIGITS,
                Long.MAX_VALUE,
                "version");
        String entries = new String(block, firstEnd + 1, length - 1 - (firstEnd + 1), StandardCharsets.US_ASCII);
        List<ConfigEntry> nodes = new ArrayList<>();
        Set<String> hosts = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        for (String text : entries.split(" ")) {
            if (text.isEmpty()) {
                continue; // tolerated: repeated spaces between entries
            }
            if (nodes.size() == MAX_NODES) {
                throw protocol("more than " + MAX_NODES + " nodes");
            }
            ConfigEntry entry = entry(text);
            if ((!entry.host().isEmpty() && !hosts.add(entry.host()))
                    || !endpoints.add(entry.address() + ":" + entry.port())) {
                throw protocol("node listed twice: " + quote(text));
            }
            nodes.add(entry);
        }
        if (nodes.isEmpty()) {
            throw protocol("the configuration lists no node");
        }
        return new ClusterConfig(version, nodes);
    }

    private static ConfigEntry entry(String text) throws DiscoveryException {
        String[] parts = text.split("\\|", -1);
        if (parts.length != 3) {
            throw protocol("an entry is not host|ip|port: " + quote(text));
        }
        String host = parts[0];
        if (host.length() > MAX_HOST || !host.chars().allMatch(ConfigReplyReader::isHostCharacter)) {
            throw protocol("not a host name: " + quote(host));
        }
        Ipv4 address;
        try {
            address = Ipv4.parse(parts[1]);
        } catch (ValidationException e) {
            throw protocol("not an IPv4 address (an entry without one cannot be forwarded to): " + quote(text));
        }
        Optional<String> notATarget = address.whyNotATarget();
        if (notATarget.isPresent()) {
            throw protocol(notATarget.get() + ": " + quote(text));
        }
        int port = (int) number(parts[2], 5, 65_535, "port");
        if (port == 0) {
            throw protocol("port 0 in " + quote(text));
        }
        return new ConfigEntry(host, address, port);
    }

    private static boolean isHostCharacter(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '-'
                || c == '_';
    }

    /** Decimal digits only (no sign, no space), at most {@code maxDigits}, at most {@code max}. */
    private static long number(String text, int maxDigits, long max, String what) throws DiscoveryException {
        if (text.isEmpty() || text.length() > maxDigits || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw protocol("the " + what + " is not a number of at most " + maxDigits + " digits: " + quote(text));
        }
        long value = Long.parseLong(text);
        if (value > max) {
            throw protocol("the " + what + " " + value + " is above " + max);
        }
        return value;
    }

    /** Printable ASCII and spaces only; {@code \n} only where a data block may have it. */
    private static void checkText(byte[] bytes, int length, boolean newlines) throws DiscoveryException {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if ((b < 0x20 || b > 0x7e) && !(newlines && b == '\n')) {
                throw protocol(String.format("byte 0x%02x at offset %d is not printable text", b & 0xff, i));
            }
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static DiscoveryException protocol(String message) {
        return new DiscoveryException(Kind.PROTOCOL, message);
    }

    private static String quote(String text) {
        return quote(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String quote(byte[] bytes) {
        return quote(bytes, 0, bytes.length);
    }

    /** A short, printable prefix: messages reach status and the log. */
    static String quote(byte[] bytes, int from, int to) {
        StringBuilder out = new StringBuilder("'");
        int end = Math.min(to, from + 40);
        for (int i = from; i < end; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\r') {
                out.append("\\r");
            } else if (b == '\n') {
                out.append("\\n");
            } else if (b < 0x20 || b > 0x7e || b == '\\' || b == '\'') {
                out.append(String.format("\\x%02x", b));
            } else {
                out.append((char) b);
            }
        }
        return out.append(end < to ? "'..." : "'").toString();
    }
}
