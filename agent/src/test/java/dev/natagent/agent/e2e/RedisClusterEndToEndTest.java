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
 * A real six-node Redis cluster (three primaries, three replicas) behind the real agent, and the
 * real Lettuce and Jedis cluster clients in front of it, each in a JVM of its own in the client
 * namespace, which has no route to the nodes' network.
 */
@Tag(KernelTests.TAG)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class RedisClusterEndToEndTest {
    private static final List<String> NODES =
            List.of("10.0.1.11", "10.0.1.12", "10.0.1.13", "10.0.1.14", "10.0.1.15", "10.0.1.16");
    private static final List<String> LIBRARIES = List.of("lettuce", "jedis");
    private static final int FIRST_PORT = 7000;

    @RegisterExtension
    static final RedisClusterPerClass cluster = new RedisClusterPerClass();

    private RedisClusterLab lab;
    private AgentDaemon agent;
    private Path map;

    @BeforeAll
    void formTheClusterAndExposeItThroughTheAgent() throws Exception {
        lab = cluster.get();
        lab.form(NODES, 1);
        agent = lab.nat.agent("{}").start();
        StringBuilder targets = new StringBuilder();
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < NODES.size(); i++) {
            targets.append(i == 0 ? "" : ",").append(NODES.get(i)).append(':').append(RedisClusterLab.PORT);
            json.append(i == 0 ? "" : ",")
                    .append("\"")
                    .append(NODES.get(i))
                    .append(':')
                    .append(RedisClusterLab.PORT)
                    .append("\":{\"host\":\"")
                    .append(NatLab.PUBLIC)
                    .append("\",\"port\":")
                    .append(FIRST_PORT + i)
                    .append('}');
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
    void withoutTheMapTheClientsDialTheAdvertisedPrivateAddressesAndFail() throws Exception {
        for (String library : LIBRARIES) {
            String answer;
            try (ClusterClientJvm client = start(library, null)) {
                answer = client.ask("write unmapped");
            } catch (ClusterClientJvm.ClientFailed failed) {
                answer = failed.getMessage();
            }
            assertTrue(answer.startsWith("error "), library + " without the map: " + answer);
            assertTrue(answer.contains("10.0.1."), library + " fails on a private address: " + answer);
        }
    }

    @Test
    @Order(2)
    void withTheMapLettuceAndJedisWriteAndReadBackAKeyInEverySlot() throws Exception {
        for (String library : LIBRARIES) {
            try (ClusterClientJvm client = start(library, map)) {
                client.expectOk("write " + library);
                client.expectOk("check " + library);
            }
        }
        long keys = 0;
        for (RedisClusterLab.ClusterNode node : lab.nodes()) {
            if (node.primary()) {
                keys += Long.parseLong(lab.command(node.address(), "DBSIZE"));
            }
        }
        assertEquals(LIBRARIES.size() * SlotKeys.SLOTS, keys, "keys in the cluster's primaries");
    }

    private ClusterClientJvm start(String library, Path mapFile) throws Exception {
        return ClusterClientJvm.start(
                lab.client,
                cluster.dir().resolve(library + "-client.log"),
                library,
                NatLab.PUBLIC,
                FIRST_PORT,
                mapFile,
                null);
    }
}
