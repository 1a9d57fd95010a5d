package dev.natagent.agent.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A natctl command that does something: picocli calls it with its arguments parsed into its spec. */
abstract class CliCommand implements Callable<Integer> {
    /** This command's model, set by {@link Specs#command}; its options hold the parsed values. */
    CommandSpec spec;
    /** Where human output goes; set for the run (see {@link Natctl#commandLine}). */
    Terminal terminal = Terminal.PLAIN;
    /** What stdin is for this run ({@code apply -}); set like {@link #terminal}. */
    InputStream in = System.in;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints a table fitted to the terminal. */
    void print(TextTable table) {
        table.print(out(), terminal);
    }

    /** A usage error (exit code 2) found after parsing, reported like picocli's own. */
    ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
