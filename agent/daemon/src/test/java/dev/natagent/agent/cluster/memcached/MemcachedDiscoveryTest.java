package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.natagent.agent.cluster.DiscoveryException;
import dev.natagent.agent.cluster.Topology;
import dev.natagent.agent.cluster.TopologyNode;
import dev.natagent.agent.model.ClusterEngine;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Role;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.testing.ElastiCacheConfigEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Discovery against the ElastiCache-like fixture and misbehaving endpoints on loopback. */
class MemcachedDiscoveryTest {
    private static final String A = "orders.0001.cache.test|10.0.1.240|11211";
    private static final String B = "orders.0002.cache.test|10.0.1.241|11211";
    private static final String C = "|10.0.1.242|11212";

    private final MemcachedDiscovery discovery = new MemcachedDiscovery(Duration.ofSeconds(5));

    @Test
    void asksConfigGetClusterAndReportsEveryNodeAsAPrimary() throws Exception {
        try (ElastiCacheConfigEndpoint endpoint = ElastiCacheConfigEndpoint.start("127.0.0.1", 0, true)) {
            endpoint.set(5, List.of(A, B));
            ClusterSpec spec = spec("orders", endpoint.port());
            Topology five = discovery.discover(spec);
            assertEquals(5, five.version());
            assertEquals(
                    List.of(
                            new TopologyNode(
                                    "orders.0001.cache.test",
                                    "orders.0001.cache.test",
                                    Ipv4.parse("10.0.1.240"),
                                    11211,
                                    Role.PRIMARY),
                            new TopologyNode(
                                    "orders.0002.cache.test",
                                    "orders.0002.cache.test",
                                    Ipv4.parse("10.0.1.241"),
                                    11211,
                                    Role.PRIMARY)),
                    five.nodes());
            assertEquals(List.of("config get cluster"), endpoint.requests());

            endpoint.set(6, List.of(A, B, C));
            Topology six = discovery.discover(spec);
            assertEquals(6, six.version());
            TopologyNode unnamed = six.nodes().get(2);
            assertEquals("10.0.1.242:11212", unnamed.id(), "a node without a name is known by its address");
            assertNull(unnamed.advertisedHost());
        }
    }

    @Test
    void anOlderEngineIsAskedForTheKeyOnTheSameConnection() throws Exception {
        try (ElastiCacheConfigEndpoint endpoint = ElastiCacheConfigEndpoint.start("127.0.0.1", 0, false)) {
            endpoint.set(2, List.of(A));
            assertEquals(2, discovery.discover(spec("old", endpoint.port())).version());
            assertEquals(List.of("config get cluster", "get AmazonElastiCache:cluster"), endpoint.requests());
        }
    }

    @Test
    void failuresAreDiscoveryExceptionsOfTheirKind() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0)) {
            closedPort = gone.getLocalPort();
        }
        assertEquals(DiscoveryException.Kind.UNREACHABLE, kindOf(spec("gone", closedPort), discovery));

        // Accepted by the kernel's backlog, never answered.
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            MemcachedDiscovery impatient = new MemcachedDiscovery(Duration.ofMillis(300));
            assertEquals(DiscoveryException.Kind.TIMEOUT, kindOf(spec("silent", silent.getLocalPort()), impatient));
        }

        try (ServerSocket garbage = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread answer = new Thread(() -> {
                try (var socket = garbage.accept()) {
                    socket.getOutputStream()
                            .write("CONFIG cluster 0 3\r\nabc\r\nEND\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getInputStream().readNBytes(1);
                } catch (IOException e) {
                    // the test ends the exchange
                }
            });
            answer.start();
            assertEquals(DiscoveryException.Kind.PROTOCOL, kindOf(spec("garbage", garbage.getLocalPort()), discovery));
            answer.join(10_000);
        }
    }

    private static DiscoveryException.Kind kindOf(ClusterSpec spec, MemcachedDiscovery discovery) {
        return assertThrows(DiscoveryException.class, () -> discovery.discover(spec))
                .kind();
    }

    private static ClusterSpec spec(String name, int port) {
        return new ClusterSpec(
                name,
                ClusterEngine.MEMCACHED,
                new Target("127.0.0.1", port),
                PortRange.parse("7000-7099"),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }
}
