package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.JsonWritable;
import java.io.IOException;

/**
 * Answer of apply.begin.
 *
 * @param upload the upload's id, which its apply.chunk, apply.commit or apply.abort names
 * @param maxChars the largest document the upload takes (characters; bytes for a raw upload)
 */
public record UploadBegun(String upload, long maxChars) implements JsonWritable {
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("upload", upload);
        out.writeNumberField("max_chars", maxChars);
        out.writeEndObject();
    }

    /** The record from an apply.begin reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static UploadBegun read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "apply.begin reply");
        return new UploadBegun(fields.text("upload"), fields.number("max_chars"));
    }
}
