package dev.natagent.nft.expr;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * Loads packet metadata into a register. Values are host-endian, except interface names (16
 * NUL-padded bytes) and l4proto (one byte).
 *
 * <pre>
 * NFTA_META_KEY(2) be32, NFTA_META_DREG(1) be32      (a meta set, with SREG(3), decodes as unknown)
 * </pre>
 */
public record Meta(int key, int dreg) implements Expr {
    public static final String NAME = "meta";
    public static final int NFTA_META_DREG = 1;
    public static final int NFTA_META_KEY = 2;
    public static final int NFT_META_MARK = 3;
    public static final int NFT_META_IIFNAME = 6;
    public static final int NFT_META_OIFNAME = 7;
    public static final int NFT_META_NFPROTO = 15;
    public static final int NFT_META_L4PROTO = 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_META_KEY, key).u32Be(NFTA_META_DREG, dreg);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        if (!a.has(NFTA_META_DREG)) {
            return Optional.empty();
        }
        return Optional.of(
                new Meta(a.u32Be(NFTA_META_KEY, "NFTA_META_KEY"), a.u32Be(NFTA_META_DREG, "NFTA_META_DREG")));
    }
}
