package dev.natagent.agent.cli;

import dev.natagent.agent.protocol.Defaults;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ScopeType;

/**
 * natctl's picocli model, built with picocli's programmatic API. Annotations would make picocli
 * reflect over every command class and generate annotation proxies on each run (about a third of
 * a natctl call); these builders hand it the same model directly. picocli still parses, validates,
 * prints help and generates the completion script. This is the one place for what every command
 * shares: -h/--help, -V/--version and the global options.
 */
final class Specs {
    private static final String SOCKET = "--socket";
    private static final String JSON = "--json";
    private static final String TIMEOUT = "--timeout";

    private Specs() {}

    /** A command that runs command's call(); a description line break starts a new help line. */
    static CommandSpec command(CliCommand command, String description, ArgSpec... args) {
        CommandSpec spec = build(CommandSpec.wrapWithoutInspection(command), description, args);
        command.spec = spec;
        return spec;
    }

    /** A command that only groups subcommands: without one, picocli reports a missing subcommand. */
    static CommandSpec group(String description, ArgSpec... args) {
        return build(CommandSpec.create(), description, args);
    }

    /**
     * Adds args, then the same -h/--help as picocli's mixinStandardHelpOptions (in the same place:
     * the completion script lists options in this order) without its reflection; -V/--version is
     * natctl's alone (see {@link Natctl#spec}).
     */
    private static CommandSpec build(CommandSpec spec, String description, ArgSpec[] args) {
        spec.usageMessage().description(description.split("\n"));
        for (ArgSpec arg : args) {
            spec.add(arg);
        }
        HelpOptions.addHelpTo(spec);
        return spec;
    }

    /** Ends command's help with an "Examples:" section, one command line each; returns spec. */
    static CommandSpec examples(CommandSpec spec, String... commandLines) {
        String[] lines = new String[commandLines.length];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = HelpSections.EXAMPLE_INDENT + commandLines[i];
        }
        spec.usageMessage().footerHeading("%nExamples:%n").footer(lines);
        return spec;
    }

    /** natctl's global options, for the root: subcommands inherit them, before or after their name. */
    static OptionSpec[] globalOptions() {
        return new OptionSpec[] {
            option(
                            SOCKET,
                            "PATH",
                            Path.class,
                            new PathConverter(),
                            "Admin socket of nat-agent (default: $NATCTL_SOCKET or ${DEFAULT-VALUE}).")
                    .scopeType(ScopeType.INHERIT)
                    .defaultValue("${env:NATCTL_SOCKET:-" + Defaults.SOCKET + "}")
                    .build(),
            flagBuilder(JSON, "Print machine-readable JSON.")
                    .scopeType(ScopeType.INHERIT)
                    .build(),
            option(
                            TIMEOUT,
                            "SECONDS",
                            int.class,
                            "Give up waiting for the agent after this long (default: ${DEFAULT-VALUE}).")
                    .scopeType(ScopeType.INHERIT)
                    .defaultValue("120")
                    .build()
        };
    }

    static Path socket(CommandSpec spec) {
        return global(spec, SOCKET);
    }

    static boolean json(CommandSpec spec) {
        return global(spec, JSON);
    }

    static Duration timeout(CommandSpec spec) {
        int seconds = global(spec, TIMEOUT);
        return Duration.ofSeconds(seconds);
    }

    /** Inherited copies share the root option's value, wherever on the command line it was given. */
    private static <T> T global(CommandSpec spec, String name) {
        return spec.root().findOption(name).getValue();
    }

    /** An option taking one value of type (picocli's own converter for it). */
    static OptionSpec.Builder option(String name, String paramLabel, Class<?> type, String description) {
        return OptionSpec.builder(name).paramLabel(paramLabel).type(type).description(description);
    }

    /** An option taking one value that converter parses. */
    static <T> OptionSpec.Builder option(
            String name, String paramLabel, Class<T> type, ITypeConverter<T> converter, String description) {
        return option(name, paramLabel, type, description).converters(converter);
    }

    /** A repeatable option whose values may also be comma-separated (PARAM[,PARAM...]). */
    static <T> OptionSpec.Builder list(
            String name, String paramLabel, Class<T> elementType, ITypeConverter<T> converter, String description) {
        return option(name, paramLabel, List.class, description)
                .auxiliaryTypes(elementType)
                .converters(converter)
                .splitRegex(",");
    }

    /** An option without a value: true when given, false when not. */
    static OptionSpec flag(String name, String description) {
        return flagBuilder(name, description).build();
    }

    /** -q/--quiet: nothing on stdout when the command succeeds (for scripts: the exit code says it). */
    static OptionSpec quiet() {
        return OptionSpec.builder("-q", "--quiet")
                .type(boolean.class)
                .initialValue(false)
                .description("Print nothing when the command succeeds.")
                .build();
    }

    /** -o/--output table|wide for the forward tables. */
    static OptionSpec output() {
        return option(
                        "-o",
                        "table|wide",
                        String.class,
                        "Output: table (default; fits the terminal) or wide (every field, exact counters).")
                .names("-o", "--output")
                .defaultValue("table")
                .completionCandidates(List.of("table", "wide"))
                .converters(new Output())
                .build();
    }

    /** A class, not a lambda: natctl links no lambda call site on its way (each costs start-up time). */
    private static final class Output implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!"table".equals(value) && !"wide".equals(value)) {
                throw new picocli.CommandLine.TypeConversionException("choose table or wide");
            }
            return value;
        }
    }

    /** Path.of, as picocli's own Path converter does by reflection (see {@link StartupProperties}). */
    private static final class PathConverter implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private static OptionSpec.Builder flagBuilder(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).initialValue(false).description(description);
    }

    /** A required positional parameter holding one string. */
    static PositionalParamSpec positional(String paramLabel, String description) {
        return PositionalParamSpec.builder()
                .required(true)
                .paramLabel(paramLabel)
                .type(String.class)
                .description(description)
                .build();
    }
}
