package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.api.Op;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Outbound;
import dev.natagent.agent.model.ValidationException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Masquerade traffic from the source CIDRs leaving through interface IFACE.")
final class OutboundAddCommand extends AgentCommand {
    @Parameters(paramLabel = "NAME", description = "Outbound name: [a-z0-9][a-z0-9_.-]{0,62}.")
    String name;

    @Option(
            names = "--source",
            required = true,
            split = ",",
            paramLabel = "CIDR",
            converter = ModelConverters.CidrConverter.class,
            description = "Private source CIDRs.")
    List<Cidr> sources;

    @Option(names = "--out", required = true, paramLabel = "IFACE", description = "Egress interface, e.g. ens5.")
    String out;

    @Override
    public Integer call() {
        Outbound outbound;
        try {
            outbound = new Outbound(name, sources, out);
        } catch (ValidationException e) {
            throw new ParameterException(spec.commandLine(), "invalid outbound: " + e.getMessage());
        }
        ObjectNode json = CliJson.object();
        json.put("name", outbound.name());
        json.set("source", CliJson.array(outbound.sources()));
        json.put("out", outbound.outInterface());
        return callAndPrint(Op.OUTBOUND_ADD, args().set("outbound", json));
    }

    @Override
    Integer render(JsonNode change) {
        out().println("added outbound " + name + " (generation "
                + change.path("generation").asText() + ")");
        return ExitCode.OK;
    }
}
