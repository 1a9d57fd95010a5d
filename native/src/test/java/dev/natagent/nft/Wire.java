package dev.natagent.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NlMessage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/** Test helpers around the wire: parse captures, re-encode objects, compare with a hex diff. */
final class Wire {
    private Wire() {}

    static List<NlMessage> messages(byte[] datagram) throws NetlinkDecodeException {
        ByteBuffer direct = ByteBuffer.allocateDirect(datagram.length).order(ByteOrder.nativeOrder());
        direct.put(datagram).flip();
        return NlMessage.parseAll(direct, datagram.length);
    }

    static byte[] bytesOf(NlMessage m) {
        byte[] out = new byte[m.length()];
        m.buf().get(m.offset(), out);
        return out;
    }

    static void assertBytes(byte[] expected, byte[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            throw new AssertionError(what + " differs:\n" + HexDiff.sideBySide(expected, actual));
        }
    }

    /**
     * A copy of one message with the padding after each top-level attribute zeroed: nft leaves
     * uninitialised bytes there in its GET requests (not meaningful; the kernel never reads them).
     */
    static byte[] zeroTopLevelPadding(byte[] message) {
        byte[] out = message.clone();
        ByteBuffer host = ByteBuffer.wrap(out).order(ByteOrder.nativeOrder());
        int pos = MessageWriter.NLMSG_HDRLEN + MessageWriter.NFGENMSG_LEN;
        while (pos + 4 <= out.length) {
            int len = Short.toUnsignedInt(host.getShort(pos));
            if (len < 4) {
                break;
            }
            for (int i = pos + len; i < Math.min(out.length, pos + ((len + 3) & ~3)); i++) {
                out[i] = 0;
            }
            pos += (len + 3) & ~3;
        }
        return out;
    }

    /** Encodes {@code object} as a NEW message alone and decodes it back. */
    static NftObject roundTrip(NftObject object) throws NetlinkDecodeException {
        MessageWriter w = new MessageWriter();
        w.beginMessage(NftConstants.type(object.kind().newMsg), 0, 0, NftConstants.NFPROTO_IPV4, 0);
        object.encode(w);
        w.endMessage();
        List<NlMessage> parsed = messages(w.toByteArray());
        assertEquals(1, parsed.size());
        return (NftObject) NftMessage.decode(parsed.get(0)).body();
    }

    /** What encode keeps of a decoded object: handles and positions are the kernel's, never sent. */
    static NftObject withoutHandles(NftObject object) {
        if (object instanceof Table t) {
            return new Table(t.name(), t.flags(), 0);
        } else if (object instanceof Chain c) {
            return new Chain(c.table(), c.name(), c.base(), 0);
        } else if (object instanceof Rule r) {
            return new Rule(r.table(), r.chain(), r.exprs(), r.comment(), 0, 0);
        } else if (object instanceof NftSet s) {
            return s.withHandle(0);
        } else if (object instanceof CounterObject o) {
            return new CounterObject(o.table(), o.name(), o.packets(), o.bytes(), 0);
        }
        return object;
    }
}
