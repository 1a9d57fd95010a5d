package dev.natagent.agent.model;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An IPv4 network. The constructor clears host bits, so {@code new Cidr(10.0.1.5, 24)} is {@code
 * 10.0.1.0/24}; text with host bits set is refused by {@link #parse} instead, since a typo there
 * would silently widen an allow-list. A bare address means {@code /32}.
 */
public record Cidr(Ipv4 network, int prefix) {
    public Cidr {
        Objects.requireNonNull(network, "network");
        if (prefix < 0 || prefix > 32) {
            throw new ValidationException("", ErrorCode.INVALID_CIDR, "prefix length " + prefix + " is outside 0-32");
        }
        network = new Ipv4(network.bits() & mask(prefix));
    }

    public static Cidr host(Ipv4 address) {
        return new Cidr(address, 32);
    }

    /** Reads the JSON form, a CIDR string. */
    static Cidr read(JsonIn in) throws IOException {
        return in.string(Cidr::parse, "a string");
    }

    /** Reads a JSON list of CIDR strings. */
    static List<Cidr> readList(JsonIn in) throws IOException {
        return in.list(Cidr::read, "an array of CIDR strings, e.g. [\"198.51.100.0/24\"]");
    }

    /**
     * Parses {@code 198.51.100.0/24} or a bare address ({@code /32}). An address with bits set
     * beyond the prefix ({@code 198.51.100.27/24}) is refused with both readings spelled out.
     */
    public static Cidr parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_CIDR);
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        Ipv4 address;
        int prefix = 32;
        try {
            address = Ipv4.parse(slash < 0 ? trimmed : trimmed.substring(0, slash));
            if (slash >= 0) {
                String length = trimmed.substring(slash + 1);
                if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw invalid(text);
                }
                prefix = Integer.parseInt(length);
            }
        } catch (ValidationException e) {
            throw invalid(text);
        }
        if (prefix > 32) {
            throw invalid(text);
        }
        Cidr cidr = new Cidr(address, prefix);
        if (!cidr.network.equals(address)) {
            throw hostBitsSet(address, cidr);
        }
        return cidr;
    }

    private static ValidationException hostBitsSet(Ipv4 address, Cidr network) {
        long size = 1L << (32 - network.prefix);
        return new ValidationException(
                "",
                ErrorCode.INVALID_CIDR,
                address + "/" + network.prefix + " has host bits set: did you mean " + address + "/32 (one address) or "
                        + network + " (" + size + " addresses)?");
    }

    /** The fewest CIDR blocks covering exactly the union of {@code cidrs}, in address order. */
    public static List<Cidr> merge(Collection<Cidr> cidrs) {
        List<Cidr> merged = new ArrayList<>();
        for (Ipv4Range range : toRanges(cidrs)) {
            merged.addAll(range.toCidrs());
        }
        return List.copyOf(merged);
    }

    /** The union of {@code cidrs} as disjoint, non-adjacent ranges (nftables interval elements). */
    public static List<Ipv4Range> toRanges(Collection<Cidr> cidrs) {
        return Ipv4Range.union(cidrs.stream().map(Cidr::toRange).toList());
    }

    public Ipv4 first() {
        return network;
    }

    public Ipv4 last() {
        return new Ipv4(network.bits() | ~mask(prefix));
    }

    public Ipv4Range toRange() {
        return new Ipv4Range(first(), last());
    }

    public boolean contains(Ipv4 address) {
        return (address.bits() & mask(prefix)) == network.bits();
    }

    public boolean contains(Cidr other) {
        return other.prefix >= prefix && contains(other.network);
    }

    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public String toString() {
        return network + "/" + prefix;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static ValidationException invalid(String text) {
        return new ValidationException(
                "",
                ErrorCode.INVALID_CIDR,
                "'" + text + "' is not an IPv4 CIDR (e.g. 198.51.100.0/24 or 198.51.100.27)");
    }
}
