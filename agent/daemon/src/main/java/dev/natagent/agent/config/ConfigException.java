package dev.natagent.agent.config;

import dev.natagent.agent.model.FieldError;
import java.nio.file.Path;
import java.util.List;

/** The config file cannot be used; the message names the file, and line and column where known. */
public final class ConfigException extends Exception {
    private final transient Path file;
    private final transient List<FieldError> errors;

    public ConfigException(Path file, String message, List<FieldError> errors, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.errors = List.copyOf(errors);
    }

    public Path file() {
        return file;
    }

    /** Field-level errors when the JSON was readable; empty for I/O problems. */
    public List<FieldError> errors() {
        return errors;
    }
}
