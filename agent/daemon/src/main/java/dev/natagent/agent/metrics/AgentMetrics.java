package dev.natagent.agent.metrics;

import static com.codahale.metrics.MetricRegistry.name;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.natagent.agent.metrics.MetricFamily.Type;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's metric registry and the one place that knows every metric's name. Components get
 * their timers and counters here; gauges read from {@link MetricSources}. Per-forward gauges are not
 * registered: renderers read them from {@link #labelledGauges()}, so they always list the forwards
 * that exist and cost no memory between renderings.
 */
public final class AgentMetrics {
    // The JSON format shows these names: fixed strings (they once derived from class names and
    // must not change when a class is renamed).
    static final String API_REQUESTS = "dev.natagent.agent.api.AdminServer.requests";
    private static final String PREFIX = "dev.natagent.agent.metrics.AgentMetrics.";
    static final String RECONCILE = PREFIX + "reconcile";
    static final String DRIFT_CORRECTIONS = PREFIX + "drift-corrections";
    static final String RESOLVE_FAILURES = PREFIX + "resolve-failures";
    static final String IP_FORWARD = PREFIX + "ip-forward";
    static final String FORWARDS = PREFIX + "forwards";
    static final String OUTBOUNDS = PREFIX + "outbounds";
    static final String FORWARD_PACKETS = PREFIX + "forward.packets";
    static final String FORWARD_BYTES = PREFIX + "forward.bytes";
    static final String FORWARD_HEALTH = PREFIX + "forward.health";
    static final String FORWARD_ADDRESS_CHANGES = PREFIX + "forward.address-changes";
    static final String FORWARD_ADDRESS_STALE = PREFIX + "forward.address-stale";
    static final String HA_HELD = PREFIX + "ha.floating-address-held";
    static final String HA_CONNTRACKD = PREFIX + "ha.conntrackd-running";
    static final String CLUSTER_NODES = PREFIX + "cluster.nodes";
    static final String CLUSTER_POLLS = PREFIX + "cluster.polls";
    static final String CLUSTER_POLL_FAILURES = PREFIX + "cluster.poll-failures";
    static final String CLUSTER_TOPOLOGY_CHANGES = PREFIX + "cluster.topology-changes";
    static final String CLUSTER_GOOD_POLL_AGE = PREFIX + "cluster.good-poll-age";

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
                    "net.ipv4.ip_forward as read now (1 on, 0 off, NaN unknown).",
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
                    "forward"),
            new MetricFamily(
                    FORWARD_ADDRESS_STALE,
                    "nat_agent_forward_address_stale_seconds",
                    "Seconds a DNS target of a forward has failed to resolve while its last good address stays in"
                            + " use (0 when none does).",
                    Type.GAUGE,
                    "forward"),
            new MetricFamily(
                    HA_HELD,
                    "nat_agent_ha_floating_address_held",
                    "Whether this node of a pair holds the floating address (1) or not (0); only with settings.ha.",
                    Type.GAUGE,
                    "address"),
            new MetricFamily(
                    HA_CONNTRACKD,
                    "nat_agent_ha_conntrackd_running",
                    "Whether conntrackd listens on its control socket (1), not (0) or unknown (NaN); only with"
                            + " settings.ha.",
                    Type.GAUGE,
                    "socket"),
            new MetricFamily(
                    CLUSTER_NODES,
                    "nat_agent_cluster_nodes",
                    "Nodes of a cluster in its last good topology, each with a forward.",
                    Type.GAUGE,
                    "cluster"),
            new MetricFamily(
                    CLUSTER_POLLS,
                    "nat_agent_cluster_polls_total",
                    "Polls of a cluster's configuration endpoint, good or failed.",
                    Type.COUNTER,
                    "cluster"),
            new MetricFamily(
                    CLUSTER_POLL_FAILURES,
                    "nat_agent_cluster_poll_failures_total",
                    "Polls of a cluster that failed; the last good topology stays in force.",
                    Type.COUNTER,
                    "cluster"),
            new MetricFamily(
                    CLUSTER_TOPOLOGY_CHANGES,
                    "nat_agent_cluster_topology_changes_total",
                    "Polls of a cluster that changed its nodes' forwards or ports.",
                    Type.COUNTER,
                    "cluster"),
            new MetricFamily(
                    CLUSTER_GOOD_POLL_AGE,
                    "nat_agent_cluster_last_good_poll_age_seconds",
                    "Seconds since a cluster's last good poll (NaN before the first).",
                    Type.GAUGE,
                    "cluster"));

    private final MetricRegistry registry;
    private final MetricSources sources;
    /** Per forward; kept out of the registry so every forward is listed, with 0 before its first change. */
    private final Map<String, LongAdder> addressChanges = new ConcurrentHashMap<>();

    public AgentMetrics(MetricRegistry registry, MetricSources sources) {
        this.registry = registry;
        this.sources = sources;
        registry.register(DRIFT_CORRECTIONS, new SourcedCounter(sources::driftCorrections));
        registry.counter(RESOLVE_FAILURES);
        registry.register(IP_FORWARD, (Gauge<Double>)
                () -> sources.ipForward().map(on -> on ? 1.0 : 0.0).orElse(Double.NaN));
        registry.register(FORWARDS, (Gauge<Integer>) sources::forwardCount);
        registry.register(OUTBOUNDS, (Gauge<Integer>) sources::outboundCount);
    }

    public MetricRegistry registry() {
        return registry;
    }

    public Timer apiRequest(String op) {
        return registry.timer(name(API_REQUESTS, op), SummingTimer::new);
    }

    public Timer reconcile() {
        return registry.timer(RECONCILE, SummingTimer::new);
    }

    public Counter resolveFailures() {
        return registry.counter(RESOLVE_FAILURES);
    }

    /** A DNS target of {@code forward} resolved to a new address and the forward was updated. */
    public void addressChanged(String forward) {
        addressChanges.computeIfAbsent(forward, f -> new LongAdder()).increment();
    }

    /**
     * The per-forward and per-cluster figures, read from the sources now. Address-change counts
     * of forwards that no longer exist are dropped here, so removed forwards vanish from every
     * rendering.
     */
    public synchronized List<LabelledGauges<?>> labelledGauges() {
        Map<String, ForwardStats> stats = sources.forwardStats();
        Map<String, ClusterStats> clusters = sources.clusterStats();
        addressChanges.keySet().retainAll(stats.keySet());
        Map<String, Double> held = new LinkedHashMap<>();
        Map<String, Double> conntrackd = new LinkedHashMap<>();
        sources.pair().ifPresent(pair -> {
            pair.held().forEach(address -> held.put(address.toString(), 1.0));
            pair.notHeld().forEach(address -> held.put(address.toString(), 0.0));
            conntrackd.put(
                    pair.conntrackdSocket(),
                    switch (pair.conntrackd()) {
                        case RUNNING -> 1.0;
                        case NOT_RUNNING -> 0.0;
                        case UNKNOWN -> Double.NaN;
                    });
        });
        return List.of(
                new LabelledGauges<>(FORWARD_PACKETS, stats, (name, s) -> s.packets()),
                new LabelledGauges<>(FORWARD_BYTES, stats, (name, s) -> s.bytes()),
                new LabelledGauges<>(FORWARD_HEALTH, stats, (name, s) -> s.healthyRatio()),
                // Read per forward as it is written: a map of 50,000 counts would be megabytes.
                new LabelledGauges<>(FORWARD_ADDRESS_CHANGES, stats, (name, s) -> count(addressChanges.get(name))),
                new LabelledGauges<>(FORWARD_ADDRESS_STALE, stats, (name, s) -> s.staleSeconds()),
                new LabelledGauges<>(HA_HELD, held, (address, value) -> value),
                new LabelledGauges<>(HA_CONNTRACKD, conntrackd, (socket, value) -> value),
                new LabelledGauges<>(CLUSTER_NODES, clusters, (name, c) -> c.nodes()),
                new LabelledGauges<>(CLUSTER_POLLS, clusters, (name, c) -> c.polls()),
                new LabelledGauges<>(CLUSTER_POLL_FAILURES, clusters, (name, c) -> c.pollFailures()),
                new LabelledGauges<>(CLUSTER_TOPOLOGY_CHANGES, clusters, (name, c) -> c.topologyChanges()),
                new LabelledGauges<>(CLUSTER_GOOD_POLL_AGE, clusters, (name, c) -> c.secondsSinceGoodPoll()));
    }

    private static long count(LongAdder adder) {
        return adder == null ? 0 : adder.sum();
    }

    /** Writes the Prometheus text exposition of every metric, per-forward figures as of now. */
    public void writePrometheus(Writer out) throws IOException {
        new PrometheusWriter(FAMILIES).write(registry, labelledGauges(), out);
    }

    /** The exposition as one string (tests; the socket and the textfile stream it). */
    public String prometheusText() {
        StringWriter out = new StringWriter();
        try {
            writePrometheus(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string failed", e);
        }
        return out.toString();
    }
}
