package dev.natagent.agent.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;

final class CompletionCommand extends CliCommand {
    static CommandSpec spec() {
        return Specs.command(
                new CompletionCommand(),
                "Print the bash completion script for natctl.\n"
                        + "Install: natctl completion > /etc/bash_completion.d/natctl");
    }

    @Override
    public Integer call() {
        out().print(AutoComplete.bash("natctl", spec.root().commandLine()));
        out().flush();
        return ExitCode.OK;
    }
}
