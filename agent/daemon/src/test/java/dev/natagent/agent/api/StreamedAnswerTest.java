package dev.natagent.agent.api;

import static dev.natagent.agent.api.AdminServerTest.waitFor;
import static dev.natagent.agent.api.TestSockets.connect;
import static dev.natagent.agent.api.TestSockets.roundTrip;
import static dev.natagent.agent.api.TestSockets.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natagent.agent.model.TestJson;
import dev.natagent.agent.protocol.ExportFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers are written into the socket as they are produced: the daemon holds a bounded window of
 * a large answer whatever the client does, and a client that leaves stops the work for it.
 */
class StreamedAnswerTest {
    /** Far more than the window and the socket buffers together. */
    private static final long DOCUMENT_CHARS = 12L << 20;
    /** The window, the chunk being filled, Jackson's buffer and the socket's buffer, with room to spare. */
    private static final long HELD_BOUND = 2L << 20;

    private static final String LINE = "element 10.0.1.230 . 6379,\n";

    @TempDir
    Path dir;

    /** Export answers with {@code chars} of text made as it is written; counts what was made. */
    private static final class LargeExport extends FakeOperations {
        final AtomicLong produced = new AtomicLong();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile long failAfter = Long.MAX_VALUE;

        @Override
        public synchronized Document export(ExportFormat format) {
            return Document.text("nft", out -> {
                try {
                    for (long written = 0; written < DOCUMENT_CHARS; written += LINE.length()) {
                        if (written >= failAfter) {
                            throw new IllegalStateException("the document cannot be made");
                        }
                        out.write(LINE);
                        produced.addAndGet(LINE.length());
                    }
                } finally {
                    ended.countDown();
                }
            });
        }
    }

    private static String request(String id, String op, String args) {
        return "{\"v\":1,\"id\":\"" + id + "\",\"op\":\"" + op + "\",\"args\":" + args + "}\n";
    }

    private static final String EXPORT = request("e", "export", "{\"format\":\"nft\"}");

    /** Waits until {@code counter} has moved and then not moved for half a second; returns its value. */
    private static long settled(AtomicLong counter) throws InterruptedException {
        waitFor(() -> counter.get() > 0);
        long last = -1;
        while (counter.get() != last) {
            last = counter.get();
            Thread.sleep(500);
        }
        return last;
    }

    /** Everything up to the end of stream or the first newline, read in large pieces. */
    private static String readAll(SocketChannel client) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        while (client.read(buffer.clear()) >= 0) {
            line.write(buffer.array(), 0, buffer.position());
            if (buffer.position() > 0 && buffer.get(buffer.position() - 1) == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static boolean statusAnswers(AdminServer server) throws IOException {
        return TestJson.mapper()
                .readTree(roundTrip(
                        server.socketPath(), request("s", "status", "{}").trim()))
                .get("ok")
                .booleanValue();
    }

    @Test
    void aLargeAnswerIsMadeAsFastAsTheClientReadsItAndArrivesWhole() throws Exception {
        LargeExport operations = new LargeExport();
        try (AdminServer server = TestSockets.start(dir, operations);
                SocketChannel client = connect(server.socketPath())) {
            send(client, EXPORT);
            long made = settled(operations.produced);
            assertTrue(made > 0 && made < HELD_BOUND, "made ahead of a client that reads nothing: " + made);
            assertEquals(1, operations.ended.getCount(), "the writer waits for the client");
            assertTrue(statusAnswers(server), "other clients are served meanwhile");

            String line = readAll(client);
            assertTrue(line.endsWith("}\n"), "one whole line");
            JsonNode answer = TestJson.mapper().readTree(line);
            String content = answer.at("/result/content").textValue();
            assertEquals((DOCUMENT_CHARS + LINE.length() - 1) / LINE.length() * LINE.length(), content.length());
            assertTrue(content.startsWith(LINE) && content.endsWith(LINE));
            assertTrue(operations.ended.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void clientsThatLeaveMidAnswerStopTheirWritersAndFreeTheirThreads() throws Exception {
        LargeExport operations = new LargeExport();
        try (AdminServer server = TestSockets.start(dir, operations)) {
            // More clients than reader threads, each leaving after a little of its answer.
            List<SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SocketChannel client = connect(server.socketPath());
                send(client, EXPORT);
                ByteBuffer some = ByteBuffer.allocate(64 * 1024);
                while (some.hasRemaining()) {
                    assertTrue(client.read(some) > 0);
                }
                clients.add(client);
            }
            for (SocketChannel client : clients) {
                client.close();
            }
            waitFor(() -> server.openConnections() == 0);
            long made = settled(operations.produced);
            assertTrue(made < 8 * HELD_BOUND, "made for clients that left: " + made);
            assertTrue(statusAnswers(server), "the reader threads are free again");
        }
    }

    @Test
    void aFailureBeforeAnyOfTheAnswerIsOutIsAnsweredAndOneAfterCutsTheLineShort() throws Exception {
        LargeExport operations = new LargeExport();
        try (AdminServer server = TestSockets.start(dir, operations)) {
            operations.failAfter = 0;
            JsonNode refused = TestJson.mapper().readTree(roundTrip(server.socketPath(), EXPORT.trim()));
            assertFalse(refused.get("ok").booleanValue());
            assertEquals("INTERNAL", refused.at("/error/code").textValue());

            operations.failAfter = 1L << 20;
            try (SocketChannel client = connect(server.socketPath())) {
                send(client, EXPORT);
                String cut = readAll(client);
                assertTrue(cut.length() > 1 << 19 && cut.length() < 2 << 20, "length " + cut.length());
                assertFalse(cut.endsWith("}"), "no complete answer: the client sees it broken");
                assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the connection is closed");
            }
            assertTrue(statusAnswers(server));
        }
    }
}
