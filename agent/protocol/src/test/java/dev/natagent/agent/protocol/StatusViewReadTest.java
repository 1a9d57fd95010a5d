package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** natctl reads a status reply into the record the agent wrote it from, and a missing field is an error. */
class StatusViewReadTest {
    private static final StatusView PLAIN = new StatusView(
            "degraded", "ip_forward: off", "0.1.0", 42, 7, 3, 1, "on", true, "in_sync", 2, 1, 0, null, 0, 0);
    private static final StatusView PAIR = new StatusView(
            "ok",
            "",
            "0.1.0",
            1,
            1,
            0,
            0,
            "on",
            false,
            "missing",
            0,
            0,
            0,
            new HaView("active", List.of("203.0.113.10"), List.of(), "listening", "/run/conntrackd/conntrackd.ctl"),
            2,
            1);

    private static ObjectNode written(StatusView status) {
        return TestJson.toTree(status);
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(PLAIN, StatusView.read(written(PLAIN)));
        assertEquals(PAIR, StatusView.read(written(PAIR)));
    }

    @Test
    void aMissingFieldIsAnErrorNotADefault() {
        for (String field : List.of("health", "revision", "ip_forward_managed", "clusters")) {
            ObjectNode reply = written(PLAIN);
            reply.remove(field);
            MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> StatusView.read(reply));
            assertEquals("status reply has no '" + field + "'", e.getMessage());
        }
        ObjectNode pair = written(PAIR);
        ((ObjectNode) pair.get("ha")).remove("role");
        assertEquals(
                "status reply.ha has no 'role'",
                assertThrows(MalformedReplyException.class, () -> StatusView.read(pair))
                        .getMessage());
    }

    @Test
    void aFieldOfAnotherTypeIsAnError() {
        ObjectNode reply = written(PLAIN);
        reply.put("forwards", "3");
        assertEquals(
                "status reply: 'forwards' is not an integer",
                assertThrows(MalformedReplyException.class, () -> StatusView.read(reply))
                        .getMessage());
        JsonNode notAnObject = TestJson.mapper().getNodeFactory().arrayNode();
        assertThrows(MalformedReplyException.class, () -> StatusView.read(notAnObject));
    }
}
