package dev.natagent.agent.daemon;

import com.codahale.metrics.MetricRegistry;
import dev.natagent.agent.api.AdminDispatcher;
import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.AdminServerConfig;
import dev.natagent.agent.cluster.ClusterPoller;
import dev.natagent.agent.cluster.RedisDiscovery;
import dev.natagent.agent.cluster.memcached.ConfigEndpointServer;
import dev.natagent.agent.cluster.memcached.ConfigEndpoints;
import dev.natagent.agent.cluster.memcached.MemcachedDiscovery;
import dev.natagent.agent.config.AgentConfig;
import dev.natagent.agent.config.ConfigException;
import dev.natagent.agent.config.ConfigFile;
import dev.natagent.agent.config.DaemonOptions;
import dev.natagent.agent.metrics.AgentMetrics;
import dev.natagent.agent.metrics.TextfileCollector;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.IoErrors;
import dev.natagent.agent.reconcile.ClientNftPort;
import dev.natagent.agent.reconcile.DriftWatcher;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.resolve.HostLookup;
import dev.natagent.agent.resolve.JvmDnsCache;
import dev.natagent.agent.resolve.LastGoodAddresses;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.service.AgentHealth;
import dev.natagent.agent.service.Doctor;
import dev.natagent.agent.service.HealthProber;
import dev.natagent.agent.service.NatService;
import dev.natagent.agent.service.Views;
import dev.natagent.agent.store.StateCorruptException;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.sysctl.Sysctls;
import dev.natagent.agent.validation.Validator;
import dev.natagent.nft.client.NftClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wires the daemon together and runs it until SIGTERM. Start-up order matters for "no blip": the
 * state is loaded, the kernel table is read and adopted as is when it matches (else one atomic
 * batch), and only then is the admin socket opened and systemd told we are ready.
 */
final class Daemon {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /**
     * The resolver already keeps each answer for one resolve interval (one lookup per name per
     * interval); a JVM cache on top would delay a re-pointed node endpoint by its TTL.
     */
    private static final Duration DNS_CACHE_TTL = Duration.ZERO;

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TEXTFILE_INTERVAL = Duration.ofSeconds(15);
    /** How often the state files are checked for having been replaced between changes (a few stat calls). */
    private static final Duration STATE_FILES_CHECK = Duration.ofSeconds(5);
    /** How often clusters are checked for a due poll; their intervals are whole seconds. */
    private static final Duration CLUSTER_TICK = Duration.ofSeconds(1);

    /** Command-line overrides; null means "take the config file's value or the default". */
    record Options(Path config, Path stateDir, Path socket, String adminGroup) {}

    private Daemon() {}

    static int run(Options options) {
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        // Registered before the start, so that a SIGTERM during the start stops the agent once the
        // start is done, closed in order, instead of arriving before there is a hook to take it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (finished.getCount() == 0) {
                return; // run() already ended (a failed start): nothing to stop
            }
            systemd.stopping();
            // java.util.logging closes its handlers in its own shutdown hook: write directly.
            System.err.println("<6>INFO Daemon: stopping; the NAT rules stay in place");
            stop.countDown();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (Running running = start(options, systemd)) {
            if (stop.getCount() > 0) {
                systemd.ready(running.summary());
            }
            stop.await();
            return 0;
        } catch (StartupException e) {
            // One journal line for what an operator can fix; a stack trace only for a bug.
            LOG.log(Level.SEVERE, "could not start: " + e.getMessage(), e.getCause());
            systemd.status("could not start: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            finished.countDown();
        }
    }

    private static Running start(Options options, SystemdNotifier systemd) throws StartupException {
        JvmDnsCache.limit(DNS_CACHE_TTL);
        AgentConfig config = loadConfig(options.config());
        DaemonOptions daemon = config.daemon();
        Path stateDir = options.stateDir() != null ? options.stateDir() : daemon.stateDir();
        Path socket = options.socket() != null ? options.socket() : daemon.adminSocket();
        String group = options.adminGroup() != null ? options.adminGroup() : daemon.adminGroup();

        requireAdminGroup(group);
        Running running = new Running();
        NativeStartup natives = running.add(NativeStartup.begin());
        try {
            AgentHealth health = new AgentHealth();
            StateStore store = openStore(stateDir, health);
            if (store != null) {
                // Closed last: its close checks that the files on disk are still the ones it wrote.
                running.add(store);
            }
            Validator validator = Validator.systemDefault();
            if (store != null && store.isFresh()) {
                seed(store, config.desired(), validator, options.config());
            }
            NatState initial = store == null ? NatState.empty() : store.state();

            Clock clock = Clock.systemUTC();
            ScheduledExecutorService scheduler =
                    running.add(new Scheduler("nat-agent-background")).executor();
            // Probes wait out connect timeouts of dead targets: never on the thread that heals drift.
            ScheduledExecutorService probes =
                    running.add(new Scheduler("nat-agent-probes")).executor();
            NftClient client = running.add(natives.client());
            Reconciler reconciler = new Reconciler(new ClientNftPort(client));
            DriftWatcher drift = new DriftWatcher(reconciler, scheduler, DriftWatcher.DEFAULT_POLL, clock);
            // No lookup on the start path: the kernel gets the addresses of before the restart,
            // the names are looked up once the socket is open (a silent resolver delays nothing).
            TargetResolver resolver = new TargetResolver(
                    HostLookup.system(),
                    clock,
                    TargetResolver.LOOKUP_DEADLINE,
                    store == null ? LastGoodAddresses.NONE : LastGoodAddresses.in(stateDir));
            int carried = resolver.carryOver(TargetResolver.dnsHosts(initial));
            Set<String> unknown = resolver.withoutAddress(TargetResolver.dnsHosts(initial));
            if (store != null && !unknown.isEmpty()) {
                carried += resolver.carryOver(reconciler.kernelAddresses(initial, unknown), clock.instant());
            }
            if (carried > 0) {
                LOG.info("carried over the last good addresses of " + carried + " DNS name(s); looking them up");
            }
            Sysctls sysctls = Sysctls.proc();
            HealthProber prober = running.add(new HealthProber(PROBE_TIMEOUT));
            Doctor doctor = new Doctor(
                    Path.of("/proc"),
                    sysctls,
                    health,
                    new NetlinkForeignDnat(),
                    new LegacyForeignDnat(),
                    new NetlinkReplyRoutes());
            Views views =
                    new Views(health, resolver, reconciler, prober, sysctls, drift, doctor, clock, Main.version());
            NatService service = new NatService(
                    health,
                    store,
                    reconciler,
                    resolver,
                    validator,
                    views,
                    options.config(),
                    new HeapPolicy(task ->
                            scheduler.schedule(task, HeapPolicy.AFTER_ANSWER.toMillis(), TimeUnit.MILLISECONDS)));
            AgentMetrics metrics =
                    new AgentMetrics(new MetricRegistry(), new LiveMetricSources(service, views, sysctls, drift));
            views.attach(metrics);
            ClusterPoller poller = running.add(new ClusterPoller(
                    service::state,
                    service,
                    Map.of(
                            ClusterEngine.REDIS,
                            new RedisDiscovery(),
                            ClusterEngine.MEMCACHED,
                            new MemcachedDiscovery(MemcachedDiscovery.DEFAULT_TIMEOUT)),
                    views.clusterPolls(),
                    clock));
            service.attach(poller);
            Loops loops = new Loops(
                    service, reconciler, resolver, prober, sysctls, health, views, metrics, scheduler, probes);
            loops.listen();

            sysctls.ensure(initial.settings().manageIpForward());
            if (health.isFailed()) {
                LOG.severe("leaving the kernel table exactly as it is: " + health.failureMessage());
            } else {
                systemd.status("reconciling " + initial.forwards().size() + " forwards");
                loops.adopt();
                drift.start();
            }
            running.add(AdminServer.start(
                    AdminServerConfig.defaults(socket, group), new AdminDispatcher(service), metrics::apiRequest));
            // Only now: a full collection stops every thread, the one opening the socket included.
            scheduler.execute(Daemon::returnHeapPeak);
            // Memcached clusters' own configuration endpoints follow the state (new nodes, removed
            // clusters) by looking at it each second: a change reaches their clients within one.
            ConfigEndpoints configEndpoints =
                    running.add(new ConfigEndpoints("0.0.0.0", ConfigEndpointServer.Limits.DEFAULT));
            scheduler.scheduleWithFixedDelay(
                    () -> syncConfigEndpoints(configEndpoints, service), 0, 1, TimeUnit.SECONDS);
            // Background rounds (the first probe round starts at once) only after the kernel
            // matches and the socket is open: until then they would compete for the CPUs.
            loops.schedule(initial.settings());
            // Polls run on the poller's threads; the tick only starts those that are due.
            scheduler.scheduleWithFixedDelay(poller::tick, 0, CLUSTER_TICK.toMillis(), TimeUnit.MILLISECONDS);
            scheduler.scheduleWithFixedDelay(
                    service::verifyStateFiles,
                    STATE_FILES_CHECK.toSeconds(),
                    STATE_FILES_CHECK.toSeconds(),
                    TimeUnit.SECONDS);
            daemon.metricsTextfilePath().ifPresent(path -> {
                TextfileCollector collector = running.add(new TextfileCollector(path, metrics::writePrometheus));
                collector.start(TEXTFILE_INTERVAL);
            });
            running.summary(
                    health.isFailed()
                            ? "FAILED: " + health.failureMessage()
                            : initial.forwards().size() + " forwards, "
                                    + initial.outbounds().size() + " outbounds");
            LOG.info("nat-agent " + Main.version() + " ready: " + running.summary() + "; socket " + socket);
            return running;
        } catch (StartupException e) {
            running.close();
            throw e;
        } catch (IOException e) {
            running.close();
            throw new StartupException(describe(e), null);
        } catch (RuntimeException e) {
            running.close();
            throw new StartupException(describe(e), e);
        } catch (UnsatisfiedLinkError e) {
            // JNR unpacks libjffi into a directory and maps it executable; a noexec /tmp is the
            // usual reason this fails, and the JVM's own report is a stack trace.
            running.close();
            throw new StartupException(
                    "could not load JNR's native library (libjffi): " + e.getMessage()
                            + "; it is unpacked into java.io.tmpdir (or -Djffi.extract.dir), which must be"
                            + " writable and not mounted noexec",
                    null);
        }
    }

    private static void syncConfigEndpoints(ConfigEndpoints endpoints, NatService service) {
        try {
            endpoints.sync(service.state());
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log, and try again next time.
            LOG.log(Level.WARNING, "configuration endpoints: " + e, e);
        }
    }

    /**
     * Loading and adopting a large state, and applying one, are the daemon's biggest transients
     * (the state's JSON, the rendered elements, the kernel listing, the encoded batch): a
     * large apply leaves the heap well above what stays live. The serial collector gives heap back
     * to the OS only at a full collection, which a steady daemon may not reach for days; one right
     * after, off the request path, returns it (bench/agent-rss.sh shows RSS after requests).
     */
    static void returnHeapPeak() {
        System.gc();
    }

    /** Checked before anything touches the kernel, so a missing group changes nothing. */
    private static void requireAdminGroup(String group) throws StartupException {
        try {
            AdminServer.adminGroup(group);
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), null);
        }
    }

    private static AgentConfig loadConfig(Path file) throws StartupException {
        try {
            return ConfigFile.loadIfPresent(file).orElse(AgentConfig.DEFAULTS);
        } catch (ConfigException e) {
            throw new StartupException(e.getMessage(), null);
        }
    }

    /** The store, or null when what is on disk cannot be trusted (then the kernel is left alone). */
    private static StateStore openStore(Path dir, AgentHealth health) throws StartupException {
        try {
            StateStore store = StateStore.open(dir);
            if (store.discardedTailBytes() > 0) {
                LOG.warning("discarded " + store.discardedTailBytes()
                        + " bytes of an unfinished journal record (a change that was never acknowledged)");
            }
            return store;
        } catch (StateCorruptException e) {
            health.stateFailed(e.getMessage());
            return null;
        } catch (IOException e) {
            throw new StartupException("cannot use state directory " + dir + ": " + e.getMessage(), null);
        }
    }

    private static void seed(StateStore store, NatState desired, Validator validator, Path configFile)
            throws StartupException {
        // Settings alone (e.g. manage_ip_forward false) are part of the seed too.
        StateDiff seed = StateDiff.between(NatState.empty(), desired);
        if (seed.isEmpty()) {
            return;
        }
        try {
            validator.check(NatState.empty(), desired, false);
            store.append(seed.changes());
            LOG.info("first start: seeded the state from the config file");
        } catch (ValidationException e) {
            throw new StartupException(ConfigFile.invalid(configFile, e).getMessage(), null);
        } catch (IOException e) {
            throw new StartupException("could not write the first state: " + e.getMessage(), null);
        }
    }

    /** A start-up failure with a message meant for the operator. */
    static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An exception as an operator reads it: what went wrong, never a Java class name (the log has the trace). */
    private static String describe(Exception e) {
        return e.getMessage() != null ? IoErrors.reason(e) : "unexpected error (a bug; the log has the details)";
    }
}
