package dev.natagent.agent.protocol;

/** Constants of the newline-delimited JSON admin protocol, shared by the agent and natctl. */
public final class AdminProtocol {
    public static final int VERSION = 1;
    /** Longest accepted request line in bytes, excluding the newline. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;
    /**
     * Largest uploaded document (chunked apply): 16 Mi characters in chunks, 16 MiB as raw bytes;
     * about three times a 50,000-forward state, and a size the agent's heap can parse.
     */
    public static final int MAX_UPLOAD = 16 << 20;

    private AdminProtocol() {}
}
