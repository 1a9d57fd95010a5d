package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What changes between two states, by name. Printable ({@link #toString}) and JSON-able (the
 * {@code dry_run} answer of apply):
 *
 * <pre>{"forwards":{"added":[...],"removed":[...],"changed":[{"before":{...},"after":{...}}]},
 *  "outbounds":{...same...},"clusters":{...same...},"settings":{"before":{...},"after":{...}},
 *  "empty":false}</pre>
 *
 * {@code settings} is omitted when unchanged, {@code clusters} when no cluster changed. The
 * forwards of clusters' nodes are not listed: they follow from their cluster.
 */
public record StateDiff(
        Section<Forward> forwards, Section<Outbound> outbounds, Changed<Settings> settings, Section<Cluster> clusters)
        implements JsonWritable {

    /** Entries added, removed and changed under one kind, each list in name order. */
    public record Section<T>(List<T> added, List<T> removed, List<Changed<T>> changed) implements JsonWritable {
        public Section {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            changed = List.copyOf(changed);
        }

        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }

        /** The entries are the model's records, each of which writes itself. */
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            writeEntries(out, "added", added);
            writeEntries(out, "removed", removed);
            out.writeArrayFieldStart("changed");
            for (Changed<T> change : changed) {
                change.write(out);
            }
            out.writeEndArray();
            out.writeBooleanField("empty", isEmpty());
            out.writeEndObject();
        }

        private static void writeEntries(JsonGenerator out, String name, List<?> entries) throws IOException {
            out.writeArrayFieldStart(name);
            for (Object entry : entries) {
                ((JsonWritable) entry).write(out);
            }
            out.writeEndArray();
        }
    }

    public record Changed<T>(T before, T after) implements JsonWritable {
        public Changed {
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            JsonWriting.object(out, "before", (JsonWritable) before);
            JsonWriting.object(out, "after", (JsonWritable) after);
            out.writeEndObject();
        }
    }

    public StateDiff(Section<Forward> forwards, Section<Outbound> outbounds, Changed<Settings> settings) {
        this(forwards, outbounds, settings, null);
    }

    public StateDiff {
        if (clusters != null && clusters.isEmpty()) {
            clusters = null;
        }
    }

    public static StateDiff between(NatState before, NatState after) {
        return new StateDiff(
                section(declared(before), declared(after)),
                section(before.outbounds(), after.outbounds()),
                before.settings().equals(after.settings()) ? null : new Changed<>(before.settings(), after.settings()),
                section(before.clusters(), after.clusters()));
    }

    /** The declared forwards by name: those of clusters' nodes follow from their cluster. */
    private static SortedMap<String, Forward> declared(NatState state) {
        if (state.clusters().isEmpty()) {
            return state.forwards();
        }
        SortedMap<String, Forward> declared = new TreeMap<>();
        state.declaredForwards().forEach(f -> declared.put(f.name(), f));
        return declared;
    }

    /** The clusters section, empty when no cluster changed. */
    public Section<Cluster> clusterSection() {
        return clusters == null ? new Section<>(List.of(), List.of(), List.of()) : clusters;
    }

    /** {@code settings} and {@code clusters} only when they change, then {@code empty}. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        JsonWriting.object(out, "forwards", forwards);
        JsonWriting.object(out, "outbounds", outbounds);
        JsonWriting.optionalObject(out, "settings", settings);
        JsonWriting.optionalObject(out, "clusters", clusters);
        out.writeBooleanField("empty", isEmpty());
        out.writeEndObject();
    }

    public boolean isEmpty() {
        return forwards.isEmpty() && outbounds.isEmpty() && settings == null && clusters == null;
    }

    /**
     * The element-level changes that turn {@code before} into {@code after}: settings, removals,
     * clusters (whose nodes' forwards may take ports removed forwards had), then puts.
     */
    public List<StateChange> changes() {
        List<StateChange> changes = new ArrayList<>();
        if (settings != null) {
            changes.add(new StateChange.PutSettings(settings.after()));
        }
        forwards.removed().forEach(f -> changes.add(new StateChange.RemoveForward(f.name())));
        outbounds.removed().forEach(o -> changes.add(new StateChange.RemoveOutbound(o.name())));
        Section<Cluster> clusterChanges = clusterSection();
        clusterChanges.removed().forEach(c -> changes.add(new StateChange.RemoveCluster(c.name())));
        clusterChanges.added().forEach(c -> changes.add(new StateChange.PutCluster(c)));
        clusterChanges.changed().forEach(c -> changes.add(new StateChange.PutCluster(c.after())));
        forwards.added().forEach(f -> changes.add(new StateChange.PutForward(f)));
        forwards.changed().forEach(c -> changes.add(new StateChange.PutForward(c.after())));
        outbounds.added().forEach(o -> changes.add(new StateChange.PutOutbound(o)));
        outbounds.changed().forEach(c -> changes.add(new StateChange.PutOutbound(c.after())));
        return List.copyOf(changes);
    }

    /** One line per change, e.g. {@code + forward redis tcp 6379-6381 -> ...}; "no changes" if empty. */
    @Override
    public String toString() {
        if (isEmpty()) {
            return "no changes";
        }
        List<String> lines = new ArrayList<>();
        if (settings != null) {
            lines.add("~ settings: " + settingsChanges(settings.before(), settings.after()));
        }
        print(lines, "forward", forwards, StateDiff::describe, StateDiff::forwardChanges);
        print(lines, "outbound", outbounds, StateDiff::describe, StateDiff::outboundChanges);
        print(lines, "cluster", clusterSection(), StateDiff::describe, StateDiff::clusterChanges);
        return String.join("\n", lines);
    }

    private static <T> Section<T> section(SortedMap<String, T> before, SortedMap<String, T> after) {
        List<T> added = new ArrayList<>();
        List<T> removed = new ArrayList<>();
        List<Changed<T>> changed = new ArrayList<>();
        // Both maps iterate in name order: one merge pass.
        Iterator<Map.Entry<String, T>> old = before.entrySet().iterator();
        Iterator<Map.Entry<String, T>> now = after.entrySet().iterator();
        Map.Entry<String, T> a = next(old);
        Map.Entry<String, T> b = next(now);
        while (a != null || b != null) {
            int order = a == null ? 1 : b == null ? -1 : a.getKey().compareTo(b.getKey());
            if (order < 0) {
                removed.add(a.getValue());
                a = next(old);
            } else if (order > 0) {
                added.add(b.getValue());
                b = next(now);
            } else {
                if (!a.getValue().equals(b.getValue())) {
                    changed.add(new Changed<>(a.getValue(), b.getValue()));
                }
                a = next(old);
                b = next(now);
            }
        }
        return new Section<>(added, removed, changed);
    }

    private static <E> E next(Iterator<E> iterator) {
        return iterator.hasNext() ? iterator.next() : null;
    }

    private static <T> void print(
            List<String> lines,
            String kind,
            Section<T> section,
            Function<T, String> describe,
            Function<Changed<T>, String> changes) {
        section.added().forEach(x -> lines.add("+ " + kind + " " + describe.apply(x)));
        section.removed().forEach(x -> lines.add("- " + kind + " " + describe.apply(x)));
        section.changed().forEach(c -> lines.add("~ " + kind + " " + changes.apply(c)));
    }

    private static String describe(Forward f) {
        return f.name() + " " + f.proto() + " " + f.listen() + " -> " + join(f.targets()) + " allow " + allow(f.allow())
                + " snat " + f.returnPath();
    }

    private static String describe(Outbound o) {
        return o.name() + " source " + join(o.sources()) + " out " + o.outInterface();
    }

    private static String describe(Cluster c) {
        ClusterSpec s = c.spec();
        return c.name() + " " + s.engine() + " " + s.endpoint() + " listen " + s.listen() + " allow " + allow(s.allow())
                + " snat " + s.snat() + (s.tls() ? " tls" : "");
    }

    private static String clusterChanges(Changed<Cluster> c) {
        return c.before().name() + ": " + describeChange(c.before(), c.after());
    }

    /** What differs between two versions of a cluster, e.g. {@code allow any -> 198.51.100.27/32}. */
    public static String describeChange(Cluster before, Cluster after) {
        ClusterSpec a = before.spec();
        ClusterSpec b = after.spec();
        List<String> parts = new ArrayList<>();
        field(parts, "engine", a.engine(), b.engine());
        field(parts, "endpoint", a.endpoint(), b.endpoint());
        field(parts, "listen", a.listen(), b.listen());
        field(parts, "allow", allow(a.allow()), allow(b.allow()));
        field(parts, "snat", a.snat(), b.snat());
        field(parts, "tls", a.tls(), b.tls());
        field(parts, "ca_file", a.caFile(), b.caFile());
        field(parts, "auth_file", a.authFile(), b.authFile());
        field(parts, "public_address", a.publicAddress(), b.publicAddress());
        field(parts, "poll_interval_seconds", a.pollIntervalSeconds(), b.pollIntervalSeconds());
        field(parts, "grace_seconds", a.graceSeconds(), b.graceSeconds());
        field(parts, "config_port", a.configPort(), b.configPort());
        if (!before.nodes().equals(after.nodes())) {
            parts.add("nodes " + before.nodes().size() + " -> " + after.nodes().size());
        }
        return String.join("; ", parts);
    }

    private static String forwardChanges(Changed<Forward> c) {
        return c.before().name() + ": " + describeChange(c.before(), c.after());
    }

    private static String outboundChanges(Changed<Outbound> c) {
        return c.before().name() + ": " + describeChange(c.before(), c.after());
    }

    /** What differs between two versions of a forward, e.g. {@code to 10.0.1.230:6379 -> 10.0.1.240:6379}. */
    public static String describeChange(Forward a, Forward b) {
        List<String> parts = new ArrayList<>();
        field(parts, "proto", a.proto(), b.proto());
        field(parts, "listen", a.listen(), b.listen());
        field(parts, "to", join(a.targets()), join(b.targets()));
        field(parts, "allow", allow(a.allow()), allow(b.allow()));
        field(parts, "snat", a.returnPath(), b.returnPath());
        field(parts, "force", a.force(), b.force());
        return String.join("; ", parts);
    }

    /** What differs between two versions of an outbound, e.g. {@code out ens5 -> ens6}. */
    public static String describeChange(Outbound a, Outbound b) {
        List<String> parts = new ArrayList<>();
        field(parts, "source", join(a.sources()), join(b.sources()));
        field(parts, "out", a.outInterface(), b.outInterface());
        return String.join("; ", parts);
    }

    private static String settingsChanges(Settings a, Settings b) {
        List<String> parts = new ArrayList<>();
        field(parts, "manage_ip_forward", a.manageIpForward(), b.manageIpForward());
        field(parts, "resolve_interval_seconds", a.resolveIntervalSeconds(), b.resolveIntervalSeconds());
        field(parts, "full_check_interval_seconds", a.fullCheckIntervalSeconds(), b.fullCheckIntervalSeconds());
        field(parts, "ssh_port", a.sshPort(), b.sshPort());
        field(parts, "public_address", a.publicAddress(), b.publicAddress());
        return String.join("; ", parts);
    }

    private static void field(List<String> parts, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            parts.add(name + " " + before + " -> " + after);
        }
    }

    private static String join(List<?> values) {
        return values.stream().map(Object::toString).collect(Collectors.joining(","));
    }

    private static String allow(List<Cidr> allow) {
        return allow.isEmpty() ? "any" : join(allow);
    }
}
