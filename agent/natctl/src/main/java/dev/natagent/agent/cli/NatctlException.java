package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.JsonPositions;
import dev.natagent.agent.protocol.MalformedReplyException;
import dev.natagent.agent.protocol.ReplyError;
import java.nio.file.Path;

/**
 * Ends a natctl run with a message on stderr and a contract exit code (see {@link ExitCode}); under
 * --json its error object goes to stdout: the agent's own when it refused the request, else one
 * with code USAGE (exit 2) or UNREACHABLE (exit 3), and file, line and column when it is about a file.
 */
final class NatctlException extends RuntimeException {
    private final int exitCode;
    private final ObjectNode error;
    /** The agent's error when it refused the request, else null. */
    private final ReplyError refusal;

    private NatctlException(int exitCode, String message, ObjectNode error, ReplyError refusal) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.error = error;
        this.refusal = refusal;
    }

    static NatctlException unreachable(String message) {
        return new NatctlException(ExitCode.UNREACHABLE, message, error("UNREACHABLE", message), null);
    }

    /** A problem with what the user gave natctl that only shows once natctl runs (a file, say). */
    static NatctlException usage(String message) {
        return new NatctlException(ExitCode.USAGE, message, error("USAGE", message), null);
    }

    /** A reply from the agent at {@code socket} that natctl cannot read into its record (exit 3). */
    static NatctlException unreadable(Path socket, MalformedReplyException e) {
        return unreachable("agent at " + socket + " sent a reply natctl cannot read: " + e.getMessage());
    }

    /** The agent refused or failed the request; under --json its error object is printed as it sent it. */
    static NatctlException refused(ReplyError error) {
        boolean onField = error.field() != null && !error.field().isEmpty();
        String message = error.code() + ": " + error.message() + (onField ? " (field: " + error.field() + ")" : "");
        ObjectNode json = error(error.code(), error.message());
        if (error.field() != null) {
            json.put("field", error.field());
        }
        if (!error.details().isEmpty()) {
            ArrayNode details = json.putArray("details");
            for (ReplyError.Detail detail : error.details()) {
                details.addObject()
                        .put("field", detail.field())
                        .put("code", detail.code())
                        .put("message", detail.message());
            }
        }
        return new NatctlException(ExitCode.REFUSED, message, json, error);
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
        return new NatctlException(exitCode, message, located, refusal);
    }

    int exitCode() {
        return exitCode;
    }

    /** The agent's error when it refused the request (exit 1), else null. */
    ReplyError refusal() {
        return refusal;
    }

    /** The error object printed on stdout under --json. */
    JsonNode error() {
        return error;
    }
}
