package dev.natagent.agent.resolve;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.protocol.IoErrors;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the addresses of DNS-name targets (e.g. ElastiCache node endpoints). Lookups run on a
 * bounded pool of threads of their own, several at once and at most one per name, and never while
 * a caller holds a lock: a slow or silent resolver delays no request and no start-up. A lookup
 * without an answer within the deadline counts as failed; an answer that comes later is still
 * taken. A failed lookup, or one that answers only addresses no target may have
 * ({@link Ipv4#whyNotATarget}), keeps the last good address. When a name has several addresses
 * the current one is kept while it is still among them, so round-robin answers do not churn the
 * kernel. Addresses are remembered across restarts ({@link LastGoodAddresses}).
 */
public final class TargetResolver {
    /** How long one lookup may take before it counts as failed. */
    public static final Duration LOOKUP_DEADLINE = Duration.ofSeconds(2);
    /** Lookups at once: a lookup holds its thread for as long as the system resolver takes. */
    static final int MAX_PARALLEL = 16;

    /** Told about lookups as they end, on a lookup thread: hand anything slow off. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void addressChanged(String host) {}

            @Override
            public void lookupFailed(TargetStatus status) {}
        };

        /** {@code host} has a new address (its first one included): its forwards need updating. */
        void addressChanged(String host);

        /** A lookup of {@code status.host()} failed; the status says what is kept. */
        void lookupFailed(TargetStatus status);
    }

    /** One lookup of one host; guarded by the resolver's lock. */
    private static final class Attempt {
        final String host;
        final CompletableFuture<Void> settled = new CompletableFuture<>();
        /** The lookup returned (its result is recorded). */
        boolean done;
        /** The deadline passed first (a failure is recorded; only a late answer still counts). */
        boolean expired;
        /** The host left the state meanwhile: nothing is recorded. */
        boolean forgotten;

        Attempt(String host) {
            this.host = host;
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HostLookup lookup;
    private final Clock clock;
    private final Duration deadline;
    private final LastGoodAddresses lastGood;
    private final ThreadPoolExecutor pool;
    private final ResolveLog log = new ResolveLog();
    private final Map<String, TargetStatus> statuses = new TreeMap<>();
    private final Map<String, Attempt> inFlight = new HashMap<>();
    /** Hosts whose address was carried over from before the start and no lookup has confirmed yet. */
    private final Set<String> unconfirmed = new HashSet<>();

    private volatile Listener listener = Listener.NONE;
    private final AtomicBoolean unsaved = new AtomicBoolean();

    public TargetResolver(HostLookup lookup, Clock clock) {
        this(lookup, clock, LOOKUP_DEADLINE, LastGoodAddresses.NONE);
    }

    public TargetResolver(HostLookup lookup, Clock clock, Duration deadline, LastGoodAddresses lastGood) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.lastGood = Objects.requireNonNull(lastGood, "lastGood");
        this.pool = new ThreadPoolExecutor(
                MAX_PARALLEL, MAX_PARALLEL, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "nat-agent-dns-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** The DNS names used by the targets of {@code state}, in order. */
    public static Set<String> dnsHosts(NatState state) {
        return state.dnsHosts();
    }

    public Duration deadline() {
        return deadline;
    }

    public void listen(Listener newListener) {
        this.listener = Objects.requireNonNull(newListener, "listener");
    }

    /**
     * Takes the addresses remembered before a restart for those of {@code hosts} that have none
     * yet, so that their forwards keep their kernel elements until a lookup answers. Returns how
     * many were carried over.
     */
    public synchronized int carryOver(Collection<String> hosts) {
        Map<String, LastGoodAddresses.Saved> saved = lastGood.load();
        int carried = 0;
        for (String host : hosts) {
            LastGoodAddresses.Saved entry = saved.get(host);
            if (entry != null && entry.address().whyNotATarget().isEmpty() && !statuses.containsKey(host)) {
                statuses.put(host, TargetStatus.carriedOver(host, entry.address(), entry.since()));
                unconfirmed.add(host);
                carried++;
            }
        }
        return carried;
    }

    /**
     * Takes {@code addresses} (what the kernel holds now) for hosts that still have none after
     * {@link #carryOver}: a state written before addresses were remembered, or a lost file.
     * Returns how many were taken.
     */
    public synchronized int carryOver(Map<String, Ipv4> addresses, Instant now) {
        int carried = 0;
        for (Map.Entry<String, Ipv4> entry : addresses.entrySet()) {
            if (entry.getValue().whyNotATarget().isEmpty() && !statuses.containsKey(entry.getKey())) {
                statuses.put(entry.getKey(), TargetStatus.carriedOver(entry.getKey(), entry.getValue(), now));
                unconfirmed.add(entry.getKey());
                carried++;
            }
        }
        return carried;
    }

    /** The hosts among {@code hosts} without an address. */
    public synchronized Set<String> withoutAddress(Collection<String> hosts) {
        Set<String> missing = new TreeSet<>();
        for (String host : hosts) {
            if (!statuses.containsKey(host) || statuses.get(host).address().isEmpty()) {
                missing.add(host);
            }
        }
        return missing;
    }

    /**
     * Starts a lookup of every host in {@code hosts} (none for a host whose lookup is still
     * running) and forgets hosts no longer listed; returns at once. The future completes when
     * every lookup has answered or passed its deadline.
     */
    public CompletableFuture<Void> refresh(Collection<String> hosts) {
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        synchronized (this) {
            Set<String> keep = Set.copyOf(hosts);
            for (String host : List.copyOf(statuses.keySet())) {
                if (!keep.contains(host)) {
                    statuses.remove(host);
                    log.forget(host);
                }
            }
            inFlight.values().stream().filter(a -> !keep.contains(a.host)).forEach(a -> a.forgotten = true);
            unconfirmed.retainAll(keep);
            for (String host : hosts) {
                settled.add(start(host));
            }
        }
        return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
    }

    /**
     * Looks up every host in {@code hosts} now and waits (at most about one deadline). Returns the
     * hosts whose address changed meanwhile (including first resolutions).
     */
    public Set<String> resolve(Collection<String> hosts) {
        Map<String, TargetStatus> before = statuses();
        await(refresh(hosts), deadline.plusSeconds(1));
        Set<String> changed = new TreeSet<>();
        for (String host : hosts) {
            Optional<Ipv4> was = Optional.ofNullable(before.get(host)).flatMap(TargetStatus::address);
            if (!status(host).flatMap(TargetStatus::address).equals(was)) {
                changed.add(host);
            }
        }
        return changed;
    }

    /**
     * Looks up those of {@code hosts} never looked up before (others keep their status until the
     * next round) and waits for them at most {@code wait}: a change that brings a new name is then
     * applied with its address when the name answers in time, and without it (added when it
     * answers) when it does not.
     */
    public void resolveMissing(Collection<String> hosts, Duration wait) {
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        synchronized (this) {
            for (String host : hosts) {
                if (!statuses.containsKey(host)) {
                    settled.add(start(host));
                }
            }
        }
        if (!settled.isEmpty()) {
            await(CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)), wait);
        }
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

    /** Whether a lookup of {@code host} is running now. */
    public synchronized boolean isLookingUp(String host) {
        return inFlight.containsKey(host);
    }

    private CompletableFuture<Void> start(String host) {
        Attempt running = inFlight.get(host);
        if (running != null) {
            running.forgotten = false;
            return running.settled;
        }
        Attempt attempt = new Attempt(host);
        inFlight.put(host, attempt);
        pool.execute(() -> run(attempt));
        CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> expire(attempt));
        return attempt.settled;
    }

    private void run(Attempt attempt) {
        List<Ipv4> answer = List.of();
        String error = null;
        try {
            answer = lookup.lookup(attempt.host);
            if (answer == null || answer.isEmpty()) {
                error = "no IPv4 address";
            }
        } catch (IOException | RuntimeException e) {
            error = describe(e);
        }
        if (error == null) {
            List<Ipv4> refused =
                    answer.stream().filter(a -> a.whyNotATarget().isPresent()).toList();
            if (refused.size() == answer.size()) {
                error = "answers only " + answer + ": "
                        + refused.get(0).whyNotATarget().orElseThrow();
            } else {
                answer = answer.stream().filter(a -> !refused.contains(a)).toList();
            }
        }
        finish(attempt, error == null ? answer : null, error);
    }

    private void finish(Attempt attempt, List<Ipv4> usable, String error) {
        TargetStatus before;
        TargetStatus after;
        boolean expiredBefore;
        synchronized (this) {
            inFlight.remove(attempt.host, attempt);
            attempt.done = true;
            expiredBefore = attempt.expired;
            if (attempt.forgotten || (error != null && expiredBefore)) {
                attempt.settled.complete(null);
                return;
            }
            before = statuses.getOrDefault(attempt.host, TargetStatus.unresolved(attempt.host));
            Instant now = clock.instant();
            if (error == null) {
                Ipv4 chosen = before.address().filter(usable::contains).orElse(usable.get(0));
                after = before.succeeded(chosen, now);
            } else {
                after = before.failed(error, now);
            }
            statuses.put(attempt.host, after);
        }
        if (error != null) {
            failed(after);
        } else {
            log.succeeded(before, after);
            boolean changed = !after.address().equals(before.address());
            boolean confirmed;
            synchronized (this) {
                confirmed = unconfirmed.remove(attempt.host);
            }
            if (changed || confirmed) {
                // A carried-over address is written once confirmed: it may come from the kernel only.
                persist();
            }
            if (changed) {
                listener.addressChanged(attempt.host);
            }
        }
        attempt.settled.complete(null);
    }

    private void expire(Attempt attempt) {
        TargetStatus after;
        synchronized (this) {
            if (attempt.done || attempt.forgotten) {
                return;
            }
            attempt.expired = true;
            after = statuses.getOrDefault(attempt.host, TargetStatus.unresolved(attempt.host))
                    .failed("no answer within " + deadline.toMillis() + " ms", clock.instant());
            statuses.put(attempt.host, after);
        }
        failed(after);
        attempt.settled.complete(null);
    }

    private void failed(TargetStatus status) {
        log.failed(status, clock.instant());
        listener.lookupFailed(status);
    }

    /**
     * Writes the addresses, one writer at a time; lookups that end while a write is under way
     * share the next one (many names answering at once after a start cost a few writes, not one
     * each). A change is always recorded before its flag is set, and the flag cleared before the
     * addresses are read, so the last write holds every change.
     */
    private void persist() {
        unsaved.set(true);
        synchronized (lastGood) {
            if (unsaved.getAndSet(false)) {
                lastGood.save(statuses().values());
            }
        }
    }

    private static void await(CompletableFuture<Void> settled, Duration wait) {
        try {
            settled.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // The lookups go on and report when they end; the caller goes on with what is known.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The resolver's reason, as doctor and status show it (no Java class name). */
    private static String describe(Exception e) {
        return IoErrors.reason(e);
    }
}
