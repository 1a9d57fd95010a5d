package dev.natagent.agent.service;

import dev.natagent.agent.api.Health;
import dev.natagent.agent.model.Ipv4;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * TCP connect probes of forward targets, run from the NAT instance itself (the path DNATed traffic
 * takes). Results are kept per address:port; a round probes at most {@link #MAX_PER_ROUND} targets
 * so a 50,000-forward table cannot turn the agent into a port scanner.
 */
public final class HealthProber implements AutoCloseable {
    static final int MAX_PER_ROUND = 1024;
    private static final int PARALLEL = 8;

    /** One probed endpoint. */
    public record Endpoint(Ipv4 address, int port) {}

    private final Duration timeout;
    private final Map<Endpoint, Health> results = new ConcurrentHashMap<>();
    /** Probe threads end when a round is over (rounds are 30 s apart): idle threads cost memory. */
    private static final long THREAD_KEEP_ALIVE_SECONDS = 5;

    private final ExecutorService pool = probePool();

    public HealthProber(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Probes {@code endpoints} (the first {@value #MAX_PER_ROUND} distinct ones) and forgets all
     * others. A stream, read only as far as the round needs: at 50,000 forwards a list of every
     * endpoint, built each round, would be megabytes of garbage every round.
     */
    public void probe(Stream<Endpoint> endpoints) throws InterruptedException {
        List<Endpoint> round = endpoints.distinct().limit(MAX_PER_ROUND).toList();
        results.keySet().retainAll(round);
        List<Future<?>> pending = round.stream()
                .map(endpoint -> pool.submit(() -> results.put(endpoint, connect(endpoint))))
                .<Future<?>>map(f -> f)
                .toList();
        for (Future<?> future : pending) {
            try {
                future.get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // A probe that fails to run leaves its endpoint UNKNOWN; the next round tries again.
            }
        }
    }

    /** Probes {@code endpoints} in the background (a new forward need not wait for the next round). */
    public void probeSoon(Collection<Endpoint> endpoints) {
        for (Endpoint endpoint : endpoints) {
            pool.execute(() -> results.put(endpoint, connect(endpoint)));
        }
    }

    public Health health(Endpoint endpoint) {
        return results.getOrDefault(endpoint, Health.UNKNOWN);
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

    private Health connect(Endpoint endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(
                            InetAddress.getByAddress(endpoint.address().toBytes()), endpoint.port()),
                    (int) timeout.toMillis());
            return Health.UP;
        } catch (IOException e) {
            return Health.DOWN;
        }
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
