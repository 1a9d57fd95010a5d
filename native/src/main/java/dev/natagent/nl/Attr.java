package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One netlink attribute (struct nlattr, linux/netlink.h) as a view into a received buffer.
 * {@code offset} is the absolute position of the payload in {@code buf}; {@code length} excludes
 * the 4-byte header and the padding. nf_tables integers are big-endian; the accessors say which.
 */
public record Attr(int type, ByteBuffer buf, int offset, int length) {
    /** nla_type without NLA_F_NESTED / NLA_F_NET_BYTEORDER. */
    public static final int TYPE_MASK = 0x3fff;

    public int u8() throws NetlinkDecodeException {
        expectLength(1);
        return buf.get(offset) & 0xff;
    }

    public int u16Be() throws NetlinkDecodeException {
        expectLength(2);
        return (byteAt(0) << 8) | byteAt(1);
    }

    public int u32Be() throws NetlinkDecodeException {
        expectLength(4);
        return (byteAt(0) << 24) | (byteAt(1) << 16) | (byteAt(2) << 8) | byteAt(3);
    }

    /** A host-order u32, as in netlink's own attributes (e.g. the extended-ACK offset). */
    public int u32() throws NetlinkDecodeException {
        expectLength(4);
        return buf.duplicate().order(ByteOrder.nativeOrder()).getInt(offset);
    }

    public long u64Be() throws NetlinkDecodeException {
        expectLength(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | byteAt(i);
        }
        return value;
    }

    /** A NUL-terminated string; the terminator is required, as the kernel always sends it. */
    public String string() throws NetlinkDecodeException {
        if (length == 0 || buf.get(offset + length - 1) != 0) {
            throw new NetlinkDecodeException(offset, "attribute " + type + " is not a NUL-terminated string");
        }
        int end = offset;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] text = new byte[end - offset];
        buf.get(offset, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    /**
     * A string that may lack its NUL: libnftnl sends some names (objref) with mnl_attr_put_str,
     * which omits it, while the kernel always adds one. Text stops at the first NUL.
     */
    public String text() {
        int end = offset;
        while (end < offset + length && buf.get(end) != 0) {
            end++;
        }
        byte[] text = new byte[end - offset];
        buf.get(offset, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        byte[] copy = new byte[length];
        buf.get(offset, copy);
        return copy;
    }

    /** The payload parsed as a nest of attributes. */
    public Attrs nested() throws NetlinkDecodeException {
        return Attrs.parse(buf, offset, offset + length);
    }

    private int byteAt(int index) {
        return buf.get(offset + index) & 0xff;
    }

    private void expectLength(int expected) throws NetlinkDecodeException {
        if (length != expected) {
            throw new NetlinkDecodeException(
                    offset, "attribute " + type + " has " + length + " bytes, expected " + expected);
        }
    }
}
