package dev.natagent.agent.daemon;

import com.codahale.metrics.Timer;
import dev.natagent.agent.metrics.AgentMetrics;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Settings;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.Plan;
import dev.natagent.agent.reconcile.ReconcileException;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.resolve.TargetStatus;
import dev.natagent.agent.service.AgentHealth;
import dev.natagent.agent.service.HealthProber;
import dev.natagent.agent.service.NatService;
import dev.natagent.agent.service.Views;
import dev.natagent.agent.sysctl.Sysctls;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's background work on the scheduler thread it shares with the drift watcher, so
 * repairs and updates never overlap: adopting the kernel table at start-up, sysctl upkeep, DNS
 * re-resolution of node endpoints. Target health probes run on a thread of their own, so waiting
 * for dead targets never delays a repair. Each task re-reads its interval from the current
 * settings when it reschedules.
 */
final class Loops {
    private static final Logger LOG = Logger.getLogger(Loops.class.getName());
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

    private final NatService service;
    private final Reconciler reconciler;
    private final TargetResolver resolver;
    private final HealthProber prober;
    private final Sysctls sysctls;
    private final AgentHealth health;
    private final Views views;
    private final AgentMetrics metrics;
    private final ScheduledExecutorService scheduler;
    /** Probe rounds block for up to the connect timeout per batch of dead targets: a thread of their own. */
    private final ScheduledExecutorService probes;
    /** Hosts with a new address not yet put into the kernel. */
    private final Set<String> changedHosts = new TreeSet<>();

    Loops(
            NatService service,
            Reconciler reconciler,
            TargetResolver resolver,
            HealthProber prober,
            Sysctls sysctls,
            AgentHealth health,
            Views views,
            AgentMetrics metrics,
            ScheduledExecutorService scheduler,
            ScheduledExecutorService probes) {
        this.service = service;
        this.reconciler = reconciler;
        this.resolver = resolver;
        this.prober = prober;
        this.sysctls = sysctls;
        this.health = health;
        this.views = views;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.probes = probes;
    }

    void schedule(Settings initial) {
        every(s -> Duration.ofSeconds(s.fullCheckIntervalSeconds()), this::housekeeping, initial, scheduler);
        every(s -> Duration.ofSeconds(s.resolveIntervalSeconds()), this::resolveRound, initial, scheduler);
        every(s -> PROBE_INTERVAL, this::probeRound, initial, probes);
        probes.execute(this::probeRound);
        // Start-up served the remembered addresses; the names are looked up now, in the background.
        scheduler.execute(this::resolveRound);
    }

    /**
     * Puts the kernel table in step with the state at start-up: adopted untouched when it already
     * matches, else one atomic batch. Until this has succeeded once, the drift watcher has nothing
     * to repair towards, so housekeeping retries it.
     */
    void adopt() {
        if (health.isFailed()) {
            return;
        }
        synchronized (service.writeLock()) {
            try {
                Plan plan = timed(() -> reconciler.reconcileFull(service.desired()));
                if (plan.isEmpty()) {
                    LOG.info("the kernel table already matches the state: adopted it untouched");
                } else {
                    LOG.info("brought the kernel table in step with the state: " + String.join("; ", plan.steps()));
                }
                health.kernelInSync();
            } catch (ReconcileException e) {
                health.kernelUnknown(e.getMessage());
                LOG.log(Level.WARNING, "could not put the state into the kernel (retried): " + e.getMessage(), e);
            }
        }
    }

    /** Sysctls drift too (another tool may reset ip_forward); they are re-read and, if managed, fixed. */
    private void housekeeping() {
        sysctls.ensure(service.state().settings().manageIpForward());
        if (reconciler.current().isEmpty()) {
            adopt();
        }
    }

    /** Starts a lookup of every DNS name in use and returns: answers arrive through {@link #listen}. */
    private void resolveRound() {
        // Also with no names left: the resolver then forgets the ones no forward uses any more.
        resolver.refresh(TargetResolver.dnsHosts(service.state()));
    }

    /**
     * Wires the resolver's answers in: a failed lookup is counted; a new address is put into the
     * kernel on the background thread (changes that arrive meanwhile go in the same update).
     */
    void listen() {
        resolver.listen(new TargetResolver.Listener() {
            @Override
            public void addressChanged(String host) {
                boolean first;
                synchronized (changedHosts) {
                    first = changedHosts.isEmpty();
                    changedHosts.add(host);
                }
                if (first) {
                    scheduler.execute(Loops.this::applyAddresses);
                }
            }

            @Override
            public void lookupFailed(TargetStatus status) {
                metrics.resolveFailures().inc();
            }
        });
    }

    private void applyAddresses() {
        Set<String> changed;
        synchronized (changedHosts) {
            changed = new TreeSet<>(changedHosts);
            changedHosts.clear();
        }
        if (changed.isEmpty() || health.isFailed()) {
            return;
        }
        synchronized (service.writeLock()) {
            Optional<Desired> applied = reconciler.current();
            if (applied.isEmpty()) {
                // Not adopted yet: adoption takes the addresses known by then.
                return;
            }
            Desired after = service.desired();
            try {
                timed(() -> reconciler.applyChange(applied.get(), after));
                LOG.info("node address changed for " + changed + "; forwards updated");
                countAddressChanges(service.state(), changed);
            } catch (ReconcileException e) {
                LOG.log(Level.WARNING, "could not apply new addresses of " + changed + ": " + e.getMessage(), e);
            }
        }
    }

    /** A reconcile step, timed into the reconcile timer. */
    private interface ReconcileStep {
        Plan run() throws ReconcileException;
    }

    private Plan timed(ReconcileStep step) throws ReconcileException {
        Timer.Context timing = metrics.reconcile().time();
        try {
            return step.run();
        } finally {
            timing.stop();
        }
    }

    private void countAddressChanges(NatState state, Set<String> changedHosts) {
        for (Forward forward : state.forwards().values()) {
            if (forward.targets().stream().map(Target::host).anyMatch(changedHosts::contains)) {
                metrics.addressChanged(forward.name());
            }
        }
    }

    private void probeRound() {
        try {
            prober.probe(views.endpoints(service.state()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void every(
            Function<Settings, Duration> interval, Runnable task, Settings initial, ScheduledExecutorService executor) {
        executor.schedule(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "background task failed; it runs again at its next interval", e);
                    } finally {
                        if (!executor.isShutdown()) {
                            every(interval, task, service.state().settings(), executor);
                        }
                    }
                },
                interval.apply(initial).toMillis(),
                TimeUnit.MILLISECONDS);
    }
}
