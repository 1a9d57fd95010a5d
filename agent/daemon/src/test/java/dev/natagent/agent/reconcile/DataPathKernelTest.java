package dev.natagent.agent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Forward;
import dev.natagent.agent.model.PortRange;
import dev.natagent.agent.model.Protocol;
import dev.natagent.agent.model.ReturnPath;
import dev.natagent.agent.model.Target;
import dev.natagent.agent.testing.ElastiCacheGuide;
import dev.natagent.nft.client.NftClient;
import dev.natagent.nft.expr.Counter;
import dev.natagent.testing.KernelTests;
import dev.natagent.testing.Netns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real packets through the rendered ruleset. Three namespaces joined by veth pairs:
 *
 * <pre>
 * client 198.51.100.27 (+ .99, untrusted) --c0/n0-- nat 198.51.100.1, 203.0.113.73 | 10.0.1.1 --n1/e0-- node 10.0.1.230-232
 * </pre>
 *
 * The NAT namespace holds the AWS example (redis 6379-6381 -> 10.0.1.230-232:6379, allowed from
 * 198.51.100.27 only, masquerade). Servers are sockets of this JVM opened inside the namespaces; each
 * answers with the addresses it saw, so the test sees where a connection landed and from where.
 */
@Tag(KernelTests.TAG)
class DataPathKernelTest {
    private static final int TIMEOUT_MILLIS = 1_000;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Netns client;
    private Netns nat;
    private Netns node;
    private Reconciler reconciler;

    @BeforeEach
    void network() throws Exception {
        KernelTests.requireKernel();
        client = track(Netns.create());
        nat = track(Netns.create());
        node = track(Netns.create());
        Netns.veth(client, "c0", "198.51.100.27/24", nat, "n0", "198.51.100.1/24");
        Netns.veth(nat, "n1", "10.0.1.1/24", node, "e0", "10.0.1.230/24");
        client.execOk("ip", "addr", "add", "198.51.100.99/24", "dev", "c0");
        client.execOk("ip", "route", "add", "default", "via", "198.51.100.1");
        nat.execOk("ip", "addr", "add", "203.0.113.73/32", "dev", "n0");
        nat.execOk("sysctl", "-qw", "net.ipv4.ip_forward=1");
        node.execOk("ip", "addr", "add", "10.0.1.231/24", "dev", "e0");
        node.execOk("ip", "addr", "add", "10.0.1.232/24", "dev", "e0");
        node.execOk("ip", "route", "add", "default", "via", "10.0.1.1");
        NftClient nft = track(nat.call(NftClient::openIpv4));
        reconciler = new Reconciler(new ClientNftPort(nft));
        reconciler.reconcileFull(Desired.of(ElastiCacheGuide.aws()));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aTrustedClientReachesTheNodeOfEachPortAndRepliesComeBackMasqueraded() throws Exception {
        server(node, "0.0.0.0", 6379);

        assertEquals("10.0.1.230:6379 saw 10.0.1.1", connect("198.51.100.27", "203.0.113.73", 6379));
        assertEquals("10.0.1.231:6379 saw 10.0.1.1", connect("198.51.100.27", "203.0.113.73", 6380));
        assertEquals("10.0.1.232:6379 saw 10.0.1.1", connect("198.51.100.27", "203.0.113.73", 6381));
        Counter redis = settledCounter("redis");
        assertTrue(redis.packets() >= 3 && redis.bytes() > 0, "per-forward counters: " + redis);
        assertEquals(
                redis,
                reconciler.forwardCounter(ElastiCacheGuide.aws().forwards().get("redis")),
                "one forward's own elements read alone agree with the whole map's dump");
        assertEquals(0, reconciler.forwardCounters().get("memcached").packets());
    }

    /**
     * NAT chains see only a connection's first packet, so a counter there would count connections;
     * ours counts every packet of the forward's connections, both directions.
     */
    @Test
    void theForwardCounterCountsEveryPacketInBothDirections() throws Exception {
        echoServer(node, 6379);
        int messages = 20;
        int size = 100;
        try (Socket socket = open("198.51.100.27", "203.0.113.73", 6380)) {
            for (int i = 0; i < messages; i++) {
                assertEquals(size, roundTrip(socket, size));
            }
        }

        Counter redis = reconciler.forwardCounters().get("redis");
        assertTrue(redis.packets() >= 2L * messages, "requests and replies each counted: " + redis);
        assertTrue(redis.bytes() >= 2L * messages * size, "payload both ways: " + redis);
        assertEquals(0, reconciler.forwardCounters().get("memcached").packets());
    }

    /** The udp twins of the rules: a datagram forward is DNATed, masqueraded, guarded and counted. */
    @Test
    void aUdpForwardIsTranslatedGuardedAndCounted() throws Exception {
        addToTheExample(forward(
                "dns",
                Protocol.UDP,
                5353,
                "10.0.1.230:53",
                List.of(Cidr.parse("198.51.100.27/32")),
                ReturnPath.MASQUERADE));
        DatagramSocket server = track(node.call(() -> new DatagramSocket(new InetSocketAddress("10.0.1.230", 53))));
        Thread echo = new Thread(
                () -> {
                    byte[] buffer = new byte[512];
                    while (!server.isClosed()) {
                        try {
                            DatagramPacket request = new DatagramPacket(buffer, buffer.length);
                            server.receive(request);
                            byte[] answer = ("saw " + request.getAddress().getHostAddress())
                                    .getBytes(StandardCharsets.US_ASCII);
                            server.send(new DatagramPacket(answer, answer.length, request.getSocketAddress()));
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "udp-echo");
        echo.setDaemon(true);
        echo.start();

        assertEquals("saw 10.0.1.1", datagram("198.51.100.27", "203.0.113.73", 5353));
        assertThrows(SocketTimeoutException.class, () -> datagram("198.51.100.99", "203.0.113.73", 5353));
        Counter dns = reconciler.forwardCounters().get("dns");
        assertTrue(dns.packets() >= 2, "question and answer (and the refused one): " + dns);
    }

    /** The allow-list is checked on every packet from the client, not only when connecting. */
    @Test
    void removingAClientFromTheAllowListStopsItsOpenConnection() throws Exception {
        echoServer(node, 6379);
        Desired before = Desired.of(ElastiCacheGuide.aws());
        Forward redis = before.state().forward("redis").orElseThrow();
        Desired revoked = Desired.of(before.state()
                .withForward(new Forward(
                        redis.name(),
                        redis.proto(),
                        redis.listen(),
                        redis.targets(),
                        List.of(Cidr.parse("198.51.100.99/32")),
                        redis.returnPath())));
        try (Socket socket = open("198.51.100.27", "203.0.113.73", 6380)) {
            assertEquals(10, roundTrip(socket, 10));

            reconciler.applyChange(before, revoked);

            assertThrows(SocketTimeoutException.class, () -> roundTrip(socket, 10));
        }
    }

    /**
     * Changing a forward's allow-list replaces its ports entries (their verdict names the list's
     * chain), yet its counters carry on: through an element change, through losing the list, and
     * through a full reconcile.
     */
    @Test
    void aForwardKeepsItsCountersWhenItsAllowListChanges() throws Exception {
        echoServer(node, 6379);
        Desired before = Desired.of(ElastiCacheGuide.aws());
        try (Socket socket = open("198.51.100.27", "203.0.113.73", 6380)) {
            assertEquals(100, roundTrip(socket, 100));
            Counter counted = reconciler.forwardCounters().get("redis");
            assertTrue(counted.packets() > 0, counted.toString());

            Desired widened = withAllow(before, "198.51.100.27/32", "198.51.100.99/32");
            reconciler.applyChange(before, widened);
            assertAtLeast(counted, reconciler.forwardCounters().get("redis"));

            Desired open = withAllow(widened);
            reconciler.applyChange(widened, open);
            assertAtLeast(counted, reconciler.forwardCounters().get("redis"));

            assertTrue(!reconciler.reconcileFull(before).isEmpty(), "the list comes back through a full reconcile");
            assertAtLeast(counted, reconciler.forwardCounters().get("redis"));

            assertEquals(100, roundTrip(socket, 100));
            assertTrue(reconciler.forwardCounters().get("redis").bytes() > counted.bytes() + 200, "and counts on");
        }
    }

    private static Desired withAllow(Desired desired, String... allow) {
        Forward redis = desired.state().forward("redis").orElseThrow();
        return Desired.of(desired.state()
                .withForward(new Forward(
                        redis.name(),
                        redis.proto(),
                        redis.listen(),
                        redis.targets(),
                        java.util.Arrays.stream(allow).map(Cidr::parse).toList(),
                        redis.returnPath())));
    }

    private static void assertAtLeast(Counter expected, Counter actual) {
        assertTrue(
                actual.packets() >= expected.packets() && actual.bytes() >= expected.bytes(),
                "counters went back: " + expected + " -> " + actual);
    }

    @Test
    void snatReturnPathRewritesTheSourceToTheGivenAddress() throws Exception {
        nat.execOk("ip", "addr", "add", "10.0.1.2/24", "dev", "n1");
        Desired snat =
                Desired.of(ElastiCacheGuide.aws().withForward(ElastiCacheGuide.redis(ReturnPath.parse("10.0.1.2"))));
        reconciler.applyChange(Desired.of(ElastiCacheGuide.aws()), snat);
        server(node, "0.0.0.0", 6379);

        assertEquals("10.0.1.231:6379 saw 10.0.1.2", connect("198.51.100.27", "203.0.113.73", 6380));
    }

    /** The return path is chosen per connection, by listen port: two forwards to one node differ. */
    @Test
    void forwardsToOneNodeMayHaveDifferentReturnPaths() throws Exception {
        addToTheExample(forward("direct", Protocol.TCP, 7000, "10.0.1.231:6379", List.of(), ReturnPath.NONE));
        server(node, "0.0.0.0", 6379);

        assertEquals("10.0.1.231:6379 saw 198.51.100.27", connect("198.51.100.27", "203.0.113.73", 7000));
        assertEquals("10.0.1.231:6379 saw 10.0.1.1", connect("198.51.100.27", "203.0.113.73", 6380));
    }

    @Test
    void repliesReachAClientWhoseSourcePortIsAGuardedPort() throws Exception {
        server(node, "0.0.0.0", 6379);

        assertEquals("10.0.1.231:6379 saw 10.0.1.1", connectFrom(client, "198.51.100.27", 6381, "203.0.113.73", 6380));
    }

    @Test
    void anUntrustedClientIsDropped() throws Exception {
        server(node, "0.0.0.0", 6379);

        assertThrows(SocketTimeoutException.class, () -> connect("198.51.100.99", "203.0.113.73", 6380));
    }

    @Test
    void trafficRoutedThroughTheNatOnAForwardedPortIsNotHijacked() throws Exception {
        server(client, "198.51.100.27", 6380);

        assertEquals("198.51.100.27:6380 saw 10.0.1.230", connectFrom(node, "10.0.1.230", "198.51.100.27", 6380));
    }

    /** Adds {@code extra} to the AWS example the kernel holds. */
    private void addToTheExample(Forward extra) throws Exception {
        Desired before = Desired.of(ElastiCacheGuide.aws());
        reconciler.applyChange(before, Desired.of(before.state().withForward(extra)));
    }

    private static Forward forward(
            String name, Protocol proto, int port, String target, List<Cidr> allow, ReturnPath returnPath) {
        return new Forward(name, proto, PortRange.single(port), List.of(Target.parse(target)), allow, returnPath);
    }

    /** A listener inside {@code netns} that echoes what each connection sends, until it closes. */
    private void echoServer(Netns netns, int port) throws Exception {
        ServerSocket server = track(netns.call(() -> {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return socket;
        }));
        Thread acceptor = new Thread(
                () -> {
                    try (Socket connection = server.accept()) {
                        connection.getInputStream().transferTo(connection.getOutputStream());
                    } catch (IOException e) {
                        // closed by the test
                    }
                },
                "echo-" + netns + "-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** One datagram from {@code source} in the client namespace, and the answer's text. */
    private String datagram(String source, String destination, int port) throws Exception {
        try (DatagramSocket socket = client.call(() -> new DatagramSocket(new InetSocketAddress(source, 0)))) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            byte[] question = "hello".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(question, question.length, InetAddress.getByName(destination), port));
            DatagramPacket answer = new DatagramPacket(new byte[512], 512);
            socket.receive(answer);
            return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII);
        }
    }

    /** A connection from the client namespace, {@code source} to {@code destination:port}. */
    private Socket open(String source, String destination, int port) throws Exception {
        return client.call(() -> {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(destination), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            return socket;
        });
    }

    /** Sends {@code size} bytes and reads as many back; the count read. */
    private static int roundTrip(Socket socket, int size) throws IOException {
        socket.getOutputStream().write(new byte[size]);
        return socket.getInputStream().readNBytes(size).length;
    }

    /** Opens a listener inside {@code netns} that answers each connection with "LOCAL saw PEER". */
    private void server(Netns netns, String address, int port) throws Exception {
        ServerSocket server = track(netns.call(() -> {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return socket;
        }));
        Thread acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try (Socket connection = server.accept();
                                OutputStream out = connection.getOutputStream()) {
                            InetSocketAddress local = (InetSocketAddress) connection.getLocalSocketAddress();
                            InetSocketAddress peer = (InetSocketAddress) connection.getRemoteSocketAddress();
                            String line = local.getAddress().getHostAddress() + ":" + local.getPort() + " saw "
                                    + peer.getAddress().getHostAddress() + "\n";
                            out.write(line.getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "server-" + netns + "-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * The forward's counter once the connections' last packets (FIN and ACK after the reply was
     * read) have passed, so that two reads of it can agree; bounded, the last read if it never settles.
     */
    private Counter settledCounter(String forward) throws Exception {
        Counter last = reconciler.forwardCounters().get(forward);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            Counter now = reconciler.forwardCounters().get(forward);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private String connect(String source, String destination, int port) throws Exception {
        return connectFrom(client, source, destination, port);
    }

    private static String connectFrom(Netns netns, String source, String destination, int port) throws Exception {
        return connectFrom(netns, source, 0, destination, port);
    }

    private static String connectFrom(Netns netns, String source, int sourcePort, String destination, int port)
            throws Exception {
        return netns.call(() -> {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(source), sourcePort));
                socket.connect(new InetSocketAddress(InetAddress.getByName(destination), port), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                return in.readLine();
            }
        });
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}
