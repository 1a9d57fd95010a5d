package dev.natagent.nft.expr;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Looks the key in {@code sreg} up in a set. No dreg: membership test ({@code invert} for {@code !=});
 * dreg 1: map data into registers; dreg 0: verdict map.
 *
 * <pre>
 * NFTA_LOOKUP_SREG(2) be32, [NFTA_LOOKUP_DREG(3) be32], NFTA_LOOKUP_SET(1) string,
 * [NFTA_LOOKUP_SET_ID(4) be32], [NFTA_LOOKUP_FLAGS(5) be32 = NFT_LOOKUP_F_INV]
 * </pre>
 */
public record Lookup(int sreg, OptionalInt dreg, String set, OptionalInt setId, boolean invert) implements Expr {
    public static final String NAME = "lookup";
    public static final int NFTA_LOOKUP_SET = 1;
    public static final int NFTA_LOOKUP_SREG = 2;
    public static final int NFTA_LOOKUP_DREG = 3;
    public static final int NFTA_LOOKUP_SET_ID = 4;
    public static final int NFTA_LOOKUP_FLAGS = 5;
    public static final int NFT_LOOKUP_F_INV = 1;

    public static Lookup member(int sreg, String set) {
        return new Lookup(sreg, OptionalInt.empty(), set, OptionalInt.empty(), false);
    }

    public static Lookup map(int sreg, int dreg, String set) {
        return new Lookup(sreg, OptionalInt.of(dreg), set, OptionalInt.empty(), false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_LOOKUP_SREG, sreg);
        dreg.ifPresent(reg -> w.u32Be(NFTA_LOOKUP_DREG, reg));
        w.string(NFTA_LOOKUP_SET, set);
        setId.ifPresent(id -> w.u32Be(NFTA_LOOKUP_SET_ID, id));
        if (invert) {
            w.u32Be(NFTA_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
        }
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Lookup(
                a.u32Be(NFTA_LOOKUP_SREG, "NFTA_LOOKUP_SREG"),
                a.u32BeOpt(NFTA_LOOKUP_DREG),
                a.string(NFTA_LOOKUP_SET, "NFTA_LOOKUP_SET"),
                a.u32BeOpt(NFTA_LOOKUP_SET_ID),
                (a.u32BeOr(NFTA_LOOKUP_FLAGS, 0) & NFT_LOOKUP_F_INV) != 0));
    }
}
