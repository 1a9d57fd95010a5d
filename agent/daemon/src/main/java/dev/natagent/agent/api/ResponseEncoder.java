package dev.natagent.agent.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.ReplyError;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Builds response lines: {@code {"v":1,"id":..,"ok":true,"result":..}} or the error form. */
public final class ResponseEncoder {
    private final ObjectMapper mapper;

    public ResponseEncoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The success line; {@code result} is written as it is (a 50k-forward diff is not first copied into a tree). */
    public ResponseLine success(String id, Object result) {
        try {
            return ResponseLine.write(out -> writeSuccess(id, result, out));
        } catch (IOException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    /** Writes the success line's JSON to {@code out} as it is produced (the newline is the caller's). */
    void writeSuccess(String id, Object result, OutputStream out) throws IOException {
        write(new Success(AdminProtocol.VERSION, id, true, result == null ? Map.of() : result), out);
    }

    @JsonPropertyOrder({"v", "id", "ok", "result"})
    private record Success(int v, String id, boolean ok, Object result) {}

    public ResponseLine failure(String id, AdminException error) {
        return toLine(new Failure(
                AdminProtocol.VERSION,
                id,
                false,
                new ReplyError(error.code().name(), error.getMessage(), error.field(), error.details())));
    }

    @JsonPropertyOrder({"v", "id", "ok", "error"})
    private record Failure(int v, String id, boolean ok, ReplyError error) {}

    private ResponseLine toLine(Object response) {
        try {
            return ResponseLine.write(out -> write(response, out));
        } catch (IOException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    private void write(Object response, OutputStream out) throws IOException {
        // Jackson escapes control characters, so the only raw newline is the terminator.
        mapper.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, response);
    }
}
