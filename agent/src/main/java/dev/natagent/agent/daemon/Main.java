package dev.natagent.agent.daemon;

import dev.natagent.agent.cli.HelpOptions;
import dev.natagent.agent.config.ConfigFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code nat-agent}: the daemon. Runs in the foreground (systemd style) until SIGTERM.
 *
 * <p>The command line is built with picocli's programmatic API rather than annotations: on the
 * start path, annotation scanning (reflection, annotation proxies) costs tens of milliseconds of
 * CPU before the daemon does anything, and every option here is a plain string.
 */
public final class Main {
    private Main() {}

    /** What the command line asks for: the daemon's options and the log level. */
    record Invocation(Daemon.Options options, Level logLevel) {}

    public static void main(String[] args) {
        System.exit(commandLine(Main::start).execute(args));
    }

    private static int start(Invocation invocation) {
        Logging.configure(invocation.logLevel());
        return Daemon.run(invocation.options());
    }

    /** The command line; {@code daemon} runs with the parsed options unless help or version was asked. */
    static CommandLine commandLine(ToIntFunction<Invocation> daemon) {
        CommandSpec spec =
                CommandSpec.create().name("nat-agent").versionProvider(() -> new String[] {"nat-agent " + version()});
        HelpOptions.addTo(spec);
        Map<String, String> exitCodes = new LinkedHashMap<>();
        exitCodes.put("0", "stopped by SIGTERM/SIGINT");
        exitCodes.put("1", "could not start (config, state directory, netlink, socket)");
        exitCodes.put("2", "usage error");
        spec.usageMessage()
                .description(
                        "Keeps the NAT rules of this instance (nftables table ip nat_agent) in step with its desired state,",
                        "persists that state, and serves the admin socket that natctl talks to.",
                        "Stopping it (SIGTERM) leaves the rules in place; a restart adopts them without a traffic blip.")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes);
        spec.addOption(option(
                "--config",
                "FILE",
                ConfigFile.DEFAULT_PATH.toString(),
                "config file; optional, seeds the state on first start (default: ${DEFAULT-VALUE})"));
        spec.addOption(option(
                "--state-dir",
                "DIR",
                null,
                "state directory (default: the config file's daemon.state_dir, else /var/lib/nat-agent)"));
        spec.addOption(option(
                "--socket",
                "PATH",
                null,
                "admin socket (default: daemon.admin_socket, else /run/nat-agent/admin.sock)"));
        spec.addOption(option(
                "--admin-group",
                "GROUP",
                null,
                "group allowed to use the admin socket (default: daemon.admin_group, else natadmin)"));
        spec.addOption(
                option("--log-level", "LEVEL", "info", "error, warn, info or debug (default: ${DEFAULT-VALUE})"));

        CommandLine commandLine = new CommandLine(spec);
        commandLine.setExecutionStrategy(parsed -> {
            Integer helpExitCode = CommandLine.executeHelpRequest(parsed);
            return helpExitCode != null ? helpExitCode : daemon.applyAsInt(invocation(parsed));
        });
        return commandLine;
    }

    private static OptionSpec option(String name, String label, String defaultValue, String description) {
        return OptionSpec.builder(name)
                .paramLabel(label)
                .type(String.class)
                .defaultValue(defaultValue)
                .description(description)
                .build();
    }

    private static Invocation invocation(ParseResult parsed) {
        String logLevel = parsed.matchedOptionValue("--log-level", "info");
        Level level =
                switch (logLevel) {
                    case "error" -> Level.SEVERE;
                    case "warn" -> Level.WARNING;
                    case "info" -> Level.INFO;
                    case "debug" -> Level.FINE;
                    default -> throw new CommandLine.ParameterException(
                            parsed.commandSpec().commandLine(),
                            "--log-level must be error, warn, info or debug, not " + logLevel);
                };
        return new Invocation(
                new Daemon.Options(
                        Path.of(parsed.matchedOptionValue("--config", ConfigFile.DEFAULT_PATH.toString())),
                        path(parsed, "--state-dir"),
                        path(parsed, "--socket"),
                        parsed.matchedOptionValue("--admin-group", null)),
                level);
    }

    private static Path path(ParseResult parsed, String option) {
        String value = parsed.matchedOptionValue(option, null);
        return value == null ? null : Path.of(value);
    }

    /** The version recorded in the jar manifest by the build. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
