package dev.natagent.agent.reconcile;

import dev.natagent.nft.Chain;
import dev.natagent.nft.NftBody;
import dev.natagent.nft.NftMessage;
import dev.natagent.nft.NftMsg;
import dev.natagent.nft.NftSet;
import dev.natagent.nft.Rule;
import dev.natagent.nft.RuleFlush;
import dev.natagent.nft.SetElements;
import dev.natagent.nft.Table;
import dev.natagent.nft.client.NftMonitor;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Heals drift: listens to nf_tables events ({@link NftMonitor.Listener}) and, when a transaction
 * of another process touched table {@code ip nat_agent} (including a ruleset flush, which deletes
 * every table), or events were lost, runs a full reconcile after a short debounce, so a burst of
 * foreign transactions costs one repair. Our own transactions (NEWGEN from our request socket)
 * are ignored. A periodic check is the safety net for anything events cannot show (lost events, a
 * monitor that failed): it lists the table only when the ruleset generation moved since the table
 * last matched. Repairs run on {@code executor}, never on the monitor's reader thread.
 */
public final class DriftWatcher implements NftMonitor.Listener {
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(10);
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(60);
    /** When a check met a table that kept changing while it was listed, the next one comes this much later. */
    static final Duration RETRY_AFTER = Duration.ofMillis(100);
    /** After this many such checks in a row (5 s) it is worth a warning: something rewrites the ruleset without end. */
    private static final int PERSISTENT_BUSY_CHECKS = 50;

    private static final Logger LOG = Logger.getLogger(DriftWatcher.class.getName());

    private final Reconciler reconciler;
    private final ScheduledExecutorService executor;
    private final Duration debounce;
    private final Clock clock;
    /** Set by a foreign change to our table, cleared when its transaction ends (NEWGEN). */
    private final AtomicBoolean foreignChangePending = new AtomicBoolean();

    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong corrections = new AtomicLong();
    /** Checks in a row that met a table changing while it was listed. */
    private final AtomicInteger busyChecks = new AtomicInteger();

    private volatile Optional<Instant> lastCorrection = Optional.empty();
    private volatile Optional<String> lastError = Optional.empty();

    public DriftWatcher(Reconciler reconciler, ScheduledExecutorService executor, Duration debounce, Clock clock) {
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.debounce = Objects.requireNonNull(debounce, "debounce");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts the periodic full check every {@code period} (the settings' full_check_interval_seconds). */
    public void startPeriodicCheck(Duration period) {
        executor.scheduleWithFixedDelay(
                this::periodicCheck, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onForeignChange(NftMessage change) {
        if (touchesOurTable(change)) {
            foreignChangePending.set(true);
        }
    }

    @Override
    public void onCommit(NftMonitor.Commit commit) {
        if (foreignChangePending.getAndSet(false)) {
            LOG.log(Level.INFO, "table {0} changed by {1} (pid {2}); restoring it", new Object[] {
                KernelLayout.TABLE, commit.procName(), commit.procPid()
            });
            scheduleCheck();
        }
    }

    @Override
    public void onEventsLost(IOException cause) {
        LOG.log(Level.WARNING, "nf_tables events were lost ({0}); checking the table", cause.getMessage());
        scheduleCheck();
    }

    @Override
    public void onFailure(IOException cause) {
        lastError = Optional.of("monitor stopped: " + cause.getMessage());
        LOG.log(Level.SEVERE, "nf_tables monitor failed; only the periodic check is left: {0}", cause.getMessage());
    }

    /** Checks run so far (event-driven, and periodic ones that had to list the table). */
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

    private void scheduleCheck() {
        if (checkScheduled.compareAndSet(false, true)) {
            executor.schedule(
                    () -> {
                        checkScheduled.set(false);
                        check(reconciler::reconcileCurrent);
                    },
                    debounce.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** The periodic check: skipped (uncounted) when nothing was committed since the table last matched. */
    void periodicCheck() {
        check(reconciler::reconcileCurrentIfChanged);
    }

    /** What a check runs: a reconcile to the current desired state, empty when it did not run. */
    private interface Reconcile {
        Optional<Plan> run() throws ReconcileException;
    }

    /** One reconcile to the current desired state; counts and logs what it had to repair. */
    private void check(Reconcile reconcile) {
        try {
            Optional<Plan> plan = reconcile.run();
            busyChecks.set(0);
            lastError = Optional.empty();
            if (plan.isPresent()) {
                checks.incrementAndGet();
            }
            if (plan.isPresent() && !plan.get().isEmpty()) {
                corrections.incrementAndGet();
                lastCorrection = Optional.of(clock.instant());
                LOG.log(Level.WARNING, "drift in table {0} repaired: {1}", new Object[] {
                    KernelLayout.TABLE, plan.get().steps()
                });
            }
        } catch (ReconcileException e) {
            checks.incrementAndGet();
            if (e.getCause() instanceof TableKeptChangingException) {
                // Someone else is rewriting the ruleset right now: not an error, look again shortly.
                int row = busyChecks.incrementAndGet();
                LOG.log(
                        row == PERSISTENT_BUSY_CHECKS ? Level.WARNING : Level.FINE,
                        "table {0} changed each time it was checked ({1} checks in a row; another process is"
                                + " rewriting the ruleset); checking again",
                        new Object[] {KernelLayout.TABLE, row});
                executor.schedule(
                        () -> check(reconciler::reconcileCurrent), RETRY_AFTER.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            lastError = Optional.of(e.getMessage());
            LOG.log(Level.SEVERE, "drift check failed: {0}", e.getMessage());
        } catch (RuntimeException e) {
            checks.incrementAndGet();
            // A bug must not kill the executor's schedule: report it and keep checking.
            lastError = Optional.of(e.toString());
            LOG.log(Level.SEVERE, "drift check failed", e);
        }
    }

    /** Whether an event concerns table ip nat_agent (a DELTABLE from a ruleset flush included). */
    static boolean touchesOurTable(NftMessage change) {
        if (change.family() != NftMsg.NFPROTO_IPV4) {
            return false;
        }
        NftBody body = change.body();
        String table;
        if (body instanceof Table t) {
            table = t.name();
        } else if (body instanceof Chain c) {
            table = c.table();
        } else if (body instanceof Rule r) {
            table = r.table();
        } else if (body instanceof RuleFlush f) {
            table = f.table();
        } else if (body instanceof NftSet s) {
            table = s.table();
        } else if (body instanceof SetElements e) {
            table = e.table();
        } else if (body instanceof dev.natagent.nft.CounterObject o) {
            table = o.table();
        } else {
            return false;
        }
        return KernelLayout.TABLE.equals(table);
    }
}
