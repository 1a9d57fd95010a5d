package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.Polling.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.KernelTable;
import dev.natagent.testing.KernelTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real six-node Redis cluster (three primaries, three replicas) behind the real agent, which
 * discovers it from one configuration endpoint and gives every node a listen port; the real Lettuce
 * and Jedis cluster clients, each in a JVM of its own in the client namespace (no route to the
 * nodes), dial through the map {@code natctl cluster map} writes. The clients keep running while
 * the cluster fails over, grows, is resharded and shrinks, and while the agent restarts: the map
 * and the forwards follow, every node keeps its port, and no key is lost. The tests run in order on
 * one cluster.
 */
@Tag(KernelTests.TAG)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class RedisClusterEndToEndTest {
    private static final List<String> NODES =
            List.of("10.0.1.11", "10.0.1.12", "10.0.1.13", "10.0.1.14", "10.0.1.15", "10.0.1.16");
    private static final String SEVENTH = "10.0.1.17";
    private static final List<String> LIBRARIES = List.of("lettuce", "jedis");
    private static final int POLL_SECONDS = 1;
    /** Generous for a shared machine; how long it really took is printed as a figure. */
    private static final long FOLLOW_MILLIS = 30_000;

    @RegisterExtension
    static final RedisClusterPerClass cluster = new RedisClusterPerClass();

    private RedisClusterLab lab;
    private AgentDaemon agent;
    private Path map;
    private final List<ClusterClientJvm> clients = new ArrayList<>();
    private final List<String> written = new ArrayList<>();

    @BeforeAll
    void formTheClusterAndAddItToTheAgent() throws Exception {
        lab = cluster.get();
        lab.form(NODES, 1);
        agent = lab.nat
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
                "7000-7099",
                "--allow",
                RedisClusterLab.CLIENT + "/32",
                "--poll-interval",
                Integer.toString(POLL_SECONDS),
                "--grace",
                "0");
        map = cluster.dir().resolve("orders-map.json");
        awaitFollowed("the first poll", Map.of());
    }

    @AfterAll
    void stopTheClients() {
        clients.forEach(ClusterClientJvm::close);
    }

    @Test
    @Order(1)
    void withoutTheMapTheClientsDialTheAdvertisedPrivateAddressesAndFail() throws Exception {
        for (String library : LIBRARIES) {
            String answer;
            try (ClusterClientJvm client = ClusterClientJvm.start(
                    lab.client, log(library + "-unmapped"), library, NatLab.PUBLIC, seedPort(), null, null)) {
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
            clients.add(
                    ClusterClientJvm.start(lab.client, log(library), library, NatLab.PUBLIC, seedPort(), map, null));
        }
        writeAndCheckAll("formed");
        long keys = 0;
        for (RedisClusterLab.ClusterNode node : lab.nodes()) {
            if (node.primary()) {
                keys += Long.parseLong(lab.command(node.address(), "DBSIZE"));
            }
        }
        assertEquals(LIBRARIES.size() * SlotKeys.SLOTS, keys, "one key per slot and client in the primaries");
    }

    @Test
    @Order(3)
    void aReplicaTakesOverWithClusterFailover() throws Exception {
        Map<String, Integer> before = ports();
        String replica = lab.nodes().stream()
                .filter(n -> !n.primary())
                .findFirst()
                .orElseThrow()
                .address();
        lab.failover(replica);
        awaitFollowed("a failover", before);
        writeAndCheckAll("after-failover");
    }

    @Test
    @Order(4)
    void aSeventhNodeJoinsAndTakesSlots() throws Exception {
        Map<String, Integer> before = ports();
        String id = lab.addNode(SEVENTH);
        Map<String, Integer> grown = awaitFollowed("a joining node", before);
        assertTrue(grown.containsKey(SEVENTH + ":" + RedisClusterLab.PORT), grown.toString());
        lab.reshard(id, 1_000);
        assertEquals(1_000, lab.node(SEVENTH).slots());
        awaitFollowed("a reshard", grown);
        writeAndCheckAll("after-reshard");
        assertTrue(Long.parseLong(lab.command(SEVENTH, "DBSIZE")) > 0, "the new node holds keys");
    }

    @Test
    @Order(5)
    void aRemovedNodeLeavesTheMapAndTheOthersKeepTheirPorts() throws Exception {
        Map<String, Integer> before = ports();
        String replica = lab.nodes().stream()
                .filter(n -> !n.primary() && !n.address().equals(NODES.get(0)))
                .findFirst()
                .orElseThrow()
                .address();
        lab.removeNode(replica);
        Map<String, Integer> after = awaitFollowed("a removed node", before);
        assertTrue(!after.containsKey(replica + ":" + RedisClusterLab.PORT), after.toString());
        writeAndCheckAll("after-removal");
    }

    @Test
    @Order(6)
    void aRestartAndASigkillDuringAPollKeepEveryNodesPort() throws Exception {
        Map<String, Integer> before = ports();
        agent.terminate();
        agent.start();
        assertEquals(before, awaitFollowed("a restart", before));

        // A refresh polls at once: kill the agent while it runs.
        Thread refresh = new Thread(() -> CliResult.natctl(agent, "cluster", "refresh", "orders"), "refresh");
        refresh.start();
        TimeUnit.MILLISECONDS.sleep(5);
        agent.kill();
        refresh.join(30_000);
        agent.start();
        assertEquals(before, awaitFollowed("a SIGKILL mid-poll", before));
        writeAndCheckAll("after-restarts");
    }

    /**
     * Waits until the agent lists exactly the nodes the cluster's own CLUSTER SHARDS lists, each in
     * the role the cluster gives it, and its map has them all; then checks the map against the
     * kernel and natctl and that every node in {@code before} kept its port, and writes the map
     * where the clients read it. Prints how long following took.
     */
    private Map<String, Integer> awaitFollowed(String change, Map<String, Integer> before) throws Exception {
        long start = System.nanoTime();
        Map<String, String> roles = new TreeMap<>();
        for (RedisClusterLab.ClusterNode node : lab.nodes()) {
            roles.put(node.address() + ":" + node.port(), node.primary() ? "primary" : "replica");
        }
        Polling.awaitTrue(
                () -> agentRoles().equals(roles) && ports().keySet().equals(roles.keySet()),
                FOLLOW_MILLIS,
                "the agent to list " + roles);
        System.out.printf(
                "FIGURE cluster-follow: poll interval %d s; the agent followed %s after %d ms%n",
                POLL_SECONDS, change, Polling.millisSince(start));
        Map<String, Integer> ports = ports();
        before.forEach((node, port) -> {
            if (ports.containsKey(node)) {
                assertEquals(port, ports.get(node), node + " kept its port across " + change);
            }
        });
        assertKernelEqualsNatctl(ports);
        Files.writeString(map, CliResult.natctlOk(agent, "cluster", "map", "orders", "--format", "json"));
        return ports;
    }

    /** The present nodes natctl cluster get lists: advertised ip:port -> role. */
    private Map<String, String> agentRoles() {
        Map<String, String> roles = new TreeMap<>();
        for (JsonNode node : json(CliResult.natctlOk(agent, "--json", "cluster", "get", "orders"))
                .path("nodes")) {
            if (!node.has("vanished_at")) {
                roles.put(
                        node.path("address").asText() + ":" + node.path("port").asInt(),
                        node.path("role").asText());
            }
        }
        return roles;
    }

    /** The map as natctl prints it: advertised ip:port -> listen port, all on the public address. */
    private Map<String, Integer> ports() {
        Map<String, Integer> ports = new TreeMap<>();
        json(CliResult.natctlOk(agent, "cluster", "map", "orders", "--format", "json"))
                .properties()
                .forEach(e -> {
                    assertEquals(NatLab.PUBLIC, e.getValue().path("host").asText(), e.toString());
                    ports.put(e.getKey(), e.getValue().path("port").asInt());
                });
        return ports;
    }

    /** nft's forwards map in the NAT namespace holds what natctl lists, which is what the map says. */
    private void assertKernelEqualsNatctl(Map<String, Integer> ports) throws Exception {
        Set<String> listed = new TreeSet<>();
        for (JsonNode forward :
                json(CliResult.natctlOk(agent, "--json", "forward", "list")).path("forwards")) {
            int first = Integer.parseInt(forward.path("listen").asText().split("-")[0]);
            JsonNode targets = forward.path("targets");
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i).path("target").asText();
                listed.add("tcp . " + (first + i) + " : "
                        + targets.get(i).path("address").asText() + " . "
                        + target.substring(target.lastIndexOf(':') + 1));
            }
        }
        Set<String> mapped = new TreeSet<>();
        ports.forEach((node, port) -> mapped.add("tcp . " + port + " : " + node.replace(":", " . ")));
        assertEquals(mapped, listed, "natctl forward list against the map");
        assertEquals(listed, KernelTable.forwardElements(lab.nat.nat), "the kernel against natctl");
    }

    /** Every running client reads back every key written so far, then writes a key in every slot. */
    private void writeAndCheckAll(String name) throws Exception {
        for (int i = 0; i < clients.size(); i++) {
            for (String earlier : written) {
                clients.get(i).expectOk("check " + earlier + "-" + i);
            }
            clients.get(i).expectOk("write " + name + "-" + i);
            clients.get(i).expectOk("check " + name + "-" + i);
        }
        written.add(name);
    }

    private int seedPort() {
        return ports().get(NODES.get(0) + ":" + RedisClusterLab.PORT);
    }

    private Path log(String library) {
        return cluster.dir().resolve(library + "-client.log");
    }
}
