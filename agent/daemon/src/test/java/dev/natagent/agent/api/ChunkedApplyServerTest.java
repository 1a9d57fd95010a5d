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
import dev.natagent.agent.model.TestJson;
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
                TestJson.mapper().createObjectNode().put("v", 1).put("id", op).put("op", op);
        request.set("args", args);
        String line = TestJson.write(request);
        assertTrue(line.getBytes(StandardCharsets.UTF_8).length < AdminProtocol.MAX_REQUEST_BYTES, "under the limit");
        send(channel, line + "\n");
        return TestJson.mapper().readTree(readLine(channel));
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
        return TestJson.mapper().createObjectNode();
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

    // ---- the document as raw bytes (apply.begin with "bytes") ----------------------------------

    private static final byte[] RAW = DOCUMENT.getBytes(StandardCharsets.UTF_8);

    /** Begins a raw upload of {@code bytes} bytes and returns the upload id. */
    private static String beginBytes(SocketChannel channel, long bytes) throws IOException {
        JsonNode begun = call(channel, "apply.begin", args().put("bytes", bytes));
        ok(begun);
        return begun.at("/result/upload").textValue();
    }

    private static void sendBytes(SocketChannel channel, byte[] bytes, int from, int to) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, from, to - from);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Test
    void aDocumentSentAsRawBytesIsAppliedAtCommitOnly() throws Exception {
        try (AdminServer server = start();
                SocketChannel channel = connect(server.socketPath());
                SocketChannel other = connect(server.socketPath())) {
            String upload = beginBytes(channel, RAW.length);
            assertTrue(uploads.heldBytes() >= RAW.length, "the whole document is reserved at begin");
            // The bytes are not lines: a newline inside them ends nothing.
            sendBytes(channel, RAW, 0, RAW.length);
            ok(call(other, "status", args()));
            assertEquals(0, operations.revision(), "nothing applied before the commit");

            JsonNode committed =
                    call(channel, "apply.commit", args().put("upload", upload).put("diff", "names"));
            ok(committed);
            assertTrue(committed.at("/result/applied").booleanValue());
            assertEquals(30_000, committed.at("/result/diff/forwards/added").size());
            assertEquals(ModelJson.read(DOCUMENT, dev.natagent.agent.model.NatState.class), operations.state());
            assertEquals(0, uploads.heldBytes());
            ok(call(channel, "status", args()));
        }
    }

    /** A client may send the bytes and the commit right behind the begin, without waiting for its answer. */
    @Test
    void theBytesAndTheCommitMayFollowTheBeginAtOnce() throws Exception {
        try (AdminServer server = start();
                SocketChannel channel = connect(server.socketPath())) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(("{\"v\":1,\"id\":\"b\",\"op\":\"apply.begin\",\"args\":{\"bytes\":" + RAW.length + "}}\n")
                    .getBytes(StandardCharsets.UTF_8));
            all.writeBytes(RAW);
            all.writeBytes(
                    "{\"v\":1,\"id\":\"c\",\"op\":\"apply.commit\",\"args\":{\"upload\":\"upload-1\",\"diff\":\"names\"}}\n"
                            .getBytes(StandardCharsets.UTF_8));
            byte[] bytes = all.toByteArray();
            sendBytes(channel, bytes, 0, bytes.length);
            JsonNode begun = TestJson.mapper().readTree(readLine(channel));
            ok(begun);
            assertEquals("upload-1", begun.at("/result/upload").textValue());
            JsonNode committed = TestJson.mapper().readTree(readLine(channel));
            ok(committed);
            assertEquals(30_000, operations.state().forwards().size());
        }
    }

    @Test
    void aConnectionClosedBeforeAllBytesCameChangesNothingAndFreesTheUpload() throws Exception {
        try (AdminServer server = start()) {
            try (SocketChannel channel = connect(server.socketPath())) {
                beginBytes(channel, RAW.length);
                sendBytes(channel, RAW, 0, RAW.length - 1);
            }
            AdminServerTest.waitFor(() -> uploads.heldBytes() == 0);
            assertEquals(0, operations.revision());
            assertTrue(operations.state().forwards().isEmpty());
        }
    }

    @Test
    void rawUploadsAreBoundedBeforeAByteIsSent() throws Exception {
        Uploads small = new Uploads(1000, 1500);
        AgentMetrics metrics = new AgentMetrics(new MetricRegistry(), MetricSources.NONE);
        try (AdminServer server = AdminServer.start(
                        AdminServerConfig.defaults(dir.resolve("run").resolve("admin.sock"), "root"),
                        new AdminDispatcher(operations, small),
                        metrics::apiRequest);
                SocketChannel one = connect(server.socketPath());
                SocketChannel two = connect(server.socketPath())) {
            JsonNode tooLarge = call(one, "apply.begin", args().put("bytes", 1001));
            assertEquals("UPLOAD_TOO_LARGE", tooLarge.at("/error/code").textValue(), tooLarge.toString());
            assertEquals("args.bytes", tooLarge.at("/error/field").textValue());
            beginBytes(one, 1000);
            JsonNode busy = call(two, "apply.begin", args().put("bytes", 1000));
            assertEquals("BUSY", busy.at("/error/code").textValue(), busy.toString());
            assertEquals(
                    "BAD_REQUEST",
                    call(two, "apply.begin", args().put("bytes", -1))
                            .at("/error/code")
                            .textValue());
            ok(call(two, "status", args()));
        }
    }

    @Test
    void aRawUploadTakesNoChunksAndRefusesBadDocumentsLikeApply() throws Exception {
        try (AdminServer server = start();
                SocketChannel channel = connect(server.socketPath())) {
            byte[] bad = "{\"forwards\":[\n{\"name\":\"a\",\"listen\":\"x\",\"to\":[\"10.0.1.1:80\"]}]}"
                    .getBytes(StandardCharsets.UTF_8);
            String upload = beginBytes(channel, bad.length);
            sendBytes(channel, bad, 0, bad.length);
            JsonNode chunk = call(
                    channel,
                    "apply.chunk",
                    args().put("upload", upload).put("seq", 0).put("data", "{}"));
            assertEquals("BAD_REQUEST", chunk.at("/error/code").textValue(), chunk.toString());
            JsonNode refused = call(channel, "apply.commit", args().put("upload", upload));
            assertEquals("VALIDATION", refused.at("/error/code").textValue(), refused.toString());
            assertEquals("forwards[0].listen", refused.at("/error/field").textValue());
            assertTrue(refused.at("/error/message").textValue().contains("(line 2, column "), refused.toString());

            byte[] cut = "{\"forwards\":[\n{\"name\":".getBytes(StandardCharsets.UTF_8);
            upload = beginBytes(channel, cut.length);
            sendBytes(channel, cut, 0, cut.length);
            JsonNode malformed = call(channel, "apply.commit", args().put("upload", upload));
            assertEquals("MALFORMED_JSON", malformed.at("/error/details/0/code").textValue(), malformed.toString());

            byte[] wide = "{\"forwards\":[]}".getBytes(StandardCharsets.UTF_16LE);
            upload = beginBytes(channel, wide.length);
            sendBytes(channel, wide, 0, wide.length);
            JsonNode utf16 = call(channel, "apply.commit", args().put("upload", upload));
            assertEquals("MALFORMED_JSON", utf16.at("/error/details/0/code").textValue(), utf16.toString());
            assertTrue(utf16.at("/error/message").textValue().contains("not UTF-8"), utf16.toString());
            assertEquals(0, operations.revision());
            assertEquals(0, uploads.heldBytes());
        }
    }
}
