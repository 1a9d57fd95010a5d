package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a port forward.")
final class ForwardRemoveCommand extends AgentCommand {
    @Parameters(paramLabel = "NAME", description = "Forward to remove.")
    String name;

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_REMOVE, args().put("name", name));
    }

    @Override
    Integer render(JsonNode change) {
        out().println("removed forward " + name + " (generation "
                + change.path("generation").asText() + ")");
        return ExitCode.OK;
    }
}
