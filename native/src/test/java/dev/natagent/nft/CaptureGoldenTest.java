package dev.natagent.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkDecodeException;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden capture, both directions. Encode side: every batch nft sent is rebuilt from our
 * records (decoded from it, so set ids and nft's display userdata carry over) through {@link Batch},
 * and must match byte for byte, seq numbers included (we number from BEGIN's seq as nft does). Every
 * GET request we model is rebuilt with {@link NftRequests} (nft's requests carry garbage in attribute
 * padding, which is zeroed before comparing). Decode side: every received message
 * decodes, and every decoded object survives decode(encode(x)) == x (handles aside).
 * {@link HandBuiltBatchTest} checks that hand-built records, not decoded ones, give the same bytes.
 */
class CaptureGoldenTest {
    static List<Capture> captures() {
        return Capture.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everySentBatchIsReproducedByteForByte(Capture capture) throws Exception {
        for (Capture.Block block : capture.sends()) {
            List<NlMessage> messages = Wire.messages(block.bytes());
            if (messages.get(0).type() != NftConstants.BATCH_BEGIN) {
                continue;
            }
            MessageWriter w = new MessageWriter();
            rebuild(messages).encode(w, messages.get(0).seq());
            Wire.assertBytes(block.bytes(), w.toByteArray(), capture + " " + block.label());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyModelledRequestIsReproducedByteForByte(Capture capture) throws Exception {
        for (Capture.Block block : capture.sends()) {
            List<NlMessage> messages = Wire.messages(block.bytes());
            if (messages.get(0).type() == NftConstants.BATCH_BEGIN) {
                continue;
            }
            for (NlMessage m : messages) {
                Optional<byte[]> ours = request(m);
                if (ours.isPresent()) {
                    Wire.assertBytes(
                            Wire.zeroTopLevelPadding(Wire.bytesOf(m)), ours.get(), capture + " " + block.label());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyMessageDecodesAndRoundTrips(Capture capture) throws Exception {
        int decoded = 0;
        for (Capture.Block block : capture.blocks()) {
            for (NlMessage m : Wire.messages(block.bytes())) {
                if (m.type() == NlMessage.NLMSG_ERROR) {
                    ErrorReply reply = ErrorReply.decode(m);
                    assertTrue(reply.error() <= 0, capture + ": error code " + reply.error());
                } else if (m.type() == NftConstants.BATCH_BEGIN || m.type() == NftConstants.BATCH_END) {
                    assertEquals(NftConstants.NFNL_SUBSYS_NFTABLES, m.resId(), "batch marker res_id");
                } else if (m.type() != NlMessage.NLMSG_DONE) {
                    NftMessage message = NftMessage.decode(m);
                    if (message.body() instanceof NftObject object) {
                        assertEquals(
                                Wire.withoutHandles(object), Wire.roundTrip(object), capture + " " + block.label());
                    }
                }
                decoded++;
            }
        }
        assertTrue(decoded > 0, capture + " has messages");
    }

    /** The batch nft sent, rebuilt from our records. */
    private static Batch rebuild(List<NlMessage> messages) throws NetlinkDecodeException {
        Batch batch = new Batch(messages.get(1).family());
        for (NlMessage m : messages.subList(1, messages.size() - 1)) {
            NftMessage message = NftMessage.decode(m);
            NftBody body = message.body();
            if (body instanceof RuleFlush flush) {
                batch.flushRules(flush);
            } else if (body instanceof NftObject object) {
                if (message.isDelete()) {
                    batch.delete(object);
                } else if ((m.flags() & NlFlags.EXCL) != 0) {
                    batch.create(object);
                } else {
                    batch.add(object);
                }
            } else {
                fail("unmodelled batch command " + body);
            }
        }
        return batch;
    }

    /**
     * Our encoding of a GET request, when we model it. Not modelled (documented): nft's unfiltered
     * cache dumps of chains/sets/rules/objects across all tables, and flowtable dumps; we always
     * filter by our table.
     */
    private static Optional<byte[]> request(NlMessage m) throws NetlinkDecodeException {
        var a = m.attrs();
        MessageWriter w = new MessageWriter();
        int seq = m.seq();
        int family = m.family();
        boolean dump = (m.flags() & NlFlags.DUMP) == NlFlags.DUMP;
        switch (m.nftMsg()) {
            case NftConstants.GETGEN -> NftRequests.getGeneration(w, seq);
            case NftConstants.GETTABLE -> {
                if (dump) {
                    NftRequests.dumpTables(w, seq, family);
                } else {
                    NftRequests.getTable(w, seq, family, a.string(Table.NFTA_TABLE_NAME, "name"));
                }
            }
            case NftConstants.GETCHAIN -> {
                if (!dump || !a.has(Chain.NFTA_CHAIN_TABLE)) {
                    return Optional.empty();
                }
                NftRequests.dumpChains(w, seq, family, a.string(Chain.NFTA_CHAIN_TABLE, "table"));
            }
            case NftConstants.GETSET -> {
                if (!dump || !a.has(NftSet.NFTA_SET_TABLE)) {
                    return Optional.empty();
                }
                NftRequests.dumpSets(w, seq, family, a.string(NftSet.NFTA_SET_TABLE, "table"));
            }
            case NftConstants.GETRULE -> {
                if (!a.has(Rule.NFTA_RULE_TABLE)) {
                    return Optional.empty();
                }
                NftRequests.dumpRules(
                        w, seq, family, a.string(Rule.NFTA_RULE_TABLE, "table"), a.stringOpt(Rule.NFTA_RULE_CHAIN));
            }
            case NftConstants.GETSETELEM -> {
                String table = a.string(SetElements.NFTA_SET_ELEM_LIST_TABLE, "table");
                String set = a.string(SetElements.NFTA_SET_ELEM_LIST_SET, "set");
                if (dump) {
                    NftRequests.dumpSetElements(w, seq, family, table, set);
                } else {
                    NftRequests.getSetElements(
                            w, seq, family, table, set, SetElements.decode(a).elements());
                }
            }
            case NftConstants.GETOBJ -> {
                if (!a.has(CounterObject.NFTA_OBJ_TABLE)) {
                    return Optional.empty();
                }
                if (dump) {
                    NftRequests.dumpObjects(w, seq, family, a.string(CounterObject.NFTA_OBJ_TABLE, "table"));
                } else {
                    NftRequests.getCounter(
                            w,
                            seq,
                            family,
                            a.string(CounterObject.NFTA_OBJ_TABLE, "table"),
                            a.string(CounterObject.NFTA_OBJ_NAME, "name"));
                }
            }
            case NftConstants.GETOBJ_RESET -> NftRequests.resetCounter(
                    w,
                    seq,
                    family,
                    a.string(CounterObject.NFTA_OBJ_TABLE, "table"),
                    a.string(CounterObject.NFTA_OBJ_NAME, "name"));
            default -> {
                assertFalse(m.nftMsg() != 23, "unexpected request " + m.nftMsg()); // 23 = GETFLOWTABLE
                return Optional.empty();
            }
        }
        return Optional.of(w.toByteArray());
    }
}
