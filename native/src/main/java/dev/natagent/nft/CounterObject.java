package dev.natagent.nft;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;

/**
 * A named counter (nft {@code counter name}); rules reach it through an objref expression.
 *
 * <pre>
 * NEWOBJ: NFTA_OBJ_TABLE(1), NFTA_OBJ_NAME(2), NFTA_OBJ_TYPE(3) be32 = 1,
 *         NFTA_OBJ_DATA(4) nest { NFTA_COUNTER_BYTES(1) be64, NFTA_COUNTER_PACKETS(2) be64 }
 * DELOBJ: NFTA_OBJ_TABLE, NFTA_OBJ_NAME, NFTA_OBJ_TYPE
 * dumps add NFTA_OBJ_USE(5), NFTA_OBJ_HANDLE(6) be64
 * </pre>
 */
public record CounterObject(String table, String name, long packets, long bytes, long handle) implements NftObject {
    public static final int NFTA_OBJ_TABLE = 1;
    public static final int NFTA_OBJ_NAME = 2;
    public static final int NFTA_OBJ_TYPE = 3;
    public static final int NFTA_OBJ_DATA = 4;
    public static final int NFTA_OBJ_USE = 5;
    public static final int NFTA_OBJ_HANDLE = 6;
    public static final int NFTA_COUNTER_BYTES = 1;
    public static final int NFTA_COUNTER_PACKETS = 2;
    public static final int NFT_OBJECT_COUNTER = 1;

    public static CounterObject of(String table, String name) {
        return new CounterObject(table, name, 0, 0, 0);
    }

    @Override
    public Kind kind() {
        return Kind.COUNTER;
    }

    @Override
    public void encode(MessageWriter w) {
        w.string(NFTA_OBJ_TABLE, table).string(NFTA_OBJ_NAME, name).u32Be(NFTA_OBJ_TYPE, NFT_OBJECT_COUNTER);
        int data = w.beginNest(NFTA_OBJ_DATA);
        w.u64Be(NFTA_COUNTER_BYTES, bytes).u64Be(NFTA_COUNTER_PACKETS, packets);
        w.endNest(data);
    }

    @Override
    public void encodeDelete(MessageWriter w) {
        w.string(NFTA_OBJ_TABLE, table).string(NFTA_OBJ_NAME, name).u32Be(NFTA_OBJ_TYPE, NFT_OBJECT_COUNTER);
    }

    @Override
    public String describe() {
        return table + " " + name;
    }

    /** The NFTA_OBJ_TYPE of an object message, to skip object types other than counters. */
    public static int objectType(Attrs a) throws NetlinkDecodeException {
        return a.u32Be(NFTA_OBJ_TYPE, "NFTA_OBJ_TYPE");
    }

    public static CounterObject decode(Attrs a) throws NetlinkDecodeException {
        int type = objectType(a);
        if (type != NFT_OBJECT_COUNTER) {
            throw new NetlinkDecodeException(a.offset(), "object type " + type + " is not a counter");
        }
        Attr dataAttr = a.find(NFTA_OBJ_DATA);
        long packets = 0;
        long bytes = 0;
        if (dataAttr != null) {
            Attrs data = dataAttr.nested();
            packets = data.u64BeOr(NFTA_COUNTER_PACKETS, 0);
            bytes = data.u64BeOr(NFTA_COUNTER_BYTES, 0);
        }
        return new CounterObject(
                a.string(NFTA_OBJ_TABLE, "NFTA_OBJ_TABLE"),
                a.string(NFTA_OBJ_NAME, "NFTA_OBJ_NAME"),
                packets,
                bytes,
                a.u64BeOr(NFTA_OBJ_HANDLE, 0));
    }
}
