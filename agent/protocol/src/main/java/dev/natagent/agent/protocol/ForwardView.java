package dev.natagent.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
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
}
