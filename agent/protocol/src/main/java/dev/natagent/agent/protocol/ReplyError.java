package dev.natagent.agent.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
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
public record ReplyError(
        String code,
        String message,
        @JsonInclude(JsonInclude.Include.NON_NULL) String field,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Detail> details) {
    public ReplyError {
        details = List.copyOf(details);
    }

    /**
     * One field-level problem.
     *
     * @param field a path such as {@code forwards[2].listen}; empty for the document as a whole
     */
    public record Detail(String field, String code, String message) {}

    /** The record from a reply's {@code error} object; a field it lacks is an error (see {@link ReplyFields}). */
    public static ReplyError read(ReplyFields error) {
        List<Detail> details = new ArrayList<>();
        for (ReplyFields detail : error.optionalObjects("details")) {
            details.add(new Detail(detail.text("field"), detail.text("code"), detail.text("message")));
        }
        return new ReplyError(error.text("code"), error.text("message"), error.optionalText("field"), details);
    }
}
