package dev.natagent.nft.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.CounterObject;
import dev.natagent.nft.Generation;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftObject;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NetlinkException;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import dev.natagent.nl.OutcomeUnknownException;
import dev.natagent.testing.ScriptedTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** NftClient against the scripted fake kernel: what it sends, and how it reads replies. */
class NftClientTest {
    private static final String TABLE = "nat_agent";
    private final ScriptedTransport kernel = new ScriptedTransport();
    private final NftClient client = new NftClient(kernel, NftConstants.NFPROTO_IPV4, Duration.ofMillis(50));

    @Test
    void aBatchGoesOutInOneDatagramWithEveryCommandAcked() throws Exception {
        client.commit(Batch.ipv4()
                .add(Table.of(TABLE))
                .add(Chain.base(TABLE, "prerouting", "nat", Chain.Hook.PREROUTING, -100)));

        assertEquals(1, kernel.sent().size());
        List<NlMessage> sent = kernel.sentMessages(0);
        assertEquals(4, sent.size());
        for (NlMessage command : sent.subList(1, 3)) {
            assertTrue((command.flags() & NlFlags.ACK) != 0, "ACK flag on " + command);
        }
        assertEquals(1, kernel.committed().size());
    }

    @Test
    void seqNumbersNeverRepeatAcrossBatches() throws Exception {
        client.commit(Batch.ipv4().add(Table.of(TABLE)));
        client.commit(Batch.ipv4().add(Table.of(TABLE)));

        int lastOfFirst = kernel.sentMessages(0).get(2).seq();
        int firstOfSecond = kernel.sentMessages(1).get(0).seq();
        assertTrue(firstOfSecond > lastOfFirst, firstOfSecond + " after " + lastOfFirst);
    }

    @Test
    void anEmptyBatchSendsNothing() throws Exception {
        assertEquals(List.of(), client.commit(Batch.ipv4()));
        assertEquals(List.of(), kernel.sent());
    }

    @Test
    void aRefusedCommandNamesTheCommand() {
        kernel.refuseType(NftConstants.type(NftConstants.DELSET), 16);

        NetlinkException e = assertThrows(
                NetlinkException.class,
                () -> client.commit(Batch.ipv4().delete(NftSet.set(TABLE, "allowed", 0, NftSet.TYPE_IPV4_ADDR, 4, 1))));

        assertTrue(e.isBusy());
        assertEquals(Optional.of("delete set ip nat_agent allowed"), e.description());
    }

    @Test
    void aLostAckIsAnUnknownOutcome() {
        kernel.loseReplyTo(m -> m.nftMsg() == NftConstants.NEWTABLE);

        assertThrows(
                OutcomeUnknownException.class, () -> client.commit(Batch.ipv4().add(Table.of(TABLE))));
    }

    @Test
    void readsTheGeneration() throws Exception {
        kernel.onGet(NftConstants.type(NftConstants.GETGEN), r -> new MessageWriter()
                .beginMessage(NftConstants.type(NftConstants.NEWGEN), 0, 0, 0, 42)
                .u32Be(Generation.NFTA_GEN_ID, 42)
                .u32Be(Generation.NFTA_GEN_PROC_PID, 7)
                .string(Generation.NFTA_GEN_PROC_NAME, "nat-agent")
                .endMessage()
                .flip());

        assertEquals(new Generation(42, 7, "nat-agent"), client.generation());
    }

    @Test
    void listsDecodeIntoTheRecordsABatchTakes() throws Exception {
        Table table = Table.of(TABLE);
        kernel.onDump(NftConstants.type(NftConstants.GETTABLE), r -> List.of(message(NftConstants.NEWTABLE, table)));

        assertEquals(List.of(table), client.listTables());
        NlMessage request = kernel.sentMessages(0).get(0);
        assertEquals(NftConstants.NFPROTO_IPV4, request.family());
        assertEquals(NlFlags.REQUEST | NlFlags.DUMP, request.flags());
    }

    @Test
    void elementsOfSeveralMessagesAreOneList() throws Exception {
        SetElement a =
                SetElement.mapping(Bytes.u16Be(6380), Bytes.concat(Bytes.ipv4("10.0.1.231"), Bytes.u32Be(0x18eb0000)));
        SetElement b =
                SetElement.mapping(Bytes.u16Be(6381), Bytes.concat(Bytes.ipv4("10.0.1.232"), Bytes.u32Be(0x18eb0000)));
        kernel.onDump(
                NftConstants.type(NftConstants.GETSETELEM),
                r -> List.of(
                        message(NftConstants.NEWSETELEM, SetElements.of(TABLE, "forwards", List.of(a))),
                        message(NftConstants.NEWSETELEM, SetElements.of(TABLE, "forwards", List.of(b)))));

        assertEquals(List.of(a, b), client.listElements(TABLE, "forwards"));
    }

    @Test
    void resettingCountersDumpsWithTheResetType() throws Exception {
        CounterObject before = new CounterObject(TABLE, "fwd_6380", 3, 180, 0);
        kernel.onDump(NftConstants.type(NftConstants.GETOBJ_RESET), r -> List.of(message(NftConstants.NEWOBJ, before)));

        List<CounterObject> counters = client.resetCounters(TABLE);

        assertEquals(3, counters.get(0).packets());
        assertEquals(180, counters.get(0).bytes());
        assertEquals(
                NftConstants.type(NftConstants.GETOBJ_RESET),
                kernel.sentMessages(0).get(0).type());
    }

    @Test
    void anUnexpectedMessageInADumpIsADecodeError() {
        kernel.onDump(
                NftConstants.type(NftConstants.GETCHAIN),
                r -> List.of(message(NftConstants.NEWTABLE, Table.of(TABLE))));

        assertThrows(NetlinkDecodeException.class, () -> client.listChains(TABLE));
    }

    @Test
    void closeClosesTheTransport() throws Exception {
        client.close();
        assertTrue(kernel.isClosed());
    }

    static ByteBuffer message(int msg, NftObject object) {
        MessageWriter w = new MessageWriter();
        w.beginMessage(NftConstants.type(msg), 0, 0, NftConstants.NFPROTO_IPV4, 0);
        object.encode(w);
        return w.endMessage().flip();
    }
}
