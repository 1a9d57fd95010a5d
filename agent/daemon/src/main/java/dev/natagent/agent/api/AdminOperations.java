package dev.natagent.agent.api;

import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ForwardEdit;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
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
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything the admin socket offers, implemented by the daemon's service. The socket calls
 * mutating methods one at a time (never concurrently with each other) and read-only ones from
 * several threads, possibly while a mutation runs; an implementation must keep reads consistent.
 *
 * <p>Every method reports refusals and failures as {@link AdminException} with a stable code (or a
 * model {@code ValidationException}, which the socket maps to VALIDATION / PORT_IN_USE /
 * NAME_TAKEN / SSH_PORT_FORWARD / NOT_FOUND). A mutating method returns only after the change is
 * in the kernel and on disk, and its result carries the state revision right after the change;
 * when it throws, nothing was changed.
 */
public interface AdminOperations {

    /** Health of the agent, its state and the kernel table. */
    StatusView status();

    /**
     * Adds a forward (op {@code forward.add}). Refused with NAME_TAKEN, PORT_IN_USE, VALIDATION,
     * SSH_PORT_FORWARD (unless {@code force}), STATE_CORRUPT or KERNEL_ERROR.
     */
    ForwardChange addForward(Forward forward, boolean force);

    /**
     * Changes fields of a forward in place (op {@code forward.set}), as one atomic change that
     * keeps its counters and the connections open to targets it keeps. Refused with NOT_FOUND,
     * PORT_IN_USE, VALIDATION, SSH_PORT_FORWARD (unless {@code force}), STATE_CORRUPT or
     * KERNEL_ERROR; an edit that changes nothing changes nothing (same revision).
     */
    ForwardUpdate setForward(String name, ForwardEdit edit, boolean force);

    /** Removes a forward (op {@code forward.remove}); NOT_FOUND if there is none of that name. */
    ForwardChange removeForward(String name);

    /** All forwards, in name order, with resolved addresses, counters and health. */
    List<ForwardView> listForwards();

    /** One forward; NOT_FOUND if there is none of that name. */
    ForwardView getForward(String name);

    /** Adds an outbound PAT rule (op {@code outbound.add}); NAME_TAKEN, VALIDATION, ... */
    OutboundChange addOutbound(Outbound outbound);

    /** Removes an outbound; NOT_FOUND if there is none of that name. */
    OutboundChange removeOutbound(String name);

    /** All outbounds, in name order. */
    List<OutboundView> listOutbounds();

    /**
     * Adds a cluster (op {@code cluster.add}); its nodes get forwards from the first poll on.
     * Refused with NAME_TAKEN, PORT_IN_USE (its range overlaps a forward or another cluster),
     * VALIDATION, SSH_PORT_FORWARD, STATE_CORRUPT or KERNEL_ERROR.
     */
    ClusterChange addCluster(ClusterSpec spec);

    /** Removes a cluster and its nodes' forwards in one change; NOT_FOUND if there is none. */
    ClusterChange removeCluster(String name);

    /** All clusters, in name order, with their nodes and polls. */
    List<ClusterView> listClusters();

    /** One cluster; NOT_FOUND if there is none of that name. */
    ClusterView getCluster(String name);

    /**
     * Reports the poll {@link #pollClusterNow} just made (op {@code cluster.refresh}); NOT_FOUND,
     * DISCOVERY_FAILED (the last good topology stays) or VALIDATION (the range is full).
     */
    ClusterChange refreshCluster(String name);

    /**
     * The address map of a cluster's nodes (op {@code cluster.map}); NOT_FOUND, or VALIDATION when
     * neither the cluster nor the settings name a public address.
     */
    ClusterMap clusterMap(String name);

    /**
     * Polls cluster {@code name} now, waiting for the outcome (bounded by the discovery
     * timeouts); called before a {@code cluster.refresh} is queued, so no other change waits for
     * the network. Changes the cluster's nodes as any poll does; never throws.
     */
    default void pollClusterNow(String name) {}

    /**
     * Replaces the whole desired state atomically (op {@code apply}, or {@code apply.commit} of a
     * document uploaded in chunks). With {@code dryRun} only the
     * difference is computed and nothing changes (the socket then lets readers call it too).
     */
    ApplyResult apply(NatState state, boolean dryRun);

    /**
     * As {@link #apply}, for a document that arrived in chunks ({@code apply.commit}): {@code
     * document} parses it (field errors as a {@code ValidationException}), {@code chars} is its
     * length. The parse is left to the implementation, which may prepare for a large one first.
     */
    default ApplyResult applyDocument(Supplier<NatState> document, long chars, boolean dryRun) {
        return apply(document.get(), dryRun);
    }

    /** The desired state as JSON, the nft ruleset text, or iptables-restore text. */
    Document export(ExportFormat format);

    /** The agent's metrics as JSON or Prometheus text exposition. */
    Document metrics(MetricsFormat format);

    /** Checks for what silently breaks a NAT instance; each finding says what to do. */
    DoctorReport doctor();

    /**
     * Looks up those of {@code hosts} (DNS names of targets a change brings) never looked up
     * before, waiting a bounded time; called before the change is queued, so no other change waits
     * for it. Changes nothing.
     */
    default void lookUpNewNames(Collection<String> hosts) {}

    /** Re-reads the config file and applies it like {@link #apply}; NOT_FOUND if there is no file. */
    ApplyResult reload();
}
