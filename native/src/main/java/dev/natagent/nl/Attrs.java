package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The attributes of one nest level, in wire order. Unknown types are kept (callers skip them);
 * for a repeated type, {@link #get} returns the last one, as the kernel's nla_parse does.
 */
public final class Attrs {
    private static final int HEADER = 4;
    private final List<Attr> all;
    private final int start;

    private Attrs(List<Attr> all, int start) {
        this.all = all;
        this.start = start;
    }

    /** Parses {@code [start, end)} of {@code buf}; every attribute must fit exactly. */
    public static Attrs parse(ByteBuffer buf, int start, int end) throws NetlinkDecodeException {
        if (start < 0 || end > buf.limit() || start > end) {
            throw new NetlinkDecodeException(start, "attribute area [" + start + ", " + end + ") outside buffer");
        }
        ByteBuffer host = buf.duplicate().order(ByteOrder.nativeOrder());
        List<Attr> attrs = new ArrayList<>();
        int pos = start;
        while (pos < end) {
            if (end - pos < HEADER) {
                throw new NetlinkDecodeException(pos, "truncated attribute header: " + (end - pos) + " bytes left");
            }
            int len = Short.toUnsignedInt(host.getShort(pos));
            int type = Short.toUnsignedInt(host.getShort(pos + 2)) & Attr.TYPE_MASK;
            if (len < HEADER) {
                throw new NetlinkDecodeException(pos, "attribute length " + len + " below header size");
            }
            if (pos + len > end) {
                throw new NetlinkDecodeException(
                        pos,
                        "attribute " + type + " of length " + len + " overruns its container by " + (pos + len - end));
            }
            attrs.add(new Attr(type, buf, pos + HEADER, len - HEADER));
            pos += align4(len);
        }
        return new Attrs(Collections.unmodifiableList(attrs), start);
    }

    /** No attributes (an absent optional nest). */
    public static Attrs empty() {
        return new Attrs(List.of(), 0);
    }

    public static int align4(int len) {
        return (len + 3) & ~3;
    }

    /** Offset of this nest's first attribute, for error messages. */
    public int offset() {
        return start;
    }

    public List<Attr> all() {
        return all;
    }

    public boolean has(int type) {
        return find(type) != null;
    }

    /** The attribute of {@code type}, or null when absent (use {@link #require} for mandatory ones). */
    public Attr find(int type) {
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).type() == type) {
                return all.get(i);
            }
        }
        return null;
    }

    public Attr require(int type, String name) throws NetlinkDecodeException {
        Attr attr = find(type);
        if (attr == null) {
            throw new NetlinkDecodeException(start, "missing attribute " + name + " (" + type + ")");
        }
        return attr;
    }

    public String string(int type, String name) throws NetlinkDecodeException {
        return require(type, name).string();
    }

    public int u32Be(int type, String name) throws NetlinkDecodeException {
        return require(type, name).u32Be();
    }

    public int u32BeOr(int type, int absent) throws NetlinkDecodeException {
        Attr attr = find(type);
        return attr == null ? absent : attr.u32Be();
    }

    public OptionalInt u32BeOpt(int type) throws NetlinkDecodeException {
        Attr attr = find(type);
        return attr == null ? OptionalInt.empty() : OptionalInt.of(attr.u32Be());
    }

    public Optional<String> stringOpt(int type) throws NetlinkDecodeException {
        Attr attr = find(type);
        return attr == null ? Optional.empty() : Optional.of(attr.string());
    }

    public long u64BeOr(int type, long absent) throws NetlinkDecodeException {
        Attr attr = find(type);
        return attr == null ? absent : attr.u64Be();
    }
}
