package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** natctl: the thin command-line client of nat-agent's admin socket. */
public final class Natctl {
    private Natctl() {}

    public static void main(String[] args) {
        StartupProperties.set();
        WarmUp.start();
        // Flushed once at the end, not per line: `apply` of a large document prints a line per
        // name, and a write(2) per line would be a large share of natctl's run.
        PrintWriter out = new PrintWriter(System.out, false);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs natctl with the given streams for the terminal natctl runs in; returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, Terminal.detect());
    }

    /** Runs natctl with output for {@code columns} columns and no colour (the test entry point). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, int columns) {
        return run(args, out, err, new Terminal(columns, false));
    }

    /** Runs natctl reading {@code apply -}'s document from {@code in} (the test entry point for stdin). */
    public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err, int columns) {
        return commandLine(args, in, out, err, new Terminal(columns, false)).execute(args);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, Terminal terminal) {
        return commandLine(args, System.in, out, err, terminal).execute(args);
    }

    /** The root command: what natctl is, its version, exit codes and the global options. */
    static CommandSpec spec() {
        CommandSpec spec = Specs.group(
                        "Control nat-agent, the NAT-instance agent, through its admin socket.", Specs.globalOptions())
                .name("natctl")
                .version("natctl 0.1.0");
        HelpOptions.addVersionTo(spec);
        Specs.examples(
                spec,
                "natctl status",
                "natctl forward list",
                "natctl forward add redis --listen 6379 --to 10.0.1.230:6379",
                "natctl --json doctor");
        String[] examples = spec.usageMessage().footer();
        String[] footer = java.util.Arrays.copyOf(examples, examples.length + 3);
        footer[examples.length] = "";
        footer[examples.length + 1] = "Global options may also follow the command. Exit codes: 0 ok, 1 the agent";
        footer[examples.length + 2] = "refused or failed the request, 2 usage error, 3 the agent could not be reached.";
        spec.usageMessage().footer(footer);
        return spec;
    }

    /**
     * The command tree for args: only the subcommands they name (see {@link Subcommands}). natctl's
     * code on this path avoids lambdas and streams: each call site linked costs start-up time.
     */
    static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err, Terminal terminal) {
        return commandLine(args, System.in, out, err, terminal);
    }

    private static CommandLine commandLine(
            String[] args, InputStream in, PrintWriter out, PrintWriter err, Terminal terminal) {
        CommandLine commandLine = new CommandLine(spec());
        Subcommands.register(commandLine, args);
        if (Subcommands.asksForHelp(args)) {
            // Only a run that prints help sets it up: every class loaded costs each run start-up time.
            HelpSections.install(commandLine);
            // picocli's help needs at least 55 columns; beyond 120 lines get hard to read.
            commandLine.setUsageHelpWidth(Math.max(55, Math.min(120, terminal.columns())));
        }
        forRun(commandLine, terminal, in);
        commandLine.setOut(out);
        commandLine.setErr(err);
        ErrorHandler errors = new ErrorHandler();
        commandLine.setParameterExceptionHandler(errors);
        commandLine.setExecutionExceptionHandler(errors);
        return commandLine;
    }

    private static void forRun(CommandLine command, Terminal terminal, InputStream in) {
        if (command.getCommand() instanceof CliCommand cli) {
            cli.terminal = terminal;
            cli.in = in;
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            forRun(sub, terminal, in);
        }
    }

    /**
     * Usage errors exit 2 with what the user may have meant and a pointer to --help; failures of
     * the request exit with their code. Under --json the error is also an object on stdout.
     */
    private static final class ErrorHandler implements IParameterExceptionHandler, IExecutionExceptionHandler {
        @Override
        public int handleParseException(ParameterException exception, String[] args) {
            CommandLine failed = exception.getCommandLine();
            ParameterException reported = UsageErrors.explain(exception);
            PrintWriter err = failed.getErr();
            String message = UsageErrors.message(reported);
            err.println("natctl: " + message);
            List<String> suggestions = UsageErrors.suggestions(reported);
            if (!suggestions.isEmpty()) {
                err.println("Did you mean: " + String.join(" or ", suggestions) + "?");
            }
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            if (UsageErrors.jsonRequested(args)) {
                ObjectNode error = NatctlException.error("USAGE", message);
                if (!suggestions.isEmpty()) {
                    error.set("suggestions", CliJson.array(suggestions));
                }
                failed.getOut().println(CliJson.compact(error));
                failed.getOut().flush();
            }
            return ExitCode.USAGE;
        }

        @Override
        public int handleExecutionException(Exception exception, CommandLine command, ParseResult parseResult)
                throws Exception {
            if (exception instanceof NatctlException failure) {
                if (Specs.json(command.getCommandSpec())) {
                    command.getOut().println(CliJson.compact(failure.error()));
                }
                command.getErr().println("natctl: " + failure.getMessage());
                return failure.exitCode();
            }
            throw exception;
        }
    }
}
