package dev.natagent.nft.expr;

import dev.natagent.nft.NftConstants;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * SNAT/DNAT to the address (and port) held in registers. For concatenated map data the address is in
 * reg 1 and the port in reg 9 (see {@link Registers}). {@code flags} 0 is not sent; the kernel's
 * dumps fill in ADDR_MAX, PROTO_MAX and flags 3 that nft never sent, so compare normalised.
 *
 * <pre>
 * NFTA_NAT_TYPE(1), NFTA_NAT_FAMILY(2), NFTA_NAT_REG_ADDR_MIN(3), [NFTA_NAT_REG_ADDR_MAX(4)],
 * [NFTA_NAT_REG_PROTO_MIN(5)], [NFTA_NAT_REG_PROTO_MAX(6)], [NFTA_NAT_FLAGS(7)]   all be32
 * </pre>
 */
public record Nat(
        int type,
        int family,
        OptionalInt regAddrMin,
        OptionalInt regAddrMax,
        OptionalInt regProtoMin,
        OptionalInt regProtoMax,
        int flags)
        implements Expr {
    public static final String NAME = "nat";
    public static final int NFTA_NAT_TYPE = 1;
    public static final int NFTA_NAT_FAMILY = 2;
    public static final int NFTA_NAT_REG_ADDR_MIN = 3;
    public static final int NFTA_NAT_REG_ADDR_MAX = 4;
    public static final int NFTA_NAT_REG_PROTO_MIN = 5;
    public static final int NFTA_NAT_REG_PROTO_MAX = 6;
    public static final int NFTA_NAT_FLAGS = 7;
    public static final int NFT_NAT_SNAT = 0;
    public static final int NFT_NAT_DNAT = 1;
    public static final int F_MAP_IPS = 0x1;
    public static final int F_PROTO_SPECIFIED = 0x2;
    public static final int F_RANDOM = 0x4;
    public static final int F_PERSISTENT = 0x8;
    public static final int F_RANDOM_FULLY = 0x10;

    /**
     * IPv4 DNAT to the address in {@code addressRegister} and the port in {@code portRegister}, as a
     * map lookup with {@code ipv4_addr . inet_service} data leaves them; no flags (the kernel implies them).
     */
    public static Nat ipv4Dnat(int addressRegister, int portRegister) {
        return new Nat(
                NFT_NAT_DNAT,
                NftConstants.NFPROTO_IPV4,
                OptionalInt.of(addressRegister),
                OptionalInt.empty(),
                OptionalInt.of(portRegister),
                OptionalInt.empty(),
                0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_NAT_TYPE, type).u32Be(NFTA_NAT_FAMILY, family);
        regAddrMin.ifPresent(reg -> w.u32Be(NFTA_NAT_REG_ADDR_MIN, reg));
        regAddrMax.ifPresent(reg -> w.u32Be(NFTA_NAT_REG_ADDR_MAX, reg));
        regProtoMin.ifPresent(reg -> w.u32Be(NFTA_NAT_REG_PROTO_MIN, reg));
        regProtoMax.ifPresent(reg -> w.u32Be(NFTA_NAT_REG_PROTO_MAX, reg));
        if (flags != 0) {
            w.u32Be(NFTA_NAT_FLAGS, flags);
        }
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Nat(
                a.u32Be(NFTA_NAT_TYPE, "NFTA_NAT_TYPE"),
                a.u32Be(NFTA_NAT_FAMILY, "NFTA_NAT_FAMILY"),
                a.u32BeOpt(NFTA_NAT_REG_ADDR_MIN),
                a.u32BeOpt(NFTA_NAT_REG_ADDR_MAX),
                a.u32BeOpt(NFTA_NAT_REG_PROTO_MIN),
                a.u32BeOpt(NFTA_NAT_REG_PROTO_MAX),
                a.u32BeOr(NFTA_NAT_FLAGS, 0)));
    }
}
