package dev.natagent.agent.service;

import dev.natagent.agent.api.Document;
import dev.natagent.agent.cluster.ClusterPolls;
import dev.natagent.agent.cluster.PollRecord;
import dev.natagent.agent.ha.PairStatus;
import dev.natagent.agent.metrics.AgentMetrics;
import dev.natagent.agent.metrics.ClusterStats;
import dev.natagent.agent.metrics.ForwardStats;
import dev.natagent.agent.metrics.ForwardStatsTable;
import dev.natagent.agent.metrics.MetricsJson;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.protocol.ClusterView;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.HaView;
import dev.natagent.agent.protocol.Health;
import dev.natagent.agent.protocol.MetricsFormat;
import dev.natagent.agent.protocol.OutboundView;
import dev.natagent.agent.protocol.StatusView;
import dev.natagent.agent.protocol.TargetView;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.DriftWatcher;
import dev.natagent.agent.reconcile.ForwardCounters;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.resolve.TargetStatus;
import dev.natagent.agent.sysctl.Sysctls;
import dev.natagent.nft.expr.Counter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Read side of the service: turns the state plus live facts (DNS answers, kernel counters, probe
 * results, sysctls) into the records the admin socket returns and the metrics gauges read.
 */
public final class Views {
    private static final Logger LOG = Logger.getLogger(Views.class.getName());

    private final AgentHealth health;
    private final TargetResolver resolver;
    private final Reconciler reconciler;
    private final HealthProber prober;
    private final Sysctls sysctls;
    private final DriftWatcher drift;
    private final Doctor doctor;
    private final Clock clock;
    private final Instant started;
    private final String version;
    private final ClusterPolls clusterPolls = new ClusterPolls();
    private AgentMetrics metrics;

    public Views(
            AgentHealth health,
            TargetResolver resolver,
            Reconciler reconciler,
            HealthProber prober,
            Sysctls sysctls,
            DriftWatcher drift,
            Doctor doctor,
            Clock clock,
            String version) {
        this.health = health;
        this.resolver = resolver;
        this.reconciler = reconciler;
        this.prober = prober;
        this.sysctls = sysctls;
        this.drift = drift;
        this.doctor = doctor;
        this.clock = clock;
        this.started = clock.instant();
        this.version = version;
    }

    /** The clusters' poll records, which the poller writes and these views read. */
    public ClusterPolls clusterPolls() {
        return clusterPolls;
    }

    public ClusterView cluster(Cluster cluster) {
        return ClusterViews.view(cluster, clusterPolls.of(cluster.name()));
    }

    /** Metrics are built from these views, so they are attached once both exist. */
    public void attach(AgentMetrics agentMetrics) {
        this.metrics = agentMetrics;
    }

    public Desired desired(NatState state) {
        Map<String, Ipv4> resolved = new HashMap<>();
        for (String host : TargetResolver.dnsHosts(state)) {
            resolver.status(host).flatMap(s -> s.address()).ifPresent(a -> resolved.put(host, a));
        }
        return new Desired(state, resolved);
    }

    /**
     * Health is doctor's verdict, computed by the same checks at the same moment, with the latest
     * probes of the targets (status does not wait for new ones; doctor does).
     */
    public StatusView status(NatState state, long revision) {
        DoctorReport report = doctor.run(state, this);
        return new StatusView(
                report.health(),
                report.healthMessage(),
                version,
                Duration.between(started, clock.instant()).toSeconds(),
                revision,
                state.forwards().size(),
                state.outbounds().size(),
                sysctls.status().ipForward().map(on -> on ? "on" : "off").orElse("unknown"),
                state.settings().manageIpForward(),
                tableWord(),
                drift.corrections(),
                staleNames(state).size(),
                unresolvedNames(state),
                ha(state).orElse(null),
                state.clusters().size(),
                (int) state.clusters().keySet().stream()
                        .filter(name -> clusterPolls.of(name).error().isPresent())
                        .count());
    }

    /** This node's side of its pair, as status shows it; empty on a single instance. */
    private Optional<HaView> ha(NatState state) {
        return pair(state)
                .map(pair -> new HaView(
                        pair.role(),
                        pair.held().stream().map(Ipv4::toString).toList(),
                        pair.notHeld().stream().map(Ipv4::toString).toList(),
                        pair.conntrackd().name().toLowerCase(Locale.ROOT),
                        pair.conntrackdSocket()));
    }

    /** This node's side of its pair, read now; empty on a single instance. */
    public Optional<PairStatus> pair(NatState state) {
        return doctor.pair(state);
    }

    /** The DNS names in use that have no address yet (never resolved). */
    private int unresolvedNames(NatState state) {
        int unresolved = 0;
        for (String host : TargetResolver.dnsHosts(state)) {
            if (resolver.status(host).flatMap(TargetStatus::address).isEmpty()) {
                unresolved++;
            }
        }
        return unresolved;
    }

    /** The DNS names in use whose last good address is in use while their lookups fail. */
    private List<TargetStatus> staleNames(NatState state) {
        List<TargetStatus> stale = new ArrayList<>();
        for (String host : TargetResolver.dnsHosts(state)) {
            resolver.status(host).filter(TargetStatus::isStale).ifPresent(stale::add);
        }
        return stale;
    }

    /** in_sync, drifted, missing or unknown: the last failed repair outranks the start-up result. */
    String tableWord() {
        if (drift.lastError().isPresent()) {
            return "drifted";
        }
        return health.table().name().toLowerCase(Locale.ROOT);
    }

    String tableDetail() {
        return drift.lastError().orElse(health.tableDetail());
    }

    /**
     * Every forward's view, each made when it is read: the listing of a large state is written
     * out one view at a time rather than first held whole, which with 50,000 forwards would be
     * more heap than the state itself (bench/agent-rss.sh lists all forwards).
     */
    public List<ForwardView> forwards(NatState state) {
        return new ForwardViews(state, List.copyOf(state.forwards().values()), kernelCounters());
    }

    /** One forward of {@code state}, with its counters read now. */
    public ForwardView forward(NatState state, Forward forward) {
        return forward(forward, owner(state, forward));
    }

    private static String owner(NatState state, Forward forward) {
        return state.owner(forward.name()).map(Cluster::name).orElse(null);
    }

    /** The views of forwards, made on each read (with the counters read once for all of them). */
    private final class ForwardViews extends AbstractList<ForwardView> {
        private final NatState state;
        private final List<Forward> forwards;
        private final ForwardCounters counters;

        ForwardViews(NatState state, List<Forward> forwards, ForwardCounters counters) {
            this.state = state;
            this.forwards = forwards;
            this.counters = counters;
        }

        @Override
        public ForwardView get(int index) {
            Forward forward = forwards.get(index);
            return forward(forward, counters.of(forward), owner(state, forward));
        }

        @Override
        public int size() {
            return forwards.size();
        }
    }

    public ForwardView forward(Forward forward) {
        return forward(forward, (String) null);
    }

    private ForwardView forward(Forward forward, String cluster) {
        Counter counter;
        try {
            counter = reconciler.forwardCounter(forward);
        } catch (IOException e) {
            // As for the list: the view still answers, with zero counters.
            LOG.fine("reading the counters of forward " + forward.name() + " failed: " + e.getMessage());
            counter = Counter.zero();
        }
        return forward(forward, counter, cluster);
    }

    /**
     * The view returned for a forward just added or removed, without reading kernel counters: an
     * added forward's are zero and a removed one's are gone, while reading them dumps the whole
     * forwards map (O(all forwards) on every acknowledged change).
     */
    public ForwardView changedForward(Forward forward) {
        return forward(forward, Counter.zero(), null);
    }

    private ForwardView forward(Forward forward, Counter counter, String cluster) {
        List<TargetView> targets = new ArrayList<>();
        List<Health> healths = new ArrayList<>();
        for (Target target : forward.targets()) {
            Optional<Ipv4> address = addressOf(target);
            Health targetHealth = address.map(a -> prober.health(new HealthProber.Endpoint(a, target.port())))
                    .orElse(Health.DOWN);
            healths.add(targetHealth);
            targets.add(targetView(target, address, targetHealth));
        }
        return new ForwardView(
                forward.name(),
                forward.proto().toString(),
                forward.listen().toString(),
                targets,
                forward.allow().stream().map(Cidr::toString).toList(),
                forward.returnPath().toString(),
                counter.packets(),
                counter.bytes(),
                HealthProber.combine(healths),
                cluster);
    }

    private TargetView targetView(Target target, Optional<Ipv4> address, Health targetHealth) {
        String shown = address.map(Ipv4::toString).orElse(null);
        if (!target.isDnsName()) {
            return new TargetView(target.toString(), shown, targetHealth);
        }
        Optional<TargetStatus> status = resolver.status(target.host());
        return new TargetView(
                target.toString(),
                shown,
                targetHealth,
                status.map(TargetStatus::state).orElse("resolving"),
                status.flatMap(TargetStatus::failingSince)
                        .map(Instant::toString)
                        .orElse(null),
                status.flatMap(TargetStatus::lastError).orElse(null));
    }

    private Optional<Ipv4> addressOf(Target target) {
        return target.literal().or(() -> resolver.status(target.host()).flatMap(s -> s.address()));
    }

    /** The distinct addresses in use of {@code forward}'s targets (a DNS name's once it resolved). */
    List<Ipv4> addresses(Forward forward) {
        List<Ipv4> addresses = new ArrayList<>();
        for (Target target : forward.targets()) {
            addressOf(target).filter(a -> !addresses.contains(a)).ifPresent(addresses::add);
        }
        return addresses;
    }

    /** Every target endpoint with an address, for the prober, computed as it is read. */
    public Stream<HealthProber.Endpoint> endpoints(NatState state) {
        return state.forwards().values().stream().flatMap(forward -> endpoints(forward).stream());
    }

    private List<HealthProber.Endpoint> endpoints(Forward forward) {
        List<HealthProber.Endpoint> endpoints = new ArrayList<>();
        for (Target target : forward.targets()) {
            addressOf(target).ifPresent(a -> endpoints.add(new HealthProber.Endpoint(a, target.port())));
        }
        return endpoints;
    }

    /** Probes a just-added forward's targets now rather than at the next round. */
    void probeSoon(Forward forward) {
        prober.probeSoon(endpoints(forward));
    }

    /** Per forward, its kernel counters and the share of targets answering the probe. */
    public Map<String, ForwardStats> forwardStats(NatState state) {
        ForwardStatsTable stats = new ForwardStatsTable(state.forwards().size());
        for (ForwardView view : forwards(state)) {
            long up =
                    view.targets().stream().filter(t -> t.health() == Health.UP).count();
            boolean probed = view.targets().stream().noneMatch(t -> t.health() == Health.UNKNOWN);
            double ratio = probed ? (double) up / view.targets().size() : Double.NaN;
            double stale = view.targets().stream()
                    .filter(t -> "stale".equals(t.dns()))
                    .map(TargetView::staleSince)
                    .mapToDouble(since -> Duration.between(Instant.parse(since), clock.instant())
                                    .toMillis()
                            / 1000.0)
                    .max()
                    .orElse(0);
            stats.add(view.name(), new ForwardStats(view.packets(), view.bytes(), ratio, Math.max(0, stale)));
        }
        return stats;
    }

    /** Per cluster, its present nodes and its polls. */
    public Map<String, ClusterStats> clusterStats(NatState state) {
        Map<String, ClusterStats> stats = new LinkedHashMap<>();
        for (Cluster cluster : state.clusters().values()) {
            PollRecord poll = clusterPolls.of(cluster.name());
            double sinceGood = poll.lastGood()
                    .map(at -> Duration.between(at, clock.instant()).toMillis() / 1000.0)
                    .orElse(Double.NaN);
            stats.put(
                    cluster.name(),
                    new ClusterStats(
                            cluster.forwards().size(),
                            poll.polls(),
                            poll.failures(),
                            poll.topologyChanges(),
                            Double.isNaN(sinceGood) ? sinceGood : Math.max(0, sinceGood)));
        }
        return stats;
    }

    /** The metrics document, read and written when the response is (see {@link Document}). */
    public Document metrics(MetricsFormat format) {
        return switch (format) {
            case PROMETHEUS -> Document.text("prometheus", metrics::writePrometheus);
            case JSON -> Document.json("json", json -> MetricsJson.write(metrics, json));
        };
    }

    /** Doctor's report, its targets probed at this call (see {@link HealthProber#probeNow}). */
    public DoctorReport doctor(NatState state) {
        try {
            prober.probeNow(endpoints(state));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return doctor.run(state, this);
    }

    /** The latest probe of {@code target} at its address in use, if it has one and was probed. */
    Optional<HealthProber.Probe> lastProbe(Target target) {
        return addressOf(target).flatMap(a -> prober.lastProbe(new HealthProber.Endpoint(a, target.port())));
    }

    Instant now() {
        return clock.instant();
    }

    static OutboundView outbound(Outbound outbound) {
        return new OutboundView(
                outbound.name(), outbound.sources().stream().map(Cidr::toString).toList(), outbound.outInterface());
    }

    private ForwardCounters kernelCounters() {
        try {
            return reconciler.forwardCounters();
        } catch (IOException e) {
            // Views still answer; counters read as zero until the kernel answers again.
            LOG.fine("reading forward counters failed: " + e.getMessage());
            return ForwardCounters.none();
        }
    }
}
