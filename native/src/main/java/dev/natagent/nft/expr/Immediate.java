package dev.natagent.nft.expr;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * Loads a constant into a register, or sets the verdict (dreg {@link Registers#NFT_REG_VERDICT}).
 *
 * <pre>
 * NFTA_IMMEDIATE_DREG(1) be32,
 * NFTA_IMMEDIATE_DATA(2) nest { NFTA_DATA_VALUE(1) | NFTA_DATA_VERDICT(2) { CODE(1) be32, [CHAIN(2)] } }
 * </pre>
 */
public record Immediate(int dreg, NftData data) implements Expr {
    public static final String NAME = "immediate";
    public static final int NFTA_IMMEDIATE_DREG = 1;
    public static final int NFTA_IMMEDIATE_DATA = 2;

    public static Immediate value(int dreg, Bytes value) {
        return new Immediate(dreg, new NftData.Value(value));
    }

    public static Immediate verdict(NftData.Verdict verdict) {
        return new Immediate(Registers.NFT_REG_VERDICT, verdict);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_IMMEDIATE_DREG, dreg);
        data.encode(w, NFTA_IMMEDIATE_DATA);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Immediate(
                a.u32Be(NFTA_IMMEDIATE_DREG, "NFTA_IMMEDIATE_DREG"),
                NftData.decode(a.require(NFTA_IMMEDIATE_DATA, "NFTA_IMMEDIATE_DATA"))));
    }
}
