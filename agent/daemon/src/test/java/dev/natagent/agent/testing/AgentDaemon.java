package dev.natagent.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.daemon.Main;
import dev.natagent.agent.store.StateStore;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real daemon ({@link Main}) as a child JVM inside a test's network namespace, optionally
 * behind a wrapper command (e.g. {@code unshare --mount ...}) that ends in exec, so the child's pid
 * is the JVM's and SIGKILL hits the agent itself. Its output is appended to a log file kept across
 * restarts, which failures quote. Only this process is ever signalled, by its pid.
 */
public final class AgentDaemon implements AutoCloseable {
    /** The test JVM's class path: target/classes of both modules plus the dependency jars. */
    public static final String CLASS_PATH = System.getProperty("java.class.path");

    /**
     * The launcher's start-up flags without its heap limits: C1 only, serial GC, class data sharing,
     * JNR's reflection-based binding.
     */
    private static final List<String> FAST_START_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "-Djnr.ffi.asm.enabled=false");

    /** ip netns exec and sh both exec, so the pid stays the JVM's; room for many client connections. */
    private static final List<String> MANY_FILES = List.of("sh", "-c", "ulimit -n 20000 && exec \"$@\"", "sh");

    private static final String JAVA =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final long START_TIMEOUT_MILLIS = 60_000;
    private static final long EXIT_TIMEOUT_SECONDS = 30;

    /**
     * Options of one daemon start. {@code wrapper} runs before java and must exec its arguments;
     * {@code launcherJvm} uses the shipped launcher's JVM flags, malloc arenas and a high file limit.
     */
    public record Launch(
            Netns netns,
            Path stateDir,
            Path socket,
            Path config,
            Path log,
            String classPath,
            List<String> wrapper,
            boolean launcherJvm) {
        public Launch(Netns netns, Path stateDir, Path socket, Path config, Path log) {
            this(netns, stateDir, socket, config, log, CLASS_PATH, List.of(), false);
        }

        /** State in dir/state, socket dir/run/admin.sock, log dir/agent.log. */
        public static Launch in(Netns netns, Path dir, Path config) {
            return new Launch(
                    netns,
                    dir.resolve("state"),
                    dir.resolve("run").resolve("admin.sock"),
                    config,
                    dir.resolve("agent.log"));
        }

        public Launch withClassPath(String other) {
            return new Launch(netns, stateDir, socket, config, log, other, wrapper, launcherJvm);
        }

        public Launch withWrapper(List<String> command) {
            return new Launch(netns, stateDir, socket, config, log, classPath, command, launcherJvm);
        }

        /**
         * Runs the daemon in a private mount namespace of its own ({@code unshare --mount}) once the
         * shell command {@code setup} has succeeded there, so its mounts never touch the host's.
         */
        public Launch withPrivateMounts(String setup) {
            return withWrapper(List.of(
                    "unshare", "--mount", "--propagation", "private", "sh", "-c", setup + " && exec \"$@\"", "sh"));
        }

        public Launch withSocket(Path other) {
            return new Launch(netns, stateDir, other, config, log, classPath, wrapper, launcherJvm);
        }

        public Launch asLauncher() {
            return new Launch(netns, stateDir, socket, config, log, classPath, wrapper, true);
        }

        List<String> command() {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns.name()));
            command.addAll(launcherJvm ? MANY_FILES : List.of());
            command.addAll(wrapper);
            command.add(JAVA);
            command.addAll(launcherJvm ? launcherFlags() : FAST_START_FLAGS);
            command.addAll(List.of(
                    "-cp",
                    classPath,
                    Main.class.getName(),
                    "--state-dir",
                    stateDir.toString(),
                    "--socket",
                    socket.toString(),
                    "--config",
                    config.toString(),
                    "--admin-group",
                    "root"));
            return command;
        }
    }

    private final Launch launch;
    private final boolean ownsNetns;
    private Process process;

    private AgentDaemon(Launch launch, boolean ownsNetns) {
        this.launch = launch;
        this.ownsNetns = ownsNetns;
    }

    /** A daemon for {@code launch}, not started yet. */
    public static AgentDaemon prepare(Launch launch) {
        return new AgentDaemon(launch, false);
    }

    /** Starts the daemon and waits until its admin socket answers; kills it if it never does. */
    public static AgentDaemon start(Launch launch) throws IOException, InterruptedException {
        return startClosingOnFailure(new AgentDaemon(launch, false));
    }

    /**
     * A new namespace of its own (deleted by {@link #close()}) with the daemon running in it as the
     * launcher runs it, without a config file, laid out under {@code dir} as {@link Launch#in}.
     */
    public static AgentDaemon startInOwnNamespace(Path dir) throws IOException, InterruptedException {
        Launch launch = Launch.in(Netns.create(), dir, Path.of("/nonexistent")).asLauncher();
        return startClosingOnFailure(new AgentDaemon(launch, true));
    }

    /** Starts the daemon in a namespace of its own on {@code socket}, expects exit 1 and returns its log. */
    public static String refusedStartInOwnNamespace(Path dir, Path socket) throws IOException, InterruptedException {
        return refusedStartInOwnNamespace(Launch.in(Netns.create(), dir, Path.of("/nonexistent"))
                .withSocket(socket)
                .asLauncher());
    }

    /** Starts the daemon as {@code launch} says, in its namespace (deleted after), expects exit 1 and returns its log. */
    public static String refusedStartInOwnNamespace(Launch launch) throws IOException, InterruptedException {
        try (AgentDaemon agent = new AgentDaemon(launch, true)) {
            agent.process = agent.spawn();
            if (!agent.process.waitFor(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError(
                        "nat-agent did not exit within " + START_TIMEOUT_MILLIS + " ms:\n" + agent.log());
            }
            if (agent.process.exitValue() != 1) {
                throw new AssertionError("nat-agent exited " + agent.process.exitValue() + ", not 1:\n" + agent.log());
            }
            return agent.log();
        }
    }

    private static AgentDaemon startClosingOnFailure(AgentDaemon agent) throws IOException, InterruptedException {
        try {
            return agent.start();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            agent.close();
            throw e;
        }
    }

    /** Starts (or, after a kill or stop, restarts) the daemon on the same state and socket. */
    public AgentDaemon start() throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException("nat-agent pid " + pid() + " is already running");
        }
        process = spawn();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nat-agent exited " + process.exitValue() + " before it was ready:\n" + log());
            }
            try {
                AdminClient.status(launch.socket());
                return this;
            } catch (IOException notYet) {
                // No socket yet, or a killed agent's stale one that refuses until the new one listens.
                Thread.sleep(20);
            }
        }
        throw new AssertionError("nat-agent not ready within " + START_TIMEOUT_MILLIS + " ms:\n" + log());
    }

    /** Starts the daemon without waiting for it to be ready (to catch it in the middle of its start). */
    public AgentDaemon launch() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException("nat-agent pid " + pid() + " is already running");
        }
        process = spawn();
        return this;
    }

    private Process spawn() throws IOException {
        Files.writeString(launch.log(), "---- start\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(launch.command()).redirectErrorStream(true);
        if (launch.launcherJvm()) {
            builder.environment().put("MALLOC_ARENA_MAX", "1");
        }
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()));
        Process started = builder.start();
        started.getOutputStream().close();
        return started;
    }

    /**
     * What packaging/bin/nat-agent passes, read from the shell file it sources: memory figures are
     * those of the shipped daemon.
     */
    private static List<String> launcherFlags() {
        Path env = ProjectTree.path("packaging/bin/nat-agent-env.sh");
        try {
            Process shell = new ProcessBuilder(
                            "sh", "-c", ". \"$1\" && printf '%s' \"$NAT_AGENT_DAEMON_JVM_OPTS\"", "sh", env.toString())
                    .redirectErrorStream(true)
                    .start();
            String flags = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (shell.waitFor() != 0 || flags.isBlank()) {
                throw new IllegalStateException("no NAT_AGENT_DAEMON_JVM_OPTS from " + env + ": " + flags);
            }
            return List.of(flags.trim().split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Netns netns() {
        return launch.netns();
    }

    public Path socket() {
        return launch.socket();
    }

    public Path stateDir() {
        return launch.stateDir();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, then waits for the process to be gone (its journal lock with it). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM (the orderly stop that leaves the rules in place); returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    private int awaitExit() throws InterruptedException {
        if (!process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("nat-agent pid " + process.pid() + " did not exit within " + EXIT_TIMEOUT_SECONDS
                    + " s:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM, SIGKILL if it has not exited in time; never throws (clean-up). */
    public void stop() {
        if (!isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** One raw admin connection to this agent. */
    public AdminClient connect() throws IOException {
        return AdminClient.open(socket());
    }

    /** One request on a fresh connection; the response's JSON. */
    public JsonNode call(String op, String args) throws IOException {
        try (AdminClient client = connect()) {
            return client.call(op, args);
        }
    }

    /** {@code nft list table ip nat_agent} inside the namespace (an error text if there is none). */
    public String table() throws IOException {
        return KernelTable.listing(netns(), "ip", "nat_agent");
    }

    /** SHA-256 of the state files (snapshot, then journal; a missing file hashes as empty). */
    public String stateHash() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String name : List.of(StateStore.SNAPSHOT, StateStore.JOURNAL)) {
                Path file = stateDir().resolve(name);
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update(Files.exists(file) ? Files.readAllBytes(file) : new byte[0]);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The daemon's peak resident set (VmHWM) in KiB. */
    public long peakRssKib() throws IOException {
        return statusField("VmHWM:");
    }

    public long rssKib() throws IOException {
        return statusField("VmRSS:");
    }

    private long statusField(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                .filter(line -> line.startsWith(field))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow();
    }

    /** Asks the JVM for a thread dump (SIGQUIT; it lands in the log) and returns the log. */
    public String threadDump() throws IOException, InterruptedException {
        if (isAlive()) {
            new ProcessBuilder("kill", "-QUIT", Long.toString(pid())).start().waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(1_000);
        }
        return log();
    }

    public String log() {
        try {
            return Files.exists(launch.log()) ? Files.readString(launch.log()) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills the daemon if it still runs, and deletes the namespace if it is the daemon's own. */
    @Override
    public void close() throws IOException {
        try {
            if (isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            if (ownsNetns) {
                launch.netns().close();
            }
        }
    }
}
