package dev.natagent.agent.reconcile;

import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.nft.expr.Counter;

/**
 * The kernel's per-listen-port counts, read at one moment, by listen key in two flat arrays; a
 * forward's counter is summed over its ports when asked. At 50,000 forwards a map of each
 * forward's counter would be megabytes more working data for every listing and scrape.
 */
public final class ForwardCounters {
    private static final ForwardCounters NONE = new ForwardCounters(null, null, null);

    /** The forwards the counts were read for (what the kernel holds), or null for none. */
    private final NatState state;

    private final long[] bytesByKey;
    private final long[] packetsByKey;

    ForwardCounters(NatState state, long[] bytesByKey, long[] packetsByKey) {
        this.state = state;
        this.bytesByKey = bytesByKey;
        this.packetsByKey = packetsByKey;
    }

    /** No counts: every forward reads zero (before the first reconcile, or when the kernel did not answer). */
    public static ForwardCounters none() {
        return NONE;
    }

    /**
     * The packets and bytes of the forward called as {@code forward} is, as the kernel holds it
     * (summed over its listen ports there); zero for one the counts were not read for.
     */
    public Counter of(Forward forward) {
        Counter counter = get(forward.name());
        return counter == null ? Counter.zero() : counter;
    }

    /** As {@link #of}, by name; null when the counts were not read for such a forward. */
    public Counter get(String name) {
        return state == null ? null : state.forward(name).map(this::sum).orElse(null);
    }

    private Counter sum(Forward forward) {
        long packets = 0;
        long bytes = 0;
        for (int p = forward.listen().first(); p <= forward.listen().last(); p++) {
            int key = KernelLayout.listenIndex(forward.proto(), p);
            packets += packetsByKey[key];
            bytes += bytesByKey[key];
        }
        return new Counter(bytes, packets);
    }
}
