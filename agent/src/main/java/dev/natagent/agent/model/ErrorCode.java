package dev.natagent.agent.model;

/** Stable error codes; the admin API returns them verbatim, so never rename one. */
public enum ErrorCode {
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
    PORT_IN_USE,
    NAME_TAKEN,
    TARGET_COUNT_MISMATCH,
    SSH_PORT_FORWARD,
    NOT_FOUND,
    CAPACITY_EXCEEDED,
    /** The forward is a cluster node's: only its cluster changes it. */
    OWNED_BY_CLUSTER
}
