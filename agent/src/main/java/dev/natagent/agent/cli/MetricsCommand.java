package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.api.MetricsFormat;
import dev.natagent.agent.api.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class MetricsCommand extends AgentCommand {
    private final OptionSpec format = Specs.option(
                    "--format",
                    "json|prometheus",
                    MetricsFormat.class,
                    FormatConverters.METRICS,
                    "Output format (default: ${DEFAULT-VALUE}).")
            .defaultValue("json")
            .completionCandidates(FormatConverters.METRICS_NAMES)
            .build();

    static CommandSpec spec() {
        MetricsCommand command = new MetricsCommand();
        return Specs.command(
                command, "Print the agent's metrics as JSON or Prometheus text exposition.", command.format);
    }

    @Override
    public Integer call() {
        MetricsFormat chosen = format.getValue();
        return callAndPrint(Op.METRICS, args().put("format", chosen.wireName()));
    }

    @Override
    Integer render(JsonNode document) {
        printContent(document);
        return ExitCode.OK;
    }
}
