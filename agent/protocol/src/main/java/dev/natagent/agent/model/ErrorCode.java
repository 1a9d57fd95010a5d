package dev.natagent.agent.model;

/**
 * Stable error codes of the admin protocol; scripts match on these names, so never rename one. A
 * refusal's top-level {@code code} is one of the request-level codes below; a field-level problem
 * found by validation is reported as {@link #VALIDATION} with the field's own code in its details,
 * unless it is one of {@link #topLevel()}'s codes (PORT_IN_USE, NAME_TAKEN, NOT_FOUND,
 * SSH_PORT_FORWARD, OWNED_BY_CLUSTER), which a script may want to match without reading the details.
 */
public enum ErrorCode {
    // Request level: the code of a refused request.

    /** Another forward already claims this protocol and listen port. */
    PORT_IN_USE,
    /** A forward or outbound with this name already exists. */
    NAME_TAKEN,
    /** No forward or outbound with this name. */
    NOT_FOUND,
    /** The request is well-formed but its content is invalid (field says which). */
    VALIDATION,
    /** The forward would capture the port this host's sshd listens on; repeat with force. */
    SSH_PORT_FORWARD,
    /** The persisted state could not be read; changes are refused until it is fixed. */
    STATE_CORRUPT,
    /**
     * The change could not be written to the state directory (disk full, read-only, I/O error); the
     * kernel change was taken back and nothing was changed. The message names the file and the reason.
     */
    STORAGE,
    /** The kernel refused or failed the change; nothing was changed. */
    KERNEL_ERROR,
    /** The caller's uid/group may not perform this operation. */
    PERMISSION_DENIED,
    /** The line is not a valid request: malformed JSON, wrong types, missing fields. */
    BAD_REQUEST,
    /** The forward belongs to a cluster's node and changes only with the cluster; change the cluster. */
    OWNED_BY_CLUSTER,
    /** The cluster's configuration endpoint could not be asked (refresh, map): unreachable, auth, TLS, reply. */
    DISCOVERY_FAILED,
    /** The op is not one this agent knows. */
    UNKNOWN_OP,
    /** The request line exceeds the size limit; the connection is closed. */
    REQUEST_TOO_LARGE,
    /** No open upload of this id on this connection (never begun, already committed or aborted, or discarded). */
    UPLOAD_NOT_FOUND,
    /** apply.begin while this connection already has an open upload: commit or abort it first. */
    UPLOAD_IN_PROGRESS,
    /** The chunk's seq is not the next one expected; the upload is unchanged. */
    UPLOAD_OUT_OF_ORDER,
    /** The document would exceed the upload size limit; the upload is discarded. */
    UPLOAD_TOO_LARGE,
    /** The protocol version "v" is not supported. */
    UNSUPPORTED_VERSION,
    /** The agent has too many requests queued, or holds too much upload data for all clients; retry later. */
    BUSY,
    /** An unexpected failure inside the agent; see its log. */
    INTERNAL,

    // Field level: the code of one field's problem in a VALIDATION refusal's details.

    INVALID_NAME,
    INVALID_PROTOCOL,
    INVALID_PORT,
    INVALID_ADDRESS,
    INVALID_CIDR,
    INVALID_TARGET,
    INVALID_RETURN_PATH,
    INVALID_INTERFACE,
    INVALID_VALUE,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    INVALID_TYPE,
    MALFORMED_JSON,
    UNSUPPORTED_SCHEMA,
    TARGET_COUNT_MISMATCH,
    CAPACITY_EXCEEDED;

    /** Whether a field-level problem with this code is also the refusal's own code (else VALIDATION). */
    public boolean topLevel() {
        return this == PORT_IN_USE
                || this == NAME_TAKEN
                || this == NOT_FOUND
                || this == SSH_PORT_FORWARD
                || this == OWNED_BY_CLUSTER;
    }
}
