package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: the struct nlmsghdr fields (host order) and a view of the body in
 * the datagram. For nfnetlink messages the body starts with struct nfgenmsg, whose res_id is
 * big-endian; {@link #attrs()} parses what follows it.
 */
public record NlMessage(int type, int flags, int seq, int pid, ByteBuffer buf, int offset, int length) {
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    /** Splits a datagram into messages, checking every nlmsg_len against what was received. */
    public static List<NlMessage> parseAll(ByteBuffer datagram, int length) throws NetlinkDecodeException {
        ByteBuffer host = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NlMessage> messages = new ArrayList<>();
        int pos = 0;
        while (pos < length) {
            if (length - pos < MessageWriter.NLMSG_HDRLEN) {
                throw new NetlinkDecodeException(pos, "truncated nlmsghdr: " + (length - pos) + " bytes left");
            }
            int len = host.getInt(pos);
            if (len < MessageWriter.NLMSG_HDRLEN || len > length - pos) {
                throw new NetlinkDecodeException(
                        pos,
                        "nlmsg_len " + Integer.toUnsignedString(len) + " does not fit " + (length - pos)
                                + " bytes left");
            }
            messages.add(new NlMessage(
                    Short.toUnsignedInt(host.getShort(pos + 4)),
                    Short.toUnsignedInt(host.getShort(pos + 6)),
                    host.getInt(pos + 8),
                    host.getInt(pos + 12),
                    datagram,
                    pos,
                    len));
            pos += Attrs.align4(len);
        }
        return messages;
    }

    /** This message in a buffer of its own (offset 0), valid after the datagram buffer is reused. */
    public NlMessage copy() {
        ByteBuffer own = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        own.put(0, buf, offset, length);
        return new NlMessage(type, flags, seq, pid, own, 0, length);
    }

    public int bodyOffset() {
        return offset + MessageWriter.NLMSG_HDRLEN;
    }

    public int end() {
        return offset + length;
    }

    /** nfgenmsg.nfgen_family. */
    public int family() throws NetlinkDecodeException {
        requireBody(MessageWriter.NFGENMSG_LEN);
        return buf.get(bodyOffset()) & 0xff;
    }

    /** nfgenmsg.res_id (big-endian; the low 16 bits of the generation in kernel messages). */
    public int resId() throws NetlinkDecodeException {
        requireBody(MessageWriter.NFGENMSG_LEN);
        return ((buf.get(bodyOffset() + 2) & 0xff) << 8) | (buf.get(bodyOffset() + 3) & 0xff);
    }

    /** The attributes after nfgenmsg. */
    public Attrs attrs() throws NetlinkDecodeException {
        requireBody(MessageWriter.NFGENMSG_LEN);
        return Attrs.parse(buf, bodyOffset() + MessageWriter.NFGENMSG_LEN, end());
    }

    /** The nf_tables message number (low byte of the type). */
    public int nftMsg() {
        return type & 0xff;
    }

    /** The nfnetlink subsystem (high byte of the type). */
    public int subsystem() {
        return type >>> 8;
    }

    private void requireBody(int bytes) throws NetlinkDecodeException {
        if (length - MessageWriter.NLMSG_HDRLEN < bytes) {
            throw new NetlinkDecodeException(offset, "message type " + type + " body shorter than " + bytes + " bytes");
        }
    }
}
