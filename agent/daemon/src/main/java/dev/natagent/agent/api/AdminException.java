package dev.natagent.agent.api;

import dev.natagent.agent.model.ErrorCode;
import dev.natagent.agent.protocol.ReplyError;
import java.util.List;
import java.util.Objects;

/**
 * A refused or failed admin request: a stable {@link ErrorCode}, a human message and, when one
 * input is at fault, the field it came from (e.g. {@code listen}, {@code targets[1]}).
 */
public final class AdminException extends RuntimeException {
    private final ErrorCode code;
    private final String field;
    private final List<ReplyError.Detail> details;

    public AdminException(ErrorCode code, String message) {
        this(code, message, null, List.of(), null);
    }

    public AdminException(ErrorCode code, String message, String field) {
        this(code, message, field, List.of(), null);
    }

    public AdminException(
            ErrorCode code, String message, String field, List<ReplyError.Detail> details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
        this.details = List.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    /** The offending input field, or null when the error is not about one field. */
    public String field() {
        return field;
    }

    /** Every field-level problem, when validation found several. */
    public List<ReplyError.Detail> details() {
        return details;
    }
}
