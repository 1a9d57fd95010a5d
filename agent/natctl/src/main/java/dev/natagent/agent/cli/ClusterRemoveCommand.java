package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.ClusterChange;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ClusterRemoveCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Cluster to remove, with its nodes' forwards.");
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        ClusterRemoveCommand command = new ClusterRemoveCommand();
        CommandSpec spec = Specs.command(
                command, "Remove a cluster and its nodes' forwards (one change).", command.name, command.quiet);
        Specs.examples(spec, "natctl cluster remove orders");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.CLUSTER_REMOVE, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        ClusterChange change = ClusterChange.read(reply);
        out().println("removed cluster " + change.cluster().name() + " (revision " + change.revision() + ")");
        return ExitCode.OK;
    }
}
