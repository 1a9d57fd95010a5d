package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.ReplyFields;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class ForwardListCommand extends AgentCommand {
    private final OptionSpec output = Specs.output();

    static CommandSpec spec() {
        ForwardListCommand command = new ForwardListCommand();
        CommandSpec spec = Specs.command(
                command, "List forwards with their targets, allow-lists, counters and health.", command.output);
        Specs.examples(spec, "natctl forward list", "natctl forward list -o wide", "natctl --json forward list");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_LIST, args());
    }

    @Override
    Integer render(JsonNode result) {
        boolean wide = "wide".equals(output.getValue());
        TextTable table = ForwardRows.table(wide);
        for (ReplyFields forward : ReplyFields.of(result, "forward.list reply").objects("forwards")) {
            ForwardRows.add(table, ForwardView.read(forward), wide);
        }
        print(table);
        return ExitCode.OK;
    }
}
