package dev.natagent.agent.daemon;

import dev.natagent.agent.config.ConfigFile;
import dev.natagent.agent.protocol.Defaults;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.logging.Level;

/**
 * {@code nat-agent}: the daemon. Runs in the foreground (systemd style) until SIGTERM.
 *
 * <p>Five string options and help/version need no command-line library: the parser is written
 * out here, which keeps the CLI's library out of the daemon and costs nothing at start.
 */
public final class Main {
    private static final String USAGE = "Usage: nat-agent [-hV] [--admin-group=GROUP] [--config=FILE]\n"
            + "                 [--log-level=LEVEL] [--socket=PATH] [--state-dir=DIR]\n";

    private static final String HELP = USAGE
            + "Keeps the NAT rules of this instance (nftables table ip nat_agent) in step with\n"
            + "its desired state,\n"
            + "persists that state, and serves the admin socket that natctl talks to.\n"
            + "Stopping it (SIGTERM) leaves the rules in place; a restart adopts them without\n"
            + "a traffic blip.\n"
            + "      --admin-group=GROUP   group allowed to use the admin socket (default:\n"
            + "                              daemon.admin_group, else " + Defaults.ADMIN_GROUP + ")\n"
            + "      --config=FILE         config file; optional, seeds the state on first\n"
            + "                              start (default: " + ConfigFile.DEFAULT_PATH + ")\n"
            + "  -h, --help                Show this help message and exit.\n"
            + "      --log-level=LEVEL     error, warn, info or debug (default: info)\n"
            + "      --socket=PATH         admin socket (default: daemon.admin_socket, else\n"
            + "                              " + Defaults.SOCKET + ")\n"
            + "      --state-dir=DIR       state directory (default: the config file's daemon.\n"
            + "                              state_dir, else " + Defaults.STATE_DIR + ")\n"
            + "  -V, --version             Print version information and exit.\n"
            + "\n"
            + "Exit codes:\n"
            + "  0   stopped by SIGTERM/SIGINT\n"
            + "  1   could not start (config, state directory, netlink, socket)\n"
            + "  2   usage error\n";

    /** The options that take a value, with the label the usage gives it. */
    private static final Map<String, String> VALUE_OPTIONS = Map.of(
            "--config", "FILE",
            "--state-dir", "DIR",
            "--socket", "PATH",
            "--admin-group", "GROUP",
            "--log-level", "LEVEL");

    private Main() {}

    /** What the command line asks for: the daemon's options and the log level. */
    record Invocation(Daemon.Options options, Level logLevel) {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err, Main::start));
    }

    private static int start(Invocation invocation) {
        Logging.configure(invocation.logLevel());
        return Daemon.run(invocation.options());
    }

    /**
     * Parses {@code args}: prints help or the version (exit 0), or a usage error and the help
     * (exit 2), or runs {@code daemon} with the options and returns its exit code.
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, ToIntFunction<Invocation> daemon) {
        Map<String, String> values = new HashMap<>();
        boolean help = false;
        boolean version = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                int equals = arg.indexOf('=');
                String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
                if (VALUE_OPTIONS.containsKey(name)) {
                    String value;
                    if (name.length() < arg.length()) {
                        value = arg.substring(equals + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException("Missing required parameter for option '" + name + "' ("
                                + VALUE_OPTIONS.get(name) + ")");
                    }
                    if (values.putIfAbsent(name, value) != null) {
                        throw new UsageException("option '" + name + "' (" + VALUE_OPTIONS.get(name)
                                + ") should be specified only once");
                    }
                } else if (arg.equals("--help")) {
                    help = true;
                } else if (arg.equals("--version")) {
                    version = true;
                } else if (arg.matches("-[hV]+")) {
                    help |= arg.indexOf('h') > 0;
                    version |= arg.indexOf('V') > 0;
                } else if (arg.startsWith("-")) {
                    throw new UsageException("Unknown option: '" + arg + "'");
                } else {
                    throw new UsageException("Unmatched argument at index " + i + ": '" + arg + "'");
                }
            }
            if (help) {
                out.print(HELP);
                out.flush();
                return 0;
            }
            if (version) {
                out.println("nat-agent " + version());
                out.flush();
                return 0;
            }
            return daemon.applyAsInt(invocation(values));
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.print(HELP);
            err.flush();
            return 2;
        }
    }

    private static Invocation invocation(Map<String, String> values) {
        String logLevel = values.getOrDefault("--log-level", "info");
        Level level =
                switch (logLevel) {
                    case "error" -> Level.SEVERE;
                    case "warn" -> Level.WARNING;
                    case "info" -> Level.INFO;
                    case "debug" -> Level.FINE;
                    default -> throw new UsageException(
                            "--log-level must be error, warn, info or debug, not " + logLevel);
                };
        return new Invocation(
                new Daemon.Options(
                        Path.of(values.getOrDefault("--config", ConfigFile.DEFAULT_PATH.toString())),
                        path(values, "--state-dir"),
                        path(values, "--socket"),
                        values.get("--admin-group")),
                level);
    }

    private static Path path(Map<String, String> values, String option) {
        String value = values.get(option);
        return value == null ? null : Path.of(value);
    }

    /** The version recorded in the jar manifest by the build. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
