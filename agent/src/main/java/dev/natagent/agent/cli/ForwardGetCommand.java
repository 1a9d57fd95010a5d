package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ForwardGetCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Forward to show.");
    private final OptionSpec output = Specs.output();

    static CommandSpec spec() {
        ForwardGetCommand command = new ForwardGetCommand();
        CommandSpec spec = Specs.command(command, "Show one forward.", command.name, command.output);
        Specs.examples(spec, "natctl forward get redis", "natctl forward get redis -o wide");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_GET, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode forward) {
        boolean wide = "wide".equals(output.getValue());
        Table table = ForwardRows.table(wide);
        ForwardRows.add(table, forward, wide);
        print(table);
        return ExitCode.OK;
    }
}
