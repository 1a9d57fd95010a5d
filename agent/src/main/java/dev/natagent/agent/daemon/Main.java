package dev.natagent.agent.daemon;

import dev.natagent.agent.config.ConfigFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nat-agent}: the daemon. Runs in the foreground (systemd style) until SIGTERM. */
@Command(
        name = "nat-agent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Keeps the NAT rules of this instance (nftables table ip nat_agent) in step with its desired state,",
            "persists that state, and serves the admin socket that natctl talks to.",
            "Stopping it (SIGTERM) leaves the rules in place; a restart adopts them without a traffic blip."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped by SIGTERM/SIGINT",
            "1:could not start (config, state directory, netlink, socket)",
            "2:usage error"
        })
public final class Main implements Callable<Integer> {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "config file; optional, seeds the state on first start (default: ${DEFAULT-VALUE})")
    Path config = ConfigFile.DEFAULT_PATH;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "state directory (default: the config file's daemon.state_dir, else /var/lib/nat-agent)")
    Path stateDir;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "admin socket (default: daemon.admin_socket, else /run/nat-agent/admin.sock)")
    Path socket;

    @Option(
            names = "--admin-group",
            paramLabel = "GROUP",
            description = "group allowed to use the admin socket (default: daemon.admin_group, else natadmin)")
    String adminGroup;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            description = "error, warn, info or debug (default: ${DEFAULT-VALUE})")
    String logLevel = "info";

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        System.exit(commandLine.execute(args));
    }

    @Override
    public Integer call() {
        Level level =
                switch (logLevel) {
                    case "error" -> Level.SEVERE;
                    case "warn" -> Level.WARNING;
                    case "info" -> Level.INFO;
                    case "debug" -> Level.FINE;
                    default -> throw new CommandLine.ParameterException(
                            new CommandLine(this), "--log-level must be error, warn, info or debug, not " + logLevel);
                };
        Logging.configure(level);
        return Daemon.run(new Daemon.Options(config, stateDir, socket, adminGroup));
    }

    /** The version recorded in the jar manifest by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nat-agent " + version()};
        }
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
