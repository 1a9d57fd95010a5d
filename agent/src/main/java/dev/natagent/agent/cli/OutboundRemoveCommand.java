package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class OutboundRemoveCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Outbound to remove.");

    static CommandSpec spec() {
        OutboundRemoveCommand command = new OutboundRemoveCommand();
        return Specs.command(command, "Remove an outbound PAT rule.", command.name);
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.OUTBOUND_REMOVE, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode change) {
        out().println("removed outbound " + name.getValue() + " (generation "
                + change.path("generation").asText() + ")");
        return ExitCode.OK;
    }
}
