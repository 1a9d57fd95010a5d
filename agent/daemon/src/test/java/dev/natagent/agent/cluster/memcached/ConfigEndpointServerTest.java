package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cidr;
import dev.natagent.agent.model.Ipv4;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The configuration endpoint server over real loopback sockets: answers, allow-list and bounds. */
class ConfigEndpointServerTest {
    private static final ClusterConfig CONFIG =
            new ClusterConfig(1_000_000_003L, List.of(new ConfigEntry("node-a", Ipv4.parse("203.0.113.73"), 7000)));
    private static final String REPLY = "CONFIG cluster 0 36\r\n1000000003\nnode-a|203.0.113.73|7000\n\r\nEND\r\n";
    private static final ConfigEndpointServer.Limits SMALL =
            new ConfigEndpointServer.Limits(2, 64, Duration.ofMillis(300));

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    @Test
    void answersSeveralCommandsOnOneConnectionUntilQuit() throws Exception {
        ConfigEndpointServer server = start(List.of(), SMALL);
        try (Socket client = connect(server)) {
            send(client, "config get cluster\r\n");
            assertEquals("SERVER_ERROR no cluster configuration yet\r\n", readExactly(client, 43));
            server.publish(CONFIG);
            send(client, "version\nconfig get cluster\r\nbogus\r\nquit\r\n");
            assertEquals("VERSION 1.4.14\r\n" + REPLY + "ERROR\r\n", readToEnd(client));
        }
    }

    @Test
    void peersOutsideTheAllowListAreClosedWithoutAWord() throws Exception {
        ConfigEndpointServer server = start(List.of(Cidr.parse("198.51.100.0/24")), SMALL);
        server.publish(CONFIG);
        try (Socket client = connect(server)) {
            send(client, "config get cluster\r\n");
            assertEquals("", readToEnd(client));
        }
        ConfigEndpointServer loopback = start(List.of(Cidr.parse("127.0.0.0/8")), SMALL);
        loopback.publish(CONFIG);
        try (Socket client = connect(loopback)) {
            send(client, "config get cluster\r\nquit\r\n");
            assertEquals(REPLY, readToEnd(client));
        }
    }

    @Test
    void aTooLongLineEndsTheConnection() throws Exception {
        ConfigEndpointServer server = start(List.of(), SMALL);
        try (Socket client = connect(server)) {
            send(client, "get " + "k".repeat(100) + "\r\nversion\r\n");
            assertEquals("CLIENT_ERROR line too long\r\n", readToEnd(client));
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndIdleOnesEnd() throws Exception {
        ConfigEndpointServer server = start(List.of(), SMALL);
        server.publish(CONFIG);
        try (Socket first = connect(server);
                Socket second = connect(server)) {
            send(first, "version\r\n");
            send(second, "version\r\n");
            assertEquals("VERSION 1.4.14\r\n", readExactly(first, 16));
            assertEquals("VERSION 1.4.14\r\n", readExactly(second, 16));
            try (Socket third = connect(server)) {
                send(third, "version\r\n");
                assertEquals("", readToEnd(third), "a third connection over a limit of two");
            }
            // Both slots are held until the idle timeout closes them.
            assertEquals("", readToEnd(first));
            assertEquals("", readToEnd(second));
        }
        try (Socket again = connect(server)) {
            send(again, "quit\r\n");
            assertEquals("", readToEnd(again));
        }
        try (Socket again = connect(server)) {
            send(again, "version\r\n");
            assertEquals("VERSION 1.4.14\r\n", readExactly(again, 16), "slots are given back");
        }
    }

    private ConfigEndpointServer start(List<Cidr> allow, ConfigEndpointServer.Limits limits) throws IOException {
        ConfigEndpointServer server =
                ConfigEndpointServer.start("test", new InetSocketAddress("127.0.0.1", 0), allow, limits);
        open.add(server);
        return server;
    }

    private static Socket connect(ConfigEndpointServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String readExactly(Socket socket, int bytes) throws IOException {
        byte[] read = socket.getInputStream().readNBytes(bytes);
        assertEquals(bytes, read.length);
        return new String(read, StandardCharsets.US_ASCII);
    }

    /** Everything until the server closes; a reset by the server's close counts as the end. */
    private static String readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder out = new StringBuilder();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.append((char) b);
            }
        } catch (java.net.SocketException e) {
            assertTrue(e.getMessage().contains("reset"), e.toString());
        }
        return out.toString();
    }
}
