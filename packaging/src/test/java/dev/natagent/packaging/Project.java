package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.function.Executable;

/** The checked-out tree and the external tools the packaging tests drive. */
final class Project {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CLEANUP_GRACE = Duration.ofSeconds(30);

    private Project() {}

    static Path root() {
        return Path.of(System.getProperty("nat.agent.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    /** Builds the RPM into {@code out} with the project's own script and returns its path. */
    static Path buildRpm(Path out) throws Exception {
        Result build = run(
                Map.of("NAT_AGENT_RPM_OUT", out.toString()),
                List.of(path("packaging/build-rpm.sh").toString()));
        if (build.exitCode() == 3) {
            missing("build-rpm.sh: build output missing: " + build.stderr().strip());
        }
        if (build.exitCode() != 0) {
            fail(build.describe());
        }
        return Path.of(build.stdout().strip());
    }

    /** The project's check scripts print "ok   ID: text" for each check that passed. */
    static Executable passed(Result run, String id, String detail) {
        return () -> assertTrue(
                Pattern.compile("(?m)^ok   " + id + ": .*" + Pattern.quote(detail))
                        .matcher(run.stdout())
                        .find(),
                () -> "check " + id + " did not pass:\n" + run.describe());
    }

    /** Under CI=true a missing prerequisite fails the test; elsewhere it skips it. */
    static void missing(String why) {
        if ("true".equals(System.getenv("CI"))) {
            fail(why + " (CI=true: a skipped packaging test is a failure)");
        }
        Assumptions.abort(why);
    }

    static void requireTools(String... tools) {
        for (String tool : tools) {
            if (!onPath(tool)) {
                missing(tool + " is not installed");
            }
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(Map.of(), command);
    }

    static Result run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        return run(env, command, TIMEOUT);
    }

    /**
     * Runs {@code command} in the project root. Past {@code timeout} it gets SIGTERM first, so a
     * script's cleanup trap still removes the namespaces, users and processes it made, and only
     * then SIGKILL; the test fails either way.
     */
    static Result run(Map<String, String> env, List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("packaging-test", ".out");
        Path err = Files.createTempFile("packaging-test", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(root().toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(CLEANUP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                }
                fail(String.join(" ", command) + " did not finish within " + timeout + "\nstdout:\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + "\nstderr:\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(
                    command,
                    process.pid(),
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@code pid} is the process's own, which a script sees as {@code $$}. */
    record Result(List<String> command, long pid, int exitCode, String stdout, String stderr) {
        String describe() {
            return String.join(" ", command) + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
