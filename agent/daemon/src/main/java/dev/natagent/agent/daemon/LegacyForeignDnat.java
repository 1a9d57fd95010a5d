package dev.natagent.agent.daemon;

import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.service.Doctor;
import dev.natagent.agent.service.Doctor.ForeignRule;
import dev.natagent.agent.service.PortSet;
import dev.natagent.ipt.IptTable;
import dev.natagent.nft.expr.Xt;
import dev.natagent.nl.InetSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * For doctor only: reads (never changes) the legacy iptables nat table through getsockopt on an
 * IPv4 datagram socket (CAP_NET_ADMIN suffices; no raw socket) and reports the rules reachable
 * from PREROUTING that DNAT or REDIRECT, with the ports they match ({@code -p}, {@code --dport},
 * {@code -m multiport}) and through jumps into user chains. Call it only when the nat table
 * exists: asking for a missing table may make the kernel create it.
 */
final class LegacyForeignDnat implements Doctor.ForeignDnat {
    private static final String[] HOOK_NAMES = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};
    private static final int PREROUTING = 0;
    /** The legacy nat table's PREROUTING runs at this priority. */
    private static final int NF_IP_PRI_NAT_DST = -100;

    @Override
    public List<ForeignRule> rules() throws IOException {
        IptTable table;
        try (InetSocket socket = InetSocket.open()) {
            table = IptTable.read(socket, "nat");
        }
        return new Walk(table).chainAt(table.hookEntry()[PREROUTING]);
    }

    /** Follows the chains of one table snapshot. */
    private static final class Walk {
        private final List<IptTable.Entry> entries;
        private final Map<Integer, Integer> indexByOffset = new HashMap<>();
        private final Map<Integer, String> chainByOffset = new HashMap<>();
        private final Map<Integer, List<ForeignRule>> memo = new HashMap<>();
        private final Set<Integer> visiting = new HashSet<>();

        Walk(IptTable table) {
            this.entries = table.entries();
            for (int i = 0; i < entries.size(); i++) {
                indexByOffset.put(entries.get(i).offset(), i);
                Optional<String> head = entries.get(i).chainName();
                if (head.isPresent() && i + 1 < entries.size()) {
                    chainByOffset.put(entries.get(i + 1).offset(), head.get());
                }
            }
            for (int hook = 0; hook < HOOK_NAMES.length; hook++) {
                if (table.hookEntry()[hook] >= 0) {
                    chainByOffset.put(table.hookEntry()[hook], HOOK_NAMES[hook]);
                }
            }
        }

        List<ForeignRule> chainAt(int offset) {
            Integer start = indexByOffset.get(offset);
            if (start == null || memo.containsKey(offset)) {
                return memo.getOrDefault(offset, List.of());
            }
            if (!visiting.add(offset)) {
                return List.of();
            }
            String chain = chainByOffset.getOrDefault(offset, "at offset " + offset);
            List<ForeignRule> hits = new ArrayList<>();
            int number = 1;
            for (int i = start; i < entries.size(); i++, number++) {
                IptTable.Entry entry = entries.get(i);
                if (entry.chainName().isPresent()) {
                    break; // the next user chain starts
                }
                String where = "legacy iptables table nat chain " + chain + " rule " + number;
                rule(entry, where, hits);
                if (entry.unconditional()
                        && entry.verdict().isPresent()
                        && entry.verdict().getAsInt() < 0) {
                    break; // the policy of a built-in chain or the RETURN that ends a user chain
                }
            }
            visiting.remove(offset);
            memo.put(offset, hits);
            return hits;
        }

        private void rule(IptTable.Entry entry, String where, List<ForeignRule> hits) {
            Optional<Protocol> protocol =
                    entry.protocolInverted() ? Optional.empty() : ForeignRule.protocolOf(entry.protocol());
            PortSet ports = PortSet.ALL;
            for (Xt match : entry.matches()) {
                Optional<Xt.Ports> matched = match.destinationPorts();
                if (matched.isPresent()) {
                    PortSet set = PortSet.of(matched.get().ranges());
                    ports = ports.intersect(matched.get().inverted() ? set.complement() : set);
                }
            }
            String target = entry.target().module();
            if (target.equals("DNAT") || target.equals("REDIRECT")) {
                if (!ports.isEmpty()) {
                    hits.add(new ForeignRule(where + " (-j " + target + ")", protocol, ports, NF_IP_PRI_NAT_DST));
                }
            } else if (entry.verdict().isPresent() && entry.verdict().getAsInt() >= 0) {
                int jump = entry.verdict().getAsInt();
                String via =
                        where + " (" + (entry.isGoto() ? "-g " : "-j ") + chainByOffset.getOrDefault(jump, "?") + ")";
                for (ForeignRule inner : chainAt(jump)) {
                    inner.reachedFrom(via, protocol, ports).ifPresent(hits::add);
                }
            }
        }
    }
}
