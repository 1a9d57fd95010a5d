package dev.natagent.rt;

import dev.natagent.nl.Attr;
import dev.natagent.nl.Attrs;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NetlinkSocket;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import dev.natagent.nl.StructNlmsgerr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * Asks the kernel which IPv4 route it would use (RTM_GETROUTE, as {@code ip route get} does): the
 * whole decision, policy rules and every table included. Reads only; one query at a time, in the
 * network namespace of the thread that opened it.
 *
 * <p>Request: struct nlmsghdr, struct rtmsg (family, dst_len, src_len, tos, table, protocol,
 * scope, type: one byte each; flags: u32), then RTA_DST, RTA_SRC (network order) and RTA_IIF (u32,
 * host order). RTM_F_LOOKUP_TABLE asks for the table the route came from.
 */
public final class RouteLookup implements AutoCloseable {
    private static final int RTM_NEWROUTE = 24;
    private static final int RTM_GETROUTE = 26;
    private static final int AF_INET = 2;
    private static final int RTMSG_LEN = 12;
    private static final int RTA_DST = 1;
    private static final int RTA_SRC = 2;
    private static final int RTA_IIF = 3;
    private static final int RTA_OIF = 4;
    private static final int RTA_TABLE = 15;
    private static final int RTM_F_LOOKUP_TABLE = 0x1000;
    private static final long TIMEOUT_MILLIS = 5_000;

    private final NetlinkSocket socket;

    private RouteLookup(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static RouteLookup open() throws IOException {
        return new RouteLookup(NetlinkSocket.openRouteSocket());
    }

    /** The route of a packet this host sends to {@code destination} ({@code ip route get DST}). */
    public RouteAnswer output(byte[] destination) throws IOException {
        return query(destination, null, 0);
    }

    /**
     * The route of a packet from {@code source} to {@code destination} that arrives on interface
     * {@code inputInterface}, as the kernel would forward it ({@code ip route get DST from SRC iif DEV}).
     */
    public RouteAnswer input(byte[] destination, byte[] source, int inputInterface) throws IOException {
        if (inputInterface <= 0) {
            throw new IllegalArgumentException("input interface index " + inputInterface);
        }
        return query(destination, source, inputInterface);
    }

    private RouteAnswer query(byte[] destination, byte[] source, int inputInterface) throws IOException {
        requireAddress(destination);
        int length =
                MessageWriter.NLMSG_HDRLEN + RTMSG_LEN + 8 + (source == null ? 0 : 8) + (inputInterface > 0 ? 8 : 0);
        ByteBuffer request = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
        int seq = socket.reserveSeq(1);
        request.putInt(length)
                .putShort((short) RTM_GETROUTE)
                .putShort((short) NlFlags.REQUEST)
                .putInt(seq)
                .putInt(0);
        request.put((byte) AF_INET)
                .put((byte) 32)
                .put((byte) (source == null ? 0 : 32))
                .put(new byte[5])
                .putInt(RTM_F_LOOKUP_TABLE);
        request.putShort((short) 8).putShort((short) RTA_DST).put(destination);
        if (source != null) {
            requireAddress(source);
            request.putShort((short) 8).putShort((short) RTA_SRC).put(source);
        }
        if (inputInterface > 0) {
            request.putShort((short) 8).putShort((short) RTA_IIF).putInt(inputInterface);
        }
        request.flip();
        socket.send(request);
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            Optional<ByteBuffer> datagram = socket.receive(TIMEOUT_MILLIS);
            if (datagram.isEmpty()) {
                break;
            }
            List<NlMessage> messages =
                    NlMessage.parseAll(datagram.get(), datagram.get().limit());
            for (NlMessage message : messages) {
                if (message.seq() != seq) {
                    continue; // the answer to an earlier query that timed out
                }
                if (message.type() == NlMessage.NLMSG_ERROR) {
                    StructNlmsgerr error = StructNlmsgerr.parse(message);
                    return RouteAnswer.refused(error.errno());
                }
                if (message.type() == RTM_NEWROUTE) {
                    return route(message);
                }
            }
        }
        throw new IOException("no answer to RTM_GETROUTE within " + TIMEOUT_MILLIS + " ms");
    }

    private static RouteAnswer route(NlMessage message) throws NetlinkDecodeException {
        int body = message.bodyOffset();
        if (message.end() - body < RTMSG_LEN) {
            throw new NetlinkDecodeException(message.offset(), "RTM_NEWROUTE shorter than struct rtmsg");
        }
        ByteBuffer buf = message.buf().duplicate().order(ByteOrder.nativeOrder());
        int table = buf.get(body + 4) & 0xff;
        int type = buf.get(body + 7) & 0xff;
        Attrs attrs = Attrs.parse(message.buf(), body + RTMSG_LEN, message.end());
        Attr tableAttr = attrs.find(RTA_TABLE);
        Attr oif = attrs.find(RTA_OIF);
        return new RouteAnswer(0, type, tableAttr == null ? table : tableAttr.u32(), oif == null ? 0 : oif.u32());
    }

    private static void requireAddress(byte[] address) {
        if (address == null || address.length != 4) {
            throw new IllegalArgumentException("an IPv4 address is 4 bytes");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
