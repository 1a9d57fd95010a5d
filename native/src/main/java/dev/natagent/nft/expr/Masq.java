package dev.natagent.nft.expr;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Masquerade to the outgoing interface's address (nat postrouting/output only).
 *
 * <pre>
 * [NFTA_MASQ_FLAGS(1) be32], [NFTA_MASQ_REG_PROTO_MIN(2) be32], [NFTA_MASQ_REG_PROTO_MAX(3) be32]
 * (nft's plain masquerade sends an empty DATA nest)
 * </pre>
 */
public record Masq(int flags, OptionalInt regProtoMin, OptionalInt regProtoMax) implements Expr {
    public static final String NAME = "masq";
    public static final int NFTA_MASQ_FLAGS = 1;
    public static final int NFTA_MASQ_REG_PROTO_MIN = 2;
    public static final int NFTA_MASQ_REG_PROTO_MAX = 3;

    public static Masq plain() {
        return new Masq(0, OptionalInt.empty(), OptionalInt.empty());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        if (flags != 0) {
            w.u32Be(NFTA_MASQ_FLAGS, flags);
        }
        regProtoMin.ifPresent(reg -> w.u32Be(NFTA_MASQ_REG_PROTO_MIN, reg));
        regProtoMax.ifPresent(reg -> w.u32Be(NFTA_MASQ_REG_PROTO_MAX, reg));
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Masq(
                a.u32BeOr(NFTA_MASQ_FLAGS, 0),
                a.u32BeOpt(NFTA_MASQ_REG_PROTO_MIN),
                a.u32BeOpt(NFTA_MASQ_REG_PROTO_MAX)));
    }
}
