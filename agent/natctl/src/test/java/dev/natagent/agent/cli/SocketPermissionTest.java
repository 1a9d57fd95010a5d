package dev.natagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.natagent.agent.api.AdminServer;
import dev.natagent.agent.api.AdminServerConfig;
import dev.natagent.agent.api.FakeOperations;
import dev.natagent.agent.api.TestSockets;
import dev.natagent.agent.testing.StateDocuments;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real unprivileged users (created here, removed afterwards) run natctl as separate processes via
 * setpriv: a member of the admin group reads and writes, a non-member is kept out by the socket's
 * file mode, and, if the mode were too open, by the SO_PEERCRED check. Needs root; under CI=true
 * not being root is a failure.
 */
class SocketPermissionTest {
    @TempDir
    Path dir;

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1_000, 10_000));
    private final String group = "natagent-test-" + suffix;
    private final String member = "natagent-test-m" + suffix;
    private final String outsider = "natagent-test-o" + suffix;
    private final List<List<String>> cleanup = new ArrayList<>();
    private final FakeOperations operations = new FakeOperations();
    private Path classpath;

    @BeforeEach
    void createUsers() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            assertFalse("true".equals(System.getenv("CI")), "socket permission tests must run as root in CI");
            assumeTrue(false, "needs root to create users");
        }
        run("groupadd", "--system", group);
        cleanup.add(0, List.of("groupdel", group));
        run(
                "useradd",
                "--system",
                "--no-create-home",
                "--no-user-group",
                "--gid",
                "nogroup",
                "--groups",
                group,
                member);
        cleanup.add(0, List.of("userdel", member));
        run("useradd", "--system", "--no-create-home", "--no-user-group", "--gid", "nogroup", outsider);
        cleanup.add(0, List.of("userdel", outsider));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        classpath = copyNatctlClasspath();
    }

    @AfterEach
    void removeUsers() throws Exception {
        for (List<String> command : cleanup) {
            run(command.toArray(String[]::new));
        }
    }

    @Test
    void memberReadsAndWritesOutsiderIsRefusedTwice() throws Exception {
        AdminServerConfig config = AdminServerConfig.defaults(dir.resolve("run").resolve("admin.sock"), group);
        try (AdminServer server = TestSockets.start(config, operations)) {
            String socket = server.socketPath().toString();

            Result read = natctlAs(member, "--socket", socket, "forward", "list");
            assertEquals(0, read.code(), read.output());
            Result write = natctlAs(
                    member,
                    "--socket",
                    socket,
                    "forward",
                    "add",
                    "redis",
                    "--listen",
                    "6379",
                    "--to",
                    "10.0.1.230:6379");
            assertEquals(0, write.code(), write.output());
            assertEquals(1, operations.state().forwards().size());

            Result atConnect = natctlAs(outsider, "--socket", socket, "status");
            assertEquals(ExitCode.UNREACHABLE, atConnect.code(), atConnect.output());
            assertTrue(atConnect.output().contains("permission denied"), atConnect.output());

            // Were the modes ever too open, SO_PEERCRED still keeps the outsider from reading or writing.
            Files.setPosixFilePermissions(
                    server.socketPath().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(server.socketPath(), PosixFilePermissions.fromString("rw-rw-rw-"));
            Result atPeercred = natctlAs(outsider, "--socket", socket, "forward", "remove", "redis");
            assertEquals(ExitCode.REFUSED, atPeercred.code(), atPeercred.output());
            assertTrue(atPeercred.output().contains("PERMISSION_DENIED: uid "), atPeercred.output());
            assertTrue(atPeercred.output().contains("member of group '" + group + "'"), atPeercred.output());
            assertEquals(
                    ExitCode.REFUSED,
                    natctlAs(outsider, "--socket", socket, "status").code());
            assertEquals(1, operations.state().forwards().size(), "nothing changed");

            // A document over the line limit goes as its raw bytes (apply.begin first): writers only, too.
            Path big = dir.resolve("big.json");
            Files.writeString(big, StateDocuments.forwards(12_000));
            assertTrue(Files.size(big) > ApplyUpload.SINGLE_REQUEST_BYTES, "natctl will upload its bytes");
            Result deniedUpload = natctlAs(outsider, "--socket", socket, "apply", big.toString());
            assertEquals(ExitCode.REFUSED, deniedUpload.code(), deniedUpload.output());
            assertTrue(deniedUpload.output().contains("PERMISSION_DENIED: uid "), deniedUpload.output());
            assertEquals(1, operations.state().forwards().size(), "nothing changed");
            Result upload = natctlAs(member, "--socket", socket, "--json", "apply", big.toString());
            assertEquals(0, upload.code(), upload.output());
            assertEquals(12_000, operations.state().forwards().size());
        }
    }

    record Result(int code, String output) {}

    private Result natctlAs(String user, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "setpriv",
                "--reuid",
                user,
                "--regid",
                "nogroup",
                "--init-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // No /tmp/hsperfdata_USER left behind by a user that is deleted afterwards.
                "-XX:-UsePerfData",
                "-cp",
                classpath + File.separator + "*",
                Natctl.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "natctl finished");
        return new Result(process.exitValue(), output);
    }

    /** natctl's runtime classpath as world-readable jars (the build's own copies may sit under /root). */
    private Path copyNatctlClasspath() throws IOException, InterruptedException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName().toString();
            if (name.equals("classes")) {
                // The reactor puts modules' target/classes here: natctl's and the protocol's, one jar each.
                String module = path.getParent().getParent().getFileName().toString();
                if (module.equals("natctl") || module.equals("protocol")) {
                    run(
                            "jar",
                            "--create",
                            "--file",
                            lib.resolve(module + ".jar").toString(),
                            "-C",
                            entry,
                            ".");
                }
            } else if (name.startsWith("nat-agent-protocol") || name.startsWith("jackson")) {
                Files.copy(path, lib.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        run("chmod", "-R", "a+rX", lib.toString());
        return lib;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
