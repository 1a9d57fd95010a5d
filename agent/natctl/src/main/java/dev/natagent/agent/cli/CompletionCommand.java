package dev.natagent.agent.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;

final class CompletionCommand extends CliCommand {
    static CommandSpec spec() {
        CommandSpec spec = Specs.command(new CompletionCommand(), "Print the bash completion script for natctl.");
        Specs.examples(
                spec,
                "natctl completion > /etc/bash_completion.d/natctl   # for every user",
                "source <(natctl completion)                         # this shell only");
        return spec;
    }

    @Override
    public Integer call() {
        out().print(AutoComplete.bash("natctl", spec.root().commandLine()));
        out().flush();
        return ExitCode.OK;
    }
}
