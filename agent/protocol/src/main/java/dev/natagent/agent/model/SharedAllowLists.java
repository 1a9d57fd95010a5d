package dev.natagent.agent.model;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance of each distinct allow-list among the forwards made: a state of tens of thousands
 * of forwards typically shares a few lists, and a list read from a document per forward would
 * otherwise be held as many times (lists and their CIDRs are immutable, so sharing is safe).
 * Bounded: past {@link #MAX_LISTS} distinct lists it starts over, which costs only sharing.
 */
final class SharedAllowLists {
    /** Twice the lists a state may have (the agent's limit): an old and a new state side by side. */
    static final int MAX_LISTS = 4_096;

    private static final Map<List<Cidr>, List<Cidr>> LISTS = new ConcurrentHashMap<>();

    private SharedAllowLists() {}

    /** The shared instance equal to {@code allow} (immutable already); the empty list as it is. */
    static List<Cidr> of(List<Cidr> allow) {
        if (allow.isEmpty()) {
            return allow;
        }
        if (LISTS.size() >= MAX_LISTS) {
            LISTS.clear();
        }
        List<Cidr> shared = LISTS.putIfAbsent(allow, allow);
        return shared == null ? allow : shared;
    }
}
