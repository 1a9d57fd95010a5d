package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
    Integer render(JsonNode cluster) {
        TextTable summary = ClusterRows.clusters();
        ClusterRows.add(summary, cluster);
        print(summary);
        JsonNode poll = cluster.path("poll");
        out().println();
        out().println("allow " + (cluster.path("allow").isEmpty() ? "any" : ForwardRows.join(cluster.path("allow")))
                + ", snat " + cluster.path("snat").asText() + ", public address "
                + cluster.path("public_address").asText("(settings)") + ", polls "
                + poll.path("polls").asText() + " (" + poll.path("failures").asText() + " failed, "
                + poll.path("topology_changes").asText() + " changed the topology), last good "
                + poll.path("last_good_poll").asText("never"));
        out().println();
        TextTable nodes = ClusterRows.nodes();
        cluster.path("nodes").forEach(node -> ClusterRows.addNode(nodes, node));
        print(nodes);
        return ExitCode.OK;
    }
}
