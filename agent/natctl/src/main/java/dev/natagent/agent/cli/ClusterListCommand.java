package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.ClusterView;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;

final class ClusterListCommand extends AgentCommand {
    static CommandSpec spec() {
        CommandSpec spec = Specs.command(new ClusterListCommand(), "List clusters with their node count and polls.");
        Specs.examples(spec, "natctl cluster list", "natctl --json cluster list");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.CLUSTER_LIST, args());
    }

    @Override
    Integer render(JsonNode result) {
        TextTable table = ClusterRows.clusters();
        for (ClusterView cluster : ClusterView.readList(result)) {
            ClusterRows.add(table, cluster);
        }
        print(table);
        return ExitCode.OK;
    }
}
