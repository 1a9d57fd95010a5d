package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** natctl reads a forward.get reply into the record the agent wrote it from, and a missing field is an error. */
class ForwardViewReadTest {
    /** A DNS target gone stale and one never resolved, an allow-list, a cluster's node. */
    private static final ForwardView DNS = new ForwardView(
            "redis",
            "tcp",
            "6379-6380",
            List.of(
                    new TargetView(
                            "cache.example.internal:6379",
                            "10.0.1.230",
                            Health.UP,
                            "stale",
                            "2026-01-02T03:04:05Z",
                            "no answer in time"),
                    new TargetView(
                            "gone.example.internal:6379", null, Health.DOWN, "unresolved", null, "no such name")),
            List.of("198.51.100.0/24", "203.0.113.7/32"),
            "masquerade",
            12_345_678_901L,
            98_765_432_109_876L,
            Health.PARTIAL,
            "orders");
    /** An IPv4 literal target, every source admitted, no cluster. */
    private static final ForwardView LITERAL = new ForwardView(
            "ssh",
            "tcp",
            "2222",
            List.of(new TargetView("10.0.0.5:22", "10.0.0.5", Health.UNKNOWN)),
            List.of(),
            "none",
            0,
            0,
            Health.UNKNOWN);

    private static ObjectNode written(ForwardView forward) {
        return TestJson.toTree(forward);
    }

    private static String error(Executable read) {
        return assertThrows(MalformedReplyException.class, read).getMessage();
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(DNS, ForwardView.read(written(DNS)));
        assertEquals(LITERAL, ForwardView.read(written(LITERAL)));
    }

    @Test
    void aMissingFieldIsAnErrorNotADefault() {
        for (String field :
                List.of("name", "proto", "listen", "targets", "allow", "snat", "packets", "bytes", "health")) {
            ObjectNode reply = written(LITERAL);
            reply.remove(field);
            assertEquals("forward.get reply has no '" + field + "'", error(() -> ForwardView.read(reply)));
        }
        ObjectNode reply = written(DNS);
        ((ObjectNode) reply.get("targets").get(1)).remove("health");
        assertEquals("forward.get reply.targets[1] has no 'health'", error(() -> ForwardView.read(reply)));
    }

    @Test
    void aFieldOfAnotherTypeOrAnUnknownHealthIsAnError() {
        ObjectNode packets = written(LITERAL);
        packets.put("packets", "0");
        assertEquals("forward.get reply: 'packets' is not an integer", error(() -> ForwardView.read(packets)));

        ObjectNode address = written(DNS);
        ((ObjectNode) address.get("targets").get(0)).put("address", 10);
        assertEquals("forward.get reply.targets[0]: 'address' is not a string", error(() -> ForwardView.read(address)));

        ObjectNode health = written(LITERAL);
        health.put("health", "fine");
        assertEquals(
                "forward.get reply: 'health' is not one of up, down, partial, unknown (it is 'fine')",
                error(() -> ForwardView.read(health)));
    }
}
