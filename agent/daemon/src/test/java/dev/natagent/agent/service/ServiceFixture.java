package dev.natagent.agent.service;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.reconcile.DriftWatcher;
import dev.natagent.agent.reconcile.FakeKernel;
import dev.natagent.agent.reconcile.KernelLayout;
import dev.natagent.agent.reconcile.NftPort;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.sysctl.Sysctls;
import dev.natagent.agent.validation.Validator;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A NatService wired as the daemon wires it, but over the in-memory kernel, a real store in a temp
 * directory, a scripted DNS, a temp /proc tree and a validator that sees sshd on port 22.
 */
final class ServiceFixture implements AutoCloseable {
    static final String TABLE = KernelLayout.TABLE;

    final Path stateDir;
    final Path procRoot;
    final Path configFile;
    final FakeKernel kernel = new FakeKernel();
    final Reconciler reconciler;
    final AgentHealth health = new AgentHealth();
    /** What the scripted DNS answers; a missing name fails to resolve. */
    final Map<String, List<Ipv4>> dns = new ConcurrentHashMap<>();

    final TargetResolver resolver;
    final Sysctls sysctls;
    final Doctor doctor;
    final Views views;
    final StateStore store;
    final NatService service;
    final List<Doctor.ForeignRule> foreignDnat = new ArrayList<>();
    final List<Doctor.ForeignRule> legacyDnat = new ArrayList<>();
    /** The client networks the scripted kernel forwards replies to (from any target). */
    final List<Cidr> replyRoutes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What reading the legacy nat table fails with, or null when it reads {@link #legacyDnat}. */
    IOException legacyUnreadable;
    /** How often the service announced a bulk change, and how often it reported one over. */
    final java.util.concurrent.atomic.AtomicInteger bulkStarts = new java.util.concurrent.atomic.AtomicInteger();

    final java.util.concurrent.atomic.AtomicInteger bulkChanges = new java.util.concurrent.atomic.AtomicInteger();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** Targets whose probe fails, and how; every other target accepts (no packet leaves the test). */
    final Map<HealthProber.Endpoint, IOException> refusing = new ConcurrentHashMap<>();
    /** While set, probes wait for it (a probe that does not end in time). */
    volatile CountDownLatch probesHang;
    /** The system clock moved on by {@link #advance}: what views and probes read. */
    private final MovedClock clock = new MovedClock();

    private final HealthProber prober = new HealthProber(
            Duration.ofMillis(200),
            (endpoint, timeout) -> {
                CountDownLatch hang = probesHang;
                if (hang != null) {
                    try {
                        hang.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                IOException failure = refusing.get(endpoint);
                if (failure != null) {
                    throw failure;
                }
            },
            clock);

    /** The system clock plus a shift the test sets. */
    private static final class MovedClock extends Clock {
        private volatile Duration shift = Duration.ZERO;

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Moves the clock of views and probes on by {@code duration}. */
    void advance(Duration duration) {
        clock.shift = clock.shift.plus(duration);
    }

    /** A service over a fresh (or existing) store in {@code dir}; {@code store} null means corrupt state. */
    private ServiceFixture(Path dir, StateStore store, UnaryOperator<NftPort> kernelPort) throws IOException {
        this.reconciler = new Reconciler(kernelPort.apply(kernel));
        this.stateDir = dir.resolve("state");
        this.procRoot = dir.resolve("proc");
        this.configFile = dir.resolve("config.json");
        writeProc("sys/net/ipv4/ip_forward", "1");
        writeProc("sys/net/ipv4/conf/all/send_redirects", "0");
        writeProc("sys/net/ipv4/conf/all/rp_filter", "0");
        writeProc("sys/net/ipv4/conf/eth0/rp_filter", "2");
        this.resolver = new TargetResolver(
                host -> {
                    List<Ipv4> answer = dns.get(host);
                    if (answer == null) {
                        throw new UnknownHostException(host);
                    }
                    return answer;
                },
                Clock.systemUTC());
        this.sysctls = new Sysctls(procRoot.resolve("sys"));
        sysctls.ensure(true);
        this.doctor = new Doctor(
                procRoot,
                sysctls,
                health,
                () -> List.copyOf(foreignDnat),
                () -> {
                    if (legacyUnreadable != null) {
                        throw legacyUnreadable;
                    }
                    return List.copyOf(legacyDnat);
                },
                (target, client) -> replyRoutes.stream()
                        .filter(routed -> routed.contains(client))
                        .findFirst()
                        .map(routed -> new Doctor.ReplyRoute(true, "table main"))
                        .orElse(new Doctor.ReplyRoute(false, "no route")));
        DriftWatcher drift = new DriftWatcher(reconciler, scheduler, DriftWatcher.DEFAULT_POLL, Clock.systemUTC());
        this.views = new Views(health, resolver, reconciler, prober, sysctls, drift, doctor, clock, "test");
        this.store = store;
        Validator validator = new Validator(() -> Set.of(22));
        this.service =
                new NatService(health, store, reconciler, resolver, validator, views, configFile, new BulkChange() {
                    @Override
                    public void starting() {
                        bulkStarts.incrementAndGet();
                    }

                    @Override
                    public void finished() {
                        bulkChanges.incrementAndGet();
                    }
                });
    }

    /** A service whose state directory is fresh and whose kernel table matches it (as after start-up). */
    static ServiceFixture fresh(Path dir) throws Exception {
        return fresh(dir, UnaryOperator.identity());
    }

    /** As {@link #fresh(Path)}, the reconciler reaching the in-memory kernel through {@code kernelPort}. */
    static ServiceFixture fresh(Path dir, UnaryOperator<NftPort> kernelPort) throws Exception {
        StateStore store = StateStore.open(dir.resolve("state"));
        ServiceFixture fixture = new ServiceFixture(dir, store, kernelPort);
        fixture.reconciler.reconcileFull(fixture.service.desired());
        fixture.health.kernelInSync();
        return fixture;
    }

    /** A service started over a state directory that could not be loaded (as the daemon does). */
    static ServiceFixture corrupt(Path dir, String failure) throws IOException {
        ServiceFixture fixture = new ServiceFixture(dir, null, UnaryOperator.identity());
        fixture.health.stateFailed(failure);
        return fixture;
    }

    NatState state() {
        return service.state();
    }

    String kernelDump() {
        return kernel.dump(TABLE);
    }

    /** Every file of the state directory with its bytes, to show that a refusal wrote nothing. */
    Map<String, String> diskBytes() throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(stateDir)) {
            return files;
        }
        try (Stream<Path> paths = Files.list(stateDir)) {
            for (Path path : paths.toList()) {
                files.put(path.getFileName().toString(), Files.readString(path));
            }
        }
        return files;
    }

    /** The state a restarted agent would load from disk (read from a copy: the live store holds a lock). */
    NatState reloadFromDisk() throws Exception {
        Path copy = Files.createTempDirectory(stateDir.getParent(), "reload");
        for (Map.Entry<String, String> file : diskBytes().entrySet()) {
            Files.writeString(copy.resolve(file.getKey()), file.getValue());
        }
        try (StateStore reopened = StateStore.open(copy)) {
            return reopened.state();
        }
    }

    void writeProc(String relative, String content) throws IOException {
        Path file = procRoot.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Override
    public void close() throws IOException {
        scheduler.shutdownNow();
        prober.close();
        if (store != null) {
            store.close();
        }
    }
}
