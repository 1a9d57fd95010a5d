package dev.natagent.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

/**
 * sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET. With Type=notify systemd
 * starts units ordered after us only once the kernel table is in place, which is what "NAT up
 * early at boot" needs. Without the variable (run by hand, in tests) it does nothing.
 */
final class SystemdNotifier {
    private static final Logger LOG = Logger.getLogger(SystemdNotifier.class.getName());
    private final String socketPath;

    SystemdNotifier(String socketPath) {
        this.socketPath = socketPath;
    }

    static SystemdNotifier fromEnvironment() {
        return new SystemdNotifier(System.getenv("NOTIFY_SOCKET"));
    }

    void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID="
                + ProcessHandle.current().pid());
    }

    void status(String status) {
        send("STATUS=" + status);
    }

    void stopping() {
        send("STOPPING=1");
    }

    private void send(String message) {
        if (socketPath == null || socketPath.isEmpty()) {
            return;
        }
        // A leading '@' names a socket in the abstract namespace.
        String path = socketPath.startsWith("@") ? "\0" + socketPath.substring(1) : socketPath;
        try (UnixDatagramChannel channel = UnixDatagramChannel.open()) {
            channel.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), new UnixSocketAddress(path));
        } catch (IOException e) {
            LOG.warning("could not notify systemd at " + socketPath + ": " + e.getMessage());
        }
    }
}
