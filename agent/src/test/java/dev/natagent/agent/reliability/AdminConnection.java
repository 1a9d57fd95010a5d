package dev.natagent.agent.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.ModelJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** One client connection to the admin socket: raw lines out, response lines in. */
final class AdminConnection implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private AdminConnection(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
        this.out = Channels.newOutputStream(channel);
    }

    static AdminConnection open(Path socket) throws IOException {
        return new AdminConnection(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    /** A well-formed request line for {@code op} with {@code args} (a JSON object). */
    static String request(String op, String args) {
        ObjectNode request = ModelJson.mapper().createObjectNode();
        request.put("v", 1).put("id", "t" + IDS.incrementAndGet()).put("op", op);
        request.set("args", ModelJson.read(args, JsonNode.class));
        return request.toString();
    }

    JsonNode call(String op, String args) throws IOException {
        return send(request(op, args));
    }

    /** Sends {@code line} (a newline is added) and returns the parsed response line. */
    JsonNode send(String line) throws IOException {
        return send(line.getBytes(StandardCharsets.UTF_8));
    }

    JsonNode send(byte[] line) throws IOException {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            // An oversized line is answered and the connection closed before all of it is read.
            try {
                return readResponse();
            } catch (IOException noAnswer) {
                noAnswer.addSuppressed(e);
                throw noAnswer;
            }
        }
        return readResponse();
    }

    JsonNode readResponse() throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("connection closed before a response line ended");
            }
            response.write(b);
        }
        return ModelJson.mapper().readTree(response.toByteArray());
    }

    OutputStream output() {
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
