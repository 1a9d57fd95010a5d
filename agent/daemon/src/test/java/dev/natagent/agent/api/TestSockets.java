package dev.natagent.agent.api;

import com.codahale.metrics.MetricRegistry;
import dev.natagent.agent.metrics.AgentMetrics;
import dev.natagent.agent.metrics.MetricSources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Starting a test server and talking to it with raw lines. */
public final class TestSockets {
    private TestSockets() {}

    /** A server on dir/run/admin.sock owned by group root (we run tests as root). */
    public static AdminServer start(Path dir, AdminOperations operations) throws IOException {
        return start(AdminServerConfig.defaults(dir.resolve("run").resolve("admin.sock"), "root"), operations);
    }

    public static AdminServer start(AdminServerConfig config, AdminOperations operations) throws IOException {
        AgentMetrics metrics = new AgentMetrics(new MetricRegistry(), MetricSources.NONE);
        return AdminServer.start(config, new AdminDispatcher(operations), metrics::apiRequest);
    }

    public static SocketChannel connect(Path socket) throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    public static void send(SocketChannel channel, String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads one line (without the newline), or null at end of stream. */
    public static String readLine(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (one.get(0) == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(one.get(0));
        }
    }

    /** One request line, one response line, on a fresh connection. */
    public static String roundTrip(Path socket, String requestLine) throws IOException {
        try (SocketChannel channel = connect(socket)) {
            send(channel, requestLine + "\n");
            return readLine(channel);
        }
    }
}
