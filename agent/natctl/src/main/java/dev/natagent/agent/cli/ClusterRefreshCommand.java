package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ClusterRefreshCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Cluster to poll now.");
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        ClusterRefreshCommand command = new ClusterRefreshCommand();
        CommandSpec spec = Specs.command(
                command,
                "Poll a cluster now; its forwards follow what it finds. Fails (exit 1) when the poll does.",
                command.name,
                command.quiet);
        Specs.examples(spec, "natctl cluster refresh orders");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.CLUSTER_REFRESH, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode change) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        int present = 0;
        for (JsonNode node : change.path("cluster").path("nodes")) {
            present += node.hasNonNull("vanished_at") ? 0 : 1;
        }
        out().println("polled cluster " + name.getValue() + ": " + present + " nodes (revision "
                + change.path("revision").asText() + ")");
        return ExitCode.OK;
    }
}
