package dev.natagent.agent.cli;

import dev.natagent.agent.api.AdminProtocol;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** natctl: the thin command-line client of nat-agent's admin socket. */
@Command(
        name = "natctl",
        mixinStandardHelpOptions = true,
        version = "natctl 0.1.0",
        description = "Control nat-agent, the NAT-instance agent, through its admin socket.",
        footer = {
            "",
            "Exit codes: 0 ok, 1 the agent refused or failed the request, 2 usage error,",
            "3 the agent could not be reached."
        })
public final class Natctl {
    @Option(
            names = "--socket",
            paramLabel = "PATH",
            scope = ScopeType.INHERIT,
            defaultValue = "${env:NATCTL_SOCKET:-" + AdminProtocol.DEFAULT_SOCKET + "}",
            description = "Admin socket of nat-agent (default: $NATCTL_SOCKET or ${DEFAULT-VALUE}).")
    Path socket;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print machine-readable JSON.")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            scope = ScopeType.INHERIT,
            defaultValue = "120",
            description = "Give up waiting for the agent after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs natctl with the given streams and returns its exit code (the test entry point). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(args, out, err).execute(args);
    }

    /** The command tree for args: only the subcommands they name (see {@link Subcommands}). */
    static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Natctl());
        Subcommands.register(commandLine, args);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((exception, unused) -> {
            CommandLine failed = exception.getCommandLine();
            failed.getErr().println("natctl: " + exception.getMessage());
            failed.getErr()
                    .println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            if (exception instanceof NatctlException failure) {
                Natctl root = command.getCommandSpec().root().commandLine().getCommand();
                if (root.json && failure.agentError() != null) {
                    command.getOut().println(CliJson.compact(failure.agentError()));
                }
                command.getErr().println("natctl: " + failure.getMessage());
                return failure.exitCode();
            }
            throw exception;
        });
        return commandLine;
    }
}
