package dev.natagent.nft.expr;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * Loads {@code len} bytes at {@code offset} of a header into a register (network order). ip saddr =
 * network/12/4, ip daddr = network/16/4, tcp/udp dport = transport/2/2.
 *
 * <pre>
 * NFTA_PAYLOAD_DREG(1), NFTA_PAYLOAD_BASE(2), NFTA_PAYLOAD_OFFSET(3), NFTA_PAYLOAD_LEN(4)   all be32
 * (a payload write, with SREG(5), decodes as unknown)
 * </pre>
 */
public record Payload(int dreg, int base, int offset, int len) implements Expr {
    public static final String NAME = "payload";
    public static final int NFTA_PAYLOAD_DREG = 1;
    public static final int NFTA_PAYLOAD_BASE = 2;
    public static final int NFTA_PAYLOAD_OFFSET = 3;
    public static final int NFTA_PAYLOAD_LEN = 4;
    public static final int NFTA_PAYLOAD_SREG = 5;
    public static final int BASE_LINK = 0;
    public static final int BASE_NETWORK = 1;
    public static final int BASE_TRANSPORT = 2;

    public static Payload ipSaddr(int dreg) {
        return new Payload(dreg, BASE_NETWORK, 12, 4);
    }

    public static Payload ipDaddr(int dreg) {
        return new Payload(dreg, BASE_NETWORK, 16, 4);
    }

    public static Payload thDport(int dreg) {
        return new Payload(dreg, BASE_TRANSPORT, 2, 2);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_PAYLOAD_DREG, dreg)
                .u32Be(NFTA_PAYLOAD_BASE, base)
                .u32Be(NFTA_PAYLOAD_OFFSET, offset)
                .u32Be(NFTA_PAYLOAD_LEN, len);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        if (a.has(NFTA_PAYLOAD_SREG)) {
            return Optional.empty();
        }
        return Optional.of(new Payload(
                a.u32Be(NFTA_PAYLOAD_DREG, "NFTA_PAYLOAD_DREG"),
                a.u32Be(NFTA_PAYLOAD_BASE, "NFTA_PAYLOAD_BASE"),
                a.u32Be(NFTA_PAYLOAD_OFFSET, "NFTA_PAYLOAD_OFFSET"),
                a.u32Be(NFTA_PAYLOAD_LEN, "NFTA_PAYLOAD_LEN")));
    }
}
