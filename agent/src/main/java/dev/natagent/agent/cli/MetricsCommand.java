package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.MetricsFormat;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        description = "Print the agent's metrics as JSON or Prometheus text exposition.")
final class MetricsCommand extends AgentCommand {
    @Option(
            names = "--format",
            paramLabel = "json|prometheus",
            defaultValue = "json",
            converter = FormatConverters.Metrics.class,
            completionCandidates = FormatConverters.MetricsNames.class,
            description = "Output format (default: ${DEFAULT-VALUE}).")
    MetricsFormat format;

    @Override
    public Integer call() {
        return callAndPrint(Op.METRICS, args().put("format", format.wireName()));
    }

    @Override
    Integer render(JsonNode document) {
        printContent(document);
        return ExitCode.OK;
    }
}
