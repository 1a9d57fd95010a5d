package dev.natagent.agent.api;

import dev.natagent.agent.cluster.PollRecord;
import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.ForwardEdit;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.StateDiff;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.ApplyResult;
import dev.natagent.agent.protocol.ClusterChange;
import dev.natagent.agent.protocol.ClusterMap;
import dev.natagent.agent.protocol.ClusterView;
import dev.natagent.agent.protocol.DoctorReport;
import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.protocol.Finding;
import dev.natagent.agent.protocol.ForwardChange;
import dev.natagent.agent.protocol.ForwardUpdate;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Health;
import dev.natagent.agent.protocol.MetricsFormat;
import dev.natagent.agent.protocol.OutboundChange;
import dev.natagent.agent.protocol.OutboundView;
import dev.natagent.agent.protocol.StatusView;
import dev.natagent.agent.protocol.TargetView;
import dev.natagent.agent.service.ClusterViews;
import java.util.ArrayList;
import java.util.List;

/** An in-memory AdminOperations: the state and revision the socket tests compare against. */
public class FakeOperations implements AdminOperations {
    private NatState state = NatState.empty();
    private long revision;
    private List<Finding> findings = List.of(new Finding(Finding.Severity.OK, "ip_forward", "ip_forward is on", ""));

    public synchronized NatState state() {
        return state;
    }

    public synchronized long revision() {
        return revision;
    }

    public synchronized void findings(List<Finding> newFindings) {
        findings = List.copyOf(newFindings);
    }

    @Override
    public synchronized StatusView status() {
        return new StatusView(
                "ok",
                "",
                "0.1.0",
                5,
                revision,
                state.forwards().size(),
                state.outbounds().size(),
                "on",
                true,
                "in_sync",
                0,
                0,
                0,
                null,
                0,
                0);
    }

    @Override
    public synchronized ForwardChange addForward(Forward forward, boolean force) {
        if (state.forwards().containsKey(forward.name())) {
            throw new AdminException(ErrorCode.NAME_TAKEN, "forward " + forward.name() + " exists", "name");
        }
        for (Forward other : state.forwards().values()) {
            if (other.proto() == forward.proto() && other.listen().overlaps(forward.listen())) {
                throw new AdminException(
                        ErrorCode.PORT_IN_USE, "port " + forward.listen() + " is used by " + other.name(), "listen");
            }
        }
        if (forward.listen().contains(22) && !force) {
            throw new AdminException(ErrorCode.SSH_PORT_FORWARD, "port 22 is sshd's; use force", "listen");
        }
        state = state.withForward(forward);
        return new ForwardChange(++revision, view(forward));
    }

    @Override
    public synchronized ForwardUpdate setForward(String name, ForwardEdit edit, boolean force) {
        Forward before = state.forward(name).orElseThrow(() -> notFound("forward", name));
        Forward after = edit.applyTo(before);
        if (after.equals(before)) {
            return new ForwardUpdate(revision, view(after), "");
        }
        state = state.withForward(after);
        return new ForwardUpdate(++revision, view(after), StateDiff.describeChange(before, after));
    }

    @Override
    public synchronized ForwardChange removeForward(String name) {
        Forward forward = state.forward(name).orElseThrow(() -> notFound("forward", name));
        state = state.withoutForward(name);
        return new ForwardChange(++revision, view(forward));
    }

    @Override
    public synchronized List<ForwardView> listForwards() {
        return state.forwards().values().stream().map(FakeOperations::view).toList();
    }

    @Override
    public synchronized ForwardView getForward(String name) {
        return view(state.forward(name).orElseThrow(() -> notFound("forward", name)));
    }

    @Override
    public synchronized OutboundChange addOutbound(Outbound outbound) {
        if (state.outbounds().containsKey(outbound.name())) {
            throw new AdminException(ErrorCode.NAME_TAKEN, "outbound " + outbound.name() + " exists", "name");
        }
        state = state.withOutbound(outbound);
        return new OutboundChange(++revision, view(outbound));
    }

    @Override
    public synchronized OutboundChange removeOutbound(String name) {
        Outbound outbound = state.outbound(name).orElseThrow(() -> notFound("outbound", name));
        state = state.withoutOutbound(name);
        return new OutboundChange(++revision, view(outbound));
    }

    @Override
    public synchronized List<OutboundView> listOutbounds() {
        return state.outbounds().values().stream().map(FakeOperations::view).toList();
    }

    @Override
    public synchronized ClusterChange addCluster(ClusterSpec spec) {
        if (state.clusters().containsKey(spec.name())) {
            throw new AdminException(ErrorCode.NAME_TAKEN, "cluster " + spec.name() + " exists", "name");
        }
        Cluster cluster = Cluster.of(spec);
        state = state.withCluster(cluster);
        return new ClusterChange(++revision, ClusterViews.view(cluster, PollRecord.NONE));
    }

    /** Puts a polled cluster in place, as a poll would. */
    public synchronized void putCluster(Cluster cluster) {
        state = state.withCluster(cluster);
        revision++;
    }

    @Override
    public synchronized ClusterChange removeCluster(String name) {
        Cluster cluster = state.cluster(name).orElseThrow(() -> notFound("cluster", name));
        state = state.withoutCluster(name);
        return new ClusterChange(++revision, ClusterViews.view(cluster, PollRecord.NONE));
    }

    @Override
    public synchronized List<ClusterView> listClusters() {
        return state.clusters().values().stream()
                .map(c -> ClusterViews.view(c, PollRecord.NONE))
                .toList();
    }

    @Override
    public synchronized ClusterView getCluster(String name) {
        return ClusterViews.view(state.cluster(name).orElseThrow(() -> notFound("cluster", name)), PollRecord.NONE);
    }

    @Override
    public synchronized ClusterChange refreshCluster(String name) {
        return new ClusterChange(revision, getCluster(name));
    }

    @Override
    public synchronized ClusterMap clusterMap(String name) {
        return ClusterViews.map(state.cluster(name).orElseThrow(() -> notFound("cluster", name)), state.settings());
    }

    @Override
    public synchronized ApplyResult apply(NatState newState, boolean dryRun) {
        StateDiff diff = StateDiff.between(state, newState);
        if (dryRun || diff.isEmpty()) {
            return new ApplyResult(false, revision, diff);
        }
        state = newState;
        return new ApplyResult(true, ++revision, diff);
    }

    @Override
    public synchronized Document export(ExportFormat format) {
        return switch (format) {
            case JSON -> {
                NatState exported = state;
                yield Document.json("json", exported::write);
            }
            case NFT -> Document.text("nft", out -> out.write("table ip nat_agent {\n}\n"));
            case IPTABLES -> Document.text("iptables", out -> out.write("*nat\nCOMMIT\n"));
        };
    }

    @Override
    public Document metrics(MetricsFormat format) {
        return format == MetricsFormat.JSON
                ? Document.json("json", json -> json.writeRawValue("{\"gauges\":{}}"))
                : Document.text(
                        "prometheus", out -> out.write("# TYPE nat_agent_forwards gauge\nnat_agent_forwards 0\n"));
    }

    @Override
    public synchronized DoctorReport doctor() {
        return DoctorReport.of(findings);
    }

    @Override
    public ApplyResult reload() {
        throw new AdminException(ErrorCode.NOT_FOUND, "no config file /etc/nat-agent/config.json");
    }

    /** As the agent's validator refuses a missing name (the dispatcher turns it into NOT_FOUND). */
    private static ValidationException notFound(String kind, String name) {
        return new ValidationException(
                "name", dev.natagent.agent.model.ErrorCode.NOT_FOUND, "there is no " + kind + " named '" + name + "'");
    }

    static ForwardView view(Forward forward) {
        List<TargetView> targets = new ArrayList<>();
        for (Target target : forward.targets()) {
            String address = target.literal().map(Ipv4::toString).orElse(target.isDnsName() ? "10.0.1.99" : null);
            targets.add(new TargetView(target.toString(), address, Health.UNKNOWN));
        }
        return new ForwardView(
                forward.name(),
                forward.proto().toString(),
                forward.listen().toString(),
                targets,
                forward.allow().stream().map(Object::toString).toList(),
                forward.returnPath().toString(),
                0,
                0,
                Health.UNKNOWN);
    }

    static OutboundView view(Outbound outbound) {
        return new OutboundView(
                outbound.name(),
                outbound.sources().stream().map(Object::toString).toList(),
                outbound.outInterface());
    }
}
