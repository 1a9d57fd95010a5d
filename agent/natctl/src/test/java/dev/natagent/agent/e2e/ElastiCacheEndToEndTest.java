package dev.natagent.agent.e2e;

import static dev.natagent.agent.e2e.NatLab.PUBLIC;
import static dev.natagent.agent.e2e.Polling.awaitTrue;
import static dev.natagent.agent.e2e.Polling.json;
import static dev.natagent.agent.e2e.Polling.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.cli.ExitCode;
import dev.natagent.agent.testing.AgentDaemon;
import dev.natagent.agent.testing.CliResult;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nl.NetNamespace;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS ElastiCache NAT-instance scenario end to end: the real daemon in the NAT namespace,
 * configured with natctl as an operator would, real redis-server and memcached nodes behind it,
 * real TCP clients in front. Each test builds its own lab (see {@link NatLab}) and removes it.
 */
@Tag(KernelTests.TAG)
class ElastiCacheEndToEndTest {
    private static final String TRUSTED = ElastiCacheGuide.TRUSTED;
    private static final String UNTRUSTED = "198.51.100.99";
    private static final String[] REDIS_NODES = {"10.0.1.230", "10.0.1.231", "10.0.1.232"};
    private static final String[] MEMCACHED_NODES = {"10.0.1.240", "10.0.1.241", "10.0.1.242"};
    private static final String DNS_NAME = "node-a.cache.test";

    @TempDir
    Path dir;

    private Netns trusted;
    private Netns untrusted;
    private final List<Long> memcachedPids = new ArrayList<>();
    private AgentDaemon agent;
    private Netns firstRedisNode;

    @RegisterExtension
    final LabPerTest lab = new LabPerTest(() -> dir);

    @BeforeEach
    void buildLabAndConfigureForwards() throws Exception {
        trusted = lab.get().client(TRUSTED);
        untrusted = lab.get().client(UNTRUSTED);
        for (String address : REDIS_NODES) {
            Netns node = lab.get().node(address);
            lab.get().redis(node, address);
            firstRedisNode = firstRedisNode == null ? node : firstRedisNode;
        }
        for (String address : MEMCACHED_NODES) {
            memcachedPids.add(lab.get().memcached(lab.get().node(address), address));
        }
        lab.get().hosts(REDIS_NODES[0] + " " + DNS_NAME + "\n");
        agent = lab.get()
                .agent("{\"settings\":{\"resolve_interval_seconds\":1}}")
                .start();
        CliResult.natctlOk(agent, ElastiCacheGuide.addRedis());
        CliResult.natctlOk(
                agent,
                "forward",
                "add",
                "memcached",
                "--listen",
                "11211-11213",
                "--to",
                "10.0.1.240:11211,10.0.1.241:11211,10.0.1.242:11211");
    }

    @Test
    void eachListenPortReachesItsOwnNodeAndRepliesComeBackThroughTheNat() throws Exception {
        assertEquals(
                "1", lab.get().nat.execOk("sysctl", "-n", "net.ipv4.ip_forward").trim(), "ip_forward set by the agent");
        for (int i = 0; i < REDIS_NODES.length; i++) {
            String info = CacheClient.redis(trusted, PUBLIC, 6379 + i, "CLIENT", "INFO");
            assertEquals(REDIS_NODES[i] + ":6379", CacheClient.field(info, "laddr"), "port " + (6379 + i));
            assertTrue(CacheClient.field(info, "addr").startsWith(NatLab.PRIVATE + ":"), "masqueraded: " + info);
            assertEquals("OK", CacheClient.redis(trusted, PUBLIC, 6379 + i, "SET", "node", REDIS_NODES[i]));
        }
        for (int i = 0; i < REDIS_NODES.length; i++) {
            assertEquals(REDIS_NODES[i], CacheClient.redis(trusted, PUBLIC, 6379 + i, "GET", "node"));
        }
        for (int i = 0; i < MEMCACHED_NODES.length; i++) {
            String stats = CacheClient.memcached(trusted, PUBLIC, 11211 + i, "stats\r\n");
            assertTrue(stats.contains("STAT pid " + memcachedPids.get(i) + "\r\n"), "port " + (11211 + i));
        }
        String stored = CacheClient.memcached(trusted, PUBLIC, 11212, "set k 0 0 1\r\nx\r\nget k\r\n");
        assertEquals("STORED\r\nVALUE k 0 1\r\nx\r\nEND\r\n", stored);
        assertEquals("END\r\n", CacheClient.memcached(trusted, PUBLIC, 11211, "get k\r\n"), "k lives on node 2 only");

        // Every packet of each connection, both directions: a connection is at least the handshake,
        // a request, its reply and the close (a counter in a NAT chain would see one per connection).
        Map<String, Integer> connections =
                Map.of("redis", 3 * REDIS_NODES.length, "memcached", MEMCACHED_NODES.length + 2);
        JsonNode forwards =
                json(CliResult.natctlOk(agent, "--json", "forward", "list")).get("forwards");
        for (JsonNode forward : forwards) {
            int made = connections.get(forward.get("name").asText());
            assertTrue(forward.get("packets").asLong() >= 5L * made, made + " connections, counters: " + forward);
            assertTrue(forward.get("bytes").asLong() > 5L * 40 * made, made + " connections, counters: " + forward);
        }
        String table = CliResult.natctlOk(agent, "forward", "list");
        assertTrue(table.lines().anyMatch(l -> l.startsWith("redis ")), table);
        assertTrue(table.contains("\n  6379 -> 10.0.1.230:6379 ["), "each port with its target: " + table);
        JsonNode status = json(CliResult.natctlOk(agent, "--json", "status"));
        assertEquals("on", status.get("ip_forward").asText(), status.toString());
        assertEquals("in_sync", status.get("kernel_table").asText(), status.toString());
    }

    @Test
    void theUntrustedClientCannotConnectWhileTheTrustedOneCan() throws Exception {
        for (int port = 6379; port <= 6381; port++) {
            assertFalse(CacheClient.connects(untrusted, PUBLIC, port, 1_000), "untrusted reached port " + port);
            assertTrue(CacheClient.connects(trusted, PUBLIC, port, 1_000), "trusted refused on port " + port);
        }
        assertTrue(CacheClient.connects(untrusted, PUBLIC, 11211, 1_000), "memcached has no allow-list");
    }

    @Test
    void snatToAGivenAddressIsWhatTheNodeSees() throws Exception {
        lab.get().nat.execOk("ip", "addr", "add", "10.0.1.2/24", "dev", "priv");
        CliResult.natctlOk(agent, "forward", "remove", "redis");
        CliResult.natctlOk(agent, ElastiCacheGuide.addRedis("--snat", "10.0.1.2"));

        String info = CacheClient.redis(trusted, PUBLIC, 6380, "CLIENT", "INFO");
        assertEquals("10.0.1.231:6379", CacheClient.field(info, "laddr"));
        assertTrue(CacheClient.field(info, "addr").startsWith("10.0.1.2:"), info);
    }

    @Test
    void aRepointedDnsNameIsFollowed() throws Exception {
        CliResult.natctlOk(
                agent,
                "forward",
                "add",
                "named",
                "--listen",
                "6390",
                "--to",
                DNS_NAME + ":6379",
                "--allow",
                TRUSTED + "/32");
        assertEquals(REDIS_NODES[0] + ":6379", redisNodeBehind(6390));

        long start = System.nanoTime();
        lab.get().hosts(REDIS_NODES[2] + " " + DNS_NAME + "\n");
        awaitTrue(
                () -> REDIS_NODES[2].equals(json(CliResult.natctlOk(agent, "--json", "forward", "get", "named"))
                        .at("/targets/0/address")
                        .asText()),
                15_000,
                "the agent to resolve " + DNS_NAME + " to " + REDIS_NODES[2]);
        long followedMillis = millisSince(start);
        JsonNode settings = json(CliResult.natctlOk(agent, "export")).get("settings");
        assertEquals(1, settings.get("resolve_interval_seconds").asInt(), "seeded from the config file");
        awaitTrue(() -> (REDIS_NODES[2] + ":6379").equals(redisNodeBehind(6390)), 5_000, "traffic to the new node");
        long trafficMillis = millisSince(start);
        System.out.printf(
                "FIGURE dns-repoint: resolve_interval_seconds=1; agent followed after %d ms, traffic reached the"
                        + " new node after %d ms%n",
                followedMillis, trafficMillis);
    }

    @Test
    void outboundMasqueradesAPrivateSubnetOutOfThePublicInterface() throws Exception {
        firstRedisNode.execOk("ip", "route", "add", "default", "via", NatLab.PRIVATE);
        lab.get().redis(trusted, TRUSTED); // a server out on the public side
        assertFalse(
                CacheClient.connects(firstRedisNode, TRUSTED, 6379, 1_000),
                "without outbound PAT the client cannot answer 10.0.1.0/24");

        CliResult.natctlOk(agent, "outbound", "add", "private", "--source", "10.0.1.0/24", "--out", "pub");

        String info = CacheClient.redis(firstRedisNode, TRUSTED, 6379, "CLIENT", "INFO");
        assertTrue(CacheClient.field(info, "addr").startsWith("198.51.100.1:"), "masqueraded: " + info);
        assertTrue(CliResult.natctlOk(agent, "outbound", "list").contains("10.0.1.0/24"));
    }

    @Test
    void sigkillAndRestartUnderLoadLosesNoRequestAndChangesNothingInTheKernel() throws Exception {
        String before = withoutCounterValues(lab.get().kernelTable());
        Load load = Load.start(trusted, PUBLIC, 6379, 20_000, 200_000);
        try {
            load.awaitRequests(200, 5_000);
            long killedAt = System.nanoTime();
            agent.kill();
            long requestsAtKill = load.ok.get();
            Thread.sleep(300);
            assertTrue(load.ok.get() > requestsAtKill, "traffic flows while the agent is down");
            agent.start();
            long downMillis = millisSince(killedAt);
            long requestsAtRestart = load.ok.get();
            load.awaitRequests(requestsAtRestart + 200, 5_000);
            load.stop();
            System.out.printf(
                    "FIGURE restart-under-load: %d requests (new TCP connection + PING each), %d failed;"
                            + " agent SIGKILLed and back (natctl answering) after %d ms%n",
                    load.ok.get() + load.failed.get(), load.failed.get(), downMillis);
            assertEquals(0, load.failed.get(), "failed requests: " + load.failures);
        } finally {
            load.stop();
        }
        assertEquals(before, withoutCounterValues(lab.get().kernelTable()), "same table, same handles");
        assertTrue(agent.log().contains("adopted it untouched"), "restart adopted the table");
    }

    @Test
    void natctlExitCodesAgainstTheRunningAgentAndAfterSigterm() throws Exception {
        CliResult taken =
                CliResult.natctl(agent, "forward", "add", "clash", "--listen", "6380", "--to", "10.0.1.9:6379");
        assertEquals(ExitCode.REFUSED, taken.exitCode(), taken.toString());
        assertTrue(taken.err().contains("PORT_IN_USE"), taken.err());
        CliResult usage = CliResult.natctl(agent, "forward", "add", "x", "--listen", "70000", "--to", "10.0.1.9:1");
        assertEquals(ExitCode.USAGE, usage.exitCode(), usage.toString());
        assertEquals(
                ExitCode.REFUSED,
                CliResult.natctl(agent, "forward", "remove", "nope").exitCode());

        agent.terminate();

        CliResult down = CliResult.natctl(agent, "status");
        assertEquals(ExitCode.UNREACHABLE, down.exitCode(), down.toString());
        assertTrue(down.err().contains(agent.socket().toString()), down.err());
        assertTrue(agent.log().contains("the NAT rules stay in place"), agent.log());
        assertEquals(REDIS_NODES[1] + ":6379", redisNodeBehind(6380), "SIGTERM left the rules in place");
    }

    private String redisNodeBehind(int port) throws Exception {
        return CacheClient.field(CacheClient.redis(trusted, PUBLIC, port, "CLIENT", "INFO"), "laddr");
    }

    /** nft prints per-element counters; traffic changes them, nothing else may change. */
    private static String withoutCounterValues(String listing) {
        return listing.replaceAll("counter packets \\d+ bytes \\d+", "counter");
    }

    /**
     * A bounded client load from inside a namespace: one new TCP connection and one PING per
     * request, until stopped, the time limit or the request limit. Counts answers and failures.
     */
    private static final class Load {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        private Load(Netns from, String host, int port, long maxMillis, long maxRequests) {
            thread = new Thread(
                    () -> {
                        try {
                            NetNamespace.enterCurrentThread(Path.of("/run/netns", from.name()));
                        } catch (IOException e) {
                            failures.add("cannot enter " + from + ": " + e);
                            failed.incrementAndGet();
                            return;
                        }
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
                        for (long i = 0; i < maxRequests && !stop.get() && System.nanoTime() < deadline; i++) {
                            try {
                                String reply = CacheClient.redis(host, port, CacheClient.TIMEOUT_MILLIS, "PING");
                                if ("PONG".equals(reply)) {
                                    ok.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                    record("reply " + reply);
                                }
                            } catch (IOException e) {
                                failed.incrementAndGet();
                                record(e.toString());
                            }
                        }
                    },
                    "load-" + from);
            thread.setDaemon(true);
        }

        static Load start(Netns from, String host, int port, long maxMillis, long maxRequests) {
            Load load = new Load(from, host, port, maxMillis, maxRequests);
            load.thread.start();
            return load;
        }

        private void record(String failure) {
            if (failures.size() < 10) {
                failures.add(failure);
            }
        }

        void awaitRequests(long count, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (ok.get() < count && thread.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(ok.get() >= count, "load reached " + ok.get() + " of " + count + " requests: " + failures);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }
}
