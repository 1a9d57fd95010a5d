package dev.natagent.agent.reconcile;

import static dev.natagent.agent.reconcile.KernelLayout.TABLE;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.NftData;
import dev.natagent.nft.PackedElements;
import dev.natagent.nft.ServiceKey;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.client.ElementReader;
import dev.natagent.nft.expr.Counter;
import dev.natagent.nl.NetlinkException;
import dev.natagent.nl.OutcomeUnknownException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps table {@code ip nat_agent} equal to the desired state. Two ways in:
 *
 * <ul>
 *   <li>{@link #reconcileFull}: list the table, diff it against the rendered state, commit one atomic
 *       batch of the difference (none when equal: a matching table is adopted untouched). For
 *       start-up, drift and the periodic check.
 *   <li>{@link #applyChange} / {@link #applyForwards}: the element changes of the forwards that
 *       changed, computed without listing the kernel (O(changed forwards)). Outbound or settings
 *       changes, a first call, or a kernel that refuses the element batch (someone else changed
 *       the table) fall back to a full reconcile.
 * </ul>
 *
 * A change that returns normally is in the kernel; one that throws is not (the batch is atomic).
 * Stale generations (ERESTART), lost replies (ENOBUFS, timeouts) and conflicting foreign edits are
 * retried by listing again and recomputing, at most {@value #MAX_ATTEMPTS} times. Thread-safe: calls
 * are serialised.
 */
public final class Reconciler {
    static final int MAX_ATTEMPTS = 3;
    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

    private final NftPort port;
    /** What the kernel holds, as far as we know: the last desired state committed or adopted. */
    private Desired current;
    /**
     * The ruleset generation at which the kernel is known to hold {@link #current} exactly: that of
     * a listing that matched, or the very next one after our own commit on top of it (no other
     * transaction in between); empty when not known.
     */
    private OptionalInt verifiedGeneration = OptionalInt.empty();
    /**
     * Per allow-list chain, the {@code ports} entries of {@link #current} that go to it: the
     * kernel's references, kept so that an element change knows, without looking at every forward,
     * when a list comes into use (create its chain and set) or goes out of use (delete them).
     */
    private Map<String, Integer> allowChainRefs = Map.of();

    public Reconciler(NftPort port) {
        this.port = Objects.requireNonNull(port, "port");
    }

    /** What the last successful call left in the kernel; empty before the first. */
    public synchronized Optional<Desired> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Brings the kernel table to {@code desired}: lists it, commits the difference in one batch.
     *
     * @return what was done; an empty plan when the kernel already matched
     */
    public synchronized Plan reconcileFull(Desired desired) throws ReconcileException {
        Ruleset wanted = Renderer.render(desired);
        IOException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                // An absent table is listed at a generation too: the batch that creates it is bound
                // to it like any other, so a table created at start-up is verified by our own commit
                // (the first periodic check need not list all of it again).
                Listing listing = port.list(TABLE);
                Plan plan = Planner.plan(listing.table(), wanted);
                int listed = listing.generation();
                verifiedGeneration = plan.isEmpty() ? OptionalInt.of(listed) : OptionalInt.empty();
                if (!plan.isEmpty()) {
                    plan.batch().expectGeneration(listed);
                    port.commit(plan.batch());
                    // The batch carried the listed generation: the kernel took it on top of exactly that.
                    verifiedGeneration = OptionalInt.of(next(listed));
                    LOG.log(Level.FINE, "reconciled table {0}: {1}", new Object[] {TABLE, plan.steps()});
                }
                current = desired;
                allowChainRefs = allowChainRefs(wanted.elementsOf(KernelLayout.SET_PORTS), List.of(), Map.of());
                return plan;
            } catch (NetlinkException e) {
                if (!e.isStaleGeneration()) {
                    throw new ReconcileException("kernel refused the reconcile batch", e);
                }
                last = e;
            } catch (OutcomeUnknownException e) {
                last = e;
            } catch (IOException e) {
                throw new ReconcileException("could not read or write table " + TABLE, e);
            }
            LOG.log(Level.INFO, "reconcile attempt {0} of {1} must be repeated: {2}", new Object[] {
                attempt, MAX_ATTEMPTS, last.getMessage()
            });
        }
        throw new ReconcileException("reconcile gave up after " + MAX_ATTEMPTS + " attempts", last);
    }

    /** Reconciles to the last desired state again (drift); no-op before the first call. */
    public synchronized Optional<Plan> reconcileCurrent() throws ReconcileException {
        return current == null ? Optional.empty() : Optional.of(reconcileFull(current));
    }

    /**
     * The periodic check: as {@link #reconcileCurrent}, but cheaper. While the ruleset generation is
     * the one at which the table was last known to match (see {@code verifiedGeneration}), it costs
     * one generation read; then empty. When it moved (at 50,000 forwards the table holds 100,000
     * elements), the table is first compared in a compact form ({@link TableCheck}); only a table
     * that differs is listed whole, planned against and repaired.
     */
    public synchronized Optional<Plan> reconcileCurrentIfChanged() throws ReconcileException {
        if (current == null) {
            return Optional.empty();
        }
        if (verifiedGeneration.isPresent()) {
            try {
                if (port.generation() == verifiedGeneration.getAsInt()) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, "reading the ruleset generation failed ({0}); listing instead", e.getMessage());
            }
        }
        OptionalInt matched;
        try {
            matched = TableCheck.matchingGeneration(port, current);
        } catch (IOException e) {
            throw new ReconcileException("could not read table " + TABLE, e);
        }
        if (matched.isPresent()) {
            verifiedGeneration = matched;
            return Optional.of(new Plan(Batch.ipv4(), List.of()));
        }
        return Optional.of(reconcileFull(current));
    }

    /**
     * Applies the difference between two desired states: element-level for forwards (those whose
     * definition changed, plus those using a DNS name whose address changed), a full reconcile when
     * outbounds changed (their rules need handles); settings never reach the kernel. Costs O(N) to
     * compare the states but lists nothing from the kernel; {@link #applyForwards} is the O(1) way.
     */
    public synchronized Plan applyChange(Desired before, Desired after) throws ReconcileException {
        StateDiff diff = StateDiff.between(before.state(), after.state());
        if (!diff.outbounds().isEmpty()) {
            return reconcileFull(after);
        }
        // The diff already holds the forwards themselves: a cold apply of 50,000 forwards must not
        // look each one up again by name in both states.
        List<Forward> gone = new ArrayList<>(diff.forwards().removed());
        List<Forward> coming = new ArrayList<>(diff.forwards().added());
        for (StateDiff.Changed<Forward> changed : diff.forwards().changed()) {
            gone.add(changed.before());
            coming.add(changed.after());
        }
        if (!before.resolved().equals(after.resolved())) {
            Set<String> inDiff = new HashSet<>();
            gone.forEach(f -> inDiff.add(f.name()));
            coming.forEach(f -> inDiff.add(f.name()));
            for (Forward forward : after.state().forwards().values()) {
                if (!inDiff.contains(forward.name())
                        && forward.targets().stream().anyMatch(t -> addressChanged(t, before, after))) {
                    gone.add(forward);
                    coming.add(forward);
                }
            }
        }
        return applyElements(before, after, gone, coming);
    }

    /**
     * The element batch for the named forwards only (added, removed or changed between {@code
     * before} and {@code after}): O(size of those forwards), no kernel listing. When {@code before}
     * is not what this reconciler last put in the kernel, or the kernel refuses the batch (its
     * table was changed behind our back), this becomes a full reconcile to {@code after}.
     */
    public synchronized Plan applyForwards(Desired before, Desired after, Collection<String> forwardNames)
            throws ReconcileException {
        List<Forward> gone = new ArrayList<>();
        List<Forward> coming = new ArrayList<>();
        for (String name : forwardNames) {
            before.state().forward(name).ifPresent(gone::add);
            after.state().forward(name).ifPresent(coming::add);
        }
        return applyElements(before, after, gone, coming);
    }

    /** Takes the elements of {@code gone} (as in {@code before}) out and puts those of {@code coming} in. */
    private Plan applyElements(Desired before, Desired after, List<Forward> gone, List<Forward> coming)
            throws ReconcileException {
        if (current == null || (current != before && !current.equals(before))) {
            return reconcileFull(after);
        }
        // Sized for the listen ports involved (about one element per port and set): a cold apply
        // of 50,000 forwards would otherwise rehash every map a dozen times as it grows.
        int ports = listenPorts(gone) + listenPorts(coming);
        ElementBatch elements = new ElementBatch(ports);
        AllowGroups groups = new AllowGroups();
        Function<Target, Optional<Ipv4>> beforeAddresses = Renderer.addresses(before);
        for (Forward forward : gone) {
            elements.remove(Renderer.forwardElements(forward, beforeAddresses, groups));
        }
        Function<Target, Optional<Ipv4>> afterAddresses = Renderer.addresses(after);
        for (Forward forward : coming) {
            elements.add(Renderer.forwardElements(forward, afterAddresses, groups));
        }
        Map<String, Integer> refsAfter = elements.chainRefs(allowChainRefs);
        // Lists newly referenced are those of coming forwards, all met while rendering them.
        List<AllowGroup> created = refsAfter.keySet().stream()
                .filter(name -> !allowChainRefs.containsKey(name))
                .sorted()
                .map(name -> groups.named(name).orElseThrow())
                .toList();
        List<String> unused = allowChainRefs.keySet().stream()
                .filter(name -> !refsAfter.containsKey(name))
                .sorted()
                .toList();
        keepCounters(elements);
        Plan plan = elements.plan(created, unused);
        if (plan.isEmpty()) {
            current = after;
            allowChainRefs = refsAfter;
            return plan;
        }
        OptionalInt verifiedBefore = verifiedGeneration;
        verifiedGeneration = OptionalInt.empty();
        try {
            port.commit(plan.batch());
            verifiedGeneration = ourCommitFollowed(verifiedBefore);
        } catch (NetlinkException e) {
            if (e.isPermission()) {
                throw new ReconcileException("kernel refused the change", e);
            }
            LOG.log(Level.WARNING, "element change refused ({0}); reconciling the whole table", e.getMessage());
            return reconcileFull(after);
        } catch (OutcomeUnknownException e) {
            return reconcileFull(after);
        } catch (IOException e) {
            throw new ReconcileException("could not commit the change", e);
        }
        current = after;
        allowChainRefs = refsAfter;
        return plan;
    }

    /**
     * Gives the {@code ports} entries that this change replaces (their verdict changes with the
     * forward's allow-list) the counts their current elements have, read now: one round trip, and
     * only for such changes. The packets of the moment between this read and the commit go
     * uncounted. Should the read fail (an element missing: drift, which a full reconcile heals),
     * those entries start from zero.
     */
    private void keepCounters(ElementBatch elements) {
        int replaced = elements.replacedCount(KernelLayout.SET_PORTS);
        if (replaced == 0) {
            return;
        }
        try {
            if (replaced < DUMP_COUNTERS_FROM) {
                Map<Bytes, Counter> counts = new HashMap<>();
                for (SetElement element :
                        port.getElements(TABLE, KernelLayout.SET_PORTS, elements.replaced(KernelLayout.SET_PORTS))) {
                    element.counter().ifPresent(counter -> counts.put(element.key(), counter));
                }
                elements.setCounters(KernelLayout.SET_PORTS, key -> Optional.ofNullable(counts.get(key)));
                return;
            }
            // Many entries: the whole map's counters, decoded into flat arrays by listen key as the
            // dump arrives, rather than a request naming each key and a reply of as many elements.
            long[] bytesByKey = new long[KernelLayout.LISTEN_KEYS];
            long[] packetsByKey = new long[KernelLayout.LISTEN_KEYS];
            readPortsCounters(bytesByKey, packetsByKey, -1);
            elements.setCounters(KernelLayout.SET_PORTS, key -> {
                int index = KernelLayout.listenIndex(key);
                return index < 0 || packetsByKey[index] < 0
                        ? Optional.empty()
                        : Optional.of(new Counter(bytesByKey[index], packetsByKey[index]));
            });
        } catch (IOException e) {
            LOG.log(
                    Level.FINE,
                    "could not read the counters of replaced ports entries ({0}); they restart",
                    e.getMessage());
        }
    }

    /**
     * {@code refs} (counts per allow-list chain) plus the {@code ports} entries {@code added} that go
     * to a chain, minus those {@code deleted}; chains left with none are not in the result.
     */
    private static Map<String, Integer> allowChainRefs(
            Collection<SetElement> added, Collection<SetElement> deleted, Map<String, Integer> refs) {
        Map<String, Integer> counts = new HashMap<>(refs);
        added.forEach(element -> chainOf(element).ifPresent(chain -> counts.merge(chain, 1, Integer::sum)));
        deleted.forEach(element -> chainOf(element).ifPresent(chain -> counts.merge(chain, -1, Integer::sum)));
        counts.values().removeIf(count -> count <= 0);
        return Map.copyOf(counts);
    }

    private static Optional<String> chainOf(SetElement portsEntry) {
        return portsEntry
                .data()
                .flatMap(data -> data instanceof NftData.Verdict verdict ? verdict.chain() : Optional.empty());
    }

    /**
     * Packets and bytes per forward of the current state, summed over its listen ports, from the
     * per-element counters of the ports map (read now): every packet of the forward's connections,
     * both directions.
     */
    public synchronized ForwardCounters forwardCounters() throws IOException {
        if (current == null) {
            return ForwardCounters.none();
        }
        long[] bytesByKey = new long[KernelLayout.LISTEN_KEYS];
        long[] packetsByKey = new long[KernelLayout.LISTEN_KEYS];
        readPortsCounters(bytesByKey, packetsByKey, 0);
        return new ForwardCounters(current.state(), bytesByKey, packetsByKey);
    }

    /**
     * The ports map's per-element counters into two arrays by listen index, filled as the dump is
     * decoded: no element is held. Keys that are no listen key of ours are skipped; those the map
     * does not hold read zero bytes and {@code absentPackets} packets.
     */
    private void readPortsCounters(long[] bytesByKey, long[] packetsByKey, long absentPackets) throws IOException {
        ElementReader reader = new ElementReader() {
            @Override
            public void accept(SetElement element) {
                element.counter().ifPresent(c -> {
                    int key = KernelLayout.listenIndex(element.key());
                    if (key >= 0) {
                        bytesByKey[key] = c.bytes();
                        packetsByKey[key] = c.packets();
                    }
                });
            }

            @Override
            public void restart() {
                Arrays.fill(bytesByKey, 0);
                Arrays.fill(packetsByKey, absentPackets);
            }
        };
        reader.restart();
        port.forEachElement(TABLE, KernelLayout.SET_PORTS, reader);
    }

    /**
     * The address the kernel's DNAT map holds now for each of {@code hosts} (DNS names of targets
     * of {@code state}), read from the table as it is: at start-up, before anything is adopted,
     * what a name without a remembered answer was programmed to, so that a restart while DNS does
     * not answer keeps it. Hosts the table has no element for are left out; an absent table gives
     * none.
     */
    public synchronized Map<String, Ipv4> kernelAddresses(NatState state, Set<String> hosts) {
        Map<String, Ipv4> found = new HashMap<>();
        if (hosts.isEmpty()) {
            return found;
        }
        Map<Bytes, Bytes> byKey = new HashMap<>();
        try {
            for (SetElement element : port.listElements(TABLE, KernelLayout.SET_FORWARDS)) {
                element.data()
                        .filter(NftData.Value.class::isInstance)
                        .ifPresent(data -> byKey.put(element.key(), ((NftData.Value) data).bytes()));
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "no DNAT map to take addresses from: {0}", e.getMessage());
            return found;
        }
        for (Forward forward : state.forwards().values()) {
            for (int p = forward.listen().first(); p <= forward.listen().last(); p++) {
                Target target = forward.targetFor(p);
                if (!hosts.contains(target.host()) || found.containsKey(target.host())) {
                    continue;
                }
                Bytes value = byKey.get(KernelLayout.protoPort(forward.proto(), p));
                byte[] address = value == null ? null : ServiceKey.address(value);
                if (address != null && ServiceKey.service(value) == target.port()) {
                    found.put(target.host(), Ipv4.of(address));
                }
            }
        }
        return found;
    }

    /**
     * One forward's counters (summed over its listen ports), reading only its own elements: a
     * `forward get` costs O(its ports), not a dump of every forward.
     *
     * @throws IOException also ENOENT when an element is missing (drift, healed separately)
     */
    public synchronized Counter forwardCounter(Forward forward) throws IOException {
        if (current == null) {
            return Counter.zero();
        }
        List<SetElement> keys = new ArrayList<>(forward.listen().size());
        for (int p = forward.listen().first(); p <= forward.listen().last(); p++) {
            keys.add(SetElement.key(KernelLayout.protoPort(forward.proto(), p)));
        }
        long packets = 0;
        long bytes = 0;
        for (SetElement element : port.getElements(TABLE, KernelLayout.SET_PORTS, keys)) {
            Counter c = element.counter().orElse(Counter.zero());
            packets += c.packets();
            bytes += c.bytes();
        }
        return new Counter(bytes, packets);
    }

    /**
     * After an element commit of ours that carried no generation check: still verified when the
     * generation moved by exactly one from the verified one, our commit being that one.
     */
    private OptionalInt ourCommitFollowed(OptionalInt verifiedBefore) {
        if (verifiedBefore.isEmpty()) {
            return verifiedBefore;
        }
        try {
            int now = port.generation();
            return now == next(verifiedBefore.getAsInt()) ? OptionalInt.of(now) : OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** The kernel's generation after {@code generation}: one more, skipping 0 when it wraps. */
    private static int next(int generation) {
        return generation + 1 == 0 ? 1 : generation + 1;
    }

    /**
     * From how many replaced {@code ports} entries their counters are read by one dump of the map
     * instead of by key: a dump costs the whole map, a request by key holds every key and reply.
     */
    private static final int DUMP_COUNTERS_FROM = 4_096;

    /** A HashMap capacity that holds {@code entries} without resizing (default load factor). */
    private static int capacityFor(int entries) {
        return (int) Math.min(1 << 30, entries * 4L / 3 + 1);
    }

    private static int listenPorts(List<Forward> forwards) {
        int ports = 0;
        for (Forward forward : forwards) {
            ports += forward.listen().last() - forward.listen().first() + 1;
        }
        return ports;
    }

    private static boolean addressChanged(Target target, Desired before, Desired after) {
        return target.isDnsName() && !before.addressOf(target).equals(after.addressOf(target));
    }

    /**
     * Element deletes and adds per set, netted: an element removed and added back unchanged is no
     * change at all, a key removed and added with other data is a delete then an add (the kernel
     * refuses to overwrite a key). All removals come first. An add whose key no removal touched
     * (every add of a cold apply) is encoded at once ({@link PackedElements}): a bulk change holds
     * its elements' netlink bytes, not an object for each.
     */
    private static final class ElementBatch {
        private final Map<String, Map<Bytes, SetElement>> deletes = new LinkedHashMap<>();
        /** Adds that meet a removal of their key with other data, kept whole for their counters. */
        private final Map<String, Map<Bytes, SetElement>> replacing = new LinkedHashMap<>();
        /** Per set in the order first added to, every add that is not replacing one. */
        private final Map<String, PackedElements> adds = new LinkedHashMap<>();
        /** Per allow-list chain, the packed {@code ports} entries that go to it. */
        private final Map<String, Integer> packedChainRefs = new HashMap<>();

        private final int expectedPerSet;
        private boolean adding;

        ElementBatch(int expectedPerSet) {
            this.expectedPerSet = expectedPerSet;
        }

        void remove(List<Renderer.SetMember> members) {
            if (adding) {
                throw new IllegalStateException("removals come before additions");
            }
            for (Renderer.SetMember member : members) {
                SetElement element = member.element();
                pending(deletes, member.set()).put(element.key(), element);
            }
        }

        void add(List<Renderer.SetMember> members) {
            adding = true;
            for (Renderer.SetMember member : members) {
                SetElement element = member.element();
                Map<Bytes, SetElement> setDeletes = deletes.get(member.set());
                SetElement deleted = setDeletes == null ? null : setDeletes.get(element.key());
                if (deleted != null && element.equals(deleted)) {
                    setDeletes.remove(element.key());
                    continue;
                }
                PackedElements packed = adds.computeIfAbsent(member.set(), set -> new PackedElements(TABLE, set));
                // Only a ports entry takes its predecessor's counts: any other replacing add is encoded now.
                if (deleted != null && member.set().equals(KernelLayout.SET_PORTS)) {
                    pending(replacing, member.set()).put(element.key(), element);
                    continue;
                }
                packed.add(element);
                if (member.set().equals(KernelLayout.SET_PORTS)) {
                    chainOf(element).ifPresent(chain -> packedChainRefs.merge(chain, 1, Integer::sum));
                }
            }
        }

        private Map<Bytes, SetElement> pending(Map<String, Map<Bytes, SetElement>> bySet, String set) {
            Map<Bytes, SetElement> pending = bySet.get(set);
            if (pending == null) {
                pending = new LinkedHashMap<>(capacityFor(expectedPerSet));
                bySet.put(set, pending);
            }
            return pending;
        }

        /** Keys of {@code set} this batch deletes and adds back with other data, as key-only elements. */
        List<SetElement> replaced(String set) {
            return keysOnly(replacing.getOrDefault(set, Map.of()).values());
        }

        int replacedCount(String set) {
            return replacing.getOrDefault(set, Map.of()).size();
        }

        /** Gives the elements of {@code set} this batch adds back the initial counts {@code counts} has for their keys. */
        void setCounters(String set, Function<Bytes, Optional<Counter>> counts) {
            Map<Bytes, SetElement> added = replacing.get(set);
            if (added != null) {
                added.replaceAll((key, element) -> counts.apply(key)
                        .map(c -> element.withCounter(Optional.of(c)))
                        .orElse(element));
            }
        }

        /** {@code refs} (references per allow-list chain) after this batch's {@code ports} changes. */
        Map<String, Integer> chainRefs(Map<String, Integer> refs) {
            Map<String, Integer> counts = new HashMap<>(refs);
            packedChainRefs.forEach((chain, count) -> counts.merge(chain, count, Integer::sum));
            return allowChainRefs(
                    replacing.getOrDefault(KernelLayout.SET_PORTS, Map.of()).values(),
                    deletes.getOrDefault(KernelLayout.SET_PORTS, Map.of()).values(),
                    counts);
        }

        /**
         * The batch: allow-lists coming into use ({@code created}: set, elements, chain, rule) first,
         * then element deletes, which drop the last references to the chains of lists going out of
         * use ({@code unused}), then those chains and sets, then element adds.
         */
        Plan plan(List<AllowGroup> created, List<String> unused) {
            Batch batch = Batch.ipv4();
            List<String> steps = new ArrayList<>();
            int setId = 1;
            for (AllowGroup group : created) {
                batch.add(group.set(setId++))
                        .add(SetElements.of(TABLE, group.name(), group.elements()))
                        .add(group.chain())
                        .add(Renderer.allowRule(group));
                steps.add("add allow-list " + group.name());
            }
            // Deletes and replacing adds are encoded and let go of set by set: a change that
            // replaces every element would otherwise hold each of them as objects twice over.
            deletes.forEach((set, elements) -> {
                if (!elements.isEmpty()) {
                    PackedElements keys = new PackedElements(TABLE, set);
                    elements.values().forEach(element -> keys.add(keyOnly(element)));
                    batch.delete(keys);
                    steps.add("delete " + elements.size() + " element(s) of " + set);
                }
            });
            deletes.clear();
            for (String name : unused) {
                batch.delete(KernelLayout.allowChain(name)).delete(KernelLayout.allowSet(name, 0));
                steps.add("delete allow-list " + name);
            }
            adds.forEach((set, elements) -> {
                Map<Bytes, SetElement> replaced = replacing.remove(set);
                if (replaced != null) {
                    replaced.values().forEach(elements::add);
                }
                if (!elements.isEmpty()) {
                    batch.add(elements);
                    steps.add("add " + elements.size() + " element(s) to " + set);
                }
            });
            return new Plan(batch, steps);
        }

        private static List<SetElement> keysOnly(Collection<SetElement> elements) {
            return elements.stream().map(ElementBatch::keyOnly).toList();
        }

        private static SetElement keyOnly(SetElement e) {
            return new SetElement(e.key(), e.keyEnd(), Optional.empty(), e.flags(), Optional.empty());
        }
    }
}
