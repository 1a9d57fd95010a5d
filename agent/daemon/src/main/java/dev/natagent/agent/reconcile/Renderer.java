package dev.natagent.agent.reconcile;

import static dev.natagent.agent.reconcile.KernelLayout.TABLE;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftData;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.ServiceKey;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.expr.Bitwise;
import dev.natagent.nft.expr.Cmp;
import dev.natagent.nft.expr.Ct;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Fib;
import dev.natagent.nft.expr.Immediate;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Masq;
import dev.natagent.nft.expr.Matches;
import dev.natagent.nft.expr.Meta;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nft.expr.Registers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns a {@link Desired} state into the objects of table {@code ip nat_agent} (layout in {@link
 * KernelLayout}). Pure: no I/O, same input same output. Forwards become set elements; the rules
 * are fixed but for the outbounds' (one per merged source CIDR, tagged with the outbound's name).
 * The expressions are exactly what nft 1.0.6 sends for the rule text in KernelLayout.
 */
public final class Renderer {
    private static final int REG_1 = Registers.NFT_REG_1;
    private static final int REG_9 = Registers.NFT_REG32_01;
    /** ct direction of packets sent by the connection's initiator (one byte in the register). */
    private static final int IP_CT_DIR_ORIGINAL = 0;

    private static final NftData.Verdict ACCEPT = NftData.Verdict.ACCEPT;
    /** ct status bit IPS_DST_NAT (host order in the register). */
    private static final int IPS_DST_NAT = 0x20;

    private Renderer() {}

    /** Everything the table should hold for {@code desired}. */
    public static Ruleset render(Desired desired) {
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        for (NftSet set : KernelLayout.sets()) {
            elements.put(set.name(), new ArrayList<>());
        }
        // Every key is unique by construction (listen ports are unique), so lists, not sets.
        Ruleset rest = render(desired, member -> elements.get(member.set()).add(member.element()));
        elements.putAll(rest.elements());
        return new Ruleset(rest.chains(), rest.sets(), elements, rest.rules());
    }

    /**
     * As {@link #render(Desired)}, but the elements of the fixed sets (those of the forwards, all
     * keyed by listen port) are handed to {@code forwardMembers} one by one instead: the result
     * holds none of them, so a reader that keeps them in a compact form of its own never holds
     * them all as objects.
     */
    static Ruleset render(Desired desired, Consumer<SetMember> forwardMembers) {
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        Function<Target, Optional<Ipv4>> addresses = addresses(desired);
        AllowGroups groups = new AllowGroups();
        for (Forward forward : desired.state().forwards().values()) {
            forwardElements(forward, addresses, groups).forEach(forwardMembers);
        }
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        rules.put(KernelLayout.CHAIN_PREROUTING, List.of(dnatRule()));
        List<Rule> traffic = new ArrayList<>();
        List<Rule> postrouting = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            traffic.add(trafficRule(protocol));
            postrouting.addAll(returnRules(protocol));
        }
        for (Outbound outbound : desired.state().outbounds().values()) {
            postrouting.addAll(outboundRules(outbound));
        }
        rules.put(KernelLayout.CHAIN_TRAFFIC, traffic);
        rules.put(KernelLayout.CHAIN_POSTROUTING, postrouting);
        List<Chain> chains = new ArrayList<>(KernelLayout.chains());
        List<NftSet> sets = new ArrayList<>(KernelLayout.sets());
        for (AllowGroup group : groups.met()) {
            chains.add(group.chain());
            sets.add(group.set(sets.size() + 1));
            elements.put(group.name(), group.elements());
            rules.put(group.name(), List.of(allowRule(group)));
        }
        return new Ruleset(chains, sets, elements, rules);
    }

    /** One element of one of our sets. */
    public record SetMember(String set, SetElement element) {}

    /**
     * The elements one forward contributes, per listen port: its {@code ports} entry (its counter,
     * and the goto to its allow-list's chain when it has one) and, when the target has an address,
     * its DNAT mapping and a return-path entry unless that is the default (masquerade). Every element
     * is keyed by one of the forward's own listen ports. Target addresses come from {@link
     * #addresses}, allow-list groups from {@code groups}; the group's own chain and set are
     * shared, not the forward's.
     */
    static List<SetMember> forwardElements(
            Forward forward, Function<Target, Optional<Ipv4>> addresses, AllowGroups groups) {
        List<SetMember> members = new ArrayList<>();
        // goto, not jump: nothing in the traffic chain is left to run after the allow-list.
        NftData.Verdict verdict = forward.allow().isEmpty()
                ? ACCEPT
                : NftData.Verdict.goTo(groups.of(forward.allow()).name());
        for (int port = forward.listen().first(); port <= forward.listen().last(); port++) {
            Bytes listenKey = KernelLayout.protoPort(forward.proto(), port);
            members.add(new SetMember(KernelLayout.SET_PORTS, SetElement.mapping(listenKey, verdict)));
            Target target = forward.targetFor(port);
            Optional<Ipv4> address = addresses.apply(target);
            if (address.isEmpty()) {
                continue;
            }
            members.add(new SetMember(
                    KernelLayout.SET_FORWARDS,
                    SetElement.mapping(
                            listenKey, ServiceKey.addrService(address.get().toBytes(), target.port()))));
            ReturnPath returnPath = forward.returnPath();
            switch (returnPath.kind()) {
                case MASQUERADE -> {}
                case SNAT -> members.add(new SetMember(
                        KernelLayout.SET_SNAT_PORTS,
                        SetElement.mapping(
                                listenKey,
                                Bytes.of(returnPath.address().orElseThrow().toBytes()))));
                case NONE -> members.add(new SetMember(KernelLayout.SET_PLAIN_PORTS, SetElement.key(listenKey)));
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

    /** {@code fib daddr type local dnat ip to meta l4proto . th dport map @forwards}. */
    static Rule dnatRule() {
        List<Expr> exprs = new ArrayList<>(List.of(Fib.daddrType(REG_1), Cmp.eq(REG_1, Bytes.u32Host(Fib.RTN_LOCAL))));
        exprs.add(new Meta(Meta.NFT_META_L4PROTO, REG_1));
        exprs.add(Payload.thDport(REG_9));
        exprs.add(Lookup.map(REG_1, REG_1, KernelLayout.SET_FORWARDS));
        exprs.add(Nat.ipv4Dnat(REG_1, REG_9));
        return rule(KernelLayout.CHAIN_PREROUTING, exprs, KernelLayout.COMMENT_DNAT);
    }

    /** {@code ct status dnat meta l4proto P meta l4proto . ct original proto-dst vmap @ports}. */
    static Rule trafficRule(Protocol protocol) {
        List<Expr> exprs = dnatedListenKey(protocol);
        exprs.add(new Lookup(
                REG_1, OptionalInt.of(Registers.NFT_REG_VERDICT), KernelLayout.SET_PORTS, OptionalInt.empty(), false));
        return rule(KernelLayout.CHAIN_TRAFFIC, exprs, KernelLayout.COMMENT_TRAFFIC + protocol);
    }

    /**
     * {@code ct direction original ip saddr != @allow_X drop}, the one rule of allow-list chain X.
     * Only the client's side is checked: replies come from the target.
     */
    static Rule allowRule(AllowGroup group) {
        List<Expr> exprs = new ArrayList<>();
        exprs.add(new Ct(Ct.NFT_CT_DIRECTION, REG_1, OptionalInt.empty()));
        exprs.add(Cmp.eq(REG_1, Bytes.u8(IP_CT_DIR_ORIGINAL)));
        exprs.add(Payload.ipSaddr(REG_1));
        exprs.add(new Lookup(REG_1, OptionalInt.empty(), group.name(), OptionalInt.empty(), true));
        exprs.add(Immediate.verdict(NftData.Verdict.DROP));
        return rule(group.name(), exprs, KernelLayout.COMMENT_ALLOW);
    }

    /**
     * The return path of connections we DNATed, by listen port: SNAT to the address in {@code
     * snat_ports}, left alone for {@code plain_ports}, masqueraded for every other forward.
     */
    static List<Rule> returnRules(Protocol protocol) {
        List<Expr> snat = dnatedListenKey(protocol);
        snat.add(Lookup.map(REG_1, REG_1, KernelLayout.SET_SNAT_PORTS));
        snat.add(new Nat(
                Nat.NFT_NAT_SNAT,
                NftConstants.NFPROTO_IPV4,
                OptionalInt.of(REG_1),
                OptionalInt.empty(),
                OptionalInt.empty(),
                OptionalInt.empty(),
                0));
        List<Expr> plain = dnatedListenKey(protocol);
        plain.add(Lookup.member(REG_1, KernelLayout.SET_PLAIN_PORTS));
        plain.add(Immediate.verdict(NftData.Verdict.ACCEPT));
        List<Expr> masquerade = dnatedListenKey(protocol);
        masquerade.add(Lookup.member(REG_1, KernelLayout.SET_FORWARDS));
        masquerade.add(Masq.plain());
        return List.of(
                rule(KernelLayout.CHAIN_POSTROUTING, snat, KernelLayout.COMMENT_RETURN_SNAT + protocol),
                rule(KernelLayout.CHAIN_POSTROUTING, plain, KernelLayout.COMMENT_RETURN_NONE + protocol),
                rule(KernelLayout.CHAIN_POSTROUTING, masquerade, KernelLayout.COMMENT_RETURN_MASQUERADE + protocol));
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
                    exprs.add(new Bitwise(REG_1, REG_1, 4, mask, Bytes.zeros(4)));
                }
                exprs.add(Cmp.eq(REG_1, Bytes.of(source.network().toBytes())));
            }
            exprs.add(new Meta(Meta.NFT_META_OIFNAME, REG_1));
            exprs.add(Cmp.eq(REG_1, Matches.ifname(outbound.outInterface())));
            exprs.add(Masq.plain());
            rules.add(rule(KernelLayout.CHAIN_POSTROUTING, exprs, KernelLayout.COMMENT_OUTBOUND + outbound.name()));
        }
        return rules;
    }

    /**
     * {@code ct status dnat meta l4proto P meta l4proto . ct original proto-dst}: a connection we
     * (or another table) DNATed, of protocol P, and its listen key in reg 1 and reg 9, in every
     * packet of the connection; a new list to append to.
     */
    private static List<Expr> dnatedListenKey(Protocol protocol) {
        List<Expr> exprs = new ArrayList<>(List.of(
                new Ct(Ct.NFT_CT_STATUS, REG_1, OptionalInt.empty()),
                new Bitwise(REG_1, REG_1, 4, Bytes.u32Host(IPS_DST_NAT), Bytes.zeros(4)),
                new Cmp(REG_1, Cmp.NEQ, Bytes.zeros(4))));
        exprs.addAll(isProtocol(protocol));
        exprs.add(new Meta(Meta.NFT_META_L4PROTO, REG_1));
        exprs.add(originalDport(REG_9));
        return exprs;
    }

    private static List<Expr> isProtocol(Protocol protocol) {
        return Matches.l4proto(KernelLayout.protocolNumber(protocol));
    }

    private static Ct originalDport(int reg) {
        return new Ct(Ct.NFT_CT_PROTO_DST, reg, OptionalInt.of(IP_CT_DIR_ORIGINAL));
    }

    private static Rule rule(String chain, List<Expr> exprs, String comment) {
        return Rule.of(TABLE, chain, exprs, Optional.of(comment));
    }
}
