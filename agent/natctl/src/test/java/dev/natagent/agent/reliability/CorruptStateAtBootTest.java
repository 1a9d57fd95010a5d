package dev.natagent.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.store.StateStore;
import dev.natagent.agent.testing.AdminClient;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.ClassPathCopy;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.KernelTable;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt state at boot: the real daemon boots on a truncated, empty, wrong-schema or unreadable state
 * file while the kernel holds the table of an earlier good run. The live table must stay exactly
 * as it is (same handles), status must say failed and what to do, every mutating natctl command
 * must be refused with STATE_CORRUPT (exit 1), and the read-only ones must keep working.
 */
@Tag(KernelTests.TAG)
class CorruptStateAtBootTest {
    /** An unprivileged uid for the mode-000 case (root reads any file). */
    private static final String NOBODY = "65534";

    @TempDir
    Path dir;

    @Test
    void corruptStateLeavesTheLiveTableAndRefusesChanges() throws Exception {
        KernelTests.requireKernel();
        Path good = dir.resolve("good");
        try (Netns netns = Netns.create()) {
            String table = goodRun(netns, good);
            Map<String, Case> cases = new LinkedHashMap<>();
            cases.put(
                    "truncated",
                    new Case(state -> truncateToHalf(state.resolve(StateStore.SNAPSHOT)), "not valid JSON"));
            cases.put(
                    "empty",
                    new Case(
                            state -> Files.write(state.resolve(StateStore.SNAPSHOT), new byte[0]),
                            "the file is empty"));
            cases.put(
                    "wrong-schema",
                    new Case(
                            state -> rewriteSchema(state.resolve(StateStore.SNAPSHOT)),
                            "schema_version 99 is unknown"));
            cases.put(
                    "directory",
                    new Case(
                            state -> {
                                Files.delete(state.resolve(StateStore.SNAPSHOT));
                                Files.createDirectory(state.resolve(StateStore.SNAPSHOT));
                            },
                            "Is a directory"));
            int refused = 0;
            for (Map.Entry<String, Case> c : cases.entrySet()) {
                Path state = copyOf(good, dir.resolve(c.getKey()));
                c.getValue().corruption().apply(state);
                Path socket = dir.resolve(c.getKey() + ".sock");
                AgentDaemon.Launch launch = new AgentDaemon.Launch(
                        netns, state, socket, dir.resolve("no-config.json"), dir.resolve(c.getKey() + ".log"));
                refused += bootCorrupt(c.getKey(), c.getValue().reason(), launch, netns, table);
            }
            refused += unreadableForANonRootAgent(netns, good, table);
            System.out.println("RELIABILITY 6: " + (cases.size() + 1)
                    + " corrupt states (truncated, empty, wrong schema, directory, mode 000 for a non-root"
                    + " agent): live table unchanged (same handles) 5/5, status failed naming the cause and how to recover 5/5, "
                    + refused + " mutating requests refused with STATE_CORRUPT, read-only commands served");
        }
    }

    /** How a good state directory is damaged, and what the status message must say about it. */
    private record Case(Corruption corruption, String reason) {}

    @FunctionalInterface
    private interface Corruption {
        void apply(Path stateDir) throws IOException;
    }

    /** Starts an agent, adds two forwards, SIGTERMs it; returns the table it left (with handles). */
    private String goodRun(Netns netns, Path state) throws Exception {
        Path socket = dir.resolve("good.sock");
        AgentDaemon.Launch launch =
                new AgentDaemon.Launch(netns, state, socket, dir.resolve("no-config.json"), dir.resolve("good.log"));
        try (AgentDaemon agent = AgentDaemon.start(launch)) {
            for (Forward forward : List.of(
                    Forward.single("redis", Protocol.TCP, 6379, Target.parse("10.0.1.230:6379")),
                    Forward.single("memcached", Protocol.TCP, 11211, Target.parse("10.0.1.240:11211")))) {
                AdminClient.ok(socket, "forward.add", args("forward", TestJson.toTree(forward)));
            }
            agent.terminate();
        }
        String table = KernelTable.withHandles(netns);
        assertTrue(table.contains("10.0.1.230 . 6379"), table);
        return table;
    }

    /** Boots on a corrupt state and checks everything the item asks; returns the refusals seen. */
    private int bootCorrupt(String name, String reason, AgentDaemon.Launch launch, Netns netns, String table)
            throws Exception {
        int refused;
        try (AgentDaemon agent = AgentDaemon.start(launch)) {
            Path socket = launch.socket();
            JsonNode status = AdminClient.status(socket);
            assertEquals("failed", status.path("health").asText(), name + ": " + status);
            String message = status.path("message").asText();
            assertTrue(message.contains(reason), name + ": " + message);
            assertTrue(message.contains("persisted NAT state is unusable"), name + ": " + message);
            assertTrue(message.contains("To recover"), name + ": " + message);
            assertTrue(message.contains("leaves the kernel's NAT rules as they are"), name + ": " + message);

            CliResult statusCli = CliResult.natctl(socket, "status");
            assertEquals(1, statusCli.exitCode(), name + ": " + statusCli);
            assertTrue(statusCli.out().contains("failed ("), statusCli.out());
            assertTrue(statusCli.out().contains("persisted NAT state is unusable"), statusCli.out());

            refused = 0;
            for (String[] command : List.of(
                    new String[] {"forward", "add", "web", "--listen", "8080", "--to", "10.0.1.231:80"},
                    new String[] {"forward", "remove", "redis"},
                    new String[] {"outbound", "add", "lan", "--source", "10.0.0.0/16", "--out", "eth0"},
                    new String[] {"outbound", "remove", "lan"})) {
                CliResult result = CliResult.natctl(socket, command);
                assertEquals(1, result.exitCode(), name + " " + String.join(" ", command) + ": " + result);
                assertTrue(result.err().contains("STATE_CORRUPT"), name + ": " + result);
                refused++;
            }
            JsonNode apply = AdminClient.callOnce(socket, "apply", args("state", TestJson.toTree(emptyState())));
            assertEquals("STATE_CORRUPT", apply.path("error").path("code").asText(), name + ": " + apply);
            refused++;

            for (String[] command : List.of(
                    new String[] {"forward", "list"},
                    new String[] {"outbound", "list"},
                    new String[] {"export", "--format", "nft"},
                    new String[] {"metrics", "--format", "prometheus"})) {
                CliResult result = CliResult.natctl(socket, command);
                assertEquals(0, result.exitCode(), name + " " + String.join(" ", command) + ": " + result);
            }
            // doctor answers; its exit code is 1 because it has an ERROR finding: the state.
            CliResult doctor = CliResult.natctl(socket, "--json", "doctor");
            assertEquals(1, doctor.exitCode(), name + ": " + doctor);
            assertTrue(doctor.out().contains("\"check\" : \"state\""), doctor.out());

            assertEquals(table, KernelTable.withHandles(netns), name + ": the live table was changed");
            agent.terminate();
        }
        assertEquals(table, KernelTable.withHandles(netns), name + ": the table changed at SIGTERM");
        return refused;
    }

    /**
     * state.json mode 000 and an agent that is not root (uid 65534 with only CAP_NET_ADMIN, like
     * the hardened unit): it cannot read the file. Its jars and directories are copied where that
     * uid can read them.
     */
    private int unreadableForANonRootAgent(Netns netns, Path good, String table) throws Exception {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "natagent-reliab-");
        try {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            String classPath = ClassPathCopy.copy(AgentDaemon.CLASS_PATH, Files.createDirectory(base.resolve("lib")));
            Path state = copyOf(good, base.resolve("state"));
            Path run = Files.createDirectory(base.resolve("run"));
            for (Path path :
                    List.of(state, state.resolve(StateStore.SNAPSHOT), state.resolve(StateStore.JOURNAL), run)) {
                Files.setAttribute(path, "unix:uid", Integer.parseInt(NOBODY));
            }
            Files.setPosixFilePermissions(
                    state.resolve(StateStore.SNAPSHOT), PosixFilePermissions.fromString("---------"));
            AgentDaemon.Launch launch = new AgentDaemon.Launch(
                            netns,
                            state,
                            run.resolve("admin.sock"),
                            base.resolve("no-config.json"),
                            dir.resolve("mode000.log"))
                    .withClassPath(classPath)
                    .withWrapper(List.of(
                            "setpriv",
                            "--reuid=" + NOBODY,
                            "--regid=" + NOBODY,
                            // The admin group (root here) must be the agent's to give the socket that group.
                            "--groups=0",
                            "--inh-caps=+net_admin",
                            "--ambient-caps=+net_admin"));
            return bootCorrupt("mode-000", "permission denied", launch, netns, table);
        } finally {
            deleteTree(base);
        }
    }

    private static Path copyOf(Path state, Path copy) throws IOException {
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(state)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private static void truncateToHalf(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    private static void rewriteSchema(Path file) throws IOException {
        String json = Files.readString(file, StandardCharsets.UTF_8);
        String future = json.replaceFirst("\"schema_version\"\\s*:\\s*1", "\"schema_version\":99");
        assertTrue(!future.equals(json), "no schema_version in " + json);
        Files.writeString(file, future, StandardCharsets.UTF_8);
    }

    private static dev.natagent.agent.model.NatState emptyState() {
        return dev.natagent.agent.model.NatState.empty();
    }

    private static JsonNode args(String key, JsonNode value) {
        return TestJson.mapper().createObjectNode().set(key, value);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
