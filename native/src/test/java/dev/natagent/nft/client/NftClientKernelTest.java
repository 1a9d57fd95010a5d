package dev.natagent.nft.client;

import static dev.natagent.nft.expr.Registers.NFT_REG32_01;
import static dev.natagent.nft.expr.Registers.NFT_REG_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.CounterObject;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Masq;
import dev.natagent.nft.expr.Matches;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Objref;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nl.NetlinkException;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NftClient against the real kernel, each test in a namespace of its own. */
@Tag(KernelTests.TAG)
class NftClientKernelTest {
    private static final String T = "nat_agent";
    private static final int TCP = Matches.IPPROTO_TCP;
    /** What nft must read back; applied with `nft -f` in a second namespace for the reference. */
    private static final String RULESET =
            """
            table ip nat_agent {
            	counter fwd_6380 {
            	}
            	map forwards {
            		type inet_service : ipv4_addr . inet_service
            		elements = { 6380 : 10.0.1.231 . 6379, 6381 : 10.0.1.232 . 6379 }
            	}
            	chain prerouting {
            		type nat hook prerouting priority dstnat; policy accept;
            		tcp dport 6380 counter name "fwd_6380"
            		dnat ip to tcp dport map @forwards
            	}
            	chain postrouting {
            		type nat hook postrouting priority srcnat; policy accept;
            		oifname "eth0" masquerade
            	}
            }
            """;

    private Netns netns;
    private NftClient client;

    @BeforeEach
    void open() throws Exception {
        KernelTests.requireKernel();
        netns = Netns.create();
        client = netns.call(NftClient::openIpv4);
    }

    @AfterEach
    void close() throws IOException {
        if (client != null) {
            client.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void aRulesetReadsBackAsNftPrintsTheHandWrittenOne(@TempDir Path dir) throws Exception {
        client.commit(ruleset());

        String ours = netns.execOk("nft", "list", "table", "ip", T);
        try (Netns reference = Netns.create()) {
            Path file = dir.resolve("ruleset.nft");
            Files.writeString(file, RULESET);
            reference.execOk("nft", "-f", file.toString());
            assertEquals(reference.execOk("nft", "list", "table", "ip", T), ours);
        }
    }

    @Test
    void listingsDecodeWhatWasCommitted() throws Exception {
        int before = client.generation().genId();

        client.commit(ruleset());

        assertEquals(before + 1, client.generation().genId(), "one transaction");
        assertEquals(List.of(T), client.listTables().stream().map(Table::name).toList());
        assertEquals(
                List.of("prerouting", "postrouting"),
                client.listChains(T).stream().map(Chain::name).toList());
        assertEquals(
                List.of("forwards"),
                client.listSets(T).stream().map(NftSet::name).toList());
        assertEquals(2, client.listElements(T, "forwards").size());
        List<Rule> prerouting = client.listRules(T, "prerouting");
        assertEquals(2, prerouting.size());
        assertTrue(prerouting.get(1).handle() > 0, "handles come back");
        assertEquals(3, client.listRules(T).size());
        CounterObject counter = client.listObjects(T).get(0);
        assertEquals("fwd_6380", counter.name());
        assertEquals(0, client.resetCounter(T, "fwd_6380").packets());
        assertEquals(1, client.resetCounters(T).size());
    }

    @Test
    void fiftyThousandForwardsCommitInOneTransaction() throws Exception {
        List<SetElement> elements = new ArrayList<>();
        for (int port = 10_000; port < 60_000; port++) {
            elements.add(forward(port, "10.0." + (port >> 8 & 0xff) + "." + (port & 0xff), 6379));
        }
        client.commit(Batch.ipv4().add(Table.of(T)).add(forwardsMap()));
        int before = client.generation().genId();

        client.commit(Batch.ipv4().add(SetElements.of(T, "forwards", elements)));

        assertEquals(before + 1, client.generation().genId());
        assertEquals(50_000, client.listElements(T, "forwards").size());
    }

    /**
     * A size is a hard cap in the kernel: listed back, elements beyond it refused with ENFILE, and
     * deletes earlier in the same batch make room (a retarget at the cap is a delete plus an add).
     */
    @Test
    void aSizedSetListsItsSizeAndRefusesElementsBeyondIt() throws Exception {
        NftSet targets = NftSet.set(
                        T, "targets", 0, NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE), 8, 1)
                .withConcatFields(List.of(4, 2))
                .withSize(3);
        client.commit(Batch.ipv4()
                .add(Table.of(T))
                .add(targets)
                .add(SetElements.of(
                        T, "targets", List.of(target("10.0.1.1"), target("10.0.1.2"), target("10.0.1.3")))));

        assertEquals(OptionalInt.of(3), client.listSets(T).get(0).size());
        assertTrue(netns.execOk("nft", "list", "set", "ip", T, "targets").contains("size 3\n"));

        NetlinkException full = assertThrows(
                NetlinkException.class,
                () -> client.commit(Batch.ipv4().add(SetElements.of(T, "targets", List.of(target("10.0.1.4"))))));
        assertEquals(23, full.errno(), full.getMessage());
        assertEquals(3, client.listElements(T, "targets").size());

        client.commit(Batch.ipv4()
                .delete(SetElements.of(T, "targets", List.of(target("10.0.1.1"))))
                .add(SetElements.of(T, "targets", List.of(target("10.0.1.4")))));
        assertEquals(3, client.listElements(T, "targets").size());
    }

    private static SetElement target(String address) {
        return SetElement.key(Bytes.concat(Bytes.ipv4(address), Bytes.u16Be(6379)));
    }

    @Test
    void chosenElementsAreReadWithoutReadingTheWholeMap() throws Exception {
        List<SetElement> elements = new ArrayList<>();
        for (int port = 10_000; port < 60_000; port++) {
            elements.add(forward(port, "10.0." + (port >> 8 & 0xff) + "." + (port & 0xff), 6379));
        }
        client.commit(Batch.ipv4().add(Table.of(T)).add(forwardsMap()).add(SetElements.of(T, "forwards", elements)));
        // More keys than one request carries, out of order: every answer is the committed element.
        List<SetElement> wanted = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            wanted.add(elements.get((i * 7919) % elements.size()));
        }
        List<SetElement> keys =
                wanted.stream().map(e -> SetElement.key(e.key())).toList();

        List<SetElement> got = client.getElements(T, "forwards", keys);

        assertEquals(wanted, got);
        NetlinkException missing = assertThrows(
                NetlinkException.class,
                () -> client.getElements(
                        T,
                        "forwards",
                        List.of(SetElement.key(forward(9_999, "10.0.0.1", 1).key()))));
        assertTrue(missing.isNotFound());
    }

    @Test
    void errorsAreTypedAndNameTheCommand() throws Exception {
        client.commit(ruleset());

        NetlinkException exists = assertThrows(
                NetlinkException.class, () -> client.commit(Batch.ipv4().create(Table.of(T))));
        assertTrue(exists.isAlreadyExists());
        assertEquals(Optional.of("create table ip nat_agent"), exists.description());

        NetlinkException missing = assertThrows(
                NetlinkException.class, () -> client.commit(Batch.ipv4().delete(Chain.regular(T, "nope"))));
        assertTrue(missing.isNotFound());
        assertEquals(Optional.of("delete chain ip nat_agent nope"), missing.description());

        NetlinkException busy = assertThrows(
                NetlinkException.class, () -> client.commit(Batch.ipv4().delete(forwardsMap())));
        assertTrue(busy.isBusy(), busy.getMessage());

        NetlinkException unsupported = assertThrows(
                NetlinkException.class,
                () -> client.commit(
                        Batch.ipv4().add(Rule.of(T, "prerouting", List.of(Masq.plain()), Optional.empty()))));
        assertTrue(unsupported.isNotSupported(), unsupported.getMessage());
    }

    @Test
    void aBatchWithOneBadCommandCommitsNothing() throws Exception {
        Batch batch =
                Batch.ipv4().add(Table.of(T)).delete(Chain.regular(T, "nope")).add(Table.of("other"));

        assertThrows(NetlinkException.class, () -> client.commit(batch));

        assertEquals(List.of(), client.listTables());
    }

    @Test
    void aStaleGenerationIsRefused() throws Exception {
        int generation = client.generation().genId();
        client.commit(Batch.ipv4().add(Table.of(T)));

        NetlinkException e = assertThrows(
                NetlinkException.class,
                () -> client.commit(Batch.ipv4().expectGeneration(generation).add(Table.of("late"))));

        assertTrue(e.isStaleGeneration());
    }

    private static Batch ruleset() {
        return Batch.ipv4()
                .add(Table.of(T))
                .add(Chain.base(T, "prerouting", "nat", Chain.Hook.PREROUTING, -100))
                .add(Chain.base(T, "postrouting", "nat", Chain.Hook.POSTROUTING, 100))
                .add(CounterObject.of(T, "fwd_6380"))
                .add(forwardsMap())
                .add(SetElements.of(
                        T, "forwards", List.of(forward(6380, "10.0.1.231", 6379), forward(6381, "10.0.1.232", 6379))))
                .add(rule("prerouting", Matches.dport(TCP, 6380), Objref.counter("fwd_6380")))
                .add(rule(
                        "prerouting",
                        Matches.l4proto(TCP),
                        Payload.thDport(NFT_REG_1),
                        new Lookup(NFT_REG_1, OptionalInt.of(NFT_REG_1), "forwards", OptionalInt.of(1), false),
                        Nat.ipv4Dnat(NFT_REG_1, NFT_REG32_01)))
                .add(rule("postrouting", Matches.oifname("eth0"), Masq.plain()));
    }

    private static NftSet forwardsMap() {
        return NftSet.map(
                T,
                "forwards",
                NftSet.TYPE_INET_SERVICE,
                2,
                NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE),
                8,
                1);
    }

    private static SetElement forward(int port, String address, int targetPort) {
        return SetElement.mapping(Bytes.u16Be(port), Bytes.concat(Bytes.ipv4(address), Bytes.u16Be(targetPort)));
    }

    private static Rule rule(String chain, List<Expr> matches, Expr... rest) {
        List<Expr> exprs = new ArrayList<>(matches);
        exprs.addAll(List.of(rest));
        return Rule.of(T, chain, exprs, Optional.empty());
    }
}
