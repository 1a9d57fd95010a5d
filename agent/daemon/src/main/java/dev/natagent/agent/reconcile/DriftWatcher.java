package dev.natagent.agent.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Heals drift by reading the ruleset generation a few times a second: every transaction of any
 * process in the namespace moves it, so while it stays where our own last commit or a matching
 * check left it, the table is ours as we left it and a poll costs one small netlink round trip.
 * When it moved, the table is checked ({@link TableCheck}) and any difference repaired in one batch.
 *
 * <p>No socket of ours joins the nf_tables multicast group: while any socket on the host does, in
 * any namespace, the kernel builds a notification for every object of every transaction
 * (docs/architecture.md, Drift), which makes large transactions of every process several times
 * slower, ours included. A check after another process's transaction elsewhere in the ruleset
 * finds nothing to repair; so that a ruleset rewritten without pause does not keep the agent
 * checking, the next poll after a check waits at least twice as long as the check took.
 * Polls run on {@code executor}, one at a time.
 */
public final class DriftWatcher {
    /** A change to our table is seen within this much, repaired within this plus one check and one listing. */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(250);
    /** After this many checks in a row that met a table changing while it was listed, warn. */
    private static final int PERSISTENT_BUSY_CHECKS = 20;

    private static final Logger LOG = Logger.getLogger(DriftWatcher.class.getName());

    private final Reconciler reconciler;
    private final ScheduledExecutorService executor;
    private final Duration poll;
    private final Clock clock;

    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong corrections = new AtomicLong();
    /** Checks in a row that met a table changing while it was listed (touched by the poll alone). */
    private int busyChecks;

    private volatile Optional<Instant> lastCorrection = Optional.empty();
    private volatile Optional<String> lastError = Optional.empty();

    public DriftWatcher(Reconciler reconciler, ScheduledExecutorService executor, Duration poll, Clock clock) {
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.poll = Objects.requireNonNull(poll, "poll");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts polling; it stops when the executor shuts down. */
    public void start() {
        schedule(poll);
    }

    /** Checks run so far that had to list the table. */
    public long checks() {
        return checks.get();
    }

    /** Checks that found drift and repaired it. */
    public long corrections() {
        return corrections.get();
    }

    public Optional<Instant> lastCorrection() {
        return lastCorrection;
    }

    /** The last failed check's error, cleared by the next check that succeeds. */
    public Optional<String> lastError() {
        return lastError;
    }

    /**
     * One poll: a generation read, and a check of the table (and a repair) when the generation moved since the
     * table was last known to match.
     *
     * @return how long it checked; zero when the generation read sufficed
     */
    Duration check() {
        long start = System.nanoTime();
        try {
            Optional<Plan> plan = reconciler.reconcileCurrentIfChanged();
            busyChecks = 0;
            lastError = Optional.empty();
            if (plan.isEmpty()) {
                return Duration.ZERO;
            }
            checks.incrementAndGet();
            if (!plan.get().isEmpty()) {
                corrections.incrementAndGet();
                lastCorrection = Optional.of(clock.instant());
                LOG.log(Level.WARNING, "drift in table {0} repaired: {1}", new Object[] {
                    KernelLayout.TABLE, plan.get().steps()
                });
            }
        } catch (ReconcileException e) {
            checks.incrementAndGet();
            if (e.getCause() instanceof TableKeptChangingException) {
                // Someone else is rewriting the ruleset right now: not an error; the next poll looks again.
                busyChecks++;
                LOG.log(
                        busyChecks == PERSISTENT_BUSY_CHECKS ? Level.WARNING : Level.FINE,
                        "table {0} changed each time it was checked ({1} checks in a row; another process is"
                                + " rewriting the ruleset); checking again",
                        new Object[] {KernelLayout.TABLE, busyChecks});
            } else {
                lastError = Optional.of(e.getMessage());
                LOG.log(Level.SEVERE, "drift check failed: {0}", e.getMessage());
            }
        } catch (RuntimeException e) {
            checks.incrementAndGet();
            // A bug must not end the polling: report it and keep checking.
            lastError = Optional.of(e.toString());
            LOG.log(Level.SEVERE, "drift check failed", e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void pollAndReschedule() {
        Duration listed = check();
        Duration twice = listed.multipliedBy(2);
        schedule(twice.compareTo(poll) > 0 ? twice : poll);
    }

    private void schedule(Duration delay) {
        if (executor.isShutdown()) {
            return;
        }
        try {
            executor.schedule(this::pollAndReschedule, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shut down between the check and the call: the daemon is stopping.
        }
    }
}
