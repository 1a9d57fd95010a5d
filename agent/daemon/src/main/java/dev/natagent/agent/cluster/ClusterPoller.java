package dev.natagent.agent.cluster;

import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.NatState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Polls every cluster's configuration endpoint on threads of its own: each cluster at its poll
 * interval, at once when it is new or its spec changed, and on demand. The network I/O runs
 * outside the service's lock; only the resulting topology is handed to the {@link TopologySink},
 * which takes the lock for the (atomic) forward change. At most one poll per cluster runs at a
 * time; a request for a poll while one runs waits for that one.
 */
public final class ClusterPoller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterPoller.class.getName());
    /** Polls at once: each holds its thread for at most the discovery timeouts. */
    private static final int MAX_PARALLEL = 4;

    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Where a good poll's topology goes. */
    public interface TopologySink {
        /**
         * Puts {@code topology} into the state and kernel as one change, unless the cluster's spec
         * is no longer {@code spec} (then nothing changes); {@code at} is when it was seen. Returns
         * whether the cluster changed.
         */
        boolean applyTopology(ClusterSpec spec, Topology topology, Instant at) throws PortAssigner.RangeFullException;
    }

    private final Supplier<NatState> state;
    private final TopologySink sink;
    private final Map<ClusterEngine, Discovery> discoveries;
    private final ClusterPolls polls;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    /** Guarded by this: the running poll of each cluster, and the spec each cluster was last polled with. */
    private final Map<String, CompletableFuture<Void>> running = new HashMap<>();

    private final Map<String, ClusterSpec> polledSpecs = new HashMap<>();

    public ClusterPoller(
            Supplier<NatState> state,
            TopologySink sink,
            Map<ClusterEngine, Discovery> discoveries,
            ClusterPolls polls,
            Clock clock) {
        this.state = Objects.requireNonNull(state, "state");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.discoveries = Map.copyOf(discoveries);
        this.polls = Objects.requireNonNull(polls, "polls");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pool = new ThreadPoolExecutor(
                MAX_PARALLEL, MAX_PARALLEL, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "nat-agent-cluster-poll-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    public ClusterPolls polls() {
        return polls;
    }

    /**
     * Starts the polls that are due and returns: call it every second or so. A cluster is due when
     * it was never polled, its spec changed since, or its poll interval has passed.
     */
    public void tick() {
        NatState current = state.get();
        polls.retain(current.clusters().keySet());
        Instant now = clock.instant();
        synchronized (this) {
            polledSpecs.keySet().retainAll(current.clusters().keySet());
        }
        for (var cluster : current.clusters().values()) {
            ClusterSpec spec = cluster.spec();
            Instant last = polls.of(spec.name()).lastAttempt().orElse(null);
            boolean due;
            synchronized (this) {
                due = last == null
                        || !spec.equals(polledSpecs.get(spec.name()))
                        || !now.isBefore(last.plus(Duration.ofSeconds(spec.pollIntervalSeconds())));
            }
            if (due) {
                start(spec.name());
            }
        }
    }

    /** Polls {@code cluster} now (or joins its running poll) and waits for the outcome. */
    public PollRecord pollNow(String cluster) {
        start(cluster).join();
        return polls.of(cluster);
    }

    private synchronized CompletableFuture<Void> start(String cluster) {
        CompletableFuture<Void> poll = running.get(cluster);
        if (poll != null) {
            return poll;
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        running.put(cluster, started);
        pool.execute(() -> {
            try {
                poll(cluster);
            } finally {
                synchronized (this) {
                    running.remove(cluster);
                }
                started.complete(null);
            }
        });
        return started;
    }

    private void poll(String name) {
        ClusterSpec spec = state.get().cluster(name).map(c -> c.spec()).orElse(null);
        if (spec == null) {
            return;
        }
        synchronized (this) {
            polledSpecs.put(name, spec);
        }
        boolean wasFailing = polls.of(name).error().isPresent();
        try {
            Discovery discovery = discoveries.get(spec.engine());
            if (discovery == null) {
                throw new DiscoveryException(
                        DiscoveryException.Kind.PROTOCOL,
                        "this agent has no discovery for " + spec.engine() + " clusters");
            }
            Topology topology = discovery.discover(spec);
            boolean changed = sink.applyTopology(spec, topology, clock.instant());
            polls.good(name, clock.instant(), changed);
            if (changed) {
                LOG.info("cluster " + name + ": topology changed ("
                        + topology.nodes().size() + " nodes); its forwards follow");
            } else if (wasFailing) {
                LOG.info("cluster " + name + ": polls succeed again");
            }
        } catch (DiscoveryException e) {
            failed(name, e.kind().name(), e.getMessage(), wasFailing);
        } catch (PortAssigner.RangeFullException e) {
            failed(name, PollRecord.RANGE_FULL, e.getMessage(), wasFailing);
        } catch (RuntimeException e) {
            // A refused kernel change or state write: the last good topology stays, the next poll retries.
            failed(name, "APPLY", "the topology could not be applied: " + e.getMessage(), wasFailing);
        }
    }

    private void failed(String name, String kind, String message, boolean wasFailing) {
        polls.failed(name, clock.instant(), kind, message);
        if (!wasFailing) {
            LOG.warning("cluster " + name + ": poll failed, keeping the last good topology: " + message);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
