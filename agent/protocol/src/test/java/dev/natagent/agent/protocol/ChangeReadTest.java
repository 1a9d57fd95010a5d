package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.TestJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** natctl reads the acknowledgements of changes into the records the agent wrote them from. */
class ChangeReadTest {
    private static final OutboundChange OUTBOUND =
            new OutboundChange(7, new OutboundView("private", List.of("10.0.0.0/16", "10.1.0.0/16"), "ens5"));

    private static final ForwardView FORWARD = new ForwardView(
            "redis",
            "tcp",
            "6379-6380",
            List.of(
                    new TargetView("10.0.1.230:6379", "10.0.1.230", Health.UP),
                    new TargetView(
                            "redis-2.example.internal:6379",
                            "10.0.1.231",
                            Health.DOWN,
                            "stale",
                            "2026-01-02T03:04:05Z",
                            "no answer in time")),
            List.of("198.51.100.0/24"),
            "masquerade",
            18,
            2048,
            Health.PARTIAL);
    private static final ForwardChange ADDED = new ForwardChange(3, FORWARD);
    private static final ForwardUpdate CHANGED = new ForwardUpdate(4, FORWARD, "to 10.0.1.229:6379 -> 10.0.1.230:6379");
    private static final ForwardUpdate UNCHANGED = new ForwardUpdate(4, FORWARD, "");
    private static final ClusterChange CLUSTER = new ClusterChange(
            5,
            new ClusterView(
                    "orders",
                    "redis",
                    "orders.example.internal:6379",
                    "7000-7009",
                    List.of(),
                    "masquerade",
                    false,
                    null,
                    null,
                    null,
                    10,
                    300,
                    null,
                    0,
                    List.of(new ClusterView.Node(
                            "0001", null, "10.0.1.10", 6379, "primary", 7000, "orders-0001", null)),
                    new ClusterView.Poll("ok", 1, 0, 1, "2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z", null, null)));

    private static ObjectNode written(JsonWritable reply) {
        return TestJson.toTree(reply);
    }

    private static String error(Executable read) {
        return assertThrows(MalformedReplyException.class, read).getMessage();
    }

    @Test
    void outboundChangeReadsWhatTheAgentWrites() {
        assertEquals(OUTBOUND, OutboundChange.read(written(OUTBOUND)));
    }

    @Test
    void outboundChangeWithoutAFieldIsAnError() {
        ObjectNode noRevision = written(OUTBOUND);
        noRevision.remove("revision");
        assertEquals("outbound change reply has no 'revision'", error(() -> OutboundChange.read(noRevision)));
        ObjectNode noOut = written(OUTBOUND);
        ((ObjectNode) noOut.get("outbound")).remove("out");
        assertEquals("outbound change reply.outbound has no 'out'", error(() -> OutboundChange.read(noOut)));
        ObjectNode generation = written(OUTBOUND);
        generation.set("generation", generation.remove("revision"));
        assertEquals(
                "outbound change reply has no 'revision'",
                error(() -> OutboundChange.read(generation)),
                "a reply that still says generation is not read as a revision");
    }

    @Test
    void forwardAndClusterChangesReadWhatTheAgentWrites() {
        assertEquals(ADDED, ForwardChange.read(written(ADDED)));
        assertEquals(CHANGED, ForwardUpdate.read(written(CHANGED)));
        assertEquals(UNCHANGED, ForwardUpdate.read(written(UNCHANGED)));
        assertEquals(CLUSTER, ClusterChange.read(written(CLUSTER)));
    }

    @Test
    void forwardAndClusterChangesWithoutAFieldOrOfAnotherTypeAreErrors() {
        ObjectNode noRevision = written(ADDED);
        noRevision.remove("revision");
        assertEquals("forward change reply has no 'revision'", error(() -> ForwardChange.read(noRevision)));
        ObjectNode noHealth = written(ADDED);
        ((ObjectNode) noHealth.get("forward")).remove("health");
        assertEquals("forward change reply.forward has no 'health'", error(() -> ForwardChange.read(noHealth)));
        ObjectNode noChanges = written(CHANGED);
        noChanges.remove("changes");
        assertEquals("forward.set reply has no 'changes'", error(() -> ForwardUpdate.read(noChanges)));
        ObjectNode textRevision = written(CHANGED);
        textRevision.put("revision", "4");
        assertEquals("forward.set reply: 'revision' is not an integer", error(() -> ForwardUpdate.read(textRevision)));
        ObjectNode noPoll = written(CLUSTER);
        ((ObjectNode) noPoll.get("cluster")).remove("poll");
        assertEquals("cluster change reply.cluster has no 'poll'", error(() -> ClusterChange.read(noPoll)));
        ObjectNode noCluster = written(CLUSTER);
        noCluster.remove("cluster");
        assertEquals("cluster change reply has no 'cluster'", error(() -> ClusterChange.read(noCluster)));
    }
}
