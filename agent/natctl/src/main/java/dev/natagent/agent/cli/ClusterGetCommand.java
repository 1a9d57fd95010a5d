package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.ClusterView;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ClusterGetCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Cluster to show.");

    static CommandSpec spec() {
        ClusterGetCommand command = new ClusterGetCommand();
        CommandSpec spec = Specs.command(command, "Show one cluster, its polls and its nodes' ports.", command.name);
        Specs.examples(spec, "natctl cluster get orders");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.CLUSTER_GET, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode result) {
        ClusterView cluster = ClusterView.read(result);
        TextTable summary = ClusterRows.clusters();
        ClusterRows.add(summary, cluster);
        print(summary);
        ClusterView.Poll poll = cluster.poll();
        out().println();
        out().println("allow " + ForwardRows.allow(cluster.allow())
                + ", snat " + cluster.snat() + ", public address "
                + (cluster.publicAddress() == null ? "(settings)" : cluster.publicAddress()) + ", polls "
                + poll.polls() + " (" + poll.failures() + " failed, "
                + poll.topologyChanges() + " changed the topology), last good "
                + (poll.lastGoodPoll() == null ? "never" : poll.lastGoodPoll()));
        out().println();
        TextTable nodes = ClusterRows.nodes();
        for (ClusterView.Node node : cluster.nodes()) {
            ClusterRows.addNode(nodes, node);
        }
        print(nodes);
        return ExitCode.OK;
    }
}
