package dev.natagent.agent.daemon;

import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.reconcile.KernelLayout;
import dev.natagent.agent.service.Doctor;
import dev.natagent.agent.service.Doctor.ForeignRule;
import dev.natagent.agent.service.PortSet;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftData;
import dev.natagent.nft.Rule;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.Table;
import dev.natagent.nft.client.NftClient;
import dev.natagent.nft.expr.Cmp;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Immediate;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Meta;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nft.expr.Payload;
import dev.natagent.nft.expr.Range;
import dev.natagent.nft.expr.UnknownExpr;
import dev.natagent.nft.expr.Xt;
import dev.natagent.nl.NetlinkSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * For doctor only: reads (never changes) the other owners' tables of the families that see IPv4
 * traffic ({@code ip}, and {@code inet} as firewalld uses) on sockets of its own, and reports the
 * rules reachable from a prerouting base chain that rewrite the destination: native {@code dnat}
 * and {@code redirect}, and iptables-nft's x_tables {@code DNAT}/{@code REDIRECT} targets. The
 * ports a rule matches come from {@code th dport} comparisons ({@code ==}, {@code !=}, ranges),
 * anonymous and named sets, maps ({@code dnat to tcp dport map ...}), verdict maps and jumps into
 * other chains, and the {@code tcp}, {@code udp} and {@code multiport} xt matches. A match it does
 * not understand leaves the ports wider, never narrower: a false alarm rather than a miss.
 */
final class NetlinkForeignDnat implements Doctor.ForeignDnat {
    private static final int[] FAMILIES = {NftConstants.NFPROTO_IPV4, NftConstants.NFPROTO_INET};
    private static final int DPORT_OFFSET = 2;
    private static final int PORT_LEN = 2;
    private static final int IP_PROTOCOL_OFFSET = 9;
    private static final int VERDICT_REGISTER = 0;
    /** Replaced by the priority of the base chain a rule is reached from. */
    private static final int UNKNOWN_PRIORITY = 0;

    @Override
    public List<ForeignRule> rules() throws IOException {
        List<ForeignRule> found = new ArrayList<>();
        for (int family : FAMILIES) {
            try (NftClient client =
                    new NftClient(NetlinkSocket.openRequestSocket(), family, NftClient.DEFAULT_TIMEOUT)) {
                for (Table table : client.listTables()) {
                    if (family == NftConstants.NFPROTO_IPV4 && table.name().equals(KernelLayout.TABLE)) {
                        continue;
                    }
                    new TableScan(
                                    client,
                                    (family == NftConstants.NFPROTO_IPV4 ? "ip " : "inet ") + table.name(),
                                    table.name())
                            .scan(found);
                }
            }
        }
        return found;
    }

    /** What a register holds, as far as this check cares. */
    private enum Held {
        DPORT,
        L4PROTO,
        OTHER
    }

    /** One table: its chains' rules, set elements read when a rule looks them up. */
    private static final class TableScan {
        private final NftClient client;
        private final String label;
        private final String table;
        private final Map<String, List<Rule>> rules = new LinkedHashMap<>();
        private final Map<String, List<SetElement>> elements = new HashMap<>();
        private final Map<String, List<ForeignRule>> memo = new HashMap<>();
        private final Set<String> visiting = new HashSet<>();

        TableScan(NftClient client, String label, String table) {
            this.client = client;
            this.label = label;
            this.table = table;
        }

        void scan(List<ForeignRule> found) throws IOException {
            List<Chain> chains = client.listChains(table);
            chains.forEach(chain -> rules.put(chain.name(), new ArrayList<>()));
            for (Rule rule : client.listRules(table)) {
                rules.computeIfAbsent(rule.chain(), c -> new ArrayList<>()).add(rule);
            }
            for (Chain chain : chains) {
                if (chain.base().isPresent() && chain.base().get().hook() == Chain.Hook.PREROUTING) {
                    int priority = chain.base().get().priority();
                    chain(chain.name()).forEach(rule -> found.add(rule.withPriority(priority)));
                }
            }
        }

        /** The destination-rewriting rules reached through {@code chain}, with the ports they match. */
        private List<ForeignRule> chain(String chain) throws IOException {
            List<ForeignRule> known = memo.get(chain);
            if (known != null) {
                return known;
            }
            if (!visiting.add(chain)) {
                return List.of(); // a loop: the kernel refuses them, but a listing must not hang on one
            }
            List<ForeignRule> hits = new ArrayList<>();
            for (Rule rule : rules.getOrDefault(chain, List.of())) {
                rule(rule, hits);
            }
            visiting.remove(chain);
            memo.put(chain, hits);
            return hits;
        }

        private void rule(Rule rule, List<ForeignRule> hits) throws IOException {
            String where = "table " + label + " chain " + rule.chain() + " handle " + rule.handle();
            Map<Integer, Held> registers = new HashMap<>();
            PortSet ports = PortSet.ALL;
            Optional<Protocol> protocol = Optional.empty();
            for (Expr expr : rule.exprs()) {
                if (expr instanceof Payload p) {
                    registers.put(p.dreg(), held(p));
                } else if (expr instanceof Meta m) {
                    registers.put(m.dreg(), m.key() == Meta.NFT_META_L4PROTO ? Held.L4PROTO : Held.OTHER);
                } else if (expr instanceof Cmp c) {
                    Held held = registers.getOrDefault(c.sreg(), Held.OTHER);
                    if (held == Held.DPORT && c.data().length() >= PORT_LEN) {
                        ports = ports.intersect(compared(c.op(), port(c.data())));
                    } else if (held == Held.L4PROTO
                            && c.op() == Cmp.EQ
                            && c.data().length() >= 1) {
                        protocol = ForeignRule.protocolOf(c.data().u8At(0));
                    }
                } else if (expr instanceof Range r) {
                    if (registers.get(r.sreg()) == Held.DPORT) {
                        PortSet range = PortSet.range(port(r.from()), port(r.to()));
                        ports = ports.intersect(r.op() == Range.EQ ? range : range.complement());
                    }
                } else if (expr instanceof Lookup l) {
                    if (registers.get(l.sreg()) != Held.DPORT) {
                        l.dreg().ifPresent(d -> registers.put(d, Held.OTHER));
                        continue;
                    }
                    List<Entry> entries = entries(l.set());
                    if (l.dreg().isPresent() && l.dreg().getAsInt() == VERDICT_REGISTER) {
                        for (Entry entry : entries) {
                            if (entry.data() instanceof NftData.Verdict v
                                    && v.chain().isPresent()) {
                                jump(where, v.chain().get(), ports.intersect(entry.ports()), protocol, hits);
                            }
                        }
                        return;
                    }
                    PortSet keys = union(entries);
                    ports = ports.intersect(l.invert() ? keys.complement() : keys);
                    l.dreg().ifPresent(d -> registers.put(d, Held.OTHER));
                } else if (expr instanceof Xt xt) {
                    Optional<Xt.Ports> matched = xt.destinationPorts();
                    if (matched.isPresent()) {
                        PortSet set = PortSet.of(matched.get().ranges());
                        ports = ports.intersect(matched.get().inverted() ? set.complement() : set);
                        if (!xt.module().equals("multiport")) {
                            protocol = Optional.of(xt.module().equals("tcp") ? Protocol.TCP : Protocol.UDP);
                        }
                    } else if (xt.kind().equals(Xt.TARGET)
                            && (xt.module().equals("DNAT") || xt.module().equals("REDIRECT"))) {
                        hit(where + " (iptables-nft -j " + xt.module() + ")", protocol, ports, hits);
                    }
                } else if (expr instanceof Nat n && n.type() == Nat.NFT_NAT_DNAT) {
                    hit(where + " (dnat)", protocol, ports, hits);
                } else if (expr instanceof UnknownExpr u && u.name().equals("redir")) {
                    hit(where + " (redirect)", protocol, ports, hits);
                } else if (expr instanceof Immediate i) {
                    if (i.dreg() == VERDICT_REGISTER
                            && i.data() instanceof NftData.Verdict v
                            && v.chain().isPresent()) {
                        jump(where, v.chain().get(), ports, protocol, hits);
                    } else {
                        registers.put(i.dreg(), Held.OTHER);
                    }
                }
            }
        }

        private void jump(
                String where, String target, PortSet ports, Optional<Protocol> protocol, List<ForeignRule> hits)
                throws IOException {
            for (ForeignRule inner : chain(target)) {
                inner.reachedFrom(where, protocol, ports).ifPresent(hits::add);
            }
        }

        private static void hit(String where, Optional<Protocol> protocol, PortSet ports, List<ForeignRule> hits) {
            if (!ports.isEmpty()) {
                hits.add(new ForeignRule(where, protocol, ports, UNKNOWN_PRIORITY));
            }
        }

        /** A set's or map's elements as port ranges with their data; read once per table. */
        private List<Entry> entries(String set) throws IOException {
            List<SetElement> listed = elements.get(set);
            if (listed == null) {
                listed = client.listElements(table, set);
                elements.put(set, listed);
            }
            return Entry.of(listed);
        }
    }

    /** Keys of a set or map as port ranges: plain keys, concatenated ranges, or interval start/end pairs. */
    private record Entry(PortSet ports, NftData data) {
        static List<Entry> of(List<SetElement> listed) {
            List<SetElement> sorted = new ArrayList<>(listed);
            sorted.removeIf(e -> e.key().length() < PORT_LEN);
            sorted.sort((a, b) -> Integer.compare(port(a.key()), port(b.key())));
            boolean interval = sorted.stream().anyMatch(e -> (e.flags() & SetElement.F_INTERVAL_END) != 0);
            List<Entry> entries = new ArrayList<>();
            SetElement open = null;
            for (SetElement element : sorted) {
                int key = port(element.key());
                if (element.keyEnd().isPresent()) {
                    entries.add(
                            new Entry(PortSet.range(key, port(element.keyEnd().get())), data(element)));
                } else if (!interval) {
                    entries.add(new Entry(PortSet.range(key, key), data(element)));
                } else if ((element.flags() & SetElement.F_INTERVAL_END) != 0) {
                    if (open != null) {
                        entries.add(new Entry(PortSet.range(port(open.key()), key - 1), data(open)));
                        open = null;
                    }
                } else {
                    if (open != null) {
                        entries.add(new Entry(PortSet.range(port(open.key()), key - 1), data(open)));
                    }
                    open = element;
                }
            }
            if (open != null) {
                entries.add(new Entry(PortSet.range(port(open.key()), 65535), data(open)));
            }
            return entries;
        }

        private static NftData data(SetElement element) {
            return element.data().orElse(null);
        }
    }

    private static PortSet union(List<Entry> entries) {
        PortSet all = PortSet.NONE;
        for (Entry entry : entries) {
            all = all.union(entry.ports());
        }
        return all;
    }

    private static Held held(Payload p) {
        if (p.base() == Payload.BASE_TRANSPORT && p.offset() == DPORT_OFFSET && p.len() == PORT_LEN) {
            return Held.DPORT;
        }
        return p.base() == Payload.BASE_NETWORK && p.offset() == IP_PROTOCOL_OFFSET && p.len() == 1
                ? Held.L4PROTO
                : Held.OTHER;
    }

    /** The ports for which {@code dport OP value} holds. */
    private static PortSet compared(int op, int value) {
        return switch (op) {
            case Cmp.EQ -> PortSet.range(value, value);
            case Cmp.NEQ -> PortSet.range(value, value).complement();
            case Cmp.LT -> PortSet.range(0, value - 1);
            case Cmp.LTE -> PortSet.range(0, value);
            case Cmp.GT -> PortSet.range(value + 1, 65535);
            case Cmp.GTE -> PortSet.range(value, 65535);
            default -> PortSet.ALL;
        };
    }

    /** A port in network byte order (the first two bytes of a register). */
    private static int port(Bytes bytes) {
        return bytes.u16BeAt(0);
    }
}
