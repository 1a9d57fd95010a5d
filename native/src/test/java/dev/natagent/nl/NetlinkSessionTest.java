package dev.natagent.nl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.testing.NlReplies;
import dev.natagent.testing.ScriptedTransport;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The engine's judgement of replies, against a scripted fake kernel. */
class NetlinkSessionTest {
    private static final int NEWTABLE = TestMessages.type(TestMessages.NEWTABLE);
    private final ScriptedTransport kernel = new ScriptedTransport();
    private final NetlinkSession session = new NetlinkSession(kernel, Duration.ofMillis(50));

    @Test
    void aBatchWhoseEveryAckReadsZeroCommits() throws Exception {
        TestMessages batch = batch().table("a", 0).table("b", 0);

        List<NlMessage> echoes = commit(batch);

        assertEquals(List.of(), echoes);
        assertEquals(1, kernel.sent().size(), "one sendto for the whole batch");
        assertEquals(1, kernel.committed().size());
        assertTrue(kernel.receiveBufferBytes() >= 2 * NetlinkSession.RECEIVE_BYTES_PER_ACK);
    }

    @Test
    void echoedMessagesAreReturnedWithTheirHandles() throws Exception {
        MessageWriter out = new MessageWriter();
        int seq = session.reserveSeq(3);
        out.beginMessage(NetlinkSession.NFNL_MSG_BATCH_BEGIN, NlFlags.REQUEST, seq, 0, 10)
                .endMessage();
        out.beginMessage(NEWTABLE, NlFlags.REQUEST | NlFlags.ACK | NlFlags.ECHO, seq + 1, 2, 0)
                .string(1, "nat_agent")
                .endMessage();
        out.beginMessage(NetlinkSession.NFNL_MSG_BATCH_END, NlFlags.REQUEST, seq + 2, 0, 10)
                .endMessage();

        List<NlMessage> echoes = session.commit(out.flip(), s -> "seq " + s);

        assertEquals(1, echoes.size());
        assertEquals(NEWTABLE, echoes.get(0).type());
        assertEquals(1L, echoes.get(0).attrs().u64BeOr(4, -1));
    }

    @Test
    void oneRefusedCommandFailsTheBatchAlthoughTheOthersWereAcked() throws Exception {
        kernel.refuse(m -> m.type() == NEWTABLE && m.seq() % 2 == 0, 16, "table is busy");
        TestMessages batch = batch().table("a", 0).table("b", 0).table("c", 0);

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(batch));

        assertTrue(e.isBusy());
        assertEquals(Optional.of("table is busy"), e.extAckMessage());
        assertEquals(Optional.of("seq " + e.seq()), e.description());
        assertEquals(List.of(), kernel.committed());
    }

    @Test
    void permissionDeniedIsTyped() {
        kernel.refuseType(NEWTABLE, 1);

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(batch().table("a", 0)));

        assertTrue(e.isPermission());
        assertEquals("EPERM", e.errnoName());
    }

    @Test
    void anErrorOnTheBeginSeqFailsTheBatchEvenWithoutCommandReplies() {
        kernel.refuseNextBatch(85);
        TestMessages batch = batch().table("a", 0);

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(batch));

        assertTrue(e.isStaleGeneration());
        assertEquals(batch.beginSeq(), e.seq());
    }

    @Test
    void aLostAckMakesTheOutcomeUnknown() {
        kernel.loseReplyTo(m -> m.type() == NEWTABLE);

        OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> commit(batch().table("a", 0)));

        assertInstanceOf(SocketTimeoutException.class, e.getCause());
    }

    @Test
    void aLostAckAfterAnErrorIsStillAKnownFailure() {
        TestMessages batch = batch().table("a", 0).table("b", 0);
        int second = batch.lastSeq();
        kernel.refuseType(NEWTABLE, 2);
        kernel.loseReplyTo(m -> m.seq() == second);

        NetlinkException e = assertThrows(NetlinkException.class, () -> commit(batch));

        assertEquals(second - 1, e.seq());
    }

    @Test
    void droppedRepliesMakeTheOutcomeUnknown() {
        kernel.messagesPerDatagram(1).overflowAfter(1);

        OutcomeUnknownException e = assertThrows(
                OutcomeUnknownException.class,
                () -> commit(batch().table("a", 0).table("b", 0)));

        assertInstanceOf(MessagesLostException.class, e.getCause());
    }

    @Test
    void aGarbledReplyMakesTheOutcomeUnknown() {
        kernel.inject(Hex.buffer("ff000000 0200 0000 01000000 00000000")); // nlmsg_len beyond the datagram

        OutcomeUnknownException e = assertThrows(OutcomeUnknownException.class, () -> commit(batch().table("a", 0)));

        assertInstanceOf(NetlinkDecodeException.class, e.getCause());
    }

    @Test
    void lateRepliesToAnEarlierRequestAreSkipped() throws Exception {
        TestMessages abandoned = batch().table("a", 0);
        NlMessage stale = NlMessage.parseAll(abandoned.end(), 20 + 36).get(1);
        kernel.inject(NlReplies.error(stale, kernel.portId(), 17, null, -1));

        commit(batch().table("b", 0));

        assertEquals(1, kernel.committed().size());
    }

    @Test
    void refusesBuffersThatAreNotBatches() {
        assertThrows(IllegalArgumentException.class, () -> session.commit(TestMessages.getGen(), s -> ""));
        MessageWriter noAck = new MessageWriter();
        noAck.beginMessage(NetlinkSession.NFNL_MSG_BATCH_BEGIN, NlFlags.REQUEST, 1, 0, 10)
                .endMessage()
                .beginMessage(NEWTABLE, NlFlags.REQUEST, 2, 2, 0)
                .endMessage()
                .beginMessage(NetlinkSession.NFNL_MSG_BATCH_END, NlFlags.REQUEST, 3, 0, 10)
                .endMessage();
        assertThrows(IllegalArgumentException.class, () -> session.commit(noAck.flip(), s -> ""));
        assertEquals(List.of(), kernel.sent());
    }

    @Test
    void aDumpCollectsEveryMessageUpToDone() throws Exception {
        kernel.messagesPerDatagram(2).onDump(NEWTABLE + 1, r -> tables("a", "b", "c"));

        List<NlMessage> tables = session.dump(TestMessages.dumpTables(), "list tables");

        assertEquals(3, tables.size());
        assertEquals("c", tables.get(2).attrs().string(1, "name"));
        NlMessage request = kernel.sentMessages(0).get(0);
        assertEquals(NlFlags.REQUEST | NlFlags.DUMP, request.flags());
    }

    @Test
    void anInterruptedDumpIsRepeated() throws Exception {
        kernel.interruptDumps(2).onDump(NEWTABLE + 1, r -> tables("a"));

        assertEquals(1, session.dump(TestMessages.dumpTables(), "list tables").size());
        assertEquals(3, kernel.sent().size());
    }

    @Test
    void aDumpInterruptedEveryTimeIsGivenUp() {
        kernel.interruptDumps(NetlinkSession.MAX_DUMP_ATTEMPTS);

        IOException e = assertThrows(IOException.class, () -> session.dump(TestMessages.dumpTables(), "list tables"));

        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
    }

    @Test
    void aDumpWhoseRepliesWereDroppedIsRepeated() throws Exception {
        // ENOBUFS on the first receive of the dump: its messages and its NLMSG_DONE are gone.
        kernel.overflowAfter(0).onDump(NEWTABLE + 1, r -> tables("a", "b"));

        assertEquals(2, session.dump(TestMessages.dumpTables(), "list tables").size());
        assertEquals(2, kernel.sent().size(), "the dump was asked for again");
    }

    /** Streamed, each message is read as its datagram arrives, and a repeated dump is announced first. */
    @Test
    void aStreamedDumpHandsOverEachMessageAndAnnouncesARepeat() throws Exception {
        kernel.messagesPerDatagram(1).overflowAfter(1).onDump(NEWTABLE + 1, r -> tables("a", "b"));
        List<String> read = new ArrayList<>();

        session.dump(TestMessages.dumpTables(), "list tables", new DumpReader() {
            @Override
            public void accept(NlMessage message) throws IOException {
                read.add(message.attrs().string(1, "name"));
            }

            @Override
            public void restart() {
                read.add("restart");
            }
        });

        assertEquals(List.of("a", "restart", "a", "b"), read);
    }

    @Test
    void aDumpWithoutDoneTimesOut() {
        kernel.truncateNextDump().onDump(NEWTABLE + 1, r -> tables("a"));

        assertThrows(SocketTimeoutException.class, () -> session.dump(TestMessages.dumpTables(), "list tables"));
    }

    @Test
    void aRefusedDumpIsANetlinkException() {
        kernel.refuseType(NEWTABLE + 1, 2);

        NetlinkException e =
                assertThrows(NetlinkException.class, () -> session.dump(TestMessages.dumpTables(), "list tables"));

        assertTrue(e.isNotFound());
        assertEquals(Optional.of("list tables"), e.description());
    }

    @Test
    void aGetReturnsItsSingleReply() throws Exception {
        int getGen = TestMessages.type(TestMessages.GETGEN);
        kernel.onGet(getGen, r -> new MessageWriter()
                .beginMessage(TestMessages.type(TestMessages.NEWGEN), 0, 0, 0, 7)
                .u32Be(TestMessages.NFTA_GEN_ID, 7)
                .endMessage()
                .flip());

        NlMessage gen = session.get(TestMessages.getGen(), "get generation");

        assertEquals(7, gen.attrs().u32Be(TestMessages.NFTA_GEN_ID, "id"));
        assertEquals(
                NlFlags.REQUEST | NlFlags.ACK, kernel.sentMessages(0).get(0).flags());
    }

    @Test
    void aRefusedGetIsANetlinkException() {
        assertThrows(NetlinkException.class, () -> session.get(TestMessages.getGen(), "get generation"));
    }

    private TestMessages batch() {
        return new TestMessages(session.reserveSeq(100));
    }

    private List<NlMessage> commit(TestMessages batch) throws IOException {
        return session.commit(batch.end(), seq -> "seq " + seq);
    }

    private static List<ByteBuffer> tables(String... names) {
        return java.util.Arrays.stream(names)
                .map(name -> new MessageWriter()
                        .beginMessage(NEWTABLE, 0, 0, 2, 0)
                        .string(1, name)
                        .endMessage()
                        .flip())
                .toList();
    }
}
