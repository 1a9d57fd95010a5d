package dev.natagent.agent.model;

import java.util.Objects;

/**
 * One problem with one field. {@code field} is a path such as {@code forwards[2].listen}; the empty
 * string means the document (or argument object) as a whole.
 */
public record FieldError(String field, ErrorCode code, String message) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** The same error seen from an enclosing object: {@code listen} under {@code forwards[2]}. */
    public FieldError under(String parent) {
        if (parent.isEmpty()) {
            return this;
        }
        if (field.isEmpty()) {
            return new FieldError(parent, code, message);
        }
        String separator = field.startsWith("[") ? "" : ".";
        return new FieldError(parent + separator + field, code, message);
    }

    @Override
    public String toString() {
        return (field.isEmpty() ? "" : field + ": ") + message + " [" + code + "]";
    }
}
