package dev.natagent.agent.service;

import dev.natagent.agent.api.AdminException;
import dev.natagent.agent.api.AdminOperations;
import dev.natagent.agent.api.ApplyResult;
import dev.natagent.agent.api.DoctorReport;
import dev.natagent.agent.api.ErrorCode;
import dev.natagent.agent.api.ExportFormat;
import dev.natagent.agent.api.ForwardChange;
import dev.natagent.agent.api.ForwardUpdate;
import dev.natagent.agent.api.ForwardView;
import dev.natagent.agent.api.MetricsFormat;
import dev.natagent.agent.api.OutboundChange;
import dev.natagent.agent.api.OutboundView;
import dev.natagent.agent.api.StatusView;
import dev.natagent.agent.api.TextDocument;
import dev.natagent.agent.config.ConfigException;
import dev.natagent.agent.config.ConfigFile;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ForwardEdit;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.ReconcileException;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.validation.Validator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's state machine behind the admin socket. Every change goes kernel first, then the
 * journal: a kernel refusal leaves both untouched, and a journal failure takes the kernel change
 * back, so an acknowledged change is in both and a refused one in neither. Writers (API, resolver,
 * drift healing, periodic check) serialise on one lock; readers see the last acknowledged state.
 */
public final class NatService implements AdminOperations {
    private static final Logger LOG = Logger.getLogger(NatService.class.getName());
    /** An apply changing at least this many forwards is a bulk change (see {@link BulkChange}). */
    public static final int BULK_CHANGES = 1_000;
    /** So is an uploaded document of this many characters: about as many forwards, ~100 each. */
    public static final long BULK_DOCUMENT_CHARS = 100L * BULK_CHANGES;

    private final AgentHealth health;
    private final StateStore store;
    private final Reconciler reconciler;
    private final TargetResolver resolver;
    private final Validator validator;
    private final Views views;
    private final Path configFile;
    private final BulkChange bulkChange;
    private final Object writeLock = new Object();
    private volatile NatState state;

    /**
     * @param store the loaded store, or null when the state on disk could not be trusted (the
     *     service then refuses every change and status says why)
     * @param bulkChange told before and after an apply of at least {@value #BULK_CHANGES} changes
     */
    public NatService(
            AgentHealth health,
            StateStore store,
            Reconciler reconciler,
            TargetResolver resolver,
            Validator validator,
            Views views,
            Path configFile,
            BulkChange bulkChange) {
        this.health = health;
        this.store = store;
        this.reconciler = reconciler;
        this.resolver = resolver;
        this.validator = validator;
        this.views = views;
        this.configFile = configFile;
        this.bulkChange = bulkChange;
        this.state = store == null ? NatState.empty() : store.state();
    }

    public NatState state() {
        return state;
    }

    /** What the kernel should hold now: the state plus the current DNS answers. */
    public Desired desired() {
        return views.desired(state);
    }

    /** Object to lock to run a kernel-changing task (drift healing, resolver updates) between API writes. */
    public Object writeLock() {
        return writeLock;
    }

    @Override
    public StatusView status() {
        return views.status(state, store == null ? 0 : store.revision());
    }

    @Override
    public ForwardChange addForward(Forward forward, boolean force) {
        awaitNewNames(dnsHosts(forward.targets()));
        synchronized (writeLock) {
            requireWritable();
            validator.checkAddForward(state, forward, force);
            // Kept with the forward, so that its export (or a restart's state) carries the decision.
            Forward added = forward.withForce(forward.force() || force);
            NatState next = state.withForward(added);
            commit(next, List.of(new StateChange.PutForward(added)), Set.of(added.name()));
            views.probeSoon(added);
            return new ForwardChange(store.revision(), views.changedForward(added));
        }
    }

    /**
     * The changed forward replaces the old one element by element (the kernel keeps the listen
     * ports' entries and their counters where it can), in one batch: no moment without the forward.
     */
    @Override
    public ForwardUpdate setForward(String name, ForwardEdit edit, boolean force) {
        if (edit.targets() != null) {
            awaitNewNames(dnsHosts(edit.targets()));
        }
        synchronized (writeLock) {
            requireWritable();
            Forward before = validator.declaredForward(state, name);
            Forward after = edit.applyTo(before).withForce(before.force() || force);
            if (after.equals(before)) {
                return new ForwardUpdate(store.revision(), views.forward(after), "");
            }
            validator.checkPutForward(state, after, force);
            commit(state.withForward(after), List.of(new StateChange.PutForward(after)), Set.of(name));
            views.probeSoon(after);
            return new ForwardUpdate(store.revision(), views.forward(after), StateDiff.describeChange(before, after));
        }
    }

    @Override
    public ForwardChange removeForward(String name) {
        synchronized (writeLock) {
            requireWritable();
            Forward removed = validator.declaredForward(state, name);
            NatState next = state.withoutForward(name);
            commit(next, List.of(new StateChange.RemoveForward(name)), Set.of(name));
            return new ForwardChange(store.revision(), views.changedForward(removed));
        }
    }

    @Override
    public List<ForwardView> listForwards() {
        return views.forwards(state);
    }

    @Override
    public ForwardView getForward(String name) {
        return views.forward(validator.existingForward(state, name));
    }

    @Override
    public OutboundChange addOutbound(Outbound outbound) {
        synchronized (writeLock) {
            requireWritable();
            validator.checkAddOutbound(state, outbound.name());
            NatState next = state.withOutbound(outbound);
            commit(next, List.of(new StateChange.PutOutbound(outbound)), Set.of());
            return new OutboundChange(store.revision(), Views.outbound(outbound));
        }
    }

    @Override
    public OutboundChange removeOutbound(String name) {
        synchronized (writeLock) {
            requireWritable();
            validator.checkRemoveOutbound(state, name);
            Outbound removed = state.outbound(name).orElseThrow();
            commit(state.withoutOutbound(name), List.of(new StateChange.RemoveOutbound(name)), Set.of());
            return new OutboundChange(store.revision(), Views.outbound(removed));
        }
    }

    @Override
    public List<OutboundView> listOutbounds() {
        return state.outbounds().values().stream().map(Views::outbound).toList();
    }

    @Override
    public ApplyResult apply(NatState proposed, boolean dryRun) {
        return apply(proposed, dryRun, true);
    }

    /** A large document is a bulk change from before its parse, which grows the heap as much. */
    @Override
    public ApplyResult applyDocument(Supplier<NatState> document, long chars, boolean dryRun) {
        if (chars < BULK_DOCUMENT_CHARS) {
            return apply(document.get(), dryRun);
        }
        bulkChange.starting();
        try {
            return apply(document.get(), dryRun, false);
        } finally {
            bulkChange.finished();
        }
    }

    /** @param announceBulk whether a bulk change is to be announced here (not when it already is) */
    private ApplyResult apply(NatState proposed, boolean dryRun, boolean announceBulk) {
        if (dryRun) {
            NatState current = state;
            validator.check(current, proposed, false);
            return new ApplyResult(false, revision(), StateDiff.between(current, proposed));
        }
        awaitNewNames(TargetResolver.dnsHosts(proposed));
        synchronized (writeLock) {
            requireWritable();
            validator.check(state, proposed, false);
            StateDiff diff = StateDiff.between(state, proposed);
            List<StateChange> changes = diff.changes();
            boolean bulk = announceBulk && changes.size() >= BULK_CHANGES;
            if (bulk) {
                bulkChange.starting();
            }
            try {
                if (!changes.isEmpty()) {
                    commit(proposed, changes, null);
                }
            } finally {
                if (bulk) {
                    bulkChange.finished();
                }
            }
            return new ApplyResult(!diff.isEmpty(), store.revision(), diff);
        }
    }

    @Override
    public TextDocument export(ExportFormat format) {
        NatState current = state;
        return Exporter.export(validator.withForceWhereClaimed(current), views.desired(current), format);
    }

    @Override
    public TextDocument metrics(MetricsFormat format) {
        return views.metrics(format);
    }

    @Override
    public DoctorReport doctor() {
        return views.doctor(state);
    }

    @Override
    public ApplyResult reload() {
        try {
            NatState fromFile = ConfigFile.loadIfPresent(configFile)
                    .orElseThrow(() -> new AdminException(
                            ErrorCode.NOT_FOUND, "no config file at " + configFile + " to reload", "config"))
                    .desired();
            return apply(fromFile, false);
        } catch (ConfigException e) {
            throw new AdminException(ErrorCode.VALIDATION, e.getMessage(), "config");
        }
    }

    /**
     * Looks up names never looked up before, outside the write lock and for at most one lookup
     * deadline, so a change is acknowledged in bounded time: with the address when the name
     * answered in time, else without it (the forward is reported as resolving or unresolved and
     * goes into the kernel when the name answers). The admin server calls {@link #lookUpNewNames}
     * before queueing the change, so this finds the names looked up already and other clients'
     * changes never wait for DNS; it waits here only for changes whose names could not be seen
     * beforehand (an uploaded document, the config file).
     */
    @Override
    public void lookUpNewNames(Collection<String> hosts) {
        awaitNewNames(hosts);
    }

    private static List<String> dnsHosts(List<Target> targets) {
        return targets.stream().filter(Target::isDnsName).map(Target::host).toList();
    }

    private void awaitNewNames(Collection<String> hosts) {
        if (!hosts.isEmpty() && store != null) {
            resolver.resolveMissing(hosts, resolver.deadline());
        }
    }

    /**
     * Puts {@code next} into the kernel, then on disk. {@code forwardNames} names the only forwards
     * that changed (element-level kernel change), or is null for a change of any shape.
     */
    private void commit(NatState next, List<StateChange> changes, Set<String> forwardNames) {
        Desired before = views.desired(state);
        Desired after = views.desired(next);
        try {
            if (forwardNames == null || forwardNames.isEmpty()) {
                reconciler.applyChange(before, after);
            } else {
                reconciler.applyForwards(before, after, forwardNames);
            }
        } catch (ReconcileException e) {
            throw kernelError(e);
        }
        try {
            store.append(changes, next);
        } catch (IOException e) {
            rollBackKernel(after, before);
            throw new AdminException(ErrorCode.STORAGE, e.getMessage() + "; nothing was changed", null, List.of(), e);
        } finally {
            store.incident().ifPresent(health::stateFilesReplaced);
        }
        state = next;
        compactQuietly();
    }

    private void rollBackKernel(Desired applied, Desired previous) {
        try {
            reconciler.applyChange(applied, previous);
        } catch (ReconcileException e) {
            // The periodic full check converges the kernel to the (unchanged) state on disk.
            health.kernelDrifted("rollback after a failed state write did not go through: " + e.getMessage());
            LOG.log(Level.SEVERE, "kernel rollback failed; the next full check repairs it", e);
        }
    }

    /**
     * Checks that the state files are still the ones the store wrote (between changes too, so that
     * one replaced while the agent is idle is set aside before a crash could load it).
     */
    public void verifyStateFiles() {
        if (store == null) {
            return;
        }
        synchronized (writeLock) {
            try {
                store.verifyFiles();
            } catch (IOException e) {
                LOG.warning("could not check the state files: " + e.getMessage());
            }
            store.incident().ifPresent(health::stateFilesReplaced);
        }
    }

    private void compactQuietly() {
        try {
            store.compactIfDue();
        } catch (IOException e) {
            // The journal stays valid; compaction is retried after the next change.
            LOG.warning("state compaction failed: " + e.getMessage());
        }
    }

    private long revision() {
        return store == null ? 0 : store.revision();
    }

    private void requireWritable() {
        if (store == null) {
            throw new AdminException(ErrorCode.STATE_CORRUPT, health.failureMessage());
        }
    }

    static AdminException kernelError(ReconcileException e) {
        String reason = e.netlinkError().map(n -> n.getMessage()).orElse(e.getMessage());
        return new AdminException(
                ErrorCode.KERNEL_ERROR,
                "the kernel refused the change (" + reason + "); nothing was changed",
                null,
                List.of(),
                e);
    }
}
