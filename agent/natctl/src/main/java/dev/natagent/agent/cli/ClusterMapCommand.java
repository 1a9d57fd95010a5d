package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
        JsonNode map = result.path("map");
        if (jsonOutput() || "json".equals(format.getValue())) {
            printJson(map);
            return ExitCode.OK;
        }
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            out().println(entry.getKey() + " -> "
                    + entry.getValue().path("host").asText() + ":"
                    + entry.getValue().path("port").asText());
        }
        return ExitCode.OK;
    }
}
