package dev.natagent.agent.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The -h/--help and -V/--version options of picocli's mixinStandardHelpOptions, added without
 * it: the mixin is itself an annotated class, and reading its annotations costs natctl's and the
 * daemon's start-up. Same names, descriptions and order, so help and completion are unchanged.
 */
public final class HelpOptions {
    private HelpOptions() {}

    public static void addTo(CommandSpec spec) {
        addHelpTo(spec);
        addVersionTo(spec);
    }

    public static void addVersionTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-V", "--version")
                .versionHelp(true)
                .description("Print version information and exit.")
                .build());
    }

    /** Only -h/--help: for a subcommand, whose version is natctl's (natctl --version). */
    public static void addHelpTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
    }
}
