package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.Op;
import dev.natagent.agent.protocol.OutboundChange;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class OutboundAddCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Outbound name: [a-z0-9][a-z0-9_.-]{0,62}.");
    private final OptionSpec sources = Specs.list(
                    "--source", "CIDR", Cidr.class, ModelConverters.CIDR, "Private source CIDRs.")
            .required(true)
            .build();
    private final OptionSpec outInterface = Specs.option("--out", "IFACE", String.class, "Egress interface, e.g. ens5.")
            .required(true)
            .build();
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        OutboundAddCommand command = new OutboundAddCommand();
        CommandSpec spec = Specs.command(
                command,
                "Masquerade traffic from the source CIDRs leaving through interface IFACE.",
                command.name,
                command.sources,
                command.outInterface,
                command.quiet);
        Specs.examples(spec, "natctl outbound add private --source 10.0.0.0/16,10.1.0.0/16 --out ens5");
        return spec;
    }

    @Override
    public Integer call() {
        Outbound outbound;
        try {
            outbound = new Outbound(name.getValue(), sources.getValue(), outInterface.getValue());
        } catch (ValidationException e) {
            throw usageError("invalid outbound: " + e.getMessage());
        }
        ObjectNode json = CliJson.object();
        json.put("name", outbound.name());
        json.set("source", CliJson.array(outbound.sources()));
        json.put("out", outbound.outInterface());
        return callAndPrint(Op.OUTBOUND_ADD, args().set("outbound", json));
    }

    @Override
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        OutboundChange change = OutboundChange.read(reply);
        out().println("added outbound " + change.outbound().name() + " (revision " + change.revision() + ")");
        return ExitCode.OK;
    }
}
