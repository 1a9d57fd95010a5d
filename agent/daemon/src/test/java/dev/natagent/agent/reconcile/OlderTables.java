package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Ipv4Range;
import dev.natagent.agent.model.Protocol;
import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftData.Verdict;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.expr.Byteorder;
import dev.natagent.nft.expr.Cmp;
import dev.natagent.nft.expr.Ct;
import dev.natagent.nft.expr.Immediate;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Meta;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nft.expr.Registers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Tables as other agent versions (or hands) made them: our layout with other set sizes; the layout
 * before allow-list groups.
 */
final class OlderTables {
    private OlderTables() {}

    /** The table as {@code desired} renders it, but with every sized set of ours at {@code size}. */
    static Batch withSetSizes(Desired desired, OptionalInt size) {
        Ruleset rendered = Renderer.render(desired);
        List<NftSet> sets = rendered.sets().stream()
                .map(set -> set.size().isEmpty()
                        ? set
                        : new NftSet(
                                set.table(),
                                set.name(),
                                set.flags(),
                                set.keyType(),
                                set.keyLen(),
                                set.dataType(),
                                set.dataLen(),
                                set.concatFieldLens(),
                                set.id(),
                                size,
                                set.counter(),
                                set.userdata(),
                                set.handle()))
                .toList();
        Batch batch = Batch.ipv4();
        Planner.create(batch, new Ruleset(rendered.chains(), sets, rendered.elements(), rendered.rules()));
        return batch;
    }

    /**
     * The table as the agent of 66026b9 made it for {@code desired}: allow-lists as one set of
     * source range . proto . listen port ({@code allowed}, pipapo), checked by chain {@code
     * allowlist}, to which the ports entries of allow-listed forwards go.
     */
    static Batch withOneAllowedSet(Desired desired) {
        Ruleset rendered = Renderer.render(desired);
        List<Chain> chains = new ArrayList<>(rendered.chains().stream()
                .filter(chain -> !KernelLayout.isAllowGroup(chain.name()))
                .toList());
        chains.add(Chain.regular(KernelLayout.TABLE, "allowlist"));
        List<NftSet> sets = new ArrayList<>(rendered.sets().stream()
                .filter(set -> !KernelLayout.isAllowGroup(set.name()))
                .toList());
        sets.add(NftSet.set(KernelLayout.TABLE, "allowed", NftSet.F_INTERVAL, ADDR_PROTO_PORT, 12, 9)
                .withConcatFields(List.of(4, 1, 2)));
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        Verdict toAllowlist = Verdict.goTo("allowlist");
        elements.put(
                KernelLayout.SET_PORTS,
                rendered.elementsOf(KernelLayout.SET_PORTS).stream()
                        .map(e -> e.data()
                                        .filter(d -> d instanceof Verdict v
                                                && v.chain().isPresent())
                                        .isPresent()
                                ? SetElement.mapping(e.key(), toAllowlist)
                                : e)
                        .toList());
        List<SetElement> allowed = new ArrayList<>();
        for (Forward forward : desired.state().forwards().values()) {
            for (Ipv4Range range : forward.allow().isEmpty() ? List.<Ipv4Range>of() : Cidr.toRanges(forward.allow())) {
                for (int port = forward.listen().first();
                        port <= forward.listen().last();
                        port++) {
                    allowed.add(SetElement.range(
                            addrProtoPort(range.first(), forward.proto(), port),
                            addrProtoPort(range.last(), forward.proto(), port)));
                }
            }
        }
        elements.put("allowed", allowed);
        rendered.elements().forEach((set, members) -> {
            if (!KernelLayout.isAllowGroup(set)) {
                elements.putIfAbsent(set, members);
            }
        });
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        rendered.rules().forEach((chain, list) -> {
            if (!KernelLayout.isAllowGroup(chain)) {
                rules.put(chain, list);
            }
        });
        rules.put("allowlist", List.of(allowlistRule(Protocol.TCP), allowlistRule(Protocol.UDP)));
        Batch batch = Batch.ipv4();
        Planner.create(batch, new Ruleset(chains, sets, elements, rules));
        return batch;
    }

    private static final int ADDR_PROTO_PORT =
            NftSet.concatType(NftSet.TYPE_IPV4_ADDR, KernelLayout.TYPE_INET_PROTO, NftSet.TYPE_INET_SERVICE);

    private static Bytes addrProtoPort(Ipv4 address, Protocol protocol, int port) {
        byte[] key = new byte[12];
        System.arraycopy(address.toBytes(), 0, key, 0, 4);
        key[4] = (byte) KernelLayout.protocolNumber(protocol);
        key[8] = (byte) (port >>> 8);
        key[9] = (byte) port;
        return Bytes.of(key);
    }

    /** ct direction original meta l4proto P ip saddr . meta l4proto . ct original proto-dst != @allowed drop */
    private static Rule allowlistRule(Protocol protocol) {
        return Rule.of(
                KernelLayout.TABLE,
                "allowlist",
                List.of(
                        new Ct(Ct.NFT_CT_DIRECTION, Registers.NFT_REG_1, OptionalInt.empty()),
                        Cmp.eq(Registers.NFT_REG_1, Bytes.of((byte) 0)),
                        new Meta(Meta.NFT_META_L4PROTO, Registers.NFT_REG_1),
                        Cmp.eq(Registers.NFT_REG_1, Bytes.of((byte) KernelLayout.protocolNumber(protocol))),
                        Payload.ipSaddr(Registers.NFT_REG_1),
                        new Meta(Meta.NFT_META_L4PROTO, Registers.NFT_REG32_01),
                        Byteorder.hton(Registers.NFT_REG32_01, 1, 2),
                        new Ct(Ct.NFT_CT_PROTO_DST, Registers.NFT_REG32_02, OptionalInt.of(0)),
                        new Lookup(Registers.NFT_REG_1, OptionalInt.empty(), "allowed", OptionalInt.empty(), true),
                        Immediate.verdict(Verdict.DROP)),
                Optional.of("nat-agent:allowlist:" + protocol));
    }
}
