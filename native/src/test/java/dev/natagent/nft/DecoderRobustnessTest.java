package dev.natagent.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NlMessage;
import dev.natagent.testing.Fuzz;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Damaged replies never crash the decoder: every captured message, truncated, bit-flipped, with an
 * attribute length enlarged or shrunk, misaligned by inserted bytes, or with unknown attributes
 * inserted, either decodes or throws {@link NetlinkDecodeException} with an offset inside the
 * buffer; never another exception. Loops over attributes always advance by at least 4 bytes, so
 * decoding cannot hang (a case running too long fails as a hang). Seeded and bounded: 2000 cases
 * per kind by default, {@code -Dnatagent.fuzz.cases=100000} for a long run (see {@link Fuzz}).
 */
class DecoderRobustnessTest {
    private static final int CASES = 2000;
    private static final List<byte[]> CORPUS = corpus();

    /** Every nf_tables message of every capture, one per entry (batch markers and errors skipped). */
    private static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        for (Capture capture : Capture.all()) {
            for (Capture.Block block : capture.blocks()) {
                try {
                    for (NlMessage m : Wire.messages(block.bytes())) {
                        if (m.subsystem() == NftConstants.NFNL_SUBSYS_NFTABLES) {
                            out.add(Wire.bytesOf(m));
                        }
                    }
                } catch (NetlinkDecodeException e) {
                    throw new IllegalStateException(capture + " does not parse", e);
                }
            }
        }
        return out;
    }

    @Test
    void truncated() {
        Fuzz.run(CASES, gen -> {
            byte[] message = pick(gen);
            byte[] damaged = Arrays.copyOf(message, gen.between(0, message.length - 1));
            if (gen.bool() && damaged.length >= 4) {
                setNlmsgLen(damaged, damaged.length); // so the attribute parser, not the header check, meets the cut
            }
            decodeOrTypedError(damaged);
        });
    }

    @Test
    void bitFlipped() {
        Fuzz.run(CASES, gen -> {
            byte[] damaged = pick(gen).clone();
            damaged[gen.between(0, damaged.length - 1)] ^= (byte) (1 << gen.between(0, 7));
            decodeOrTypedError(damaged);
        });
    }

    @Test
    void attributeLengthChanged() {
        Fuzz.run(CASES, gen -> {
            byte[] damaged = pick(gen).clone();
            List<Header> headers = headers(damaged);
            if (headers.isEmpty()) {
                return; // GETGEN and unfiltered dump requests have no attributes
            }
            Header target = gen.oneOf(headers);
            host(damaged).putShort(target.position(), (short) gen.between(0, 0xffff));
            decodeOrTypedError(damaged);
        });
    }

    @Test
    void misaligned() {
        Fuzz.run(CASES, gen -> {
            byte[] message = pick(gen);
            int at = gen.between(MessageWriter.NLMSG_HDRLEN, message.length);
            byte[] damaged = insert(message, at, new byte[gen.between(1, 3)]);
            setNlmsgLen(damaged, damaged.length);
            decodeOrTypedError(damaged);
        });
    }

    /** An unknown top-level attribute is skipped: the message decodes exactly as before. */
    @Test
    void unknownTopLevelAttributeIsIgnored() {
        Fuzz.run(CASES, gen -> {
            byte[] message = pick(gen);
            byte[] extra = attribute(gen.between(100, 0x3fff), gen.between(0, 40));
            byte[] damaged = insert(message, MessageWriter.NLMSG_HDRLEN + MessageWriter.NFGENMSG_LEN, extra);
            setNlmsgLen(damaged, damaged.length);
            assertEquals(decode(message), decode(damaged));
        });
    }

    /** An unknown attribute inside any nest (lengths of all enclosing nests fixed up). */
    @Test
    void unknownNestedAttribute() {
        Fuzz.run(CASES, gen -> {
            byte[] message = pick(gen);
            List<Header> headers = headers(message);
            if (headers.isEmpty()) {
                return;
            }
            Header before = gen.oneOf(headers);
            byte[] extra = attribute(gen.between(100, 0x3fff), gen.between(0, 40));
            byte[] damaged = insert(message, before.position(), extra);
            ByteBuffer host = host(damaged);
            for (int ancestor : before.ancestors()) {
                int len = Short.toUnsignedInt(host.getShort(ancestor)) + extra.length;
                if (len > 0xffff) {
                    return;
                }
                host.putShort(ancestor, (short) len);
            }
            setNlmsgLen(damaged, damaged.length);
            decodeOrTypedError(damaged);
        });
    }

    private static void decodeOrTypedError(byte[] datagram) {
        try {
            decode(datagram);
        } catch (NetlinkDecodeException e) {
            assertTrue(
                    e.offset() >= 0 && e.offset() <= datagram.length, "offset " + e.offset() + ": " + e.getMessage());
        }
    }

    private static List<NftMessage> decode(byte[] datagram) throws NetlinkDecodeException {
        List<NftMessage> out = new ArrayList<>();
        for (NlMessage m : Wire.messages(datagram)) {
            out.add(NftMessage.decode(m));
        }
        return out;
    }

    private static byte[] pick(Fuzz.Gen gen) {
        return gen.oneOf(CORPUS);
    }

    /** An attribute header position and the header positions of the nests around it. */
    private record Header(int position, List<Integer> ancestors) {}

    /** Every attribute header in the message, descending into any payload that parses as attributes. */
    private static List<Header> headers(byte[] message) {
        List<Header> out = new ArrayList<>();
        walk(message, MessageWriter.NLMSG_HDRLEN + MessageWriter.NFGENMSG_LEN, message.length, List.of(), out);
        return out;
    }

    private static void walk(byte[] message, int start, int end, List<Integer> ancestors, List<Header> out) {
        ByteBuffer host = host(message);
        try {
            Attrs.parse(host, start, end);
        } catch (NetlinkDecodeException e) {
            return; // not a nest
        }
        int pos = start;
        while (pos + 4 <= end) {
            int len = Short.toUnsignedInt(host.getShort(pos));
            out.add(new Header(pos, ancestors));
            List<Integer> inner = new ArrayList<>(ancestors);
            inner.add(pos);
            if (len > 4) {
                walk(message, pos + 4, pos + len, inner, out);
            }
            pos += Attrs.align4(len);
        }
    }

    private static byte[] attribute(int type, int payload) {
        byte[] attr = new byte[Attrs.align4(4 + payload)];
        host(attr).putShort(0, (short) (4 + payload)).putShort(2, (short) type);
        for (int i = 4; i < 4 + payload; i++) {
            attr[i] = (byte) (i * 37);
        }
        return attr;
    }

    private static byte[] insert(byte[] message, int at, byte[] extra) {
        byte[] out = new byte[message.length + extra.length];
        System.arraycopy(message, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(message, at, out, at + extra.length, message.length - at);
        return out;
    }

    private static void setNlmsgLen(byte[] message, int length) {
        host(message).putInt(0, length);
    }

    private static ByteBuffer host(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }
}
