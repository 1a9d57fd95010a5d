package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.protocol.ClusterMap;
import dev.natagent.agent.protocol.MalformedReplyException;
import dev.natagent.agent.protocol.Op;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ClusterMapCommand extends AgentCommand {
    private final PositionalParamSpec name = Specs.positional("NAME", "Cluster whose address map to print.");
    private final OptionSpec format = Specs.option(
                    "--format",
                    "json|list",
                    String.class,
                    "json: {\"ip:port\":{\"host\":..,\"port\":..}} as ioredis natMap and node-redis nodeAddressMap"
                            + " take it; list: one 'advertised -> public' line per address (default: json).")
            .defaultValue("json")
            .completionCandidates(List.of("json", "list"))
            .build();

    static CommandSpec spec() {
        ClusterMapCommand command = new ClusterMapCommand();
        CommandSpec spec = Specs.command(
                command,
                "Print where clients must dial each node: advertised address -> public address and listen port.",
                command.name,
                command.format);
        Specs.examples(spec, "natctl cluster map orders > orders-map.json", "natctl cluster map orders --format list");
        return spec;
    }

    @Override
    public Integer call() {
        String chosen = format.getValue();
        if (!"json".equals(chosen) && !"list".equals(chosen)) {
            throw usageError("unknown format '" + chosen + "' (choose json or list)");
        }
        return callAndPrint(Op.CLUSTER_MAP, args().put("name", name.<String>getValue()));
    }

    /** The map alone, so the file pastes (or loads) straight into a client. */
    @Override
    Integer print(JsonNode result) {
        ClusterMap map;
        try {
            map = ClusterMap.read(result);
        } catch (MalformedReplyException e) {
            throw malformed(e);
        }
        if (jsonOutput() || "json".equals(format.getValue())) {
            ObjectNode json = CliJson.object();
            for (Map.Entry<String, ClusterMap.Dial> entry : map.map().entrySet()) {
                json.putObject(entry.getKey())
                        .put("host", entry.getValue().host())
                        .put("port", entry.getValue().port());
            }
            printJson(json);
            return ExitCode.OK;
        }
        for (Map.Entry<String, ClusterMap.Dial> entry : map.map().entrySet()) {
            out().println(entry.getKey() + " -> " + entry.getValue().host() + ":"
                    + entry.getValue().port());
        }
        return ExitCode.OK;
    }
}
