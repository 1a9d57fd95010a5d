package dev.natagent.agent.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ModelJson;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw admin-socket client for tests that drive a real daemon: one request per connection, the
 * answer parsed. An agent that dies mid-request is an IOException (the change was not acknowledged).
 */
final class AgentSocket {
    private static final AtomicLong IDS = new AtomicLong();

    private AgentSocket() {}

    /** The whole response object ({@code ok}, {@code result} or {@code error}). */
    static JsonNode call(Path socket, String op, JsonNode args) throws IOException {
        ObjectNode request = ModelJson.mapper().createObjectNode();
        request.put("v", 1);
        request.put("id", "reliability-" + IDS.incrementAndGet());
        request.put("op", op);
        if (args != null) {
            request.set("args", args);
        }
        byte[] line = (ModelJson.mapper().writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(line);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (true) {
                in.clear();
                int read = channel.read(in);
                if (read < 0) {
                    throw new EOFException("the agent closed the connection before answering " + op);
                }
                answer.write(in.array(), 0, read);
                if (read > 0 && in.array()[read - 1] == '\n') {
                    return ModelJson.mapper().readTree(answer.toByteArray());
                }
            }
        }
    }

    /** The result of a request that must succeed. */
    static JsonNode ok(Path socket, String op, JsonNode args) throws IOException {
        JsonNode response = call(socket, op, args);
        if (!response.path("ok").asBoolean()) {
            throw new AssertionError(op + " refused: " + response);
        }
        return response.path("result");
    }

    static JsonNode status(Path socket) throws IOException {
        return ok(socket, "status", null);
    }
}
