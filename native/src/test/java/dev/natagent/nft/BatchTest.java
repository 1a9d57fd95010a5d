package dev.natagent.nft;

import static dev.natagent.nft.Bytes.concat;
import static dev.natagent.nft.Bytes.u16Be;
import static dev.natagent.nft.Bytes.u32Be;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nft.expr.Counter;
import dev.natagent.nl.Attr;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BatchTest {
    private static final String T = "nat_agent";

    @Test
    void fiftyThousandElementsSplitUnderTheNestLimitInOneBatch() throws Exception {
        List<SetElement> elements = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            elements.add(SetElement.mapping(u16Be(i + 1), concat(u32Be(0x0a000000 + i), u16Be(6379))));
        }
        MessageWriter w = new MessageWriter();
        EncodedBatch batch =
                Batch.ipv4().add(SetElements.of(T, "forwards", elements)).encode(w, 100);

        List<NlMessage> messages = Wire.messages(w.toByteArray());
        assertEquals(NftConstants.BATCH_BEGIN, messages.get(0).type());
        assertEquals(NftConstants.BATCH_END, messages.get(messages.size() - 1).type());
        List<SetElement> decoded = new ArrayList<>();
        List<NlMessage> commandMessages = messages.subList(1, messages.size() - 1);
        for (NlMessage m : commandMessages) {
            Attr nest = m.attrs().require(SetElements.NFTA_SET_ELEM_LIST_ELEMENTS, "elements");
            assertTrue(nest.length() + 4 <= Batch.MAX_ELEMENTS_NEST, "nest of " + nest.length());
            if (m != commandMessages.get(commandMessages.size() - 1)) {
                assertTrue(nest.length() + 4 > Batch.MAX_ELEMENTS_NEST - 64, "messages are filled: " + nest.length());
            }
            decoded.addAll(((SetElements) NftMessage.decode(m).body()).elements());
            assertEquals(
                    "add element ip nat_agent forwards", batch.describe(m.seq()).orElseThrow());
        }
        assertEquals(elements, decoded);
        int commands = messages.size() - 2;
        assertTrue(commands > 1, "split into " + commands);
        assertEquals(100, batch.beginSeq());
        assertEquals(100 + commands + 1, batch.endSeq());
        assertEquals(
                batch.commandSeqs(),
                messages.subList(1, messages.size() - 1).stream()
                        .map(NlMessage::seq)
                        .toList());
    }

    @Test
    void packedElementsAreTheSameMessagesAsTheElementsThemselves() throws Exception {
        List<SetElement> elements = new ArrayList<>();
        PackedElements packed = new PackedElements(T, "ports");
        for (int i = 0; i < 20_000; i++) {
            SetElement element = i % 3 == 0
                    ? SetElement.mapping(u16Be(i + 1), NftData.Verdict.goTo("allow_" + i % 7))
                    : SetElement.mapping(u16Be(i + 1), concat(u32Be(0x0a000000 + i), u16Be(6379)));
            elements.add(element);
            packed.add(element);
        }
        MessageWriter objects = new MessageWriter();
        EncodedBatch fromObjects = Batch.ipv4()
                .ackEach(true)
                .add(SetElements.of(T, "ports", elements))
                .encode(objects, 7);
        MessageWriter bytes = new MessageWriter();
        EncodedBatch fromPacked = Batch.ipv4().ackEach(true).add(packed).encode(bytes, 7);

        assertEquals(elements.size(), packed.size());
        assertTrue(
                fromObjects.descriptions().size() > 2,
                "split into " + fromObjects.descriptions().size());
        assertEquals(fromObjects.descriptions(), fromPacked.descriptions());
        assertEquals(fromObjects.endSeq(), fromPacked.endSeq());
        assertEquals(Bytes.of(objects.toByteArray()), Bytes.of(bytes.toByteArray()));
        // Room was made once, for exactly what was written (and the little reserved after it).
        assertTrue(
                bytes.capacity() <= bytes.size() + 64 * 1024, "capacity " + bytes.capacity() + " for " + bytes.size());
    }

    @Test
    void noPackedElementsNoMessage() {
        assertTrue(Batch.ipv4().add(new PackedElements(T, "ports")).isEmpty());
    }

    @Test
    void flagsFollowNft() throws Exception {
        MessageWriter w = new MessageWriter();
        Batch.ipv4()
                .add(Table.of(T))
                .create(Table.of(T))
                .add(Chain.regular(T, "c"))
                .create(Chain.regular(T, "c"))
                .add(Rule.of(T, "c", List.of(), Optional.empty()))
                .delete(Rule.withHandle(T, "c", 7))
                .delete(SetElements.of(T, "s", List.of(SetElement.key(u16Be(1)))))
                .destroy(CounterObject.of(T, "n"))
                .encode(w, 0);
        List<NlMessage> m = Wire.messages(w.toByteArray());
        int r = NlFlags.REQUEST;
        assertEquals(
                List.of(
                        r,
                        r,
                        r | NlFlags.EXCL,
                        r | NlFlags.CREATE,
                        r | NlFlags.CREATE | NlFlags.EXCL,
                        r | NlFlags.CREATE | NlFlags.APPEND,
                        r,
                        r,
                        r,
                        r),
                m.stream().map(NlMessage::flags).toList());
        assertEquals(NftConstants.type(NftConstants.DESTROYOBJ), m.get(8).type());
        assertEquals(NftConstants.type(NftConstants.DELSETELEM), m.get(7).type());
    }

    @Test
    void deletingElementsSendsKeysOnly() throws Exception {
        SetElement mapping = SetElement.mapping(u16Be(6381), concat(u32Be(0x0a0001e8), u16Be(6379)));
        MessageWriter w = new MessageWriter();
        Batch.ipv4().delete(SetElements.of(T, "forwards", List.of(mapping))).encode(w, 0);
        NlMessage del = Wire.messages(w.toByteArray()).get(1);
        assertEquals(
                SetElements.of(T, "forwards", List.of(SetElement.key(u16Be(6381)))),
                NftMessage.decode(del).body());
    }

    @Test
    void ackEachFlagsCommandsButNotMarkers() throws Exception {
        MessageWriter w = new MessageWriter();
        Batch.ipv4().ackEach(true).add(Table.of(T)).delete(Table.of(T)).encode(w, 0);
        List<NlMessage> m = Wire.messages(w.toByteArray());
        assertEquals(
                List.of(NlFlags.REQUEST, NlFlags.REQUEST | NlFlags.ACK, NlFlags.REQUEST | NlFlags.ACK, NlFlags.REQUEST),
                m.stream().map(NlMessage::flags).toList());
    }

    @Test
    void encodedBytesAreTheBatchAloneAfterEarlierMessages() throws Exception {
        MessageWriter w = new MessageWriter();
        NftRequests.getGeneration(w, 1);
        EncodedBatch batch = Batch.ipv4().add(Table.of(T)).encode(w, 2);
        byte[] bytes = new byte[batch.bytes().remaining()];
        batch.bytes().get(bytes);
        List<NlMessage> m = Wire.messages(bytes);
        assertEquals(
                List.of(NftConstants.BATCH_BEGIN, NftConstants.type(NftConstants.NEWTABLE), NftConstants.BATCH_END),
                m.stream().map(NlMessage::type).toList());
    }

    @Test
    void generationGoesOnBegin() throws Exception {
        MessageWriter w = new MessageWriter();
        Batch.ipv4().expectGeneration(30).add(Table.of(T)).encode(w, 0);
        NlMessage begin = Wire.messages(w.toByteArray()).get(0);
        assertEquals(NftConstants.NFNL_SUBSYS_NFTABLES, begin.resId());
        assertEquals(30, begin.attrs().u32Be(NftConstants.NFNL_BATCH_GENID, "genid"));
    }

    @Test
    void descriptionsNameEachCommand() {
        EncodedBatch batch = Batch.ipv4()
                .add(NftSet.map(T, "forwards", 13, 2, 461, 8, 1))
                .delete(Rule.withHandle(T, "prerouting", 6))
                .flushRules(new RuleFlush(T, Optional.empty()))
                .encode(new MessageWriter(), 10);
        assertEquals(Optional.of("add map ip nat_agent forwards"), batch.describe(11));
        assertEquals(Optional.of("delete rule ip nat_agent prerouting handle 6"), batch.describe(12));
        assertEquals(Optional.of("flush table ip nat_agent"), batch.describe(13));
        assertEquals(Optional.empty(), batch.describe(10));
        assertEquals(13, batch.lastCommandSeq());
    }

    @Test
    void misuseIsRefusedEarly() {
        assertThrows(IllegalStateException.class, () -> Batch.ipv4()
                .delete(Rule.of(T, "c", List.of(), Optional.empty()))
                .encode(new MessageWriter(), 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> Rule.of(T, "c", List.of(), Optional.of("x".repeat(Rule.MAX_COMMENT_BYTES + 1))));
        assertThrows(IllegalArgumentException.class, () -> new NftData.Verdict(NftData.Code.JUMP, Optional.empty()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new MessageWriter().bytes(1, new byte[70_000]),
                "nla_len would wrap");
        assertThrows(IllegalArgumentException.class, () -> Bytes.ipv4("10.0.0.256"));
        assertThrows(IllegalArgumentException.class, () -> Bytes.ipv4("10.0.0"));
    }

    @Test
    void setWithPerElementCounterRoundTrips() throws Exception {
        NftSet set = NftSet.set(T, "seen", 0, NftSet.TYPE_IPV4_ADDR, 4, 1).withCounter();
        assertEquals(set, Wire.roundTrip(set));
        SetElements counted = new SetElements(
                T,
                "seen",
                OptionalInt.empty(),
                List.of(new SetElement(
                        u32Be(1), Optional.empty(), Optional.empty(), 0, Optional.of(new Counter(100, 2)))));
        assertEquals(counted, Wire.roundTrip(counted));
    }
}
