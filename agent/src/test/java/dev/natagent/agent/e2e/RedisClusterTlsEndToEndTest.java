package dev.natagent.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * ElastiCache does with in-transit encryption, behind the real agent; Lettuce and Jedis connect with
 * TLS and hostname verification through the NAT, using the address map.
 */
@Tag(KernelTests.TAG)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class RedisClusterTlsEndToEndTest {
    private static final List<String> NODES = List.of("10.0.1.21", "10.0.1.22", "10.0.1.23");
    private static final int FIRST_PORT = 7100;

    /** Like ElastiCache's, the node certificate names only the nodes' domain, by a wildcard. */
    @RegisterExtension
    static final RedisClusterPerClass cluster = new RedisClusterPerClass(List.of("*.orders.cache.test"), true);

    private RedisClusterLab lab;
    private AgentDaemon agent;
    private Path map;

    @BeforeAll
    void formTheClusterAndExposeItThroughTheAgent() throws Exception {
        lab = cluster.get();
        lab.form(NODES, 0);
        agent = lab.nat.agent("{}").start();
        StringBuilder targets = new StringBuilder();
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < NODES.size(); i++) {
            String dial = "{\"host\":\"" + NatLab.PUBLIC + "\",\"port\":" + (FIRST_PORT + i) + "}";
            targets.append(i == 0 ? "" : ",").append(NODES.get(i)).append(':').append(RedisClusterLab.PORT);
            json.append(i == 0 ? "" : ",")
                    .append("\"" + NODES.get(i) + ":" + RedisClusterLab.PORT + "\":" + dial)
                    .append(",\"" + RedisClusterLab.hostname(NODES.get(i)) + ":" + RedisClusterLab.PORT + "\":" + dial);
        }
        agent.natctlOk(
                "forward",
                "add",
                "orders",
                "--listen",
                FIRST_PORT + "-" + (FIRST_PORT + NODES.size() - 1),
                "--to",
                targets.toString(),
                "--allow",
                RedisClusterLab.CLIENT + "/32");
        map = Files.writeString(
                cluster.dir().resolve("map.json"), json.append('}').toString());
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
                FIRST_PORT,
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
