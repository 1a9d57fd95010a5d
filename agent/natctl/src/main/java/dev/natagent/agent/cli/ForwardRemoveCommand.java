package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.ForwardChange;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ForwardRemoveCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Forward to remove.");
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        ForwardRemoveCommand command = new ForwardRemoveCommand();
        CommandSpec spec = Specs.command(
                command,
                "Remove a port forward (its connections stop; to change one in place, use forward set).",
                command.name,
                command.quiet);
        Specs.examples(spec, "natctl forward remove redis");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_REMOVE, args().put("name", name.<String>getValue()));
    }

    @Override
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        ForwardChange change = ForwardChange.read(reply);
        out().println("removed forward " + change.forward().name() + " (revision " + change.revision() + ")");
        return ExitCode.OK;
    }
}
