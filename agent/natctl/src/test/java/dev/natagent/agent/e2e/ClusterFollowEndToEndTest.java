package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.Polling.awaitTrue;
import static dev.natagent.agent.e2e.Polling.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.testing.KernelTests;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster object following a real Redis cluster: three primaries formed with redis-cli behind the
 * real agent, which discovers them itself (CLUSTER SHARDS), gives each a forward from the cluster's
 * range and keeps those forwards in step as a node joins, across a restart, and until the cluster
 * is removed; what natctl lists is what the kernel holds, and each listen port reaches its own node.
 */
@Tag(KernelTests.TAG)
class ClusterFollowEndToEndTest {
    private static final List<String> NODES = List.of("10.0.1.21", "10.0.1.22", "10.0.1.23");
    private static final String JOINING = "10.0.1.24";
    private static final long POLL_WAIT_MILLIS = 15_000;

    @RegisterExtension
    static final RedisClusterPerClass cluster = new RedisClusterPerClass();

    @Test
    void theForwardsFollowTheClusterAndEachPortReachesItsNode() throws Exception {
        RedisClusterLab lab = cluster.get();
        lab.form(NODES, 0);
        AgentDaemon agent = lab.nat
                .agent("{\"settings\":{\"public_address\":\"" + NatLab.PUBLIC + "\"}}")
                .start();
        CliResult.natctlOk(
                agent,
                "cluster",
                "add",
                "orders",
                "--engine",
                "redis",
                "--endpoint",
                NODES.get(0) + ":" + RedisClusterLab.PORT,
                "--listen",
                "7000-7009",
                "--allow",
                RedisClusterLab.CLIENT + "/32",
                "--poll-interval",
                "1");

        Map<String, Integer> ports = awaitPorts(agent, 3);
        assertEquals(Map.of("10.0.1.21:6379", 7000, "10.0.1.22:6379", 7001, "10.0.1.23:6379", 7002), ports);
        assertKernelHolds(agent, ports);
        assertEachPortReachesItsNode(lab, ports);
        JsonNode forwards = json(CliResult.natctlOk(agent, "--json", "forward", "list"));
        assertEquals("orders", forwards.path("forwards").get(0).path("cluster").asText());
        CliResult refused = CliResult.natctl(agent, "forward", "remove", "orders.7000");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("belongs to cluster 'orders'"), refused.toString());

        // A node joins: it gets the next free port, the others keep theirs, within a poll or two.
        lab.addNode(JOINING);
        Map<String, Integer> grown = awaitPorts(agent, 4);
        ports.forEach((node, port) -> assertEquals(port, grown.get(node), node + " kept its port"));
        assertEquals(7003, grown.get(JOINING + ":6379"));
        assertKernelHolds(agent, grown);
        assertEachPortReachesItsNode(lab, grown);
        CliResult.natctlOk(agent, "cluster", "refresh", "orders");

        // The ports are state: a restart (even a kill) keeps every one.
        agent.kill();
        agent.start();
        assertEquals(grown, map(agent));
        assertKernelHolds(agent, grown);

        CliResult.natctlOk(agent, "cluster", "remove", "orders");
        String table = agent.table();
        for (int port : grown.values()) {
            assertTrue(!table.contains(". " + port + " "), "port " + port + " left in\n" + table);
        }
        assertEquals(
                0,
                json(CliResult.natctlOk(agent, "--json", "forward", "list"))
                        .path("forwards")
                        .size());
    }

    private static Map<String, Integer> awaitPorts(AgentDaemon agent, int nodes) throws Exception {
        awaitTrue(() -> map(agent).size() == nodes, POLL_WAIT_MILLIS, nodes + " nodes in the cluster's map");
        return map(agent);
    }

    /** The address map: advertised ip:port -> listen port (all on the public address). */
    private static Map<String, Integer> map(AgentDaemon agent) {
        JsonNode map = json(CliResult.natctlOk(agent, "cluster", "map", "orders"));
        Map<String, Integer> ports = new TreeMap<>();
        map.properties().forEach(e -> {
            assertEquals(NatLab.PUBLIC, e.getValue().path("host").asText());
            ports.put(e.getKey(), e.getValue().path("port").asInt());
        });
        return ports;
    }

    /** The kernel's forwards map holds one element per node: listen port -> the node. */
    private static void assertKernelHolds(AgentDaemon agent, Map<String, Integer> ports) throws Exception {
        String table = agent.table();
        ports.forEach((node, port) -> {
            String element = "tcp . " + port + " : " + node.replace(":", " . ");
            assertTrue(table.contains(element), element + " missing in\n" + table);
        });
    }

    /** Through the NAT from the client, each listen port answers with its own node's id. */
    private static void assertEachPortReachesItsNode(RedisClusterLab lab, Map<String, Integer> ports) throws Exception {
        for (Map.Entry<String, Integer> entry : ports.entrySet()) {
            String address = entry.getKey().substring(0, entry.getKey().indexOf(':'));
            String id = lab.node(address).id();
            String answer = CacheClient.redis(lab.client, NatLab.PUBLIC, entry.getValue(), "CLUSTER", "MYID");
            assertTrue(answer.contains(id), "port " + entry.getValue() + " answered " + answer + ", not " + id);
        }
    }
}
