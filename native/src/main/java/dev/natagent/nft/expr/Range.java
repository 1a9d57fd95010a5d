package dev.natagent.nft.expr;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * Compares a register with an inclusive range (iptables-nft writes {@code --dport 7000:7010} so).
 *
 * <pre>
 * NFTA_RANGE_SREG(1) be32, NFTA_RANGE_OP(2) be32 (EQ 0, NEQ 1),
 * NFTA_RANGE_FROM_DATA(3) nest { NFTA_DATA_VALUE }, NFTA_RANGE_TO_DATA(4) nest { NFTA_DATA_VALUE }
 * </pre>
 */
public record Range(int sreg, int op, Bytes from, Bytes to) implements Expr {
    public static final String NAME = "range";
    public static final int NFTA_RANGE_SREG = 1;
    public static final int NFTA_RANGE_OP = 2;
    public static final int NFTA_RANGE_FROM_DATA = 3;
    public static final int NFTA_RANGE_TO_DATA = 4;
    public static final int EQ = 0;
    public static final int NEQ = 1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_RANGE_SREG, sreg).u32Be(NFTA_RANGE_OP, op);
        new NftData.Value(from).encode(w, NFTA_RANGE_FROM_DATA);
        new NftData.Value(to).encode(w, NFTA_RANGE_TO_DATA);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Range(
                a.u32Be(NFTA_RANGE_SREG, "NFTA_RANGE_SREG"),
                a.u32Be(NFTA_RANGE_OP, "NFTA_RANGE_OP"),
                NftData.decodeValue(a.require(NFTA_RANGE_FROM_DATA, "NFTA_RANGE_FROM_DATA")),
                NftData.decodeValue(a.require(NFTA_RANGE_TO_DATA, "NFTA_RANGE_TO_DATA"))));
    }
}
