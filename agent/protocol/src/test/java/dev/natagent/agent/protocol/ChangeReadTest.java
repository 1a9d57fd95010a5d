package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ModelJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** natctl reads the acknowledgements of changes into the records the agent wrote them from. */
class ChangeReadTest {
    private static final OutboundChange OUTBOUND =
            new OutboundChange(7, new OutboundView("private", List.of("10.0.0.0/16", "10.1.0.0/16"), "ens5"));

    private static ObjectNode written(Object reply) {
        return ModelJson.mapper().valueToTree(reply);
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
}
