package dev.natagent.agent.model;

import java.io.IOException;
import java.util.Optional;

/**
 * How replies of forwarded connections find their way back through the NAT instance: masquerade
 * (source rewritten to the egress interface's address), SNAT to a fixed address, or none (the
 * target must route replies back itself). JSON: {@code "masquerade"}, {@code "none"} or an address.
 */
public record ReturnPath(Kind kind, Ipv4 snatAddress) {
    public static final ReturnPath MASQUERADE = new ReturnPath(Kind.MASQUERADE, null);
    public static final ReturnPath NONE = new ReturnPath(Kind.NONE, null);

    public enum Kind {
        MASQUERADE,
        SNAT,
        NONE
    }

    public ReturnPath {
        if (kind == null || (kind == Kind.SNAT) != (snatAddress != null)) {
            throw new IllegalArgumentException(
                    "SNAT needs an address and only SNAT has one: " + kind + " " + snatAddress);
        }
    }

    public static ReturnPath snatTo(Ipv4 address) {
        return new ReturnPath(Kind.SNAT, address);
    }

    /** Reads the JSON form: {@code "masquerade"}, {@code "none"} or an address. */
    static ReturnPath read(JsonIn in) throws IOException {
        return in.string(ReturnPath::parse, "a string");
    }

    public static ReturnPath parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_RETURN_PATH);
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("masquerade")) {
            return MASQUERADE;
        }
        if (trimmed.equalsIgnoreCase("none")) {
            return NONE;
        }
        if (!Ipv4.looksLikeAddress(trimmed)) {
            throw new ValidationException(
                    "",
                    ErrorCode.INVALID_RETURN_PATH,
                    "snat must be masquerade, none or an IPv4 address, not '" + text + "'");
        }
        return snatTo(Ipv4.parseUnicast(trimmed));
    }

    public Optional<Ipv4> address() {
        return Optional.ofNullable(snatAddress);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MASQUERADE -> "masquerade";
            case NONE -> "none";
            case SNAT -> snatAddress.toString();
        };
    }
}
