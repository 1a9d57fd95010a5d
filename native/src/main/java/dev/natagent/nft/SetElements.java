package dev.natagent.nft;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The elements of one NEWSETELEM/DELSETELEM message (or of a whole element change: {@link Batch}
 * splits long lists into several messages). The set is found by name; {@code setId} matters only for
 * a set created earlier in the same batch.
 *
 * <pre>
 * NFTA_SET_ELEM_LIST_TABLE(1), NFTA_SET_ELEM_LIST_SET(2), [NFTA_SET_ELEM_LIST_SET_ID(4) be32],
 * NFTA_SET_ELEM_LIST_ELEMENTS(3) nest { element... }   -- absent in the empty message closing a dump
 * </pre>
 */
public record SetElements(String table, String set, OptionalInt setId, List<SetElement> elements) implements NftObject {
    public static final int NFTA_SET_ELEM_LIST_TABLE = 1;
    public static final int NFTA_SET_ELEM_LIST_SET = 2;
    public static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    public static final int NFTA_SET_ELEM_LIST_SET_ID = 4;

    public SetElements {
        elements = List.copyOf(elements);
    }

    public static SetElements of(String table, String set, List<SetElement> elements) {
        return new SetElements(table, set, OptionalInt.empty(), elements);
    }

    @Override
    public Kind kind() {
        return Kind.ELEMENTS;
    }

    /** Writes all elements into one message; {@link Batch} uses {@link #encodeHeader} and splits instead. */
    @Override
    public void encode(MessageWriter w) {
        encodeHeader(w);
        int list = w.beginNest(NFTA_SET_ELEM_LIST_ELEMENTS);
        for (int i = 0; i < elements.size(); i++) {
            elements.get(i).encode(w, i + 1);
        }
        w.endNest(list);
    }

    /** Deleting sends only what identifies each element (keys, key ends, flags), as nft does. */
    @Override
    public void encodeDelete(MessageWriter w) {
        identities().encode(w);
    }

    /** The same list with data and counters stripped, for deletes. */
    public SetElements identities() {
        return new SetElements(
                table, set, setId, elements.stream().map(SetElement::identity).toList());
    }

    void encodeHeader(MessageWriter w) {
        w.string(NFTA_SET_ELEM_LIST_TABLE, table).string(NFTA_SET_ELEM_LIST_SET, set);
        setId.ifPresent(id -> w.u32Be(NFTA_SET_ELEM_LIST_SET_ID, id));
    }

    @Override
    public String describe() {
        return table + " " + set;
    }

    public static SetElements decode(Attrs a) throws NetlinkDecodeException {
        List<SetElement> elements = new ArrayList<>();
        Attr list = a.find(NFTA_SET_ELEM_LIST_ELEMENTS);
        if (list != null) {
            for (Attr elem : list.nested().all()) {
                elements.add(SetElement.decode(elem.nested()));
            }
        }
        return new SetElements(
                a.string(NFTA_SET_ELEM_LIST_TABLE, "NFTA_SET_ELEM_LIST_TABLE"),
                a.string(NFTA_SET_ELEM_LIST_SET, "NFTA_SET_ELEM_LIST_SET"),
                a.u32BeOpt(NFTA_SET_ELEM_LIST_SET_ID),
                elements);
    }
}
