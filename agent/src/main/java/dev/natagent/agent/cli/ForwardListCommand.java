package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;

final class ForwardListCommand extends AgentCommand {
    static CommandSpec spec() {
        return Specs.command(
                new ForwardListCommand(), "List forwards with resolved targets, allow-lists, counters and health.");
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_LIST, args());
    }

    @Override
    Integer render(JsonNode result) {
        Table table = ForwardRows.table();
        for (JsonNode forward : result.path("forwards")) {
            ForwardRows.add(table, forward);
        }
        table.print(out());
        return ExitCode.OK;
    }
}
