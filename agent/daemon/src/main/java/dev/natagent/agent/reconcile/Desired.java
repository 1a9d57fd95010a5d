package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Target;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the kernel should hold: the desired state plus the current addresses of its DNS-name targets
 * (a snapshot; literal targets need none). A target whose name has no address yet is left out of
 * the kernel until it resolves.
 */
public record Desired(NatState state, Map<String, Ipv4> resolved) {
    public Desired {
        Objects.requireNonNull(state, "state");
        resolved = Map.copyOf(resolved);
    }

    /** A state whose targets are all IPv4 literals. */
    public static Desired of(NatState state) {
        return new Desired(state, Map.of());
    }

    public Optional<Ipv4> addressOf(Target target) {
        Optional<Ipv4> literal = target.literal();
        return literal.isPresent() ? literal : Optional.ofNullable(resolved.get(target.host()));
    }
}
