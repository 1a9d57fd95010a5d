package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ForwardGetCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Forward to show.");

    static CommandSpec spec() {
        ForwardGetCommand command = new ForwardGetCommand();
        return Specs.command(command, "Show one forward.", command.name);
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_GET, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode forward) {
        Table table = ForwardRows.table();
        ForwardRows.add(table, forward);
        table.print(out());
        return ExitCode.OK;
    }
}
