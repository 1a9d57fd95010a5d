package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.protocol.ForwardView;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ForwardGetCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Forward to show.");

    static CommandSpec spec() {
        ForwardGetCommand command = new ForwardGetCommand();
        CommandSpec spec =
                Specs.command(command, "Show one forward, field by field, with exact counters.", command.name);
        Specs.examples(spec, "natctl forward get redis", "natctl --json forward get redis");
        return spec;
    }

    @Override
    public Integer call() {
        return callAndPrint(Op.FORWARD_GET, args().put("name", name.<String>getValue()));
    }

    /** One "key: value" line per field: one forward needs no columns, and has room for exact figures. */
    @Override
    Integer render(JsonNode result) {
        ForwardView forward = ForwardView.read(result);
        long packets = forward.packets();
        long bytes = forward.bytes();
        new KeyValues()
                .field("name", forward.name())
                .field("proto", forward.proto())
                .field("listen", forward.listen())
                .field("targets", String.join("\n", ForwardRows.targetLines(forward, true)))
                .field("allow", ForwardRows.allow(forward.allow()))
                .field("snat", forward.snat())
                .field("packets", packets + (packets < 1000 ? "" : " (" + Units.count(packets) + ")"))
                .field("bytes", bytes + (bytes < 1024 ? "" : " (" + Units.bytes(bytes) + ")"))
                .painted("health", forward.health().wireName())
                .print(out(), terminal);
        return ExitCode.OK;
    }
}
