package dev.natagent.agent.api;

import static dev.natagent.agent.api.TestSockets.connect;
import static dev.natagent.agent.api.TestSockets.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natagent.agent.metrics.AgentMetrics;
import dev.natagent.agent.metrics.MetricSources;
import dev.natagent.agent.model.ModelJson;
import dev.natagent.agent.protocol.AdminProtocol;
import dev.natagent.agent.testing.StateDocuments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A document over the line limit through the real socket: per connection, atomic at commit. */
class ChunkedApplyServerTest {
    /** 30,000 forwards: about 1.8 MB, over the request line limit. */
    private static final String DOCUMENT = StateDocuments.forwards(30_000);

    private static final int CHUNK = 300_000;

    @TempDir
    Path dir;

    private final FakeOperations operations = new FakeOperations();
    private final Uploads uploads = new Uploads();

    private AdminServer start() throws IOException {
        AgentMetrics metrics = new AgentMetrics(new MetricRegistry(), MetricSources.NONE);
        return AdminServer.start(
                AdminServerConfig.defaults(dir.resolve("run").resolve("admin.sock"), "root"),
                new AdminDispatcher(operations, uploads),
                metrics::apiRequest);
    }

    /** Buffered: the commit's answer (the diff of 30,000 forwards) is ~2 MB, too much to read byte by byte. */
    private static JsonNode call(SocketChannel channel, String op, ObjectNode args) throws IOException {
        ObjectNode request =
                ModelJson.mapper().createObjectNode().put("v", 1).put("id", op).put("op", op);
        request.set("args", args);
        String line = ModelJson.write(request);
        assertTrue(line.getBytes(StandardCharsets.UTF_8).length < AdminProtocol.MAX_REQUEST_BYTES, "under the limit");
        send(channel, line + "\n");
        return ModelJson.mapper().readTree(readLine(channel));
    }

    private static String readLine(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    assertTrue(!buffer.hasRemaining(), "one answer per request");
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            buffer.clear();
        }
        throw new IOException("closed without an answer");
    }

    private static ObjectNode args() {
        return ModelJson.mapper().createObjectNode();
    }

    private static void ok(JsonNode response) {
        assertTrue(response.get("ok").booleanValue(), response.toString());
    }

    /** Begins an upload on channel and sends all of DOCUMENT but its last chunk; returns the upload id. */
    private static String sendAllButTheLastChunk(SocketChannel channel) throws IOException {
        JsonNode begun = call(channel, "apply.begin", args());
        ok(begun);
        String upload = begun.at("/result/upload").textValue();
        int seq = 0;
        for (int start = 0; start + CHUNK < DOCUMENT.length(); start += CHUNK) {
            ok(call(
                    channel,
                    "apply.chunk",
                    args().put("upload", upload)
                            .put("seq", seq++)
                            .put("data", DOCUMENT.substring(start, start + CHUNK))));
        }
        return upload;
    }

    private static String lastChunk() {
        return DOCUMENT.substring(DOCUMENT.length() / CHUNK * CHUNK);
    }

    @Test
    void aDocumentOverTheLineLimitIsAppliedAtCommitOnly() throws Exception {
        assertTrue(DOCUMENT.length() > AdminProtocol.MAX_REQUEST_BYTES * 3 / 2, "well over the limit");
        try (AdminServer server = start();
                SocketChannel channel = connect(server.socketPath());
                SocketChannel other = connect(server.socketPath())) {
            String upload = sendAllButTheLastChunk(channel);
            int seq = DOCUMENT.length() / CHUNK;
            ok(call(
                    channel,
                    "apply.chunk",
                    args().put("upload", upload).put("seq", seq).put("data", lastChunk())));
            assertEquals(0, operations.revision(), "nothing applied before the commit");

            JsonNode foreign = call(other, "apply.commit", args().put("upload", upload));
            assertEquals("UPLOAD_NOT_FOUND", foreign.at("/error/code").textValue(), "another connection's upload");

            JsonNode committed = call(channel, "apply.commit", args().put("upload", upload));
            ok(committed);
            assertTrue(committed.at("/result/applied").booleanValue());
            assertEquals(1, committed.at("/result/revision").longValue());
            assertEquals(30_000, committed.at("/result/diff/forwards/added").size());
            assertEquals(30_000, operations.state().forwards().size());
            assertEquals(0, uploads.heldBytes());
        }
    }

    @Test
    void aConnectionClosedMidUploadChangesNothingAndFreesTheUpload() throws Exception {
        try (AdminServer server = start()) {
            try (SocketChannel channel = connect(server.socketPath())) {
                sendAllButTheLastChunk(channel);
                assertTrue(uploads.heldBytes() > AdminProtocol.MAX_REQUEST_BYTES);
            }
            AdminServerTest.waitFor(() -> uploads.heldBytes() == 0);
            assertEquals(0, operations.revision());
            assertTrue(operations.state().forwards().isEmpty());
            try (SocketChannel channel = connect(server.socketPath())) {
                ok(call(channel, "status", args()));
            }
        }
    }
}
