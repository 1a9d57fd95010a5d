package dev.natagent.agent.metrics;

import static com.codahale.metrics.MetricRegistry.name;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.metrics.MetricFamily.Type;
import java.util.List;
import java.util.Map;

/**
 * The agent's metric registry and the one place that knows every metric's name. Components get
 * their timers and counters here; gauges read from {@link MetricSources}. Per-forward gauges are not
 * registered: renderers read them from {@link #forwardGauges()}, so they always list the forwards
 * that exist and cost no memory between renderings.
 */
public final class AgentMetrics {
    static final String API_REQUESTS = name(AdminServer.class, "requests");
    static final String RECONCILE = name(AgentMetrics.class, "reconcile");
    static final String DRIFT_CORRECTIONS = name(AgentMetrics.class, "drift-corrections");
    static final String RESOLVE_FAILURES = name(AgentMetrics.class, "resolve-failures");
    static final String IP_FORWARD = name(AgentMetrics.class, "ip-forward");
    static final String FORWARDS = name(AgentMetrics.class, "forwards");
    static final String OUTBOUNDS = name(AgentMetrics.class, "outbounds");
    static final String FORWARD_PACKETS = name(AgentMetrics.class, "forward", "packets");
    static final String FORWARD_BYTES = name(AgentMetrics.class, "forward", "bytes");
    static final String FORWARD_HEALTH = name(AgentMetrics.class, "forward", "health");
    static final String FORWARD_ADDRESS_CHANGES = name(AgentMetrics.class, "forward", "address-changes");

    /** Exposition of every metric above, in output order. */
    static final List<MetricFamily> FAMILIES = List.of(
            new MetricFamily(
                    API_REQUESTS,
                    "nat_agent_api_request_duration_seconds",
                    "Admin API request latency by operation.",
                    Type.SUMMARY,
                    "op"),
            new MetricFamily(
                    RECONCILE,
                    "nat_agent_reconcile_duration_seconds",
                    "Time to bring the kernel table in step with the desired state.",
                    Type.SUMMARY,
                    null),
            new MetricFamily(
                    DRIFT_CORRECTIONS,
                    "nat_agent_drift_corrections_total",
                    "Foreign changes to the nat_agent table that were undone.",
                    Type.COUNTER,
                    null),
            new MetricFamily(
                    RESOLVE_FAILURES,
                    "nat_agent_resolve_failures_total",
                    "DNS lookups of forward targets that failed (last good address kept).",
                    Type.COUNTER,
                    null),
            new MetricFamily(
                    IP_FORWARD,
                    "nat_agent_ip_forward",
                    "net.ipv4.ip_forward as last read (1 on, 0 off, NaN unknown).",
                    Type.GAUGE,
                    null),
            new MetricFamily(FORWARDS, "nat_agent_forwards", "Forwards in the desired state.", Type.GAUGE, null),
            new MetricFamily(
                    OUTBOUNDS, "nat_agent_outbounds", "Outbound (PAT) rules in the desired state.", Type.GAUGE, null),
            new MetricFamily(
                    FORWARD_PACKETS,
                    "nat_agent_forward_packets_total",
                    "Packets matched by a forward (kernel counter).",
                    Type.COUNTER,
                    "forward"),
            new MetricFamily(
                    FORWARD_BYTES,
                    "nat_agent_forward_bytes_total",
                    "Bytes matched by a forward (kernel counter).",
                    Type.COUNTER,
                    "forward"),
            new MetricFamily(
                    FORWARD_HEALTH,
                    "nat_agent_forward_healthy_ratio",
                    "Fraction of a forward's targets answering a TCP connect (NaN before the first probe).",
                    Type.GAUGE,
                    "forward"),
            new MetricFamily(
                    FORWARD_ADDRESS_CHANGES,
                    "nat_agent_forward_address_changes_total",
                    "Times a DNS target of a forward resolved to a new address.",
                    Type.COUNTER,
                    "forward"));

    private final MetricRegistry registry;
    private final MetricSources sources;

    public AgentMetrics(MetricRegistry registry, MetricSources sources) {
        this.registry = registry;
        this.sources = sources;
        registry.register(IP_FORWARD, (Gauge<Double>)
                () -> sources.ipForward().map(on -> on ? 1.0 : 0.0).orElse(Double.NaN));
        registry.register(FORWARDS, (Gauge<Integer>) sources::forwardCount);
        registry.register(OUTBOUNDS, (Gauge<Integer>) sources::outboundCount);
    }

    public MetricRegistry registry() {
        return registry;
    }

    public Timer apiRequest(String op) {
        return registry.timer(name(API_REQUESTS, op));
    }

    public Timer reconcile() {
        return registry.timer(RECONCILE);
    }

    public Counter driftCorrections() {
        return registry.counter(DRIFT_CORRECTIONS);
    }

    public Counter resolveFailures() {
        return registry.counter(RESOLVE_FAILURES);
    }

    public Counter addressChanges(String forward) {
        return registry.counter(name(FORWARD_ADDRESS_CHANGES, forward));
    }

    /**
     * The per-forward gauges, read from the sources now. Address-change counters of forwards that
     * no longer exist are dropped here, so removed forwards vanish from every rendering.
     */
    public synchronized List<LabelledGauges<ForwardStats>> forwardGauges() {
        Map<String, ForwardStats> stats = sources.forwardStats();
        String changesPrefix = FORWARD_ADDRESS_CHANGES + ".";
        registry.removeMatching((name, metric) ->
                name.startsWith(changesPrefix) && !stats.containsKey(name.substring(changesPrefix.length())));
        return List.of(
                new LabelledGauges<>(FORWARD_PACKETS, stats, s -> (double) s.packets()),
                new LabelledGauges<>(FORWARD_BYTES, stats, s -> (double) s.bytes()),
                new LabelledGauges<>(FORWARD_HEALTH, stats, ForwardStats::healthyRatio));
    }

    /** Prometheus text exposition of every metric, per-forward figures as of now. */
    public String prometheusText() {
        return new PrometheusWriter(FAMILIES).write(registry, forwardGauges());
    }
}
