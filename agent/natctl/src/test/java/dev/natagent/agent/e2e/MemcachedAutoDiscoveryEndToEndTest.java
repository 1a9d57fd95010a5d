package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.NatLab.PUBLIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.ElastiCacheConfigEndpoint;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memcached auto-discovery through the NAT: three (then four) real memcached nodes the client
 * namespace cannot route to, an ElastiCache-like configuration endpoint beside them, the real agent
 * with a memcached cluster (polling the endpoint, one forward per node, its own configuration
 * endpoint on port 11211), and the unmodified ElastiCache Cluster Client for Java in a JVM in the
 * client namespace, given only NAT:11211.
 */
@Tag(KernelTests.TAG)
class MemcachedAutoDiscoveryEndToEndTest {
    private static final String TRUSTED = ElastiCacheGuide.TRUSTED;
    private static final String UNTRUSTED = "198.51.100.99";
    private static final List<String> NODES = List.of("10.0.1.240", "10.0.1.241", "10.0.1.242", "10.0.1.243");
    private static final String ENDPOINT = "10.0.1.250";
    private static final int CONFIG_PORT = 11211;
    private static final int FIRST_PORT = 11212;

    @TempDir
    Path dir;

    @RegisterExtension
    final LabPerTest lab = new LabPerTest(() -> dir);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, Netns> nodes = new LinkedHashMap<>();

    @AfterEach
    void closeServersAndClients() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void theUnmodifiedAutoDiscoveryClientWorksThroughTheNatAndANewClientUsesAnAddedNode() throws Exception {
        NatLab nat = lab.get();
        Netns trusted = nat.client(TRUSTED);
        Netns untrusted = nat.client(UNTRUSTED);
        for (String address : NODES) {
            Netns node = nat.node(address);
            nat.memcached(node, address);
            nodes.put(address, node);
        }
        Netns endpointNs = nat.node(ENDPOINT);
        ElastiCacheConfigEndpoint endpoint =
                endpointNs.call(() -> ElastiCacheConfigEndpoint.start(ENDPOINT, CONFIG_PORT, true));
        open.add(endpoint);
        endpoint.set(1, entries(3));
        AgentDaemon agent = nat.agent("{}").start();
        CliResult.natctlOk(
                agent,
                "cluster",
                "add",
                "sessions",
                "--engine",
                "memcached",
                "--endpoint",
                ENDPOINT + ":" + CONFIG_PORT,
                "--listen",
                FIRST_PORT + "-" + (FIRST_PORT + 9),
                "--allow",
                TRUSTED + "/32",
                "--public-address",
                PUBLIC,
                "--poll-interval",
                "1",
                "--config-port",
                Integer.toString(CONFIG_PORT));
        String three = reply(1, 3);
        Polling.awaitTrue(() -> three.equals(askConfig(trusted)), 15_000, "the agent's answer with three nodes");

        ClusterClientJvm first = client(trusted, "first");
        assertEquals("ok " + publicNodes(3), first.ask("nodes"), "the client dials the NAT, never a node");
        first.expectOk("set a 300");
        first.expectOk("get a 300");
        for (int i = 0; i < 3; i++) {
            assertTrue(items(NODES.get(i)) > 0, "keys on node " + NODES.get(i));
        }
        assertEquals(0, items(NODES.get(3)), "node 4 is not in the cluster yet");

        endpoint.set(2, entries(4));
        String four = reply(2, 4);
        Polling.awaitTrue(() -> four.equals(askConfig(trusted)), 15_000, "the agent's answer with four nodes");
        String forwards = CliResult.natctlOk(agent, "forward", "list");
        assertTrue(forwards.contains(FIRST_PORT + 3 + " -> " + NODES.get(3) + ":11211"), forwards);
        first.expectOk("get a 300");
        first.expectOk("set c 100");

        ClusterClientJvm second = client(trusted, "second");
        assertEquals("ok " + publicNodes(4), second.ask("nodes"));
        second.expectOk("set b 300");
        second.expectOk("get b 300");
        assertTrue(items(NODES.get(3)) > 0, "a client started after the change uses the added node");

        // A real ElastiCache node answers with the cluster's configuration too (engines before
        // 1.4.14 keep it as a key on every node), with the private addresses. This client polls the
        // nodes, through their forwards, and its poller starts without a version of its own: the
        // first node answer it reads replaces the agent's list, whatever the versions. docs/clusters.md
        // says so; this pins it, so that a client that behaves otherwise shows up here.
        long hits = hits();
        String privateConfig = "3\n" + String.join(" ", entries(4)) + "\n";
        for (String address : NODES) {
            assertEquals(
                    "STORED\r\n",
                    CacheClient.memcached(
                            nodes.get(address),
                            address,
                            11211,
                            "set AmazonElastiCache:cluster 0 0 " + privateConfig.length() + "\r\n" + privateConfig
                                    + "\r\n"));
        }
        Polling.awaitTrue(() -> hits() > hits, 20_000, "the first client to read a node's configuration");
        Polling.awaitTrue(
                () -> first.ask("nodes").equals("ok " + String.join(",", privateNodes())),
                10_000,
                "the first client to take the nodes' private list");

        assertEquals("", askConfig(untrusted), "outside the allow-list: closed without an answer");
        CliResult.natctlOk(agent, "cluster", "remove", "sessions");
        Polling.awaitTrue(
                () -> !CacheClient.connects(trusted, PUBLIC, CONFIG_PORT, 1_000),
                10_000,
                "the configuration endpoint to close with its cluster");
    }

    private static String askConfig(Netns from) throws Exception {
        try {
            return CacheClient.memcached(from, PUBLIC, CONFIG_PORT, "config get cluster\r\n");
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** The agent's exact answer: the cluster's version plus the offset, every node at the NAT. */
    private static String reply(long version, int count) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add("node-" + (i + 1) + ".sessions.cache.test|" + PUBLIC + "|" + (FIRST_PORT + i));
        }
        String body = (1_000_000_000L + version) + "\n" + String.join(" ", entries) + "\n";
        return "CONFIG cluster 0 " + body.length() + "\r\n" + body + "\r\nEND\r\n";
    }

    private ClusterClientJvm client(Netns from, String name) throws Exception {
        ClusterClientJvm client = ClusterClientJvm.start(
                from,
                dir.resolve(name + "-client.log"),
                AutoDiscoveryClientMain.class,
                List.of(PUBLIC, Integer.toString(CONFIG_PORT)));
        open.add(client);
        return client;
    }

    private static List<String> entries(int count) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add("node-" + (i + 1) + ".sessions.cache.test|" + NODES.get(i) + "|11211");
        }
        return entries;
    }

    private static String publicNodes(int count) {
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(PUBLIC + ":" + (FIRST_PORT + i));
        }
        return String.join(",", nodes);
    }

    private static List<String> privateNodes() {
        return NODES.stream().map(address -> address + ":11211").toList();
    }

    /** curr_items of a node, asked from its own namespace. */
    private long items(String address) throws Exception {
        return stat(address, "curr_items");
    }

    /** get_hits of all nodes together. */
    private long hits() throws Exception {
        long hits = 0;
        for (String address : NODES) {
            hits += stat(address, "get_hits");
        }
        return hits;
    }

    private long stat(String address, String name) throws Exception {
        String stats = CacheClient.memcached(nodes.get(address), address, 11211, "stats\r\n");
        for (String line : stats.split("\r\n")) {
            if (line.startsWith("STAT " + name + " ")) {
                return Long.parseLong(line.substring(("STAT " + name + " ").length()));
            }
        }
        throw new AssertionError("no " + name + " in " + stats);
    }
}
