package dev.natagent.agent.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Every operation of the admin protocol, with its wire name and whether it changes state. */
public enum Op {
    STATUS("status", false),
    FORWARD_ADD("forward.add", true),
    FORWARD_SET("forward.set", true),
    FORWARD_REMOVE("forward.remove", true),
    FORWARD_LIST("forward.list", false),
    FORWARD_GET("forward.get", false),
    OUTBOUND_ADD("outbound.add", true),
    OUTBOUND_REMOVE("outbound.remove", true),
    OUTBOUND_LIST("outbound.list", false),
    CLUSTER_ADD("cluster.add", true),
    CLUSTER_REMOVE("cluster.remove", true),
    CLUSTER_LIST("cluster.list", false),
    CLUSTER_GET("cluster.get", false),
    /** Polls now: the network I/O runs before the request is queued for the writer. */
    CLUSTER_REFRESH("cluster.refresh", true),
    CLUSTER_MAP("cluster.map", false),
    APPLY("apply", true),
    /** Chunked apply (a document over the request line limit): state is touched only by the commit. */
    APPLY_BEGIN("apply.begin", false),
    APPLY_CHUNK("apply.chunk", false),
    APPLY_COMMIT("apply.commit", true),
    APPLY_ABORT("apply.abort", false),
    EXPORT("export", false),
    METRICS("metrics", false),
    DOCTOR("doctor", false),
    RELOAD("reload", true);

    /** Built with a loop, not a stream: natctl loads this class on every call, and streams cost start-up. */
    private static final Map<String, Op> BY_WIRE_NAME = byWireName();

    private final String wireName;
    private final boolean mutating;

    Op(String wireName, boolean mutating) {
        this.wireName = wireName;
        this.mutating = mutating;
    }

    public String wireName() {
        return wireName;
    }

    /** Mutating ops need the admin role and run one at a time. */
    public boolean mutating() {
        return mutating;
    }

    private static Map<String, Op> byWireName() {
        Map<String, Op> ops = new HashMap<>();
        for (Op op : values()) {
            ops.put(op.wireName, op);
        }
        return Map.copyOf(ops);
    }

    public static Optional<Op> fromWireName(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }
}
