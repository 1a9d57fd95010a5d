package dev.natagent.nft.expr;

import dev.natagent.nft.Bytes;
import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * The expression list codec.
 *
 * <pre>
 * NFTA_LIST_ELEM(1) nest { NFTA_EXPR_NAME(1) string, NFTA_EXPR_DATA(2) nest { expression attributes } }
 * </pre>
 */
public final class Exprs {
    public static final int NFTA_LIST_ELEM = 1;
    public static final int NFTA_EXPR_NAME = 1;
    public static final int NFTA_EXPR_DATA = 2;

    private Exprs() {}

    /** Writes one entry of a rule's NFTA_RULE_EXPRESSIONS list. */
    public static void encode(MessageWriter w, Expr expr) {
        int elem = w.beginNest(NFTA_LIST_ELEM);
        encodeBody(w, expr);
        w.endNest(elem);
    }

    /** Writes NAME and DATA of {@code expr} into the current nest (set element expressions use this too). */
    public static void encodeBody(MessageWriter w, Expr expr) {
        w.string(NFTA_EXPR_NAME, expr.name());
        int data = w.beginNest(NFTA_EXPR_DATA);
        expr.encodeData(w);
        w.endNest(data);
    }

    /** Decodes the attributes of one expression (NAME, DATA); unmodelled names give {@link UnknownExpr}. */
    public static Expr decode(Attrs expr) throws NetlinkDecodeException {
        String name = expr.string(NFTA_EXPR_NAME, "NFTA_EXPR_NAME");
        Attr dataAttr = expr.find(NFTA_EXPR_DATA);
        Attrs data = dataAttr == null ? Attrs.empty() : dataAttr.nested();
        Optional<Expr> decoded =
                switch (name) {
                    case Meta.NAME -> Meta.decode(data);
                    case Payload.NAME -> Payload.decode(data);
                    case Cmp.NAME -> Cmp.decode(data);
                    case Bitwise.NAME -> Bitwise.decode(data);
                    case Immediate.NAME -> Immediate.decode(data);
                    case Lookup.NAME -> Lookup.decode(data);
                    case Nat.NAME -> Nat.decode(data);
                    case Masq.NAME -> Masq.decode(data);
                    case Counter.NAME -> Counter.decode(data);
                    case Objref.NAME -> Objref.decode(data);
                    case Ct.NAME -> Ct.decode(data);
                    case Fib.NAME -> Fib.decode(data);
                    case Byteorder.NAME -> Byteorder.decode(data);
                    case Range.NAME -> Range.decode(data);
                    case Xt.MATCH, Xt.TARGET -> Xt.decode(name, data);
                    default -> Optional.empty();
                };
        // A known name in a shape we do not model (meta set, bitwise shift, ...) stays opaque too.
        return decoded.orElseGet(() -> new UnknownExpr(name, dataAttr == null ? Bytes.EMPTY : Bytes.of(dataAttr)));
    }
}
