package dev.natagent.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Answer of apply.begin.
 *
 * @param upload the upload's id, which its apply.chunk, apply.commit or apply.abort names
 * @param maxChars the largest document the upload takes (characters; bytes for a raw upload)
 */
public record UploadBegun(String upload, long maxChars) {
    /** The record from an apply.begin reply; a field it lacks is an error (see {@link ReplyFields}). */
    public static UploadBegun read(JsonNode reply) {
        ReplyFields fields = ReplyFields.of(reply, "apply.begin reply");
        return new UploadBegun(fields.text("upload"), fields.number("max_chars"));
    }
}
