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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's background work, on one scheduler thread so reconciles never overlap: the periodic
 * full check (the safety net behind drift events), DNS re-resolution of node endpoints, target
 * health probes. Each task re-reads its interval from the current settings when it reschedules.
 */
final class Loops implements AutoCloseable {
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
    private final AtomicBoolean driftPending = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "nat-agent-loops");
        thread.setDaemon(true);
        return thread;
    });

    Loops(
            NatService service,
            Reconciler reconciler,
            TargetResolver resolver,
            HealthProber prober,
            Sysctls sysctls,
            AgentHealth health,
            Views views,
            AgentMetrics metrics) {
        this.service = service;
        this.reconciler = reconciler;
        this.resolver = resolver;
        this.prober = prober;
        this.sysctls = sysctls;
        this.health = health;
        this.views = views;
        this.metrics = metrics;
    }

    void schedule(Settings initial) {
        every(s -> Duration.ofSeconds(s.fullCheckIntervalSeconds()), () -> fullCheck("periodic check"), initial);
        every(s -> Duration.ofSeconds(s.resolveIntervalSeconds()), this::resolveRound, initial);
        every(s -> PROBE_INTERVAL, this::probeRound, initial);
        scheduler.execute(this::probeRound);
    }

    /** Called by the drift watcher (on its own thread) when someone else changed our table. */
    void driftDetected() {
        // A burst of events (a flush sends one per rule) needs one reconcile, not one each.
        if (driftPending.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                driftPending.set(false);
                fullCheck("drift");
            });
        }
    }

    /** Lists the kernel table and commits the difference, if any. Never with an untrusted state. */
    void fullCheck(String reason) {
        if (health.isFailed()) {
            return;
        }
        sysctls.ensure(service.state().settings().manageIpForward());
        synchronized (service.writeLock()) {
            try (Timer.Context ignored = metrics.reconcile().time()) {
                Plan plan = reconciler.reconcileFull(service.desired());
                if (!plan.isEmpty()) {
                    LOG.warning(reason + ": the kernel table differed; restored it (" + String.join("; ", plan.steps())
                            + ")");
                    if (!reason.equals("start-up")) {
                        health.driftCorrected();
                        metrics.driftCorrections().inc();
                    }
                } else if (reason.equals("start-up")) {
                    LOG.info("the kernel table already matches the state: adopted it untouched");
                }
                health.kernelInSync();
            } catch (ReconcileException e) {
                health.kernelUnknown(e.getMessage());
                LOG.log(Level.WARNING, reason + ": could not reconcile the kernel table: " + e.getMessage(), e);
            }
        }
    }

    private void resolveRound() {
        NatState state = service.state();
        Set<String> hosts = TargetResolver.dnsHosts(state);
        if (hosts.isEmpty()) {
            return;
        }
        Map<String, TargetStatus> before = resolver.statuses();
        Set<String> changed = resolver.resolve(hosts);
        for (String host : hosts) {
            resolver.status(host)
                    .filter(s -> s.totalFailures() > before.getOrDefault(host, TargetStatus.unresolved(host)).totalFailures())
                    .ifPresent(s -> {
                        metrics.resolveFailures().inc();
                        LOG.warning("could not resolve " + host + " (keeping " + s.address().map(Object::toString)
                                .orElse("no address") + "): " + s.lastError().orElse(""));
                    });
        }
        if (changed.isEmpty() || health.isFailed()) {
            return;
        }
        synchronized (service.writeLock()) {
            Desired after = service.desired();
            Desired applied = reconciler.current().orElse(after);
            try (Timer.Context ignored = metrics.reconcile().time()) {
                reconciler.applyChange(applied, after);
                LOG.info("node address changed for " + changed + "; forwards updated");
                countAddressChanges(state, changed);
            } catch (ReconcileException e) {
                LOG.log(Level.WARNING, "could not apply new addresses of " + changed + ": " + e.getMessage(), e);
            }
        }
    }

    private void countAddressChanges(NatState state, Set<String> changedHosts) {
        for (Forward forward : state.forwards().values()) {
            if (forward.targets().stream().map(Target::host).anyMatch(changedHosts::contains)) {
                metrics.addressChanges(forward.name()).inc();
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

    private void every(Function<Settings, Duration> interval, Runnable task, Settings initial) {
        scheduler.schedule(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "background task failed; it runs again at its next interval", e);
                    } finally {
                        if (!scheduler.isShutdown()) {
                            every(interval, task, service.state().settings());
                        }
                    }
                },
                interval.apply(initial).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
