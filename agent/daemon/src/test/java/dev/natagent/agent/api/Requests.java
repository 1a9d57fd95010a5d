package dev.natagent.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.Op;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Requests as the server gets them: a line, decoded. */
final class Requests {
    private Requests() {}

    static Request of(Op op, JsonNode args) {
        ObjectNode envelope = TestJson.mapper().createObjectNode();
        envelope.put("v", 1).put("id", "t").put("op", op.wireName()).set("args", args);
        try {
            byte[] line = TestJson.mapper().writeValueAsBytes(envelope);
            return new RequestDecoder(Long.MAX_VALUE).decode(line, 0, line.length);
        } catch (IOException | RequestDecoder.DecodeFailure e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
