package dev.natagent.nft.expr;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * A FIB (routing table) lookup for the packet: {@code fib daddr type} loads the route type of the
 * destination address (host-endian u32, RTN_LOCAL = 2 for the host's own addresses). nat-agent uses it
 * to act only on traffic addressed to the NAT instance itself, never on traffic routed through it.
 *
 * <pre>
 * NFTA_FIB_FLAGS(3) be32, NFTA_FIB_RESULT(2) be32, NFTA_FIB_DREG(1) be32   (nft's order)
 * </pre>
 */
public record Fib(int flags, int result, int dreg) implements Expr {
    public static final String NAME = "fib";
    public static final int NFTA_FIB_DREG = 1;
    public static final int NFTA_FIB_RESULT = 2;
    public static final int NFTA_FIB_FLAGS = 3;
    /** NFTA_FIB_F_*: which address the lookup uses, and modifiers. */
    public static final int F_SADDR = 0x1;

    public static final int F_DADDR = 0x2;
    public static final int F_MARK = 0x4;
    public static final int F_IIF = 0x8;
    public static final int F_OIF = 0x10;
    /** NFT_FIB_RESULT_*: what is loaded. */
    public static final int RESULT_OIF = 1;

    public static final int RESULT_OIFNAME = 2;
    public static final int RESULT_ADDRTYPE = 3;
    /** Route type values (linux/rtnetlink.h RTN_*) compared against an ADDRTYPE result. */
    public static final int RTN_LOCAL = 2;

    /** {@code fib daddr type => dreg}. */
    public static Fib daddrType(int dreg) {
        return new Fib(F_DADDR, RESULT_ADDRTYPE, dreg);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_FIB_FLAGS, flags).u32Be(NFTA_FIB_RESULT, result).u32Be(NFTA_FIB_DREG, dreg);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        return Optional.of(new Fib(
                a.u32Be(NFTA_FIB_FLAGS, "NFTA_FIB_FLAGS"),
                a.u32Be(NFTA_FIB_RESULT, "NFTA_FIB_RESULT"),
                a.u32Be(NFTA_FIB_DREG, "NFTA_FIB_DREG")));
    }
}
