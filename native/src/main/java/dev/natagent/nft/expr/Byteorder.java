package dev.natagent.nft.expr;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * Converts {@code len} bytes of a register between host and network order, in units of {@code size}
 * bytes. nft puts one before an interval-set lookup whose key holds a host-order field: {@code meta
 * l4proto} in {@code ip saddr . meta l4proto . th dport} becomes {@code hton(reg 9, 2, 1)}.
 *
 * <pre>
 * NFTA_BYTEORDER_SREG(1), NFTA_BYTEORDER_DREG(2), NFTA_BYTEORDER_OP(3) (NTOH 0, HTON 1),
 * NFTA_BYTEORDER_LEN(4), NFTA_BYTEORDER_SIZE(5)   all be32
 * </pre>
 */
public record Byteorder(int sreg, int dreg, int op, int len, int size) implements Expr {
    public static final String NAME = "byteorder";
    public static final int NFTA_BYTEORDER_SREG = 1;
    public static final int NFTA_BYTEORDER_DREG = 2;
    public static final int NFTA_BYTEORDER_OP = 3;
    public static final int NFTA_BYTEORDER_LEN = 4;
    public static final int NFTA_BYTEORDER_SIZE = 5;
    public static final int NTOH = 0;
    public static final int HTON = 1;

    /** Host to network order of {@code len} bytes in {@code size}-byte units, in place. */
    public static Byteorder hton(int reg, int len, int size) {
        return new Byteorder(reg, reg, HTON, len, size);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_BYTEORDER_SREG, sreg)
                .u32Be(NFTA_BYTEORDER_DREG, dreg)
                .u32Be(NFTA_BYTEORDER_OP, op)
                .u32Be(NFTA_BYTEORDER_LEN, len)
                .u32Be(NFTA_BYTEORDER_SIZE, size);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Byteorder(
                a.u32Be(NFTA_BYTEORDER_SREG, "NFTA_BYTEORDER_SREG"),
                a.u32Be(NFTA_BYTEORDER_DREG, "NFTA_BYTEORDER_DREG"),
                a.u32Be(NFTA_BYTEORDER_OP, "NFTA_BYTEORDER_OP"),
                a.u32Be(NFTA_BYTEORDER_LEN, "NFTA_BYTEORDER_LEN"),
                a.u32Be(NFTA_BYTEORDER_SIZE, "NFTA_BYTEORDER_SIZE")));
    }
}
