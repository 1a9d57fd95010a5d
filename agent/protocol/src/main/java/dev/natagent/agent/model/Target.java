package dev.natagent.agent.model;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a forward sends traffic: an IPv4 literal or a DNS name (e.g. an ElastiCache node endpoint),
 * and a port. DNS names are stored lower-case, since DNS compares names case-insensitively.
 */
public record Target(String host, int port) {
    /** Compiled only for the first DNS name: natctl, which starts for every command, rarely meets one. */
    private static final class DnsLabel {
        static final Pattern PATTERN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    }

    public Target {
        Objects.requireNonNull(host, "host");
        // Many forwards go to one cache node: one string per host, not per forward. The JVM's
        // string table holds it weakly.
        host = checkHost(host).intern();
        if (port < PortRange.MIN || port > PortRange.MAX) {
            throw new ValidationException("", ErrorCode.INVALID_PORT, "target port " + port + " is outside 1-65535");
        }
    }

    public static Target of(Ipv4 address, int port) {
        return new Target(address.toString(), port);
    }

    /** Reads a JSON list of {@code HOST:PORT} strings. */
    static List<Target> readList(JsonIn in) throws IOException {
        return in.list(Target::read, "an array of HOST:PORT strings, e.g. [\"10.0.1.230:6379\"]");
    }

    /** Reads the JSON form, a {@code HOST:PORT} string. */
    static Target read(JsonIn in) throws IOException {
        return in.string(Target::parse, "a string");
    }

    /** Parses {@code HOST:PORT}, e.g. {@code 10.0.1.230:6379} or {@code node-1.cache.amazonaws.com:6379}. */
    public static Target parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_TARGET);
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new ValidationException(
                    "", ErrorCode.INVALID_TARGET, "'" + text + "' is not HOST:PORT (e.g. 10.0.1.230:6379)");
        }
        return new Target(trimmed.substring(0, colon), PortRange.parsePort(trimmed.substring(colon + 1), text));
    }

    /** The address when the host is an IPv4 literal; empty for a DNS name. */
    public Optional<Ipv4> literal() {
        return Ipv4.looksLikeAddress(host) ? Optional.of(Ipv4.parse(host)) : Optional.empty();
    }

    public boolean isDnsName() {
        return !Ipv4.looksLikeAddress(host);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }

    private static String checkHost(String raw) {
        Names.refuseControlCharacters(raw, ErrorCode.INVALID_TARGET);
        String host = raw.trim();
        if (Ipv4.looksLikeAddress(host)) {
            // Digits and dots that parse are the canonical form already (leading zeros are refused),
            // so the text is kept: no second string per target.
            Ipv4.parseUnicast(host);
            return host;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        String[] labels = name.split("\\.", -1);
        boolean valid = !name.isEmpty() && name.length() <= 253;
        for (String label : labels) {
            valid &= DnsLabel.PATTERN.matcher(label).matches();
        }
        // An all-numeric last label is a mistyped address, never a real top-level domain.
        valid &= !labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9');
        if (!valid) {
            throw new ValidationException(
                    "", ErrorCode.INVALID_TARGET, "'" + raw + "' is neither an IPv4 address nor a DNS name");
        }
        return name;
    }
}
