package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.ClusterChange;
import dev.natagent.agent.protocol.ClusterView;
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
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        ClusterChange change = ClusterChange.read(reply);
        int present = 0;
        for (ClusterView.Node node : change.cluster().nodes()) {
            present += node.vanishedAt() == null ? 1 : 0;
        }
        out().println("polled cluster " + change.cluster().name() + ": " + present + " nodes (revision "
                + change.revision() + ")");
        return ExitCode.OK;
    }
}
