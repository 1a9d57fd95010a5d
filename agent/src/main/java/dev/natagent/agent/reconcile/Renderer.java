package dev.natagent.agent.reconcile;

import static dev.natagent.agent.reconcile.KernelLayout.TABLE;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Ipv4Range;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nft.NftMsg;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.expr.Bitwise;
import dev.natagent.nft.expr.Byteorder;
import dev.natagent.nft.expr.Cmp;
import dev.natagent.nft.expr.Ct;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Fib;
import dev.natagent.nft.expr.Immediate;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Masq;
import dev.natagent.nft.expr.Meta;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nft.expr.Registers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a {@link Desired} state into the objects of table {@code ip nat_agent} (layout in {@link
 * KernelLayout}). Pure: no I/O, same input same output. The rules are fixed; forwards and outbounds
 * become set elements, and outbound rules (one per merged source CIDR, tagged with the outbound's
 * name). The expressions are exactly what nft 1.0.6 sends for the rule text in KernelLayout.
 */
public final class Renderer {
    private static final int REG_1 = Registers.NFT_REG_1;
    private static final int REG_9 = Registers.NFT_REG32_01;
    private static final int REG_10 = Registers.NFT_REG32_02;
    /** ct direction of packets sent by the connection's initiator (one byte in the register). */
    private static final int IP_CT_DIR_ORIGINAL = 0;
    /** ct status bit IPS_DST_NAT (host order in the register). */
    private static final int IPS_DST_NAT = 0x20;
    /** Interface names are compared as IFNAMSIZ bytes, NUL-padded. */
    private static final int IFNAMSIZ = 16;

    private Renderer() {}

    /** Everything the table should hold for {@code desired}. */
    public static Ruleset render(Desired desired) {
        // Lists, not hash sets: elements hash poorly (record hashes of similar byte strings), and
        // every key is unique by construction (listen ports are unique, return keys deduplicated).
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        for (NftSet set : KernelLayout.sets()) {
            elements.put(set.name(), new ArrayList<>());
        }
        Set<Bytes> returnKeys = new HashSet<>();
        Function<Target, Optional<Ipv4>> addresses = addresses(desired);
        for (Forward forward : desired.state().forwards().values()) {
            for (SetMember member : forwardElements(forward, addresses)) {
                // Two forwards to one target share its return-path entry: the first (by name) wins.
                if (member.isReturnPath() && !returnKeys.add(member.element().key())) {
                    continue;
                }
                elements.get(member.set()).add(member.element());
            }
        }
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        rules.put(KernelLayout.CHAIN_ALLOWLIST, List.of(allowlistRule()));
        rules.put(KernelLayout.CHAIN_PREROUTING, List.of(dnatRule()));
        List<Rule> postrouting = new ArrayList<>(List.of(returnMasqueradeRule(), returnSnatRule()));
        for (Outbound outbound : desired.state().outbounds().values()) {
            postrouting.addAll(outboundRules(outbound));
        }
        rules.put(KernelLayout.CHAIN_POSTROUTING, postrouting);
        return new Ruleset(KernelLayout.chains(), KernelLayout.sets(), elements, rules);
    }

    /** One element of one of our sets. */
    public record SetMember(String set, SetElement element) {
        boolean isReturnPath() {
            return set.equals(KernelLayout.SET_MASQ_TARGETS) || set.equals(KernelLayout.SET_SNAT_TARGETS);
        }
    }

    /**
     * The elements one forward contributes, per listen port: its map entry (when the target has an
     * address), its allow-list entries, and its target's return-path entry. Listen-port keyed
     * entries belong to this forward alone; return-path entries may be shared with other forwards
     * to the same target.
     */
    public static List<SetMember> forwardElements(Forward forward, Desired desired) {
        return forwardElements(forward, desired::addressOf);
    }

    /** As {@link #forwardElements(Forward, Desired)}, target addresses from {@link #addresses}. */
    static List<SetMember> forwardElements(Forward forward, Function<Target, Optional<Ipv4>> addresses) {
        List<SetMember> members = new ArrayList<>();
        List<Ipv4Range> allowed = forward.allow().isEmpty() ? List.of() : Cidr.toRanges(forward.allow());
        for (int port = forward.listen().first(); port <= forward.listen().last(); port++) {
            Bytes listenKey = KernelLayout.protoPort(forward.proto(), port);
            if (!allowed.isEmpty()) {
                members.add(new SetMember(KernelLayout.SET_GUARDED, SetElement.key(listenKey)));
                for (Ipv4Range range : allowed) {
                    members.add(new SetMember(
                            KernelLayout.SET_ALLOWED,
                            SetElement.range(
                                    KernelLayout.addrProtoPort(range.first().toBytes(), forward.proto(), port),
                                    KernelLayout.addrProtoPort(range.last().toBytes(), forward.proto(), port))));
                }
            }
            Target target = forward.targetFor(port);
            Optional<Ipv4> address = addresses.apply(target);
            if (address.isEmpty()) {
                continue;
            }
            byte[] targetAddress = address.get().toBytes();
            members.add(new SetMember(
                    KernelLayout.SET_FORWARDS,
                    SetElement.mapping(listenKey, KernelLayout.addrPort(targetAddress, target.port()))));
            Bytes targetKey = KernelLayout.addrProtoPort(targetAddress, forward.proto(), target.port());
            ReturnPath returnPath = forward.returnPath();
            switch (returnPath.kind()) {
                case MASQUERADE -> members.add(new SetMember(KernelLayout.SET_MASQ_TARGETS, SetElement.key(targetKey)));
                case SNAT -> members.add(new SetMember(
                        KernelLayout.SET_SNAT_TARGETS,
                        SetElement.mapping(
                                targetKey,
                                Bytes.of(returnPath.address().orElseThrow().toBytes()))));
                case NONE -> {}
            }
        }
        return members;
    }

    /**
     * The addresses of {@code desired}'s targets, each host looked up once: parsing a literal is the
     * costliest step at 50,000 forwards. For one rendering or one change (a snapshot of {@code desired}).
     */
    static Function<Target, Optional<Ipv4>> addresses(Desired desired) {
        Map<String, Optional<Ipv4>> byHost = new HashMap<>();
        return target -> byHost.computeIfAbsent(target.host(), host -> desired.addressOf(target));
    }

    /**
     * {@code ct direction original fib daddr type local meta l4proto . th dport @guarded ip saddr .
     * meta l4proto . th dport != @allowed drop}. The direction test spares replies: a reply to a
     * masqueraded connection whose client used a guarded port as its source port comes back to the
     * NAT's own address on that port from a target that is not on the allow-list.
     */
    static Rule allowlistRule() {
        List<Expr> exprs = new ArrayList<>();
        exprs.add(new Ct(Ct.NFT_CT_DIRECTION, REG_1, OptionalInt.empty()));
        exprs.add(Cmp.eq(REG_1, Bytes.of((byte) IP_CT_DIR_ORIGINAL)));
        exprs.addAll(destinationIsLocal());
        exprs.addAll(loadProtoPort());
        exprs.add(Lookup.member(REG_1, KernelLayout.SET_GUARDED));
        exprs.add(Payload.ipSaddr(REG_1));
        exprs.add(new Meta(Meta.NFT_META_L4PROTO, REG_9));
        // nft converts host-order fields of interval-set keys (here the l4proto byte) to network order.
        exprs.add(Byteorder.hton(REG_9, 1, 2));
        exprs.add(Payload.thDport(REG_10));
        exprs.add(new Lookup(REG_1, OptionalInt.empty(), KernelLayout.SET_ALLOWED, OptionalInt.empty(), true));
        exprs.add(Immediate.verdict(NftData.Verdict.DROP));
        return rule(KernelLayout.CHAIN_ALLOWLIST, exprs, KernelLayout.COMMENT_ALLOWLIST);
    }

    /** {@code fib daddr type local dnat ip to meta l4proto . th dport map @forwards}. */
    static Rule dnatRule() {
        List<Expr> exprs = new ArrayList<>(destinationIsLocal());
        exprs.addAll(loadProtoPort());
        exprs.add(Lookup.map(REG_1, REG_1, KernelLayout.SET_FORWARDS));
        exprs.add(Nat.ipv4Dnat(REG_1, REG_9));
        return rule(KernelLayout.CHAIN_PREROUTING, exprs, KernelLayout.COMMENT_DNAT);
    }

    /** {@code ct status dnat ip daddr . meta l4proto . th dport @masq_targets masquerade}. */
    static Rule returnMasqueradeRule() {
        List<Expr> exprs = new ArrayList<>(dnatedTarget());
        exprs.add(Lookup.member(REG_1, KernelLayout.SET_MASQ_TARGETS));
        exprs.add(Masq.plain());
        return rule(KernelLayout.CHAIN_POSTROUTING, exprs, KernelLayout.COMMENT_RETURN_MASQUERADE);
    }

    /** {@code ct status dnat snat ip to ip daddr . meta l4proto . th dport map @snat_targets}. */
    static Rule returnSnatRule() {
        List<Expr> exprs = new ArrayList<>(dnatedTarget());
        exprs.add(Lookup.map(REG_1, REG_1, KernelLayout.SET_SNAT_TARGETS));
        exprs.add(new Nat(
                Nat.NFT_NAT_SNAT,
                NftMsg.NFPROTO_IPV4,
                OptionalInt.of(REG_1),
                OptionalInt.empty(),
                OptionalInt.empty(),
                OptionalInt.empty(),
                0));
        return rule(KernelLayout.CHAIN_POSTROUTING, exprs, KernelLayout.COMMENT_RETURN_SNAT);
    }

    /** {@code ip saddr CIDR oifname IFACE masquerade}, one rule per merged source CIDR. */
    static List<Rule> outboundRules(Outbound outbound) {
        List<Rule> rules = new ArrayList<>();
        for (Cidr source : Cidr.merge(outbound.sources())) {
            List<Expr> exprs = new ArrayList<>();
            if (source.prefix() > 0) {
                exprs.add(Payload.ipSaddr(REG_1));
                if (source.prefix() < 32) {
                    Bytes mask = Bytes.of(
                            new Cidr(new Ipv4(-1), source.prefix()).network().toBytes());
                    exprs.add(new Bitwise(REG_1, REG_1, 4, mask, Bytes.of(new byte[4])));
                }
                exprs.add(Cmp.eq(REG_1, Bytes.of(source.network().toBytes())));
            }
            exprs.add(new Meta(Meta.NFT_META_OIFNAME, REG_1));
            exprs.add(Cmp.eq(REG_1, interfaceName(outbound.outInterface())));
            exprs.add(Masq.plain());
            rules.add(rule(KernelLayout.CHAIN_POSTROUTING, exprs, KernelLayout.COMMENT_OUTBOUND + outbound.name()));
        }
        return rules;
    }

    private static List<Expr> destinationIsLocal() {
        return List.of(Fib.daddrType(REG_1), Cmp.eq(REG_1, hostOrderU32(Fib.RTN_LOCAL)));
    }

    /** {@code meta l4proto . th dport} into reg 1 (proto) and reg 9 (port). */
    private static List<Expr> loadProtoPort() {
        return List.of(new Meta(Meta.NFT_META_L4PROTO, REG_1), Payload.thDport(REG_9));
    }

    /** {@code ct status dnat} then the post-DNAT destination {@code ip daddr . meta l4proto . th dport} in reg 1. */
    private static List<Expr> dnatedTarget() {
        return List.of(
                new Ct(Ct.NFT_CT_STATUS, REG_1, OptionalInt.empty()),
                new Bitwise(REG_1, REG_1, 4, hostOrderU32(IPS_DST_NAT), Bytes.of(new byte[4])),
                new Cmp(REG_1, Cmp.NEQ, Bytes.of(new byte[4])),
                Payload.ipDaddr(REG_1),
                new Meta(Meta.NFT_META_L4PROTO, REG_9),
                Payload.thDport(REG_10));
    }

    private static Rule rule(String chain, List<Expr> exprs, String comment) {
        return Rule.of(TABLE, chain, exprs, Optional.of(comment));
    }

    /** Meta, ct and fib values sit in registers in host order. */
    private static Bytes hostOrderU32(int value) {
        return Bytes.of(ByteBuffer.allocate(4)
                .order(ByteOrder.nativeOrder())
                .putInt(value)
                .array());
    }

    /**
     * The cmp data for {@code oifname NAME}: the name NUL-padded to IFNAMSIZ, or for {@code "ens*"}
     * just the prefix bytes, which nft uses for a wildcard match.
     */
    private static Bytes interfaceName(String name) {
        if (name.endsWith("*")) {
            return Bytes.of(name.substring(0, name.length() - 1).getBytes(StandardCharsets.UTF_8));
        }
        byte[] padded = new byte[IFNAMSIZ];
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, padded, 0, utf8.length);
        return Bytes.of(padded);
    }
}
