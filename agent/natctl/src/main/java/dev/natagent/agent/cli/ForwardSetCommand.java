package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.protocol.ForwardUpdate;
import dev.natagent.agent.protocol.Op;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** forward set: changes the given fields of a forward in one atomic change (op forward.set). */
final class ForwardSetCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Forward to change.");
    private final OptionSpec targets = Specs.list(
                    "--to",
                    "HOST:PORT",
                    Target.class,
                    ModelConverters.TARGET,
                    "New targets (IPv4 address or DNS name, with port), one per listen port.")
            .build();
    private final OptionSpec allow = Specs.option(
                    "--allow", "CIDR", List.class, "New allow-list of source CIDRs, or any to admit every source.")
            .auxiliaryTypes(String.class)
            .splitRegex(",")
            .build();
    private final OptionSpec snat = Specs.option(
                    "--snat",
                    "masquerade|none|ADDRESS",
                    ReturnPath.class,
                    ModelConverters.RETURN_PATH,
                    "New return path: masquerade, none, or SNAT to ADDRESS.")
            .build();
    private final OptionSpec listen = Specs.option(
                    "--listen",
                    "PORT|FIRST-LAST",
                    PortRange.class,
                    ModelConverters.PORT_RANGE,
                    "New listen port or range (with as many targets).")
            .build();
    private final OptionSpec proto = Specs.option(
                    "--proto", "tcp|udp", Protocol.class, ModelConverters.PROTOCOL, "New protocol.")
            .build();
    private final OptionSpec force = Specs.flag("--force", "Forward even the port this host's sshd listens on.");
    private final OptionSpec quiet = Specs.quiet();

    static CommandSpec spec() {
        ForwardSetCommand command = new ForwardSetCommand();
        CommandSpec spec = Specs.command(
                command,
                "Change a forward in place: the options given replace those fields, the others stay.\n"
                        + "One atomic change: the forward's counters stay, and so do open connections\n"
                        + "to the targets it keeps.",
                command.name,
                command.targets,
                command.allow,
                command.snat,
                command.listen,
                command.proto,
                command.force,
                command.quiet);
        Specs.examples(
                spec,
                "natctl forward set redis --to 10.0.1.240:6379,10.0.1.241:6379,10.0.1.242:6379",
                "natctl forward set redis --allow 198.51.100.0/24",
                "natctl forward set redis --allow any --snat none");
        return spec;
    }

    @Override
    public Integer call() {
        ObjectNode set = CliJson.object();
        if (targets.getValue() != null) {
            set.set("to", CliJson.array(targets.<List<Target>>getValue()));
        }
        if (allow.getValue() != null) {
            set.set("allow", allowList(allow.getValue()));
        }
        if (snat.getValue() != null) {
            set.put("snat", snat.getValue().toString());
        }
        if (listen.getValue() != null) {
            set.put("listen", listen.getValue().toString());
        }
        if (proto.getValue() != null) {
            set.put("proto", proto.getValue().toString());
        }
        if (set.isEmpty()) {
            throw usageError("nothing to change: give at least one of --to, --allow, --snat, --listen, --proto");
        }
        ObjectNode args = args().put("name", name.<String>getValue());
        args.set("set", set);
        if (force.<Boolean>getValue()) {
            args.put("force", true);
        }
        return callAndPrint(Op.FORWARD_SET, args);
    }

    /** The CIDRs checked here with the model's parser (a usage error, like --to's), or [] for any. */
    private ArrayNode allowList(List<String> values) {
        if (values.size() == 1 && "any".equals(values.get(0))) {
            return CliJson.array(List.of());
        }
        ArrayNode cidrs = CliJson.array(List.of());
        for (String value : values) {
            try {
                cidrs.add(Cidr.parse(value).toString());
            } catch (ValidationException e) {
                throw usageError(
                        "Invalid value for option '--allow': " + e.first().message());
            }
        }
        return cidrs;
    }

    @Override
    Integer render(JsonNode reply) {
        if (quiet.<Boolean>getValue()) {
            return ExitCode.OK;
        }
        ForwardUpdate update = ForwardUpdate.read(reply);
        String forward = update.forward().name();
        String revision = " (revision " + update.revision() + ")";
        out().println(
                        update.changes().isEmpty()
                                ? "forward " + forward + " unchanged" + revision
                                : "changed forward " + forward + ": " + update.changes() + revision);
        TextTable table = ForwardRows.table(false);
        ForwardRows.add(table, update.forward(), false);
        print(table);
        return ExitCode.OK;
    }
}
