package dev.natagent.nft.expr;

import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * {@code dreg = (sreg & mask) ^ xor} over {@code len} bytes (prefix matches, ct state bits).
 *
 * <pre>
 * NFTA_BITWISE_SREG(1), NFTA_BITWISE_DREG(2), NFTA_BITWISE_LEN(3)   be32
 * NFTA_BITWISE_MASK(4) nest { NFTA_DATA_VALUE }, NFTA_BITWISE_XOR(5) nest { NFTA_DATA_VALUE }
 * kernel dumps add NFTA_BITWISE_OP(6) = 0 (mask-and-xor); shifts (OP 1, 2) decode as unknown
 * </pre>
 */
public record Bitwise(int sreg, int dreg, int len, Bytes mask, Bytes xor) implements Expr {
    public static final String NAME = "bitwise";
    public static final int NFTA_BITWISE_SREG = 1;
    public static final int NFTA_BITWISE_DREG = 2;
    public static final int NFTA_BITWISE_LEN = 3;
    public static final int NFTA_BITWISE_MASK = 4;
    public static final int NFTA_BITWISE_XOR = 5;
    public static final int NFTA_BITWISE_OP = 6;
    public static final int NFT_BITWISE_BOOL = 0;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_BITWISE_SREG, sreg).u32Be(NFTA_BITWISE_DREG, dreg).u32Be(NFTA_BITWISE_LEN, len);
        new NftData.Value(mask).encode(w, NFTA_BITWISE_MASK);
        new NftData.Value(xor).encode(w, NFTA_BITWISE_XOR);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        if (a.u32BeOr(NFTA_BITWISE_OP, NFT_BITWISE_BOOL) != NFT_BITWISE_BOOL) {
            return Optional.empty();
        }
        return Optional.of(new Bitwise(
                a.u32Be(NFTA_BITWISE_SREG, "NFTA_BITWISE_SREG"),
                a.u32Be(NFTA_BITWISE_DREG, "NFTA_BITWISE_DREG"),
                a.u32Be(NFTA_BITWISE_LEN, "NFTA_BITWISE_LEN"),
                NftData.decodeValue(a.require(NFTA_BITWISE_MASK, "NFTA_BITWISE_MASK")),
                NftData.decodeValue(a.require(NFTA_BITWISE_XOR, "NFTA_BITWISE_XOR"))));
    }
}
