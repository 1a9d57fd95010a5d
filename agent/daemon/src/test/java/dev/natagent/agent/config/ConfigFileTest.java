package dev.natagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.model.ValidationException;
import dev.natagent.agent.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void missingFileIsNoConfig() throws Exception {
        assertEquals(Optional.empty(), ConfigFile.loadIfPresent(dir.resolve("config.json")));
        assertThrows(ConfigException.class, () -> ConfigFile.load(dir.resolve("config.json")));
    }

    @Test
    void emptyObjectIsAllDefaults() throws Exception {
        AgentConfig config = ConfigFile.load(Files.writeString(dir.resolve("config.json"), "{}"));
        assertEquals(AgentConfig.DEFAULTS, config);
        assertEquals(Path.of("/run/nat-agent/admin.sock"), config.daemon().adminSocket());
        assertEquals("natadmin", config.daemon().adminGroup());
        assertEquals(Path.of("/var/lib/nat-agent"), config.daemon().stateDir());
        assertTrue(config.daemon().metricsTextfilePath().isEmpty());
    }

    @Test
    void fullConfigRoundTrips() throws Exception {
        String json =
                """
                {
                  "schema_version": 1,
                  "daemon": {"admin_socket": "/run/x/admin.sock", "admin_group": "wheel",
                             "state_dir": "/tmp/state", "metrics_textfile": "/var/lib/node_exporter/nat_agent.prom"},
                  "settings": {"manage_ip_forward": false, "resolve_interval_seconds": 10},
                  "forwards": [{"name": "redis", "listen": "6379-6381",
                                "to": ["10.0.1.230:6379", "10.0.1.231:6379", "10.0.1.232:6379"],
                                "allow": ["198.51.100.27/32"]}],
                  "outbounds": [{"name": "private", "source": ["10.0.0.0/16"], "out": "ens5"}]
                }
                """;
        AgentConfig config = ConfigFile.load(Files.writeString(dir.resolve("config.json"), json));
        assertEquals("wheel", config.daemon().adminGroup());
        assertEquals(
                Optional.of(Path.of("/var/lib/node_exporter/nat_agent.prom")),
                config.daemon().metricsTextfilePath());
        assertEquals(false, config.desired().settings().manageIpForward());
        assertEquals(60, config.desired().settings().fullCheckIntervalSeconds());
        assertEquals(
                3, config.desired().forward("redis").orElseThrow().targets().size());
        AgentConfig back = ConfigFile.parse(Path.of("x"), configJson(config).getBytes(StandardCharsets.UTF_8));
        assertEquals(config, back);
        // The state part of a config file is itself a valid state document.
        assertEquals(config.desired(), ModelJson.read(ModelJson.write(config.desired()), NatState.class));
    }

    @Test
    void syntaxErrorNamesFileLineAndColumn() throws Exception {
        Path file = Files.writeString(
                dir.resolve("config.json"), "{\n  \"forwards\": [\n    {\"name\": \"a\",, }\n  ]\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(file));
        assertTrue(e.getMessage().startsWith(file + ":3:18: forwards[0]: malformed JSON: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(ErrorCode.MALFORMED_JSON, e.errors().get(0).code());
    }

    @Test
    void valueErrorNamesFieldAndLine() throws Exception {
        Path file = Files.writeString(
                dir.resolve("config.json"),
                "{\"forwards\": [\n {\"name\": \"a\", \"listen\": \"6379\", \"to\": [\"10.0.1.230:6379\"]},\n"
                        + " {\"name\": \"b\", \"listen\": \"70000\", \"to\": [\"10.0.1.230:6379\"]}]}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(file));
        assertEquals("forwards[1].listen", e.errors().get(0).field());
        assertEquals(ErrorCode.INVALID_PORT, e.errors().get(0).code());
        assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
    }

    /** One line an operator can act on: file, line, column, field path, what was expected. */
    @Test
    void aWrongTypeInsideAnObjectIsOneLineWithFileLineColumnAndField() throws Exception {
        Path file = Files.writeString(
                dir.resolve("config.json"),
                "{\"forwards\": [\n {\"name\": \"a\", \"listen\": \"6379\", \"to\": [\"10.0.1.230:6379\"]},\n"
                        + " {\"name\": \"b\", \"listen\": 7003, \"to\": [\"10.0.1.230:6379\"]}]}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(file));
        assertEquals(
                file + ":3:26: forwards[1].listen: wrong type: expected a port or port range string such as"
                        + " \"6379-6381\" [INVALID_TYPE]",
                e.getMessage());
    }

    /** The validator sees only the model; its errors are still placed in the file. */
    @Test
    void aRefusalByTheValidatorNamesItsPlaceInTheFile() throws Exception {
        String json =
                """
                {
                  "settings": {"ssh_port": 2222},
                  "forwards": [
                    {"name": "redis", "listen": "6379", "to": ["10.0.1.230:6379"]},
                    {"name": "jump", "to": ["10.0.1.9:22"],
                     "listen": "2222"}
                  ]
                }
                """;
        Path file = Files.writeString(dir.resolve("config.json"), json);
        NatState desired = ConfigFile.load(file).desired();
        Validator validator = new Validator(Set::of);
        ValidationException refused =
                assertThrows(ValidationException.class, () -> validator.check(NatState.empty(), desired, false));

        String message = ConfigFile.invalid(file, refused).getMessage();

        assertTrue(message.startsWith(file + ":6:16: forwards[name=jump].listen: tcp port 2222 is where"), message);
        assertTrue(message.endsWith("[SSH_PORT_FORWARD]"), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void aForwardMarkedForceMayClaimSshdsPort() throws Exception {
        String json = "{\"settings\": {\"ssh_port\": 2222}, \"forwards\": [{\"name\": \"jump\", \"listen\": \"2222\","
                + " \"to\": [\"10.0.1.9:22\"], \"force\": true}]}";
        AgentConfig config = ConfigFile.parse(Path.of("c.json"), json.getBytes(StandardCharsets.UTF_8));

        assertTrue(config.desired().forward("jump").orElseThrow().force());
        assertEquals(List.of(), new Validator(Set::of).errors(NatState.empty(), config.desired(), false));
        ConfigException notBoolean = assertThrows(
                ConfigException.class,
                () -> ConfigFile.parse(
                        Path.of("c.json"), json.replace("true", "\"yes\"").getBytes()));
        assertEquals("forwards[0].force", notBoolean.errors().get(0).field());
        assertEquals(ErrorCode.INVALID_TYPE, notBoolean.errors().get(0).code());
    }

    @Test
    void unknownKeysAndBadDaemonOptionsAreRefused() throws Exception {
        ConfigException unknown = assertThrows(
                ConfigException.class, () -> ConfigFile.parse(Path.of("c.json"), "{\"forwardz\": []}".getBytes()));
        assertEquals(ErrorCode.UNKNOWN_FIELD, unknown.errors().get(0).code());
        assertTrue(
                unknown.getMessage().contains("known fields: daemon, forwards, outbounds, schema_version, settings"),
                unknown.getMessage());
        ConfigException relative = assertThrows(
                ConfigException.class,
                () -> ConfigFile.parse(Path.of("c.json"), "{\"daemon\": {\"state_dir\": \"var/lib\"}}".getBytes()));
        assertEquals("daemon.state_dir", relative.errors().get(0).field());
        ConfigException schema = assertThrows(
                ConfigException.class, () -> ConfigFile.parse(Path.of("c.json"), "{\"schema_version\": 9}".getBytes()));
        assertEquals(ErrorCode.UNSUPPORTED_SCHEMA, schema.errors().get(0).code());
        ConfigException nullDocument =
                assertThrows(ConfigException.class, () -> ConfigFile.parse(Path.of("c.json"), "null".getBytes()));
        assertEquals(ErrorCode.INVALID_TYPE, nullDocument.errors().get(0).code());
    }

    @Test
    void unreadableFileIsAConfigException() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("config.json"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(directory));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    /** The config file that reads back as {@code config}. */
    private static String configJson(AgentConfig config) {
        ObjectNode json = TestJson.mapper().createObjectNode();
        json.put("schema_version", NatState.SCHEMA_VERSION);
        ObjectNode daemon = json.putObject("daemon");
        daemon.put("admin_socket", config.daemon().adminSocket().toString());
        daemon.put("admin_group", config.daemon().adminGroup());
        daemon.put("state_dir", config.daemon().stateDir().toString());
        config.daemon().metricsTextfilePath().ifPresent(path -> daemon.put("metrics_textfile", path.toString()));
        json.set("settings", TestJson.toTree(config.desired().settings()));
        ArrayNode forwards = json.putArray("forwards");
        config.desired().forwards().values().forEach(forward -> forwards.add(TestJson.toTree(forward)));
        ArrayNode outbounds = json.putArray("outbounds");
        config.desired().outbounds().values().forEach(outbound -> outbounds.add(TestJson.toTree(outbound)));
        return TestJson.write(json);
    }
}
