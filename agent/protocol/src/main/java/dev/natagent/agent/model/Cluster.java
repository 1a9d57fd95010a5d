package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A cluster as the state holds it: the operator's {@link ClusterSpec} plus what the agent keeps of
 * the last good poll, its nodes with their listen ports. Every node that is not vanished has a
 * forward of its own, {@code NAME.LISTEN_PORT}, derived from this record (never stored apart).
 *
 * <p>JSON: the spec's keys plus {@code "version"} (the topology's, 0 where the engine has none)
 * and {@code "nodes"} (omitted while there are none), so one object carries a cluster through
 * exports, config files and the state files.
 */
public record Cluster(ClusterSpec spec, long version, List<ClusterNode> nodes) implements JsonWritable {
    private static final JsonIn.Fields FIELDS = ClusterSpec.FIELDS.and("version", "nodes");
    private static final int VERSION = ClusterSpec.FIELDS.size();

    public Cluster {
        Objects.requireNonNull(spec, "spec");
        nodes = List.copyOf(nodes);
        List<FieldError> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            ClusterNode node = nodes.get(i);
            if (!ids.add(node.id())) {
                errors.add(new FieldError(
                        "nodes[" + i + "].id", ErrorCode.INVALID_VALUE, "node id '" + node.id() + "' is listed twice"));
            }
            if (!spec.listen().contains(node.listenPort())) {
                errors.add(new FieldError(
                        "nodes[" + i + "].listen_port",
                        ErrorCode.INVALID_PORT,
                        "listen_port " + node.listenPort() + " is outside the cluster's listen " + spec.listen()));
            } else if (!ports.add(node.listenPort())) {
                errors.add(new FieldError(
                        "nodes[" + i + "].listen_port",
                        ErrorCode.PORT_IN_USE,
                        "listen_port " + node.listenPort() + " is held by two nodes"));
            }
        }
        ValidationException.throwIfAny(errors);
    }

    /** A cluster not polled yet. */
    public static Cluster of(ClusterSpec spec) {
        return new Cluster(spec, 0, List.of());
    }

    public String name() {
        return spec.name();
    }

    /** The forward of each node that is not vanished, in node order. */
    public List<Forward> forwards() {
        List<Forward> forwards = new ArrayList<>();
        for (ClusterNode node : nodes) {
            if (!node.vanished()) {
                forwards.add(new Forward(
                        forwardName(name(), node.listenPort()),
                        Protocol.TCP,
                        PortRange.single(node.listenPort()),
                        List.of(node.target()),
                        spec.allow(),
                        spec.snat()));
            }
        }
        return forwards;
    }

    /** The forward of the node listening on {@code listenPort} of cluster {@code cluster}. */
    public static String forwardName(String cluster, int listenPort) {
        return cluster + "." + listenPort;
    }

    /** This cluster with another spec, keeping the nodes whose listen ports the new range still holds. */
    public Cluster withSpec(ClusterSpec newSpec) {
        List<ClusterNode> kept = nodes.stream()
                .filter(n -> newSpec.listen().contains(n.listenPort()))
                .toList();
        return new Cluster(newSpec, version, kept);
    }

    /** The spec's members, then {@code version}, then {@code nodes} unless there are none. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        spec.writeFields(out);
        out.writeNumberField("version", version);
        if (!nodes.isEmpty()) {
            JsonWriting.objects(out, "nodes", nodes);
        }
        out.writeEndObject();
    }

    /** Reads the JSON object: the spec's keys, {@code version} and {@code nodes}. */
    public static Cluster read(JsonIn in) throws IOException {
        in.startObject();
        ClusterSpec.Reading spec = new ClusterSpec.Reading();
        Long version = null;
        List<ClusterNode> nodes = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            if (field < VERSION) {
                spec.read(in, field);
            } else if (field == VERSION) {
                version = in.longInteger();
            } else {
                nodes = in.list(ClusterNode::read, "an array");
            }
        }
        try {
            return new Cluster(spec.spec(), version == null ? 0 : version, nodes == null ? List.of() : nodes);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }
}
