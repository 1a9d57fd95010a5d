package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.api.Op;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Add a port forward: connections to LISTEN on this host go to the targets.")
final class ForwardAddCommand extends AgentCommand {
    @Parameters(paramLabel = "NAME", description = "Forward name: [a-z0-9][a-z0-9_.-]{0,62}.")
    String name;

    @Option(
            names = "--listen",
            required = true,
            paramLabel = "PORT|FIRST-LAST",
            converter = ModelConverters.PortRangeConverter.class,
            description = "Listen port or range; a range maps to the targets in order.")
    PortRange listen;

    @Option(
            names = "--to",
            required = true,
            split = ",",
            paramLabel = "HOST:PORT",
            converter = ModelConverters.TargetConverter.class,
            description = "Targets (IPv4 address or DNS name, with port), one per listen port.")
    List<Target> targets;

    @Option(
            names = "--proto",
            paramLabel = "tcp|udp",
            converter = ModelConverters.ProtocolConverter.class,
            description = "Protocol (default: tcp).")
    Protocol proto;

    @Option(
            names = "--allow",
            split = ",",
            paramLabel = "CIDR",
            converter = ModelConverters.CidrConverter.class,
            description = "Source CIDRs allowed to use the forward (default: any source).")
    List<Cidr> allow;

    @Option(
            names = "--snat",
            paramLabel = "masquerade|none|ADDRESS",
            converter = ModelConverters.ReturnPathConverter.class,
            description = "Return path: masquerade (default), none, or SNAT to ADDRESS.")
    ReturnPath snat;

    @Option(names = "--force", description = "Forward even the port this host's sshd listens on.")
    boolean force;

    @Override
    public Integer call() {
        Forward forward;
        try {
            forward = new Forward(name, proto, listen, targets, allow, snat);
        } catch (ValidationException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "invalid forward: " + e.getMessage());
        }
        ObjectNode args = args();
        args.set("forward", json(forward));
        if (force) {
            args.put("force", true);
        }
        return callAndPrint(Op.FORWARD_ADD, args);
    }

    /** The model's JSON shape of a forward (see {@link Forward}), built without an ObjectMapper. */
    private static ObjectNode json(Forward forward) {
        ObjectNode json = CliJson.object();
        json.put("name", forward.name());
        json.put("proto", forward.proto().toString());
        json.put("listen", forward.listen().toString());
        json.set("to", CliJson.array(forward.targets()));
        json.set("allow", CliJson.array(forward.allow()));
        json.put("snat", forward.returnPath().toString());
        return json;
    }

    @Override
    Integer render(JsonNode change) {
        out().println("added forward " + change.path("forward").path("name").asText() + " (generation "
                + change.path("generation").asText() + ")");
        Table table = ForwardRows.table();
        ForwardRows.add(table, change.path("forward"));
        table.print(out());
        return ExitCode.OK;
    }
}
