package dev.natagent.agent.model;

import java.util.List;

/**
 * Input that the model refuses, with every field-level problem found. Unchecked so that record
 * constructors and JSON creators can throw it; callers at the API boundary catch it explicitly.
 */
public final class ValidationException extends RuntimeException {
    private final transient List<FieldError> errors;

    public ValidationException(List<FieldError> errors) {
        super(describe(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ValidationException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public ValidationException(String field, ErrorCode code, String message) {
        this(List.of(new FieldError(field, code, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** The first error; the admin API reports this one in its single {@code error} object. */
    public FieldError first() {
        return errors.get(0);
    }

    /** The same errors seen from an enclosing object (see {@link FieldError#under}). */
    public ValidationException under(String parent) {
        return new ValidationException(errors.stream().map(e -> e.under(parent)).toList());
    }

    /** Throws if {@code errors} is not empty. */
    public static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }

    private static String describe(List<FieldError> errors) {
        StringBuilder text = new StringBuilder();
        for (FieldError error : errors) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(error);
        }
        return text.toString();
    }
}
