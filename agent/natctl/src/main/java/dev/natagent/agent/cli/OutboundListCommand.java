package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.OutboundView;
import picocli.CommandLine.Model.CommandSpec;

final class OutboundListCommand extends AgentCommand {
    static CommandSpec spec() {
        CommandSpec spec = Specs.command(new OutboundListCommand(), "List outbound PAT rules.");
        Specs.examples(spec, "natctl outbound list", "natctl --json outbound list");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.OUTBOUND_LIST, args());
    }

    @Override
    Integer render(JsonNode result) {
        TextTable table = new TextTable("NAME", "SOURCE", "OUT");
        for (OutboundView outbound : OutboundView.readList(result)) {
            table.row(outbound.name(), String.join(",", outbound.source()), outbound.out());
        }
        print(table);
        return ExitCode.OK;
    }
}
