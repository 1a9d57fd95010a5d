package dev.natagent.agent.reconcile;

import dev.natagent.nft.Batch;
import dev.natagent.nft.Bytes;
import dev.natagent.nft.Chain;
import dev.natagent.nft.EncodedBatch;
import dev.natagent.nft.NftBody;
import dev.natagent.nft.NftConstants;
import dev.natagent.nft.NftMessage;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.RuleFlush;
import dev.natagent.nft.SetElement;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.expr.Counter;
import dev.natagent.nft.expr.Expr;
import dev.natagent.nft.expr.Lookup;
import dev.natagent.nft.expr.Nat;
import dev.natagent.nl.MessageWriter;
import dev.natagent.nl.NetlinkException;
import dev.natagent.nl.NlFlags;
import dev.natagent.nl.NlMessage;
import dev.natagent.nl.OutcomeUnknownException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * nf_tables in memory, for reconciler tests. Batches go through the real codec (encoded, then
 * decoded message by message) and are applied with the kernel's rules (docs/netlink.md, "Batches"
 * and "Errors and extended ACKs"): all or nothing; EEXIST for a key with different data, an
 * overlapping range or an exclusive create; ENOENT for anything missing; EBUSY for a set a rule
 * uses; ERESTART for a stale generation. Listings look like the kernel's: handles, per-element
 * counters, and nat expressions with the attributes the kernel fills in. {@link #dump} prints a table as {@link NftText}.
 */
public final class FakeKernel implements NftPort {
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int EBUSY = 16;
    private static final int ENFILE = 23;
    private static final int EINVAL = 22;
    private static final int ERESTART = 85;

    private Map<String, FakeTable> tables = new LinkedHashMap<>();
    private long nextHandle = 1;
    private int generation = 1;
    private int commits;
    private int listings;
    private Runnable afterListing;
    private int elementListings;
    private final List<Fault> injectedFaults = new ArrayList<>();
    /** Per set, packets and bytes counted by an element's key (what traffic would have added). */
    private final Map<String, Map<Bytes, Counter>> traffic = new HashMap<>();

    /** An injected failure of one commit: refused with an errno, applied but unanswered, or lost. */
    private record Fault(Kind kind, int errno) {
        enum Kind {
            REFUSE,
            APPLY_THEN_LOSE_REPLIES,
            DROP
        }

        IOException exception() {
            return kind == Kind.REFUSE
                    ? new NetlinkException(errno, 1, 0, "injected", null, -1)
                    : new OutcomeUnknownException("injected", new SocketTimeoutException("no reply"));
        }
    }

    private final List<Consumer<String>> changeListeners = new ArrayList<>();

    /** Objects of one table; records are immutable, so a shallow copy is a snapshot. */
    private static final class FakeTable {
        final Table table;
        final Map<String, Chain> chains = new LinkedHashMap<>();
        final Map<String, NftSet> sets = new LinkedHashMap<>();
        final Map<String, Map<ElementKey, SetElement>> elements = new LinkedHashMap<>();
        final List<Rule> rules = new ArrayList<>();

        FakeTable(Table table) {
            this.table = table;
        }

        FakeTable copy() {
            FakeTable copy = new FakeTable(table);
            copy.chains.putAll(chains);
            copy.sets.putAll(sets);
            elements.forEach((set, members) -> copy.elements.put(set, new LinkedHashMap<>(members)));
            copy.rules.addAll(rules);
            return copy;
        }
    }

    private record ElementKey(Bytes key, Optional<Bytes> keyEnd, int flags) {}

    /** The next commit fails with {@code errno} on its first command (the batch is not applied). */
    public void failNextCommit(int errno) {
        injectedFaults.add(new Fault(Fault.Kind.REFUSE, errno));
    }

    /** The next commit is applied, but its replies are lost (as after ENOBUFS). */
    void loseNextReplies() {
        injectedFaults.add(new Fault(Fault.Kind.APPLY_THEN_LOSE_REPLIES, 0));
    }

    /** The next commit is lost before the kernel sees it, and no reply comes (outcome unknown to the caller). */
    void dropNextCommit() {
        injectedFaults.add(new Fault(Fault.Kind.DROP, 0));
    }

    /** Called with the table name after every commit that changed it (a stand-in for monitor events). */
    void onChange(Consumer<String> listener) {
        changeListeners.add(listener);
    }

    public int commits() {
        return commits;
    }

    int listings() {
        return listings;
    }

    /** Dumps of one set's elements (what reading counters costs: O(elements)). */
    public int elementListings() {
        return elementListings;
    }

    /** Runs {@code change} right after the next listing (another process's transaction). */
    void afterNextListing(Runnable change) {
        afterListing = change;
    }

    @Override
    public synchronized int generation() {
        return generation;
    }

    @Override
    public synchronized Listing list(String name, Set<String> withoutElements) {
        Listing listing = new Listing(generation, listed(name, withoutElements));
        Runnable change = afterListing;
        afterListing = null;
        if (change != null) {
            change.run();
        }
        return listing;
    }

    private Optional<TableListing> listed(String name, Set<String> withoutElements) {
        listings++;
        FakeTable t = tables.get(name);
        if (t == null) {
            return Optional.empty();
        }
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        t.sets.keySet().stream()
                .filter(set -> !withoutElements.contains(set))
                .forEach(set -> elements.put(set, listedElements(t, set)));
        List<Rule> rules = t.rules.stream().map(FakeKernel::asListed).toList();
        return Optional.of(new TableListing(
                t.table, List.copyOf(t.chains.values()), List.copyOf(t.sets.values()), elements, rules));
    }

    @Override
    public synchronized List<SetElement> listElements(String table, String set) throws IOException {
        elementListings++;
        FakeTable t = tables.get(table);
        if (t == null || !t.sets.containsKey(set)) {
            throw error(ENOENT, 0, "list elements of " + set);
        }
        return listedElements(t, set);
    }

    @Override
    public synchronized List<SetElement> getElements(String table, String set, List<SetElement> keys)
            throws IOException {
        FakeTable t = tables.get(table);
        if (t == null || !t.sets.containsKey(set)) {
            throw error(ENOENT, 0, "get elements of " + set);
        }
        List<SetElement> found = new ArrayList<>();
        for (SetElement key : keys) {
            SetElement element = t.elements.get(set).get(new ElementKey(key.key(), key.keyEnd(), key.flags()));
            if (element == null) {
                throw error(ENOENT, 0, "get elements of " + set);
            }
            found.add(listed(t, set, element));
        }
        return found;
    }

    /** Traffic matched the element {@code key} of {@code set}: its counter grows by these. */
    public synchronized void count(String set, Bytes key, long packets, long bytes) {
        traffic.computeIfAbsent(set, s -> new HashMap<>())
                .merge(
                        key,
                        new Counter(bytes, packets),
                        (a, b) -> new Counter(a.bytes() + b.bytes(), a.packets() + b.packets()));
    }

    /** Elements as a dump shows them: with counter values on counted sets. */
    private List<SetElement> listedElements(FakeTable t, String set) {
        return t.elements.get(set).values().stream().map(e -> listed(t, set, e)).toList();
    }

    private SetElement listed(FakeTable t, String set, SetElement e) {
        if (!t.sets.get(set).counter()) {
            return e;
        }
        Counter counted = traffic.getOrDefault(set, Map.of()).getOrDefault(e.key(), Counter.zero());
        return new SetElement(e.key(), e.keyEnd(), e.data(), e.flags(), Optional.of(counted));
    }

    /** nat as the kernel lists it: ADDR_MAX/PROTO_MAX copied from the minimum, flags filled in. */
    private static Rule asListed(Rule rule) {
        List<Expr> exprs = rule.exprs().stream()
                .map(e -> e instanceof Nat n
                        ? new Nat(
                                n.type(),
                                n.family(),
                                n.regAddrMin(),
                                n.regAddrMax().isPresent() ? n.regAddrMax() : n.regAddrMin(),
                                n.regProtoMin(),
                                n.regProtoMax().isPresent() ? n.regProtoMax() : n.regProtoMin(),
                                n.flags()
                                        | (n.regAddrMin().isPresent() ? Nat.F_MAP_IPS : 0)
                                        | (n.regProtoMin().isPresent() ? Nat.F_PROTO_SPECIFIED : 0))
                        : e)
                .toList();
        return new Rule(rule.table(), rule.chain(), exprs, rule.comment(), rule.handle(), rule.position());
    }

    @Override
    public synchronized void commit(Batch batch) throws IOException {
        MessageWriter w = new MessageWriter();
        EncodedBatch encoded = batch.encode(w, 1);
        List<NlMessage> messages =
                NlMessage.parseAll(encoded.bytes(), encoded.bytes().limit());
        Fault fault = injectedFaults.isEmpty() ? null : injectedFaults.remove(0);
        if (fault != null && fault.kind() != Fault.Kind.APPLY_THEN_LOSE_REPLIES) {
            throw fault.exception();
        }
        NlMessage begin = messages.get(0);
        OptionalInt genId = begin.attrs().u32BeOpt(NftConstants.NFNL_BATCH_GENID);
        if (genId.isPresent() && genId.getAsInt() != generation) {
            throw error(ERESTART, begin.seq(), "batch (generation check)");
        }
        Map<String, FakeTable> next = new LinkedHashMap<>();
        tables.forEach((name, t) -> next.put(name, t.copy()));
        List<String> touched = new ArrayList<>();
        for (NlMessage m : messages.subList(1, messages.size() - 1)) {
            NftMessage message = NftMessage.decode(m);
            String what = encoded.describe(m.seq()).orElse("seq " + m.seq());
            apply(next, message, (m.flags() & NlFlags.EXCL) != 0, m.seq(), what, touched);
        }
        tables = next;
        generation++;
        commits++;
        touched.stream().distinct().forEach(t -> changeListeners.forEach(l -> l.accept(t)));
        if (fault != null) {
            throw fault.exception();
        }
    }

    private void apply(
            Map<String, FakeTable> state,
            NftMessage message,
            boolean exclusive,
            int seq,
            String what,
            List<String> touched)
            throws NetlinkException {
        NftBody body = message.body();
        boolean delete = message.isDelete();
        if (body instanceof Table table) {
            touched.add(table.name());
            if (delete) {
                if (state.remove(table.name()) == null) {
                    throw error(ENOENT, seq, what);
                }
            } else if (state.containsKey(table.name())) {
                if (exclusive) {
                    throw error(EEXIST, seq, what);
                }
            } else {
                state.put(table.name(), new FakeTable(new Table(table.name(), table.flags(), nextHandle++)));
            }
            return;
        }
        if (body instanceof RuleFlush flush) {
            FakeTable t = table(state, flush.table(), seq, what);
            touched.add(flush.table());
            t.rules.removeIf(r -> flush.chain().map(c -> c.equals(r.chain())).orElse(true));
            return;
        }
        if (body instanceof Chain chain) {
            FakeTable t = table(state, chain.table(), seq, what);
            touched.add(chain.table());
            if (delete) {
                if (t.chains.remove(chain.name()) == null) {
                    throw error(ENOENT, seq, what);
                }
                t.rules.removeIf(r -> r.chain().equals(chain.name()));
            } else if (!t.chains.containsKey(chain.name())) {
                t.chains.put(chain.name(), new Chain(chain.table(), chain.name(), chain.base(), nextHandle++));
            } else if (exclusive) {
                throw error(EEXIST, seq, what);
            }
            return;
        }
        if (body instanceof NftSet set) {
            FakeTable t = table(state, set.table(), seq, what);
            touched.add(set.table());
            if (delete) {
                if (!t.sets.containsKey(set.name())) {
                    throw error(ENOENT, seq, what);
                }
                if (t.rules.stream().anyMatch(r -> usesSet(r, set.name()))) {
                    throw error(EBUSY, seq, what);
                }
                t.sets.remove(set.name());
                t.elements.remove(set.name());
            } else if (!t.sets.containsKey(set.name())) {
                t.sets.put(set.name(), set.withHandle(nextHandle++));
                t.elements.put(set.name(), new LinkedHashMap<>());
            } else if (exclusive) {
                throw error(EEXIST, seq, what);
            }
            return;
        }
        if (body instanceof SetElements list) {
            FakeTable t = table(state, list.table(), seq, what);
            touched.add(list.table());
            NftSet set = t.sets.get(list.set());
            if (set == null) {
                throw error(ENOENT, seq, what);
            }
            Map<ElementKey, SetElement> members = t.elements.get(list.set());
            for (SetElement element : list.elements()) {
                ElementKey key = new ElementKey(element.key(), element.keyEnd(), element.flags());
                if (delete) {
                    if (members.remove(key) == null) {
                        throw error(ENOENT, seq, what);
                    }
                    continue;
                }
                checkLengths(set, element, seq, what);
                SetElement stored = new SetElement(
                        element.key(), element.keyEnd(), element.data(), element.flags(), Optional.empty());
                SetElement present = members.get(key);
                if (present != null) {
                    if (exclusive || !present.data().equals(stored.data())) {
                        throw error(EEXIST, seq, what);
                    }
                    continue;
                }
                if (set.isInterval() && members.values().stream().anyMatch(e -> overlaps(e, element))) {
                    throw error(EEXIST, seq, what);
                }
                // A sized set is full at its size (deletes earlier in the batch have made room).
                if (set.size().isPresent() && members.size() >= set.size().getAsInt()) {
                    throw error(ENFILE, seq, what);
                }
                members.put(key, stored);
            }
            return;
        }
        if (body instanceof Rule rule) {
            FakeTable t = table(state, rule.table(), seq, what);
            touched.add(rule.table());
            if (!t.chains.containsKey(rule.chain())) {
                throw error(ENOENT, seq, what);
            }
            if (delete) {
                if (!t.rules.removeIf(r -> r.chain().equals(rule.chain()) && r.handle() == rule.handle())) {
                    throw error(ENOENT, seq, what);
                }
                return;
            }
            for (Expr expr : rule.exprs()) {
                if (expr instanceof Lookup lookup && !t.sets.containsKey(lookup.set())) {
                    throw error(ENOENT, seq, what);
                }
            }
            long previous = t.rules.stream()
                    .filter(r -> r.chain().equals(rule.chain()))
                    .mapToLong(Rule::handle)
                    .reduce((a, b) -> b)
                    .orElse(0);
            t.rules.add(new Rule(rule.table(), rule.chain(), rule.exprs(), rule.comment(), nextHandle++, previous));
            return;
        }
        throw error(EINVAL, seq, what + ": unsupported by the fake");
    }

    private static void checkLengths(NftSet set, SetElement element, int seq, String what) throws NetlinkException {
        boolean keyOk = element.key().length() == set.keyLen()
                && element.keyEnd().map(end -> end.length() == set.keyLen()).orElse(true);
        boolean dataOk = !set.isMap()
                || element.data()
                        .map(d -> !(d instanceof dev.natagent.nft.NftData.Value v)
                                || v.bytes().length() == set.dataLen())
                        .orElse(false);
        if (!keyOk || !dataOk) {
            throw error(EINVAL, seq, what);
        }
    }

    /** Ranges of a concatenated interval set overlap when every field's ranges overlap. */
    private static boolean overlaps(SetElement a, SetElement b) {
        byte[] aStart = a.key().toArray();
        byte[] aEnd = a.keyEnd().orElse(a.key()).toArray();
        byte[] bStart = b.key().toArray();
        byte[] bEnd = b.keyEnd().orElse(b.key()).toArray();
        for (int field = 0; field < aStart.length; field += 4) {
            long as = word(aStart, field);
            long ae = word(aEnd, field);
            long bs = word(bStart, field);
            long be = word(bEnd, field);
            if (ae < bs || be < as) {
                return false;
            }
        }
        return true;
    }

    private static long word(byte[] bytes, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 4 && i < bytes.length; i++) {
            value = (value << 8) | (bytes[i] & 0xff);
        }
        return value;
    }

    private static boolean usesSet(Rule rule, String set) {
        return rule.exprs().stream()
                .anyMatch(e -> e instanceof Lookup l && l.set().equals(set));
    }

    private static FakeTable table(Map<String, FakeTable> state, String name, int seq, String what)
            throws NetlinkException {
        FakeTable t = state.get(name);
        if (t == null) {
            throw error(ENOENT, seq, what);
        }
        return t;
    }

    private static NetlinkException error(int errno, int seq, String what) {
        return new NetlinkException(errno, seq, 0, what, null, -1);
    }

    /** The handles of a chain's rules, in order. */
    synchronized List<Long> ruleHandles(String table, String chain) {
        return tables.get(table).rules.stream()
                .filter(r -> r.chain().equals(chain))
                .map(Rule::handle)
                .toList();
    }

    /** {@code table} as text; "" when it does not exist. */
    public synchronized String dump(String name) {
        FakeTable t = tables.get(name);
        if (t == null) {
            return "";
        }
        Map<String, List<SetElement>> elements = new LinkedHashMap<>();
        t.elements.forEach((set, members) -> elements.put(set, List.copyOf(members.values())));
        return NftText.table(name, List.copyOf(t.chains.values()), List.copyOf(t.sets.values()), elements, t.rules);
    }

    synchronized List<String> tableNames() {
        return List.copyOf(tables.keySet());
    }
}
