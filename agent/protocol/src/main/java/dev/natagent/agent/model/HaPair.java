package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The NAT pair this instance is one node of (settings key {@code ha}; absent on a single
 * instance): the floating addresses that keepalived gives the active node, and the control socket
 * of the conntrackd that replicates the connections. The agent only reads what these name, to
 * report the node's role; keepalived and conntrackd do the work.
 *
 * <p>JSON: {@code {"floating_addresses":["203.0.113.10","10.0.1.10"],
 * "conntrackd_socket":"/var/run/conntrackd-nat-pair.ctl"}}, the socket optional.
 */
public record HaPair(List<Ipv4> floatingAddresses, String conntrackdSocket) implements JsonWritable {
    /** The socket the example conntrackd.conf names. */
    public static final String DEFAULT_CONNTRACKD_SOCKET = "/var/run/conntrackd-nat-pair.ctl";
    /** sun_path holds 108 bytes, the terminating NUL included. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    public HaPair {
        List<FieldError> errors = new ArrayList<>();
        if (floatingAddresses == null || floatingAddresses.isEmpty()) {
            errors.add(new FieldError(
                    "floating_addresses", ErrorCode.MISSING_FIELD, "at least one floating address is required"));
        } else {
            floatingAddresses = List.copyOf(floatingAddresses);
            Set<Ipv4> seen = new HashSet<>();
            for (Ipv4 address : floatingAddresses) {
                if (!address.isUnicast()) {
                    errors.add(new FieldError(
                            "floating_addresses", ErrorCode.INVALID_ADDRESS, address + " is not a unicast address"));
                } else if (!seen.add(address)) {
                    errors.add(new FieldError(
                            "floating_addresses", ErrorCode.INVALID_VALUE, address + " is listed twice"));
                }
            }
        }
        if (conntrackdSocket == null) {
            conntrackdSocket = DEFAULT_CONNTRACKD_SOCKET;
        } else if (!conntrackdSocket.startsWith("/")
                || conntrackdSocket.chars().anyMatch(Character::isISOControl)
                || conntrackdSocket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            errors.add(new FieldError(
                    "conntrackd_socket",
                    ErrorCode.INVALID_VALUE,
                    "conntrackd_socket must be an absolute path of at most " + MAX_SOCKET_PATH_BYTES
                            + " bytes without control characters, not '" + Names.escape(conntrackdSocket) + "'"));
        }
        ValidationException.throwIfAny(errors);
    }

    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        JsonWriting.texts(out, "floating_addresses", floatingAddresses);
        out.writeStringField("conntrackd_socket", conntrackdSocket);
        out.writeEndObject();
    }

    private static final JsonIn.Fields FIELDS = new JsonIn.Fields("floating_addresses", "conntrackd_socket");

    /** Reads the JSON object: a missing socket is the example's. */
    static HaPair read(JsonIn in) throws IOException {
        in.startObject();
        List<Ipv4> floatingAddresses = null;
        String conntrackdSocket = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            if (field == 0) {
                floatingAddresses = Ipv4.readList(in);
            } else {
                conntrackdSocket = in.string();
            }
        }
        try {
            return new HaPair(floatingAddresses, conntrackdSocket);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }
}
