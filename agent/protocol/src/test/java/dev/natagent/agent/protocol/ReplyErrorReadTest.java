package dev.natagent.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** natctl reads a reply's error into the record the agent wrote it from, and a missing field is an error. */
class ReplyErrorReadTest {
    private static final ReplyError PLAIN =
            new ReplyError("NOT_FOUND", "there is no forward named 'x'", null, List.of());
    private static final ReplyError DETAILED = new ReplyError(
            "VALIDATION",
            "port out of range",
            "forwards[0].listen",
            List.of(
                    new ReplyError.Detail("forwards[0].listen", "INVALID_VALUE", "port out of range"),
                    new ReplyError.Detail("", "INVALID_TYPE", "not an object")));

    private static ObjectNode written(ReplyError error) {
        return TestJson.toTree(error);
    }

    @Test
    void readsWhatTheAgentWrites() {
        assertEquals(PLAIN, ReplyError.read(ReplyFields.of(written(PLAIN), "reply.error")));
        assertEquals(DETAILED, ReplyError.read(ReplyFields.of(written(DETAILED), "reply.error")));
        assertFalse(written(PLAIN).has("field"), "no field, no key");
        assertFalse(written(PLAIN).has("details"), "no details, no key");
    }

    @Test
    void aMissingFieldIsAnError() {
        ObjectNode noCode = written(PLAIN);
        noCode.remove("code");
        assertEquals(
                "reply.error has no 'code'",
                assertThrows(
                                MalformedReplyException.class,
                                () -> ReplyError.read(ReplyFields.of(noCode, "reply.error")))
                        .getMessage());
        ObjectNode detail = written(DETAILED);
        ((ObjectNode) detail.get("details").get(1)).remove("message");
        assertEquals(
                "reply.error.details[1] has no 'message'",
                assertThrows(
                                MalformedReplyException.class,
                                () -> ReplyError.read(ReplyFields.of(detail, "reply.error")))
                        .getMessage());
    }
}
