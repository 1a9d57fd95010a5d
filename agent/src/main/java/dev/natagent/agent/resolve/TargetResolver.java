package dev.natagent.agent.resolve;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Target;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Keeps the addresses of DNS-name targets (e.g. ElastiCache node endpoints). Pure logic: the
 * daemon calls {@link #resolve} every resolve interval; lookups and time are injected. A failed
 * lookup keeps the last good address and is counted; when a name has several addresses the current
 * one is kept while it is still among them, so round-robin answers do not churn the kernel.
 * Thread-safe (synchronized); lookups of one call run one after another.
 */
public final class TargetResolver {
    private final HostLookup lookup;
    private final Clock clock;
    private final Map<String, TargetStatus> statuses = new TreeMap<>();

    public TargetResolver(HostLookup lookup, Clock clock) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The DNS names used by the targets of {@code state}, in order. */
    public static Set<String> dnsHosts(NatState state) {
        return state.dnsHosts();
    }

    /**
     * Looks up every host in {@code hosts} now and forgets hosts no longer listed. Returns the hosts
     * whose address changed (including first resolutions): the forwards using them need updating.
     */
    public synchronized Set<String> resolve(Collection<String> hosts) {
        statuses.keySet().retainAll(Set.copyOf(hosts));
        Set<String> changed = new TreeSet<>();
        for (String host : hosts) {
            TargetStatus before = statuses.getOrDefault(host, TargetStatus.unresolved(host));
            TargetStatus after = attempt(before);
            statuses.put(host, after);
            if (!after.address().equals(before.address())) {
                changed.add(host);
            }
        }
        return changed;
    }

    /**
     * Looks up only the hosts in {@code hosts} never tried before, keeping all others as they are:
     * what a single added forward needs, at the cost of its own names rather than every name.
     */
    public synchronized Set<String> resolveMissing(Collection<String> hosts) {
        Set<String> changed = new TreeSet<>();
        for (String host : hosts) {
            if (statuses.containsKey(host)) {
                continue;
            }
            TargetStatus after = attempt(TargetStatus.unresolved(host));
            statuses.put(host, after);
            if (after.address().isPresent()) {
                changed.add(host);
            }
        }
        return changed;
    }

    /** The address to program for {@code target}: its literal, or the last good resolution. */
    public synchronized Optional<Ipv4> addressOf(Target target) {
        Optional<Ipv4> literal = target.literal();
        if (literal.isPresent()) {
            return literal;
        }
        TargetStatus status = statuses.get(target.host());
        return status == null ? Optional.empty() : status.address();
    }

    /** Per-host status, by host name. */
    public synchronized Map<String, TargetStatus> statuses() {
        return Map.copyOf(statuses);
    }

    public synchronized Optional<TargetStatus> status(String host) {
        return Optional.ofNullable(statuses.get(host));
    }

    private TargetStatus attempt(TargetStatus before) {
        List<Ipv4> addresses;
        try {
            addresses = lookup.lookup(before.host());
        } catch (IOException | RuntimeException e) {
            return before.failed(describe(e), clock.instant());
        }
        if (addresses == null || addresses.isEmpty()) {
            return before.failed("no IPv4 address", clock.instant());
        }
        Ipv4 chosen = before.address().filter(addresses::contains).orElse(addresses.get(0));
        return before.succeeded(chosen, clock.instant());
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
