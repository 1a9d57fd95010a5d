package dev.natagent.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A forward with its live figures (wire form of forward.get / forward.list entries).
 *
 * @param listen port or FIRST-LAST
 * @param allow source CIDRs; empty admits every source
 * @param snat masquerade, none, or the SNAT address
 * @param packets packets matched by the forward's kernel counter
 * @param bytes bytes matched by the forward's kernel counter
 * @param cluster the cluster whose node this forward is (it changes only with the cluster), or null
 */
public record ForwardView(
        String name,
        String proto,
        String listen,
        List<TargetView> targets,
        List<String> allow,
        String snat,
        long packets,
        long bytes,
        Health health,
        @JsonInclude(JsonInclude.Include.NON_NULL) String cluster) {

    public ForwardView {
        targets = List.copyOf(targets);
        allow = List.copyOf(allow);
    }

    /** A forward an operator declared (no cluster's). */
    public ForwardView(
            String name,
            String proto,
            String listen,
            List<TargetView> targets,
            List<String> allow,
            String snat,
            long packets,
            long bytes,
            Health health) {
        this(name, proto, listen, targets, allow, snat, packets, bytes, health, null);
    }

    /** The record from a forward.get reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static ForwardView read(JsonNode reply) {
        return read(ReplyFields.of(reply, "forward.get reply"));
    }

    /** The record from the fields of one forward (a reply's, or an entry of a listing's). */
    public static ForwardView read(ReplyFields forward) {
        return new ForwardView(
                forward.text("name"),
                forward.text("proto"),
                forward.text("listen"),
                TargetView.readList(forward),
                forward.texts("allow"),
                forward.text("snat"),
                forward.number("packets"),
                forward.number("bytes"),
                forward.choice("health", Health.values()),
                forward.optionalText("cluster"));
    }
}
