package dev.natagent.agent.cluster.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.natagent.agent.model.Cluster;
import dev.natagent.agent.model.ClusterNode;
import dev.natagent.agent.model.ClusterSpec;
import dev.natagent.agent.model.Ipv4;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.model.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponderProtocolTest {
    private static final String HOST_A = "orders.fnjyzo.0001.use1.cache.amazonaws.com";
    private static final String HOST_B = "orders.fnjyzo.0002.use1.cache.amazonaws.com";
    private static final ClusterSpec SPEC = ModelJson.read(
            "{\"name\":\"orders\",\"engine\":\"memcached\",\"endpoint\":\"cfg.cache.test:11211\","
                    + "\"listen\":\"7000-7099\",\"config_port\":11211}",
            ClusterSpec.class);
    private static final Cluster CLUSTER = new Cluster(
            SPEC,
            12,
            List.of(
                    new ClusterNode(HOST_A, HOST_A, Ipv4.parse("10.0.1.240"), 11211, Role.PRIMARY, 7000, null),
                    new ClusterNode(HOST_B, HOST_B, Ipv4.parse("10.0.1.241"), 11211, Role.PRIMARY, 7001, null),
                    new ClusterNode("gone", "gone", Ipv4.parse("10.0.1.9"), 11211, Role.PRIMARY, 7005, 1_700_000_000L),
                    new ClusterNode(
                            "10.0.1.242:11211", null, Ipv4.parse("10.0.1.242"), 11211, Role.PRIMARY, 7002, null)));
    private static final Optional<ClusterConfig> PUBLIC =
            Optional.of(PublicConfig.of(CLUSTER, Ipv4.parse("203.0.113.73")));
    private static final String BODY =
            "1000000012\n" + HOST_A + "|203.0.113.73|7000 " + HOST_B + "|203.0.113.73|7001 |203.0.113.73|7002\n";

    @Test
    void configGetClusterAnswersEveryForwardedNodeAtThePublicAddressAndItsListenPort() {
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
