package dev.natagent.nl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Socket-level behaviour that the engine relies on, against the real kernel. */
@Tag(KernelTests.TAG)
class NetlinkSocketKernelTest {
    private Netns netns;

    @BeforeEach
    void openNamespace() throws Exception {
        KernelTests.requireKernel();
        netns = Netns.create();
    }

    @AfterEach
    void closeNamespace() throws IOException {
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void everySocketGetsItsOwnPortIdAndTheForcedBuffers() throws Exception {
        try (NetlinkSocket first = netns.call(NetlinkSocket::openRequestSocket);
                NetlinkSocket second = netns.call(NetlinkSocket::openRequestSocket)) {
            assertNotEquals(first.portId(), second.portId());
            // SO_RCVBUFFORCE ignores rmem_max (212992 by default); the kernel doubles the value.
            assertEquals(8 * 1024 * 1024, first.receiveBufferBytes());
            assertEquals(4 * 1024 * 1024, first.sendBufferBytes());
        }
    }

    @Test
    void theSendBufferGrowsForALargeBatch() throws Exception {
        try (NetlinkSocket small = netns.call(() -> NetlinkSocket.open(64 * 1024, 4 * 1024 * 1024));
                NetlinkSession session = new NetlinkSession(small, Duration.ofSeconds(10))) {
            ByteBuffer batch = new TestMessages(session.reserveSeq(1000))
                    .table("nat_agent", 0)
                    .portMap("nat_agent", "fwd")
                    .portMapElements("nat_agent", "fwd", 1, 20_001, 2_000)
                    .end();
            assertTrue(batch.remaining() > small.sendBufferBytes());

            session.commit(batch, seq -> "seq " + seq);

            assertTrue(small.sendBufferBytes() >= batch.remaining() + 32, "send buffer " + small.sendBufferBytes());
        }
    }

    @Test
    void aDatagramLargerThanTheBufferIsAnErrorNotACutMessage() throws Exception {
        try (NetlinkSocket receiver = netns.call(NetlinkSocket::openRequestSocket);
                NetlinkSocket sender = netns.call(NetlinkSocket::openRequestSocket)) {
            ByteBuffer oversized = ByteBuffer.allocateDirect(NetlinkSocket.DATAGRAM_BUFFER_BYTES + 100)
                    .order(ByteOrder.nativeOrder());
            sender.send(oversized, new StructSockaddrNl(receiver.portId(), 0).toBuffer());

            DatagramTruncatedException e =
                    assertThrows(DatagramTruncatedException.class, () -> receiver.receive(1_000));

            assertTrue(e.getMessage().contains(String.valueOf(NetlinkSocket.DATAGRAM_BUFFER_BYTES + 100)));
        }
    }

    @Test
    void datagramsFromOtherProcessesAreIgnored() throws Exception {
        try (NetlinkSocket receiver = netns.call(NetlinkSocket::openRequestSocket);
                NetlinkSocket sender = netns.call(NetlinkSocket::openRequestSocket)) {
            ByteBuffer forged = new MessageWriter()
                    .beginMessage(NlMessage.NLMSG_ERROR, 0, 1, 0, 0)
                    .endMessage()
                    .flip();
            sender.send(forged, new StructSockaddrNl(receiver.portId(), 0).toBuffer());

            assertEquals(Optional.empty(), receiver.receive(200));
        }
    }

    @Test
    void receiveTimesOutWhenNothingComes() throws Exception {
        try (NetlinkSocket socket = netns.call(NetlinkSocket::openRequestSocket)) {
            long start = System.nanoTime();

            assertEquals(Optional.empty(), socket.receive(150));

            assertTrue(System.nanoTime() - start >= 140_000_000L);
        }
    }

    @Test
    void aClosedSocketRefusesToWork() throws Exception {
        NetlinkSocket socket = netns.call(NetlinkSocket::openRequestSocket);
        socket.close();
        socket.close();

        assertThrows(IOException.class, () -> socket.receive(10));
    }
}
