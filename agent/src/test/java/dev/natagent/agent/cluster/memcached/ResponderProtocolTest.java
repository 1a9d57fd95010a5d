package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.cluster.Topology;
import dev.natagent.agent.cluster.TopologyNode;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponderProtocolTest {
    private static final String HOST_A = "orders.fnjyzo.0001.use1.cache.amazonaws.com";
    private static final String HOST_B = "orders.fnjyzo.0002.use1.cache.amazonaws.com";
    private static final Topology TOPOLOGY = new Topology(
            12,
            List.of(
                    new TopologyNode(HOST_A, HOST_A, Ipv4.parse("10.0.1.240"), 11211, Role.PRIMARY),
                    new TopologyNode(HOST_B, HOST_B, Ipv4.parse("10.0.1.241"), 11211, Role.PRIMARY),
                    new TopologyNode("10.0.1.242:11211", null, Ipv4.parse("10.0.1.242"), 11211, Role.PRIMARY)));
    private static final Optional<ClusterConfig> PUBLIC = Optional.of(PublicConfig.of(
            TOPOLOGY, Ipv4.parse("203.0.113.73"), Map.of(HOST_A, 7000, HOST_B, 7001, "10.0.1.242:11211", 7002)));
    private static final String BODY =
            "1000000012\n" + HOST_A + "|203.0.113.73|7000 " + HOST_B + "|203.0.113.73|7001 |203.0.113.73|7002\n";

    @Test
    void configGetClusterAnswersEveryNodeAtThePublicAddressAndItsListenPort() {
        assertEquals(154, BODY.length());
        assertEquals(
                "CONFIG cluster 0 154\r\n" + BODY + "\r\nEND\r\n",
                text(ResponderProtocol.answer("config get cluster", PUBLIC)));
    }

    @Test
    void theOlderKeyAnswersTheSameBlockAsAValue() {
        assertEquals(
                "VALUE AmazonElastiCache:cluster 0 154\r\n" + BODY + "\r\nEND\r\n",
                text(ResponderProtocol.answer("get AmazonElastiCache:cluster", PUBLIC)));
        assertEquals("END\r\n", text(ResponderProtocol.answer("get some:key", PUBLIC)), "any other key is a miss");
        assertEquals(
                "VALUE AmazonElastiCache:cluster 0 154\r\n" + BODY + "\r\nEND\r\n",
                text(ResponderProtocol.answer("get other AmazonElastiCache:cluster", PUBLIC)));
    }

    @Test
    void versionQuitAndEverythingElse() {
        assertEquals("VERSION 1.4.14\r\n", text(ResponderProtocol.answer("version", PUBLIC)));
        ResponderProtocol.Answer quit = ResponderProtocol.answer("quit", PUBLIC);
        assertTrue(quit.close());
        assertEquals("", text(quit));
        for (String line : List.of(
                "", "set k 0 0 1", "flush_all", "stats", "config set cluster 0 1", "get", "CONFIG GET CLUSTER")) {
            ResponderProtocol.Answer answer = ResponderProtocol.answer(line, PUBLIC);
            assertEquals("ERROR\r\n", text(answer), line);
            assertFalse(answer.close());
        }
    }

    @Test
    void beforeTheFirstTopologyClientsGetAnErrorNotAnEmptyCluster() {
        assertEquals(
                "SERVER_ERROR no cluster configuration yet\r\n",
                text(ResponderProtocol.answer("config get cluster", Optional.empty())));
        assertEquals("END\r\n", text(ResponderProtocol.answer("get AmazonElastiCache:cluster", Optional.empty())));
    }

    private static String text(ResponderProtocol.Answer answer) {
        return new String(answer.bytes(), StandardCharsets.US_ASCII);
    }
}
