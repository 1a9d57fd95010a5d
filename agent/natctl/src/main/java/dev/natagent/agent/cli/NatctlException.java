package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.JsonPositions;

/**
 * Ends a natctl run with a message on stderr and a contract exit code (see {@link ExitCode}); under
 * --json its error object goes to stdout: the agent's own when it refused the request, else one
 * with code USAGE (exit 2) or UNREACHABLE (exit 3), and file, line and column when it is about a file.
 */
final class NatctlException extends RuntimeException {
    private final int exitCode;
    private final ObjectNode error;

    private NatctlException(int exitCode, String message, ObjectNode error) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.error = error;
    }

    static NatctlException unreachable(String message) {
        return new NatctlException(ExitCode.UNREACHABLE, message, error("UNREACHABLE", message));
    }

    /** A problem with what the user gave natctl that only shows once natctl runs (a file, say). */
    static NatctlException usage(String message) {
        return new NatctlException(ExitCode.USAGE, message, error("USAGE", message));
    }

    static NatctlException refused(JsonNode error) {
        String field = error.path("field").asText("");
        String message = error.path("code").asText("ERROR") + ": "
                + error.path("message").asText("") + (field.isEmpty() ? "" : " (field: " + field + ")");
        ObjectNode copy = error.isObject() ? ((ObjectNode) error).deepCopy() : CliJson.object();
        return new NatctlException(ExitCode.REFUSED, message, copy);
    }

    /** An error object of natctl's own, shaped like the agent's ({@code code}, {@code message}). */
    static ObjectNode error(String code, String message) {
        ObjectNode error = CliJson.object();
        error.put("code", code);
        error.put("message", message);
        return error;
    }

    /** The same failure, about {@code file} at {@code at} (null: somewhere in the file): "FILE:LINE:COLUMN: ...". */
    NatctlException inFile(String file, JsonPositions.Position at) {
        return about(file, at, file + ":" + (at == null ? "" : at + ":") + " " + getMessage());
    }

    /** The same failure, about {@code file} at {@code at} (may be null), said as {@code message}. */
    NatctlException about(String file, JsonPositions.Position at, String message) {
        ObjectNode located = error.deepCopy();
        located.put("file", file);
        if (at != null) {
            located.put("line", at.line());
            located.put("column", at.column());
        }
        return new NatctlException(exitCode, message, located);
    }

    int exitCode() {
        return exitCode;
    }

    /** The error object printed on stdout under --json. */
    JsonNode error() {
        return error;
    }
}
