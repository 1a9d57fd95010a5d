package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.cluster.DiscoveryException;
import dev.natagent.agent.cluster.RedisDiscovery;
import dev.natagent.agent.cluster.Topology;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.model.Target;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's RESP client against real redis-server cluster nodes in a namespace of the test's
 * own: CLUSTER SHARDS, AUTH with a password and with an ACL user, refusals that name the file but
 * never the password, and TLS with the CA file and the host name checked.
 */
@Tag(KernelTests.TAG)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisDiscoveryKernelTest {
    private static final String PLAIN = "10.0.9.1";
    private static final String TLS = "10.0.9.2";
    /** Bound by the TLS node too, but not named in its certificate. */
    private static final String TLS_UNNAMED = "10.0.9.3";

    private static final String PASSWORD = "s3cret-Pa55";

    @TempDir
    static Path dir;

    private Netns netns;
    private RedisTls tls;
    private final List<Process> servers = new ArrayList<>();
    private final RedisDiscovery discovery = new RedisDiscovery();

    @BeforeAll
    void startTwoSingleNodeClusters() throws Exception {
        KernelTests.requireKernel();
        netns = Netns.create();
        netns.execOk("ip", "link", "set", "lo", "up");
        for (String address : List.of(PLAIN, TLS, TLS_UNNAMED)) {
            netns.execOk("ip", "addr", "add", address + "/32", "dev", "lo");
        }
        tls = RedisTls.create(Files.createDirectories(dir.resolve("tls")), List.of(TLS, "cfg.orders.test"));
        start(PLAIN, List.of("--bind", PLAIN, "--port", "6379"));
        List<String> tlsArgs = new ArrayList<>(List.of("--bind", TLS, TLS_UNNAMED));
        tlsArgs.addAll(tls.serverArgs(6380));
        start(TLS, tlsArgs);
        cli(PLAIN, 6379, false, "CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        cli(TLS, 6380, true, "CLUSTER", "ADDSLOTSRANGE", "0", "16383");
    }

    @AfterAll
    void stop() throws Exception {
        for (Process server : servers) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void shardsOfARealNodeGiveItsIdAddressAndRole() throws Exception {
        Topology topology = discover(spec(PLAIN, 6379, false, null, null));
        assertEquals(1, topology.nodes().size());
        assertEquals(Ipv4.parse(PLAIN), topology.nodes().get(0).address());
        assertEquals(Role.PRIMARY, topology.nodes().get(0).role());
        assertEquals(
                cli(PLAIN, 6379, false, "CLUSTER", "MYID"),
                topology.nodes().get(0).id());
    }

    @Test
    void passwordAndAclUserAuthAndTheirRefusalsNeverShowThePassword() throws Exception {
        cli(PLAIN, 6379, false, "ACL", "SETUSER", "poller", "on", ">" + PASSWORD, "+cluster", "+auth");
        cli(PLAIN, 6379, false, "CONFIG", "SET", "requirepass", PASSWORD);
        try {
            DiscoveryException none = failure(spec(PLAIN, 6379, false, null, null));
            assertEquals(DiscoveryException.Kind.AUTH_FAILED, none.kind());
            assertTrue(none.getMessage().contains("auth file"), none.getMessage());

            assertEquals(
                    1,
                    discover(spec(PLAIN, 6379, false, null, authFile("password", PASSWORD)))
                            .nodes()
                            .size());
            assertEquals(
                    1,
                    discover(spec(PLAIN, 6379, false, null, authFile("user", "poller " + PASSWORD)))
                            .nodes()
                            .size());

            String wrong = authFile("wrong", "not-" + PASSWORD);
            DiscoveryException refused = failure(spec(PLAIN, 6379, false, null, wrong));
            assertEquals(DiscoveryException.Kind.AUTH_FAILED, refused.kind());
            assertTrue(refused.getMessage().contains(wrong), refused.getMessage());
            assertFalse(refused.getMessage().contains(PASSWORD), refused.getMessage());

            String open = authFile("open", PASSWORD);
            Files.setPosixFilePermissions(Path.of(open), PosixFilePermissions.fromString("rw-r--r--"));
            DiscoveryException readable = failure(spec(PLAIN, 6379, false, null, open));
            assertTrue(readable.getMessage().contains("other users"), readable.getMessage());
        } finally {
            cli(PLAIN, 6379, false, "-a", PASSWORD, "--no-auth-warning", "CONFIG", "SET", "requirepass", "");
        }
    }

    @Test
    void tlsWithTheCaFileAndTheNameInTheCertificate() throws Exception {
        Topology topology = discover(spec(TLS, 6380, true, tls.ca().toString(), null));
        assertEquals(1, topology.nodes().size());
        assertEquals(6380, topology.nodes().get(0).port(), "the node's TLS port");

        RedisTls other = RedisTls.create(Files.createDirectories(dir.resolve("other-ca")), List.of(TLS));
        DiscoveryException untrusted = failure(spec(TLS, 6380, true, other.ca().toString(), null));
        assertEquals(DiscoveryException.Kind.TLS, untrusted.kind(), untrusted.getMessage());

        DiscoveryException unnamed =
                failure(spec(TLS_UNNAMED, 6380, true, tls.ca().toString(), null));
        assertEquals(DiscoveryException.Kind.TLS, unnamed.kind(), unnamed.getMessage());
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        assertEquals(
                DiscoveryException.Kind.UNREACHABLE,
                failure(spec(PLAIN, 6390, false, null, null)).kind());
    }

    private Topology discover(ClusterSpec spec) throws Exception {
        return netns.call(() -> discovery.discover(spec));
    }

    private DiscoveryException failure(ClusterSpec spec) {
        Exception e = assertThrows(Exception.class, () -> discover(spec));
        Throwable cause = e;
        while (cause != null && !(cause instanceof DiscoveryException)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof DiscoveryException, "not a DiscoveryException: " + e);
        return (DiscoveryException) cause;
    }

    private static ClusterSpec spec(String address, int port, boolean tls, String caFile, String authFile) {
        return new ClusterSpec(
                "orders",
                ClusterEngine.REDIS,
                new Target(address, port),
                PortRange.parse("7000-7009"),
                null,
                null,
                tls,
                caFile,
                authFile,
                null,
                null,
                null,
                null);
    }

    private static String authFile(String name, String content) throws Exception {
        Path file = dir.resolve(name + ".auth");
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file.toString();
    }

    private void start(String address, List<String> args) throws Exception {
        Path data = Files.createDirectories(dir.resolve("redis-" + address));
        List<String> command = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                netns.name(),
                "redis-server",
                "--cluster-enabled",
                "yes",
                "--cluster-announce-ip",
                address,
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                data.toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("log").toFile())
                .start();
        servers.add(process);
        boolean secure = address.equals(TLS);
        Polling.awaitTrue(
                () -> cli(address, secure ? 6380 : 6379, secure, "PING").equals("PONG"),
                10_000,
                "redis-server on " + address);
    }

    private String cli(String address, int port, boolean secure, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", address, "-p", Integer.toString(port)));
        if (secure) {
            command.addAll(tls.cliArgs());
        }
        command.addAll(List.of(args));
        return netns.execOk(command.toArray(String[]::new)).trim();
    }
}
