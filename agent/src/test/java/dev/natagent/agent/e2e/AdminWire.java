package dev.natagent.agent.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ModelJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One admin-protocol request per connection, as a script would send it: a JSON line out, a JSON
 * line back. Lighter than natctl, so many concurrent clients load the agent, not this JVM.
 */
final class AdminWire {
    private static final AtomicLong IDS = new AtomicLong();

    private AdminWire() {}

    static JsonNode call(Path socket, String op, ObjectNode args) throws IOException {
        ObjectNode request = ModelJson.mapper().createObjectNode();
        request.put("v", 1);
        request.put("id", "wire-" + IDS.incrementAndGet());
        request.put("op", op);
        request.set("args", args);
        byte[] line = (ModelJson.mapper().writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(line);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            var in = Channels.newInputStream(channel);
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                answer.write(b);
            }
            JsonNode response = ModelJson.mapper().readTree(answer.toByteArray());
            if (response == null || !request.get("id").equals(response.get("id"))) {
                throw new IOException("no or foreign answer to " + request + ": " + answer);
            }
            return response;
        }
    }

    static ObjectNode args() {
        return ModelJson.mapper().createObjectNode();
    }
}
