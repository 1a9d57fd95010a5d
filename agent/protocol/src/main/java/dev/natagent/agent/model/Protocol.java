package dev.natagent.agent.model;

import java.io.IOException;
import java.util.Locale;

/** Transport protocol of a forward. */
public enum Protocol {
    TCP,
    UDP;

    /** How many distinct listen keys (protocol and port) there are: tcp and udp, ports 1-65535. */
    public static final int LISTEN_KEYS = 2 * PortRange.MAX;

    /** Reads the JSON form, {@code "tcp"} or {@code "udp"}. */
    static Protocol read(JsonIn in) throws IOException {
        return in.string(Protocol::parse, "a string");
    }

    public static Protocol parse(String text) {
        Names.refuseControlCharacters(text, ErrorCode.INVALID_PROTOCOL);
        String lower = text.trim().toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            default -> throw new ValidationException(
                    "", ErrorCode.INVALID_PROTOCOL, "protocol must be tcp or udp, not '" + text + "'");
        };
    }

    /** Made once: every forward written names its protocol. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @Override
    public String toString() {
        return wireName;
    }
}
