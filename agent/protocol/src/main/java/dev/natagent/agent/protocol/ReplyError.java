package dev.natagent.agent.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.natagent.agent.model.JsonWritable;
import dev.natagent.agent.model.JsonWriting;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The error part of a refused or failed request's reply.
 *
 * @param code a stable error code (the model's ErrorCode names; kept as text, so a newer agent's
 *     code still reads)
 * @param field the offending input ({@code args.NAME}, or a path in the model object such as
 *     {@code forwards[2].listen}), or null when the error is not about one input
 * @param details every field-level problem when validation found several; empty otherwise
 */
public record ReplyError(String code, String message, String field, List<Detail> details) implements JsonWritable {
    public ReplyError {
        details = List.copyOf(details);
    }

    /**
     * One field-level problem.
     *
     * @param field a path such as {@code forwards[2].listen}; empty for the document as a whole
     */
    public record Detail(String field, String code, String message) implements JsonWritable {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            JsonWriting.text(out, "field", field);
            JsonWriting.text(out, "code", code);
            JsonWriting.text(out, "message", message);
            out.writeEndObject();
        }
    }

    /** {@code field} only when there is one, {@code details} only when there are any. */
    @Override
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        JsonWriting.text(out, "code", code);
        JsonWriting.text(out, "message", message);
        JsonWriting.optionalText(out, "field", field);
        if (!details.isEmpty()) {
            JsonWriting.objects(out, "details", details);
        }
        out.writeEndObject();
    }

    /** The record from a reply's {@code error} object; a field it lacks is an error (see {@link ReplyFields}). */
    public static ReplyError read(ReplyFields error) {
        List<Detail> details = new ArrayList<>();
        for (ReplyFields detail : error.optionalObjects("details")) {
            details.add(new Detail(detail.text("field"), detail.text("code"), detail.text("message")));
        }
        return new ReplyError(error.text("code"), error.text("message"), error.optionalText("field"), details);
    }
}
