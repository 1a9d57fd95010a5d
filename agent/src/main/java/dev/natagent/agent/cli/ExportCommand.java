package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.ExportFormat;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class ExportCommand extends AgentCommand {
    private final OptionSpec format = Specs.option(
                    "--format",
                    "json|nft|iptables",
                    ExportFormat.class,
                    FormatConverters.EXPORT,
                    "Output format (default: ${DEFAULT-VALUE}).")
            .defaultValue("json")
            .completionCandidates(FormatConverters.EXPORT_NAMES)
            .build();

    static CommandSpec spec() {
        ExportCommand command = new ExportCommand();
        return Specs.command(
                command,
                "Print the desired state (json), the nft ruleset (nft) or iptables-restore input (iptables).",
                command.format);
    }

    @Override
    public Integer call() {
        ExportFormat chosen = format.getValue();
        return callAndPrint(Op.EXPORT, args().put("format", chosen.wireName()));
    }

    @Override
    Integer render(JsonNode document) {
        printContent(document);
        return ExitCode.OK;
    }
}
