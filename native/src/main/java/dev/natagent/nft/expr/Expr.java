package dev.natagent.nft.expr;

import dev.natagent.nl.MessageWriter;

/**
 * One nf_tables expression of a rule. Each record writes the attributes inside its NFTA_EXPR_DATA
 * nest; {@link Exprs} writes the surrounding list entry and name, and decodes by name. Expressions
 * we do not model decode to {@link UnknownExpr}, so foreign rules never make a listing fail.
 */
public sealed interface Expr
        permits Meta,
                Range,
                Xt,
                Payload,
                Cmp,
                Bitwise,
                Immediate,
                Lookup,
                Nat,
                Masq,
                Counter,
                Objref,
                Ct,
                Fib,
                Byteorder,
                UnknownExpr {
    /** The kernel's expression name (NFTA_EXPR_NAME). */
    String name();

    /** Writes the attributes of the NFTA_EXPR_DATA nest (the codec calls it; values are fixed). */
    void encodeData(MessageWriter w);
}
