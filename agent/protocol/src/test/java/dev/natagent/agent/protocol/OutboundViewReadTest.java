package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** natctl reads an outbound.list reply into the records the agent wrote it from. */
class OutboundViewReadTest {
    private static final List<OutboundView> OUTBOUNDS = List.of(
            new OutboundView("private", List.of("10.0.0.0/16"), "ens5"),
            new OutboundView("two", List.of("10.1.0.0/16", "10.2.0.0/16"), "ens6"));

    private static ObjectNode written() {
        return TestJson.toTree(OutboundView.list(OUTBOUNDS));
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(OUTBOUNDS, OutboundView.readList(written()));
    }

    @Test
    void aMissingFieldIsAnError() {
        ObjectNode reply = written();
        ((ObjectNode) reply.get("outbounds").get(1)).remove("out");
        assertEquals(
                "outbound.list reply.outbounds[1] has no 'out'",
                assertThrows(MalformedReplyException.class, () -> OutboundView.readList(reply))
                        .getMessage());
    }
}
