package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * One element-level change to a {@link NatState}; what the journal records and what a diff is made
 * of. JSON: {@code {"op":"put_forward","forward":{...}}}, {@code {"op":"remove_forward","name":"x"}},
 * {@code put_outbound}, {@code remove_outbound}, {@code {"op":"put_settings","settings":{...}}},
 * {@code {"op":"put_cluster","cluster":{...}}} (a cluster with its nodes: its nodes' forwards
 * follow from it), {@code {"op":"remove_cluster","name":"x"}}.
 */
public sealed interface StateChange extends JsonWritable {
    /** Writes {@code changes} as one array, each change with its {@code op} first. */
    static void writeAll(List<StateChange> changes, JsonGenerator out) throws IOException {
        out.writeStartArray();
        for (StateChange change : changes) {
            change.write(out);
        }
        out.writeEndArray();
    }

    /** {@code {"op":OP,"member":VALUE}}: the type id first, as the journal's readers expect. */
    private static void write(JsonGenerator out, String op, String member, JsonWritable value) throws IOException {
        out.writeStartObject();
        out.writeStringField("op", op);
        JsonWriting.object(out, member, value);
        out.writeEndObject();
    }

    /** The state after this change. */
    NatState applyTo(NatState state);

    /** The keys of a change: its type id {@code op} and every type's own. */
    JsonIn.Fields FIELDS = new JsonIn.Fields("op", "forward", "name", "outbound", "settings", "cluster");

    /** Reads one change's JSON object; {@code op} may come anywhere in it. */
    static StateChange read(JsonIn in) throws IOException {
        in.startObject();
        String op = null;
        Object[] values = new Object[FIELDS.size()];
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            values[field] = switch (field) {
                case 0 -> op = in.string();
                case 1 -> in.object(Forward::read);
                case 2 -> in.string();
                case 3 -> in.object(Outbound::read);
                case 4 -> in.object(Settings::read);
                default -> in.object(Cluster::read);
            };
        }
        if (op == null) {
            throw in.placed(new ValidationException("op", ErrorCode.MISSING_FIELD, "op is required"));
        }
        int own =
                switch (op) {
                    case "put_forward" -> 1;
                    case "remove_forward", "remove_outbound", "remove_cluster" -> 2;
                    case "put_outbound" -> 3;
                    case "put_settings" -> 4;
                    case "put_cluster" -> 5;
                    default -> throw in.placed(new ValidationException(
                            "op",
                            ErrorCode.INVALID_VALUE,
                            "unknown op '" + Names.escape(op) + "' (known: put_forward, remove_forward, put_outbound,"
                                    + " remove_outbound, put_settings, put_cluster, remove_cluster)"));
                };
        String ownName = FIELDS.name(own);
        for (int field = 1; field < values.length; field++) {
            if (field != own && values[field] != null) {
                throw in.placed(new ValidationException(
                        FIELDS.name(field),
                        ErrorCode.UNKNOWN_FIELD,
                        "unknown field '" + FIELDS.name(field) + "' (known fields: " + ownName + ", op)"));
            }
        }
        Object value = values[own];
        if (value == null) {
            throw in.placed(new ValidationException(ownName, ErrorCode.MISSING_FIELD, ownName + " is required"));
        }
        return switch (op) {
            case "put_forward" -> new PutForward((Forward) value);
            case "remove_forward" -> new RemoveForward((String) value);
            case "put_outbound" -> new PutOutbound((Outbound) value);
            case "remove_outbound" -> new RemoveOutbound((String) value);
            case "put_settings" -> new PutSettings((Settings) value);
            case "put_cluster" -> new PutCluster((Cluster) value);
            default -> new RemoveCluster((String) value);
        };
    }

    /** Applies {@code changes} in order. */
    static NatState applyAll(NatState state, List<StateChange> changes) {
        NatState result = state;
        for (StateChange change : changes) {
            result = change.applyTo(result);
        }
        return result;
    }

    /** Adds the forward or replaces the one of the same name. */
    record PutForward(Forward forward) implements StateChange {
        public PutForward {
            Objects.requireNonNull(forward, "forward");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            StateChange.write(out, "put_forward", "forward", forward);
        }

        @Override
        public NatState applyTo(NatState state) {
            return state.withForward(forward);
        }
    }

    record RemoveForward(String name) implements StateChange {
        public RemoveForward {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            StateChange.write(out, "remove_forward", "name", json -> json.writeString(name));
        }

        @Override
        public NatState applyTo(NatState state) {
            return state.withoutForward(name);
        }
    }

    /** Adds the outbound or replaces the one of the same name. */
    record PutOutbound(Outbound outbound) implements StateChange {
        public PutOutbound {
            Objects.requireNonNull(outbound, "outbound");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            StateChange.write(out, "put_outbound", "outbound", outbound);
        }

        @Override
        public NatState applyTo(NatState state) {
            return state.withOutbound(outbound);
        }
    }

    record RemoveOutbound(String name) implements StateChange {
        public RemoveOutbound {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            StateChange.write(out, "remove_outbound", "name", json -> json.writeString(name));
        }

        @Override
        public NatState applyTo(NatState state) {
            return state.withoutOutbound(name);
        }
    }

    record PutSettings(Settings settings) implements StateChange {
        public PutSettings {
            Objects.requireNonNull(settings, "settings");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            StateChange.write(out, "put_settings", "settings", settings);
        }

        @Override
        public NatState applyTo(NatState state) {
            return state.withSettings(settings);
        }
    }

    /** Adds the cluster or replaces the one of the same name, with its nodes' forwards. */
    record PutCluster(Cluster cluster) implements StateChange {
        public PutCluster {
            Objects.requireNonNull(cluster, "cluster");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            StateChange.write(out, "put_cluster", "cluster", cluster);
        }

        @Override
        public NatState applyTo(NatState state) {
            return state.withCluster(cluster);
        }
    }

    record RemoveCluster(String name) implements StateChange {
        public RemoveCluster {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public void write(JsonGenerator out) throws IOException {
            StateChange.write(out, "remove_cluster", "name", json -> json.writeString(name));
        }

        @Override
        public NatState applyTo(NatState state) {
            return state.withoutCluster(name);
        }
    }
}
