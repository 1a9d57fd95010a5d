package dev.natagent.agent.api;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the admin socket.
 *
 * @param socket path of the socket (parent directory created with mode 0750 if missing)
 * @param adminGroup group that owns the socket (mode 0660) and whose members may change state
 * @param idleTimeout a connection with no complete request for this long is closed
 * @param maxConnections connections beyond this are closed at once
 * @param readerThreads threads running read-only requests (mutations run on one writer thread)
 * @param queueCapacity requests waiting per executor before new ones get BUSY
 * @param requestMemory heap for all connections' partial request lines and requests in progress
 *     (see {@link ClientMemory}); a connection that finds none left is not read until some is free
 * @param responseMemory unwritten response bytes of all connections beyond which no new request
 *     starts until clients have read theirs
 */
public record AdminServerConfig(
        Path socket,
        String adminGroup,
        Duration idleTimeout,
        int maxConnections,
        int readerThreads,
        int queueCapacity,
        long requestMemory,
        long responseMemory) {

    public static final long DEFAULT_REQUEST_MEMORY = 24L << 20;
    public static final long DEFAULT_RESPONSE_MEMORY = 16L << 20;

    public AdminServerConfig {
        if (requestMemory < AdminServer.MIN_REQUEST_MEMORY) {
            throw new IllegalArgumentException("requestMemory must be at least " + AdminServer.MIN_REQUEST_MEMORY
                    + " bytes (one request of the maximal size), not " + requestMemory);
        }
        if (responseMemory < 1) {
            throw new IllegalArgumentException("responseMemory must be positive");
        }
    }

    public static AdminServerConfig defaults(Path socket, String adminGroup) {
        return new AdminServerConfig(
                socket,
                adminGroup,
                Duration.ofSeconds(60),
                16_384,
                4,
                1_024,
                DEFAULT_REQUEST_MEMORY,
                DEFAULT_RESPONSE_MEMORY);
    }

    public AdminServerConfig withIdleTimeout(Duration timeout) {
        return new AdminServerConfig(
                socket,
                adminGroup,
                timeout,
                maxConnections,
                readerThreads,
                queueCapacity,
                requestMemory,
                responseMemory);
    }

    public AdminServerConfig withMaxConnections(int max) {
        return new AdminServerConfig(
                socket, adminGroup, idleTimeout, max, readerThreads, queueCapacity, requestMemory, responseMemory);
    }
}
