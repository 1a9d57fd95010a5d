package dev.natagent.agent.model;

import java.io.IOException;
import java.util.List;

/**
 * The fields of a forward to change in place ({@code forward.set}); a null field stays as it is.
 * The name is not among them: a forward is changed under its name, never renamed. JSON: the
 * forward's own keys, e.g. {@code {"to":["10.0.1.240:6379"],"allow":[]}} ({@code []} admits
 * every source).
 */
public record ForwardEdit(
        Protocol proto, PortRange listen, List<Target> targets, List<Cidr> allow, ReturnPath returnPath) {

    /** {@code forward} with these fields changed; validated like any forward. */
    public Forward applyTo(Forward forward) {
        return new Forward(
                forward.name(),
                proto == null ? forward.proto() : proto,
                listen == null ? forward.listen() : listen,
                targets == null ? forward.targets() : targets,
                allow == null ? forward.allow() : allow,
                returnPath == null ? forward.returnPath() : returnPath,
                forward.force());
    }

    private static final JsonIn.Fields FIELDS = new JsonIn.Fields("proto", "listen", "to", "allow", "snat");

    /** Reads the JSON object: the forward's keys but its name and force. */
    public static ForwardEdit read(JsonIn in) throws IOException {
        in.startObject();
        Protocol proto = null;
        PortRange listen = null;
        List<Target> targets = null;
        List<Cidr> allow = null;
        ReturnPath returnPath = null;
        for (int field; (field = in.nextField(FIELDS)) >= 0; ) {
            switch (field) {
                case 0 -> proto = Protocol.read(in);
                case 1 -> listen = PortRange.read(in);
                case 2 -> targets = Target.readList(in);
                case 3 -> allow = Cidr.readList(in);
                default -> returnPath = ReturnPath.read(in);
            }
        }
        return new ForwardEdit(proto, listen, targets, allow, returnPath);
    }
}
