package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.OutboundChange;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class OutboundRemoveCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Outbound to remove.");
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        OutboundRemoveCommand command = new OutboundRemoveCommand();
        CommandSpec spec = Specs.command(command, "Remove an outbound PAT rule.", command.name, command.quiet);
        Specs.examples(spec, "natctl outbound remove private");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.OUTBOUND_REMOVE, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        OutboundChange change = OutboundChange.read(reply);
        out().println("removed outbound " + change.outbound().name() + " (revision " + change.revision() + ")");
        return ExitCode.OK;
    }
}
