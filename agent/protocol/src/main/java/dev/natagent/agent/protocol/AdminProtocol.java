package dev.natagent.agent.protocol;

/** Constants of the newline-delimited JSON admin protocol, shared by the agent and natctl. */
public final class AdminProtocol {
    public static final int VERSION = 1;
    /** Longest accepted request line in bytes, excluding the newline. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;

    private AdminProtocol() {}
}
