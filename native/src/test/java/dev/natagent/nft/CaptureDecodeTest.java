package dev.natagent.nft;

import static dev.natagent.nft.Bytes.concat;
import static dev.natagent.nft.Bytes.ipv4;
import static dev.natagent.nft.Bytes.u16Be;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nft.expr.Counter;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Objref;
import dev.natagent.nft.expr.Registers;
import dev.natagent.nl.NlMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decode side: the fields that matter in the kernel's dumps, events and errors. */
class CaptureDecodeTest {
    @Test
    void ruleDumpCarriesHandlesPositionsAndCounterValues() throws Exception {
        List<Rule> rules = bodies("list-rules-chain", Rule.class);
        Rule counted = rules.stream().filter(r -> r.handle() == 6).findFirst().orElseThrow();
        assertEquals("prerouting", counted.chain());
        assertEquals(5, counted.position(), "position is the previous rule's handle");
        assertTrue(
                counted.exprs().contains(new Counter(120, 2)), counted.exprs().toString());
        Rule objref = rules.stream().filter(r -> r.handle() == 5).findFirst().orElseThrow();
        assertTrue(objref.exprs().contains(Objref.counter("fwd_6380")));
        Rule dnat = rules.stream().filter(r -> r.handle() == 10).findFirst().orElseThrow();
        // The kernel answers with what it filled in: ADDR_MAX, PROTO_MAX and flags 3 we never sent.
        assertTrue(dnat.exprs()
                .contains(new Nat(
                        Nat.NFT_NAT_DNAT,
                        NftConstants.NFPROTO_IPV4,
                        OptionalInt.of(Registers.NFT_REG_1),
                        OptionalInt.of(Registers.NFT_REG_1),
                        OptionalInt.of(Registers.NFT_REG32_01),
                        OptionalInt.of(Registers.NFT_REG32_01),
                        Nat.F_MAP_IPS | Nat.F_PROTO_SPECIFIED)));
        assertTrue(dnat.exprs().stream()
                .anyMatch(e -> e instanceof Lookup l
                        && l.set().equals("forwards")
                        && l.dreg().equals(OptionalInt.of(1))));
    }

    @Test
    void chainAndSetDumps() throws Exception {
        Chain prerouting = bodies("list-counter", Chain.class).get(0);
        assertEquals(
                Optional.of(new Chain.Base("nat", Chain.Hook.PREROUTING, -100, Chain.NF_ACCEPT)), prerouting.base());
        assertEquals(1, prerouting.handle());
        NftSet anonymous = bodies("list-rules-chain", NftSet.class).get(0);
        assertEquals("__map0", anonymous.name());
        assertEquals(NftSet.F_ANONYMOUS | NftSet.F_CONSTANT | NftSet.F_MAP, anonymous.flags());
        assertEquals(NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE), anonymous.dataType());
        assertEquals(OptionalInt.of(1), anonymous.size());
        assertEquals(7, anonymous.handle());
    }

    /** A sized set lists its size back (NFTA_SET_DESC_SIZE). */
    @Test
    void sizedSetDumpCarriesTheSize() throws Exception {
        NftSet forwards = bodies("list-map-sized-counter", NftSet.class).get(0);
        assertEquals("forwards", forwards.name());
        assertEquals(OptionalInt.of(131_070), forwards.size());
        assertTrue(forwards.counter());
        assertEquals(NftSet.F_MAP, forwards.flags());
        assertTrue(
                forwards.concatFieldLens().isEmpty(), forwards.concatFieldLens().toString());
    }

    /**
     * Interval elements come descending, end before start, then an empty closing message (203.0.113.7
     * was deleted earlier in the capture sequence).
     */
    @Test
    void intervalElementDump() throws Exception {
        List<SetElements> messages = bodies("list-set-elements", SetElements.class);
        List<SetElement> elements = messages.get(0).elements();
        assertEquals(SetElement.intervalEnd(ipv4("198.51.101.0")), elements.get(0));
        assertEquals(SetElement.key(ipv4("198.51.100.0")), elements.get(1));
        assertEquals(SetElement.intervalEnd(ipv4("11.0.0.0")), elements.get(2));
        assertEquals(SetElement.key(ipv4("10.0.0.0")), elements.get(3));
        assertTrue(messages.get(messages.size() - 1).elements().isEmpty());
    }

    @Test
    void perElementCounterValues() throws Exception {
        NftSet set = bodies("list-set-counter-elements", NftSet.class).get(0);
        assertTrue(set.counter(), "set declares per-element counters");
        SetElement element = bodies("list-set-counter-elements", SetElements.class)
                .get(0)
                .elements()
                .get(0);
        assertEquals(ipv4("127.0.0.1"), element.key());
        assertEquals(Optional.of(new Counter(200, 4)), element.counter());
    }

    /** A catch-all element comes back without a key: flagged, with its data and counter. */
    @Test
    void catchAllElementInADump() throws Exception {
        List<SetElement> elements = bodies("list-map-catchall", SetElements.class).stream()
                .flatMap(m -> m.elements().stream())
                .toList();
        SetElement catchAll =
                elements.stream().filter(SetElement::isCatchAll).findFirst().orElseThrow();
        assertEquals(
                SetElement.catchAll(Optional.of(NftData.Verdict.DROP)).withCounter(Optional.of(Counter.zero())),
                catchAll);
        assertEquals(1, elements.stream().filter(e -> !e.isCatchAll()).count(), elements.toString());
    }

    @Test
    void counterReset() throws Exception {
        CounterObject counter = bodies("reset-counter", CounterObject.class).get(0);
        assertEquals(new CounterObject("nat_agent", "fwd_6380", 4, 240, 4), counter);
    }

    @Test
    void foreignElementEventAndGeneration() throws Exception {
        List<NftMessage> events = received("monitor-add-element");
        NftMessage element = events.get(0);
        assertEquals(NftConstants.NEWSETELEM, element.msgType());
        assertEquals(
                SetElements.of(
                        "nat_agent",
                        "forwards",
                        List.of(SetElement.mapping(u16Be(6382), concat(ipv4("10.0.1.233"), u16Be(6379))))),
                element.body());
        NftMessage gen = events.get(1);
        Generation generation = assertInstanceOf(Generation.class, gen.body());
        assertEquals("nft", generation.procName());
        assertEquals(gen.pid(), element.pid(), "events carry the changing socket's port id");
    }

    @Test
    void flushEventsAreRuleDeletionsPlusAnonymousSet() throws Exception {
        List<NftMessage> events = received("monitor-flush-table");
        assertTrue(events.stream().allMatch(e -> e.isDelete() || e.msgType() == NftConstants.NEWGEN));
        long rules = events.stream()
                .filter(e -> e.body() instanceof Rule r && r.handle() > 0)
                .count();
        assertEquals(13, rules);
        NftSet deleted = events.stream()
                .filter(e -> e.body() instanceof NftSet)
                .map(e -> (NftSet) e.body())
                .findFirst()
                .orElseThrow();
        assertEquals("__map0", deleted.name());
        assertInstanceOf(Generation.class, events.get(events.size() - 1).body());
    }

    @ParameterizedTest
    @CsvSource({
        "error-create-table-eexist, -17, 0",
        "error-delete-chain-enoent, -2, 5",
        "error-delete-set-ebusy, -16, 11",
        "error-masquerade-in-prerouting-eopnotsupp, -95, 6"
    })
    void errorsEchoTheFailingCommand(String capture, int error, int echoedMsg) throws Exception {
        List<ErrorReply> errors = new ArrayList<>();
        for (Capture.Block block : Capture.named(capture).blocks()) {
            if (block.direction() == Capture.Direction.RECV) {
                for (NlMessage m : Wire.messages(block.bytes())) {
                    if (m.type() == NlMessage.NLMSG_ERROR) {
                        errors.add(ErrorReply.decode(m));
                    }
                }
            }
        }
        assertEquals(List.of(new ErrorReply(error, NftConstants.type(echoedMsg), 1)), errors);
    }

    private static List<NftMessage> received(String capture) throws Exception {
        List<NftMessage> out = new ArrayList<>();
        for (Capture.Block block : Capture.named(capture).blocks()) {
            if (block.direction() == Capture.Direction.RECV) {
                for (NlMessage m : Wire.messages(block.bytes())) {
                    if (m.subsystem() == NftConstants.NFNL_SUBSYS_NFTABLES) {
                        out.add(NftMessage.decode(m));
                    }
                }
            }
        }
        return out;
    }

    private static <T> List<T> bodies(String capture, Class<T> type) throws Exception {
        return received(capture).stream()
                .map(NftMessage::body)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }
}
