package dev.natagent.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterModelTest {
    private static final String SPEC = "{\"name\":\"orders\",\"engine\":\"redis\",\"endpoint\":\"10.0.1.10:6379\","
            + "\"listen\":\"7000-7009\",\"allow\":[\"198.51.100.27/32\"],\"auth_file\":\"/etc/nat-agent/orders.auth\"}";

    static Cluster polled() {
        ClusterSpec spec = ModelJson.read(SPEC, ClusterSpec.class);
        return new Cluster(
                spec,
                0,
                List.of(
                        new ClusterNode("a1", null, Ipv4.parse("10.0.1.230"), 6379, Role.PRIMARY, 7000, null),
                        new ClusterNode("b2", null, Ipv4.parse("10.0.1.231"), 6379, Role.REPLICA, 7001, null),
                        new ClusterNode("c3", null, Ipv4.parse("10.0.1.232"), 6379, Role.PRIMARY, 7002, 1000L)));
    }

    @Test
    void aSpecReadsWithItsDefaults() {
        ClusterSpec spec = ModelJson.read(SPEC, ClusterSpec.class);
        assertEquals(ClusterEngine.REDIS, spec.engine());
        assertEquals(ClusterSpec.DEFAULT_POLL_INTERVAL_SECONDS, spec.pollIntervalSeconds());
        assertEquals(ClusterSpec.DEFAULT_GRACE_SECONDS, spec.graceSeconds());
        assertEquals(ReturnPath.MASQUERADE, spec.snat());
        assertFalse(spec.tls());
        assertEquals(spec, ModelJson.read(ModelJson.write(spec), ClusterSpec.class));
    }

    @Test
    void badSpecsNameTheirField() {
        ValidationException e = assertThrows(
                ValidationException.class,
                () -> ModelJson.read(
                        SPEC.replace("\"/etc/nat-agent/orders.auth\"", "\"orders.auth\""), ClusterSpec.class));
        assertEquals("auth_file", e.first().field());
        e = assertThrows(
                ValidationException.class,
                () -> ModelJson.read(SPEC.replace("\"redis\"", "\"mongodb\""), ClusterSpec.class));
        assertEquals("engine", e.first().field());
        e = assertThrows(
                ValidationException.class,
                () -> ModelJson.read(SPEC.replace("}", ",\"ca_file\":\"/etc/ca.pem\"}"), ClusterSpec.class));
        assertEquals("ca_file", e.first().field());
        assertEquals(
                ErrorCode.INVALID_NAME,
                assertThrows(
                                ValidationException.class,
                                () -> ModelJson.read(SPEC.replace("orders", "o".repeat(58)), ClusterSpec.class))
                        .first()
                        .code());
    }

    @Test
    void everyPresentNodeHasAForwardThatTheDocumentDoesNotCarry() {
        NatState state = NatState.empty()
                .withForward(Forward.single("web", Protocol.TCP, 8080, Target.parse("10.0.2.1:80")))
                .withCluster(polled());
        assertEquals(
                List.of("orders.7000", "orders.7001", "web"),
                List.copyOf(state.forwards().keySet()));
        assertEquals("orders", state.owner("orders.7001").orElseThrow().name());
        assertTrue(state.owner("web").isEmpty());
        assertTrue(state.owner("orders.7002").isEmpty());
        Forward node = state.forward("orders.7001").orElseThrow();
        assertEquals(List.of(Target.parse("10.0.1.231:6379")), node.targets());
        assertEquals(List.of(Cidr.parse("198.51.100.27/32")), node.allow());

        String json = ModelJson.write(state);
        assertFalse(json.contains("orders.7000"), json);
        assertTrue(json.contains("\"listen_port\":7002"), json);
        assertTrue(json.contains("\"vanished_at\":1000"), json);
        NatState read = ModelJson.read(json, NatState.class);
        assertEquals(state, read);
        assertEquals(
                List.of("web"),
                read.declaredForwards().stream().map(Forward::name).toList());
    }

    @Test
    void removingTheClusterRemovesItsNodesForwards() {
        NatState state = NatState.empty().withCluster(polled());
        assertEquals(NatState.empty(), state.withoutCluster("orders"));
    }

    @Test
    void aDiffNamesTheClusterNotItsNodesForwardsAndReplaysToTheSameState() {
        NatState before = NatState.empty().withCluster(Cluster.of(polled().spec()));
        NatState after = NatState.empty().withCluster(polled());
        StateDiff diff = StateDiff.between(before, after);
        assertTrue(diff.forwards().isEmpty());
        assertEquals(1, diff.clusterSection().changed().size());
        assertEquals(after, StateChange.applyAll(before, diff.changes()));
        String journal = JsonWriting.toText(out -> StateChange.writeAll(diff.changes(), out));
        assertTrue(journal.contains("\"op\":\"put_cluster\""), journal);
    }

    @Test
    void aDocumentForwardNamedLikeANodesForwardIsRefused() {
        String document = "{\"forwards\":[{\"name\":\"orders.7000\",\"listen\":\"80\",\"to\":[\"10.0.2.1:80\"]}],"
                + "\"clusters\":[" + ModelJson.write(polled()) + "]}";
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(document, NatState.class));
        assertEquals(ErrorCode.NAME_TAKEN, e.first().code());
    }

    @Test
    void nodesOutsideTheRangeOrTwiceOnAPortAreRefused() {
        String cluster = ModelJson.write(polled()).replace("7002", "7100");
        ValidationException e = assertThrows(ValidationException.class, () -> ModelJson.read(cluster, Cluster.class));
        assertEquals("nodes[2].listen_port", e.first().field());
    }
}
