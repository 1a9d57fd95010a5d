package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.ForwardChange;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ForwardAddCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Forward name: [a-z0-9][a-z0-9_.-]{0,62}.");
    private final OptionSpec listen = Specs.option(
                    "--listen",
                    "PORT|FIRST-LAST",
                    PortRange.class,
                    ModelConverters.PORT_RANGE,
                    "Listen port or range; a range maps to the targets in order.")
            .required(true)
            .build();
    private final OptionSpec targets = Specs.list(
                    "--to",
                    "HOST:PORT",
                    Target.class,
                    ModelConverters.TARGET,
                    "Targets (IPv4 address or DNS name, with port), one per listen port.")
            .required(true)
            .build();
    private final OptionSpec proto = Specs.option(
                    "--proto", "tcp|udp", Protocol.class, ModelConverters.PROTOCOL, "Protocol (default: tcp).")
            .build();
    private final OptionSpec allow = Specs.list(
                    "--allow",
                    "CIDR",
                    Cidr.class,
                    ModelConverters.CIDR,
                    "Source CIDRs allowed to use the forward (default: any source).")
            .build();
    private final OptionSpec snat = Specs.option(
                    "--snat",
                    "masquerade|none|ADDRESS",
                    ReturnPath.class,
                    ModelConverters.RETURN_PATH,
                    "Return path: masquerade (default), none, or SNAT to ADDRESS.")
            .build();
    private final OptionSpec force = Specs.flag("--force", "Forward even the port this host's sshd listens on.");
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        ForwardAddCommand command = new ForwardAddCommand();
        CommandSpec spec = Specs.command(
                command,
                "Add a port forward: connections to LISTEN on this host go to the targets.",
                command.name,
                command.listen,
                command.targets,
                command.proto,
                command.allow,
                command.snat,
                command.force,
                command.quiet);
        Specs.examples(
                spec,
                "natctl forward add redis --listen 6379 --to 10.0.1.230:6379",
                "natctl forward add redis --listen 6379-6381 --allow 198.51.100.0/24"
                        + " --to redis-1.internal:6379,redis-2.internal:6379,redis-3.internal:6379",
                "natctl forward add dns --proto udp --listen 53 --to 10.0.0.2:53 --snat none");
        return spec;
    }

    @Override
    public Integer call() {
        Forward forward;
        try {
            forward = new Forward(
                    name.getValue(),
                    proto.getValue(),
                    listen.getValue(),
                    targets.getValue(),
                    allow.getValue(),
                    snat.getValue());
        } catch (ValidationException e) {
            throw usageError("invalid forward: " + e.getMessage());
        }
        ObjectNode args = args();
        args.set("forward", json(forward));
        if (force.<Boolean>getValue()) {
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
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        ForwardChange change = ForwardChange.read(reply);
        out().println("added forward " + change.forward().name() + " (revision " + change.revision() + ")");
        TextTable table = ForwardRows.table(false);
        ForwardRows.add(table, change.forward(), false);
        print(table);
        return ExitCode.OK;
    }
}
