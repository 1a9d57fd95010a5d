package dev.natagent.agent.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lookups over a state's forwards that would otherwise scan all of them on every change: which
 * forwards claim a protocol's ports, and which DNS names the targets use. Persistent like the state
 * (O(log N) per forward added or removed), so a state derived from an indexed one keeps an index.
 */
final class ForwardIndex {
    static final ForwardIndex EMPTY =
            new ForwardIndex(PersistentSortedMap.empty(), PersistentSortedMap.empty(), PersistentSortedMap.empty());

    /** Forwards keyed by protocol, first port (fixed width, so text order is port order), name. */
    private final PersistentSortedMap<Forward> byFirstPort;
    /** How many forwards span each width (last - first port): the widest bounds a lookup. */
    private final PersistentSortedMap<Integer> widths;
    /** How many targets use each DNS name. */
    private final PersistentSortedMap<Integer> dnsHosts;

    private ForwardIndex(
            PersistentSortedMap<Forward> byFirstPort,
            PersistentSortedMap<Integer> widths,
            PersistentSortedMap<Integer> dnsHosts) {
        this.byFirstPort = byFirstPort;
        this.widths = widths;
        this.dnsHosts = dnsHosts;
    }

    /**
     * The index of a whole state at once: forwards sorted once by protocol, port and name, compared
     * as values rather than as the key strings, whose long shared prefixes are slow to compare
     * under C1; each map is then built in one pass.
     */
    static ForwardIndex of(Collection<Forward> forwards) {
        List<Forward> byPort = new ArrayList<>(forwards);
        byPort.sort(Comparator.comparing(Forward::proto)
                .thenComparingInt((Forward forward) -> forward.listen().first())
                .thenComparing(Forward::name));
        List<String> portKeys = new ArrayList<>(byPort.size());
        TreeMap<Integer, Integer> widthCounts = new TreeMap<>();
        TreeMap<String, Integer> hostCounts = new TreeMap<>();
        for (Forward forward : byPort) {
            portKeys.add(portKey(forward.proto(), forward.listen().first(), forward.name()));
            widthCounts.merge(width(forward), 1, Integer::sum);
            for (Target target : forward.targets()) {
                if (target.isDnsName()) {
                    hostCounts.merge(target.host(), 1, Integer::sum);
                }
            }
        }
        TreeMap<String, Integer> widthKeys = new TreeMap<>();
        widthCounts.forEach((width, count) -> widthKeys.put(fixedWidth(width), count));
        return new ForwardIndex(
                PersistentSortedMap.ofSorted(portKeys, byPort),
                PersistentSortedMap.of(widthKeys),
                PersistentSortedMap.of(hostCounts));
    }

    ForwardIndex plus(Forward forward) {
        PersistentSortedMap<Integer> hosts = dnsHosts;
        for (Target target : forward.targets()) {
            if (target.isDnsName()) {
                hosts = hosts.plus(target.host(), hosts.getOrDefault(target.host(), 0) + 1);
            }
        }
        return new ForwardIndex(
                byFirstPort.plus(portKey(forward.proto(), forward.listen().first(), forward.name()), forward),
                count(widths, widthKey(forward), 1),
                hosts);
    }

    ForwardIndex minus(Forward forward) {
        PersistentSortedMap<Integer> hosts = dnsHosts;
        for (Target target : forward.targets()) {
            if (target.isDnsName()) {
                hosts = count(hosts, target.host(), -1);
            }
        }
        return new ForwardIndex(
                byFirstPort.minus(portKey(forward.proto(), forward.listen().first(), forward.name())),
                count(widths, widthKey(forward), -1),
                hosts);
    }

    /** The forwards of {@code proto} whose listen ports overlap {@code range}, in no set order. */
    List<Forward> overlapping(Protocol proto, PortRange range) {
        List<Forward> hits = new ArrayList<>();
        if (widths.isEmpty()) {
            return hits;
        }
        int widest = Integer.parseInt(widths.lastKey());
        int lowestFirst = Math.max(0, range.first() - widest);
        byFirstPort.forEachBetween(portKey(proto, lowestFirst, ""), portKey(proto, range.last() + 1, ""), forward -> {
            if (forward.listen().overlaps(range)) {
                hits.add(forward);
            }
        });
        return hits;
    }

    /** The DNS names used by targets, in name order; unmodifiable. */
    Set<String> dnsHosts() {
        return Collections.unmodifiableSet(dnsHosts.keySet());
    }

    /** The DNS names the targets of {@code forwards} use, in name order, without an index; unmodifiable. */
    static Set<String> dnsHostsOf(Collection<Forward> forwards) {
        TreeSet<String> hosts = new TreeSet<>();
        for (Forward forward : forwards) {
            for (Target target : forward.targets()) {
                if (target.isDnsName()) {
                    hosts.add(target.host());
                }
            }
        }
        return hosts.isEmpty() ? Set.of() : Collections.unmodifiableSet(hosts);
    }

    private static PersistentSortedMap<Integer> count(PersistentSortedMap<Integer> counts, String key, int delta) {
        int updated = counts.getOrDefault(key, 0) + delta;
        return updated == 0 ? counts.minus(key) : counts.plus(key, updated);
    }

    private static String widthKey(Forward forward) {
        return fixedWidth(width(forward));
    }

    private static int width(Forward forward) {
        return forward.listen().last() - forward.listen().first();
    }

    private static String portKey(Protocol proto, int firstPort, String name) {
        return proto.name() + '/' + fixedWidth(firstPort) + '/' + name;
    }

    /** Six digits: one more than 65535 needs (the exclusive upper bound of a lookup). */
    private static String fixedWidth(int value) {
        String digits = Integer.toString(value);
        return "000000".substring(digits.length()) + digits;
    }
}
