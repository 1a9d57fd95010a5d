package dev.natagent.nft;

import dev.natagent.nft.expr.Counter;
import dev.natagent.nft.expr.Exprs;
import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.Optional;

/**
 * One set element. Plain interval sets send a start element and an {@link #F_INTERVAL_END} element
 * whose key is the first value after the range; concatenated interval sets send {@code keyEnd}
 * (inclusive) instead. {@code counter} holds per-element counter values (sets with a counter). A
 * {@linkplain #isCatchAll catch-all} element ({@link #F_CATCHALL}, nft's {@code *}) matches every key
 * the set holds no element for: it has no key on the wire, and {@link Bytes#EMPTY} here.
 *
 * <pre>
 * NFTA_LIST_ELEM(n) nest {
 *   [NFTA_SET_ELEM_FLAGS(3) be32], NFTA_SET_ELEM_KEY(1) nest { NFTA_DATA_VALUE } (absent in a catch-all),
 *   [NFTA_SET_ELEM_KEY_END(10) nest { NFTA_DATA_VALUE }],
 *   [NFTA_SET_ELEM_DATA(2) nest { NFTA_DATA_VALUE | NFTA_DATA_VERDICT }],
 *   [NFTA_SET_ELEM_EXPR(7) nest { NFTA_EXPR_NAME "counter", NFTA_EXPR_DATA { BYTES, PACKETS } }]
 * }
 * </pre>
 */
public record SetElement(
        Bytes key, Optional<Bytes> keyEnd, Optional<NftData> data, int flags, Optional<Counter> counter) {
    public static final int NFTA_SET_ELEM_KEY = 1;
    public static final int NFTA_SET_ELEM_DATA = 2;
    public static final int NFTA_SET_ELEM_FLAGS = 3;
    public static final int NFTA_SET_ELEM_EXPR = 7;
    public static final int NFTA_SET_ELEM_KEY_END = 10;
    public static final int NFTA_SET_ELEM_EXPRESSIONS = 11;
    public static final int F_INTERVAL_END = 1;
    /** NFT_SET_ELEM_CATCHALL: the element has no key. */
    public static final int F_CATCHALL = 2;

    /** A set member (or, for deletes, the key of a map entry). */
    public static SetElement key(Bytes key) {
        return new SetElement(key, Optional.empty(), Optional.empty(), 0, Optional.empty());
    }

    /** The end marker of a plain interval: {@code firstAfter} is the first value past the range. */
    public static SetElement intervalEnd(Bytes firstAfter) {
        return new SetElement(firstAfter, Optional.empty(), Optional.empty(), F_INTERVAL_END, Optional.empty());
    }

    /** A range of a concatenated interval set, both ends inclusive. */
    public static SetElement range(Bytes start, Bytes endInclusive) {
        return new SetElement(start, Optional.of(endInclusive), Optional.empty(), 0, Optional.empty());
    }

    public static SetElement mapping(Bytes key, Bytes value) {
        return new SetElement(key, Optional.empty(), Optional.of(new NftData.Value(value)), 0, Optional.empty());
    }

    public static SetElement mapping(Bytes key, NftData.Verdict verdict) {
        return new SetElement(key, Optional.empty(), Optional.of(verdict), 0, Optional.empty());
    }

    /** The catch-all element of a set ({@code data} empty) or map. */
    public static SetElement catchAll(Optional<NftData> data) {
        return new SetElement(Bytes.EMPTY, Optional.empty(), data, F_CATCHALL, Optional.empty());
    }

    /** What identifies the element in a delete, as nft sends it: key, key end and flags, no data. */
    public SetElement identity() {
        return new SetElement(key, keyEnd, Optional.empty(), flags, Optional.empty());
    }

    /** This element with {@code counter} as its counter expression (initial counts when added). */
    public SetElement withCounter(Optional<Counter> counter) {
        return new SetElement(key, keyEnd, data, flags, counter);
    }

    public boolean isIntervalEnd() {
        return (flags & F_INTERVAL_END) != 0;
    }

    public boolean isCatchAll() {
        return (flags & F_CATCHALL) != 0;
    }

    /** Writes the element as list entry {@code index} (libnftnl numbers entries 1, 2, ...; the kernel ignores it). */
    public void encode(MessageWriter w, int index) {
        int elem = w.beginNest(index);
        if (flags != 0) {
            w.u32Be(NFTA_SET_ELEM_FLAGS, flags);
        }
        // Called for every element of a batch (tens of thousands): no lambda or wrapper per element.
        if (!isCatchAll()) {
            NftData.Value.encode(w, NFTA_SET_ELEM_KEY, key);
        }
        if (keyEnd.isPresent()) {
            NftData.Value.encode(w, NFTA_SET_ELEM_KEY_END, keyEnd.get());
        }
        if (data.isPresent()) {
            data.get().encode(w, NFTA_SET_ELEM_DATA);
        }
        if (counter.isPresent()) {
            int expr = w.beginNest(NFTA_SET_ELEM_EXPR);
            Exprs.encodeBody(w, counter.get());
            w.endNest(expr);
        }
        w.endNest(elem);
    }

    /** Decodes an element; every element but a catch-all one must have a key, which a catch-all one must not. */
    public static SetElement decode(Attrs a) throws NetlinkDecodeException {
        Attr keyEnd = a.find(NFTA_SET_ELEM_KEY_END);
        Attr data = a.find(NFTA_SET_ELEM_DATA);
        int flags = a.u32BeOr(NFTA_SET_ELEM_FLAGS, 0);
        Bytes key;
        if ((flags & F_CATCHALL) == 0) {
            key = NftData.decodeValue(a.require(NFTA_SET_ELEM_KEY, "NFTA_SET_ELEM_KEY"));
        } else if (a.find(NFTA_SET_ELEM_KEY) == null && keyEnd == null) {
            key = Bytes.EMPTY;
        } else {
            throw new NetlinkDecodeException(a.offset(), "catch-all set element with a key");
        }
        return new SetElement(
                key,
                keyEnd == null ? Optional.empty() : Optional.of(NftData.decodeValue(keyEnd)),
                data == null ? Optional.empty() : Optional.of(NftData.decode(data)),
                flags,
                counter(a));
    }

    /** The counter among the element's expressions (one: ELEM_EXPR; several: ELEM_EXPRESSIONS list). */
    private static Optional<Counter> counter(Attrs a) throws NetlinkDecodeException {
        Attr single = a.find(NFTA_SET_ELEM_EXPR);
        if (single != null && Exprs.decode(single.nested()) instanceof Counter c) {
            return Optional.of(c);
        }
        Attr list = a.find(NFTA_SET_ELEM_EXPRESSIONS);
        if (list != null) {
            for (Attr elem : list.nested().all()) {
                if (Exprs.decode(elem.nested()) instanceof Counter c) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }
}
