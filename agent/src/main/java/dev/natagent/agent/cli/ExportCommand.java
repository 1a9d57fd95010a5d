package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.ExportFormat;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Print the desired state (json), the nft ruleset (nft) or iptables-restore input (iptables).")
final class ExportCommand extends AgentCommand {
    @Option(
            names = "--format",
            paramLabel = "json|nft|iptables",
            defaultValue = "json",
            converter = FormatConverters.Export.class,
            completionCandidates = FormatConverters.ExportNames.class,
            description = "Output format (default: ${DEFAULT-VALUE}).")
    ExportFormat format;

    @Override
    public Integer call() {
        return callAndPrint(Op.EXPORT, args().put("format", format.wireName()));
    }

    @Override
    Integer render(JsonNode document) {
        printContent(document);
        return ExitCode.OK;
    }
}
