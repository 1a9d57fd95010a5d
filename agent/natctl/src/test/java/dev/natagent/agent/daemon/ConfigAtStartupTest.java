package dev.natagent.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.AgentDaemon.Launch;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon, each start in a namespace of its own, seeded from a config file: a config it
 * cannot use stops it with exit 1 and one journal line naming file, line, column and field (no stack
 * trace); a forward marked {@code "force": true} may claim sshd's port.
 */
@Tag(KernelTests.TAG)
class ConfigAtStartupTest {
    /** sshd's port as the config declares it, so that the test does not depend on this host's sshd. */
    private static final String FORWARD_ON_SSHD_PORT =
            """
            {
              "settings": {"ssh_port": 2222},
              "forwards": [
                {"name": "redis", "listen": "6379", "to": ["10.0.1.230:6379"]},
                {"name": "jump", "listen": "2222", "to": ["10.0.1.9:22"]%s}
              ]
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aConfigClaimingSshdsPortStopsTheStartWithOneLine() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), FORWARD_ON_SSHD_PORT.formatted(""));

        String log = refusedStart(config);

        List<String> errors = errorLines(log);
        assertEquals(1, errors.size(), log);
        assertTrue(errors.get(0).contains(config + ":5:32: forwards[name=jump].listen: tcp port 2222 is where"), log);
        assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
        assertFalse(log.contains("Exception"), "no exception class names:\n" + log);
    }

    @Test
    void aWrongTypeInTheConfigStopsTheStartWithOneLine() throws Exception {
        Path config = Files.writeString(
                dir.resolve("config.json"), FORWARD_ON_SSHD_PORT.formatted("").replace("\"6379\"", "6379"));

        String log = refusedStart(config);

        List<String> errors = errorLines(log);
        assertEquals(1, errors.size(), log);
        assertTrue(errors.get(0).contains(config + ":4:33: forwards[0].listen: wrong type"), log);
        assertFalse(log.contains("\tat "), "no stack trace:\n" + log);
    }

    @Test
    void aForwardMarkedForceIsSeededFromTheConfig() throws Exception {
        Path config =
                Files.writeString(dir.resolve("config.json"), FORWARD_ON_SSHD_PORT.formatted(", \"force\": true"));
        try (Netns netns = Netns.create();
                AgentDaemon agent = AgentDaemon.start(Launch.in(netns, dir, config))) {
            String export = CliResult.natctlOk(agent, "export", "--format", "json");
            String compact = export.replaceAll("\\s", "");
            assertTrue(compact.contains("\"name\":\"jump\""), export);
            assertTrue(compact.contains("\"force\":true"), export);

            // The export applies unchanged on a fresh agent, the forced forward included.
            Path document = Files.writeString(dir.resolve("export.json"), export);
            Files.createDirectory(dir.resolve("fresh"));
            try (Netns other = Netns.create();
                    AgentDaemon fresh =
                            AgentDaemon.start(Launch.in(other, dir.resolve("fresh"), dir.resolve("no-config.json")))) {
                CliResult.natctlOk(fresh, "apply", document.toString());
                assertEquals(export, CliResult.natctlOk(fresh, "export", "--format", "json"));
            }
        }
    }

    private String refusedStart(Path config) throws Exception {
        return AgentDaemon.refusedStartInOwnNamespace(Launch.in(Netns.create(), dir, config));
    }

    private static List<String> errorLines(String log) {
        return log.lines().filter(line -> line.contains("ERROR")).toList();
    }
}
