package dev.natagent.agent.model;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** An IPv4 address held as its 32 bits (network order read as an int). */
public record Ipv4(int bits) implements Comparable<Ipv4> {
    /** Reads the JSON form, a dotted-quad string. */
    static Ipv4 read(JsonIn in) throws IOException {
        return in.string(Ipv4::parse, "a string");
    }

    /** Reads a JSON list of dotted-quad strings. */
    static List<Ipv4> readList(JsonIn in) throws IOException {
        return in.list(Ipv4::read, "an array");
    }

    /** Parses dotted-quad text strictly: four decimal octets 0..255 without leading zeros. */
    public static Ipv4 parse(String text) {
        // Hand-rolled, allocation-free: this runs for every target of every forward on load and render.
        Names.refuseControlCharacters(text, ErrorCode.INVALID_ADDRESS);
        int end = text.length();
        int pos = 0;
        while (pos < end && text.charAt(pos) <= ' ') { // as String.trim()
            pos++;
        }
        while (end > pos && text.charAt(end - 1) <= ' ') {
            end--;
        }
        int bits = 0;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (pos >= end || text.charAt(pos) != '.') {
                    throw invalid(text);
                }
                pos++;
            }
            int start = pos;
            int value = 0;
            while (pos < end && pos - start < 3 && isDigit(text.charAt(pos))) {
                value = value * 10 + (text.charAt(pos) - '0');
                pos++;
            }
            // inet_aton reads a leading zero as octal; refuse rather than guess.
            if (pos == start || value > 255 || (pos - start > 1 && text.charAt(start) == '0')) {
                throw invalid(text);
            }
            bits = (bits << 8) | value;
        }
        if (pos != end) {
            throw invalid(text);
        }
        return new Ipv4(bits);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** True when {@code text} is a dotted quad (it may still be out of range). */
    public static boolean looksLikeAddress(String text) {
        // Hand-rolled instead of a regex: this runs for every target of every forward on load.
        int dots = 0;
        boolean digitBefore = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.') {
                if (!digitBefore) {
                    return false;
                }
                dots++;
                digitBefore = false;
            } else if (c >= '0' && c <= '9') {
                digitBefore = true;
            } else {
                return false;
            }
        }
        return dots == 3 && digitBefore;
    }

    public static Ipv4 of(byte[] address) {
        if (address.length != 4) {
            throw new IllegalArgumentException("IPv4 address needs 4 bytes, got " + address.length);
        }
        return new Ipv4(((address[0] & 0xff) << 24)
                | ((address[1] & 0xff) << 16)
                | ((address[2] & 0xff) << 8)
                | (address[3] & 0xff));
    }

    public byte[] toBytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /**
     * True for an address a host can have: not 0.0.0.0, not the limited broadcast 255.255.255.255
     * and not multicast (224.0.0.0/4). DNAT or SNAT to anything else never works.
     */
    public boolean isUnicast() {
        return bits != 0 && bits != -1 && (bits >>> 28) != 0xe;
    }

    /**
     * Why no forward may send traffic to this address, or empty when it may: the one rule for
     * literal targets and for the answers of a target's DNS name. DNAT to loopback or to
     * 0.0.0.0/8 never leaves this instance (the kernel drops it, or a local service answers, so a
     * connect probe would even say up); broadcast and multicast are no host at all.
     */
    public Optional<String> whyNotATarget() {
        int first = bits >>> 24;
        String kind;
        if (first == 0) {
            kind = "an unspecified address (0.0.0.0/8)";
        } else if (first == 127) {
            kind = "a loopback address (127.0.0.0/8)";
        } else if (bits == -1) {
            kind = "the broadcast address";
        } else if ((bits >>> 28) == 0xe) {
            kind = "a multicast address (224.0.0.0/4)";
        } else {
            return Optional.empty();
        }
        return Optional.of(this + " is " + kind + ", which cannot be a NAT target");
    }

    /** Parses an address that must be unicast (a target or an SNAT address). */
    public static Ipv4 parseUnicast(String text) {
        Ipv4 address = parse(text);
        if (!address.isUnicast()) {
            throw new ValidationException(
                    "",
                    ErrorCode.INVALID_ADDRESS,
                    text.trim() + " is not a unicast address (0.0.0.0, broadcast and multicast cannot be NAT targets)");
        }
        return address;
    }

    /** The address as an unsigned value, 0..2^32-1. */
    public long unsigned() {
        return Integer.toUnsignedLong(bits);
    }

    @Override
    public int compareTo(Ipv4 other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }

    private static ValidationException invalid(String text) {
        return new ValidationException(
                "", ErrorCode.INVALID_ADDRESS, "'" + text + "' is not an IPv4 address (e.g. 10.0.1.230)");
    }
}
