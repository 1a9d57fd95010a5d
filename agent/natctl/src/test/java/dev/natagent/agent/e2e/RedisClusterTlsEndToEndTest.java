package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.Polling.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TLS-only Redis cluster (clients, cluster bus, replication) whose nodes advertise hostnames, as
 * ElastiCache does with in-transit encryption, behind the real agent, which discovers it over TLS,
 * checking the endpoint's certificate and name; Lettuce and Jedis connect with TLS and a certificate
 * check through the NAT, using the map natctl prints.
 */
@Tag(KernelTests.TAG)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class RedisClusterTlsEndToEndTest {
    private static final List<String> NODES = List.of("10.0.1.21", "10.0.1.22", "10.0.1.23");

    /** Like ElastiCache's, the node certificate names only the nodes' domain, by a wildcard. */
    @RegisterExtension
    static final RedisClusterPerClass cluster = new RedisClusterPerClass(List.of("*.orders.cache.test"), true);

    private RedisClusterLab lab;
    private AgentDaemon agent;
    private Path map;

    @BeforeAll
    void formTheClusterAndAddItToTheAgentOverTls() throws Exception {
        lab = cluster.get();
        lab.form(NODES, 0);
        StringBuilder hosts = new StringBuilder();
        NODES.forEach(a ->
                hosts.append(a).append(' ').append(RedisClusterLab.hostname(a)).append('\n'));
        lab.nat.hosts(hosts.toString());
        agent = lab.nat
                .agent("{\"settings\":{\"public_address\":\"" + NatLab.PUBLIC + "\"}}")
                .start();
        CliResult.natctlOk(agent, addCluster("orders", RedisClusterLab.hostname(NODES.get(0)), "7100-7199"));
        Polling.awaitTrue(() -> ports().size() == 2 * NODES.size(), 30_000, "an address and a hostname per node");
        map = Files.writeString(
                cluster.dir().resolve("orders-map.json"),
                CliResult.natctlOk(agent, "cluster", "map", "orders", "--format", "json"));
    }

    /** natctl cluster add with TLS, trusting the test CA, polling every second. */
    private String[] addCluster(String name, String endpointHost, String listen) {
        return new String[] {
            "cluster",
            "add",
            name,
            "--engine",
            "redis",
            "--endpoint",
            endpointHost + ":" + RedisClusterLab.PORT,
            "--listen",
            listen,
            "--allow",
            RedisClusterLab.CLIENT + "/32",
            "--tls",
            "--ca-file",
            lab.tls().ca().toString(),
            "--poll-interval",
            "1"
        };
    }

    @Test
    @Order(0)
    void theAgentDiscoversOverTlsAndChecksTheEndpointsName() throws Exception {
        Map<String, Integer> ports = ports();
        for (String address : NODES) {
            int port = ports.get(address + ":" + RedisClusterLab.PORT);
            assertEquals(port, ports.get(RedisClusterLab.hostname(address) + ":" + RedisClusterLab.PORT), address);
        }
        // The certificate names no address: an endpoint given by address fails the name check.
        CliResult.natctlOk(agent, addCluster("by-address", NODES.get(0), "7200-7209"));
        Polling.awaitTrue(
                () -> json(CliResult.natctlOk(agent, "--json", "cluster", "get", "by-address"))
                        .at("/poll/error_kind")
                        .asText()
                        .equals("TLS"),
                30_000,
                "the poll of an endpoint the certificate does not name to fail");
        assertTrue(json(CliResult.natctlOk(agent, "cluster", "map", "by-address", "--format", "json"))
                .isEmpty());
        CliResult.natctlOk(agent, "cluster", "remove", "by-address");
    }

    /** The map as natctl prints it: advertised address or hostname with port -> listen port. */
    private Map<String, Integer> ports() {
        Map<String, Integer> ports = new TreeMap<>();
        json(CliResult.natctlOk(agent, "cluster", "map", "orders", "--format", "json"))
                .properties()
                .forEach(e -> ports.put(e.getKey(), e.getValue().path("port").asInt()));
        return ports;
    }

    @Test
    @Order(1)
    void bothLibrariesCheckTheCertificateAgainstTheNatAddressTheyDialWhichItDoesNotName() throws Exception {
        for (String library : List.of("lettuce", "jedis")) {
            String answer = writeAndCheck(library);
            assertTrue(answer.startsWith("error "), library + ": " + answer);
            assertTrue(
                    answer.contains(NatLab.PUBLIC) || logOf(library).contains(NatLab.PUBLIC), library + ": " + answer);
        }
    }

    @Test
    @Order(2)
    void bothLibrariesPassWhenTheyCheckTheNameTheClusterAdvertisesForTheDialledNode() throws Exception {
        for (String library : List.of("lettuce-advertised-name", "jedis-advertised-name")) {
            assertEquals("ok " + SlotKeys.SLOTS, writeAndCheck(library), library + ":\n" + logOf(library));
        }
    }

    /** Seeded with the NAT's address, as a user configures it; the client's first failure or "ok N". */
    private String writeAndCheck(String library) throws Exception {
        try (ClusterClientJvm client = ClusterClientJvm.start(
                lab.client,
                log(library),
                library,
                NatLab.PUBLIC,
                ports().get(NODES.get(0) + ":" + RedisClusterLab.PORT),
                map,
                lab.tls().ca())) {
            String written = client.ask("write " + library);
            return written.startsWith("ok ") ? client.ask("check " + library) : written;
        } catch (ClusterClientJvm.ClientFailed failed) {
            return failed.getMessage();
        }
    }

    private Path log(String library) {
        return cluster.dir().resolve(library + "-tls-client.log");
    }

    private String logOf(String library) throws Exception {
        return Files.exists(log(library)) ? Files.readString(log(library)) : "";
    }
}
