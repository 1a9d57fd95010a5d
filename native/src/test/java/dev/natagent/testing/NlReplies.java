package dev.natagent.testing;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the kernel's side of a netlink conversation, byte for byte as the kernel does for a
 * socket with NETLINK_CAP_ACK and NETLINK_EXT_ACK: ACKs, errors with extended-ACK TLVs, NLMSG_DONE.
 * Every result is a heap buffer holding exactly one message.
 */
public final class NlReplies {
    private static final int NLMSGERR_ATTR_MSG = 1;
    private static final int NLMSGERR_ATTR_OFFS = 2;

    private NlReplies() {}

    /** NLMSG_ERROR with error 0, echoing {@code request}'s header (36 bytes, NLM_F_CAPPED). */
    public static ByteBuffer ack(NlMessage request, int pid) {
        return error(request, pid, 0, null, -1);
    }

    /**
     * NLMSG_ERROR with -errno, echoing {@code request}'s header, plus NLMSGERR_ATTR_MSG and
     * NLMSGERR_ATTR_OFFS when {@code text} is non-null / {@code offset} non-negative.
     */
    public static ByteBuffer error(NlMessage request, int pid, int errno, String text, int offset) {
        byte[] msg = text == null ? null : (text + "\0").getBytes(StandardCharsets.UTF_8);
        int tlvs = (msg == null ? 0 : Attrs.align4(4 + msg.length)) + (offset < 0 ? 0 : 8);
        int length = MessageWriter.NLMSG_HDRLEN + 4 + MessageWriter.NLMSG_HDRLEN + tlvs;
        int flags = NlFlags.CAPPED | (tlvs > 0 ? NlFlags.ACK_TLVS : 0);
        ByteBuffer out = allocate(length);
        header(out, length, NlMessage.NLMSG_ERROR, flags, request.seq(), pid);
        out.putInt(-errno);
        ByteBuffer echoed = request.buf().duplicate().order(ByteOrder.nativeOrder());
        for (int i = 0; i < MessageWriter.NLMSG_HDRLEN; i++) {
            out.put(echoed.get(request.offset() + i));
        }
        if (msg != null) {
            out.putShort((short) (4 + msg.length))
                    .putShort((short) NLMSGERR_ATTR_MSG)
                    .put(msg);
            out.position(Attrs.align4(out.position()));
        }
        if (offset >= 0) {
            out.putShort((short) 8).putShort((short) NLMSGERR_ATTR_OFFS).putInt(offset);
        }
        return out.position(0);
    }

    /** NLMSG_DONE ending a dump, with status 0. */
    public static ByteBuffer done(int seq, int pid) {
        int length = MessageWriter.NLMSG_HDRLEN + 4;
        ByteBuffer out = allocate(length);
        header(out, length, NlMessage.NLMSG_DONE, NlFlags.MULTI, seq, pid);
        out.putInt(0);
        return out.position(0);
    }

    /** A copy of {@code message} (one whole nlmsg from its position) with new seq, flags and pid. */
    public static ByteBuffer readdress(ByteBuffer message, int seq, int flags, int pid) {
        ByteBuffer in = message.duplicate().order(ByteOrder.nativeOrder());
        int length = in.getInt(in.position());
        ByteBuffer out = allocate(length);
        for (int i = 0; i < length; i++) {
            out.put(i, in.get(in.position() + i));
        }
        out.putShort(6, (short) flags).putInt(8, seq).putInt(12, pid);
        return out;
    }

    /** {@code message} (one whole nlmsg) with a big-endian u64 attribute appended. */
    public static ByteBuffer appendU64(ByteBuffer message, int attrType, long value) {
        ByteBuffer in = message.duplicate().order(ByteOrder.nativeOrder());
        int length = in.getInt(in.position());
        ByteBuffer out = allocate(Attrs.align4(length) + 12);
        for (int i = 0; i < length; i++) {
            out.put(i, in.get(in.position() + i));
        }
        out.position(Attrs.align4(length));
        out.putShort((short) 12).putShort((short) attrType);
        out.order(ByteOrder.BIG_ENDIAN).putLong(value).order(ByteOrder.nativeOrder());
        out.putInt(0, out.capacity());
        return out.position(0);
    }

    /** Concatenates messages into one datagram. */
    public static ByteBuffer datagram(Iterable<ByteBuffer> messages) {
        int total = 0;
        for (ByteBuffer message : messages) {
            total += Attrs.align4(message.remaining());
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        for (ByteBuffer message : messages) {
            out.put(message.duplicate());
            out.position(Attrs.align4(out.position()));
        }
        return out.flip();
    }

    private static ByteBuffer allocate(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    }

    private static void header(ByteBuffer out, int length, int type, int flags, int seq, int pid) {
        out.putInt(length)
                .putShort((short) type)
                .putShort((short) flags)
                .putInt(seq)
                .putInt(pid);
    }
}
