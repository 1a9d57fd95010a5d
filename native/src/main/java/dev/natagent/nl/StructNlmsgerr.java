package dev.natagent.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct nlmsgerr (linux/netlink.h), the body of an NLMSG_ERROR reply, host order:
 * {@code s32 error | struct nlmsghdr msg} then, unless NLM_F_CAPPED, the rest of the request, then,
 * with NLM_F_ACK_TLVS, extended-ACK attributes (NLMSGERR_ATTR_MSG text, NLMSGERR_ATTR_OFFS offset
 * of the bad attribute from the start of the request). {@code error} is 0 for an ACK, else -errno.
 *
 * @param extAckMessage null when the kernel sent no text
 * @param extAckOffset -1 when the kernel sent no offset
 */
public record StructNlmsgerr(int error, int msgType, int msgFlags, int msgSeq, String extAckMessage, int extAckOffset) {
    private static final int ERROR_BYTES = 4;
    private static final int NLMSGERR_ATTR_MSG = 1;
    private static final int NLMSGERR_ATTR_OFFS = 2;

    public static StructNlmsgerr parse(NlMessage message) throws NetlinkDecodeException {
        if (message.type() != NlMessage.NLMSG_ERROR) {
            throw new NetlinkDecodeException(
                    message.offset(), "message type " + message.type() + " is not NLMSG_ERROR");
        }
        int body = message.bodyOffset();
        int echoed = body + ERROR_BYTES;
        if (message.end() - echoed < MessageWriter.NLMSG_HDRLEN) {
            throw new NetlinkDecodeException(
                    message.offset(), "NLMSG_ERROR of " + message.length() + " bytes too short");
        }
        ByteBuffer host = message.buf().duplicate().order(ByteOrder.nativeOrder());
        int echoedLength = host.getInt(echoed);
        String text = null;
        int offset = -1;
        if ((message.flags() & NlFlags.ACK_TLVS) != 0) {
            boolean capped = (message.flags() & NlFlags.CAPPED) != 0;
            if (!capped && (echoedLength < MessageWriter.NLMSG_HDRLEN || echoedLength > message.end() - echoed)) {
                throw new NetlinkDecodeException(echoed, "echoed request length " + echoedLength + " does not fit");
            }
            int tlvStart = echoed + (capped ? MessageWriter.NLMSG_HDRLEN : Attrs.align4(echoedLength));
            Attrs tlvs = Attrs.parse(message.buf(), Math.min(tlvStart, message.end()), message.end());
            Attr msg = tlvs.find(NLMSGERR_ATTR_MSG);
            text = msg == null ? null : msg.string();
            Attr offs = tlvs.find(NLMSGERR_ATTR_OFFS);
            offset = offs == null ? -1 : offs.u32();
        }
        return new StructNlmsgerr(
                host.getInt(body),
                Short.toUnsignedInt(host.getShort(echoed + 4)),
                Short.toUnsignedInt(host.getShort(echoed + 6)),
                host.getInt(echoed + 8),
                text,
                offset);
    }

    public boolean isAck() {
        return error == 0;
    }

    /** The positive errno of an error reply. */
    public int errno() {
        return -error;
    }
}
