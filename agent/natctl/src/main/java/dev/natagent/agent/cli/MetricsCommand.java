package dev.natagent.agent.cli;

import dev.natagent.agent.protocol.MetricsFormat;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class MetricsCommand extends DocumentCommand {
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
        CommandSpec spec = Specs.command(
                command, "Print the agent's metrics as JSON or Prometheus text exposition.", command.format);
        Specs.examples(spec, "natctl metrics", "natctl metrics --format prometheus");
        return spec;
    }

    @Override
    public Integer call() {
        MetricsFormat chosen = format.getValue();
        return callAndPrint(Op.METRICS, args().put("format", chosen.wireName()));
    }
}
