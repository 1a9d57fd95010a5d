package dev.natagent.agent.store;

import java.nio.file.Path;

/**
 * The persisted state cannot be trusted: missing, truncated, empty, of an unknown schema, damaged
 * or unreadable. The daemon must then leave the kernel exactly as it is, report a failed status
 * and refuse changes; the message says what is wrong and how to recover.
 */
public final class StateCorruptException extends Exception {
    private final transient Path file;

    public StateCorruptException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The file found at fault. */
    public Path file() {
        return file;
    }
}
