package dev.natagent.nl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructNlmsgerrTest {
    /** RECV 1 of captures/error-create-table-eexist.txt: NETLINK_CAP_ACK off, so the request is echoed. */
    private static final ByteBuffer EEXIST_UNCAPPED = Hex.buffer(
            "48000000 0200 0002 01000000 f1500000", // nlmsghdr len 72, NLMSG_ERROR, ACK_TLVS, seq 1, pid
            "efffffff", //                              error -17
            "2c000000 000a 0102 01000000 00000000", //   echoed nlmsghdr: NEWTABLE, REQUEST|EXCL, seq 1
            "  02000000", //                              echoed nfgenmsg
            "  0e00 0100 6e61745f6167656e7400 0000", //   NFTA_TABLE_NAME "nat_agent"
            "  0800 0200 00000000", //                    NFTA_TABLE_FLAGS
            "0800 0200 14000000"); //                   NLMSGERR_ATTR_OFFS 20 (host order)

    /** What the kernel sends our sockets (NETLINK_CAP_ACK on): header only, then text and offset. */
    private static final ByteBuffer EBUSY_CAPPED = Hex.buffer(
            "3c000000 0200 0003 07000000 2a000000", // len 60, NLMSG_ERROR, CAPPED|ACK_TLVS, seq 7
            "f0ffffff", //                             error -16
            "28000000 0b0a 0100 07000000 00000000", //  echoed nlmsghdr: DELSET, seq 7
            "1000 0100 736574206973206275737900", //    NLMSGERR_ATTR_MSG "set is busy\\0"
            "0800 0200 24000000"); //                  NLMSGERR_ATTR_OFFS 36

    @Test
    void decodesTheCapturedUncappedError() throws Exception {
        StructNlmsgerr err = StructNlmsgerr.parse(only(EEXIST_UNCAPPED));

        assertEquals(-17, err.error());
        assertEquals(17, err.errno());
        assertEquals(0x0a00, err.msgType());
        assertEquals(NlFlags.REQUEST | NlFlags.EXCL, err.msgFlags());
        assertEquals(1, err.msgSeq());
        assertNull(err.extAckMessage());
        assertEquals(20, err.extAckOffset());
    }

    @Test
    void decodesACappedErrorWithText() throws Exception {
        StructNlmsgerr err = StructNlmsgerr.parse(only(EBUSY_CAPPED));

        assertEquals(16, err.errno());
        assertEquals(7, err.msgSeq());
        assertEquals("set is busy", err.extAckMessage());
        assertEquals(36, err.extAckOffset());
        NetlinkException e = NetlinkException.of(err, "delete set ip nat_agent allowed");
        assertTrue(e.isBusy());
        assertEquals(
                "delete set ip nat_agent allowed failed: EBUSY (Device or resource busy): set is busy"
                        + " [attribute at offset 36] [seq 7, type 0xa0b]",
                e.getMessage());
    }

    @Test
    void anAckHasNoErrno() throws Exception {
        ByteBuffer ack = Hex.buffer(
                "24000000 0200 0001 05000000 2a000000", // len 36, NLMSG_ERROR, CAPPED, seq 5
                "00000000", //                             error 0
                "2c000000 000a 0500 05000000 00000000"); // echoed NEWTABLE header
        StructNlmsgerr err = StructNlmsgerr.parse(only(ack));

        assertTrue(err.isAck());
        assertEquals(-1, err.extAckOffset());
    }

    @Test
    void aTruncatedErrorIsADecodeException() throws Exception {
        ByteBuffer shortError = Hex.buffer(
                "18000000 0200 0000 05000000 2a000000", // len 24: room for error, not the echoed header
                "efffffff 2c000000");
        NlMessage message = only(shortError);

        NetlinkDecodeException e = assertThrows(NetlinkDecodeException.class, () -> StructNlmsgerr.parse(message));
        assertEquals(0, e.offset());
    }

    @Test
    void anEchoedLengthBeyondTheMessageIsADecodeException() throws Exception {
        ByteBuffer lying = Hex.buffer(
                "2c000000 0200 0002 01000000 00000000", // ACK_TLVS, not capped
                "efffffff",
                "ff000000 000a 0102 01000000 00000000", // echoed length 255: more than is there
                "0800 0200 14000000");
        NlMessage message = only(lying);

        assertThrows(NetlinkDecodeException.class, () -> StructNlmsgerr.parse(message));
    }

    private static NlMessage only(ByteBuffer datagram) throws NetlinkDecodeException {
        List<NlMessage> messages = NlMessage.parseAll(datagram, datagram.limit());
        assertEquals(1, messages.size());
        return messages.get(0);
    }
}
