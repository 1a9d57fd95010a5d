package dev.natagent.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.protocol.ReplyError;
import java.io.IOException;
import java.io.OutputStream;

/** Builds response lines: {@code {"v":1,"id":..,"ok":true,"result":..}} or the error form. */
public final class ResponseEncoder {
    /** The result of a request that answers nothing but success. */
    private static final JsonWritable EMPTY = out -> {
        out.writeStartObject();
        out.writeEndObject();
    };

    /** The success line; {@code result} is written as it is (a 50k-forward diff is not first copied into a tree). */
    public ResponseLine success(String id, JsonWritable result) {
        try {
            return ResponseLine.write(out -> writeSuccess(id, result, out));
        } catch (IOException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    /** Writes the success line's JSON to {@code out} as it is produced (the newline is the caller's). */
    void writeSuccess(String id, JsonWritable result, OutputStream out) throws IOException {
        write(id, true, "result", result == null ? EMPTY : result, out);
    }

    public ResponseLine failure(String id, AdminException error) {
        ReplyError reply = new ReplyError(error.code().name(), error.getMessage(), error.field(), error.details());
        try {
            return ResponseLine.write(out -> write(id, false, "error", reply, out));
        } catch (IOException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

    private static void write(String id, boolean ok, String member, JsonWritable body, OutputStream out)
            throws IOException {
        // The generator escapes control characters, so the only raw newline is the terminator.
        try (JsonGenerator json = JsonWriting.generator(out)) {
            json.writeStartObject();
            json.writeNumberField("v", AdminProtocol.VERSION);
            json.writeStringField("id", id);
            json.writeBooleanField("ok", ok);
            JsonWriting.object(json, member, body);
            json.writeEndObject();
        }
    }
}
