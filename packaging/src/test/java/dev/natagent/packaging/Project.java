package dev.natagent.packaging;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The checked-out tree and the external tools the packaging tests drive. */
final class Project {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private Project() {}

    static Path root() {
        return Path.of(System.getProperty("nat.agent.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
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
        Path out = Files.createTempFile("packaging-test", ".out");
        Path err = Files.createTempFile("packaging-test", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(root().toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(
                    command,
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        String describe() {
            return String.join(" ", command) + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
