package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of a cluster as the agent last saw it, with the listen port it holds on this instance.
 * A node that vanished from the topology keeps its port (but no forward) until {@code vanished_at}
 * plus the cluster's grace period, so that a briefly missing node comes back to the same port.
 *
 * <p>JSON: {@code {"id":"07c37...","host":"node-1.orders.cache.amazonaws.com","address":"10.0.1.230",
 * "port":6379,"role":"primary","listen_port":7000}}, plus {@code "vanished_at":EPOCH_SECONDS} for a
 * vanished node; {@code host} (the advertised host name) is there only when the cluster advertises one.
 */
public record ClusterNode(String id, String host, Ipv4 address, int port, Role role, int listenPort, Long vanishedAt)
        implements JsonWritable {
    private static final int MAX_ID = 256;

    public ClusterNode {
        List<FieldError> errors = new ArrayList<>();
        if (id == null || id.isEmpty() || id.length() > MAX_ID) {
            errors.add(new FieldError("id", ErrorCode.INVALID_VALUE, "a node id has 1-" + MAX_ID + " characters"));
        } else {
            Names.refuseControlCharacters(id, ErrorCode.INVALID_VALUE);
        }
        if (host != null) {
            host = Target.parse(host + ":1").host();
        }
        if (address == null) {
            errors.add(new FieldError("address", ErrorCode.MISSING_FIELD, "address is required"));
        }
        if (role == null) {
            errors.add(new FieldError("role", ErrorCode.MISSING_FIELD, "role is required"));
        }
        checkPort("port", port, errors);
        checkPort("listen_port", listenPort, errors);
        ValidationException.throwIfAny(errors);
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("id", id);
        JsonWriting.optionalText(out, "host", host);
        out.writeStringField("address", address.toString());
        out.writeNumberField("port", port);
        out.writeStringField("role", role.toString());
        out.writeNumberField("listen_port", listenPort);
        JsonWriting.optionalNumber(out, "vanished_at", vanishedAt);
        out.writeEndObject();
    }

    public boolean vanished() {
        return vanishedAt != null;
    }

    /** This node, seen again (or still) at {@code seenAddress}, {@code seenPort} with {@code seenRole}. */
    public ClusterNode seen(String seenHost, Ipv4 seenAddress, int seenPort, Role seenRole) {
        return new ClusterNode(id, seenHost, seenAddress, seenPort, seenRole, listenPort, null);
    }

    /** This node, missing from the topology since {@code epochSeconds} (kept when it was missing already). */
    public ClusterNode missingSince(long epochSeconds) {
        return vanished() ? this : new ClusterNode(id, host, address, port, role, listenPort, epochSeconds);
    }

    /** Where the node's forward sends traffic. */
    public Target target() {
        return Target.of(address, port);
    }

    private static void checkPort(String field, int port, List<FieldError> errors) {
        if (port < PortRange.MIN || port > PortRange.MAX) {
            errors.add(new FieldError(field, ErrorCode.INVALID_PORT, field + " " + port + " is outside 1-65535"));
        }
    }

    private static final JsonIn.Fields FIELDS =
            new JsonIn.Fields("id", "host", "address", "port", "role", "listen_port", "vanished_at");

    /** Reads one node's JSON object (see above). */
    static ClusterNode read(JsonIn in) throws IOException {
        in.startObject();
        String id = null;
        String host = null;
        Ipv4 address = null;
        Integer port = null;
        Role role = null;
        Integer listenPort = null;
        Long vanishedAt = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> id = in.string();
                case 1 -> host = in.string();
                case 2 -> address = Ipv4.read(in);
                case 3 -> port = in.integer();
                case 4 -> role = Role.read(in);
                case 5 -> listenPort = in.integer();
                default -> vanishedAt = in.longInteger();
            }
        }
        try {
            return new ClusterNode(
                    id, host, address, required("port", port), role, required("listen_port", listenPort), vanishedAt);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }

    private static int required(String field, Integer value) {
        if (value == null) {
            throw new ValidationException(field, ErrorCode.MISSING_FIELD, field + " is required");
        }
        return value;
    }
}
