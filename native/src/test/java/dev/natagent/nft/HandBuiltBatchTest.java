package dev.natagent.nft;

import static dev.natagent.nft.Bytes.concat;
import static dev.natagent.nft.Bytes.ipv4;
import static dev.natagent.nft.Bytes.u16Be;
import static dev.natagent.nft.expr.Registers.NFT_REG32_01;
import static dev.natagent.nft.expr.Registers.NFT_REG_1;
import static dev.natagent.nft.expr.Registers.NFT_REG_2;
import static dev.natagent.nft.expr.Registers.NFT_REG_VERDICT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natagent.nft.expr.Bitwise;
import dev.natagent.nft.expr.Cmp;
import dev.natagent.nft.expr.Counter;
import dev.natagent.nft.expr.Ct;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Immediate;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Masq;
import dev.natagent.nft.expr.Matches;
import dev.natagent.nft.expr.Meta;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Objref;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nl.MessageWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Encode side with records written by hand (not decoded from the capture): the batch must equal
 * nft's bytes. Set ids are the ones nft allocated in that session (volatile, so we pass them in), and
 * sets carry nft's display userdata only so the bytes can match; nat-agent omits it (only nft's
 * printing uses it, and ReconcilerKernelTest shows nft lists the agent's sets as documented).
 */
class HandBuiltBatchTest {
    private static final String T = "nat_agent";
    private static final int TCP = Matches.IPPROTO_TCP;
    private static final Bytes MAP_USERDATA = Bytes.ofHex("000402000000010400000000040800040d0000000100060400000000");
    private static final Bytes IPV4_KEY_USERDATA = Bytes.ofHex("000402000000");
    private static final Bytes SIZED_MAP_USERDATA =
            Bytes.ofHex("000400000000010400000000030800040d0000000100040800040d0000000100060400000000");

    @Test
    void tables() {
        assertBatch("add-table", Batch.ipv4().add(Table.of(T)));
        assertBatch("delete-table", Batch.ipv4().delete(Table.of(T)));
        assertBatch("error-create-table-eexist", Batch.ipv4().create(Table.of(T)));
    }

    @Test
    void chains() {
        assertBatch(
                "add-chain-nat-prerouting",
                Batch.ipv4().add(Chain.base(T, "prerouting", "nat", Chain.Hook.PREROUTING, Chain.PRIORITY_DSTNAT)));
        assertBatch(
                "add-chain-nat-postrouting",
                Batch.ipv4().add(Chain.base(T, "postrouting", "nat", Chain.Hook.POSTROUTING, Chain.PRIORITY_SRCNAT)));
        assertBatch(
                "add-chain-filter-allowlist",
                Batch.ipv4().add(Chain.base(T, "allowlist", "filter", Chain.Hook.PREROUTING, Chain.PRIORITY_MANGLE)));
        assertBatch("add-chain-regular", Batch.ipv4().add(Chain.regular(T, "svc_6382")));
        assertBatch("error-delete-chain-enoent", Batch.ipv4().delete(Chain.regular(T, "nosuchchain")));
    }

    @Test
    void counterObject() {
        assertBatch("add-counter-object", Batch.ipv4().add(CounterObject.of(T, "fwd_6380")));
    }

    @Test
    void setsAndMaps() {
        assertBatch("add-map-concat", Batch.ipv4().add(forwardsMap(1)));
        assertBatch("add-set-interval", Batch.ipv4().add(allowedSet(1)));
        assertBatch(
                "add-set-concat-interval",
                Batch.ipv4()
                        .add(NftSet.set(
                                        T,
                                        "allowed_pairs",
                                        NftSet.F_INTERVAL,
                                        NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE),
                                        8,
                                        1)
                                .withConcatFields(List.of(4, 2))
                                .withUserdata(Bytes.ofHex("000400000000030800040d0000000100"))));
        assertBatch(
                "add-map-verdict",
                Batch.ipv4()
                        .add(NftSet.map(T, "dport_vmap", NftSet.TYPE_INET_SERVICE, 2, NftSet.TYPE_VERDICT, 0, 1)
                                .withUserdata(Bytes.ofHex("000402000000010400000000060400000000"))));
        assertBatch("error-delete-set-ebusy", Batch.ipv4().delete(allowedSet(0)));
    }

    /** {@code counter} in a set body: an NFTA_SET_EXPR nest with a counter; elements send keys only. */
    @Test
    void setWithPerElementCounters() {
        assertBatch(
                "add-set-counter",
                Batch.ipv4()
                        .add(NftSet.set(T, "hits", 0, NftSet.TYPE_IPV4_ADDR, 4, 1)
                                .withUserdata(IPV4_KEY_USERDATA)
                                .withCounter()));
        assertBatch(
                "add-element-counter-set",
                Batch.ipv4()
                        .add(new SetElements(
                                T, "hits", OptionalInt.of(1), List.of(SetElement.key(ipv4("127.0.0.1"))))));
    }

    /**
     * {@code size} in a set body: NFTA_SET_DESC { NFTA_SET_DESC_SIZE } after the set id, before the
     * userdata and the counter expression (nft 1.0.6 sends no concat description without intervals).
     */
    @Test
    void sizedMapWithPerElementCounters() {
        assertBatch(
                "add-map-sized-counter",
                Batch.ipv4()
                        .add(NftSet.map(
                                        T,
                                        "forwards",
                                        NftSet.concatType(12, NftSet.TYPE_INET_SERVICE),
                                        8,
                                        NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE),
                                        8,
                                        1)
                                .withSize(131_070)
                                .withUserdata(SIZED_MAP_USERDATA)
                                .withCounter()));
    }

    @Test
    void elements() {
        assertBatch(
                "add-element-map",
                Batch.ipv4()
                        .add(new SetElements(T, "forwards", OptionalInt.of(2), List.of(forward(6381, "10.0.1.232")))));
        assertBatch(
                "monitor-add-element",
                Batch.ipv4()
                        .add(new SetElements(T, "forwards", OptionalInt.of(2), List.of(forward(6382, "10.0.1.233")))));
        assertBatch(
                "delete-element-map",
                Batch.ipv4().delete(SetElements.of(T, "forwards", List.of(SetElement.key(u16Be(6381))))));
        assertBatch(
                "add-element-concat-interval",
                Batch.ipv4()
                        .add(new SetElements(
                                T,
                                "allowed_pairs",
                                OptionalInt.of(4),
                                List.of(SetElement.range(
                                        concat(ipv4("198.51.100.0"), u16Be(6380)),
                                        concat(ipv4("198.51.100.255"), u16Be(6380)))))));
        assertBatch(
                "add-element-verdict-map",
                Batch.ipv4()
                        .add(new SetElements(
                                T,
                                "dport_vmap",
                                OptionalInt.of(5),
                                List.of(SetElement.mapping(u16Be(6382), NftData.Verdict.jump("svc_6382"))))));
        assertBatch(
                "delete-element-interval",
                Batch.ipv4()
                        .delete(SetElements.of(
                                T,
                                "allowed",
                                List.of(
                                        SetElement.key(ipv4("203.0.113.7")),
                                        SetElement.intervalEnd(ipv4("203.0.113.8"))))));
    }

    /** A catch-all element has no key: added with its data, deleted by its flag alone, as nft does. */
    @Test
    void catchAllElements() {
        assertBatch(
                "add-element-catchall-verdict-map",
                Batch.ipv4()
                        .add(new SetElements(
                                T,
                                "ports",
                                OptionalInt.of(1),
                                List.of(SetElement.catchAll(Optional.of(NftData.Verdict.DROP))))));
        assertBatch(
                "delete-element-catchall",
                Batch.ipv4()
                        .delete(SetElements.of(
                                T, "ports", List.of(SetElement.catchAll(Optional.of(NftData.Verdict.DROP))))));
    }

    /**
     * nft prefixes interval elements with a 0.0.0.0 END element; we build start/end pairs only (the
     * kernel does not need it: docs/netlink.md, "Interval sets"). The bytes match once we add nft's
     * leading element, and the rest is exactly our pairs.
     */
    @Test
    void intervalElementsDifferOnlyByNftsLeadingEndElement() {
        List<SetElement> ours = new ArrayList<>();
        ours.addAll(prefix("10.0.0.0", "11.0.0.0"));
        ours.addAll(prefix("198.51.100.0", "198.51.101.0"));
        ours.addAll(prefix("203.0.113.7", "203.0.113.8"));
        List<SetElement> nfts = new ArrayList<>();
        nfts.add(SetElement.intervalEnd(ipv4("0.0.0.0")));
        nfts.addAll(ours);
        assertBatch("add-element-interval", Batch.ipv4().add(new SetElements(T, "allowed", OptionalInt.of(3), nfts)));
    }

    @Test
    void rules() {
        assertBatch(
                "add-rule-objref-counter",
                Batch.ipv4().add(rule("prerouting", Matches.dport(TCP, 6380), Objref.counter("fwd_6380"))));
        assertBatch(
                "add-rule-counter-dnat-immediate",
                Batch.ipv4()
                        .add(rule(
                                "prerouting",
                                Matches.dport(TCP, 11211),
                                Counter.zero(),
                                Immediate.value(NFT_REG_1, ipv4("10.0.1.240")),
                                Immediate.value(NFT_REG_2, u16Be(11211)),
                                new Nat(
                                        Nat.NFT_NAT_DNAT,
                                        NftConstants.NFPROTO_IPV4,
                                        OptionalInt.of(NFT_REG_1),
                                        OptionalInt.empty(),
                                        OptionalInt.of(NFT_REG_2),
                                        OptionalInt.empty(),
                                        Nat.F_PROTO_SPECIFIED))));
        assertBatch("add-rule-dnat-named-map", Batch.ipv4().add(dnatThroughForwards(2)));
        assertBatch(
                "add-rule-concat-lookup",
                Batch.ipv4()
                        .add(rule(
                                "allowlist",
                                Matches.saddrDportKey(TCP),
                                new Lookup(NFT_REG_1, OptionalInt.empty(), "allowed_pairs", OptionalInt.of(4), false),
                                Immediate.verdict(NftData.Verdict.ACCEPT))));
        assertBatch(
                "add-rule-comment-userdata",
                Batch.ipv4()
                        .add(Rule.of(
                                T,
                                "postrouting",
                                exprs(
                                        Matches.ipSaddrPrefix(ipv4("10.0.0.0"), 16),
                                        Matches.oifname("eth1"),
                                        List.of(Masq.plain())),
                                Optional.of("nat-agent:masq:10.0.0.0/16"))));
        assertBatch(
                "add-rule-saddr-in-set",
                Batch.ipv4()
                        .add(rule(
                                "allowlist",
                                List.of(Payload.ipSaddr(NFT_REG_1)),
                                new Lookup(NFT_REG_1, OptionalInt.empty(), "allowed", OptionalInt.of(3), false),
                                Immediate.verdict(NftData.Verdict.ACCEPT))));
        assertBatch("add-rule-saddr-not-in-set-drop", Batch.ipv4().add(allowlistDrop(3)));
        assertBatch(
                "add-rule-ct-state",
                Batch.ipv4()
                        .add(rule(
                                "allowlist",
                                Matches.ctStateAny(Ct.STATE_ESTABLISHED | Ct.STATE_RELATED),
                                Immediate.verdict(NftData.Verdict.ACCEPT))));
        assertBatch("add-rule-masquerade", Batch.ipv4().add(masquerade()));
        assertBatch(
                "add-rule-snat",
                Batch.ipv4()
                        .add(rule(
                                "postrouting",
                                exprs(Matches.ipDaddr(ipv4("10.0.1.231")), Matches.dport(TCP, 6379)),
                                Immediate.value(NFT_REG_1, ipv4("10.0.1.1")),
                                new Nat(
                                        Nat.NFT_NAT_SNAT,
                                        NftConstants.NFPROTO_IPV4,
                                        OptionalInt.of(NFT_REG_1),
                                        OptionalInt.empty(),
                                        OptionalInt.empty(),
                                        OptionalInt.empty(),
                                        0))));
        assertBatch(
                "add-rule-vmap-lookup",
                Batch.ipv4()
                        .add(rule(
                                "prerouting",
                                Matches.l4proto(TCP),
                                Payload.thDport(NFT_REG_1),
                                new Lookup(
                                        NFT_REG_1,
                                        OptionalInt.of(NFT_REG_VERDICT),
                                        "dport_vmap",
                                        OptionalInt.of(5),
                                        false))));
        assertBatch(
                "add-rule-ct-original-proto-dst-vmap",
                Batch.ipv4()
                        .add(rule(
                                "traffic",
                                exprs(
                                        List.of(
                                                new Ct(Ct.NFT_CT_STATUS, NFT_REG_1, OptionalInt.empty()),
                                                new Bitwise(
                                                        NFT_REG_1,
                                                        NFT_REG_1,
                                                        4,
                                                        Bytes.ofHex("20000000"),
                                                        Bytes.ofHex("00000000")),
                                                new Cmp(NFT_REG_1, Cmp.NEQ, Bytes.ofHex("00000000"))),
                                        Matches.l4proto(TCP)),
                                new Meta(Meta.NFT_META_L4PROTO, NFT_REG_1),
                                new Ct(Ct.NFT_CT_PROTO_DST, NFT_REG32_01, OptionalInt.of(0)),
                                new Lookup(
                                        NFT_REG_1,
                                        OptionalInt.of(NFT_REG_VERDICT),
                                        "ports",
                                        OptionalInt.of(1),
                                        false))));
        assertBatch("delete-rule-handle", Batch.ipv4().delete(Rule.withHandle(T, "prerouting", 6)));
        assertBatch(
                "error-masquerade-in-prerouting-eopnotsupp",
                Batch.ipv4().add(rule("prerouting", List.of(), Masq.plain())));
        assertBatch("monitor-flush-table", Batch.ipv4().flushRules(new RuleFlush(T, Optional.empty())));
    }

    /**
     * nft's anonymous map: we can express it, but nat-agent uses named maps so that single elements
     * can change; this only shows the records cover what nft sends.
     */
    @Test
    void anonymousMapAsNftSendsIt() {
        NftSet anonymous = new NftSet(
                T,
                "__map%d",
                NftSet.F_ANONYMOUS | NftSet.F_CONSTANT | NftSet.F_MAP,
                NftSet.TYPE_INET_SERVICE,
                2,
                NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE),
                8,
                List.of(),
                1,
                OptionalInt.of(1),
                false,
                Optional.of(Bytes.ofHex("000402000000010400000000060400000000")),
                0);
        Rule dnat = rule(
                "prerouting",
                Matches.l4proto(TCP),
                Payload.thDport(NFT_REG_1),
                new Lookup(NFT_REG_1, OptionalInt.of(NFT_REG_1), "__map%d", OptionalInt.of(1), false),
                Nat.ipv4Dnat(NFT_REG_1, NFT_REG32_01));
        assertBatch(
                "add-rule-dnat-anon-concat-map",
                Batch.ipv4()
                        .add(anonymous)
                        .add(new SetElements(T, "__map%d", OptionalInt.of(1), List.of(forward(6380, "10.0.1.231"))))
                        .add(dnat));
    }

    /** The whole desired state in nft's order: table, chains, objects, sets, elements, rules. */
    @Test
    void fullBatch() {
        List<SetElement> allowed = new ArrayList<>();
        allowed.add(SetElement.intervalEnd(ipv4("0.0.0.0")));
        allowed.addAll(prefix("198.51.100.0", "198.51.101.0"));
        allowed.addAll(prefix("203.0.113.7", "203.0.113.8"));
        assertBatch(
                "full-batch-nft-f",
                Batch.ipv4()
                        .add(Table.of(T))
                        .add(Chain.base(T, "allowlist", "filter", Chain.Hook.PREROUTING, Chain.PRIORITY_MANGLE))
                        .add(Chain.base(T, "prerouting", "nat", Chain.Hook.PREROUTING, Chain.PRIORITY_DSTNAT))
                        .add(Chain.base(T, "postrouting", "nat", Chain.Hook.POSTROUTING, Chain.PRIORITY_SRCNAT))
                        .add(CounterObject.of(T, "fwd_6380"))
                        .add(allowedSet(1))
                        .add(new SetElements(T, "allowed", OptionalInt.of(1), allowed))
                        .add(forwardsMap(2))
                        .add(new SetElements(
                                T,
                                "forwards",
                                OptionalInt.of(2),
                                List.of(forward(6380, "10.0.1.231"), forward(6381, "10.0.1.232"))))
                        .add(allowlistDrop(1))
                        .add(rule("prerouting", Matches.dport(TCP, 6380), Objref.counter("fwd_6380")))
                        .add(dnatThroughForwards(2))
                        .add(masquerade()));
    }

    private static NftSet forwardsMap(int id) {
        return NftSet.map(
                        T,
                        "forwards",
                        NftSet.TYPE_INET_SERVICE,
                        2,
                        NftSet.concatType(NftSet.TYPE_IPV4_ADDR, NftSet.TYPE_INET_SERVICE),
                        8,
                        id)
                .withUserdata(MAP_USERDATA);
    }

    private static NftSet allowedSet(int id) {
        return NftSet.set(T, "allowed", NftSet.F_INTERVAL, NftSet.TYPE_IPV4_ADDR, 4, id)
                .withUserdata(IPV4_KEY_USERDATA);
    }

    private static SetElement forward(int port, String target) {
        return SetElement.mapping(u16Be(port), concat(ipv4(target), u16Be(6379)));
    }

    private static List<SetElement> prefix(String start, String firstAfter) {
        return List.of(SetElement.key(ipv4(start)), SetElement.intervalEnd(ipv4(firstAfter)));
    }

    private static Rule allowlistDrop(int setId) {
        return rule(
                "allowlist",
                Matches.dport(TCP, 6380),
                Payload.ipSaddr(NFT_REG_1),
                new Lookup(NFT_REG_1, OptionalInt.empty(), "allowed", OptionalInt.of(setId), true),
                Immediate.verdict(NftData.Verdict.DROP));
    }

    private static Rule dnatThroughForwards(int setId) {
        return rule(
                "prerouting",
                Matches.l4proto(TCP),
                Payload.thDport(NFT_REG_1),
                new Lookup(NFT_REG_1, OptionalInt.of(NFT_REG_1), "forwards", OptionalInt.of(setId), false),
                Nat.ipv4Dnat(NFT_REG_1, NFT_REG32_01));
    }

    private static Rule masquerade() {
        return rule("postrouting", Matches.oifname("eth0"), Masq.plain());
    }

    private static Rule rule(String chain, List<Expr> matches, Expr... rest) {
        return Rule.of(T, chain, exprs(matches, Arrays.asList(rest)), Optional.empty());
    }

    @SafeVarargs
    private static List<Expr> exprs(List<? extends Expr>... parts) {
        List<Expr> out = new ArrayList<>();
        for (List<? extends Expr> part : parts) {
            out.addAll(part);
        }
        return out;
    }

    /** Compares with the capture's first batch; nft numbers BEGIN 0, so we do too. */
    private static void assertBatch(String captureName, Batch batch) {
        Capture capture = Capture.named(captureName);
        Capture.Block sent = capture.sends().stream()
                .filter(b -> b.bytes().length > 16 && b.bytes()[4] == NftConstants.BATCH_BEGIN && b.bytes()[5] == 0)
                .findFirst()
                .orElseThrow();
        MessageWriter w = new MessageWriter();
        EncodedBatch encoded = batch.encode(w, 0);
        assertEquals(0, encoded.beginSeq());
        Wire.assertBytes(sent.bytes(), w.toByteArray(), captureName);
    }
}
