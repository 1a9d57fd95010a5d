package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.NatState;
import dev.natagent.agent.model.Role;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The daemon's configuration endpoints follow the state: started, told the nodes, restarted, closed. */
class ConfigEndpointsTest {
    private final ConfigEndpoints endpoints = new ConfigEndpoints("127.0.0.1", ConfigEndpointServer.Limits.DEFAULT);

    @AfterEach
    void close() {
        endpoints.close();
    }

    @Test
    void followsTheClustersOfTheState() throws Exception {
        int port = freePort();
        ClusterSpec spec = spec(port, "\"public_address\":\"203.0.113.73\",");
        endpoints.sync(NatState.empty().withCluster(Cluster.of(spec)));
        assertEquals("SERVER_ERROR no cluster configuration yet\r\n", ask(port), "no nodes polled yet");

        Cluster polled = new Cluster(
                spec,
                4,
                List.of(new ClusterNode(
                        "a", "a.cache.test", Ipv4.parse("10.0.1.240"), 11211, Role.PRIMARY, 7000, null)));
        endpoints.sync(NatState.empty().withCluster(polled));
        String body = "1000000004\na.cache.test|203.0.113.73|7000\n";
        assertEquals("CONFIG cluster 0 " + body.length() + "\r\n" + body + "\r\nEND\r\n", ask(port));

        ClusterSpec closed = spec(port, "\"public_address\":\"203.0.113.73\",\"allow\":[\"198.51.100.0/24\"],");
        endpoints.sync(NatState.empty().withCluster(new Cluster(closed, 4, polled.nodes())));
        assertEquals("", ask(port), "restarted with the new allow-list, which leaves loopback out");

        endpoints.sync(NatState.empty());
        assertThrows(ConnectException.class, () -> ask(port), "closed with its cluster");
    }

    @Test
    void withoutAPublicAddressThereIsNothingToTell() throws Exception {
        int port = freePort();
        ClusterSpec spec = spec(port, "");
        endpoints.sync(NatState.empty()
                .withCluster(new Cluster(
                        spec,
                        1,
                        List.of(new ClusterNode(
                                "a", null, Ipv4.parse("10.0.1.240"), 11211, Role.PRIMARY, 7000, null)))));
        assertEquals("SERVER_ERROR no cluster configuration yet\r\n", ask(port));
    }

    @Test
    void aPortInUseIsRetriedAtTheNextSync() throws Exception {
        ClusterSpec spec;
        NatState state;
        try (ServerSocket holder = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            spec = spec(holder.getLocalPort(), "\"public_address\":\"203.0.113.73\",");
            state = NatState.empty().withCluster(Cluster.of(spec));
            endpoints.sync(state);
        }
        endpoints.sync(state);
        assertEquals("SERVER_ERROR no cluster configuration yet\r\n", ask(spec.configPort()));
    }

    private static ClusterSpec spec(int configPort, String extra) {
        return ModelJson.read(
                "{\"name\":\"sessions\",\"engine\":\"memcached\",\"endpoint\":\"10.0.1.250:11211\"," + extra
                        + "\"listen\":\"7000-7009\",\"config_port\":" + configPort + "}",
                ClusterSpec.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** config get cluster and quit; everything the endpoint sent until it closed. */
    private static String ask(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("config get cluster\r\nquit\r\n".getBytes(StandardCharsets.US_ASCII));
            try {
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (java.net.SocketException e) {
                return ""; // reset: refused by the allow-list before reading
            }
        }
    }
}
