package dev.natagent.nft.expr;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * Refers to a named stateful object ({@code counter name fwd_6380}).
 *
 * <pre>
 * NFTA_OBJREF_IMM_TYPE(1) be32, NFTA_OBJREF_IMM_NAME(2) string WITHOUT the NUL (libnftnl's
 * mnl_attr_put_str; the kernel echoes it with one). Object maps (SET_SREG(3), SET_NAME(4), SET_ID(5))
 * decode as unknown.
 * </pre>
 */
public record Objref(int type, String objectName) implements Expr {
    public static final String NAME = "objref";
    public static final int NFTA_OBJREF_IMM_TYPE = 1;
    public static final int NFTA_OBJREF_IMM_NAME = 2;
    public static final int NFT_OBJECT_COUNTER = 1;

    public static Objref counter(String objectName) {
        return new Objref(NFT_OBJECT_COUNTER, objectName);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void encodeData(MessageWriter w) {
        w.u32Be(NFTA_OBJREF_IMM_TYPE, type).stringNoNul(NFTA_OBJREF_IMM_NAME, objectName);
    }

    static Optional<Expr> decode(Attrs a) throws NetlinkDecodeException {
        Attr name = a.find(NFTA_OBJREF_IMM_NAME);
        if (name == null) {
            return Optional.empty();
        }
        return Optional.of(new Objref(a.u32Be(NFTA_OBJREF_IMM_TYPE, "NFTA_OBJREF_IMM_TYPE"), name.text()));
    }
}
