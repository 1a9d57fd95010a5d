package dev.natagent.agent.service;

import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.protocol.Health;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * TCP connect probes of forward targets, run from the NAT instance itself (the path DNATed traffic
 * takes). Results are kept per address:port with when and why; a round probes at most {@link
 * #MAX_PER_ROUND} targets so a 50,000-forward table cannot turn the agent into a port scanner, and
 * an endpoint has at most one probe running, however many rounds and doctor calls ask for it.
 */
public final class HealthProber implements AutoCloseable {
    static final int MAX_PER_ROUND = 1024;
    private static final int PARALLEL = 8;
    /** A probe that ended this recently answers a request to probe now: doctor calls cannot multiply probes. */
    private static final Duration FRESH = Duration.ofSeconds(1);

    /** One probed endpoint. */
    public record Endpoint(Ipv4 address, int port) {}

    /**
     * One probe's outcome.
     *
     * @param failure why the connection failed ("connection refused", "no answer within 2 s"), empty when UP
     * @param at when the probe ended
     */
    public record Probe(Health health, String failure, Instant at) {}

    /** Opens (and closes) one probe connection; throws when it cannot be made. */
    public interface Connector {
        void connect(Endpoint endpoint, Duration timeout) throws IOException;
    }

    /** The probe of the daemon: a TCP connection from this instance. */
    public static final Connector TCP = (endpoint, timeout) -> {
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(
                            InetAddress.getByAddress(endpoint.address().toBytes()), endpoint.port()),
                    (int) timeout.toMillis());
        }
    };

    private final Duration timeout;
    private final Connector connector;
    private final Clock clock;
    private final Map<Endpoint, Probe> results = new ConcurrentHashMap<>();
    private final Map<Endpoint, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    /** Probe threads end when a round is over (rounds are 30 s apart): idle threads cost memory. */
    private static final long THREAD_KEEP_ALIVE_SECONDS = 5;

    private final ExecutorService pool = probePool();

    public HealthProber(Duration timeout) {
        this(timeout, TCP, Clock.systemUTC());
    }

    public HealthProber(Duration timeout, Connector connector, Clock clock) {
        this.timeout = timeout;
        this.connector = connector;
        this.clock = clock;
    }

    /**
     * Probes {@code endpoints} (the first {@value #MAX_PER_ROUND} distinct ones) and forgets all
     * others. A stream, read only as far as the round needs: at 50,000 forwards a list of every
     * endpoint, built each round, would be megabytes of garbage every round.
     */
    public void probe(Stream<Endpoint> endpoints) throws InterruptedException {
        List<Endpoint> round = endpoints.distinct().limit(MAX_PER_ROUND).toList();
        results.keySet().retainAll(round);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (Endpoint endpoint : round) {
            pending.add(start(endpoint));
        }
        for (CompletableFuture<Void> future : pending) {
            try {
                future.get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // A probe that fails to run leaves its endpoint as it was; the next round tries again.
            }
        }
    }

    /**
     * Probes {@code endpoints} (the first {@value #MAX_PER_ROUND} distinct ones) now, unless one
     * ended within the last second, and waits for them at most the probe timeout and a second:
     * then each has a probe of this moment, or, when its probe is still running, the one before.
     */
    public void probeNow(Stream<Endpoint> endpoints) throws InterruptedException {
        Instant fresh = clock.instant().minus(FRESH);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        endpoints.distinct().limit(MAX_PER_ROUND).forEach(endpoint -> {
            Probe last = results.get(endpoint);
            if (last == null || last.at().isBefore(fresh)) {
                pending.add(start(endpoint));
            }
        });
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // The probes still running report to the next reader; this one sees the earlier results.
        }
    }

    /** Probes {@code endpoints} in the background (a new forward need not wait for the next round). */
    public void probeSoon(Collection<Endpoint> endpoints) {
        for (Endpoint endpoint : endpoints) {
            start(endpoint);
        }
    }

    public Health health(Endpoint endpoint) {
        return lastProbe(endpoint).map(Probe::health).orElse(Health.UNKNOWN);
    }

    /** The latest probe of {@code endpoint} that ended, if any. */
    public Optional<Probe> lastProbe(Endpoint endpoint) {
        return Optional.ofNullable(results.get(endpoint));
    }

    /** UP when all answer, DOWN when none does, PARTIAL in between, UNKNOWN before any probe. */
    public static Health combine(Collection<Health> healths) {
        if (healths.isEmpty() || healths.contains(Health.UNKNOWN)) {
            return Health.UNKNOWN;
        }
        long up = healths.stream().filter(h -> h == Health.UP).count();
        if (up == healths.size()) {
            return Health.UP;
        }
        return up == 0 ? Health.DOWN : Health.PARTIAL;
    }

    /** The probe of {@code endpoint} that is running, or a new one. */
    private CompletableFuture<Void> start(Endpoint endpoint) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = running.putIfAbsent(endpoint, mine);
        if (other != null) {
            return other;
        }
        try {
            pool.execute(() -> {
                try {
                    results.put(endpoint, probeOnce(endpoint));
                } finally {
                    running.remove(endpoint, mine);
                    mine.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed: the agent is stopping.
            running.remove(endpoint, mine);
            mine.complete(null);
        }
        return mine;
    }

    private Probe probeOnce(Endpoint endpoint) {
        try {
            connector.connect(endpoint, timeout);
            return new Probe(Health.UP, "", clock.instant());
        } catch (SocketTimeoutException e) {
            return new Probe(Health.DOWN, "no answer within " + words(timeout), clock.instant());
        } catch (IOException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank()
                    ? "the connection failed"
                    : e.getMessage().substring(0, 1).toLowerCase(Locale.ROOT)
                            + e.getMessage().substring(1);
            return new Probe(Health.DOWN, why, clock.instant());
        }
    }

    /** "2 s", or "200 ms" for less than whole seconds. */
    private static String words(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static ExecutorService probePool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                PARALLEL,
                PARALLEL,
                THREAD_KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "health-probe");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
