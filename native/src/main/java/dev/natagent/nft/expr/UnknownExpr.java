package dev.natagent.nft.expr;

import dev.natagent.nft.Bytes;
import dev.natagent.nl.MessageWriter;

/**
 * An expression we do not model (added by a foreign process, or a modelled name in another shape),
 * kept as its raw DATA attributes so a listing never fails and the rule can be written back as is.
 */
public record UnknownExpr(String name, Bytes data) implements Expr {
    @Override
    public void encodeData(MessageWriter w) {
        w.raw(data.toArray());
    }
}
