package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * The desired NAT configuration: settings plus forwards, outbounds and clusters keyed and ordered
 * by name. Immutable; the {@code with...}/{@code without...} helpers return new states. The
 * forwards include those of the clusters' nodes ({@link Cluster#forwards}), which follow from the
 * clusters: documents never carry them, and only the cluster changes them.
 *
 * <p>JSON: {@code {"schema_version":1,"settings":{...},"forwards":[...],"outbounds":[...],
 * "clusters":[...]}}, lists ordered by name, {@code clusters} only when there are any; every key
 * is optional on input.
 */
public final class NatState implements JsonWritable {
    public static final int SCHEMA_VERSION = 1;
    private static final NatState EMPTY = new NatState(
            Settings.DEFAULTS,
            PersistentSortedMap.empty(),
            PersistentSortedMap.empty(),
            PersistentSortedMap.empty(),
            ForwardIndex.EMPTY);

    private final Settings settings;
    // Persistent maps: with/without cost O(log N) and share structure with the state they came from.
    private final PersistentSortedMap<Forward> forwards;
    private final PersistentSortedMap<Outbound> outbounds;
    private final PersistentSortedMap<Cluster> clusters;
    /**
     * Built on first use (a cold apply never pays for it), then carried along by every state derived
     * from this one. Immutable, so racing first uses build equal copies.
     */
    private ForwardIndex index;
    /** The DNS names of the forwards, kept while there is no index (status and each resolve round ask). */
    private Set<String> scannedDnsHosts;

    private NatState(
            Settings settings,
            PersistentSortedMap<Forward> forwards,
            PersistentSortedMap<Outbound> outbounds,
            PersistentSortedMap<Cluster> clusters,
            ForwardIndex index) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.forwards = forwards;
        this.outbounds = outbounds;
        this.clusters = clusters;
        this.index = index;
    }

    public static NatState empty() {
        return EMPTY;
    }

    /** Builds a state; two forwards (or two outbounds) with one name are a NAME_TAKEN error. */
    public static NatState of(Settings settings, Collection<Forward> forwards, Collection<Outbound> outbounds) {
        return of(settings, forwards, outbounds, List.of());
    }

    /**
     * Builds a state with clusters, whose nodes' forwards join {@code forwards}; a forward named
     * like one of them is a NAME_TAKEN error.
     */
    public static NatState of(
            Settings settings,
            Collection<Forward> forwards,
            Collection<Outbound> outbounds,
            Collection<Cluster> clusters) {
        List<FieldError> errors = new ArrayList<>();
        PersistentSortedMap<Cluster> clusterMap = byName("clusters", clusters, Cluster::name, errors);
        Collection<Forward> all = forwards;
        if (!clusterMap.isEmpty()) {
            List<Forward> withNodes = new ArrayList<>(forwards);
            clusterMap.values().forEach(c -> withNodes.addAll(c.forwards()));
            all = withNodes;
        }
        PersistentSortedMap<Forward> forwardMap = byName("forwards", all, Forward::name, errors);
        PersistentSortedMap<Outbound> outboundMap = byName("outbounds", outbounds, Outbound::name, errors);
        ValidationException.throwIfAny(errors);
        return new NatState(settings, forwardMap, outboundMap, clusterMap, null);
    }

    public int schemaVersion() {
        return SCHEMA_VERSION;
    }

    public Settings settings() {
        return settings;
    }

    /** Forwards by name, iterated in name order; unmodifiable. */
    public SortedMap<String, Forward> forwards() {
        return forwards;
    }

    /** Outbounds by name, iterated in name order; unmodifiable. */
    public SortedMap<String, Outbound> outbounds() {
        return outbounds;
    }

    /** Clusters by name, iterated in name order; unmodifiable. */
    public SortedMap<String, Cluster> clusters() {
        return clusters;
    }

    public Optional<Cluster> cluster(String name) {
        return Optional.ofNullable(clusters.get(name));
    }

    /** The cluster whose node the forward called {@code forwardName} belongs to, if any. */
    public Optional<Cluster> owner(String forwardName) {
        if (clusters.isEmpty()) {
            return Optional.empty();
        }
        int dot = forwardName.lastIndexOf('.');
        Cluster cluster = dot < 0 ? null : clusters.get(forwardName.substring(0, dot));
        if (cluster == null) {
            return Optional.empty();
        }
        String port = forwardName.substring(dot + 1);
        for (ClusterNode node : cluster.nodes()) {
            if (!node.vanished() && port.equals(Integer.toString(node.listenPort()))) {
                return Optional.of(cluster);
            }
        }
        return Optional.empty();
    }

    public Optional<Forward> forward(String name) {
        return Optional.ofNullable(forwards.get(name));
    }

    public Optional<Outbound> outbound(String name) {
        return Optional.ofNullable(outbounds.get(name));
    }

    /**
     * The forwards of {@code proto} whose listen ports overlap {@code range}, in no set order:
     * O(log N + overlaps) once the index is built.
     */
    public List<Forward> forwardsOverlapping(Protocol proto, PortRange range) {
        return index().overlapping(proto, range);
    }

    /**
     * The DNS names the forwards' targets use, in name order; unmodifiable. From the index when it
     * is built; otherwise (a state just read from a document, about to be applied) by one pass over
     * the forwards, which is all a cold apply needs: building the index sorts every forward.
     */
    public Set<String> dnsHosts() {
        ForwardIndex built = index;
        if (built != null) {
            return built.dnsHosts();
        }
        Set<String> scanned = scannedDnsHosts;
        if (scanned == null) {
            scanned = ForwardIndex.dnsHostsOf(forwards.values());
            scannedDnsHosts = scanned;
        }
        return scanned;
    }

    /** Adds {@code forward}, or replaces the forward of the same name. */
    public NatState withForward(Forward forward) {
        ForwardIndex derived = null;
        if (index != null) {
            Forward replaced = forwards.get(forward.name());
            derived = (replaced == null ? index : index.minus(replaced)).plus(forward);
        }
        return new NatState(settings, forwards.plus(forward.name(), forward), outbounds, clusters, derived);
    }

    /** Removes the forward called {@code name}; unchanged when there is none. */
    public NatState withoutForward(String name) {
        PersistentSortedMap<Forward> fewer = forwards.minus(name);
        if (fewer == forwards) {
            return this;
        }
        return new NatState(
                settings, fewer, outbounds, clusters, index == null ? null : index.minus(forwards.get(name)));
    }

    /** Adds {@code outbound}, or replaces the outbound of the same name. */
    public NatState withOutbound(Outbound outbound) {
        return new NatState(settings, forwards, outbounds.plus(outbound.name(), outbound), clusters, index);
    }

    /** Removes the outbound called {@code name}; unchanged when there is none. */
    public NatState withoutOutbound(String name) {
        PersistentSortedMap<Outbound> fewer = outbounds.minus(name);
        return fewer == outbounds ? this : new NatState(settings, forwards, fewer, clusters, index);
    }

    /** Adds {@code cluster}, or replaces the cluster of the same name; its nodes' forwards follow. */
    public NatState withCluster(Cluster cluster) {
        NatState next = withoutNodeForwards(clusters.get(cluster.name()));
        for (Forward forward : cluster.forwards()) {
            next = next.withForward(forward);
        }
        return new NatState(settings, next.forwards, outbounds, clusters.plus(cluster.name(), cluster), next.index);
    }

    /** Removes the cluster called {@code name} and its nodes' forwards; unchanged when there is none. */
    public NatState withoutCluster(String name) {
        Cluster removed = clusters.get(name);
        if (removed == null) {
            return this;
        }
        NatState next = withoutNodeForwards(removed);
        return new NatState(settings, next.forwards, outbounds, clusters.minus(name), next.index);
    }

    /**
     * This state (a document to apply) with the nodes {@code current} knows of each cluster that
     * is still the same cluster there (same engine and endpoint): a document, even an older
     * export, never moves a polled node. A node whose port the new range no longer holds drops
     * out until the next poll gives it one. Clusters new to {@code current} keep the document's
     * nodes, so an export restores its ports on another agent.
     */
    public NatState withClusterNodesFrom(NatState current) {
        NatState next = this;
        for (Cluster cluster : clusters.values()) {
            Cluster known = current.clusters.get(cluster.name());
            if (known != null
                    && known.spec().engine() == cluster.spec().engine()
                    && known.spec().endpoint().equals(cluster.spec().endpoint())) {
                Cluster carried = known.withSpec(cluster.spec());
                // A declared forward of a node forward's name stays, for the validator to refuse.
                boolean clash = carried.forwards().stream()
                        .anyMatch(f -> forwards.containsKey(f.name())
                                && owner(f.name()).isEmpty());
                if (!clash) {
                    next = next.withCluster(carried);
                }
            }
        }
        return next;
    }

    private NatState withoutNodeForwards(Cluster cluster) {
        NatState next = this;
        if (cluster != null) {
            for (Forward forward : cluster.forwards()) {
                next = next.withoutForward(forward.name());
            }
        }
        return next;
    }

    public NatState withSettings(Settings newSettings) {
        return new NatState(newSettings, forwards, outbounds, clusters, index);
    }

    private ForwardIndex index() {
        ForwardIndex built = index;
        if (built == null) {
            built = ForwardIndex.of(forwards.values());
            index = built;
        }
        return built;
    }

    /** The forwards an operator declared: all but those of the clusters' nodes. */
    public List<Forward> declaredForwards() {
        if (clusters.isEmpty()) {
            return List.copyOf(forwards.values());
        }
        return forwards.values().stream().filter(f -> owner(f.name()).isEmpty()).toList();
    }

    /**
     * Written as it is read, entry by entry: at 50,000 forwards the document is megabytes that
     * never exist as a whole.
     */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("schema_version", SCHEMA_VERSION);
        JsonWriting.object(out, "settings", settings);
        out.writeArrayFieldStart("forwards");
        for (Forward forward : forwards.values()) {
            if (clusters.isEmpty() || owner(forward.name()).isEmpty()) {
                forward.write(out);
            }
        }
        out.writeEndArray();
        JsonWriting.objects(out, "outbounds", outbounds.values());
        if (!clusters.isEmpty()) {
            JsonWriting.objects(out, "clusters", clusters.values());
        }
        out.writeEndObject();
    }

    private static final JsonIn.Fields FIELDS =
            new JsonIn.Fields("schema_version", "settings", "forwards", "outbounds", "clusters");

    /** Reads a state document (see {@link #of(Integer, Settings, List, List, List)}). */
    public static NatState read(JsonIn in) throws IOException {
        in.startObject();
        Integer schemaVersion = null;
        Settings settings = null;
        List<Forward> forwards = null;
        List<Outbound> outbounds = null;
        List<Cluster> clusters = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> schemaVersion = in.integer();
                case 1 -> settings = in.object(Settings::read);
                case 2 -> forwards = in.list(Forward::read, "an array");
                case 3 -> outbounds = in.list(Outbound::read, "an array");
                default -> clusters = in.list(Cluster::read, "an array");
            }
        }
        try {
            return of(schemaVersion, settings, forwards, outbounds, clusters);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }

    /**
     * Builds a state from its JSON parts, as read from a file or request: null parts take their
     * defaults, and a schema version other than {@link #SCHEMA_VERSION} is UNSUPPORTED_SCHEMA.
     */
    public static NatState of(
            Integer schemaVersion, Settings settings, List<Forward> forwards, List<Outbound> outbounds) {
        return of(schemaVersion, settings, forwards, outbounds, null);
    }

    /** As above, with the document's clusters (null: none). */
    public static NatState of(
            Integer schemaVersion,
            Settings settings,
            List<Forward> forwards,
            List<Outbound> outbounds,
            List<Cluster> clusters) {
        if (schemaVersion != null && schemaVersion != SCHEMA_VERSION) {
            throw new ValidationException(
                    "schema_version",
                    ErrorCode.UNSUPPORTED_SCHEMA,
                    "schema_version " + schemaVersion + " is not supported (this agent reads " + SCHEMA_VERSION + ")");
        }
        return of(
                settings == null ? Settings.DEFAULTS : settings,
                forwards == null ? List.of() : forwards,
                outbounds == null ? List.of() : outbounds,
                clusters == null ? List.of() : clusters);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NatState that
                && settings.equals(that.settings)
                && forwards.equals(that.forwards)
                && outbounds.equals(that.outbounds)
                && clusters.equals(that.clusters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(settings, forwards, outbounds, clusters);
    }

    @Override
    public String toString() {
        return "NatState[" + settings + ", " + forwards.size() + " forwards, " + outbounds.size() + " outbounds, "
                + clusters.size() + " clusters]";
    }

    /**
     * Sorts once and builds the map in one pass. Not a TreeMap: filling one costs a tree descent of
     * string compares per name, which the daemon's C1-only JIT runs without the String.compareTo
     * intrinsic, while a list in name order already, as an export is, sorts in one pass of
     * adjacent compares (bench/agent-bench.sh --cold times the apply this is part of).
     */
    private static <T> PersistentSortedMap<T> byName(
            String field, Collection<T> items, Function<T, String> name, List<FieldError> errors) {
        record Named<T>(String name, int index, T item) {}
        List<Named<T>> named = new ArrayList<>(items.size());
        List<Named<T>> invalid = new ArrayList<>();
        int index = 0;
        for (T item : items) {
            if (item == null) {
                invalid.add(new Named<>(null, index, null));
            } else {
                named.add(new Named<>(name.apply(item), index, item));
            }
            index++;
        }
        named.sort(Comparator.comparing(Named::name)); // stable: the first of equal names stays first
        List<String> names = new ArrayList<>(named.size());
        List<T> values = new ArrayList<>(named.size());
        for (Named<T> entry : named) {
            if (!names.isEmpty() && names.get(names.size() - 1).equals(entry.name())) {
                invalid.add(entry);
            } else {
                names.add(entry.name());
                values.add(entry.item());
            }
        }
        invalid.sort(Comparator.comparingInt(Named::index));
        for (Named<T> entry : invalid) {
            errors.add(
                    entry.item() == null
                            ? new FieldError(
                                    field + "[" + entry.index() + "]",
                                    ErrorCode.MISSING_FIELD,
                                    "null is not a valid entry")
                            : new FieldError(
                                    field + "[" + entry.index() + "].name",
                                    ErrorCode.NAME_TAKEN,
                                    "name '" + entry.name() + "' is used twice"));
        }
        return PersistentSortedMap.ofSorted(names, values);
    }
}
