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
 */
public record AdminServerConfig(
        Path socket,
        String adminGroup,
        Duration idleTimeout,
        int maxConnections,
        int readerThreads,
        int queueCapacity) {

    public static final String DEFAULT_GROUP = "natadmin";

    public static AdminServerConfig defaults(Path socket, String adminGroup) {
        return new AdminServerConfig(socket, adminGroup, Duration.ofSeconds(60), 16_384, 4, 1_024);
    }

    public AdminServerConfig withIdleTimeout(Duration timeout) {
        return new AdminServerConfig(socket, adminGroup, timeout, maxConnections, readerThreads, queueCapacity);
    }
}
