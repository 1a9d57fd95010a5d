package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show one forward.")
final class ForwardGetCommand extends AgentCommand {
    @Parameters(paramLabel = "NAME", description = "Forward to show.")
    String name;

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_GET, args().put("name", name));
    }

    @Override
    Integer render(JsonNode forward) {
        Table table = ForwardRows.table();
        ForwardRows.add(table, forward);
        table.print(out());
        return ExitCode.OK;
    }
}
