package dev.natagent.nl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The request/reply engine against the real kernel, each test in a namespace of its own. */
@Tag(KernelTests.TAG)
class NetlinkSessionKernelTest {
    private static final String TABLE = "nat_agent";
    private Netns netns;
    private NetlinkSession session;

    @BeforeEach
    void openNamespace() throws Exception {
        KernelTests.requireKernel();
        netns = Netns.create();
        session = netns.call(() -> new NetlinkSession(NetlinkSocket.openRequestSocket(), Duration.ofSeconds(10)));
    }

    @AfterEach
    void closeNamespace() throws IOException {
        if (session != null) {
            session.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void createsATable() throws Exception {
        commit(batch().table(TABLE, 0));

        assertEquals("table ip nat_agent\n", netns.execOk("nft", "list", "tables"));
    }

    @Test
    void exclusiveCreateOfAnExistingTableFailsWithEexist() throws Exception {
        commit(batch().table(TABLE, 0));
        TestMessages again = batch().table(TABLE, NlFlags.EXCL);
        int failingSeq = again.lastSeq();

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(again));

        assertTrue(e.isAlreadyExists());
        assertEquals(17, e.errno());
        assertEquals("EEXIST", e.errnoName());
        assertEquals(failingSeq, e.seq());
        assertEquals(TestMessages.type(TestMessages.NEWTABLE), e.messageType());
        assertEquals(Optional.of("seq " + failingSeq), e.description());
        assertTrue(e.getMessage().contains("EEXIST"), e.getMessage());
    }

    @Test
    void deletingAMissingChainFailsWithEnoent() throws Exception {
        commit(batch().table(TABLE, 0));

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(batch().deleteChain(TABLE, "nope")));

        assertTrue(e.isNotFound(), e.getMessage());
    }

    @Test
    void aBatchWithOneBadMessageCommitsNothing() throws Exception {
        TestMessages batch = batch().table("first", 0).bogus();
        int bogusSeq = batch.lastSeq();
        batch.table("second", 0);

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(batch));

        assertEquals(bogusSeq, e.seq());
        assertEquals("", netns.execOk("nft", "list", "tables"));
    }

    @Test
    void aStaleGenerationIsRefusedOnTheBeginSeq() throws Exception {
        int generation = generation();
        commit(batch().table(TABLE, 0));
        TestMessages stale = new TestMessages(session.reserveSeq(100), generation).table("late", 0);

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(stale));

        assertTrue(e.isStaleGeneration(), e.getMessage());
        assertEquals(stale.beginSeq(), e.seq());
        assertEquals("table ip nat_agent\n", netns.execOk("nft", "list", "tables"));
        // The engine stays usable: the next request is not confused by leftovers.
        assertEquals(generation + 1, generation());
    }

    @Test
    void fiftyThousandMapElementsCommitInOneTransaction() throws Exception {
        TestMessages batch = new TestMessages(session.reserveSeq(1000))
                .table(TABLE, 0)
                .portMap(TABLE, "fwd")
                .portMapElements(TABLE, "fwd", 10_000, 60_000, 2_000);
        int generation = generation();

        commit(batch);

        assertEquals(generation + 1, generation(), "one transaction");
        List<NlMessage> elements = session.dump(TestMessages.dumpElements(TABLE, "fwd"), "list map fwd");
        assertEquals(50_000, TestMessages.countElements(elements));
    }

    @Test
    void twoThousandAcksAllArrive() throws Exception {
        TestMessages batch = new TestMessages(session.reserveSeq(3000))
                .table(TABLE, 0)
                .portMap(TABLE, "fwd")
                .portMapElements(TABLE, "fwd", 1, 2_001, 1);

        commit(batch);

        List<NlMessage> elements = session.dump(TestMessages.dumpElements(TABLE, "fwd"), "list map fwd");
        assertEquals(2_000, TestMessages.countElements(elements));
    }

    @Test
    void droppedAcksMakeTheOutcomeUnknownNotFailed() throws Exception {
        NetlinkSocket small = netns.call(() -> NetlinkSocket.open(0, 16 * 1024));
        try (NetlinkSession tight = new NetlinkSession(new FixedQueue(small), Duration.ofSeconds(10))) {
            TestMessages batch = new TestMessages(tight.reserveSeq(3000))
                    .table(TABLE, 0)
                    .portMap(TABLE, "fwd")
                    .portMapElements(TABLE, "fwd", 1, 2_001, 1);

            OutcomeUnknownException e =
                    assertThrows(OutcomeUnknownException.class, () -> tight.commit(batch.end(), seq -> "seq " + seq));

            assertInstanceOf(MessagesLostException.class, e.getCause());
        }
        // The kernel committed although the ACKs were lost (docs/netlink.md, "Replies, and when a batch succeeded").
        List<NlMessage> elements = session.dump(TestMessages.dumpElements(TABLE, "fwd"), "list map fwd");
        assertEquals(2_000, TestMessages.countElements(elements));
    }

    @Test
    void dumpsReadEveryDatagramToDone() throws Exception {
        TestMessages batch = batch();
        for (int i = 0; i < 300; i++) {
            batch.table("t" + i, 0);
        }
        commit(batch);

        List<NlMessage> tables = session.dump(TestMessages.dumpTables(), "list tables");

        assertEquals(300, tables.size());
    }

    @Test
    void aRefusedDumpIsANetlinkException() {
        NetlinkException e = assertThrows(
                NetlinkException.class, () -> session.dump(TestMessages.dumpElements(TABLE, "fwd"), "list map fwd"));

        assertTrue(e.isNotFound(), e.getMessage());
        assertEquals(Optional.of("list map fwd"), e.description());
    }

    private TestMessages batch() {
        return new TestMessages(session.reserveSeq(1000));
    }

    private void commit(TestMessages batch) throws IOException {
        session.commit(batch.end(), seq -> "seq " + seq);
    }

    private int generation() throws IOException {
        NlMessage gen = session.get(TestMessages.getGen(), "get generation");
        assertEquals(TestMessages.type(TestMessages.NEWGEN), gen.type());
        return gen.attrs().u32Be(TestMessages.NFTA_GEN_ID, "NFTA_GEN_ID");
    }

    /** A socket whose receive queue the engine cannot grow, to provoke ENOBUFS. */
    private record FixedQueue(NetlinkSocket socket) implements NetlinkTransport {
        @Override
        public int reserveSeq(int count) {
            return socket.reserveSeq(count);
        }

        @Override
        public void send(ByteBuffer datagram) throws IOException {
            socket.send(datagram);
        }

        @Override
        public Optional<ByteBuffer> receive(long timeoutMillis) throws IOException {
            return socket.receive(timeoutMillis);
        }

        @Override
        public void ensureReceiveBuffer(int bytes) {}

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
