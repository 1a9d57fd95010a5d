package dev.natagent.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.model.TestJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw admin-socket client, as a script would talk to the agent: request lines out, response
 * lines in, no natctl in between (so many clients load the agent, not this JVM, and malformed lines
 * can be sent). An agent that dies mid-request is an IOException: the change was not acknowledged.
 */
public final class AdminClient implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private AdminClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(Channels.newInputStream(channel));
        this.out = Channels.newOutputStream(channel);
    }

    public static AdminClient open(Path socket) throws IOException {
        return new AdminClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    /** One request on a fresh connection; the whole response ({@code ok}, {@code result} or {@code error}). */
    public static JsonNode callOnce(Path socket, String op, JsonNode args) throws IOException {
        ObjectNode request = request(op, args);
        try (AdminClient client = open(socket)) {
            JsonNode response = client.send(request.toString());
            if (response == null || !request.get("id").equals(response.get("id"))) {
                throw new IOException("no or foreign answer to " + request + ": " + response);
            }
            return response;
        }
    }

    /** The result of a one-connection request that must succeed. */
    public static JsonNode ok(Path socket, String op, JsonNode args) throws IOException {
        JsonNode response = callOnce(socket, op, args);
        if (!response.path("ok").asBoolean()) {
            throw new AssertionError(op + " refused: " + response);
        }
        return response.path("result");
    }

    public static JsonNode status(Path socket) throws IOException {
        return ok(socket, "status", null);
    }

    /** An empty JSON object to fill with arguments. */
    public static ObjectNode args() {
        return TestJson.mapper().createObjectNode();
    }

    /** A well-formed request for {@code op} with {@code args} (a JSON object; null for none). */
    public static ObjectNode request(String op, JsonNode args) {
        ObjectNode request = TestJson.mapper().createObjectNode();
        request.put("v", 1).put("id", "t" + IDS.incrementAndGet()).put("op", op);
        if (args != null) {
            request.set("args", args);
        }
        return request;
    }

    /** A well-formed request line for {@code op} with {@code args} given as JSON text. */
    public static String request(String op, String args) {
        try {
            return request(op, TestJson.mapper().readTree(args)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode call(String op, String args) throws IOException {
        return send(request(op, args));
    }

    /** Sends {@code line} (a newline is added) and returns the parsed response line. */
    public JsonNode send(String line) throws IOException {
        return send(line.getBytes(StandardCharsets.UTF_8));
    }

    public JsonNode send(byte[] line) throws IOException {
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

    public JsonNode readResponse() throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the agent closed the connection before a response line ended");
            }
            response.write(b);
        }
        return TestJson.mapper().readTree(response.toByteArray());
    }

    public OutputStream output() {
        return out;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
