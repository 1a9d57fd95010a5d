package dev.natagent.agent.ha;

import dev.natagent.agent.model.Ipv4;
import java.util.List;

/**
 * This node of a pair as it looks from the inside at one moment.
 *
 * @param held the floating addresses this node holds (keepalived gives them to the active node)
 * @param notHeld the others
 * @param addressesKnown whether the interfaces' addresses could be read (else the role is unknown)
 * @param conntrackd whether the conntrackd of the pair listens on its control socket
 * @param conntrackdSocket that socket
 * @param detail what could not be read, else empty
 */
public record PairStatus(
        List<Ipv4> held,
        List<Ipv4> notHeld,
        boolean addressesKnown,
        Conntrackd conntrackd,
        String conntrackdSocket,
        String detail) {
    public enum Conntrackd {
        RUNNING,
        NOT_RUNNING,
        UNKNOWN
    }

    public PairStatus {
        held = List.copyOf(held);
        notHeld = List.copyOf(notHeld);
    }

    /**
     * active (holds every floating address), standby (none), split (some: a move under way, or a
     * mismatch with keepalived's list) or unknown.
     */
    public String role() {
        if (!addressesKnown) {
            return "unknown";
        }
        if (notHeld.isEmpty()) {
            return "active";
        }
        return held.isEmpty() ? "standby" : "split";
    }
}
