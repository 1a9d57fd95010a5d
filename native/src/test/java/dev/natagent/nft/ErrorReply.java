package dev.natagent.nft;

import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NlMessage;
import java.nio.ByteOrder;

/** NLMSG_ERROR as the tests read it: s32 error (host order) then the echoed request header. */
record ErrorReply(int error, int echoedType, int echoedSeq) {
    static ErrorReply decode(NlMessage m) throws NetlinkDecodeException {
        if (m.length() < 16 + 4 + 16) {
            throw new NetlinkDecodeException(m.offset(), "NLMSG_ERROR shorter than 36 bytes");
        }
        var host = m.buf().duplicate().order(ByteOrder.nativeOrder());
        int body = m.bodyOffset();
        return new ErrorReply(
                host.getInt(body), Short.toUnsignedInt(host.getShort(body + 4 + 4)), host.getInt(body + 4 + 8));
    }
}
