package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an outbound PAT rule.")
final class OutboundRemoveCommand extends AgentCommand {
    @Parameters(paramLabel = "NAME", description = "Outbound to remove.")
    String name;

    @Override
    public Integer call() {
        return callAndPrint(Op.OUTBOUND_REMOVE, args().put("name", name));
    }

    @Override
    Integer render(JsonNode change) {
        out().println("removed outbound " + name + " (generation "
                + change.path("generation").asText() + ")");
        return ExitCode.OK;
    }
}
