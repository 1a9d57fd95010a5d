package dev.natagent.agent.service;

import dev.natagent.agent.api.AdminException;
import dev.natagent.agent.api.AdminOperations;
import dev.natagent.agent.api.Document;
import dev.natagent.agent.cluster.ClusterPoller;
import dev.natagent.agent.cluster.PollRecord;
import dev.natagent.agent.cluster.PortAssigner;
import dev.natagent.agent.cluster.Topology;
import dev.natagent.agent.config.ConfigException;
import dev.natagent.agent.config.ConfigFile;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ForwardEdit;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.StateChange;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.protocol.ApplyResult;
import dev.natagent.agent.protocol.ClusterChange;
import dev.natagent.agent.protocol.ClusterMap;
import dev.natagent.agent.protocol.ClusterView;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.protocol.ForwardChange;
import dev.natagent.agent.protocol.ForwardUpdate;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.MetricsFormat;
import dev.natagent.agent.protocol.OutboundChange;
import dev.natagent.agent.protocol.OutboundView;
import dev.natagent.agent.protocol.StatusView;
import dev.natagent.agent.reconcile.Desired;
import dev.natagent.agent.reconcile.ReconcileException;
import dev.natagent.agent.reconcile.Reconciler;
import dev.natagent.agent.resolve.TargetResolver;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.validation.Validator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's state machine behind the admin socket. Every change goes kernel first, then the
 * journal: a kernel refusal leaves both untouched, and a journal failure takes the kernel change
 * back, so an acknowledged change is in both and a refused one in neither. Writers (API, resolver,
 * drift healing, periodic check) serialise on one lock; readers see the last acknowledged state.
 */
public final class NatService implements AdminOperations, ClusterPoller.TopologySink {
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
    private volatile ClusterPoller poller;

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

    /** The poller refresh requests and new clusters go to; attached once both exist. */
    public void attach(ClusterPoller clusterPoller) {
        this.poller = clusterPoller;
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
        NatState current = state;
        return views.forward(current, validator.existingForward(current, name));
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
    public ClusterChange addCluster(ClusterSpec spec) {
        ClusterChange change;
        synchronized (writeLock) {
            requireWritable();
            validator.checkAddCluster(state, spec);
            Cluster added = Cluster.of(spec);
            commit(state.withCluster(added), List.of(new StateChange.PutCluster(added)), null);
            change = new ClusterChange(store.revision(), views.cluster(added));
        }
        pollDue();
        return change;
    }

    @Override
    public ClusterChange removeCluster(String name) {
        synchronized (writeLock) {
            requireWritable();
            Cluster removed = validator.existingCluster(state, name);
            commit(state.withoutCluster(name), List.of(new StateChange.RemoveCluster(name)), forwardNames(removed));
            return new ClusterChange(store.revision(), views.cluster(removed));
        }
    }

    @Override
    public List<ClusterView> listClusters() {
        return state.clusters().values().stream().map(views::cluster).toList();
    }

    @Override
    public ClusterView getCluster(String name) {
        return views.cluster(validator.existingCluster(state, name));
    }

    @Override
    public void pollClusterNow(String name) {
        ClusterPoller attached = poller;
        if (attached != null && state.clusters().containsKey(name)) {
            attached.pollNow(name);
        }
    }

    @Override
    public ClusterChange refreshCluster(String name) {
        Cluster cluster = validator.existingCluster(state, name);
        ClusterView view = views.cluster(cluster);
        if (view.poll().error() != null) {
            ErrorCode code = PollRecord.RANGE_FULL.equals(view.poll().errorKind())
                    ? ErrorCode.VALIDATION
                    : ErrorCode.DISCOVERY_FAILED;
            throw new AdminException(
                    code, "cluster '" + name + "': " + view.poll().error() + "; the last good topology stays", "name");
        }
        return new ClusterChange(revision(), view);
    }

    @Override
    public ClusterMap clusterMap(String name) {
        NatState current = state;
        return ClusterViews.map(validator.existingCluster(current, name), current.settings());
    }

    /**
     * A poll's topology: the nodes get their ports ({@link PortAssigner}) and the forwards that
     * differ change in one batch. A Memcached topology is taken only with a higher config version.
     */
    @Override
    public boolean applyTopology(ClusterSpec spec, Topology topology, Instant at)
            throws PortAssigner.RangeFullException {
        synchronized (writeLock) {
            requireWritable();
            Cluster current = state.cluster(spec.name()).orElse(null);
            if (current == null || !current.spec().equals(spec)) {
                return false;
            }
            if (spec.engine() == ClusterEngine.MEMCACHED
                    && !current.nodes().isEmpty()
                    && topology.version() <= current.version()) {
                return false;
            }
            Cluster next = PortAssigner.assign(current, topology, at.getEpochSecond());
            if (next.equals(current)) {
                return false;
            }
            Set<String> changed = forwardNames(current);
            changed.addAll(forwardNames(next));
            Map<String, Forward> was = new HashMap<>();
            current.forwards().forEach(f -> was.put(f.name(), f));
            next.forwards().forEach(f -> {
                if (f.equals(was.get(f.name()))) {
                    changed.remove(f.name());
                }
            });
            commit(state.withCluster(next), List.of(new StateChange.PutCluster(next)), changed);
            return true;
        }
    }

    private static Set<String> forwardNames(Cluster cluster) {
        Set<String> names = new TreeSet<>();
        cluster.forwards().forEach(f -> names.add(f.name()));
        return names;
    }

    /** New clusters are polled at once, off this thread. */
    private void pollDue() {
        ClusterPoller attached = poller;
        if (attached != null) {
            attached.tick();
        }
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
            NatState carried = proposed.withClusterNodesFrom(current);
            validator.check(current, carried, false);
            return new ApplyResult(false, revision(), StateDiff.between(current, carried));
        }
        awaitNewNames(TargetResolver.dnsHosts(proposed));
        ApplyResult result;
        synchronized (writeLock) {
            requireWritable();
            NatState carried = proposed.withClusterNodesFrom(state);
            validator.check(state, carried, false);
            StateDiff diff = StateDiff.between(state, carried);
            List<StateChange> changes = diff.changes();
            boolean bulk = announceBulk && changes.size() >= BULK_CHANGES;
            if (bulk) {
                bulkChange.starting();
            }
            try {
                if (!changes.isEmpty()) {
                    commit(carried, changes, null);
                }
            } finally {
                if (bulk) {
                    bulkChange.finished();
                }
            }
            result = new ApplyResult(!diff.isEmpty(), store.revision(), diff);
        }
        if (!result.diff().clusterSection().isEmpty()) {
            pollDue();
        }
        return result;
    }

    @Override
    public Document export(ExportFormat format) {
        NatState current = state;
        return Exporter.export(validator.withForceWhereClaimed(current), views.desired(current), format);
    }

    @Override
    public Document metrics(MetricsFormat format) {
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
