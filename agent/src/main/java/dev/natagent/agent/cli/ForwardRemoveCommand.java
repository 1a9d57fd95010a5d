package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ForwardRemoveCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Forward to remove.");

    static CommandSpec spec() {
        ForwardRemoveCommand command = new ForwardRemoveCommand();
        return Specs.command(command, "Remove a port forward.", command.name);
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_REMOVE, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode change) {
        out().println("removed forward " + name.getValue() + " (generation "
                + change.path("generation").asText() + ")");
        return ExitCode.OK;
    }
}
