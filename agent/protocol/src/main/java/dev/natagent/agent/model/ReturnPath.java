package dev.natagent.agent.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
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

    // JSON has one form of this value, the string; not an object of its fields.
    @JsonCreator(mode = JsonCreator.Mode.DISABLED)
    public ReturnPath {
        if (kind == null || (kind == Kind.SNAT) != (snatAddress != null)) {
            throw new IllegalArgumentException(
                    "SNAT needs an address and only SNAT has one: " + kind + " " + snatAddress);
        }
    }

    public static ReturnPath snatTo(Ipv4 address) {
        return new ReturnPath(Kind.SNAT, address);
    }

    @JsonCreator
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

    @JsonValue
    @Override
    public String toString() {
        return switch (kind) {
            case MASQUERADE -> "masquerade";
            case NONE -> "none";
            case SNAT -> snatAddress.toString();
        };
    }
}
