package dev.natagent.nft.expr;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Loads conntrack state into a register (host-endian). {@code ct state established,related} is ct
 * STATE, bitwise mask {@code 06000000}, cmp neq 0.
 *
 * <pre>
 * NFTA_CT_KEY(2) be32, NFTA_CT_DREG(1) be32, [NFTA_CT_DIRECTION(3) u8]   (ct set, with SREG(4), decodes as unknown)
 * </pre>
 */
public record Ct(int key, int dreg, OptionalInt direction) implements Expr {
    public static final String NAME = "ct";
    public static final int NFTA_CT_DREG = 1;
    public static final int NFTA_CT_KEY = 2;
    public static final int NFTA_CT_DIRECTION = 3;
    public static final int NFT_CT_STATE = 0;
    public static final int NFT_CT_DIRECTION = 1;
    public static final int NFT_CT_STATUS = 2;
    public static final int NFT_CT_MARK = 3;
    /** Transport destination of the tuple of {@code direction} (network order, 2 bytes). */
    public static final int NFT_CT_PROTO_DST = 12;
    /** ct state bits (host order in the register). */
    public static final int STATE_ESTABLISHED = 0x2;

    public static final int STATE_RELATED = 0x4;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_CT_KEY, key).u32Be(NFTA_CT_DREG, dreg);
        direction.ifPresent(dir -> w.u8(NFTA_CT_DIRECTION, dir));
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        if (!a.has(NFTA_CT_DREG)) {
            return Optional.empty();
        }
        Attr direction = a.find(NFTA_CT_DIRECTION);
        return Optional.of(new Ct(
                a.u32Be(NFTA_CT_KEY, "NFTA_CT_KEY"),
                a.u32Be(NFTA_CT_DREG, "NFTA_CT_DREG"),
                direction == null ? OptionalInt.empty() : OptionalInt.of(direction.u8())));
    }
}
