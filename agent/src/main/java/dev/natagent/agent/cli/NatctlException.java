package dev.natagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Ends a natctl run with a message on stderr and a contract exit code (see {@link ExitCode}). */
final class NatctlException extends RuntimeException {
    private final int exitCode;
    /** The agent's error object when it refused the request; printed on stdout under --json. */
    private final JsonNode agentError;

    NatctlException(int exitCode, String message, JsonNode agentError) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.agentError = agentError;
    }

    static NatctlException unreachable(String message) {
        return new NatctlException(ExitCode.UNREACHABLE, message, null);
    }

    static NatctlException refused(JsonNode error) {
        String field = error.path("field").asText("");
        String message = error.path("code").asText("ERROR") + ": "
                + error.path("message").asText("") + (field.isEmpty() ? "" : " (field: " + field + ")");
        return new NatctlException(ExitCode.REFUSED, message, error);
    }

    int exitCode() {
        return exitCode;
    }

    JsonNode agentError() {
        return agentError;
    }
}
