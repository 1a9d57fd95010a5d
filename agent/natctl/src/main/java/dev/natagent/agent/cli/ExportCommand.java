package dev.natagent.agent.cli;

import dev.natagent.agent.protocol.ExportFormat;
import dev.natagent.agent.protocol.Op;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class ExportCommand extends DocumentCommand {
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
        CommandSpec spec = Specs.command(
                command,
                "Print the desired state (json), the nft ruleset (nft) or iptables-restore input (iptables).",
                command.format);
        Specs.examples(
                spec,
                "natctl export > state.json",
                "natctl export --format nft",
                "natctl export --format iptables > rules.v4");
        return spec;
    }

    @Override
    public Integer call() {
        ExportFormat chosen = format.getValue();
        return callAndPrint(Op.EXPORT, args().put("format", chosen.wireName()));
    }
}
