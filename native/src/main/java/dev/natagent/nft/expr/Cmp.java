package dev.natagent.nft.expr;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * Compares a register with a constant; a false comparison ends the rule.
 *
 * <pre>
 * NFTA_CMP_SREG(1) be32, NFTA_CMP_OP(2) be32, NFTA_CMP_DATA(3) nest { NFTA_DATA_VALUE(1) bytes }
 * </pre>
 */
public record Cmp(int sreg, int op, Bytes data) implements Expr {
    public static final String NAME = "cmp";
    public static final int NFTA_CMP_SREG = 1;
    public static final int NFTA_CMP_OP = 2;
    public static final int NFTA_CMP_DATA = 3;
    public static final int EQ = 0;
    public static final int NEQ = 1;
    public static final int LT = 2;
    public static final int LTE = 3;
    public static final int GT = 4;
    public static final int GTE = 5;

    public static Cmp eq(int sreg, Bytes data) {
        return new Cmp(sreg, EQ, data);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_CMP_SREG, sreg).u32Be(NFTA_CMP_OP, op);
        new NftData.Value(data).encode(w, NFTA_CMP_DATA);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Cmp(
                a.u32Be(NFTA_CMP_SREG, "NFTA_CMP_SREG"),
                a.u32Be(NFTA_CMP_OP, "NFTA_CMP_OP"),
                NftData.decodeValue(a.require(NFTA_CMP_DATA, "NFTA_CMP_DATA"))));
    }
}
