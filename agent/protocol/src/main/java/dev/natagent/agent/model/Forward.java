package dev.natagent.agent.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One port forward: {@code listen} port (or range) on the NAT instance, DNATed to {@code targets}.
 * A range maps to the targets in order, so {@code 11211-11213} has exactly three targets and port
 * 11212 goes to the second. An empty {@code allow} list admits every source.
 *
 * <p>JSON: {@code {"name":"redis","proto":"tcp","listen":"6379-6381","to":["10.0.1.230:6379",...],
 * "allow":["198.51.100.27/32"],"snat":"masquerade"}}; {@code proto} defaults to tcp, {@code allow}
 * to empty, {@code snat} to masquerade. {@code "force":true} (written only when set) records that
 * the operator chose to forward even the port this host's sshd listens on, so that a document
 * holding such a forward (an export, a config file) applies again without a separate flag.
 */
public record Forward(
        String name,
        Protocol proto,
        PortRange listen,
        List<Target> targets,
        List<Cidr> allow,
        ReturnPath returnPath,
        // Boxed so that a document without the key reads as false (primitives must be present).
        Boolean force)
        implements JsonWritable {

    public Forward {
        List<FieldError> errors = new ArrayList<>();
        Names.checkName("name", name, errors);
        proto = proto == null ? Protocol.TCP : proto;
        allow = allow == null ? List.of() : SharedAllowLists.of(List.copyOf(allow));
        returnPath = returnPath == null ? ReturnPath.MASQUERADE : returnPath;
        force = Boolean.TRUE.equals(force);
        if (listen == null) {
            errors.add(new FieldError("listen", ErrorCode.MISSING_FIELD, "listen port or range is required"));
        }
        if (targets == null || targets.isEmpty()) {
            errors.add(new FieldError("to", ErrorCode.MISSING_FIELD, "at least one target HOST:PORT is required"));
        } else {
            targets = List.copyOf(targets);
            if (listen != null && listen.size() != targets.size()) {
                errors.add(new FieldError(
                        "to",
                        ErrorCode.TARGET_COUNT_MISMATCH,
                        "listen " + listen + " has " + listen.size() + " port(s) but " + targets.size()
                                + " target(s) are given; a range maps to its targets in order"));
            }
        }
        ValidationException.throwIfAny(errors);
    }

    private static final JsonIn.Fields FIELDS =
            new JsonIn.Fields("name", "proto", "listen", "to", "allow", "snat", "force");

    /** Reads one forward's JSON object (see above). */
    public static Forward read(JsonIn in) throws IOException {
        in.startObject();
        String name = null;
        Protocol proto = null;
        PortRange listen = null;
        List<Target> targets = null;
        List<Cidr> allow = null;
        ReturnPath returnPath = null;
        Boolean force = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> name = in.string();
                case 1 -> proto = Protocol.read(in);
                case 2 -> listen = PortRange.read(in);
                case 3 -> targets = Target.readList(in);
                case 4 -> allow = Cidr.readList(in);
                case 5 -> returnPath = ReturnPath.read(in);
                default -> force = in.bool();
            }
        }
        try {
            return new Forward(name, proto, listen, targets, allow, returnPath, force);
        } catch (ValidationException e) {
            throw in.placed(e);
        }
    }

    /** A forward that is not forced (see {@link #force}). */
    public Forward(
            String name,
            Protocol proto,
            PortRange listen,
            List<Target> targets,
            List<Cidr> allow,
            ReturnPath returnPath) {
        this(name, proto, listen, targets, allow, returnPath, false);
    }

    /** {@code force} only when set. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", name);
        out.writeStringField("proto", proto.toString());
        out.writeStringField("listen", listen.toString());
        JsonWriting.texts(out, "to", targets);
        JsonWriting.texts(out, "allow", allow);
        out.writeStringField("snat", returnPath.toString());
        if (force) {
            out.writeBooleanField("force", true);
        }
        out.writeEndObject();
    }

    /** A forward of a single port to a single target. */
    public static Forward single(String name, Protocol proto, int port, Target target) {
        return new Forward(name, proto, PortRange.single(port), List.of(target), List.of(), ReturnPath.MASQUERADE);
    }

    /** The target that listen port {@code port} maps to. */
    public Target targetFor(int port) {
        if (!listen.contains(port)) {
            throw new IllegalArgumentException("port " + port + " is not in " + listen);
        }
        return targets.get(port - listen.first());
    }

    public Forward withTargets(List<Target> newTargets) {
        return new Forward(name, proto, listen, newTargets, allow, returnPath, force);
    }

    /** This forward, forced (it may claim sshd's port) or not. */
    public Forward withForce(boolean forced) {
        return forced == force ? this : new Forward(name, proto, listen, targets, allow, returnPath, forced);
    }
}
