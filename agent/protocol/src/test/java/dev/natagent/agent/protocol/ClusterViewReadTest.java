package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.TestJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** natctl reads cluster.get, cluster.list and cluster.map replies into the records the agent wrote them from. */
class ClusterViewReadTest {
    /** TLS, auth, its own public address and config port; a node by name, one vanished; the last poll failed. */
    private static final ClusterView MEMCACHED = new ClusterView(
            "sessions",
            "memcached",
            "sessions.cfg.example.internal:11211",
            "21000-21009",
            List.of("10.0.0.0/16"),
            "masquerade",
            true,
            "/etc/nat-agent/ca.pem",
            "/etc/nat-agent/sessions.auth",
            "203.0.113.73",
            30,
            300,
            11211,
            17,
            List.of(
                    new ClusterView.Node(
                            "0001",
                            "sessions-0001.example.internal",
                            "10.0.1.10",
                            11211,
                            "node",
                            21000,
                            "sessions-0001",
                            null),
                    new ClusterView.Node(
                            "0002", null, "10.0.1.11", 11211, "node", 21001, null, "2026-01-02T03:04:05Z")),
            new ClusterView.Poll(
                    "failing",
                    40,
                    2,
                    3,
                    "2026-01-02T03:05:00Z",
                    "2026-01-02T03:04:30Z",
                    "connection refused",
                    "UNREACHABLE"));
    /** Every optional field left out: no poll has ended yet. */
    private static final ClusterView PENDING = new ClusterView(
            "orders",
            "redis",
            "orders.example.internal:6379",
            "7000-7099",
            List.of(),
            "none",
            false,
            null,
            null,
            null,
            10,
            60,
            null,
            0,
            List.of(),
            new ClusterView.Poll("pending", 0, 0, 0, null, null, null, null));

    private static ObjectNode written(JsonWritable reply) {
        return TestJson.toTree(reply);
    }

    private static String error(Executable read) {
        return assertThrows(MalformedReplyException.class, read).getMessage();
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(MEMCACHED, ClusterView.read(written(MEMCACHED)));
        assertEquals(PENDING, ClusterView.read(written(PENDING)));
        assertEquals(
                List.of(MEMCACHED, PENDING),
                ClusterView.readList(written(ClusterView.list(List.of(MEMCACHED, PENDING)))));
    }

    @Test
    void aMissingFieldIsAnErrorNotADefault() {
        for (String field : List.of("name", "endpoint", "tls", "poll_interval_seconds", "version", "nodes", "poll")) {
            ObjectNode reply = written(PENDING);
            reply.remove(field);
            assertEquals("cluster.get reply has no '" + field + "'", error(() -> ClusterView.read(reply)));
        }
        ObjectNode node = written(ClusterView.list(List.of(PENDING, MEMCACHED)));
        ((ObjectNode) node.get("clusters").get(1).get("nodes").get(0)).remove("listen_port");
        assertEquals(
                "cluster.list reply.clusters[1].nodes[0] has no 'listen_port'",
                error(() -> ClusterView.readList(node)));
        ObjectNode poll = written(MEMCACHED);
        ((ObjectNode) poll.get("poll")).remove("state");
        assertEquals("cluster.get reply.poll has no 'state'", error(() -> ClusterView.read(poll)));
    }

    @Test
    void aFieldOfAnotherTypeIsAnError() {
        ObjectNode tls = written(PENDING);
        tls.put("tls", "false");
        assertEquals("cluster.get reply: 'tls' is not true or false", error(() -> ClusterView.read(tls)));
        ObjectNode port = written(MEMCACHED);
        port.put("config_port", "11211");
        assertEquals("cluster.get reply: 'config_port' is not an integer", error(() -> ClusterView.read(port)));
    }

    @Test
    void readsTheMapTheAgentWrites() {
        ClusterMap.Dial dial = new ClusterMap.Dial("203.0.113.73", 7000);
        ClusterMap map = new ClusterMap(
                "orders", "203.0.113.73", Map.of("10.0.1.230:6379", dial, "orders-0001.example.internal:6379", dial));
        assertEquals(map, ClusterMap.read(written(map)));
        assertEquals(
                List.copyOf(map.map().keySet()),
                List.copyOf(ClusterMap.read(written(map)).map().keySet()));

        ObjectNode noPort = written(map);
        ((ObjectNode) noPort.get("map").get("10.0.1.230:6379")).remove("port");
        assertEquals("cluster.map reply.map[\"10.0.1.230:6379\"] has no 'port'", error(() -> ClusterMap.read(noPort)));
        ObjectNode notAnObject = written(map);
        notAnObject.putArray("map");
        assertEquals("cluster.map reply: 'map' is not an object", error(() -> ClusterMap.read(notAnObject)));
    }
}
