package dev.natagent.nft;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A set or map. Lengths are bytes; a concatenated key lists its field lengths (each padded to 4 in
 * the key) and needs {@link #F_CONCAT}. {@code counter} gives every element its own counter, sent as
 * nft does for {@code counter} in a set body (golden capture add-set-counter, nft 1.0.6): an
 * NFTA_SET_EXPR nest holding a "counter" expression, without the EXPR flag. {@code id} names the set
 * inside one batch (0 = not sent); {@code userdata} is nft's display metadata, kept opaque.
 *
 * <pre>
 * NEWSET: NFTA_SET_TABLE(1), NFTA_SET_NAME(2), NFTA_SET_FLAGS(3) be32, NFTA_SET_KEY_TYPE(4) be32,
 *         NFTA_SET_KEY_LEN(5) be32, [NFTA_SET_DATA_TYPE(6) be32, NFTA_SET_DATA_LEN(7) be32  -- maps],
 *         [NFTA_SET_ID(10) be32],
 *         [NFTA_SET_DESC(9) nest { [NFTA_SET_DESC_SIZE(1) be32],
 *                                  [NFTA_SET_DESC_CONCAT(2) nest { ELEM { NFTA_SET_FIELD_LEN(1) be32 }... }] }],
 *         [NFTA_SET_USERDATA(13) bytes], [NFTA_SET_EXPR(17) nest { NFTA_EXPR_NAME "counter", NFTA_EXPR_DATA {} }]
 * DELSET: NFTA_SET_TABLE, NFTA_SET_NAME
 * dumps add NFTA_SET_HANDLE(16) be64 and, on 6.18, NFTA_SET_TYPE(19), NFTA_SET_COUNT(20)
 * </pre>
 */
public record NftSet(
        String table,
        String name,
        int flags,
        int keyType,
        int keyLen,
        int dataType,
        int dataLen,
        List<Integer> concatFieldLens,
        int id,
        OptionalInt size,
        boolean counter,
        Optional<Bytes> userdata,
        long handle)
        implements NftObject {
    public static final int NFTA_SET_TABLE = 1;
    public static final int NFTA_SET_NAME = 2;
    public static final int NFTA_SET_FLAGS = 3;
    public static final int NFTA_SET_KEY_TYPE = 4;
    public static final int NFTA_SET_KEY_LEN = 5;
    public static final int NFTA_SET_DATA_TYPE = 6;
    public static final int NFTA_SET_DATA_LEN = 7;
    public static final int NFTA_SET_DESC = 9;
    public static final int NFTA_SET_ID = 10;
    public static final int NFTA_SET_USERDATA = 13;
    public static final int NFTA_SET_HANDLE = 16;
    public static final int NFTA_SET_EXPR = 17;
    public static final int NFTA_SET_EXPRESSIONS = 18;
    public static final int NFTA_SET_DESC_SIZE = 1;
    public static final int NFTA_SET_DESC_CONCAT = 2;
    public static final int NFTA_SET_FIELD_LEN = 1;
    public static final int NFTA_EXPR_NAME = 1;
    public static final int NFTA_EXPR_DATA = 2;

    public static final int F_ANONYMOUS = 0x1;
    public static final int F_CONSTANT = 0x2;
    public static final int F_INTERVAL = 0x4;
    public static final int F_MAP = 0x8;
    public static final int F_TIMEOUT = 0x10;
    public static final int F_EVAL = 0x20;
    public static final int F_OBJECT = 0x40;
    public static final int F_CONCAT = 0x80;
    public static final int F_EXPR = 0x100;

    /** nft datatype ids (used by nft for printing; the kernel checks only lengths). */
    public static final int TYPE_IPV4_ADDR = 7;

    public static final int TYPE_INET_SERVICE = 13;
    /** NFT_DATA_VERDICT: the data type of verdict maps (data length 0). */
    public static final int TYPE_VERDICT = 0xffffff00;

    public NftSet {
        concatFieldLens = List.copyOf(concatFieldLens);
    }

    /** nft's id of a concatenated type: {@code (t1 << 6) | t2 ...}; ipv4_addr . inet_service = 461. */
    public static int concatType(int... types) {
        int result = 0;
        for (int type : types) {
            result = (result << 6) | type;
        }
        return result;
    }

    /** A plain set (flags e.g. {@link #F_INTERVAL}). */
    public static NftSet set(String table, String name, int flags, int keyType, int keyLen, int id) {
        return new NftSet(
                table,
                name,
                flags,
                keyType,
                keyLen,
                0,
                0,
                List.of(),
                id,
                OptionalInt.empty(),
                false,
                Optional.empty(),
                0);
    }

    /** A map to {@code dataType}/{@code dataLen} ({@link #TYPE_VERDICT}, 0 for a verdict map). */
    public static NftSet map(String table, String name, int keyType, int keyLen, int dataType, int dataLen, int id) {
        return new NftSet(
                table,
                name,
                F_MAP,
                keyType,
                keyLen,
                dataType,
                dataLen,
                List.of(),
                id,
                OptionalInt.empty(),
                false,
                Optional.empty(),
                0);
    }

    public NftSet withConcatFields(List<Integer> fieldLens) {
        return new NftSet(
                table,
                name,
                flags | F_CONCAT,
                keyType,
                keyLen,
                dataType,
                dataLen,
                fieldLens,
                id,
                size,
                counter,
                userdata,
                handle);
    }

    /** The same set as the kernel lists it under {@code newHandle} (0: as we send it, no handle). */
    public NftSet withHandle(long newHandle) {
        return new NftSet(
                table,
                name,
                flags,
                keyType,
                keyLen,
                dataType,
                dataLen,
                concatFieldLens,
                id,
                size,
                counter,
                userdata,
                newHandle);
    }

    /**
     * The same set declared with room for {@code elements}: the kernel then picks a fixed-size
     * backend (a hash with buckets for that many, not the resizing rhashtable) and refuses elements
     * beyond it with ENFILE. Cannot be changed on an existing set.
     */
    public NftSet withSize(int elements) {
        if (elements <= 0) {
            throw new IllegalArgumentException("set size must be positive: " + elements);
        }
        return new NftSet(
                table,
                name,
                flags,
                keyType,
                keyLen,
                dataType,
                dataLen,
                concatFieldLens,
                id,
                OptionalInt.of(elements),
                counter,
                userdata,
                handle);
    }

    public NftSet withCounter() {
        return new NftSet(
                table,
                name,
                flags,
                keyType,
                keyLen,
                dataType,
                dataLen,
                concatFieldLens,
                id,
                size,
                true,
                userdata,
                handle);
    }

    public NftSet withUserdata(Bytes nftUserdata) {
        return new NftSet(
                table,
                name,
                flags,
                keyType,
                keyLen,
                dataType,
                dataLen,
                concatFieldLens,
                id,
                size,
                counter,
                Optional.of(nftUserdata),
                handle);
    }

    public boolean isMap() {
        return (flags & F_MAP) != 0;
    }

    public boolean isInterval() {
        return (flags & F_INTERVAL) != 0;
    }

    @Override
    public Kind kind() {
        return Kind.SET;
    }

    @Override
    public void encode(MessageWriter w) {
        w.string(NFTA_SET_TABLE, table).string(NFTA_SET_NAME, name);
        w.u32Be(NFTA_SET_FLAGS, flags).u32Be(NFTA_SET_KEY_TYPE, keyType).u32Be(NFTA_SET_KEY_LEN, keyLen);
        if (isMap()) {
            w.u32Be(NFTA_SET_DATA_TYPE, dataType).u32Be(NFTA_SET_DATA_LEN, dataLen);
        }
        if (id != 0) {
            w.u32Be(NFTA_SET_ID, id);
        }
        if (size.isPresent() || !concatFieldLens.isEmpty()) {
            int desc = w.beginNest(NFTA_SET_DESC);
            size.ifPresent(n -> w.u32Be(NFTA_SET_DESC_SIZE, n));
            if (!concatFieldLens.isEmpty()) {
                int concat = w.beginNest(NFTA_SET_DESC_CONCAT);
                for (int len : concatFieldLens) {
                    int elem = w.beginNest(NftConstants.NFTA_LIST_ELEM);
                    w.u32Be(NFTA_SET_FIELD_LEN, len);
                    w.endNest(elem);
                }
                w.endNest(concat);
            }
            w.endNest(desc);
        }
        userdata.ifPresent(bytes -> bytes.write(w, NFTA_SET_USERDATA));
        if (counter) {
            int expr = w.beginNest(NFTA_SET_EXPR);
            w.string(NFTA_EXPR_NAME, "counter");
            w.endNest(w.beginNest(NFTA_EXPR_DATA));
            w.endNest(expr);
        }
    }

    @Override
    public void encodeDelete(MessageWriter w) {
        w.string(NFTA_SET_TABLE, table).string(NFTA_SET_NAME, name);
    }

    @Override
    public String describe() {
        return table + " " + name;
    }

    /** Decodes NEWSET/DELSET; a DELSET event carries only table, name and handle (other fields 0). */
    public static NftSet decode(Attrs a) throws NetlinkDecodeException {
        OptionalInt size = OptionalInt.empty();
        List<Integer> fields = new ArrayList<>();
        Attr descAttr = a.find(NFTA_SET_DESC);
        if (descAttr != null) {
            Attrs desc = descAttr.nested();
            size = desc.u32BeOpt(NFTA_SET_DESC_SIZE);
            Attr concat = desc.find(NFTA_SET_DESC_CONCAT);
            if (concat != null) {
                for (Attr elem : concat.nested().all()) {
                    fields.add(elem.nested().u32Be(NFTA_SET_FIELD_LEN, "NFTA_SET_FIELD_LEN"));
                }
            }
        }
        Attr userdata = a.find(NFTA_SET_USERDATA);
        return new NftSet(
                a.string(NFTA_SET_TABLE, "NFTA_SET_TABLE"),
                a.string(NFTA_SET_NAME, "NFTA_SET_NAME"),
                a.u32BeOr(NFTA_SET_FLAGS, 0),
                a.u32BeOr(NFTA_SET_KEY_TYPE, 0),
                a.u32BeOr(NFTA_SET_KEY_LEN, 0),
                a.u32BeOr(NFTA_SET_DATA_TYPE, 0),
                a.u32BeOr(NFTA_SET_DATA_LEN, 0),
                fields,
                a.u32BeOr(NFTA_SET_ID, 0),
                size,
                hasCounter(a),
                userdata == null ? Optional.empty() : Optional.of(Bytes.of(userdata)),
                a.u64BeOr(NFTA_SET_HANDLE, 0));
    }

    private static boolean hasCounter(Attrs a) throws NetlinkDecodeException {
        Attr single = a.find(NFTA_SET_EXPR);
        if (single != null && isCounter(single.nested())) {
            return true;
        }
        Attr list = a.find(NFTA_SET_EXPRESSIONS);
        if (list != null) {
            for (Attr elem : list.nested().all()) {
                if (isCounter(elem.nested())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isCounter(Attrs expr) throws NetlinkDecodeException {
        Attr exprName = expr.find(NFTA_EXPR_NAME);
        return exprName != null && "counter".equals(exprName.text());
    }
}
